--
-- Writes to Linear: GraphQL mutations over POST /graphql.  issues INSERT
-- (issueCreate) and UPDATE (issueUpdate), comments INSERT (commentCreate);
-- the values travel in the variables ($input, $id), never in the query
-- text; the selection set, for RETURNING, is written from the columns'
-- paths; errors[] and success false fail the write; no idempotency key, so
-- a lost answer is SQLSTATE 08007 and never a second issue.
--
SET timezone = 'UTC';
CREATE FUNCTION l52_calls() RETURNS SETOF text LANGUAGE sql
  AS $$ SELECT regexp_replace(line, '"query":"(query|mutation) (\w+)[^"]*"', '"query":"\1 \2 ..."')
          FROM api_calls(8086) AS line $$;
-- requests of earlier tests are not this test's
DO $$ BEGIN PERFORM api_calls(8086); END $$;
CREATE SERVER linear52 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'linear', base_url 'http://127.0.0.1:8086', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER linear52 OPTIONS (token 'lin_api_test');
CREATE SCHEMA l52;
IMPORT FOREIGN SCHEMA linear LIMIT TO (issues, comments, teams) FROM SERVER linear52 INTO l52;

-- what each table accepts: issues INSERT and UPDATE, comments INSERT
SELECT c.relname, pg_relation_is_updatable(c.oid, false) AS commands
  FROM pg_class c WHERE c.relnamespace = 'l52'::regnamespace ORDER BY 1;

-- the ids a write names: the team OPS, its state Done
SELECT id AS ops FROM l52.teams WHERE key = 'OPS' \gset
SELECT state_id AS ops_done FROM l52.issues
 WHERE team_key = 'OPS' AND state_name = 'Done' LIMIT 1 \gset
SELECT count(*) FROM l52.issues WHERE team_key = 'OPS' AND number > 70;
DO $$ BEGIN PERFORM api_calls(8086); END $$;

-- INSERT ... RETURNING: issueCreate with the columns given in $input
-- (due_date as dueDate, team_id as teamId); the answer's issue fills the row
INSERT INTO l52.issues (team_id, title, description, priority, estimate, due_date)
VALUES (:'ops', 'First write', E'Made by saas_fdw.\nLine two', 2, 3, '2030-01-31')
RETURNING identifier, team_key, title, description, priority, estimate, due_date,
          state_name, labels, creator_email, team_id = :'ops' AS same_team;
SELECT * FROM l52_calls();

-- the same SELECT as before the write sees the new issue: the write
-- forgot the cached page, which is asked for again
SELECT count(*) FROM l52.issues WHERE team_key = 'OPS' AND number > 70;
SELECT * FROM l52_calls();

-- hostile values stay values: the query text is the description's own
-- (without RETURNING, the selection is the id alone), the title a string
-- of $input
INSERT INTO l52.issues (team_id, title)
VALUES (:'ops', E'x") { id } } mutation Y { issueDelete(id: "OPS-1") { success } } #\\ $input');
SELECT * FROM api_calls(8086);
SELECT identifier, title FROM l52.issues WHERE team_key = 'OPS' AND number > 70 ORDER BY number;
DO $$ BEGIN PERFORM api_calls(8086); END $$;

-- UPDATE: issueUpdate($id, $input) with only the columns it sets; a NULL
-- clears the field; RETURNING from the answer
UPDATE l52.issues SET title = 'Renamed', estimate = NULL, state_id = :'ops_done'
 WHERE team_key = 'OPS' AND number = 71
RETURNING identifier, title, estimate, state_name, priority, due_date;
SELECT * FROM l52_calls();

-- refused before any request: read-only columns (by name), team_id in an
-- UPDATE, a required column left out, DELETE, UPDATE of a comment
UPDATE l52.issues SET identifier = 'OPS-1' WHERE team_key = 'OPS' AND number = 71;
UPDATE l52.issues SET team_id = :'ops' WHERE team_key = 'OPS' AND number = 71;
INSERT INTO l52.issues (team_id, title, labels) VALUES (:'ops', 'x', '{bug}');
INSERT INTO l52.issues (title) VALUES ('no team');
INSERT INTO l52.issues (team_id) VALUES (:'ops');
DELETE FROM l52.issues WHERE team_key = 'OPS' AND number = 71;
UPDATE l52.comments SET body = 'x' WHERE issue_id = 'OPS-71';
SELECT * FROM l52_calls();

-- the API's errors: errors[] with HTTP 200 (a state that does not exist),
-- a value the input type refuses (HTTP 400: estimate is an Int), and
-- success false; none leaves a change behind
UPDATE l52.issues SET state_id = 'no-such-state' WHERE team_key = 'OPS' AND number = 71;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
UPDATE l52.issues SET estimate = 2.5 WHERE team_key = 'OPS' AND number = 71;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
INSERT INTO l52.issues (team_id, title) VALUES (:'ops', 'Not created');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM l52_calls();

-- comments: commentCreate with issueId (an identifier will do) and body
INSERT INTO l52.comments (issue_id, body) VALUES ('OPS-71', 'First comment, "quoted"')
RETURNING issue_id, body, user_email;
SELECT issue_id, body FROM l52.comments WHERE issue_id = 'OPS-71';
SELECT * FROM l52_calls();

-- a rate limit (HTTP 400 RATELIMITED, with Retry-After) is answered before
-- the API acts: the mutation is sent again, and makes one comment
ALTER USER MAPPING FOR CURRENT_USER SERVER linear52 OPTIONS (SET token 'lin_api_ratelimited');
INSERT INTO l52.comments (issue_id, body) VALUES ('OPS-71', 'After a rate limit');
ALTER USER MAPPING FOR CURRENT_USER SERVER linear52 OPTIONS (SET token 'lin_api_test');
SELECT * FROM l52_calls();
SELECT count(*) FROM l52.comments WHERE issue_id = 'OPS-71' AND body = 'After a rate limit';
DO $$ BEGIN PERFORM api_calls(8086); END $$;

-- the answer is lost (the fake reads the mutation, makes the issue, then
-- closes the connection): not sent again (max_retries is 2), SQLSTATE
-- 08007, and the DETAIL's SELECT finds the one issue that was made
CREATE TEMP TABLE fake52 (line text);
COPY fake52 FROM PROGRAM 'curl -sf http://127.0.0.1:8086/_drop_write?n=1';
INSERT INTO l52.issues (team_id, title) VALUES (:'ops', 'Lost answer');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM l52_calls();
SELECT identifier, title FROM l52.issues WHERE team_key = 'OPS' AND title = 'Lost answer';
DO $$ BEGIN PERFORM api_calls(8086); END $$;

-- a ROLLBACK cannot undo a mutation: the WARNING says which reached the API
BEGIN;
INSERT INTO l52.comments (issue_id, body) VALUES ('OPS-71', 'Rolled back?');
ROLLBACK;
SELECT body FROM l52.comments WHERE issue_id = 'OPS-71' ORDER BY body;
DO $$ BEGIN PERFORM api_calls(8086); END $$;

-- EXPLAIN VERBOSE shows the request of each row
-- (and the mutation, its selection set left out)
EXPLAIN (VERBOSE, COSTS OFF)
UPDATE l52.issues SET title = 'x' WHERE team_key = 'OPS' AND number = 71;
EXPLAIN (VERBOSE, COSTS OFF)
INSERT INTO l52.comments (issue_id, body) VALUES ('OPS-71', 'x');

-- leave the fake as it was
COPY fake52 FROM PROGRAM 'curl -sf http://127.0.0.1:8086/_reset';
SELECT * FROM api_calls(8086);
