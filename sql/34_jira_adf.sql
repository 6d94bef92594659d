--
-- Jira: descriptions and comment bodies, Atlassian Document Format: IMPORT
-- declares them text, read as plain text (json_adf.c): text nodes in order,
-- a block on a line of its own (an empty paragraph an empty line), a
-- hardBreak a newline, a mention its text; malformed parts skipped, never
-- an error; declared jsonb, they read the document (as attrs holds it).
--
SET timezone = 'UTC';
CREATE SERVER jira_adf FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (base_url 'http://127.0.0.1:8085', service 'jira');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira_adf
  OPTIONS (user 'fdw@example.com', token 'jira_token_1');
CREATE SCHEMA jadf;
IMPORT FOREIGN SCHEMA jira LIMIT TO (issues, issue_comments) FROM SERVER jira_adf INTO jadf;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid IN ('jadf.issues'::regclass, 'jadf.issue_comments'::regclass)
   AND attname IN ('description', 'body') ORDER BY 1;

-- the fake's WEB-2 comments are a rich document, then malformed ones
SELECT id, body, body IS NULL AS is_null
  FROM jadf.issue_comments WHERE issue_key = 'WEB-2' ORDER BY id;
-- a jsonb column reads the document as it is, the same as attrs holds
CREATE FOREIGN TABLE jadf.raw_comments (issue_key text, id text, body jsonb)
  SERVER jira_adf OPTIONS (resource 'issue_comments');
SELECT r.id, jsonb_typeof(r.body) AS kind, r.body->>'type' AS type,
       r.body IS NOT DISTINCT FROM nullif(c.attrs->'body', 'null') AS same_as_attrs
  FROM jadf.raw_comments r JOIN jadf.issue_comments c USING (issue_key, id)
 WHERE issue_key = 'WEB-2' ORDER BY id;
-- issue descriptions: paragraphs on lines of their own
SELECT key, description, description LIKE '%' || chr(10) || '%' AS lines
  FROM jadf.issues WHERE project_key = 'ENG' AND description IS NOT NULL ORDER BY key LIMIT 3;
SELECT count(*) FILTER (WHERE description IS NULL) AS no_description,
       count(*) FILTER (WHERE description = '') AS empty
  FROM jadf.issues WHERE project_key = 'OPS';

DROP SCHEMA jadf CASCADE;
DROP SERVER jira_adf CASCADE;
