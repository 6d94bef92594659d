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
