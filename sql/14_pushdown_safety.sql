--
-- Pushdown is only an optimization: whatever a qual looks like, the rows are
-- those of the same filter evaluated locally, and nothing crashes or errors
-- because of it.  The paths no other test walks: a column type the role
-- chose itself, a collation, a time the API cannot express, a value outside
-- ASCII.  Each check shows the request in EXPLAIN, the rows next to the
-- same filter kept local (an expression the planner cannot push), and the
-- requests made.  cache_ttl 0 so every query shows its own requests.
--
SET timezone = 'UTC';
SET saas_fdw.read_ahead = 1;
CREATE SERVER ps_github FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE SERVER ps_stripe FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE SERVER ps_slack FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', cache_ttl '0');

--
-- A role that is not superuser, with USAGE on the servers, declares its own
-- foreign tables with types of its choosing.  A qual is pushed only when the
-- column's type (through domains) is of the family of the API field (text:
-- text, varchar; integers; timestamptz); any other stays local.
--
CREATE ROLE ps_user;
GRANT USAGE ON FOREIGN SERVER ps_github, ps_stripe, ps_slack TO ps_user;
CREATE USER MAPPING FOR ps_user SERVER ps_github OPTIONS (token 'ghp_test');
CREATE USER MAPPING FOR ps_user SERVER ps_stripe OPTIONS (token 'sk_test_123');
CREATE USER MAPPING FOR ps_user SERVER ps_slack OPTIONS (token 'xoxb-test');
CREATE SCHEMA ps AUTHORIZATION ps_user;
SET ROLE ps_user;
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
CREATE DOMAIN ps.word AS text;
CREATE FOREIGN TABLE ps.messages (channel text, ts bigint)
  SERVER ps_slack OPTIONS (resource 'messages');
-- ts > 5 on a bigint ts stays local (a bigint was read as text: a crash)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM ps.messages WHERE channel = 'C01GENERAL' AND ts > 5;
CREATE FOREIGN TABLE ps.messages2 (channel ps.word, ts numeric, ts_time text, "user" varchar(20))
  SERVER ps_slack OPTIONS (resource 'messages');
-- the key column through a domain over text is sent; ts numeric is not
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.messages2 WHERE channel = 'D08DIRECT' AND ts > 1735000000;
SELECT (SELECT count(*) FROM ps.messages2 WHERE channel = 'D08DIRECT' AND ts > 1735000000) AS pushed,
       (SELECT count(*) FROM ps.messages2 WHERE channel = 'D08DIRECT' AND ts + 0 > 1735000000) AS local;
-- ts_time as text: a time bound only for a timestamptz column
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.messages2 WHERE channel = 'D08DIRECT' AND ts_time > 'x';
SELECT (SELECT count(*) FROM ps.messages2 WHERE channel = 'D08DIRECT' AND ts_time > 'x') AS pushed,
       (SELECT count(*) FROM ps.messages2 WHERE channel = 'D08DIRECT' AND ts_time || '' > 'x') AS local;
SELECT (SELECT count(*) FROM ps.messages2 WHERE channel = 'D08DIRECT' AND ts_time < '1735000000') AS pushed,
       (SELECT count(*) FROM ps.messages2 WHERE channel = 'D08DIRECT' AND ts_time || '' < '1735000000') AS local;

CREATE FOREIGN TABLE ps.issues (
    repo varchar, number bigint, state ps.word, user_login name,
    labels jsonb, assignees varchar[], milestone numeric, updated_at text)
  SERVER ps_github OPTIONS (resource 'issues');
-- labels jsonb @> stays local (it was read as an array: "cache lookup failed")
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ps.issues WHERE repo = 'octo/world' AND labels @> '["bug"]';
SELECT (SELECT array_agg(number ORDER BY number) FROM ps.issues
         WHERE repo = 'octo/world' AND labels @> '["bug"]') AS pushed,
       (SELECT array_agg(number ORDER BY number) FROM ps.issues
         WHERE repo = 'octo/world' AND labels || '[]' @> '["bug"]') AS local;
-- milestone numeric: 2.0 is not a milestone number the API knows
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ps.issues WHERE repo = 'octo/world' AND milestone = 2.0;
SELECT (SELECT array_agg(number ORDER BY number) FROM ps.issues
         WHERE repo = 'octo/world' AND milestone = 2.0) AS pushed,
       (SELECT array_agg(number ORDER BY number) FROM ps.issues
         WHERE repo = 'octo/world' AND milestone + 0 = 2.0) AS local;
