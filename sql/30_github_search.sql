--
-- github.search_issues: the pushed quals are the qualifiers of one search
-- query q (a filter language, service.h), written so no value can change
-- the query; rows equal with pushdown on and off; the 1,000-result cap.
--
SET timezone = 'UTC';
SET saas_fdw.read_ahead = 1;
-- start from an empty request log, whatever ran before
DO $$ BEGIN PERFORM api_calls(); END $$;
CREATE SERVER gh_search FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '600');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_search OPTIONS (token 'ghp_test');
CREATE SCHEMA ghs;
IMPORT FOREIGN SCHEMA github LIMIT TO (search_issues, issues) FROM SERVER gh_search INTO ghs;
\d ghs.search_issues

-- the rows of a query with pushdown on, and the same query with it off,
-- where only q (the key column) reaches the API and the rest is local
CREATE FUNCTION same_rows(cond text, base text DEFAULT 'repo:octo/hello')
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  pushed bigint[];
  local bigint[];
BEGIN
  EXECUTE format('SELECT array_agg(id ORDER BY id) FROM ghs.search_issues WHERE repo = %L AND %s',
                 substr(base, 6), cond) INTO pushed;
  SET LOCAL saas_fdw.pushdown = off;
  EXECUTE format('SELECT array_agg(id ORDER BY id) FROM ghs.search_issues WHERE q = %L AND %s',
                 base, cond) INTO local;
  RESET saas_fdw.pushdown;
  RAISE NOTICE '% rows', coalesce(cardinality(pushed), 0);
  RETURN pushed IS NOT DISTINCT FROM local;
END $$;

-- every qualifier, in one query: EXPLAIN shows the request and its q
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ghs.search_issues
 WHERE repo = 'octo/hello' AND state = 'open' AND user_login = 'hubot'
   AND 'octocat' = ANY (assignees) AND labels @> '{bug,good first issue}'
   AND NOT is_pull_request AND milestone IS NULL AND comments >= 2
   AND created_at >= '2024-01-01' AND updated_at < '2024-06-01 10:00:00.5'
   AND closed_at IS NULL;

