--
-- Linear issues: POST /graphql with {query, variables}; the pushed quals
-- are one IssueFilter object sent as a JSON variable (never in the query
-- text), so no value can change the query; pages follow pageInfo's
-- endCursor while hasNextPage; a personal key is sent without Bearer.
--
SET timezone = 'UTC';
CREATE FUNCTION linear_calls() RETURNS SETOF text LANGUAGE sql
  AS $$ SELECT regexp_replace(line, '"query":"query (\w+)[^"]*"', '"query":"\1 ..."') FROM api_calls(8086) AS line $$;
-- start from an empty request log, whatever ran before
DO $$ BEGIN PERFORM linear_calls(); END $$;

CREATE SERVER linear FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'linear', base_url 'http://127.0.0.1:8086', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER linear OPTIONS (token 'lin_api_test');
CREATE SCHEMA linear;
IMPORT FOREIGN SCHEMA linear FROM SERVER linear INTO linear;
\d linear.issues

-- the request, its GraphQL call and its filter object
EXPLAIN (VERBOSE, COSTS OFF)
SELECT identifier FROM linear.issues
 WHERE team_key = 'ENG' AND state_type = 'started' AND 'bug' = ANY (labels)
   AND assignee_email IS NOT NULL AND priority >= 2
   AND created_at >= '2024-03-01 10:00:30.0005' AND updated_at < '2025-09-01';
SELECT count(*) FROM linear.issues
 WHERE team_key = 'ENG' AND state_type = 'started' AND 'bug' = ANY (labels)
   AND assignee_email IS NOT NULL
   AND created_at >= '2024-03-01 10:00:30.0005' AND updated_at < '2025-09-01';
SELECT * FROM linear_calls();

