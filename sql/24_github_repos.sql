--
-- GitHub repos and workflow_runs.
--
-- repos: one table, two list paths chosen by the key given,
-- /orgs/{org}/repos or /users/{username}/repos (ResourceSpec.key_paths),
-- against the fake GitHub API on 127.0.0.1:8081 (octo is a user, acme an
-- organization).  workflow_runs: a list under "workflow_runs", created
-- ranges in GitHub's search syntax.  For each rule: the request in EXPLAIN,
-- the rows equal to the same query with saas_fdw.pushdown off, and the
-- requests made.
--
SET timezone = 'UTC';
-- start from an empty request log (an earlier test may have left requests)
DO $$ BEGIN PERFORM api_calls(8081); END $$;
SET saas_fdw.read_ahead = 1;
CREATE SERVER gh24 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh24 OPTIONS (token 'ghp_test');
CREATE SCHEMA g24;
IMPORT FOREIGN SCHEMA github LIMIT TO (repos, workflow_runs) FROM SERVER gh24 INTO g24;
SELECT c.relname, obj_description(c.oid) AS comment
  FROM pg_class c WHERE c.relnamespace = 'g24'::regnamespace ORDER BY 1;
SELECT attrelid::regclass AS "table", attname, col_description(attrelid, attnum)
  FROM pg_attribute
 WHERE attrelid IN ('g24.repos'::regclass, 'g24.workflow_runs'::regclass) AND attnum > 0
   AND col_description(attrelid, attnum) ~ 'required|pushed down'
 ORDER BY 1, attnum;
SELECT * FROM api_calls();

--
-- a key chooses the path: org, or username; every page is read
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.repos WHERE org = 'acme';
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.repos WHERE username = 'octo';
ALTER FOREIGN TABLE g24.repos OPTIONS (ADD page_size '2');
SELECT org, username, full_name, owner_login, private, fork, archived, language,
       default_branch, pushed_at IS NULL AS never_pushed
  FROM g24.repos WHERE org = 'acme' ORDER BY full_name;
SELECT * FROM api_calls();
SELECT org, username, full_name, private FROM g24.repos WHERE username = 'octo' ORDER BY full_name;
SELECT * FROM api_calls();
ALTER FOREIGN TABLE g24.repos OPTIONS (DROP page_size);
-- IN on a key: one request stream per value
SELECT org, count(*) FROM g24.repos WHERE org IN ('acme', 'ACME') GROUP BY 1 ORDER BY 1;
SELECT * FROM api_calls();

--
-- no key: no request, an error naming both paths
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.repos;
SELECT full_name FROM g24.repos;
SELECT full_name FROM g24.repos LIMIT 0;
SELECT * FROM api_calls();

--
-- both keys: org names the request, username is checked locally, and reads
-- NULL there (the request did not ask for a user): no row
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT full_name FROM g24.repos WHERE org = 'acme' AND username = 'acme';
SELECT full_name FROM g24.repos WHERE org = 'acme' AND username = 'acme';
SELECT full_name FROM g24.repos WHERE username = 'octo' AND org IS NULL AND full_name = 'octo/world';
-- so the alternative keys are not NOT NULL columns (PostgreSQL 17 would
-- read org IS NULL as false); repo of the other tables is
SELECT attrelid::regclass AS "table", attname, attnotnull FROM pg_attribute
 WHERE attrelid IN ('g24.repos'::regclass, 'g24.workflow_runs'::regclass)
   AND attname IN ('org', 'username', 'repo') ORDER BY 1, 2;
SELECT * FROM api_calls();

--
-- a key as a table option
--
CREATE FOREIGN TABLE g24.acme_repos (org text, username text, full_name text, fork boolean)
  SERVER gh24 OPTIONS (resource 'repos', org 'acme');
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.acme_repos;
SELECT org, full_name FROM g24.acme_repos ORDER BY 2;
-- a table fixed to org: a qual on username is checked locally only
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.acme_repos WHERE username = 'octo';
SELECT full_name FROM g24.acme_repos WHERE username = 'octo';
SELECT * FROM api_calls();

