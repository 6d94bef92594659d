--
-- Usable without reading the source (issue 16) and IMPORT's options
-- (issue 13, item 12): options checked when set against the table's own
-- resource, IMPORT's OPTIONS / LIMIT TO / EXCEPT / replace, a renamed
-- column keeps reading its field, errors that name the fix, the session's
-- cache_ttl 0, the rate-limit reset and saas_fdw_describe().
--
CREATE FUNCTION u_state(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;
CREATE SERVER u_gh FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER u_gh OPTIONS (token 'ghp_test');
CREATE SERVER u_stripe FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER u_stripe OPTIONS (token 'sk_test_123');
CREATE SERVER u_slack FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER u_slack OPTIONS (token 'xoxb-test');
CREATE SCHEMA u;

-- ---- IMPORT FOREIGN SCHEMA: its OPTIONS, LIMIT TO and EXCEPT are checked
IMPORT FOREIGN SCHEMA github FROM SERVER u_gh INTO u OPTIONS (colour 'blue');
IMPORT FOREIGN SCHEMA github FROM SERVER u_gh INTO u OPTIONS (replace 'maybe');
SELECT u_state($$IMPORT FOREIGN SCHEMA github FROM SERVER u_gh INTO u OPTIONS (colour 'blue')$$) AS unknown_option,
       u_state($$IMPORT FOREIGN SCHEMA github FROM SERVER u_gh INTO u OPTIONS (replace 'maybe')$$) AS bad_value;
IMPORT FOREIGN SCHEMA github LIMIT TO (wikis) FROM SERVER u_gh INTO u;
IMPORT FOREIGN SCHEMA github EXCEPT (payouts) FROM SERVER u_gh INTO u;
IMPORT FOREIGN SCHEMA github EXCEPT (issue_comments) FROM SERVER u_gh INTO u;
-- each column carries the field it reads, so a rename keeps it
\d u.issues
-- a second import says how to refresh
IMPORT FOREIGN SCHEMA github FROM SERVER u_gh INTO u;
SELECT u_state($$IMPORT FOREIGN SCHEMA github FROM SERVER u_gh INTO u$$) AS reimport;
-- replace 'true' drops and recreates the tables it imports, and only those
COMMENT ON FOREIGN TABLE u.issues IS 'mine';
CREATE TABLE u.issue_comments (note text);
IMPORT FOREIGN SCHEMA github FROM SERVER u_gh INTO u OPTIONS (replace 'true');
DROP TABLE u.issue_comments;
IMPORT FOREIGN SCHEMA github FROM SERVER u_gh INTO u OPTIONS (replace 'true');
SELECT c.relname, left(obj_description(c.oid, 'pg_class'), 24) AS comment
  FROM pg_class c WHERE c.relnamespace = 'u'::regnamespace ORDER BY 1;
-- a view on an imported table stops the replace, as DROP would
CREATE VIEW u.open_issues AS SELECT number FROM u.issues;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER u_gh INTO u OPTIONS (replace 'true');
DROP VIEW u.open_issues;

-- ---- a renamed column keeps reading its field
ALTER FOREIGN TABLE u.issues RENAME COLUMN repo TO repository;
ALTER FOREIGN TABLE u.issues RENAME COLUMN title TO headline;
ALTER FOREIGN TABLE u.issues RENAME COLUMN created_at TO opened;
SELECT repository, number, headline FROM u.issues
 WHERE repository = 'octo/world' AND number = 1;
SELECT number, headline FROM u.issues
 WHERE repository = 'octo/world' ORDER BY opened DESC LIMIT 2;
SELECT * FROM api_calls();
-- a join still feeds the renamed key column (a parameterized scan)
CREATE TEMP TABLE wanted (r text);
INSERT INTO wanted VALUES ('octo/world');
ANALYZE wanted;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT i.number FROM wanted w JOIN u.issues i ON i.repository = w.r
 WHERE i.number = 1;
SELECT i.number, i.headline FROM wanted w JOIN u.issues i ON i.repository = w.r
 WHERE i.number = 1;
SELECT * FROM api_calls();
DROP TABLE wanted;
-- the key column's fixed value is still named by the field (repo)
CREATE FOREIGN TABLE u.hello (r text OPTIONS (column_name 'repo'), n integer OPTIONS (column_name 'number'))
  SERVER u_gh OPTIONS (resource 'issues', repo 'octo/hello');
SELECT count(*), min(r) FROM u.hello;
-- the table reads only its fixed key: WHERE on another value matches no row
SELECT count(*) FROM u.hello WHERE r = 'octo/world';
SELECT count(*) FROM u.hello WHERE r IN ('octo/hello', 'octo/world');
SELECT * FROM api_calls();
DROP FOREIGN TABLE u.hello;
CREATE FOREIGN TABLE u.bad (x text OPTIONS (column_name '')) SERVER u_gh OPTIONS (resource 'issues');

-- ---- table options are checked against the table's resource when set
ALTER FOREIGN TABLE u.issues OPTIONS (ADD types 'x');
CREATE FOREIGN TABLE u.bad (x text) SERVER u_gh OPTIONS (repo 'octo/hello');
ALTER FOREIGN TABLE u.issues OPTIONS (ADD state 'bogus');
SELECT u_state($$ALTER FOREIGN TABLE u.issues OPTIONS (ADD types 'x')$$) AS unknown_option,
       u_state($$ALTER FOREIGN TABLE u.issues OPTIONS (ADD state 'bogus')$$) AS bad_state,
       u_state($$ALTER FOREIGN TABLE u.issues OPTIONS (ADD page_size '0')$$) AS bad_page_size;
ALTER FOREIGN TABLE u.issues OPTIONS (ADD state 'closed');
SELECT DISTINCT state FROM u.issues WHERE repository = 'octo/world';
ALTER FOREIGN TABLE u.issues OPTIONS (DROP state);
CREATE FOREIGN TABLE u.comments (repo text, issue_number integer, id bigint)
  SERVER u_gh OPTIONS (resource 'issue_comments', issue_number 'one');
IMPORT FOREIGN SCHEMA slack LIMIT TO (channels) FROM SERVER u_slack INTO u;
ALTER FOREIGN TABLE u.channels OPTIONS (ADD types 'bogus');
ALTER FOREIGN TABLE u.channels OPTIONS (ADD types 'im,mpim,bogus');
ALTER FOREIGN TABLE u.channels OPTIONS (ADD types 'im,mpim');
SELECT count(*) > 0 AS some, bool_and(is_im OR is_mpim) AS only_im_and_mpim FROM u.channels;
IMPORT FOREIGN SCHEMA stripe LIMIT TO (charges) FROM SERVER u_stripe INTO u;
ALTER FOREIGN TABLE u.charges OPTIONS (ADD repo 'octo/hello');
-- server options: a URL must be one
CREATE SERVER u_bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', base_url 'http://exa mple.com');
CREATE SERVER u_bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', base_url 'https://');
CREATE SERVER u_bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', base_url 'http://127.0.0.1:80x81');
SELECT u_state($$CREATE SERVER u_bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', base_url 'http://exa mple.com')$$) AS bad_url,
       u_state($$CREATE SERVER u_bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', colour 'blue')$$) AS unknown_option;
-- a ca_file the server cannot read is refused when set
CREATE SERVER u_bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', ca_file '/nonexistent/ca.pem');

-- ---- SET saas_fdw.cache_ttl = 0 bypasses the cache, whatever the server says
CREATE SERVER u_cached FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '300');
CREATE USER MAPPING FOR CURRENT_USER SERVER u_cached OPTIONS (token 'ghp_test');
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER u_cached INTO public;
SELECT saas_fdw_cache_reset('u_cached');
SELECT count(*) > 0 AS cleared_log FROM api_calls();
SET saas_fdw.cache_ttl = 0;
SELECT count(*) FROM public.issues WHERE repo = 'octo/world';
SELECT count(*) FROM public.issues WHERE repo = 'octo/world';
SELECT * FROM api_calls();
SELECT entries FROM saas_fdw_cache WHERE server = 'u_cached';
RESET saas_fdw.cache_ttl;
SELECT count(*) FROM public.issues WHERE repo = 'octo/world';
SELECT count(*) FROM public.issues WHERE repo = 'octo/world';
SELECT * FROM api_calls();
DROP FOREIGN TABLE public.issues;
DROP SERVER u_cached CASCADE;

-- ---- a 404 hint per service; base_url when the API does not know the path
CREATE FOREIGN TABLE u.customers_v2 (id text) SERVER u_stripe OPTIONS (resource 'customers');
ALTER SERVER u_stripe OPTIONS (SET base_url 'http://127.0.0.1:8082/v2');
SELECT id FROM u.customers_v2;
ALTER SERVER u_stripe OPTIONS (SET base_url 'http://127.0.0.1:8082');
DROP FOREIGN TABLE u.customers_v2;
ALTER SERVER u_slack OPTIONS (SET base_url 'http://127.0.0.1:8083');
SELECT count(*) FROM u.channels;
ALTER SERVER u_slack OPTIONS (SET base_url 'http://127.0.0.1:8083/api');
SELECT count(*) FROM u.issues WHERE repository = 'octo/missing';
SELECT * FROM api_calls();

-- ---- a refusal caused by the reserve names it; saas_fdw_rate_limit_reset()
SELECT saas_fdw_rate_limit_reset();
SELECT count(*) FROM u.issues WHERE repository = 'octo/world';
SET saas_fdw.rate_limit_reserve = 1000000;
SET saas_fdw.max_retry_wait = 0;
\set VERBOSITY terse
SELECT count(*) FROM u.issues WHERE repository = 'octo/world';
\set VERBOSITY default
DO $$
DECLARE hint text;
BEGIN
  PERFORM count(*) FROM u.issues WHERE repository = 'octo/world';
EXCEPTION WHEN configuration_limit_exceeded THEN
  GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
  RAISE NOTICE 'hint: %', hint;
END $$;
SELECT remaining IS NOT NULL AS known FROM saas_fdw_rate_limits WHERE server = 'u_gh';
SELECT saas_fdw_rate_limit_reset('u_gh');
SELECT remaining, reset_at, blocked_until FROM saas_fdw_rate_limits WHERE server = 'u_gh';
-- forgotten: the next query is sent (and learns the limit again)
SELECT count(*) FROM u.issues WHERE repository = 'octo/world';
RESET saas_fdw.rate_limit_reserve;
RESET saas_fdw.max_retry_wait;
SELECT * FROM api_calls();
SELECT saas_fdw_rate_limit_reset('nosuch');
-- superuser only, like the cache reset
SELECT has_function_privilege('public', 'saas_fdw_rate_limit_reset()', 'EXECUTE') AS public_reset_all,
       has_function_privilege('public', 'saas_fdw_rate_limit_reset(text)', 'EXECUTE') AS public_reset_one;

-- ---- saas_fdw_describe(): the tables before any IMPORT
SELECT * FROM saas_fdw_describe('github') WHERE table_name = 'issues';
SELECT service_name, table_name, count(*) AS columns, string_agg(column_name, ', ') FILTER (WHERE key) AS keys
  FROM saas_fdw_describe() GROUP BY 1, 2 ORDER BY 1, 2;
SELECT * FROM saas_fdw_describe('gitlab');

DROP SCHEMA u CASCADE;
DROP SERVER u_gh, u_stripe, u_slack CASCADE;
DROP FUNCTION u_state(text);
