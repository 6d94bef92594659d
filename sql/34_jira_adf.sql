--
-- Jira: descriptions and comment bodies, Atlassian Document Format: IMPORT
-- declares them jsonb, the document; declared text, they read as plain text
-- (json_adf.c): text nodes in order, a block on a new line, a hardBreak a
-- newline, a mention its text; malformed parts skipped, never an error.
--
SET timezone = 'UTC';
CREATE SERVER jira_adf FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (base_url 'http://127.0.0.1:8085', service 'jira');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira_adf
  OPTIONS (user 'fdw@example.com', token 'jira_token_1');
CREATE SCHEMA jadf;
IMPORT FOREIGN SCHEMA jira LIMIT TO (issues, issue_comments) FROM SERVER jira_adf INTO jadf;
ALTER FOREIGN TABLE jadf.issue_comments ALTER COLUMN body TYPE text;
ALTER FOREIGN TABLE jadf.issues ALTER COLUMN description TYPE text;

-- the fake's WEB-2 comments are a rich document, then malformed ones
SELECT id, body, body IS NULL AS is_null
  FROM jadf.issue_comments WHERE issue_key = 'WEB-2' ORDER BY id;
-- a jsonb column (as IMPORT declares it) reads the document as it is
CREATE FOREIGN TABLE jadf.raw_comments (issue_key text, id text, body jsonb)
  SERVER jira_adf OPTIONS (resource 'issue_comments');
SELECT id, jsonb_typeof(body) AS kind, body->>'type' AS type
  FROM jadf.raw_comments WHERE issue_key = 'WEB-2' ORDER BY id;
-- issue descriptions: paragraphs on lines of their own
SELECT key, description, description LIKE '%' || chr(10) || '%' AS lines
  FROM jadf.issues WHERE project_key = 'ENG' AND description IS NOT NULL ORDER BY key LIMIT 3;
SELECT count(*) FILTER (WHERE description IS NULL) AS no_description,
       count(*) FILTER (WHERE description = '') AS empty
  FROM jadf.issues WHERE project_key = 'OPS';

DROP SCHEMA jadf CASCADE;
DROP SERVER jira_adf CASCADE;
