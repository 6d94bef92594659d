--
-- Writes to GitHub issue comments: INSERT under an issue, UPDATE of the
-- body and DELETE by the comment's id; a table whose repository is a
-- table option; DELETE ... RETURNING returns the row as it was read.
--
-- writes one at a time, without the pause GitHub asks for between them
-- (test/suites/writes.sh tests saas_fdw.write_interval)
SET saas_fdw.write_interval = 0;
-- requests of earlier tests are not this test's
DO $$ BEGIN PERFORM api_calls(port) FROM unnest(ARRAY[8081]) AS port; END $$;
CREATE SERVER gh36 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh36 OPTIONS (token 'ghp_test');
CREATE SCHEMA g36;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues, issue_comments)
  FROM SERVER gh36 INTO g36;
SELECT pg_relation_is_updatable('g36.issue_comments'::regclass, false) AS commands;

-- an issue to comment on
INSERT INTO g36.issues (repo, title) VALUES ('acme/empty', 'Needs comments')
RETURNING number;

-- INSERT ... RETURNING: the id and author come from the answer; the key
-- columns (repo, issue_number) from the row
INSERT INTO g36.issue_comments (repo, issue_number, body)
VALUES ('acme/empty', 1, 'First!'), ('acme/empty', 1, 'Second')
RETURNING repo, issue_number, id > 0 AS has_id, body, user_login;
SELECT * FROM api_calls();
SELECT comments FROM g36.issues WHERE repo = 'acme/empty' AND number = 1;

-- UPDATE of the body: PATCH by the comment's id (the list is read first)
UPDATE g36.issue_comments SET body = 'First, edited'
 WHERE repo = 'acme/empty' AND issue_number = 1 AND body = 'First!'
RETURNING issue_number, body;
SELECT * FROM api_calls();
-- the author cannot be changed; a comment needs a body
UPDATE g36.issue_comments SET user_login = 'hubot'
 WHERE repo = 'acme/empty' AND issue_number = 1;
INSERT INTO g36.issue_comments (repo, issue_number) VALUES ('acme/empty', 1);

-- DELETE ... RETURNING: the API answers 204 without a body, so the row is
-- returned as the scan read it
DELETE FROM g36.issue_comments
 WHERE repo = 'acme/empty' AND issue_number = 1 AND body = 'Second'
RETURNING issue_number, body;
SELECT * FROM api_calls();
SELECT body FROM g36.issue_comments WHERE repo = 'acme/empty' AND issue_number = 1;

-- a table whose repository is a table option, without a repo column: the
-- option fills the path
CREATE FOREIGN TABLE g36.empty_comments (issue_number integer, id bigint, body text)
  SERVER gh36 OPTIONS (resource 'issue_comments', repo 'acme/empty');
INSERT INTO g36.empty_comments (issue_number, body) VALUES (1, 'Via the option')
RETURNING issue_number, body;
UPDATE g36.empty_comments SET body = 'Via the option, edited'
 WHERE issue_number = 1 AND body = 'Via the option';
DELETE FROM g36.empty_comments WHERE issue_number = 1 AND body LIKE 'First%';
SELECT * FROM api_calls();
SELECT body FROM g36.empty_comments WHERE issue_number = 1;

-- EXPLAIN VERBOSE fills in the option
EXPLAIN (VERBOSE, COSTS OFF) DELETE FROM g36.empty_comments WHERE issue_number = 1;

-- leave the fake as it was
CREATE TEMP TABLE reset36 (line text);
COPY reset36 FROM PROGRAM 'curl -sf http://127.0.0.1:8081/_reset';
SELECT saas_fdw_cache_reset('gh36');
SELECT * FROM api_calls();
