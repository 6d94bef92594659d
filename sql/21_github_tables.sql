--
-- GitHub: pulls, pull_reviews, commits, releases, labels and milestones
-- against the fake GitHub API on 127.0.0.1:8081.  For each pushdown rule:
-- the request in EXPLAIN, the rows equal to the same query with the filter
-- kept local, and the requests made.
--
SET timezone = 'UTC';
-- start from an empty request log (an earlier test may have left requests)
DO $$ BEGIN PERFORM api_calls(8081); END $$;
SET saas_fdw.read_ahead = 1;
CREATE SERVER gh21 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh21 OPTIONS (token 'ghp_test');
CREATE SCHEMA g21;
IMPORT FOREIGN SCHEMA github
  LIMIT TO (pulls, pull_reviews, commits, releases, labels, milestones)
  FROM SERVER gh21 INTO g21;
SELECT c.relname, obj_description(c.oid) AS comment
  FROM pg_class c WHERE c.relnamespace = 'g21'::regnamespace ORDER BY 1;
SELECT attrelid::regclass AS "table", attname, col_description(attrelid, attnum)
  FROM pg_attribute
 WHERE attrelid IN ('g21.pulls'::regclass, 'g21.commits'::regclass) AND attnum > 0
   AND col_description(attrelid, attnum) LIKE '%pushed down%'
 ORDER BY 1, attnum;
SELECT * FROM api_calls();

--
-- pulls: every page; without a state filter state=all is sent (the API's
-- default is open)
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT number FROM g21.pulls WHERE repo = 'octo/hello';
-- one copy of every pull (pages of 20), for comparisons kept local
ALTER FOREIGN TABLE g21.pulls OPTIONS (ADD page_size '20');
CREATE TEMP TABLE pulls_copy AS SELECT * FROM g21.pulls WHERE repo = 'octo/hello';
SELECT * FROM api_calls();
ALTER FOREIGN TABLE g21.pulls OPTIONS (DROP page_size);
SELECT count(*), count(DISTINCT number), min(number), max(number) FROM pulls_copy;
SELECT state, count(*) FROM pulls_copy GROUP BY 1 ORDER BY 1;
SELECT number, title, state, user_login, head_ref, head_label, base_ref, draft, labels,
       merged_at, created_at, closed_at, merged, comments
  FROM g21.pulls WHERE repo = 'octo/hello' AND number IN (5, 10, 15) ORDER BY number;
SELECT * FROM api_calls();
-- state =: an enum ('all' is a request, never a state: no request)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM g21.pulls WHERE repo = 'octo/hello' AND state = 'open';
SELECT (SELECT array_agg(number ORDER BY number) FROM g21.pulls WHERE repo = 'octo/hello' AND state = 'open')
     = (SELECT array_agg(number ORDER BY number) FROM pulls_copy WHERE state = 'open')
       AS same_rows;
SELECT count(*) FROM g21.pulls WHERE repo = 'octo/hello' AND state = 'all';
SELECT * FROM api_calls();
-- head (owner:branch) and base
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM g21.pulls
 WHERE repo = 'octo/hello' AND head_label = 'octo:feature/export-5' AND base_ref = 'main';
SELECT number, head_label, base_ref FROM g21.pulls
 WHERE repo = 'octo/hello' AND head_label = 'octo:feature/export-5' AND base_ref = 'main';
SELECT (SELECT array_agg(number ORDER BY number) FROM g21.pulls WHERE repo = 'octo/hello' AND base_ref = 'release')
     = (SELECT array_agg(number ORDER BY number) FROM pulls_copy WHERE base_ref = 'release')
       AS same_rows;
SELECT * FROM api_calls();
-- ORDER BY created_at / updated_at: sort and direction sent, no Sort node
-- (with a LIMIT the planner expects few rows and may prefer a local Sort)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, created_at FROM g21.pulls WHERE repo = 'octo/hello' ORDER BY created_at;
SELECT number, created_at FROM g21.pulls WHERE repo = 'octo/world' ORDER BY created_at;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM g21.pulls WHERE repo = 'octo/hello' ORDER BY created_at DESC LIMIT 5;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM g21.pulls WHERE repo = 'octo/hello' ORDER BY updated_at DESC;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM g21.pulls WHERE repo = 'octo/hello' ORDER BY updated_at;
SELECT number, updated_at FROM g21.pulls WHERE repo = 'octo/hello' ORDER BY updated_at DESC LIMIT 5;
SELECT * FROM api_calls();
SELECT (SELECT array_agg(number) FROM (SELECT number FROM g21.pulls WHERE repo = 'octo/hello'
                                        ORDER BY updated_at, number) s)
     = (SELECT array_agg(number ORDER BY updated_at, number) FROM pulls_copy) AS same_order;
