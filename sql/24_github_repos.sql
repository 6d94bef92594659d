--
-- GitHub repos: one table, two list paths chosen by the key given,
-- /orgs/{org}/repos or /users/{username}/repos (ResourceSpec.key_paths),
-- against the fake GitHub API on 127.0.0.1:8081 (octo is a user, acme an
-- organization).  For each rule: the request in EXPLAIN, the rows equal to
-- the same query with saas_fdw.pushdown off, and the requests made.
--
SET timezone = 'UTC';
-- start from an empty request log (an earlier test may have left requests)
DO $$ BEGIN PERFORM api_calls(8081); END $$;
SET saas_fdw.read_ahead = 1;
CREATE SERVER gh24 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh24 OPTIONS (token 'ghp_test');
CREATE SCHEMA g24;
IMPORT FOREIGN SCHEMA github LIMIT TO (repos) FROM SERVER gh24 INTO g24;
SELECT obj_description('g24.repos'::regclass) AS comment;
SELECT attname, col_description(attrelid, attnum)
  FROM pg_attribute
 WHERE attrelid = 'g24.repos'::regclass AND attnum > 0
   AND col_description(attrelid, attnum) ~ 'required|pushed down'
 ORDER BY attnum;
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

DROP SCHEMA g24 CASCADE;
DROP SERVER gh24 CASCADE;
