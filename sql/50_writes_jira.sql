--
-- Writes to Jira issues: INSERT, UPDATE and DELETE reach the API once per
-- row, in a nested JSON body ({"fields": {"project": {"key": ...}}}), the
-- description written as an Atlassian Document Format document; the API
-- answers with less than the issue ({id, key, self}, or nothing), so
-- RETURNING reads it back with GET /rest/api/3/issue/{key}; later searches
-- see the change; what the API cannot take is refused before any request.
--
SET timezone = 'UTC';
-- requests of earlier tests are not this test's
DO $$ BEGIN PERFORM api_calls(8085); END $$;
CREATE SERVER jira50 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'jira', base_url 'http://127.0.0.1:8085', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira50
  OPTIONS (user 'fdw@example.com', token 'jira_token_1');
CREATE SCHEMA j50;
IMPORT FOREIGN SCHEMA jira LIMIT TO (issues, projects) FROM SERVER jira50 INTO j50;

-- what each table accepts: issues INSERT, UPDATE and DELETE, projects nothing
SELECT c.relname, pg_relation_is_updatable(c.oid, false) AS commands
  FROM pg_class c WHERE c.relnamespace = 'j50'::regnamespace ORDER BY 1;

-- the project is empty; this search leaves its page in the cache
SELECT count(*) FROM j50.issues WHERE project_key = 'EMPTY';
SELECT * FROM api_calls(8085);

-- INSERT ... RETURNING: the POST answers {id, key, self}; the rest of the
-- row comes from a GET of the new issue.  The description's plain text is
-- sent as an ADF document of one paragraph per line (an empty line an empty
-- paragraph), and reads back as the same text.
INSERT INTO j50.issues (project_key, summary, issue_type, description, labels,
                        priority, assignee_account_id, due_date)
VALUES ('EMPTY', 'First write', 'Task', E'Made by saas_fdw.\n\nSecond line "quoted".',
        '{fdw,docs}', 'High', '5b10ac8d82e05b22cc7d4ef5', '2030-01-31')
RETURNING key, project_key, summary, issue_type, status, labels, priority,
          assignee_name, reporter_name, due_date, description,
          description = E'Made by saas_fdw.\n\nSecond line "quoted".' AS same_text,
          attrs -> 'fields' -> 'description' -> 'content' -> 1 AS paragraph_2;
SELECT * FROM api_calls(8085);

-- a search right after sees the new issue: the write forgot the cached page
SELECT key, summary, status, labels FROM j50.issues WHERE project_key = 'EMPTY';
SELECT * FROM api_calls(8085);

-- without RETURNING, one request per row and no GET
INSERT INTO j50.issues (project_key, summary, issue_type)
SELECT 'EMPTY', 'Batch ' || i, 'Bug' FROM generate_series(1, 2) i;
SELECT * FROM api_calls(8085);

-- UPDATE sends only the columns it sets; a NULL clears the field (sent as
-- null in its place); PUT answers 204, RETURNING reads the issue back
UPDATE j50.issues SET summary = 'Renamed', labels = '{}', assignee_account_id = NULL
 WHERE project_key = 'EMPTY' AND key = 'EMPTY-1'
RETURNING key, summary, labels, assignee_account_id, priority;
SELECT * FROM api_calls(8085);
UPDATE j50.issues SET due_date = NULL WHERE project_key = 'EMPTY' AND summary LIKE 'Batch %';
SELECT * FROM api_calls(8085);

-- DELETE: DELETE /rest/api/3/issue/{key}; RETURNING gives the row as read
DELETE FROM j50.issues WHERE project_key = 'EMPTY' AND key = 'EMPTY-3'
RETURNING key, summary;
SELECT key, summary, due_date FROM j50.issues WHERE project_key = 'EMPTY' ORDER BY key;
SELECT * FROM api_calls(8085);

-- refused before any request: read-only columns (by name), a required
-- column left null, project_key in an UPDATE (Jira's edit cannot move an
-- issue), a read-only table
UPDATE j50.issues SET status = 'Done' WHERE project_key = 'EMPTY' AND key = 'EMPTY-1';
UPDATE j50.issues SET project_key = 'ENG' WHERE project_key = 'EMPTY' AND key = 'EMPTY-1';
INSERT INTO j50.issues (project_key, summary, issue_type, created)
VALUES ('EMPTY', 'x', 'Task', now());
INSERT INTO j50.issues (project_key, summary) VALUES ('EMPTY', 'no type');
INSERT INTO j50.issues (summary, issue_type) VALUES ('no project', 'Task');
INSERT INTO j50.projects (key, name) VALUES ('NEW', 'New');
SELECT * FROM api_calls(8085);

-- the API's own refusal (400): its field errors in DETAIL
INSERT INTO j50.issues (project_key, summary, issue_type, priority)
VALUES ('EMPTY', 'x', 'Task', 'Urgent');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
INSERT INTO j50.issues (project_key, summary, issue_type)
VALUES ('NOPE', 'x', 'Chore');
-- a description column declared jsonb reads and writes the document: a
-- JSON string becomes one, a JSON object is sent as it is (not a document
-- here: the API refuses it)
CREATE FOREIGN TABLE j50.issue_docs (key text, project_key text, description jsonb)
  SERVER jira50 OPTIONS (resource 'issues');
UPDATE j50.issue_docs SET description = to_jsonb(E'Line one\nLine two'::text)
 WHERE project_key = 'EMPTY' AND key = 'EMPTY-1'
RETURNING description -> 'content' -> 1 -> 'content' -> 0 ->> 'text' AS line_2;
SELECT description FROM j50.issues WHERE project_key = 'EMPTY' AND key = 'EMPTY-1';
UPDATE j50.issue_docs SET description = '{"text": "not ADF"}'
 WHERE project_key = 'EMPTY' AND key = 'EMPTY-1';
SELECT * FROM api_calls(8085);

-- a token that may read but not write (403): SQLSTATE 42501, the API's words
ALTER USER MAPPING FOR CURRENT_USER SERVER jira50
  OPTIONS (SET user 'other@example.com', SET token 'jira_token_2');
INSERT INTO j50.issues (project_key, summary, issue_type) VALUES ('EMPTY', 'x', 'Task');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
ALTER USER MAPPING FOR CURRENT_USER SERVER jira50
  OPTIONS (SET user 'fdw@example.com', SET token 'jira_token_1');
SELECT * FROM api_calls(8085);

-- EXPLAIN VERBOSE shows the request of each row
EXPLAIN (VERBOSE, COSTS OFF)
UPDATE j50.issues SET summary = 'x' WHERE project_key = 'EMPTY' AND key = 'EMPTY-1';
EXPLAIN (VERBOSE, COSTS OFF)
INSERT INTO j50.issues (project_key, summary, issue_type) VALUES ('EMPTY', 'x', 'Task');
SELECT * FROM api_calls(8085);

-- leave the fake as it was
CREATE TEMP TABLE reset50 (line text);
COPY reset50 FROM PROGRAM 'curl -sf http://127.0.0.1:8085/_reset';
SELECT * FROM api_calls(8085);