-- updated_at as text is not a time
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ps.issues WHERE repo = 'octo/world' AND updated_at >= '2025-06';
SELECT (SELECT array_agg(number ORDER BY number) FROM ps.issues
         WHERE repo = 'octo/world' AND updated_at >= '2025-06') AS pushed,
       (SELECT array_agg(number ORDER BY number) FROM ps.issues
         WHERE repo = 'octo/world' AND updated_at || '' >= '2025-06') AS local;
-- name compares in its own way (63 bytes at most): local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ps.issues WHERE repo = 'octo/world' AND user_login = 'hubot';
SELECT (SELECT array_agg(number ORDER BY number) FROM ps.issues
         WHERE repo = 'octo/world' AND user_login = 'hubot') AS pushed,
       (SELECT array_agg(number ORDER BY number) FROM ps.issues
         WHERE repo = 'octo/world' AND user_login::text || '' = 'hubot') AS local;
-- a domain over text, varchar[] and bigint are of the API field's family: sent
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ps.issues
 WHERE repo = 'octo/world' AND state = 'closed' AND 'hubot' = ANY(assignees);
SELECT (SELECT array_agg(number ORDER BY number) FROM ps.issues
         WHERE repo = 'octo/world' AND state = 'closed' AND 'hubot' = ANY(assignees)) AS pushed,
       (SELECT array_agg(number ORDER BY number) FROM ps.issues
         WHERE repo = 'octo/world' AND state || '' = 'closed'
           AND 'hubot' = ANY(assignees || '{}'::varchar[])) AS local;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, state FROM ps.issues WHERE repo = 'octo/world' AND number = 7;
SELECT number, state FROM ps.issues WHERE repo = 'octo/world' AND number = 7;
RESET ROLE;
SELECT * FROM api_calls(8081);
SET ROLE ps_user;

CREATE FOREIGN TABLE ps.charges (id varchar, created bigint, customer ps.word, amount numeric)
  SERVER ps_stripe OPTIONS (resource 'charges');
-- created as a bigint: not a time, local; customer through a domain: sent
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ps.charges WHERE created > 1760000000 AND customer = 'cus_bob';
SELECT (SELECT array_agg(id ORDER BY id) FROM ps.charges
         WHERE created > 1760000000 AND customer = 'cus_bob') AS pushed,
       (SELECT array_agg(id ORDER BY id) FROM ps.charges
         WHERE created + 0 > 1760000000 AND customer || '' = 'cus_bob') AS local;
CREATE FOREIGN TABLE ps.invoices (id text, due_date text, status varchar)
  SERVER ps_stripe OPTIONS (resource 'invoices');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ps.invoices WHERE due_date > 'x' AND status = 'open';
SELECT (SELECT count(*) FROM ps.invoices WHERE due_date > 'x' AND status = 'open') AS pushed,
       (SELECT count(*) FROM ps.invoices WHERE due_date || '' > 'x' AND status || '' = 'open') AS local;
RESET ROLE;
SELECT * FROM api_calls(8082);
SELECT * FROM api_calls(8083);

--
-- Collations.  The APIs compare bytes: a qual on text is sent only under a
-- deterministic collation (equality is then equality of bytes), and a
-- range only under the column's own collation or the default one.
--
CREATE COLLATION ps_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE FOREIGN TABLE ps.customers (id text, email text)
  SERVER ps_stripe OPTIONS (resource 'customers');
CREATE FOREIGN TABLE ps.customers_ci (id text, email text COLLATE ps_ci)
  SERVER ps_stripe OPTIONS (resource 'customers');
CREATE FOREIGN TABLE ps.customers_c (id text, email text COLLATE "C")
  SERVER ps_stripe OPTIONS (resource 'customers');
CREATE USER MAPPING FOR CURRENT_USER SERVER ps_stripe OPTIONS (token 'sk_test_123');
-- the default collation: sent
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ps.customers WHERE email = 'alice@example.com';
SELECT id FROM ps.customers WHERE email = 'alice@example.com';
-- a nondeterministic collation on the value: local, and the row is found
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ps.customers WHERE email = 'ALICE@EXAMPLE.COM' COLLATE ps_ci;
SELECT id FROM ps.customers WHERE email = 'ALICE@EXAMPLE.COM' COLLATE ps_ci;
SELECT id FROM ps.customers WHERE email COLLATE ps_ci IN ('ALICE@EXAMPLE.COM', 'carol@example.com') ORDER BY id;
-- ... or the column's own
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ps.customers_ci WHERE email = 'ALICE@EXAMPLE.COM';
SELECT id FROM ps.customers_ci WHERE email = 'ALICE@EXAMPLE.COM';
-- any deterministic collation: sent
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ps.customers WHERE email = 'alice@example.com' COLLATE "C";
SELECT id FROM ps.customers WHERE email = 'alice@example.com' COLLATE "C";
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ps.customers_c WHERE email = 'alice@example.com';
SELECT id FROM ps.customers_c WHERE email = 'alice@example.com';
SELECT * FROM api_calls(8082);
-- list values (@>, = ANY) follow the same rule
CREATE USER MAPPING FOR CURRENT_USER SERVER ps_github OPTIONS (token 'ghp_test');
CREATE FOREIGN TABLE ps.gh_issues (repo text, number integer, labels text[])
  SERVER ps_github OPTIONS (resource 'issues');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ps.gh_issues WHERE repo = 'octo/world' AND 'BUG' COLLATE ps_ci = ANY(labels);
