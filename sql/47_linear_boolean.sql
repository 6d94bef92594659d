--
-- Linear boolean trees: an OR, a NOT, a <> or a NOT IN of pushable
-- conditions, across columns too, is one IssueFilter object of or: [...]
-- and and: [...] (NOTs moved to the leaves), <> as neq and NOT IN as nin,
-- values only in the JSON variables.  Linear's neq and nin hold on a null
-- field, where SQL's <> does not: they are sent only for fields never
-- null.  The rows are those of a local filter, and with pushdown off.
--
CREATE SERVER linear FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'linear', base_url 'http://127.0.0.1:8086', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER linear OPTIONS (token 'lin_api_test');
-- the request log, the query text shortened to its operation's name
CREATE FUNCTION linear_calls() RETURNS SETOF text LANGUAGE sql
  AS $$ SELECT regexp_replace(line, '"query":"query (\w+)[^"]*"', '"query":"\1 ..."') FROM api_calls(8086) AS line $$;
DO $$ BEGIN PERFORM linear_calls(); END $$;
SET timezone = 'UTC';
CREATE SCHEMA linear;
IMPORT FOREIGN SCHEMA linear LIMIT TO (issues) FROM SERVER linear INTO linear;

-- the rows of cond pushed, of local_cond (nothing pushable), and of cond
-- with pushdown off, all equal
CREATE FUNCTION linear_same(cond text, local_cond text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  pushed text[];
  local text[];
  unpushed text[];
BEGIN
  EXECUTE format('SELECT array_agg(identifier ORDER BY identifier) FROM linear.issues WHERE %s', cond)
    INTO pushed;
  EXECUTE format('SELECT array_agg(identifier ORDER BY identifier) FROM linear.issues WHERE %s', local_cond)
    INTO local;
  SET LOCAL saas_fdw.pushdown = off;
  EXECUTE format('SELECT array_agg(identifier ORDER BY identifier) FROM linear.issues WHERE %s', cond)
    INTO unpushed;
  SET LOCAL saas_fdw.pushdown = on;
  RAISE NOTICE '% rows', coalesce(cardinality(pushed), 0);
  RETURN pushed IS NOT DISTINCT FROM local AND pushed IS NOT DISTINCT FROM unpushed;
END $$;

-- an OR across columns: one filter {"or": [...]}, shown by EXPLAIN
EXPLAIN (VERBOSE, COSTS OFF)
SELECT identifier FROM linear.issues WHERE team_key = 'ENG' OR state_name = 'Done';
SELECT count(*) FROM linear.issues WHERE team_key = 'ENG' OR state_name = 'Done';
SELECT * FROM linear_calls();

-- <> is neq, NOT IN is nin, NOT (a AND b) an or of both negated
EXPLAIN (VERBOSE, COSTS OFF)
SELECT identifier FROM linear.issues WHERE state_name <> 'Done';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT identifier FROM linear.issues WHERE team_key NOT IN ('ENG', 'OPS');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT identifier FROM linear.issues
 WHERE priority >= 2 AND NOT (team_key = 'DES' AND state_type IN ('started', 'completed'));
SELECT count(*) FROM linear.issues WHERE team_key NOT IN ('ENG', 'OPS') AND state_name <> 'Done';
SELECT * FROM linear_calls();

-- a hostile value inside an OR stays a JSON string of the variables
SELECT count(*) FROM linear.issues
 WHERE team_key = 'ENG' OR title = E'x"}]}, "or": [{"id": {"neq": "\\"}}] } query { __typename';
SELECT * FROM linear_calls();

-- a <> of a column that may be null is not sent: the OR stays local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT identifier FROM linear.issues WHERE team_key = 'ENG' OR assignee_email <> 'ada@acme.test';

-- a generic plan's parameters
PREPARE q(text, text) AS SELECT identifier FROM linear.issues WHERE team_key = $1 OR state_name <> $2;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE q('ENG', 'Done');
RESET plan_cache_mode;
DEALLOCATE q;

-- the rows are SQL's: <> of a column that may be null (assignee, project,
-- cycle) stays local, where neq would also match the nulls; a leaf that
-- cannot be pushed is true in the tree
SELECT linear_same('team_key = ''ENG'' OR state_name = ''Done''',
                   'team_key || '''' = ''ENG'' OR state_name || '''' = ''Done''');
SELECT linear_same('assignee_email <> ''ada@acme.test''', 'assignee_email || '''' <> ''ada@acme.test''');
SELECT linear_same('project_name NOT IN (''Nope'', ''Mobile App'')', 'project_name || '''' NOT IN (''Nope'', ''Mobile App'')');
SELECT linear_same('NOT (team_key = ''ENG'' OR priority < 3)', 'NOT (team_key || '''' = ''ENG'' OR priority + 0 < 3)');
SELECT linear_same('state_type = ''started'' OR (cycle_number <> 3 AND ''bug'' = ANY (labels))',
                   'state_type || '''' = ''started'' OR (cycle_number + 0 <> 3 AND ''bug'' = ANY (labels || ''{}''))');
SELECT linear_same('team_key = ''ENG'' OR upper(title) LIKE ''%A%''', 'team_key || '''' = ''ENG'' OR upper(title) LIKE ''%A%''');
SELECT linear_same('team_key NOT IN (''ENG'', NULL)', 'team_key || '''' NOT IN (''ENG'', NULL)');
SELECT linear_same(E'team_key = ''ENG'' OR title = ''x"}]}, "or": [{"id": {"neq": "\\\\"}}] }''',
                   E'team_key || '''' = ''ENG'' OR title || '''' = ''x"}]}, "or": [{"id": {"neq": "\\\\"}}] }''');
DO $$ BEGIN PERFORM linear_calls(); END $$;

DROP FUNCTION linear_same(text, text);
DROP FUNCTION linear_calls();
DROP SCHEMA linear CASCADE;
DROP SERVER linear CASCADE;
