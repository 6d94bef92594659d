--
-- Writes to Jira comments, and what Jira's lack of an idempotency key
-- means: a write whose answer was lost, or answered with a 5xx, is not sent
-- again, and the error says it may have been applied and which SELECT
-- finds out.
--
SET timezone = 'UTC';
DO $$ BEGIN PERFORM api_calls(8085); END $$;
CREATE SERVER jira51 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'jira', base_url 'http://127.0.0.1:8085', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira51
  OPTIONS (user 'fdw@example.com', token 'jira_token_1');
CREATE SCHEMA j51;
IMPORT FOREIGN SCHEMA jira LIMIT TO (issues, issue_comments) FROM SERVER jira51 INTO j51;

-- comments can be added, not edited or deleted (4)
SELECT pg_relation_is_updatable('j51.issue_comments'::regclass, false);

-- INSERT ... RETURNING: the body text becomes an ADF document, one
-- paragraph per line (an empty line an empty paragraph); the answer is the
-- comment itself, so no GET follows; the text reads back as it was written,
-- blank first and last lines too
INSERT INTO j51.issue_comments (issue_key, body)
VALUES ('OPS-2', E'Deployed.\n\nSee the runbook ✓')
RETURNING issue_key, author_name, body, body = E'Deployed.\n\nSee the runbook ✓' AS same_text;
SELECT * FROM api_calls(8085);
INSERT INTO j51.issue_comments (issue_key, body)
VALUES ('OPS-2', E'\nmiddle\n')
RETURNING body = E'\nmiddle\n' AS same_text, jsonb_array_length(attrs -> 'body' -> 'content') AS paragraphs;
SELECT * FROM api_calls(8085);
-- a body column declared jsonb: a document given is sent as it is
CREATE FOREIGN TABLE j51.comment_docs (issue_key text, id text, body jsonb, created timestamptz)
  SERVER jira51 OPTIONS (resource 'issue_comments');
INSERT INTO j51.comment_docs (issue_key, body)
VALUES ('OPS-2', '{"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "As is", "marks": [{"type": "strong"}]}]}]}')
RETURNING body -> 'content' -> 0 -> 'content' -> 0 -> 'marks';
SELECT * FROM api_calls(8085);
-- all are listed afterwards
SELECT id, author_name, split_part(body, E'\n', 1) AS first_line
  FROM j51.issue_comments WHERE issue_key = 'OPS-2' ORDER BY created, id;
SELECT * FROM api_calls(8085);

-- refused before any request: UPDATE and DELETE (with the hint), a
-- read-only column, no body, no issue
UPDATE j51.issue_comments SET body = 'x' WHERE issue_key = 'OPS-2';
DELETE FROM j51.issue_comments WHERE issue_key = 'OPS-2';
INSERT INTO j51.issue_comments (issue_key, body, author_name) VALUES ('OPS-2', 'x', 'me');
INSERT INTO j51.issue_comments (issue_key) VALUES ('OPS-2');
INSERT INTO j51.issue_comments (body) VALUES ('x');
-- an issue the API does not know: 404, in its words
INSERT INTO j51.issue_comments (issue_key, body) VALUES ('OPS-999', 'x');
SELECT * FROM api_calls(8085);

-- the answer to a create is lost (the fake makes the issue, then closes
-- the connection): not sent again (max_retries is 2), SQLSTATE 08007, and
-- the DETAIL's SELECT finds the issue that was made
CREATE TEMP TABLE fake51 (line text);
COPY fake51 FROM PROGRAM 'curl -sf http://127.0.0.1:8085/_drop_write?n=1';
INSERT INTO j51.issues (project_key, summary, issue_type)
VALUES ('EMPTY', 'Lost answer', 'Task');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM api_calls(8085);
SELECT key, summary FROM j51.issues
 WHERE project_key = 'EMPTY' AND summary = 'Lost answer' AND issue_type = 'Task';
SELECT * FROM api_calls(8085);

-- a comment whose answer is lost: the same
COPY fake51 FROM PROGRAM 'curl -sf http://127.0.0.1:8085/_drop_write?n=1';
INSERT INTO j51.issue_comments (issue_key, body) VALUES ('EMPTY-1', 'Lost too');
SELECT * FROM api_calls(8085);

-- a 5xx answer: the outcome is unknown too, and the request not repeated
INSERT INTO j51.issues (project_key, summary, issue_type)
VALUES ('EMPTY', 'Server error', 'Task');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM api_calls(8085);

-- leave the fake as it was
COPY fake51 FROM PROGRAM 'curl -sf http://127.0.0.1:8085/_reset';
SELECT * FROM api_calls(8085);
