--
-- EXPLAIN: "API Filter" (VERBOSE) lists the quals sent to the API, beside
-- PostgreSQL's "Filter", which rechecks every qual; "API Request" is the
-- request template the plan fixed; under ANALYZE VERBOSE, "API Fetched"
-- lists the first three pages the scan requested (path and query only).
--
SET timezone = 'UTC';
-- a GitHub and a Stripe server of this test's own, uncached
CREATE SERVER gh23 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE SERVER stripe23 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh23 OPTIONS (token 'ghp_test');
CREATE USER MAPPING FOR CURRENT_USER SERVER stripe23 OPTIONS (token 'sk_test_123');
CREATE SCHEMA gh23;
CREATE SCHEMA stripe23;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues, issue_comments)
  FROM SERVER gh23 INTO gh23;
IMPORT FOREIGN SCHEMA stripe LIMIT TO (customers) FROM SERVER stripe23 INTO stripe23;

-- pushed and local-only quals: the title test is PostgreSQL's alone
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM gh23.issues
 WHERE repo = 'octo/world' AND state = 'open' AND title LIKE '%a%';

-- without VERBOSE, no API Filter (as postgres_fdw shows Remote SQL only
-- under VERBOSE); the request template is always shown
EXPLAIN (COSTS OFF)
SELECT number FROM gh23.issues
 WHERE repo = 'octo/world' AND state = 'open' AND title LIKE '%a%';

-- an OR of two columns stays local; an OR of equalities on one column is
-- pushed as its IN list
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM gh23.issues
 WHERE repo = 'octo/world' AND (state = 'open' OR user_login = 'hubot');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM gh23.issues
 WHERE repo = 'octo/world' AND (state = 'open' OR state = 'closed');

-- nothing pushed: no API Filter line
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe23.customers WHERE name LIKE 'A%';

-- a parameter of a generic plan: $1 in both lines, not a value
PREPARE by_repo23(text) AS
  SELECT number FROM gh23.issues WHERE repo = $1 AND number < 3;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_repo23('octo/world');
RESET plan_cache_mode;
DEALLOCATE by_repo23;

-- a value fed by a join names the outer column
EXPLAIN (VERBOSE, COSTS OFF)
SELECT i.number, c.id
  FROM gh23.issues i
  JOIN gh23.issue_comments c ON c.repo = i.repo AND c.issue_number = i.number
 WHERE i.repo = 'octo/world' AND i.number IN (1, 2);
SELECT * FROM api_calls();

-- ANALYZE VERBOSE: the first three pages fetched, then how many more; the
-- scan of 25 pages of 10 (one ahead at a time, so in page order)
ALTER FOREIGN TABLE gh23.issues OPTIONS (ADD page_size '10');
SET saas_fdw.read_ahead = 1;
SELECT * FROM explain_analyze($$SELECT count(*) FROM gh23.issues WHERE repo = 'octo/hello'$$, true);
SELECT count(*) AS requests FROM api_calls();
-- without VERBOSE, no list of URLs
SELECT * FROM explain_analyze($$SELECT number FROM gh23.issues WHERE repo = 'octo/world' AND number = 1$$);
SELECT * FROM api_calls();
RESET saas_fdw.read_ahead;

-- a parameterized scan keeps the first three of all its rescans
SELECT * FROM explain_analyze($$SELECT i.number, c.id
  FROM gh23.issues i
  JOIN gh23.issue_comments c ON c.repo = i.repo AND c.issue_number = i.number
 WHERE i.repo = 'octo/world' AND i.number IN (1, 2, 3, 4)$$, true);
SELECT * FROM api_calls();

-- in a structured format the URLs are one list, never with the host
CREATE FUNCTION explain_json23(query text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
  plan json;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) '
    || query INTO plan;
  RETURN plan -> 0 -> 'Plan';
END $$;
SELECT plan -> 'API Filter' AS api_filter, plan -> 'API Fetched' AS api_fetched,
       plan::text LIKE '%127.0.0.1%' AS shows_host
  FROM explain_json23($$SELECT number FROM gh23.issues WHERE repo = 'octo/world' AND state = 'closed'$$) AS plan;
SELECT * FROM api_calls();
-- several requests are one list too: a key appears once in a JSON object
SELECT plan -> 'API Request' AS api_request,
       json_typeof(plan -> 'API Request') AS request_type
  FROM explain_json23($$SELECT number FROM gh23.issues WHERE repo = 'octo/world' AND state IN ('open', 'closed')$$) AS plan;
SELECT * FROM api_calls();

DROP FUNCTION explain_json23(text);
DROP SCHEMA gh23 CASCADE;
DROP SCHEMA stripe23 CASCADE;
DROP SERVER gh23 CASCADE;
DROP SERVER stripe23 CASCADE;
