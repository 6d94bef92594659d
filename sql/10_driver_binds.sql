--
-- Parameters typed the way drivers bind them: JDBC's setString sends
-- varchar, setLong bigint, so an integer column meets "$1::bigint".  Such
-- values are pushed like any other, in custom and generic plans alike.
--
SET plan_cache_mode = force_generic_plan;
SELECT count(*) AS earlier_requests FROM api_calls();

-- an int4 key column given a bigint: a request for that issue's comments
PREPARE comments_of(varchar, bigint) AS
  SELECT count(*) FROM github.issue_comments WHERE repo = $1 AND issue_number = $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE comments_of('octo/hello', 6);
EXECUTE comments_of('octo/hello', 6);
EXECUTE comments_of('octo/hello', 1);
SELECT * FROM api_calls();

-- the single-object key and a filter column, given bigint and smallint
PREPARE one_issue(varchar, bigint) AS
  SELECT number, state FROM github.issues WHERE repo = $1 AND number = $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE one_issue('octo/world', 7);
EXECUTE one_issue('octo/world', 7);
EXECUTE one_issue('octo/world', 5000000000);
PREPARE by_milestone(varchar, smallint) AS
  SELECT count(*) FROM github.issues WHERE repo = $1 AND milestone = $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_milestone('octo/world', 2);
EXECUTE by_milestone('octo/world', 2);
SELECT * FROM api_calls();

-- IN with mixed integer widths, as constants
SELECT number FROM github.issues
 WHERE repo = 'octo/world' AND number IN (3::bigint, 4::smallint) ORDER BY number;
SELECT * FROM api_calls();

DEALLOCATE comments_of;
DEALLOCATE one_issue;
DEALLOCATE by_milestone;
RESET plan_cache_mode;
