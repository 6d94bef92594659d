/* saas_fdw--0.1--0.2.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION saas_fdw UPDATE TO '0.2'" to load this file. \quit

-- Every object 0.2 adds or changes is created here as in saas_fdw--0.2.sql,
-- so that an updated database and a fresh install of 0.2 hold the same
-- objects.
