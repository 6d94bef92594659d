--
-- Writes to Slack messages: chat.postMessage, chat.update and chat.delete,
-- which name the message in the body (channel and ts), not the path;
-- Slack's errors come with HTTP 200 and "ok": false.
--
-- requests of earlier tests are not this test's
DO $$ BEGIN PERFORM api_calls(port) FROM unnest(ARRAY[8083]) AS port; END $$;
CREATE SERVER sl38 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER sl38 OPTIONS (token 'xoxb-test');
CREATE SCHEMA s38;
IMPORT FOREIGN SCHEMA slack LIMIT TO (messages, replies, users) FROM SERVER sl38 INTO s38;
SELECT relname, pg_relation_is_updatable(oid, false) AS commands
  FROM pg_class WHERE relnamespace = 's38'::regnamespace AND relkind = 'f' ORDER BY 1;

-- post a message, and a reply in its thread; RETURNING from the answer
INSERT INTO s38.messages (channel, text) VALUES ('C02RANDOM', 'Deploy done')
RETURNING channel, ts, text, subtype, bot_id, thread_ts;
INSERT INTO s38.messages (channel, text, thread_ts)
VALUES ('C02RANDOM', 'Details in the log', '1767225600.000001')
RETURNING ts, thread_ts;
SELECT * FROM api_calls(8083);
SELECT ts, text, reply_count FROM s38.messages
 WHERE channel = 'C02RANDOM' ORDER BY ts DESC LIMIT 2;
SELECT ts, text FROM s38.replies WHERE channel = 'C02RANDOM' AND thread_ts = '1767225600.000001';

-- edit it: chat.update by channel and ts
UPDATE s38.messages SET text = 'Deploy done (v2)'
 WHERE channel = 'C02RANDOM' AND ts = '1767225600.000001'
RETURNING ts, text;
SELECT * FROM api_calls(8083);
-- Slack's refusal, in its words: a message the app did not post
UPDATE s38.messages SET text = 'not mine'
 WHERE channel = 'C02RANDOM' AND ts = (SELECT min(ts) FROM s38.messages WHERE channel = 'C02RANDOM');
-- the author cannot be changed, a message needs text
UPDATE s38.messages SET "user" = 'U01ALICE' WHERE channel = 'C02RANDOM';
INSERT INTO s38.messages (channel) VALUES ('C02RANDOM');
INSERT INTO s38.users (name) VALUES ('nobody');

-- a token without the scope chat:write: 42501, with the scope to add
CREATE SERVER sl38r FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api');
CREATE USER MAPPING FOR CURRENT_USER SERVER sl38r OPTIONS (token 'xoxb-reader');
CREATE FOREIGN TABLE s38.messages_reader (channel text, ts text, text text)
  SERVER sl38r OPTIONS (resource 'messages');
INSERT INTO s38.messages_reader (channel, text) VALUES ('C02RANDOM', 'hello');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- Slack's internal_error (HTTP 200, "ok": false) after a post: the outcome
-- is unknown, and the post is not sent again
INSERT INTO s38.messages (channel, text) VALUES ('C11INTERNAL', 'Maybe posted');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM api_calls(8083);

-- delete: chat.delete by channel and ts
DELETE FROM s38.messages WHERE channel = 'C02RANDOM' AND ts = '1767225600.000001'
RETURNING ts, text;
SELECT count(*) FROM s38.messages WHERE channel = 'C02RANDOM' AND ts = '1767225600.000001';
SELECT * FROM api_calls(8083);

-- leave the fake as it was
CREATE TEMP TABLE reset38 (line text);
COPY reset38 FROM PROGRAM 'curl -sf http://127.0.0.1:8083/_reset';
SELECT saas_fdw_cache_reset('sl38');
SELECT * FROM api_calls(8083);
