/* saas_fdw--0.1.sql */

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
