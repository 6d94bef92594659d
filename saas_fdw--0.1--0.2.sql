/* saas_fdw--0.1--0.2.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION saas_fdw UPDATE TO '0.2'" to load this file. \quit

-- Every object 0.2 adds or changes is created here as in saas_fdw--0.2.sql,
-- so that an updated database and a fresh install of 0.2 hold the same
-- objects.

-- What each service offers, before any IMPORT (src/describe.c): one row per
-- column of every table IMPORT FOREIGN SCHEMA would create for the service
-- (NULL: every service), from the descriptions IMPORT and its comments are
-- written from.  filters lists the operators the API applies (approximate:
-- some only roughly, then rechecked), order_by the ORDER BY it delivers.
CREATE FUNCTION saas_fdw_describe(
    service text DEFAULT NULL,
    OUT service_name text,
    OUT table_name text,
    OUT column_name text,
    OUT column_type text,
    OUT key boolean,
    OUT filters text,
    OUT order_by text,
    OUT approximate boolean,
    OUT description text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'saas_fdw_describe'
LANGUAGE C STABLE PARALLEL SAFE;

-- Forget what the APIs said about rate limits (remaining, reset_at,
-- blocked_until), of every server or of one: a way out of a long wait
-- after a limit was raised or a token changed.  Superuser only.
CREATE FUNCTION saas_fdw_rate_limit_reset()
RETURNS void
AS 'MODULE_PATHNAME', 'saas_fdw_rate_limit_reset_all'
LANGUAGE C VOLATILE;

CREATE FUNCTION saas_fdw_rate_limit_reset(server text)
RETURNS void
AS 'MODULE_PATHNAME', 'saas_fdw_rate_limit_reset_server'
LANGUAGE C STRICT VOLATILE;

REVOKE ALL ON FUNCTION saas_fdw_rate_limit_reset() FROM PUBLIC;
REVOKE ALL ON FUNCTION saas_fdw_rate_limit_reset(text) FROM PUBLIC;

-- The scans running now (src/activity.c): one row per scan, in every
-- database (a join of two foreign tables runs two).  request is the path
-- and query of the page the scan reads or waits for (never the token; NULL
-- but to the scan's user and pg_read_all_stats, as pg_stat_activity shows
-- a query); waiting_since is set while the scan waits for that page;
-- pages, rows, bytes and retries are the scan's totals so far, updated once
-- per page.
CREATE FUNCTION saas_fdw_activity_stats(
    OUT pid integer,
    OUT dbid oid,
    OUT userid oid,
    OUT serverid oid,
    OUT server text,
    OUT foreign_table text,
    OUT request text,
    OUT pages bigint,
    OUT rows bigint,
    OUT bytes bigint,
    OUT retries bigint,
    OUT started_at timestamptz,
    OUT waiting_since timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'saas_fdw_activity_stats'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW saas_fdw_activity AS
  SELECT a.pid, d.datname AS database, u.rolname AS username, a.server,
         a.foreign_table, a.request, a.pages, a.rows, a.bytes, a.retries,
         a.started_at, a.waiting_since
    FROM saas_fdw_activity_stats() a
    LEFT JOIN pg_catalog.pg_database d ON d.oid = a.dbid
    LEFT JOIN pg_catalog.pg_roles u ON u.oid = a.userid;

GRANT SELECT ON saas_fdw_activity TO PUBLIC;

-- The cache's statistics tell the memory of pages and rows apart
-- (page_bytes, row_bytes, bytes_per_page): the function gains two columns
-- and the view three, so both are made anew.  bytes counts whole 2 kB cache
-- blocks; page_bytes (URLs, bodies, headers) and row_bytes (the rows beside
-- the pages) count the bytes they hold.
DROP VIEW saas_fdw_cache;
DROP FUNCTION saas_fdw_cache_stats();

CREATE FUNCTION saas_fdw_cache_stats(
    OUT serverid oid,
    OUT entries bigint,
    OUT bytes bigint,
    OUT hits bigint,
    OUT misses bigint,
    OUT revalidations bigint,
    OUT evictions bigint,
    OUT page_bytes bigint,
    OUT row_bytes bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'saas_fdw_cache_stats'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW saas_fdw_cache AS
  SELECT s.srvname AS server, c.serverid, c.entries, c.bytes,
         c.hits, c.misses, c.revalidations, c.evictions,
         c.page_bytes, c.row_bytes,
         c.bytes / NULLIF(c.entries, 0) AS bytes_per_page
    FROM saas_fdw_cache_stats() c
    LEFT JOIN pg_catalog.pg_foreign_server s ON s.oid = c.serverid;

GRANT SELECT ON saas_fdw_cache TO PUBLIC;