--
-- a join gives the key: one request per outer value (parameterized scan;
-- its EXPLAIN is left out: the join clause prints in another order on 16+)
--
CREATE TEMP TABLE accounts (login text PRIMARY KEY);
INSERT INTO accounts VALUES ('acme'), ('octo');
ANALYZE accounts;
SELECT a.login, r.full_name FROM accounts a JOIN g24.repos r ON r.username = a.login
 ORDER BY 2;
SELECT * FROM api_calls();

--
-- fork and private as type=: with org only (a user's list has no such
-- type), each rows equal to the filter kept local
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.repos WHERE org = 'acme' AND fork;
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.repos WHERE org = 'acme' AND NOT fork;
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.repos WHERE org = 'acme' AND private;
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.repos WHERE org = 'acme' AND NOT private;
-- the second rule on type stays local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT full_name FROM g24.repos WHERE org = 'acme' AND NOT fork AND private;
-- with username the rules are not sent
EXPLAIN (VERBOSE, COSTS OFF)
SELECT full_name FROM g24.repos WHERE username = 'octo' AND NOT fork AND NOT private;
CREATE TEMP TABLE pushed (q text, names text[]);
INSERT INTO pushed SELECT 'fork', array_agg(full_name ORDER BY full_name) FROM g24.repos WHERE org = 'acme' AND fork;
INSERT INTO pushed SELECT 'not fork', array_agg(full_name ORDER BY full_name) FROM g24.repos WHERE org = 'acme' AND NOT fork;
INSERT INTO pushed SELECT 'private', array_agg(full_name ORDER BY full_name) FROM g24.repos WHERE org = 'acme' AND private;
INSERT INTO pushed SELECT 'not private', array_agg(full_name ORDER BY full_name) FROM g24.repos WHERE org = 'acme' AND NOT private;
SELECT * FROM api_calls();
SELECT * FROM pushed ORDER BY q;
SET saas_fdw.pushdown = off;
SELECT (SELECT array_agg(full_name ORDER BY full_name) FROM g24.repos WHERE org = 'acme' AND fork)
         = (SELECT names FROM pushed WHERE q = 'fork') AS fork,
       (SELECT array_agg(full_name ORDER BY full_name) FROM g24.repos WHERE org = 'acme' AND NOT fork)
         = (SELECT names FROM pushed WHERE q = 'not fork') AS not_fork,
       (SELECT array_agg(full_name ORDER BY full_name) FROM g24.repos WHERE org = 'acme' AND private)
         = (SELECT names FROM pushed WHERE q = 'private') AS private,
       (SELECT array_agg(full_name ORDER BY full_name) FROM g24.repos WHERE org = 'acme' AND NOT private)
         = (SELECT names FROM pushed WHERE q = 'not private') AS not_private;
-- four requests, none with type=
SELECT * FROM api_calls();
RESET saas_fdw.pushdown;
-- fork and private with a LIMIT: fork is exact (per_page shrinks), private
-- is not (enterprise internal repositories are listed as private too)
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.repos WHERE org = 'acme' AND fork LIMIT 1;
EXPLAIN (VERBOSE, COSTS OFF) SELECT full_name FROM g24.repos WHERE org = 'acme' AND private LIMIT 1;

--
-- ORDER BY created_at / updated_at: sort and direction sent, no Sort node;
-- the order equals the local sort with pushdown off
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT full_name FROM g24.repos WHERE username = 'octo' ORDER BY created_at;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT full_name FROM g24.repos WHERE org = 'acme' ORDER BY updated_at DESC;
CREATE TEMP TABLE ordered AS
SELECT (SELECT array_agg(full_name) FROM (SELECT full_name FROM g24.repos WHERE username = 'octo'
                                          ORDER BY created_at) s) AS created_asc,
       (SELECT array_agg(full_name) FROM (SELECT full_name FROM g24.repos WHERE username = 'octo'
                                          ORDER BY created_at DESC) s) AS created_desc,
       (SELECT array_agg(full_name) FROM (SELECT full_name FROM g24.repos WHERE org = 'acme'
                                          ORDER BY updated_at) s) AS updated_asc,
       (SELECT array_agg(full_name) FROM (SELECT full_name FROM g24.repos WHERE org = 'acme'
                                          ORDER BY updated_at DESC) s) AS updated_desc;
