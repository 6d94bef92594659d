--
-- Slack: channels, messages, thread replies and users against the fake
-- Slack Web API on 127.0.0.1:8083 (methods under /api).  Every pushdown
-- rule: the request in EXPLAIN, the rows equal to a local filter, and the
-- requests made.  cache_ttl 0 so every query shows its own requests.
--
SET timezone = 'UTC';
-- each range as one request stream (sql/44_range_split.sql tests the split)
SET saas_fdw.range_streams = 1;
-- the fake's one-time fixtures (429 on C07ALERTS) fire again (no row goes
-- to curl, which does not read it: a write could meet a closed pipe)
COPY (SELECT 1 WHERE false) TO PROGRAM 'curl -sf http://127.0.0.1:8083/_reset >/dev/null';
CREATE SERVER slack FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack OPTIONS (token 'xoxb-test');
CREATE SCHEMA slack;
IMPORT FOREIGN SCHEMA slack FROM SERVER slack INTO slack;
\d slack.channels
\d slack.messages
\d slack.replies
\d slack.users
SELECT * FROM api_calls(8083);

--
-- channels (conversations.list): every type is asked for even with no
-- filter (Slack's default is public channels only).
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, name FROM slack.channels;
SELECT id, name, is_channel, is_private, is_im, is_mpim, is_archived, is_member,
       created, creator, num_members, topic, purpose
  FROM slack.channels ORDER BY id;
SELECT * FROM api_calls(8083);
-- short pages are not the end: pages of 4 come back with 2, 4, ... items
ALTER FOREIGN TABLE slack.channels OPTIONS (ADD page_size '4');
SELECT count(*) FROM slack.channels;
SELECT * FROM api_calls(8083);
ALTER FOREIGN TABLE slack.channels OPTIONS (DROP page_size);
-- is_archived = false becomes exclude_archived=true
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM slack.channels WHERE is_archived = false;
SELECT (SELECT array_agg(id ORDER BY id) FROM slack.channels WHERE NOT is_archived)
     = (SELECT array_agg(id ORDER BY id) FROM slack.channels WHERE is_archived::text = 'false') AS same_rows,
       (SELECT count(*) FROM slack.channels WHERE NOT is_archived) AS not_archived;
SELECT * FROM api_calls(8083);
-- is_private, is_im, is_mpim choose the types (rechecked locally)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM slack.channels WHERE is_private;
SELECT id, name FROM slack.channels WHERE is_private ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM slack.channels WHERE NOT is_private;
SELECT (SELECT array_agg(id ORDER BY id) FROM slack.channels WHERE NOT is_private)
     = (SELECT array_agg(id ORDER BY id) FROM slack.channels WHERE is_private::text = 'false') AS same_rows;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM slack.channels WHERE is_im;
SELECT id, attrs->>'user' AS im_user FROM slack.channels WHERE is_im;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM slack.channels WHERE is_mpim AND NOT is_archived;
SELECT id, name FROM slack.channels WHERE is_mpim AND NOT is_archived;
SELECT * FROM api_calls(8083);
-- name and other columns are filtered locally
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM slack.channels WHERE name = 'general';
-- a table option types replaces the default list
CREATE FOREIGN TABLE slack.public_channels (id text, name text)
  SERVER slack OPTIONS (resource 'channels', types 'public_channel');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM slack.public_channels;
SELECT id, name FROM slack.public_channels ORDER BY id;
SELECT * FROM api_calls(8083);
DROP FOREIGN TABLE slack.public_channels;
-- LIMIT with nothing filtered: the page asks for that many
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM slack.channels LIMIT 3;
SELECT count(*) FROM (SELECT id FROM slack.channels LIMIT 3) s;
SELECT * FROM api_calls(8083);

--
-- The example of the issue: messages of #general since a time, with their
-- authors.  messages runs as a parameterized scan fed by channels; users
-- too (users.info per message: few messages are expected, against a
-- users.list of unknown length; 18_plans shows the rule).
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT m.ts_time, u.real_name, m.text
  FROM slack.channels c JOIN slack.messages m ON m.channel = c.id
  JOIN slack.users u ON u.id = m."user"
 WHERE c.name = 'general' AND m.ts_time > '2025-11-01 00:00:00+00';
SELECT m.ts_time, u.real_name, m.text
  FROM slack.channels c JOIN slack.messages m ON m.channel = c.id
  JOIN slack.users u ON u.id = m."user"
 WHERE c.name = 'general' AND m.ts_time > '2025-11-01 00:00:00+00'
 ORDER BY m.ts_time;
SELECT * FROM api_calls(8083);

--
-- messages (conversations.history): channel is required (=, IN or a join).
--
SELECT count(*) FROM slack.messages;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM';
SELECT count(*), count(DISTINCT ts), min(ts), max(ts) FROM slack.messages WHERE channel = 'C02RANDOM';
SELECT * FROM api_calls(8083);
-- short pages: general's 120 messages over pages of at most 100
SELECT count(*), count(DISTINCT ts) FROM slack.messages WHERE channel = 'C01GENERAL';
SELECT * FROM api_calls(8083);
-- channel IN (...): one request stream per channel
EXPLAIN (VERBOSE, COSTS OFF)
SELECT channel, count(*) FROM slack.messages WHERE channel IN ('D08DIRECT', 'G09GROUPDM') GROUP BY 1;
SELECT channel, count(*) FROM slack.messages WHERE channel IN ('D08DIRECT', 'G09GROUPDM') GROUP BY 1 ORDER BY 1;
SELECT * FROM api_calls(8083);
-- the columns of a few messages; ts_time is ts to the microsecond
SELECT channel, ts, ts_time, "user", text, type, subtype, thread_ts, reply_count, bot_id
  FROM slack.messages WHERE channel = 'C01GENERAL' AND ts >= '1761098219.262100' ORDER BY ts;
SELECT ts, ts_time, to_timestamp(ts::numeric) = ts_time AS same_time, attrs ? 'blocks' AS has_blocks
  FROM slack.messages WHERE channel = 'C01GENERAL' ORDER BY ts LIMIT 2;
SELECT * FROM api_calls(8083);

-- ts bounds: oldest / latest, exclusive, inclusive=true for >= and <=; exact
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' AND ts > '1763522487.425100';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' AND ts >= '1763522487.425100';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' AND ts < '1765007922.144100';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' AND ts <= '1765007922.144100';
SELECT array_agg(ts ORDER BY ts) AS gt FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts > '1763522487.425100';
SELECT array_agg(ts ORDER BY ts) AS ge FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts >= '1763522487.425100';
SELECT * FROM api_calls(8083);
SELECT (SELECT array_agg(ts ORDER BY ts) FROM slack.messages
         WHERE channel = 'C02RANDOM' AND ts < '1765007922.144100')
     = (SELECT array_agg(ts ORDER BY ts) FROM slack.messages
         WHERE channel = 'C02RANDOM' AND ts || '' < '1765007922.144100') AS lt_same,
       (SELECT array_agg(ts ORDER BY ts) FROM slack.messages
         WHERE channel = 'C02RANDOM' AND ts <= '1765007922.144100')
     = (SELECT array_agg(ts ORDER BY ts) FROM slack.messages
         WHERE channel = 'C02RANDOM' AND ts || '' <= '1765007922.144100') AS le_same,
       (SELECT count(*) FROM slack.messages
         WHERE channel = 'C02RANDOM' AND ts <= '1765007922.144100') AS le_count;
SELECT * FROM api_calls(8083);
-- both bounds exclusive: oldest and latest
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts > '1763522487.425100' AND ts < '1765902476.730100';
SELECT array_agg(ts ORDER BY ts) FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts > '1763522487.425100' AND ts < '1765902476.730100';
SELECT * FROM api_calls(8083);
-- mixed inclusivity: one inclusive=true covers both ends, so the API also
-- sends the row at the exclusive end and PostgreSQL removes it
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts > '1763522487.425100' AND ts <= '1765007922.144100';
SELECT array_agg(ts ORDER BY ts) FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts > '1763522487.425100' AND ts <= '1765007922.144100';
SELECT * FROM explain_analyze($$
SELECT ts FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts > '1763522487.425100' AND ts <= '1765007922.144100'$$);
SELECT * FROM api_calls(8083);

-- ts_time bounds: written as a ts with six decimals, rechecked
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' AND ts_time >= '2025-12-06 07:58:42.1441+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' AND ts_time > '2025-12-06 07:58:42.1441+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts_time >= '2025-11-01' AND ts_time < '2025-12-01';
SELECT array_agg(ts ORDER BY ts) AS ge FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts_time >= '2025-12-06 07:58:42.1441+00';
SELECT array_agg(ts ORDER BY ts) AS gt FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts_time > '2025-12-06 07:58:42.1441+00';
SELECT * FROM api_calls(8083);
SELECT (SELECT array_agg(ts ORDER BY ts) FROM slack.messages
         WHERE channel = 'C02RANDOM' AND ts_time >= '2025-11-01' AND ts_time < '2025-12-01')
     = (SELECT array_agg(ts ORDER BY ts) FROM slack.messages
         WHERE channel = 'C02RANDOM' AND ts_time + '0s' >= '2025-11-01'
           AND ts_time + '0s' < '2025-12-01') AS same_rows;
SELECT * FROM api_calls(8083);
-- a ts bound and a ts_time bound on the same side: the second stays local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages
 WHERE channel = 'C02RANDOM' AND ts > '1763522487.425100' AND ts_time > '2025-12-01';
-- other columns stay local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' AND "user" = 'U02BOB' AND thread_ts IS NULL;

-- LIMIT with exact filters asks for that many; short pages continue
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' LIMIT 5;
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' LIMIT 5;
SELECT * FROM api_calls(8083);
-- with a ts_time bound (approximate) the page stays full size
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' AND ts_time > '2025-01-01' LIMIT 5;
-- history comes newest first: ORDER BY ts DESC is the API's order, and the
-- LIMIT its page size (issue 16; 18_plans compares the rows)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.messages WHERE channel = 'C02RANDOM' ORDER BY ts DESC LIMIT 5;

--
-- replies (conversations.replies): channel and thread_ts both required;
-- the parent comes first, then the replies oldest first.
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM slack.replies WHERE channel = 'C01GENERAL' AND thread_ts = '1766818563.270100';
SELECT channel, thread_ts, ts, ts_time, "user", text, parent_user_id
  FROM slack.replies WHERE channel = 'C01GENERAL' AND thread_ts = '1766818563.270100';
SELECT * FROM api_calls(8083);
-- every thread of #engineering: parents from messages feed replies
EXPLAIN (VERBOSE, COSTS OFF)
SELECT m.ts, count(r.ts)
  FROM slack.messages m
  JOIN slack.replies r ON r.channel = m.channel AND r.thread_ts = m.ts
 WHERE m.channel = 'C03ENGINEERING' AND m.reply_count > 0
 GROUP BY m.ts;
SELECT count(*) AS threads, sum(n - 1) AS replies, bool_and(n - 1 = reply_count) AS counts_agree
  FROM (SELECT m.ts, max(m.reply_count) AS reply_count, count(r.ts) AS n
          FROM slack.messages m
          JOIN slack.replies r ON r.channel = m.channel AND r.thread_ts = m.ts
         WHERE m.channel = 'C03ENGINEERING' AND m.reply_count > 0
         GROUP BY m.ts) s;
SELECT count(*) AS requests FROM api_calls(8083);
-- a ts bound on replies (the parent is always sent; PostgreSQL drops it)
SELECT ts FROM slack.replies
 WHERE channel = 'C01GENERAL' AND thread_ts = '1766818563.270100' AND ts > '1766818563.270100';
SELECT * FROM api_calls(8083);
SELECT count(*) FROM slack.replies WHERE channel = 'C01GENERAL';

--
-- users (users.list): nothing is pushed down; limit is the page size.
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM slack.users WHERE is_bot;
SELECT id, team_id, name, real_name, display_name, email, title, deleted, is_bot,
       is_admin, tz, updated
  FROM slack.users ORDER BY id;
SELECT * FROM api_calls(8083);

--
-- Errors arrive as HTTP 200 with "ok": false; each is an ERROR with the
-- code in DETAIL.  A 429 with Retry-After is waited out.
--
SELECT count(*) FROM slack.messages WHERE channel = 'C99MISSING';
SELECT count(*) FROM slack.messages WHERE channel = 'C10HIDDEN';
SELECT count(*) FROM slack.messages WHERE channel = 'C06WATERCOOLER';
SELECT count(*) FROM slack.replies WHERE channel = 'C01GENERAL' AND thread_ts = '1700000000.000100';
SELECT * FROM api_calls(8083);
-- the alerts channel answers 429 (Retry-After: 1) once per request
SELECT count(*), count(DISTINCT ts), count(bot_id) AS from_bots
  FROM slack.messages WHERE channel = 'C07ALERTS';
SELECT * FROM api_calls(8083);
-- a wrong token
CREATE SERVER slack_wrong FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack_wrong OPTIONS (token 'xoxb-wrong');
CREATE SCHEMA slack_wrong;
IMPORT FOREIGN SCHEMA slack LIMIT TO (users) FROM SERVER slack_wrong INTO slack_wrong;
SELECT count(*) FROM slack_wrong.users;
SELECT * FROM api_calls(8083);
DROP SCHEMA slack_wrong CASCADE;
DROP SERVER slack_wrong CASCADE;
