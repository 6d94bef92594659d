--
-- Writes to GitHub issues: INSERT and UPDATE reach the API once per row,
-- RETURNING is filled from the API's answer, a later SELECT sees the
-- change, and what the API cannot do is refused before any request.
--
-- writes one at a time, without the pause GitHub asks for between them
-- (test/suites/writes.sh tests saas_fdw.write_interval)
SET saas_fdw.write_interval = 0;
-- requests of earlier tests are not this test's
DO $$ BEGIN PERFORM api_calls(port) FROM unnest(ARRAY[8081]) AS port; END $$;
CREATE SERVER gh35 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh35 OPTIONS (token 'ghp_test');
CREATE SCHEMA g35;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues, pulls) FROM SERVER gh35 INTO g35;

-- what each table accepts: issues INSERT and UPDATE (4 + 8), pulls nothing
SELECT c.relname, pg_relation_is_updatable(c.oid, false) AS commands
  FROM pg_class c WHERE c.relnamespace = 'g35'::regnamespace ORDER BY 1;

-- a table whose resource its service lacks is not updatable, and
-- information_schema does not fail on it
CREATE FOREIGN TABLE g35.misnamed (ts text) SERVER gh35 OPTIONS (resource 'messages');
SELECT table_name, is_insertable_into FROM information_schema.tables
 WHERE table_schema = 'g35' ORDER BY 1;
DROP FOREIGN TABLE g35.misnamed;

-- the repository is empty; this SELECT leaves its page in the cache
SELECT count(*) FROM g35.issues WHERE repo = 'acme/empty';

-- INSERT ... RETURNING: the number, author and URL come from the answer
INSERT INTO g35.issues (repo, title, body, labels, assignees)
VALUES ('acme/empty', 'First write', 'Made by saas_fdw', '{bug,docs}', '{hubot}')
RETURNING repo, number, title, body, state, labels, assignees, user_login,
          html_url, comments, is_pull_request;
SELECT * FROM api_calls();

-- a SELECT right after sees the new issue: the write forgot the cached page
SELECT number, title, state, labels FROM g35.issues WHERE repo = 'acme/empty';
SELECT * FROM api_calls();

-- UPDATE with a WHERE on the key: the single issue is read, then PATCHed
-- with only the columns the UPDATE sets
UPDATE g35.issues SET state = 'closed', state_reason = 'not_planned'
 WHERE repo = 'acme/empty' AND number = 1
RETURNING number, title, state, state_reason, closed_at IS NOT NULL AS closed;
SELECT * FROM api_calls();
SELECT number, title, state, state_reason FROM g35.issues WHERE repo = 'acme/empty';
-- a NULL is sent as JSON null: the milestone is removed, labels emptied
UPDATE g35.issues SET milestone = NULL, labels = '{}', title = 'Renamed'
 WHERE repo = 'acme/empty' AND number = 1
RETURNING number, title, milestone, labels;
SELECT * FROM api_calls();

-- several rows: one request each, in order
INSERT INTO g35.issues (repo, title)
SELECT 'acme/empty', 'Batch ' || i FROM generate_series(1, 3) i
RETURNING number, title;
UPDATE g35.issues SET body = 'Same for all'
 WHERE repo = 'acme/empty' AND title LIKE 'Batch %'
RETURNING number, body;
SELECT * FROM api_calls();

-- refused before any request: a column the API cannot set (UPDATE and
-- INSERT), a required column left null, no repository, DELETE (GitHub
-- cannot delete an issue), a read-only table
UPDATE g35.issues SET comments = 3 WHERE repo = 'acme/empty' AND number = 1;
UPDATE g35.issues SET number = 7 WHERE repo = 'acme/empty' AND number = 1;
INSERT INTO g35.issues (repo, title, html_url) VALUES ('acme/empty', 'x', 'http://x');
INSERT INTO g35.issues (repo, body) VALUES ('acme/empty', 'no title');
INSERT INTO g35.issues (title) VALUES ('where?');
DELETE FROM g35.issues WHERE repo = 'acme/empty' AND number = 1;
INSERT INTO g35.pulls (repo, title) VALUES ('acme/empty', 'x');
INSERT INTO g35.issues (repo, title) VALUES ('acme/empty', 'x') ON CONFLICT DO NOTHING;
-- COPY into the table is refused too (INSERT ... SELECT does it)
COPY g35.issues (repo, title) FROM stdin;
acme/empty	Copied
\.
SELECT * FROM api_calls();

