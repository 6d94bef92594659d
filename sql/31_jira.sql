--
-- Jira Cloud issues: a POST search whose JQL is written from the pushed
-- quals (a filter language, service.h), each value quoted and escaped so
-- none changes the query; values that exist nowhere match no row; pages
-- follow nextPageToken; Basic auth of user and token.
--
SET timezone = 'UTC';
CREATE FUNCTION jira_calls() RETURNS SETOF text LANGUAGE sql
  AS $$ SELECT * FROM api_calls(8085) $$;
-- start from an empty request log, whatever ran before
DO $$ BEGIN PERFORM jira_calls(); END $$;

-- site names the host; only the name is allowed
CREATE SERVER jira_bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'jira', site 'a.evil.com/x');
CREATE SERVER jira_site FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'jira', site 'yourco');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira_site OPTIONS (user 'fdw@example.com', token 't');
CREATE SCHEMA jira_site;
IMPORT FOREIGN SCHEMA jira FROM SERVER jira_site INTO jira_site;
EXPLAIN (COSTS OFF) SELECT key FROM jira_site.issues WHERE project_key = 'ENG';
DROP SERVER jira_site CASCADE;
-- a server needs site (or base_url)
CREATE SERVER jira_nosite FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'jira');
CREATE SCHEMA jira_nosite;
IMPORT FOREIGN SCHEMA jira FROM SERVER jira_nosite INTO jira_nosite;
SELECT key FROM jira_nosite.issues WHERE project_key = 'ENG';
DROP SCHEMA jira_nosite CASCADE;
DROP SERVER jira_nosite CASCADE;

CREATE SERVER jira FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'jira', base_url 'http://127.0.0.1:8085', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira
  OPTIONS (user 'fdw@example.com', token 'jira_token_1');
CREATE SCHEMA jira;
IMPORT FOREIGN SCHEMA jira FROM SERVER jira INTO jira;
\d jira.issues

-- the request and its JQL
EXPLAIN (VERBOSE, COSTS OFF)
SELECT key FROM jira.issues
 WHERE project_key = 'ENG' AND status = 'Done' AND issue_type = 'Bug'
   AND 'backend' = ANY (labels) AND assignee_account_id IS NOT NULL
   AND created >= '2024-03-01 10:00:30' AND updated < '2024-09-01';
SELECT count(*) FROM jira.issues
 WHERE project_key = 'ENG' AND status = 'Done' AND issue_type = 'Bug'
   AND 'backend' = ANY (labels) AND assignee_account_id IS NOT NULL
   AND created >= '2024-03-01 10:00:30' AND updated < '2024-09-01';
SELECT * FROM jira_calls();

-- EXPLAIN ANALYZE VERBOSE names the pages fetched with their method, POST
SELECT line FROM explain_analyze($$SELECT key FROM jira.issues WHERE project_key = 'ENG' AND status = 'Done'$$, true) AS line
 WHERE line LIKE '%API Fetched%';
SELECT * FROM jira_calls();

