--
-- GitHub issues end to end: import, scan, pushdown, requests made.
-- cache_ttl 0 so every query shows its own requests.
--
SET timezone = 'UTC';
-- one page ahead at a time, so the request logs list pages in order
-- (11_read_ahead shows several at once)
SET saas_fdw.read_ahead = 1;
CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
CREATE SCHEMA github;
IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO github;
\d github.issues
\d github.issue_comments

-- EXPLAIN and LIMIT 0 make no request
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, title, state FROM github.issues WHERE repo = 'octo/hello' AND state = 'open';
SELECT number FROM github.issues WHERE repo = 'octo/hello' LIMIT 0;
SELECT * FROM api_calls();

-- the example of the design: open issues of one repository
SELECT count(*), min(number), max(number)
  FROM github.issues WHERE repo = 'octo/hello' AND state = 'open';
SELECT * FROM api_calls();
-- without a state filter every state is asked for (the API's default is open)
SELECT state, count(*) FROM github.issues WHERE repo = 'octo/hello' GROUP BY 1 ORDER BY 1;
SELECT * FROM api_calls();
-- a pushed filter returns what a local filter over all rows returns
SELECT (SELECT array_agg(number ORDER BY number) FROM github.issues
         WHERE repo = 'octo/hello' AND state = 'closed')
     = (SELECT array_agg(number ORDER BY number) FROM github.issues
         WHERE repo = 'octo/hello' AND state || '' = 'closed') AS same_rows;
SELECT * FROM api_calls();

-- a few columns of a few rows
SELECT repo, number, title, state, user_login, labels, assignees, milestone,
       comments, locked, is_pull_request, created_at, closed_at
  FROM github.issues WHERE repo = 'octo/world' AND number <= 5 ORDER BY number;
SELECT attrs->>'node_id' AS node_id, attrs->'user'->>'login' AS login
  FROM github.issues WHERE repo = 'octo/world' AND number = 3;
SELECT * FROM api_calls();

-- a missing key is an error that says what to add
SELECT count(*) FROM github.issues WHERE state = 'open';
SELECT count(*) FROM github.issue_comments WHERE repo = 'octo/hello';
-- ... raised when a request would be made: a tool reading the table's shape
-- (LIMIT 0) and EXPLAIN get their answer
SELECT * FROM github.issues LIMIT 0;
EXPLAIN (COSTS OFF) SELECT count(*) FROM github.issues WHERE state = 'open';
SELECT * FROM api_calls();