SELECT * FROM api_calls();
-- number = reads the single pull, where merged and the counts are given;
-- a missing number is no row
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, merged FROM g21.pulls WHERE repo = 'octo/hello' AND number = 10;
SELECT number, state, merged, merged_at, comments, review_comments, commits
  FROM g21.pulls WHERE repo = 'octo/hello' AND number IN (10, 20, 7);
SELECT * FROM api_calls();

--
-- pull_reviews: keys repo and pull_number; a join gives pull_number per pull
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g21.pull_reviews WHERE repo = 'octo/hello' AND pull_number = 20;
SELECT id, pull_number, user_login, state, body, author_association, submitted_at, commit_id = (
         SELECT attrs->'head'->>'sha' FROM g21.pulls WHERE repo = 'octo/hello' AND number = 20) AS head_commit
  FROM g21.pull_reviews WHERE repo = 'octo/hello' AND pull_number = 20;
SELECT * FROM api_calls();
SELECT p.number, count(r.id) AS reviews, count(*) FILTER (WHERE r.state = 'APPROVED') AS approved
  FROM g21.pulls p LEFT JOIN g21.pull_reviews r ON r.repo = p.repo AND r.pull_number = p.number
 WHERE p.repo = 'octo/world' GROUP BY 1 ORDER BY 1;
SELECT * FROM api_calls();

--
-- commits: every page; author (login or e-mail) and committed_at bounds
-- (since / until, cut to the second) are sent and rechecked
--
CREATE TEMP TABLE commits_copy AS SELECT * FROM g21.commits WHERE repo = 'octo/hello';
SELECT count(*), count(DISTINCT sha) FROM commits_copy;
SELECT * FROM api_calls();
SELECT left(sha, 10) AS sha, message, author_login, author_name, author_email, authored_at,
       committer_login, committed_at, cardinality(parents) AS parents
  FROM g21.commits WHERE repo = 'octo/world' ORDER BY committed_at LIMIT 3;
SELECT * FROM api_calls();
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sha FROM g21.commits WHERE repo = 'octo/hello' AND author_login = 'hubot';
SELECT (SELECT array_agg(sha ORDER BY sha) FROM g21.commits WHERE repo = 'octo/hello' AND author_login = 'hubot')
     = (SELECT array_agg(sha ORDER BY sha) FROM commits_copy WHERE author_login = 'hubot')
       AS same_rows;
-- GitHub matches the login without case; SQL = does not (rechecked)
SELECT count(*) FROM g21.commits WHERE repo = 'octo/hello' AND author_login = 'HUBOT';
SELECT * FROM api_calls();
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sha FROM g21.commits WHERE repo = 'octo/hello' AND author_email = 'mojombo@users.example.com';
SELECT count(*), count(author_login) FROM g21.commits
 WHERE repo = 'octo/hello' AND author_email = 'mojombo@users.example.com';
SELECT * FROM api_calls();
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sha FROM g21.commits
 WHERE repo = 'octo/hello' AND committed_at >= '2024-06-01 00:00:00.5' AND committed_at < '2024-07-01';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sha FROM g21.commits
 WHERE repo = 'octo/hello' AND committed_at > '2024-06-01' AND committed_at <= '2024-07-01 12:00:00.7';
