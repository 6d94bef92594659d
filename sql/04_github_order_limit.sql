--
-- ORDER BY the API can deliver needs no Sort; LIMIT shrinks the page only
-- when every qual was pushed exactly.
--
SET timezone = 'UTC';
-- one page ahead at a time, so the request logs list pages in order
-- (11_read_ahead shows several at once)
SET saas_fdw.read_ahead = 1;

EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, created_at FROM github.issues WHERE repo = 'octo/hello'
 ORDER BY created_at DESC LIMIT 5;
SELECT number, created_at FROM github.issues WHERE repo = 'octo/hello'
 ORDER BY created_at DESC LIMIT 5;
SELECT * FROM api_calls();

EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, updated_at FROM github.issues WHERE repo = 'octo/hello' AND state = 'open'
 ORDER BY updated_at LIMIT 3;
SELECT number, updated_at FROM github.issues WHERE repo = 'octo/hello' AND state = 'open'
 ORDER BY updated_at LIMIT 3;
SELECT * FROM api_calls();

-- the order of the whole result matches a local sort
SELECT (SELECT array_agg(number) FROM (SELECT number FROM github.issues
          WHERE repo = 'octo/world' ORDER BY comments DESC, number) s)
     IS NOT NULL AS ran;
SELECT (SELECT array_agg(created_at) FROM (SELECT created_at FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY created_at) s)
     = (SELECT array_agg(created_at) FROM (SELECT created_at FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY created_at + '0s') s) AS same_order;
SELECT * FROM api_calls();

-- LIMIT with exact quals: one request, asking for that many
SELECT number FROM github.issues WHERE repo = 'octo/hello' AND state = 'closed' LIMIT 10;
SELECT * FROM api_calls();
-- LIMIT with a qual the API cannot apply exactly: full pages, stop when done
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM github.issues WHERE repo = 'octo/hello' AND 'bug' = ANY (labels) LIMIT 10;
SELECT count(*) FROM (SELECT number FROM github.issues
  WHERE repo = 'octo/hello' AND 'bug' = ANY (labels) LIMIT 10) s;
SELECT * FROM api_calls();
-- no order claimed over several streams
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM github.issues WHERE repo IN ('octo/hello', 'octo/world')
 ORDER BY created_at LIMIT 3;
-- ORDER BY a column the API cannot sort by: PostgreSQL sorts
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM github.issues WHERE repo = 'octo/hello' ORDER BY title LIMIT 3;
