--
-- Slack channel_members (conversations.members): its items are bare user
-- ids, each one row; the key channel; every page read; a join to users
-- for the names; channel ids from a join as a parameterized scan.
-- cache_ttl 0 so every query shows its requests.
--
-- forget the requests of the tests before
DO $$ BEGIN PERFORM api_calls(8083); END $$;
CREATE SERVER slack_m FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack_m OPTIONS (token 'xoxb-test');
CREATE SCHEMA slack_m;
IMPORT FOREIGN SCHEMA slack LIMIT TO (channel_members, users)
  FROM SERVER slack_m INTO slack_m;
\d slack_m.channel_members
SELECT * FROM api_calls(8083);

-- the channel goes into the request
EXPLAIN (VERBOSE, COSTS OFF)
SELECT user_id FROM slack_m.channel_members WHERE channel = 'C01GENERAL';
SELECT channel, user_id FROM slack_m.channel_members WHERE channel = 'C01GENERAL';
SELECT * FROM api_calls(8083);

-- pages of 3 (the fake's first page is short): every page is read
ALTER FOREIGN TABLE slack_m.channel_members OPTIONS (ADD page_size '3');
SELECT array_agg(user_id) FROM slack_m.channel_members WHERE channel = 'C02RANDOM';
SELECT * FROM api_calls(8083);
ALTER FOREIGN TABLE slack_m.channel_members OPTIONS (DROP page_size);

-- IN: one request per channel
SELECT channel, count(*) FROM slack_m.channel_members
 WHERE channel IN ('D08DIRECT', 'G09GROUPDM') GROUP BY channel ORDER BY channel;
SELECT * FROM api_calls(8083);

-- LIMIT shrinks the page
EXPLAIN (VERBOSE, COSTS OFF)
SELECT user_id FROM slack_m.channel_members WHERE channel = 'C01GENERAL' LIMIT 2;
SELECT user_id FROM slack_m.channel_members WHERE channel = 'C01GENERAL' LIMIT 2;
SELECT * FROM api_calls(8083);

-- without the channel there is no request to make
SELECT user_id FROM slack_m.channel_members;

-- the members' names: users read once, channel_members once per channel
EXPLAIN (VERBOSE, COSTS OFF)
SELECT u.name FROM slack_m.channel_members m JOIN slack_m.users u ON u.id = m.user_id
 WHERE m.channel = 'G09GROUPDM';
SELECT u.name FROM slack_m.channel_members m JOIN slack_m.users u ON u.id = m.user_id
 WHERE m.channel = 'G09GROUPDM' ORDER BY u.name;
SELECT * FROM api_calls(8083);

-- channel ids from elsewhere: a parameterized scan per channel
EXPLAIN (VERBOSE, COSTS OFF)
SELECT c.ch, m.user_id FROM (VALUES ('D08DIRECT'), ('C10HIDDEN')) AS c(ch)
  JOIN slack_m.channel_members m ON m.channel = c.ch;
SELECT c.ch, m.user_id FROM (VALUES ('D08DIRECT')) AS c(ch)
  JOIN slack_m.channel_members m ON m.channel = c.ch ORDER BY m.user_id;
SELECT * FROM api_calls(8083);

-- a private channel the token cannot see: Slack's error
SELECT user_id FROM slack_m.channel_members WHERE channel = 'C10HIDDEN';
SELECT * FROM api_calls(8083);

-- a list of user ids holding an object (the fake's C13BADITEMS): an error,
-- never a row
SELECT user_id FROM slack_m.channel_members WHERE channel = 'C13BADITEMS';
SELECT * FROM api_calls(8083);

DROP SCHEMA slack_m CASCADE;
DROP SERVER slack_m CASCADE;
