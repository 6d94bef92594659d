--
-- Jira: OR, NOT, <> and NOT IN in one JQL per stream, as a boolean tree of
-- terms (pushdown.h FilterTree): NOTs moved to the leaves, a leaf with no
-- rule taken as true (the JQL never matches fewer rows than SQL's clause),
-- every pushed qual rechecked; a value Jira does not know inside the tree
-- makes the search ask again without the tree.
--
SET timezone = 'UTC';
CREATE FUNCTION jira_calls() RETURNS SETOF text LANGUAGE sql
  AS $$ SELECT * FROM api_calls(8085) $$;
DO $$ BEGIN PERFORM jira_calls(); END $$;
CREATE SERVER jira_trees FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'jira', cache_ttl '0', base_url 'http://127.0.0.1:8085');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira_trees
  OPTIONS (token 'jira_token_1', user 'fdw@example.com');
CREATE SCHEMA jira;
IMPORT FOREIGN SCHEMA jira LIMIT TO (issues) FROM SERVER jira_trees INTO jira;

-- the JQL of a query (EXPLAIN VERBOSE's JQL lines)
CREATE FUNCTION jql_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP
    IF line ~ '^\s*(JQL:|API Request: none)' THEN RETURN NEXT btrim(line); END IF;
  END LOOP;
END $$;

-- the same rows as PostgreSQL's own filter over the search without it
-- (OFFSET 0 keeps the condition out of the scan)
CREATE FUNCTION jira_same(cond text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  pushed text[];
  local text[];
BEGIN
  EXECUTE format('SELECT array_agg(key ORDER BY key) FROM jira.issues
                   WHERE jql = ''project in (ENG, OPS)'' AND (%s)', cond) INTO pushed;
  EXECUTE format('SELECT array_agg(key ORDER BY key) FROM (SELECT * FROM jira.issues
                   WHERE jql = ''project in (ENG, OPS)'' OFFSET 0) s WHERE %s', cond) INTO local;
  RETURN format('%s rows, %s', coalesce(cardinality(pushed), 0),
                CASE WHEN pushed IS NOT DISTINCT FROM local THEN 'same' ELSE 'DIFFERENT' END);
END $$;

-- OR across columns: one term in parentheses, ANDed to the rest
SELECT jql_of($$SELECT key FROM jira.issues
  WHERE project_key = 'ENG' AND (status = 'Done' OR priority = 'High')$$);
-- an IN list inside OR is one term; OR across projects is one search
SELECT jql_of($$SELECT key FROM jira.issues
  WHERE project_key = 'ENG' AND (status IN ('Done', 'To Do') OR assignee_account_id IS NULL)$$);
SELECT jql_of($$SELECT key FROM jira.issues
  WHERE project_key = 'ENG' OR (project_key = 'OPS' AND created >= '2024-03-01')$$);
-- NOT moves to the leaves: a range is complemented (and widened), IS NULL
-- becomes is not EMPTY
SELECT jql_of($$SELECT key FROM jira.issues
  WHERE project_key = 'ENG' AND NOT (created >= '2024-03-01' AND priority IS NULL)$$);
-- <> and NOT IN of keys (held in upper case): sent; NOT IN's list is one term
SELECT jql_of($$SELECT key FROM jira.issues WHERE project_key <> 'OPS'$$);
SELECT jql_of($$SELECT key FROM jira.issues WHERE project_key NOT IN ('OPS', 'WEB') AND status = 'Done'$$);
SELECT jql_of($$SELECT key FROM jira.issues
  WHERE project_key = 'ENG' AND NOT (key = 'ENG-1' OR key IN ('ENG-2', 'ENG-3'))$$);
-- a lower-case key is no row's: = matches none (no request), <> excludes none
SELECT jql_of($$SELECT key FROM jira.issues WHERE project_key = 'ENG' AND (key = 'eng-1' OR status = 'Done')$$);
SELECT jql_of($$SELECT key FROM jira.issues WHERE project_key = 'ENG' AND key NOT IN ('eng-1', 'ENG-2')$$);
SELECT jql_of($$SELECT key FROM jira.issues WHERE project_key = 'eng' OR project_key = 'eng2'$$);
-- NOT IN with a NULL matches no row
SELECT jql_of($$SELECT key FROM jira.issues WHERE project_key = 'ENG' AND key NOT IN ('ENG-1', NULL)$$);
-- status and the other names Jira matches without case: their <> would
-- drop rows SQL keeps ('done' <> 'Done'), so it stays local, and so does an
-- OR with it; under an AND the rest is sent
SELECT jql_of($$SELECT key FROM jira.issues WHERE project_key = 'ENG' AND status <> 'Done'$$);
SELECT jql_of($$SELECT key FROM jira.issues
  WHERE project_key = 'ENG' AND (status <> 'Done' OR priority = 'High')$$);
SELECT jql_of($$SELECT key FROM jira.issues
  WHERE project_key = 'ENG' AND NOT (status = 'Done' OR priority IS NULL)$$);
SELECT jql_of($$SELECT key FROM jira.issues
  WHERE project_key = 'ENG' AND (summary = 'x' OR status = 'Done')$$);
-- EXPLAIN shows the whole request; a Param's value as {$1}
EXPLAIN (VERBOSE, COSTS OFF)
SELECT key FROM jira.issues WHERE project_key = 'ENG' AND (status = 'Done' OR priority = 'High');
PREPARE by_keys(text[], text) AS
  SELECT key, status FROM jira.issues WHERE project_key = 'ENG' AND (key <> ALL ($1) OR status = $2);
SET plan_cache_mode = force_generic_plan;
SELECT jql_of('EXECUTE by_keys(''{ENG-1}'', ''Done'')');
CREATE TEMP TABLE by_keys_rows AS EXECUTE by_keys('{ENG-1,ENG-2}', 'Done');
SELECT count(*) > 0 AS some,
       count(*) FILTER (WHERE key IN ('ENG-1', 'ENG-2') AND status <> 'Done') AS wrong
  FROM by_keys_rows;
RESET plan_cache_mode;
DEALLOCATE by_keys;
DROP TABLE by_keys_rows;
SELECT * FROM jira_calls();

-- hostile values inside a tree are only ever values
SELECT jql_of($$SELECT key FROM jira.issues WHERE project_key = 'ENG'
  AND ('x" OR project = "OPS' = ANY (labels) OR assignee_account_id = 'currentUser()'
       OR reporter_account_id IN ('a\" OR key is not EMPTY OR labels = \', 'ORDER BY key'))$$);
SELECT count(*) FROM jira.issues WHERE project_key = 'ENG'
  AND ('x" OR project = "OPS' = ANY (labels) OR assignee_account_id = 'currentUser()'
       OR reporter_account_id IN ('a\" OR key is not EMPTY OR labels = \', 'ORDER BY key'));
SELECT * FROM jira_calls();

-- the rows are those PostgreSQL's own filter keeps
SELECT jira_same('status = ''Done'' OR priority = ''High''');
SELECT jira_same('project_key = ''OPS'' OR (status = ''In Progress'' AND priority IS NULL)');
SELECT jira_same('NOT (created >= ''2024-03-01'' AND priority IS NULL)');
SELECT jira_same('NOT (created < ''2024-02-01'' OR created > ''2024-05-01 12:00:30'')');
SELECT jira_same('project_key <> ''ENG'' OR assignee_account_id IS NULL');
SELECT jira_same('key NOT IN (''ENG-1'', ''ENG-2'', ''OPS-1'') AND NOT (priority IS NOT NULL)');
SELECT jira_same('key NOT IN (''ENG-1'', NULL) OR priority = ''Low''');
SELECT jira_same('status <> ''done'' OR priority = ''High''');
SELECT jira_same('NOT (status = ''Done'' OR ''backend'' = ANY (labels))');
SELECT jira_same('(status IN (''Done'', ''To Do'') OR key = ''ENG-3'') AND (priority <> ''Low'' OR created > ''2024-04-01'')');
SELECT count(*) FROM jira_calls();

-- a value Jira does not know, inside OR: Jira refuses the search (400),
-- and the scan asks again without the tree; outside a tree it matches none
SELECT jira_same('status = ''No Such Status'' OR priority = ''High''');
SELECT jira_same('project_key <> ''NOPE''');
SELECT * FROM jira_calls();
SELECT count(*) FROM jira.issues WHERE project_key = 'NOPE' AND (status = 'Done' OR priority = 'High');
SELECT * FROM jira_calls();

-- LIMIT is maxResults when the tree is exact, not when a leaf was dropped
SELECT key FROM jira.issues WHERE project_key = 'OPS' AND (status = 'Done' OR priority = 'High') LIMIT 2;
SELECT key FROM jira.issues WHERE project_key = 'OPS' AND (status = 'Done' OR summary = 'x') LIMIT 2;
SELECT * FROM jira_calls();

-- saas_fdw.pushdown off: no tree is sent
SET saas_fdw.pushdown = off;
SELECT jql_of($$SELECT key FROM jira.issues WHERE jql = 'project = ENG' AND (status = 'Done' OR priority = 'High')$$);
RESET saas_fdw.pushdown;

DROP FUNCTION jira_same(text);
DROP FUNCTION jql_of(text);
DROP FUNCTION jira_calls();
DROP SCHEMA jira CASCADE;
DROP SERVER jira_trees CASCADE;