-- a bound on the second a commit was made: since and until keep it, the
-- recheck decides; two commits share that second
SELECT committed_at, count(*) FROM commits_copy GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 1;
SELECT count(*) FROM g21.commits WHERE repo = 'octo/hello' AND committed_at <= '2024-04-05 00:00:09';
SELECT count(*) FROM g21.commits WHERE repo = 'octo/hello' AND committed_at < '2024-04-05 00:00:09';
SELECT count(*) FROM g21.commits WHERE repo = 'octo/hello' AND committed_at >= '2024-04-05 00:00:09';
SELECT count(*) FROM g21.commits WHERE repo = 'octo/hello' AND committed_at > '2024-04-05 00:00:09';
SELECT * FROM api_calls();
SELECT (SELECT array_agg(sha ORDER BY sha) FROM g21.commits
         WHERE repo = 'octo/hello' AND committed_at >= '2024-06-01 00:00:00.5' AND committed_at < '2024-07-01')
     = (SELECT array_agg(sha ORDER BY sha) FROM commits_copy
         WHERE committed_at >= '2024-06-01 00:00:00.5' AND committed_at < '2024-07-01') AS same_rows;
SELECT * FROM api_calls();
-- LIMIT does not shrink the page: the bounds are rechecked
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sha FROM g21.commits WHERE repo = 'octo/hello' AND committed_at >= '2025-01-01' LIMIT 2;

--
-- releases, labels, milestones
--
SELECT tag_name, name, draft, prerelease, target_commitish, author_login, created_at, published_at
  FROM g21.releases WHERE repo = 'octo/hello';
SELECT * FROM api_calls();
-- tag_name = reads the release of that tag; an unknown tag is no row
EXPLAIN (VERBOSE, COSTS OFF)
SELECT name FROM g21.releases WHERE repo = 'octo/hello' AND tag_name = 'v1.3.0';
SELECT tag_name, name FROM g21.releases WHERE repo = 'octo/hello' AND tag_name IN ('v1.3.0', 'v9.9.9');
SELECT * FROM api_calls();
SELECT name, color, description, "default" FROM g21.labels WHERE repo = 'octo/hello' ORDER BY name;
SELECT * FROM api_calls();
ALTER FOREIGN TABLE g21.labels OPTIONS (ADD page_size '2');
SELECT count(*) FROM g21.labels WHERE repo = 'octo/hello';
SELECT * FROM api_calls();
ALTER FOREIGN TABLE g21.labels OPTIONS (DROP page_size);
-- name = reads that label (GitHub ignores case; the recheck does not)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT color FROM g21.labels WHERE repo = 'octo/hello' AND name = 'good first issue';
SELECT name, color FROM g21.labels WHERE repo = 'octo/hello' AND name IN ('good first issue', 'BUG', 'nope');
SELECT * FROM api_calls();
-- milestones: state=all unless state is filtered; state is an enum
EXPLAIN (VERBOSE, COSTS OFF) SELECT number FROM g21.milestones WHERE repo = 'octo/hello';
SELECT number, title, description, state, open_issues, closed_issues, creator_login, due_on,
       created_at, closed_at FROM g21.milestones WHERE repo = 'octo/hello' ORDER BY number;
SELECT * FROM api_calls();
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM g21.milestones WHERE repo = 'octo/hello' AND state = 'closed';
SELECT number, title FROM g21.milestones WHERE repo = 'octo/hello' AND state = 'closed';
SELECT count(*) FROM g21.milestones WHERE repo = 'octo/hello' AND state = 'Open';
SELECT number, title FROM g21.milestones WHERE repo = 'octo/hello' AND number = 2;
SELECT * FROM api_calls();
-- the table option state replaces the default state=all; it takes only
-- the values GitHub knows
ALTER FOREIGN TABLE g21.milestones OPTIONS (ADD state 'open');
EXPLAIN (VERBOSE, COSTS OFF) SELECT number FROM g21.milestones WHERE repo = 'octo/hello';
ALTER FOREIGN TABLE g21.milestones OPTIONS (SET state 'everything');
ALTER FOREIGN TABLE g21.milestones OPTIONS (DROP state);
ALTER FOREIGN TABLE g21.pulls OPTIONS (ADD state 'closed');
EXPLAIN (VERBOSE, COSTS OFF) SELECT number FROM g21.pulls WHERE repo = 'octo/hello';
ALTER FOREIGN TABLE g21.pulls OPTIONS (DROP state);
-- ORDER BY due_on is sorted by PostgreSQL (GitHub does not say where
-- milestones without a due date go)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM g21.milestones WHERE repo = 'octo/hello' ORDER BY due_on;

DROP TABLE pulls_copy, commits_copy;
DROP SCHEMA g21 CASCADE;
DROP SERVER gh21 CASCADE;
