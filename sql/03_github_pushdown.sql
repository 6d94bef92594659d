--
-- Every GitHub pushdown rule: the request in EXPLAIN, the rows equal to a
-- local filter, and the requests made.
--
SET timezone = 'UTC';
-- one page ahead at a time, so the request logs list pages in order
-- (11_read_ahead shows several at once)
SET saas_fdw.read_ahead = 1;

-- repo IN (...): one request stream per repository
EXPLAIN (VERBOSE, COSTS OFF)
SELECT repo, count(*) FROM github.issues WHERE repo IN ('octo/world', 'acme/empty') GROUP BY repo;
SELECT repo, count(*) FROM github.issues WHERE repo IN ('octo/world', 'acme/empty') GROUP BY repo;
SELECT * FROM api_calls();

-- state IN (...): one stream per state
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM github.issues WHERE repo = 'octo/world' AND state IN ('open', 'closed');
SELECT count(*) FROM github.issues WHERE repo = 'octo/world' AND state IN ('open', 'closed');
SELECT * FROM api_calls();

-- author
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM github.issues WHERE repo = 'octo/world' AND user_login = 'hubot';
SELECT (SELECT array_agg(number ORDER BY number) FROM github.issues
         WHERE repo = 'octo/world' AND user_login = 'hubot')
     = (SELECT array_agg(number ORDER BY number) FROM github.issues
         WHERE repo = 'octo/world' AND user_login || '' = 'hubot') AS same_rows;
SELECT * FROM api_calls();

-- assignee: 'x' = ANY(assignees)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM github.issues WHERE repo = 'octo/world' AND 'octocat' = ANY (assignees);
SELECT (SELECT array_agg(number ORDER BY number) FROM github.issues
         WHERE repo = 'octo/world' AND 'octocat' = ANY (assignees))
     = (SELECT array_agg(number ORDER BY number) FROM github.issues
         WHERE repo = 'octo/world' AND 'octocat' = ANY (assignees || '{}')) AS same_rows;
SELECT * FROM api_calls();

-- labels: one label, several labels (all of them), merged list filters
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM github.issues WHERE repo = 'octo/hello' AND 'bug' = ANY (labels);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM github.issues WHERE repo = 'octo/hello' AND labels @> '{bug,ui}';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM github.issues
 WHERE repo = 'octo/hello' AND labels @> '{bug}' AND 'docs' = ANY (labels);
SELECT (SELECT array_agg(number ORDER BY number) FROM github.issues
         WHERE repo = 'octo/hello' AND labels @> '{bug,ui}')
     = (SELECT array_agg(number ORDER BY number) FROM github.issues
         WHERE repo = 'octo/hello' AND labels || '{}' @> '{bug,ui}') AS same_rows;
SELECT * FROM api_calls();

-- milestone: number, none, any
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM github.issues WHERE repo = 'octo/world' AND milestone = 2;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM github.issues WHERE repo = 'octo/world' AND milestone IS NULL;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM github.issues WHERE repo = 'octo/world' AND milestone IS NOT NULL;
SELECT (SELECT count(*) FROM github.issues WHERE repo = 'octo/world' AND milestone = 2)
     + (SELECT count(*) FROM github.issues WHERE repo = 'octo/world' AND milestone <> 2)
     + (SELECT count(*) FROM github.issues WHERE repo = 'octo/world' AND milestone IS NULL)
     = (SELECT count(*) FROM github.issues WHERE repo = 'octo/world') AS adds_up,
       (SELECT count(*) FROM github.issues WHERE repo = 'octo/world' AND milestone IS NOT NULL)
     = (SELECT count(*) FROM github.issues WHERE repo = 'octo/world' AND milestone + 0 IS NOT NULL) AS same_rows;
SELECT * FROM api_calls();

-- updated_at >= / > becomes since, cut to the second and rechecked
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM github.issues WHERE repo = 'octo/hello' AND updated_at >= '2025-06-01';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM github.issues WHERE repo = 'octo/hello' AND updated_at > '2025-06-01 12:30:45.75+00';
SELECT (SELECT count(*) FROM github.issues WHERE repo = 'octo/hello' AND updated_at > '2025-06-01 12:30:45.75+00')
     = (SELECT count(*) FROM github.issues WHERE repo = 'octo/hello' AND updated_at + '0s' > '2025-06-01 12:30:45.75+00') AS same_rows;
SELECT * FROM api_calls();
-- other bounds stay local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM github.issues WHERE repo = 'octo/hello' AND updated_at < '2025-06-01' AND created_at > '2025-01-01';

-- number = n reads the single issue; a missing one is no row
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, title FROM github.issues WHERE repo = 'octo/hello' AND number = 42;
SELECT number, state FROM github.issues WHERE repo = 'octo/hello' AND number = 42;
SELECT number FROM github.issues WHERE repo = 'octo/hello' AND number = 99999;
SELECT number FROM github.issues WHERE repo = 'octo/hello' AND number IN (1, 2, 3) ORDER BY 1;
SELECT * FROM api_calls();

-- NULL and impossible values make no request
SELECT count(*) FROM github.issues WHERE repo = NULL;
SELECT count(*) FROM github.issues WHERE repo = 'octo/hello' AND state = ANY ('{}');
SELECT count(*) FROM github.issues WHERE repo = 'octo/hello' AND state = 'all';
SELECT * FROM api_calls();

-- values are encoded; path segments cannot climb
SELECT count(*) FROM github.issues WHERE repo = 'octo/hello' AND user_login = 'a b&c=d';
SELECT count(*) FROM github.issues WHERE repo = 'octo/../../user';
SELECT * FROM api_calls();
