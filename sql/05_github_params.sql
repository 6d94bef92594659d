--
-- Parameters: prepared statements with generic plans, and joins that feed
-- key columns as parameterized scans.
--
SET timezone = 'UTC';
PREPARE by_repo(text, text) AS
  SELECT count(*) FROM github.issues WHERE repo = $1 AND state = $2;
EXECUTE by_repo('octo/world', 'open');
EXECUTE by_repo('octo/world', 'closed');
EXECUTE by_repo('acme/widgets', 'open');
EXECUTE by_repo('acme/widgets', 'closed');
EXECUTE by_repo('octo/world', 'open');
EXECUTE by_repo('acme/empty', 'open');
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_repo('octo/world', 'open');
EXECUTE by_repo('octo/world', 'closed');
RESET plan_cache_mode;
SELECT * FROM api_calls();
DEALLOCATE by_repo;

-- comments of a few issues, fed by a join
EXPLAIN (VERBOSE, COSTS OFF)
SELECT i.number, c.id, c.user_login
  FROM github.issues i
  JOIN github.issue_comments c ON c.repo = i.repo AND c.issue_number = i.number
 WHERE i.repo = 'octo/world' AND i.number IN (1, 2, 3);
SELECT i.number, count(c.id) AS comments, max(i.comments) AS says
  FROM github.issues i
  JOIN github.issue_comments c ON c.repo = i.repo AND c.issue_number = i.number
 WHERE i.repo = 'octo/world' AND i.number IN (1, 2, 3)
 GROUP BY i.number ORDER BY i.number;
SELECT * FROM api_calls();

-- comments of one issue, in the API's order (ascending id)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM github.issue_comments WHERE repo = 'octo/hello' AND issue_number = 1 ORDER BY id;

-- a subquery's value is a parameter too
SELECT count(*) FROM github.issues
 WHERE repo = (SELECT 'octo/' || 'world') AND state = 'closed';
SELECT * FROM api_calls();