-- each clause returns the rows a local filter returns
CREATE FUNCTION jira_same(cond text, local_cond text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  pushed text[];
  local text[];
BEGIN
  EXECUTE format('SELECT array_agg(key ORDER BY key) FROM jira.issues WHERE project_key = ''ENG'' AND %s', cond)
    INTO pushed;
  EXECUTE format('SELECT array_agg(key ORDER BY key) FROM jira.issues WHERE project_key = ''ENG'' AND %s', local_cond)
    INTO local;
  RAISE NOTICE '% rows', coalesce(cardinality(pushed), 0);
  RETURN pushed IS NOT DISTINCT FROM local;
END $$;
SELECT jira_same('status = ''In Progress''', 'status || '''' = ''In Progress''');
SELECT jira_same('priority IS NULL', 'priority || '''' IS NULL');
SELECT jira_same('assignee_account_id IS NULL', 'assignee_account_id || '''' IS NULL');
SELECT jira_same('''UI'' = ANY (components)', '''UI'' = ANY (components || ''{}'')');
SELECT jira_same('fix_versions @> ''{1.0,1.1}''', 'fix_versions || ''{}'' @> ''{1.0,1.1}''');
SELECT jira_same('created < ''2024-02-01 12:30:30''', 'created + ''0s'' < ''2024-02-01 12:30:30''');
SELECT jira_same('resolution_date > ''2024-06-01''', 'resolution_date + ''0s'' > ''2024-06-01''');
SELECT count(*) FROM jira_calls();

-- pages follow nextPageToken (in the body) until the last; LIMIT is maxResults
SELECT count(*) FROM jira.issues WHERE project_key = 'ENG';
SELECT key FROM jira.issues WHERE project_key = 'OPS' AND status = 'Done' LIMIT 3;
SELECT * FROM jira_calls();

-- IN: one search per value; a value that exists nowhere matches no row
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM jira.issues WHERE project_key IN ('WEB', 'NOPE');
SELECT count(*) FROM jira.issues WHERE project_key IN ('WEB', 'NOPE');
SELECT count(*) FROM jira.issues WHERE project_key = 'ENG' AND status = 'No Such Status';
SELECT count(*) FROM jira.issues WHERE key = 'ENG-99999';
SELECT * FROM jira_calls();

-- hostile values: quotes, backslashes, reserved words and functions are
-- quoted and escaped; an empty value is checked locally only
EXPLAIN (VERBOSE, COSTS OFF)
SELECT key FROM jira.issues WHERE project_key = 'ENG' AND 'o''reilly' = ANY (labels);
SELECT count(*) FROM jira.issues WHERE project_key = 'ENG' AND 'o''reilly' = ANY (labels);
SELECT count(*) FROM jira.issues WHERE project_key = 'ENG' AND 'and' = ANY (labels);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT key FROM jira.issues
 WHERE project_key = 'ENG' AND 'x" OR project = "OPS' = ANY (labels);
SELECT count(*) FROM jira.issues
 WHERE project_key = 'ENG' AND 'x" OR project = "OPS' = ANY (labels);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT key FROM jira.issues
 WHERE project_key = 'ENG' AND 'a\" OR key is not EMPTY OR labels = \' = ANY (labels);
SELECT count(*) FROM jira.issues
 WHERE project_key = 'ENG' AND 'a\" OR key is not EMPTY OR labels = \' = ANY (labels);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT key FROM jira.issues WHERE project_key = 'ENG' AND assignee_account_id = 'currentUser()';
SELECT count(*) FROM jira.issues WHERE project_key = 'ENG' AND assignee_account_id = 'currentUser()';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT key FROM jira.issues WHERE project_key = 'ENG' AND reporter_account_id = '';
SELECT * FROM jira_calls();

-- jql: your own JQL, ANDed in parentheses, read back in every row; as a
-- table option it bounds every query of the table
SELECT count(*), min(jql) FROM jira.issues WHERE jql = 'project = OPS OR project = WEB';
SELECT count(*) FROM jira.issues WHERE jql = 'project = OPS OR project = WEB' AND status = 'Done';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM jira.issues WHERE jql = 'project = OPS OR project = WEB' AND status = 'Done';
CREATE FOREIGN TABLE jira.ops_issues (key text, status text, jql text)
  SERVER jira OPTIONS (resource 'issues', jql 'project = OPS');
SELECT count(*), min(jql) FROM jira.ops_issues;
SELECT * FROM jira_calls();

-- ORDER BY created or updated is JQL's ORDER BY: no Sort node
EXPLAIN (VERBOSE, COSTS OFF)
SELECT key FROM jira.issues WHERE project_key = 'WEB' ORDER BY created DESC LIMIT 5;
SELECT key, created FROM jira.issues WHERE project_key = 'WEB' ORDER BY created DESC LIMIT 5;
EXPLAIN (COSTS OFF)
SELECT updated FROM jira.issues WHERE project_key = 'WEB' ORDER BY updated;
SELECT count(*), bool_and(prev IS NULL OR prev <= updated) AS in_order
  FROM (SELECT updated, lag(updated) OVER () AS prev
          FROM (SELECT updated FROM jira.issues WHERE project_key = 'WEB' ORDER BY updated) s) t;
SELECT * FROM jira_calls();

-- projects: pages whose body names the next page's URL (nextPage)
SELECT key, name, project_type, lead_account_id FROM jira.projects ORDER BY key;
SELECT count(*) FROM jira.projects WHERE key IN ('ENG', 'WEB', 'NOPE');
ALTER FOREIGN TABLE jira.projects OPTIONS (ADD page_size '2');
SELECT count(*) FROM jira.projects;
SELECT * FROM jira_calls();

-- comments of an issue: pages that say where they start and how many
-- there are (startAt, total); ENG-1 has 120
SELECT issue_key, count(*), count(DISTINCT id), min(created) < max(created) AS spread
  FROM jira.issue_comments WHERE issue_key IN ('ENG-1', 'OPS-2') GROUP BY 1 ORDER BY 1;
SELECT * FROM jira_calls();

-- no clause at all: an error before any request
SELECT count(*) FROM jira.issues WHERE summary = 'x';

-- a wrong token: Jira's 401
ALTER USER MAPPING FOR CURRENT_USER SERVER jira OPTIONS (SET token 'wrong');
SELECT count(*) FROM jira.issues WHERE project_key = 'ENG';
SELECT * FROM jira_calls();

DROP FUNCTION jira_same(text, text);
DROP FUNCTION jira_calls();
DROP SCHEMA jira CASCADE;
DROP SCHEMA jira_site CASCADE;
DROP SERVER jira CASCADE;