SELECT (SELECT array_agg(number ORDER BY number) FROM ps.gh_issues
         WHERE repo = 'octo/world' AND 'Bug' COLLATE ps_ci = ANY(labels)) AS pushed,
       (SELECT array_agg(number ORDER BY number) FROM ps.gh_issues
         WHERE repo = 'octo/world' AND 'bug' = ANY(labels)) AS local;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ps.gh_issues WHERE repo = 'octo/world' AND labels @> ARRAY['BUG' COLLATE ps_ci];
SELECT * FROM api_calls(8081);
-- a text range (Slack ts): the default collation or the column's own
CREATE USER MAPPING FOR CURRENT_USER SERVER ps_slack OPTIONS (token 'xoxb-test');
CREATE FOREIGN TABLE ps.sl_messages (channel text, ts text, ts_time timestamptz)
  SERVER ps_slack OPTIONS (resource 'messages');
CREATE FOREIGN TABLE ps.sl_messages_c (channel text, ts text COLLATE "C")
  SERVER ps_slack OPTIONS (resource 'messages');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts > '1735000000.000000';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.sl_messages_c WHERE channel = 'D08DIRECT' AND ts > '1735000000.000000';
-- ... not another one, deterministic or not
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts > '1735000000.000000' COLLATE "C";
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts > '1735000000.000000' COLLATE ps_ci;
SELECT (SELECT count(*) FROM ps.sl_messages
         WHERE channel = 'D08DIRECT' AND ts > '1735000000.000000' COLLATE ps_ci) AS ci,
       (SELECT count(*) FROM ps.sl_messages_c
         WHERE channel = 'D08DIRECT' AND ts > '1735000000.000000') AS own,
       (SELECT count(*) FROM ps.sl_messages
         WHERE channel = 'D08DIRECT' AND ts || '' > '1735000000.000000') AS local;
SELECT * FROM api_calls(8083);