-- each qualifier returns the rows a local filter returns
SELECT same_rows('state = ''open''');
SELECT same_rows('is_pull_request');
SELECT same_rows('NOT is_pull_request');
SELECT same_rows('user_login = ''hubot''');
SELECT same_rows('''octocat'' = ANY (assignees)');
SELECT same_rows('''bug'' = ANY (labels)');
SELECT same_rows('labels @> ''{bug,ui}''');
SELECT same_rows('milestone IS NULL');
SELECT same_rows('comments > 3');
SELECT same_rows('comments = 2');
SELECT same_rows('created_at >= ''2024-03-01''');
SELECT same_rows('created_at < ''2024-03-01 00:00:00.5''');
SELECT same_rows('closed_at <= ''2024-06-01''');
SELECT * FROM api_calls();

-- one request for a query pushed whole; LIMIT goes into per_page
SELECT count(*) FROM ghs.search_issues WHERE repo = 'octo/hello' AND state = 'open';
SELECT number FROM ghs.search_issues WHERE repo = 'octo/hello' ORDER BY created_at DESC LIMIT 3;
SELECT * FROM api_calls();

-- ORDER BY a sort the API has: sort and order are sent
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ghs.search_issues WHERE repo = 'octo/hello' ORDER BY comments LIMIT 5;

-- repo IN (...): one search per repository (repo: qualifiers widen a search);
-- a repository that does not exist matches no row, as in SQL
EXPLAIN (VERBOSE, COSTS OFF)
SELECT repo, count(*) FROM ghs.search_issues WHERE repo IN ('octo/hello', 'octo/nothing') GROUP BY repo;
SELECT repo, count(*) FROM ghs.search_issues WHERE repo IN ('octo/hello', 'octo/nothing') GROUP BY repo;
SELECT count(*) FROM ghs.search_issues WHERE repo = 'no/such-repo';
SELECT * FROM api_calls();

-- from here on, searches count against the second token's limit
ALTER USER MAPPING FOR CURRENT_USER SERVER gh_search OPTIONS (SET token 'ghp_other');

-- q: the user's own query text, ANDed as it is, and read back in every row
SELECT count(*), min(q) FROM ghs.search_issues WHERE q = 'repo:octo/hello is:closed';
SELECT count(*) FROM ghs.search_issues WHERE q = 'repo:octo/hello' AND state = 'closed';

-- values that match no row send nothing; values below 0 are not counts
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ghs.search_issues WHERE repo = 'octo/hello' AND state = 'merged';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ghs.search_issues WHERE repo = 'octo/hello' AND comments < -1;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ghs.search_issues WHERE repo = 'octo/hello' AND comments > -1;
SELECT same_rows('comments > -1');

-- hostile values: quotes, spaces, reserved words and qualifiers inside a
-- value are quoted; a value holding a double quote (q has no escape) or an
-- empty one is checked locally only: none changes the query
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ghs.search_issues WHERE repo = 'octo/hello' AND user_login = 'x OR repo:octo/world';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ghs.search_issues WHERE repo = 'octo/hello' AND 'a" repo:octo/world "b' = ANY (labels);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ghs.search_issues WHERE repo = 'octo/hello' AND user_login = '';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ghs.search_issues WHERE repo = 'octo/hello' AND user_login = 'a\b''c NOT';
SELECT count(*) FROM ghs.search_issues WHERE repo = 'octo/hello' AND user_login = 'x OR repo:octo/world';
SELECT count(*) FROM ghs.search_issues WHERE repo = 'octo/hello' AND 'a" repo:octo/world "b' = ANY (labels);
SELECT * FROM api_calls();

-- a generic plan shows its parameters
PREPARE by_author(text) AS SELECT count(*) FROM ghs.search_issues WHERE repo = 'octo/hello' AND user_login = $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_author('hubot');
EXECUTE by_author('hubot');
RESET plan_cache_mode;
DEALLOCATE by_author;
SELECT * FROM api_calls();

-- no qualifier at all: an error before any request
SELECT count(*) FROM ghs.search_issues WHERE title = 'x';
SELECT * FROM api_calls();

-- 1,000 results at most: a LIMIT that fits reads what it needs; a scan
-- that needs more is an error, never a shorter result
SELECT count(*) FROM (SELECT id FROM ghs.search_issues WHERE repo = 'octo/huge' LIMIT 250) AS x;
SELECT * FROM api_calls();
SELECT count(*) FROM ghs.search_issues WHERE repo = 'octo/huge';
SELECT count(*) FROM api_calls();
SELECT count(*) FROM (SELECT id FROM ghs.search_issues WHERE repo = 'octo/huge' LIMIT 1000) AS x;
SELECT count(*) FROM (SELECT id FROM ghs.search_issues WHERE repo = 'octo/huge' LIMIT 1001) AS x;
SELECT count(*) FROM api_calls();

-- a search over its time limit answers part of the matches: an error
SELECT count(*) FROM ghs.search_issues WHERE q = 'repo:octo/hello slowsearch';
SELECT * FROM api_calls();

-- search has a rate limit bucket of its own, beside the REST one
SELECT count(*) FROM ghs.issues WHERE repo = 'octo/hello' AND number = 1;
SELECT count(*) AS slots, count(*) FILTER (WHERE remaining < 30) AS search_slots
  FROM saas_fdw_rate_limits WHERE server = 'gh_search';

SELECT * FROM api_calls();

-- a new minute of the search limit (30 searches a minute, README 1.1), so
-- that what follows runs whenever the test started: the fake forgets its
-- counters (and its request log), and the limiter what the API said
COPY (SELECT 1 WHERE false) TO PROGRAM 'curl -sf http://127.0.0.1:8081/_reset >/dev/null';
SELECT saas_fdw_rate_limit_reset('gh_search');

-- two bounds of one time column: one range qualifier, created:a..b
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ghs.search_issues
 WHERE repo = 'octo/hello' AND created_at >= '2024-02-01' AND created_at < '2024-04-01 00:00:00.5'
   AND updated_at > '2024-01-01';
SELECT same_rows('created_at >= ''2024-02-01'' AND created_at < ''2024-04-01 00:00:00.5''');
SELECT same_rows('closed_at > ''2024-02-01'' AND closed_at <= ''2024-05-01'' AND closed_at < ''2024-06-01''');
-- org: the owner of the repository; IN makes one search per owner; an
-- owner that does not exist matches no row
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ghs.search_issues WHERE org IN ('octo', 'nobody-here') AND state = 'open';
SELECT org, count(*) FROM ghs.search_issues WHERE org IN ('octo', 'nobody-here') AND state = 'open' GROUP BY org;
SELECT same_rows('org = ''acme''', 'repo:acme/widgets');
SELECT same_rows('org = ''octo''', 'repo:acme/widgets');
-- OR and <> stay local: the search syntax has no OR across qualifiers
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ghs.search_issues WHERE repo = 'octo/hello' AND (state = 'open' OR comments > 3) AND user_login <> 'hubot';
SELECT * FROM api_calls();

DROP FUNCTION same_rows(text, text);
DROP SCHEMA ghs CASCADE;
DROP SERVER gh_search CASCADE;