SELECT * FROM api_calls();
SET saas_fdw.pushdown = off;
SELECT created_asc = (SELECT array_agg(full_name ORDER BY created_at) FROM g24.repos WHERE username = 'octo') AS created_asc,
       created_desc = (SELECT array_agg(full_name ORDER BY created_at DESC) FROM g24.repos WHERE username = 'octo') AS created_desc,
       updated_asc = (SELECT array_agg(full_name ORDER BY updated_at) FROM g24.repos WHERE org = 'acme') AS updated_asc,
       updated_desc = (SELECT array_agg(full_name ORDER BY updated_at DESC) FROM g24.repos WHERE org = 'acme') AS updated_desc
  FROM ordered;
RESET saas_fdw.pushdown;
SELECT * FROM api_calls();

--
-- an account that is not an organization, or no account: GitHub's 404
--
SELECT full_name FROM g24.repos WHERE org = 'octo';
SELECT full_name FROM g24.repos WHERE username = 'nobody';
SELECT * FROM api_calls();

--
-- workflow_runs: every page of the list under "workflow_runs"
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM g24.workflow_runs WHERE repo = 'octo/hello';
CREATE TEMP TABLE runs_copy AS SELECT * FROM g24.workflow_runs WHERE repo = 'octo/hello';
SELECT * FROM api_calls();
SELECT count(*), count(DISTINCT id), min(run_number), max(run_number), min(created_at), max(created_at)
  FROM runs_copy;
SELECT status, conclusion, count(*) FROM runs_copy GROUP BY 1, 2 ORDER BY 1, 2;
SELECT run_number, name, status, conclusion, head_branch, event, actor_login,
       triggering_actor_login, run_attempt, created_at, run_started_at
  FROM runs_copy WHERE run_number IN (1, 2, 148, 149, 150) ORDER BY run_number;
-- id = reads the single run; a missing id is no row
EXPLAIN (VERBOSE, COSTS OFF)
SELECT run_number FROM g24.workflow_runs WHERE repo = 'octo/hello' AND id = 7010010001;
SELECT run_number, name FROM g24.workflow_runs
 WHERE repo = 'octo/hello' AND id IN (7010010001, 7010010002, 1);
SELECT * FROM api_calls();

-- each equality rule: the request, then the rows equal to the local filter
-- with pushdown off (the copy above was read without a filter)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs WHERE repo = 'octo/hello' AND status = 'completed';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs WHERE repo = 'octo/hello' AND head_branch = 'main';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs WHERE repo = 'octo/hello' AND event = 'pull_request';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs WHERE repo = 'octo/hello' AND actor_login = 'hubot';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs WHERE repo = 'octo/hello' AND head_sha = 'x';
-- exact rules shrink the page under LIMIT; actor_login (logins match
-- without case) does not
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs WHERE repo = 'octo/hello' AND event = 'push' AND head_branch = 'main' LIMIT 3;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs WHERE repo = 'octo/hello' AND actor_login = 'hubot' LIMIT 3;
CREATE TEMP TABLE run_checks (rule text, pushed bigint[]);
INSERT INTO run_checks SELECT 'status = in_progress', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND status = 'in_progress';
INSERT INTO run_checks SELECT 'status IN (queued, waiting)', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND status IN ('queued', 'waiting');
INSERT INTO run_checks SELECT 'head_branch = main', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND head_branch = 'main';
INSERT INTO run_checks SELECT 'event = pull_request', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND event = 'pull_request';
INSERT INTO run_checks SELECT 'actor_login = hubot', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND actor_login = 'hubot';
INSERT INTO run_checks SELECT 'actor_login = HUBOT', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND actor_login = 'HUBOT';
INSERT INTO run_checks SELECT 'head_sha', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND head_sha = (SELECT head_sha FROM runs_copy WHERE run_number = 7);
INSERT INTO run_checks SELECT 'conclusion = failure (local)', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND conclusion = 'failure';
-- a status the API does not have matches no row: no request
INSERT INTO run_checks SELECT 'status = success', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND status = 'success';
SELECT * FROM api_calls();
SET saas_fdw.pushdown = off;
SELECT rule, cardinality(pushed) AS rows,
       pushed IS NOT DISTINCT FROM (SELECT array_agg(id ORDER BY id) FROM runs_copy r WHERE CASE rule
         WHEN 'status = in_progress' THEN status = 'in_progress'
         WHEN 'status IN (queued, waiting)' THEN status IN ('queued', 'waiting')
         WHEN 'head_branch = main' THEN head_branch = 'main'
         WHEN 'event = pull_request' THEN event = 'pull_request'
         WHEN 'actor_login = hubot' THEN actor_login = 'hubot'
         WHEN 'actor_login = HUBOT' THEN actor_login = 'HUBOT'
         WHEN 'head_sha' THEN run_number = 7
         WHEN 'conclusion = failure (local)' THEN conclusion = 'failure'
         WHEN 'status = success' THEN status = 'success' END) AS same_rows
  FROM run_checks ORDER BY rule;
