--
-- Jira: a table option named after a JQL field of an = rule (project) is a
-- term of every query of the table, so the table is bounded without a qual;
-- its value is quoted as any value is.
--
SET timezone = 'UTC';
SELECT count(*) >= 0 AS log_cleared FROM api_calls(8085);
CREATE SERVER jira_options FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (cache_ttl '0', service 'jira', base_url 'http://127.0.0.1:8085');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira_options
  OPTIONS (token 'jira_token_1', user 'fdw@example.com');
CREATE SCHEMA jopt;

CREATE FOREIGN TABLE jopt.eng (key text, project_key text, status text, priority text)
  SERVER jira_options OPTIONS (resource 'issues', project 'ENG');
EXPLAIN (VERBOSE, COSTS OFF) SELECT key FROM jopt.eng;
SELECT count(*), min(project_key), max(project_key) FROM jopt.eng;
-- with quals, trees and LIMIT
EXPLAIN (VERBOSE, COSTS OFF)
SELECT key FROM jopt.eng WHERE status = 'Done' OR priority = 'High' LIMIT 3;
SELECT key FROM jopt.eng WHERE status = 'Done' OR priority = 'High' LIMIT 3;
-- a qual on another project: both terms, no row
SELECT count(*) FROM jopt.eng WHERE project_key = 'OPS';
SELECT * FROM api_calls(8085);

-- a hostile value is only a value (Jira: no such project, no row)
CREATE FOREIGN TABLE jopt.hostile (key text)
  SERVER jira_options OPTIONS (resource 'issues', project 'ENG" OR project = "OPS');
EXPLAIN (VERBOSE, COSTS OFF) SELECT key FROM jopt.hostile;
SELECT count(*) FROM jopt.hostile;
SELECT * FROM api_calls(8085);

-- other fields of = rules too; not a field of another kind, nor of another resource
CREATE FOREIGN TABLE jopt.done (key text, status text)
  SERVER jira_options OPTIONS (resource 'issues', jql 'project = OPS', status 'Done');
SELECT count(*), min(status), max(status) FROM jopt.done;
CREATE FOREIGN TABLE jopt.bad1 (key text) SERVER jira_options OPTIONS (resource 'issues', created '2024-01-01');
CREATE FOREIGN TABLE jopt.bad2 (key text) SERVER jira_options OPTIONS (resource 'projects', project 'ENG');
SELECT * FROM api_calls(8085);

-- fields: only those of the columns the query reads (output and rechecked
-- quals); none when it reads only key and id; all for the whole issue
CREATE FUNCTION body_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP
    IF line ~ 'Request Body:' THEN RETURN NEXT regexp_replace(btrim(line), ',"jql".*', ''); END IF;
  END LOOP;
END $$;
SELECT body_of('SELECT key FROM jopt.eng');
SELECT body_of('SELECT count(*) FROM jopt.eng');
SELECT body_of($$SELECT key, priority FROM jopt.eng WHERE status = 'Done'$$);
CREATE FOREIGN TABLE jopt.custom (key text, id text, story_points numeric OPTIONS (path 'fields.customfield_10016'),
  summary text, attrs jsonb) SERVER jira_options OPTIONS (resource 'issues', project 'ENG');
SELECT body_of('SELECT story_points, summary FROM jopt.custom');
SELECT body_of('SELECT key, id FROM jopt.custom');
SELECT body_of('SELECT attrs FROM jopt.custom');
SELECT body_of('SELECT c FROM jopt.custom c');
SELECT key, id IS NOT NULL AS has_id, summary IS NOT NULL AS has_summary
  FROM jopt.custom ORDER BY key LIMIT 2;
-- a table option fields is sent as it is
ALTER FOREIGN TABLE jopt.custom OPTIONS (ADD fields 'summary');
SELECT body_of('SELECT key FROM jopt.custom');
SELECT count(*) FROM api_calls(8085);

-- IMPORT ... OPTIONS (custom_fields 'true'): the site's custom fields
-- (GET /rest/api/3/field) as columns named after them, typed from their
-- schema; hostile names are only quoted identifiers, an id that is not
-- plain is left out
CREATE SCHEMA jcustom;
IMPORT FOREIGN SCHEMA jira LIMIT TO (issues) FROM SERVER jira_options INTO jcustom
  OPTIONS (custom_fields 'true');
SELECT attname, format_type(atttypid, atttypmod) AS type, attfdwoptions
  FROM pg_attribute WHERE attrelid = 'jcustom.issues'::regclass AND attnum > 24
 ORDER BY attnum;
SELECT count(*) AS issues, count(story_point_estimate) AS estimated, count(team) AS teams,
       count(target_date) AS dated, count(*) FILTER (WHERE cardinality(affected_services) > 0) AS with_services,
       count(*) FILTER (WHERE jsonb_typeof(customer_impact) = 'object') AS impact_documents,
       count("robert_drop_table_x") AS hostile
  FROM jcustom.issues WHERE project_key = 'ENG';
SELECT body_of('SELECT key, story_point_estimate, team FROM jcustom.issues WHERE project_key = ''ENG''');
-- without the option, the table's own columns only; a wrong value is refused
CREATE SCHEMA jplain;
IMPORT FOREIGN SCHEMA jira LIMIT TO (issues) FROM SERVER jira_options INTO jplain
  OPTIONS (custom_fields 'false');
SELECT count(*) FROM pg_attribute WHERE attrelid = 'jplain.issues'::regclass AND attnum > 0;
IMPORT FOREIGN SCHEMA jira LIMIT TO (projects) FROM SERVER jira_options INTO jplain
  OPTIONS (custom_fields 'maybe');
IMPORT FOREIGN SCHEMA jira LIMIT TO (projects) FROM SERVER jira_options INTO jplain
  OPTIONS (custom 'true');
DROP SCHEMA jcustom CASCADE;
DROP SCHEMA jplain CASCADE;
DROP FUNCTION body_of(text);

DROP SCHEMA jopt CASCADE;
DROP SERVER jira_options CASCADE;