-- each condition returns the rows a local filter returns
CREATE FUNCTION linear_same(cond text, local_cond text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  pushed text[];
  local text[];
BEGIN
  EXECUTE format('SELECT array_agg(identifier ORDER BY identifier) FROM linear.issues WHERE %s', cond)
    INTO pushed;
  EXECUTE format('SELECT array_agg(identifier ORDER BY identifier) FROM linear.issues WHERE %s', local_cond)
    INTO local;
  RAISE NOTICE '% rows', coalesce(cardinality(pushed), 0);
  RETURN pushed IS NOT DISTINCT FROM local;
END $$;
-- the whole query once: only the fields of the columns read, and pageInfo
SELECT count(*) FROM linear.issues WHERE identifier = 'DES-7';
SELECT line FROM api_calls(8086) AS line;
SELECT linear_same('team_key = ''DES''', 'team_key || '''' = ''DES''');
SELECT linear_same('state_name IN (''Done'', ''Canceled'')', 'state_name || '''' IN (''Done'', ''Canceled'')');
SELECT linear_same('assignee_email IS NULL', 'assignee_email || '''' IS NULL');
SELECT linear_same('project_name IS NOT NULL AND estimate IS NULL', 'project_name || '''' IS NOT NULL AND estimate + 0 IS NULL');
SELECT linear_same('labels @> ''{bug,feature}''', 'labels || ''{}'' @> ''{bug,feature}''');
SELECT linear_same('number < 10 AND priority = 1', 'number + 0 < 10 AND priority + 0 = 1');
SELECT linear_same('completed_at IS NOT NULL AND due_date IS NULL', 'completed_at + ''0s'' IS NOT NULL AND due_date + 0 IS NULL');
SELECT linear_same('created_at < ''2024-02-01 12:30:30.5''', 'created_at + ''0s'' < ''2024-02-01 12:30:30.5''');
SELECT linear_same('cycle_number = 3 AND creator_email = ''ada@acme.test''', 'cycle_number + 0 = 3 AND creator_email || '''' = ''ada@acme.test''');
SELECT count(*) FROM linear_calls();

-- pages: every issue but the archived ones, in pages of at most what
-- 10,000 complexity points allow; LIMIT is first when every qual is exact
SELECT count(*), count(DISTINCT id) FROM linear.issues;
SELECT identifier FROM linear.issues WHERE team_key = 'OPS' AND state_name = 'Done' LIMIT 3;
SELECT * FROM linear_calls();
-- 250 items of every field (attrs) would cost more than 10,000 points:
-- 152 are asked; of two fields, 250
ALTER FOREIGN TABLE linear.issues OPTIONS (ADD page_size '250');
SELECT count(attrs) FROM linear.issues WHERE team_key = 'ENG';
SELECT count(*) FROM linear.issues WHERE team_key = 'ENG';
SELECT * FROM linear_calls();
ALTER FOREIGN TABLE linear.issues OPTIONS (DROP page_size);

-- IN is the comparator in, a list of JSON values; numbers are JSON numbers
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM linear.issues WHERE state_name IN ('Todo', 'Done') AND number = ANY ('{1,2,3}');
SELECT identifier, state_name FROM linear.issues
 WHERE state_name IN ('Todo', 'Done') AND number = ANY ('{1,2,3}') ORDER BY 1;
SELECT * FROM linear_calls();

-- a generic plan's parameters are shown as {$n}
SET plan_cache_mode = force_generic_plan;
PREPARE linear_q(text, int[]) AS
  SELECT identifier FROM linear.issues WHERE team_key = $1 AND number = ANY ($2) ORDER BY 1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE linear_q('OPS', '{1,2}');
EXECUTE linear_q('OPS', '{1,2}');
DEALLOCATE linear_q;
RESET plan_cache_mode;
SELECT * FROM linear_calls();

-- hostile values go in the variables as JSON strings, and match no row
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM linear.issues WHERE team_key = 'ENG"}}, "or": [{"team": {"key": {"neq": "x"}}}], "a": {"b": "';
SELECT count(*) FROM linear.issues WHERE team_key = 'ENG"}}, "or": [{"team": {"key": {"neq": "x"}}}], "a": {"b": "';
SELECT count(*) FROM linear.issues WHERE title = 'x\" } } issues { nodes { id } } #';
SELECT count(*) FROM linear.issues WHERE 'say "hi"' = ANY (labels) AND team_key = 'ENG';
SELECT count(*) FROM linear.issues WHERE state_name = 'No Such State';
SELECT * FROM linear_calls();

-- a column of another field (path option) is asked for as well
CREATE FOREIGN TABLE linear.prio (identifier text, priority_label text OPTIONS (path 'priorityLabel'))
  SERVER linear OPTIONS (resource 'issues');
SELECT identifier, priority_label FROM linear.prio WHERE identifier IN ('ENG-1', 'ENG-2') ORDER BY 1;
SELECT DISTINCT substring(line FROM 'nodes \{[^}]*\}') FROM api_calls(8086) AS line;

-- teams, projects, users
SELECT key, name, description, private FROM linear.teams ORDER BY key;
SELECT name, state, start_date, target_date FROM linear.projects ORDER BY name;
SELECT email, display_name, admin FROM linear.users ORDER BY email;
SELECT * FROM linear_calls();
-- all share POST /graphql: the cache tells them apart by their operation
ALTER SERVER linear OPTIONS (SET cache_ttl '600');
SELECT (SELECT count(*) FROM linear.teams) AS teams, (SELECT count(*) FROM linear.users) AS users,
       (SELECT count(*) FROM linear.projects) AS projects;
SELECT (SELECT count(*) FROM linear.teams) AS teams, (SELECT count(*) FROM linear.users) AS users;
SELECT * FROM linear_calls();
ALTER SERVER linear OPTIONS (SET cache_ttl '0');

-- comments of an issue (ENG-1 has 60), by id or identifier
SELECT issue_id, count(*), count(DISTINCT id) FROM linear.comments
 WHERE issue_id IN ('ENG-1', 'OPS-2') GROUP BY 1 ORDER BY 1;
SELECT * FROM linear_calls();
-- comments need the issue; one that does not exist is the API's error
-- (HTTP 200 with errors[])
SELECT count(*) FROM linear.comments;
SELECT count(*) FROM linear.comments WHERE issue_id = 'NOPE-1';
\set VERBOSITY sqlstate
SELECT count(*) FROM linear.comments WHERE issue_id = 'NOPE-1';
\set VERBOSITY default

SELECT * FROM linear_calls();
-- an OAuth token is sent as Bearer (auth 'oauth'); a wrong one is refused
ALTER USER MAPPING FOR CURRENT_USER SERVER linear OPTIONS (SET token 'lin_oauth_test', ADD auth 'oauth');
SELECT count(*) FROM linear.teams;
ALTER USER MAPPING FOR CURRENT_USER SERVER linear OPTIONS (SET auth 'bearer');
ALTER USER MAPPING FOR CURRENT_USER SERVER linear OPTIONS (DROP auth);
SELECT count(*) FROM linear.teams;
\set VERBOSITY sqlstate
SELECT count(*) FROM linear.teams;
\set VERBOSITY default
SELECT * FROM linear_calls();
-- a rate limit (HTTP 400, RATELIMITED) is retried after its Retry-After
ALTER USER MAPPING FOR CURRENT_USER SERVER linear OPTIONS (SET token 'lin_api_ratelimited');
SELECT count(*) FROM linear.teams;
SELECT * FROM linear_calls();
ALTER USER MAPPING FOR CURRENT_USER SERVER linear OPTIONS (SET token 'lin_api_test');
-- the shared limiter reads Linear's x-ratelimit-requests-remaining and
-- -reset (epoch milliseconds), and the Retry-After of the rate limit
SELECT min(remaining), max(remaining),
       bool_and(reset_at BETWEEN now() + interval '55 minutes' AND now() + interval '61 minutes') AS reset_in_an_hour,
       count(blocked_until) AS blocked
  FROM saas_fdw_rate_limits WHERE server = 'linear';

DROP FUNCTION linear_same(text, text);
DROP FUNCTION linear_calls();
DROP SCHEMA linear CASCADE;
DROP SERVER linear CASCADE;
