/* saas_fdw--0.2.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION saas_fdw" to load this file. \quit

CREATE FUNCTION saas_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION saas_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER saas_fdw
  HANDLER saas_fdw_handler
  VALIDATOR saas_fdw_validator;

COMMENT ON FOREIGN DATA WRAPPER saas_fdw IS
  'query SaaS APIs (GitHub, Stripe, Slack) as tables';

-- The shared page cache (src/cache.c)

-- One row per foreign server the cache has seen since the last reset.
-- serverid is NULL for the row that collects servers beyond the 127 the
-- statistics can tell apart.  bytes counts whole 2 kB cache blocks;
-- page_bytes (URLs, bodies, headers) and row_bytes (the rows beside the
-- pages) count the bytes they hold.
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

-- The cache as a whole: used_bytes + available_bytes = total_bytes.
CREATE FUNCTION saas_fdw_cache_space(
    OUT total_bytes bigint,
    OUT used_bytes bigint,
    OUT available_bytes bigint,
    OUT entries bigint,
    OUT fetching bigint,
    OUT block_size integer)
RETURNS record
AS 'MODULE_PATHNAME', 'saas_fdw_cache_space'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

-- Forget every cached page (and zero the counters), or one server's.
CREATE FUNCTION saas_fdw_cache_reset()
RETURNS void
AS 'MODULE_PATHNAME', 'saas_fdw_cache_reset_all'
LANGUAGE C VOLATILE;

CREATE FUNCTION saas_fdw_cache_reset(server text)
RETURNS void
AS 'MODULE_PATHNAME', 'saas_fdw_cache_reset_server'
LANGUAGE C STRICT VOLATILE;

REVOKE ALL ON FUNCTION saas_fdw_cache_reset() FROM PUBLIC;
REVOKE ALL ON FUNCTION saas_fdw_cache_reset(text) FROM PUBLIC;

-- Comments on imported tables (src/describe.c): after IMPORT FOREIGN SCHEMA,
-- every foreign table it created on a saas_fdw server gets a COMMENT on the
-- table and on each column, saying what it is and which filters reach the
-- API.  (IMPORT FOREIGN SCHEMA itself may return only CREATE FOREIGN TABLE.)
CREATE FUNCTION saas_fdw_import_comments()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'saas_fdw_import_comments'
LANGUAGE C;

CREATE EVENT TRIGGER saas_fdw_import_comments
  ON ddl_command_end
  WHEN TAG IN ('IMPORT FOREIGN SCHEMA')
  EXECUTE FUNCTION saas_fdw_import_comments();

-- The server-wide rate limiter (src/ratelimit.c)

-- One row per foreign server and credential whose rate limit an API has
-- reported, in every database (the view names the servers of the current
-- one, and shows the others' with server NULL).  credential is a keyed fingerprint of the token (never the
-- token); remaining and reset_at come from the API's rate-limit headers,
-- blocked_until from a Retry-After; waits counts requests that waited for a
-- reset, refusals the queries that failed at once because the reset was
-- further away than saas_fdw.max_retry_wait.
CREATE FUNCTION saas_fdw_rate_limit_stats(
    OUT dbid oid,
    OUT serverid oid,
    OUT credential text,
    OUT remaining bigint,
    OUT reset_at timestamptz,
    OUT blocked_until timestamptz,
    OUT in_flight integer,
    OUT waits bigint,
    OUT refusals bigint,
    OUT updated_at timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'saas_fdw_rate_limit_stats'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW saas_fdw_rate_limits AS
  SELECT d.datname AS database, s.srvname AS server, r.serverid,
         r.credential, r.remaining, r.reset_at, r.blocked_until,
         r.in_flight, r.waits, r.refusals, r.updated_at
    FROM saas_fdw_rate_limit_stats() r
    LEFT JOIN pg_catalog.pg_database d ON d.oid = r.dbid
    LEFT JOIN pg_catalog.pg_foreign_server s
           ON s.oid = r.serverid AND d.datname = pg_catalog.current_database();

GRANT SELECT ON saas_fdw_rate_limits TO PUBLIC;

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
