-- saas_fdw demo: GitHub issues as PostgreSQL tables.
-- The API here is the bundled fake GitHub on 127.0.0.1:8081; point base_url
-- at https://api.github.com (or leave it out) and use a real token for the
-- real thing.
\pset pager off
SET timezone = 'UTC';

CREATE EXTENSION saas_fdw;
CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
CREATE SCHEMA github;
IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO github;

-- 1. Open issues of one repository (state = 'open' becomes ?state=open)
SELECT number, title, user_login, labels
  FROM github.issues
 WHERE repo = 'octo/hello' AND state = 'open'
 ORDER BY number
 LIMIT 10;

-- 2. Issues carrying both labels (becomes ?labels=bug,ui; rechecked locally)
SELECT number, state, title, labels
  FROM github.issues
 WHERE repo = 'octo/hello' AND labels @> '{bug,ui}'
 ORDER BY number;

-- 3. What the scan will ask the API for, without asking it
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, title
  FROM github.issues
 WHERE repo = 'octo/hello' AND state = 'open' AND 'bug' = ANY (labels);

-- 4. The five most recently updated (sort=updated&direction=desc, per_page=5)
SELECT number, state, updated_at, title
  FROM github.issues
 WHERE repo = 'octo/hello'
 ORDER BY updated_at DESC
 LIMIT 5;

-- 5. Comments joined to their issues (one comments request per issue found)
SELECT i.number, i.title, i.comments, count(c.id) AS fetched,
       max(c.created_at) AS last_comment
  FROM github.issues i
  JOIN github.issue_comments c ON c.repo = i.repo AND c.issue_number = i.number
 WHERE i.repo = 'octo/hello' AND i.labels @> '{bug,ui}'
 GROUP BY i.number, i.title, i.comments
 ORDER BY i.number;

-- 6. Every state at once, counted by PostgreSQL
SELECT state, is_pull_request, count(*)
  FROM github.issues
 WHERE repo = 'octo/hello'
 GROUP BY 1, 2
 ORDER BY 1, 2;

-- 7. The same again: the pages and the rows made of them come from the
--    shared cache (API Calls 0, Pages Parsed 0)
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT state, is_pull_request, count(*)
  FROM github.issues
 WHERE repo = 'octo/hello'
 GROUP BY 1, 2;