--
-- Time bounds the API cannot express (infinite, before 1970, after 9999,
-- near the end of timestamptz's range) are not sent: no row is lost and
-- the API is never asked for a time it refuses.
--
CREATE FOREIGN TABLE ps.st_charges (id text, created timestamptz, customer text)
  SERVER ps_stripe OPTIONS (resource 'charges');
CREATE FOREIGN TABLE ps.gh_updates (repo text, number integer, updated_at timestamptz)
  SERVER ps_github OPTIONS (resource 'issues');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created < 'infinity';
SELECT (SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created < 'infinity') AS pushed,
       (SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created + '0s' < 'infinity') AS local;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created >= '4713-01-01 BC';
-- one value of an IN list the API cannot be asked about: none is sent
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ps.st_charges WHERE customer = 'cus_grace' AND created IN ('infinity', '2024-01-01 23:56:28+00');
SELECT id FROM ps.st_charges WHERE customer = 'cus_grace' AND created IN ('infinity', '2024-01-01 23:56:28+00');
-- epoch microseconds of this time overflow 64 bits
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created < '294276-12-31 00:00:00+00';
SELECT (SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created < '294276-12-31 00:00:00+00') AS pushed,
       (SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created + '0s' < '294276-12-31 00:00:00+00') AS local;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created <= '10000-01-01 00:00:00+00';
-- the last second the API can be asked for
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created <= '9999-12-31 23:59:59+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created >= '1970-01-01 00:00:00+00';
SELECT * FROM api_calls(8082);

EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.gh_updates WHERE repo = 'octo/world' AND updated_at >= '-infinity';
SELECT (SELECT count(*) FROM ps.gh_updates WHERE repo = 'octo/world' AND updated_at >= '-infinity') AS pushed,
       (SELECT count(*) FROM ps.gh_updates WHERE repo = 'octo/world' AND updated_at + '0s' >= '-infinity') AS local;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.gh_updates WHERE repo = 'octo/world' AND updated_at >= '4713-01-01 BC';
SELECT (SELECT count(*) FROM ps.gh_updates WHERE repo = 'octo/world' AND updated_at >= '4713-01-01 BC') AS pushed,
       (SELECT count(*) FROM ps.gh_updates WHERE repo = 'octo/world' AND updated_at + '0s' >= '4713-01-01 BC') AS local;
SELECT (SELECT count(*) FROM ps.gh_updates WHERE repo = 'octo/world' AND updated_at > '20000-01-01') AS pushed,
       (SELECT count(*) FROM ps.gh_updates WHERE repo = 'octo/world' AND updated_at + '0s' > '20000-01-01') AS local;
SELECT * FROM api_calls(8081);

EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts_time > '-infinity';
SELECT (SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts_time > '-infinity') AS pushed,
       (SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts_time + '0s' > '-infinity') AS local;
SELECT (SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts_time > '1960-01-01') AS pushed,
       (SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts_time + '0s' > '1960-01-01') AS local;
SELECT (SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts_time < '294276-12-31 00:00:00+00') AS pushed,
       (SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts_time + '0s' < '294276-12-31 00:00:00+00') AS local;
SELECT * FROM api_calls(8083);

-- the same through a generic plan's parameter
SET plan_cache_mode = force_generic_plan;
PREPARE st_before(timestamptz) AS SELECT count(*) FROM ps.st_charges WHERE customer = 'cus_grace' AND created < $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE st_before('infinity');
EXECUTE st_before('infinity');
EXECUTE st_before('294276-12-31 00:00:00+00');
EXECUTE st_before('2024-01-05 00:00:00+00');
SELECT * FROM api_calls(8082);
PREPARE gh_since(timestamptz) AS
  SELECT count(*) FROM ps.gh_updates WHERE repo = 'octo/world' AND updated_at >= $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE gh_since('-infinity');
EXECUTE gh_since('-infinity');
EXECUTE gh_since('4713-01-01 BC');
EXECUTE gh_since('2025-12-01 00:00:00+00');
SELECT * FROM api_calls(8081);
PREPARE sl_after(timestamptz) AS
  SELECT count(*) FROM ps.sl_messages WHERE channel = 'D08DIRECT' AND ts_time > $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE sl_after('-infinity');
EXECUTE sl_after('-infinity');
EXECUTE sl_after('1960-01-01 00:00:00+00');
SELECT * FROM api_calls(8083);
RESET plan_cache_mode;
DEALLOCATE ALL;

--
-- Values are sent as UTF-8, whatever the database encoding: josé is
-- jos%C3%A9 from a UTF8 database and from a LATIN1 one.
--
CREATE FOREIGN TABLE ps.gh_authors (repo text, number integer, user_login text)
  SERVER ps_github OPTIONS (resource 'issues');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ps.gh_authors WHERE repo = 'octo/world' AND user_login = 'josé';
SELECT number FROM ps.gh_authors WHERE repo = 'octo/world' AND user_login = 'josé';
SELECT * FROM api_calls(8081);
-- a milestone number below 1 matches no milestone: nothing is sent (GitHub
-- answers milestone=-1 with a 422)
CREATE FOREIGN TABLE ps.gh_milestones (repo text, number integer, milestone integer)
  SERVER ps_github OPTIONS (resource 'issues');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM ps.gh_milestones WHERE repo = 'octo/world' AND milestone = -1;
SELECT count(*) FROM ps.gh_milestones WHERE repo = 'octo/world' AND milestone = 0;
SELECT count(*) FROM ps.gh_milestones WHERE repo = 'octo/world' AND milestone IN (-2147483648, 0, 1);
SELECT * FROM api_calls(8081);
SELECT current_database() AS regress_db \gset
CREATE DATABASE ps_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c ps_latin1
SET client_encoding = 'UTF8';
SHOW server_encoding;
CREATE EXTENSION saas_fdw;
CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
CREATE FOREIGN TABLE authors (repo text, number integer, user_login text)
  SERVER gh OPTIONS (resource 'issues');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM authors WHERE repo = 'octo/world' AND user_login = 'josé';
SELECT number FROM authors WHERE repo = 'octo/world' AND user_login = 'josé';
SELECT count(*) FROM authors WHERE repo = 'octo/world' AND user_login = 'hubot';
\c :regress_db
SELECT * FROM api_calls(8081);
DROP DATABASE ps_latin1;

SET client_min_messages = warning;
DROP SCHEMA ps CASCADE;
DROP COLLATION ps_ci;
DROP SERVER ps_github, ps_stripe, ps_slack CASCADE;
DROP ROLE ps_user;
RESET client_min_messages;
