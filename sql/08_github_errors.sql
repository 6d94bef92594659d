--
-- API failures become errors with their own SQLSTATE, the API's words in
-- DETAIL and a HINT; transient ones are retried.  The token never shows.
--
CREATE FUNCTION sqlstate_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE query;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;
ALTER SERVER gh OPTIONS (ADD max_retries '1');

-- 401: a wrong token
CREATE SERVER gh_wrong FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_wrong OPTIONS (token 'ghp_wrong_secret');
CREATE SCHEMA gh_wrong;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER gh_wrong INTO gh_wrong;
SELECT count(*) FROM gh_wrong.issues WHERE repo = 'octo/hello';
SELECT sqlstate_of($$SELECT count(*) FROM gh_wrong.issues WHERE repo = 'octo/hello'$$);
-- no user mapping
DROP USER MAPPING FOR CURRENT_USER SERVER gh_wrong;
SELECT count(*) FROM gh_wrong.issues WHERE repo = 'octo/hello';
-- a user mapping without a token: unauthenticated requests, which GitHub
-- answers for a public repository; a private one is "not found"
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_wrong;
SELECT count(*) FROM gh_wrong.issues WHERE repo = 'octo/world';
SELECT count(*) FROM gh_wrong.issues WHERE repo = 'acme/private';
SELECT * FROM api_calls();
DROP USER MAPPING FOR CURRENT_USER SERVER gh_wrong;

-- 403, 404, 422, 500
SELECT count(*) FROM github.issues WHERE repo = 'octo/forbidden';
SELECT count(*) FROM github.issues WHERE repo = 'octo/missing';
SELECT count(*) FROM github.issues WHERE repo = 'octo/invalid';
SELECT count(*) FROM github.issues WHERE repo = 'octo/broken';
SELECT q, sqlstate_of(format('SELECT count(*) FROM github.issues WHERE repo = %L', q))
  FROM unnest(ARRAY['octo/forbidden', 'octo/missing', 'octo/invalid', 'octo/broken']) q;
SELECT * FROM api_calls();

-- a 502 once, then the rows: retried
SELECT count(*) FROM github.issues WHERE repo = 'octo/flaky';
SELECT * FROM api_calls();
-- a secondary rate limit with Retry-After: 1, waited out
SELECT count(*) FROM github.issues WHERE repo = 'octo/secondary';
SELECT * FROM api_calls();

-- EXPLAIN ANALYZE counts the requests
SELECT * FROM explain_analyze($$
SELECT number FROM github.issues WHERE repo = 'octo/hello' AND state = 'open'$$);
SELECT * FROM api_calls();

-- a value that does not fit its column names the column and the table
ALTER FOREIGN TABLE github.issues ADD COLUMN title_number integer OPTIONS (path 'title');
SELECT title_number FROM github.issues WHERE repo = 'octo/world' AND number = 1;
ALTER FOREIGN TABLE github.issues DROP COLUMN title_number;
-- a column added with a path reads that field
ALTER FOREIGN TABLE github.issues ADD COLUMN milestone_title text OPTIONS (path 'milestone.title');
ALTER FOREIGN TABLE github.issues ADD COLUMN node_id text;
SELECT number, milestone, milestone_title, node_id FROM github.issues
 WHERE repo = 'octo/world' AND number IN (1, 3) ORDER BY number;
ALTER FOREIGN TABLE github.issues DROP COLUMN milestone_title, DROP COLUMN node_id;
SELECT * FROM api_calls();

-- statement_timeout stops a scan (the rate-limited repo waits for its reset)
SET statement_timeout = '300ms';
SELECT count(*) FROM github.issues WHERE repo = 'octo/ratelimited';
RESET statement_timeout;

ALTER SERVER gh OPTIONS (DROP max_retries);
DROP SCHEMA gh_wrong CASCADE;
DROP SERVER gh_wrong;
SELECT * FROM api_calls();