-- updatable 'false' makes the table read-only; the option is checked when set
ALTER FOREIGN TABLE g35.issues OPTIONS (ADD updatable 'maybe');
ALTER SERVER gh35 OPTIONS (ADD updatable 'false');
SELECT pg_relation_is_updatable('g35.issues'::regclass, false);
UPDATE g35.issues SET title = 'x' WHERE repo = 'acme/empty' AND number = 1;
ALTER FOREIGN TABLE g35.issues OPTIONS (ADD updatable 'true');
SELECT pg_relation_is_updatable('g35.issues'::regclass, false);
ALTER FOREIGN TABLE g35.issues OPTIONS (DROP updatable);
ALTER SERVER gh35 OPTIONS (DROP updatable);

-- the API's own refusal, in its words: an assignee it does not know (422)
INSERT INTO g35.issues (repo, title, assignees) VALUES ('acme/empty', 'x', '{nobody}');
-- the token may not write there (403): SQLSTATE 42501
INSERT INTO g35.issues (repo, title) VALUES ('octo/forbidden', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM api_calls();

-- a 5xx answer to a write that has no idempotency key: the outcome is
-- unknown, the request is not sent again (max_retries is 2), and the
-- DETAIL names the SELECT that finds out
INSERT INTO g35.issues (repo, title) VALUES ('octo/broken', 'Maybe made');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM api_calls();

-- a rate limit is answered before the API acts: the write is sent again
-- (GitHub's secondary limit, a 403 with Retry-After: 1), and made once
INSERT INTO g35.issues (repo, title) VALUES ('octo/secondary', 'After a wait')
RETURNING number, title;
SELECT * FROM api_calls();

-- PostgreSQL's own privileges apply first: no request without INSERT
CREATE ROLE writes35_reader;
GRANT USAGE ON SCHEMA g35 TO writes35_reader;
GRANT SELECT ON g35.issues TO writes35_reader;
SET ROLE writes35_reader;
INSERT INTO g35.issues (repo, title) VALUES ('acme/empty', 'not allowed');
RESET ROLE;
SELECT * FROM api_calls();

-- a ROLLBACK cannot undo a write: it warns, and the issue stays
BEGIN;
INSERT INTO g35.issues (repo, title) VALUES ('acme/empty', 'In a transaction')
RETURNING number;
ROLLBACK;
SELECT number, title FROM g35.issues WHERE repo = 'acme/empty' ORDER BY number;
-- (a statement that fails halfway warns too: test/suites/writes.sh, as
-- psql may print that WARNING before or after the ERROR)
SELECT * FROM api_calls();

-- EXPLAIN VERBOSE shows the request of each row; ANALYZE counts them
EXPLAIN (VERBOSE, COSTS OFF)
UPDATE g35.issues SET title = 'x' WHERE repo = 'acme/empty' AND number = 1;
CREATE FOREIGN TABLE g35.issue_titles (repo text, number integer, title text)
  SERVER gh35 OPTIONS (resource 'issues');
EXPLAIN (VERBOSE, COSTS OFF)
INSERT INTO g35.issue_titles (repo, title) VALUES ('octo/hello', 'x');
SELECT explain_analyze($$UPDATE g35.issues SET title = 'Counted'
  WHERE repo = 'acme/empty' AND number = 1$$, true);
SELECT * FROM api_calls();

-- leave the fake as it was
CREATE TEMP TABLE reset35 (line text);
COPY reset35 FROM PROGRAM 'curl -sf http://127.0.0.1:8081/_reset';
SELECT saas_fdw_cache_reset('gh35');
SELECT * FROM api_calls();
DROP OWNED BY writes35_reader;
DROP ROLE writes35_reader;