-- the same with pushdown off reads the whole list again, once
SELECT (SELECT array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND event = 'pull_request')
     = (SELECT pushed FROM run_checks WHERE rule = 'event = pull_request') AS same_rows;
RESET saas_fdw.pushdown;
SELECT * FROM api_calls();

-- created ranges in GitHub's search syntax: >=, <=, and lower..upper (one
-- parameter); > and < go out as >= and <= (inclusive, cut to the second:
-- rechecked); a third bound stays local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs WHERE repo = 'octo/hello' AND created_at >= '2024-01-20';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs WHERE repo = 'octo/hello' AND created_at < '2024-01-03 10:00:00.5+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs
 WHERE repo = 'octo/hello' AND created_at > '2024-01-10' AND created_at <= '2024-01-12 12:00+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM g24.workflow_runs
 WHERE repo = 'octo/hello' AND created_at <= '2024-01-12' AND created_at >= '2024-01-10'
   AND created_at > '2024-01-11';
-- a bound from a parameter (a generic plan), beside a constant one
PREPARE runs_since(timestamptz) AS
SELECT count(*) FROM g24.workflow_runs
 WHERE repo = 'octo/hello' AND created_at > $1 AND created_at < '2024-01-28';
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE runs_since('2024-01-25');
EXECUTE runs_since('2024-01-25');
RESET plan_cache_mode;
SELECT count(*) FROM runs_copy WHERE created_at > '2024-01-25' AND created_at < '2024-01-28';
SELECT * FROM api_calls();
CREATE TEMP TABLE created_checks (rule text, pushed bigint[]);
INSERT INTO created_checks SELECT '>= 2024-01-20', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND created_at >= '2024-01-20';
INSERT INTO created_checks SELECT '< run 3 + 0.5 s', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND created_at < (SELECT created_at + interval '0.5 s' FROM runs_copy WHERE run_number = 3);
INSERT INTO created_checks SELECT '> run 140', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND created_at > (SELECT created_at FROM runs_copy WHERE run_number = 140);
INSERT INTO created_checks SELECT '(2024-01-10, 2024-01-12 12:00]', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND created_at > '2024-01-10' AND created_at <= '2024-01-12 12:00+00';
INSERT INTO created_checks SELECT '[run 20, run 30)', array_agg(id ORDER BY id) FROM g24.workflow_runs WHERE repo = 'octo/hello' AND created_at >= (SELECT created_at FROM runs_copy WHERE run_number = 20) AND created_at < (SELECT created_at FROM runs_copy WHERE run_number = 30);
SELECT * FROM api_calls();
SET saas_fdw.pushdown = off;
SELECT rule, cardinality(pushed) AS rows,
       pushed IS NOT DISTINCT FROM (SELECT array_agg(id ORDER BY id) FROM runs_copy r WHERE CASE rule
         WHEN '>= 2024-01-20' THEN created_at >= '2024-01-20'
         WHEN '< run 3 + 0.5 s' THEN run_number <= 3
         WHEN '> run 140' THEN run_number > 140
         WHEN '(2024-01-10, 2024-01-12 12:00]' THEN created_at > '2024-01-10' AND created_at <= '2024-01-12 12:00+00'
         WHEN '[run 20, run 30)' THEN run_number >= 20 AND run_number < 30 END) AS same_rows
  FROM created_checks ORDER BY rule;
RESET saas_fdw.pushdown;
SELECT * FROM api_calls();

DROP SCHEMA g24 CASCADE;
DROP SERVER gh24 CASCADE;
