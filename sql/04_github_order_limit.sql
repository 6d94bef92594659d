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

-- the order of the whole result matches a local sort of the same rows:
-- each order the API can deliver (asc and desc of created, updated and
-- comments, over the three pages of octo/hello) against an ORDER BY over a
-- copy taken in the API's default order.  The sort key's values in the
-- pushed order must equal those of the local sort, so a row out of place
-- anywhere fails; rows with equal keys may come in any order.
CREATE TEMP TABLE hello_copy AS
  SELECT number, created_at, updated_at, comments FROM github.issues
   WHERE repo = 'octo/hello';
SELECT * FROM api_calls();
EXPLAIN (VERBOSE, COSTS OFF)
SELECT comments FROM github.issues WHERE repo = 'octo/hello' ORDER BY comments DESC;
SELECT (SELECT array_agg(created_at) FROM (SELECT created_at FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY created_at) s)
     = (SELECT array_agg(created_at ORDER BY created_at) FROM hello_copy) AS created_asc,
       (SELECT array_agg(created_at) FROM (SELECT created_at FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY created_at DESC) s)
     = (SELECT array_agg(created_at ORDER BY created_at DESC) FROM hello_copy) AS created_desc,
       (SELECT array_agg(updated_at) FROM (SELECT updated_at FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY updated_at) s)
     = (SELECT array_agg(updated_at ORDER BY updated_at) FROM hello_copy) AS updated_asc,
       (SELECT array_agg(updated_at) FROM (SELECT updated_at FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY updated_at DESC) s)
     = (SELECT array_agg(updated_at ORDER BY updated_at DESC) FROM hello_copy) AS updated_desc,
       (SELECT array_agg(comments) FROM (SELECT comments FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY comments) s)
     = (SELECT array_agg(comments ORDER BY comments) FROM hello_copy) AS comments_asc,
       (SELECT array_agg(comments) FROM (SELECT comments FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY comments DESC) s)
     = (SELECT array_agg(comments ORDER BY comments DESC) FROM hello_copy) AS comments_desc;
SELECT * FROM api_calls();
-- a sort the API cannot finish (its order among equal comments is not
-- documented): PostgreSQL sorts, and the rows match the copy's order
SELECT (SELECT array_agg(number) FROM (SELECT number FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY comments DESC, number) s)
     = (SELECT array_agg(number ORDER BY comments DESC, number) FROM hello_copy) AS same_order;
SELECT (SELECT array_agg(created_at) FROM (SELECT created_at FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY created_at) s)
     = (SELECT array_agg(created_at) FROM (SELECT created_at FROM github.issues
          WHERE repo = 'octo/hello' ORDER BY created_at + '0s') s) AS same_order;
SELECT * FROM api_calls();
DROP TABLE hello_copy;

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
