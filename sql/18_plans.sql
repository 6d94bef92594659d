--
-- Plans that do what the docs say (issue 16): ORDER BY ... LIMIT n uses
-- the API's order for every n, an OR of equalities on one column is
-- pushed as IN, date bounds on timestamptz columns are pushed, and joins
-- on an id fetch single objects instead of whole lists.
--
SET timezone = 'UTC';
-- each range as one request stream (sql/44_range_split.sql tests the split)
SET saas_fdw.range_streams = 1;
SET saas_fdw.read_ahead = 1;
CREATE SERVER p_gh FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER p_gh OPTIONS (token 'ghp_test');
CREATE SERVER p_stripe FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER p_stripe OPTIONS (token 'sk_test_123');
CREATE SERVER p_slack FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER p_slack OPTIONS (token 'xoxb-test');
CREATE SCHEMA p_gh;
CREATE SCHEMA p_stripe;
CREATE SCHEMA p_slack;
IMPORT FOREIGN SCHEMA github FROM SERVER p_gh INTO p_gh;
IMPORT FOREIGN SCHEMA stripe FROM SERVER p_stripe INTO p_stripe;
IMPORT FOREIGN SCHEMA slack FROM SERVER p_slack INTO p_slack;
-- the request logs start empty (earlier tests may have left requests)
DO $$ BEGIN PERFORM api_calls(port) FROM unnest(ARRAY[8081, 8082, 8083]) AS port; END $$;
-- a join's plan and requests without its Output and Filter lines (the
-- order of a join clause's sides there varies across PostgreSQL versions)
CREATE FUNCTION p_plan(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP
    IF line !~ '^\s*(Output|Filter|Join Filter|Hash Cond):' THEN
      RETURN NEXT line;
    END IF;
  END LOOP;
END $$;
-- the plan's shape and the scans' request counts of EXPLAIN ANALYZE (the
-- lines whose numbers do not depend on timing or sizes)
CREATE FUNCTION p_counts(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN SELECT explain_analyze(query) LOOP
    IF line ~ '(Limit|Sort|Nested Loop|Hash Join|Foreign Scan|API Calls|Pages:)' THEN
      RETURN NEXT line;
    END IF;
  END LOOP;
END $$;

-- ---- 1. the latest N: any LIMIT takes the API's order, one request
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM p_gh.issues WHERE repo = 'octo/hello' ORDER BY created_at DESC LIMIT 1;
SELECT number FROM p_gh.issues WHERE repo = 'octo/hello' ORDER BY created_at DESC LIMIT 1;
SELECT * FROM api_calls();
SELECT p_counts($$SELECT number FROM p_gh.issues WHERE repo = 'octo/hello'
                  ORDER BY created_at DESC LIMIT 3$$);
SELECT * FROM api_calls();
SELECT number FROM p_gh.issues WHERE repo = 'octo/hello' ORDER BY created_at DESC LIMIT 2;
SELECT number FROM p_gh.issues WHERE repo = 'octo/hello' ORDER BY created_at DESC LIMIT 4;
SELECT * FROM api_calls();
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, comments FROM p_gh.issues WHERE repo = 'octo/hello' ORDER BY comments DESC LIMIT 3;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM p_gh.issues WHERE repo = 'octo/hello' AND state = 'open' ORDER BY updated_at DESC LIMIT 3;
SELECT number FROM p_gh.issues WHERE repo = 'octo/hello' AND state = 'open' ORDER BY updated_at DESC LIMIT 3;
SELECT * FROM api_calls();
-- the same rows as a local sort of the whole repository
SELECT (SELECT array_agg(updated_at) FROM (SELECT updated_at FROM p_gh.issues
          WHERE repo = 'octo/hello' ORDER BY updated_at DESC LIMIT 3) s)
     = (SELECT (array_agg(updated_at ORDER BY updated_at DESC))[1:3] FROM p_gh.issues
          WHERE repo = 'octo/hello') AS same_rows;
SELECT count(*) AS requests FROM api_calls();
-- Slack's history is newest first: ORDER BY ts DESC is the API's order
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM p_slack.messages WHERE channel = 'C01GENERAL' ORDER BY ts DESC LIMIT 10;
SELECT (SELECT array_agg(ts) FROM (SELECT ts FROM p_slack.messages
          WHERE channel = 'C01GENERAL' ORDER BY ts DESC LIMIT 10) s)
     = (SELECT (array_agg(ts ORDER BY ts DESC))[1:10] FROM p_slack.messages
          WHERE channel = 'C01GENERAL') AS same_rows;
SELECT * FROM api_calls(8083);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM p_slack.messages WHERE channel = 'C01GENERAL' ORDER BY ts_time DESC LIMIT 10;
-- ascending is not the API's order: PostgreSQL sorts
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM p_slack.messages WHERE channel = 'C01GENERAL' ORDER BY ts LIMIT 10;

-- ---- 2. an OR of equalities on one column is pushed as IN
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM p_stripe.charges WHERE customer = 'cus_alice' OR customer = 'cus_bob';
SELECT (SELECT array_agg(id ORDER BY id) FROM p_stripe.charges
         WHERE customer = 'cus_alice' OR 'cus_bob' = customer)
     = (SELECT array_agg(id ORDER BY id) FROM p_stripe.charges
         WHERE customer IN ('cus_alice', 'cus_bob')) AS same_rows;
SELECT * FROM api_calls(8082);
-- a NULL among the values matches nothing; the other values are asked for
SELECT count(*) FROM p_stripe.charges
 WHERE customer = 'cus_alice' OR customer = NULL OR customer = 'cus_bob';
SELECT * FROM api_calls(8082);
-- a parameter as one of the values
PREPARE two_customers(text) AS
  SELECT count(*) FROM p_stripe.charges WHERE customer = 'cus_alice' OR customer = $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE two_customers('cus_bob');
EXECUTE two_customers('cus_bob');
SELECT * FROM api_calls(8082);
-- a generic plan: the values are an array built when the scan starts
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE two_customers('cus_carol');
EXECUTE two_customers('cus_carol');
SELECT * FROM api_calls(8082);
RESET plan_cache_mode;
DEALLOCATE two_customers;
-- not one column, or not equality: PostgreSQL filters
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM p_stripe.charges WHERE customer = 'cus_alice' OR payment_intent = 'pi_x';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM p_stripe.charges WHERE customer = 'cus_alice' OR customer > 'cus_x';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM p_gh.issues WHERE repo = 'octo/hello' OR repo = 'octo/world';

-- ---- 3. date bounds on timestamptz columns: midnight in the session's
-- TimeZone, sent exactly
SET timezone = 'America/New_York';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM p_stripe.charges WHERE created >= '2025-03-01'::date AND created < '2025-03-08'::date;
SELECT (SELECT array_agg(id ORDER BY id) FROM p_stripe.charges
         WHERE created >= '2025-03-01'::date AND created < '2025-03-08'::date)
     = (SELECT array_agg(id ORDER BY id) FROM p_stripe.charges
         WHERE created >= '2025-03-01 00:00-05' AND created < '2025-03-08 00:00-05') AS same_rows;
SELECT * FROM api_calls(8082);
-- date on the left, and equality with a date
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM p_stripe.customers WHERE '2024-03-01'::date <= created;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM p_gh.issues WHERE repo = 'octo/hello' AND updated_at > '2025-01-01'::date;
SELECT (SELECT array_agg(number ORDER BY number) FROM p_gh.issues
         WHERE repo = 'octo/hello' AND updated_at > '2025-01-01'::date)
     = (SELECT array_agg(number ORDER BY number) FROM p_gh.issues
         WHERE repo = 'octo/hello' AND updated_at > '2025-01-01 00:00-05') AS same_rows;
SELECT * FROM api_calls();
-- a bound computed at run time: current_date - 7 (the fake's charges are
-- all older: one request, no row)
SELECT count(*) FROM p_stripe.charges WHERE created >= current_date - 7;
SELECT regexp_replace(r, '[0-9]{9,}', 'N') AS request FROM api_calls(8082) r;
-- infinite dates are not sent: PostgreSQL filters
SELECT count(*) FROM p_stripe.customers WHERE created < 'infinity'::date;
SELECT count(*) FROM p_stripe.customers WHERE created > '-infinity'::date;
SELECT * FROM api_calls(8082);
SET timezone = 'UTC';

-- ---- 4. joins on an id read single objects, one request per outer row
SELECT p_plan($$SELECT ch.id, cu.email FROM p_stripe.charges ch JOIN p_stripe.customers cu ON cu.id = ch.customer
 WHERE ch.id IN ('ch_0042', 'ch_0043', 'ch_0044')$$);
SELECT ch.id, cu.email FROM p_stripe.charges ch JOIN p_stripe.customers cu ON cu.id = ch.customer
 WHERE ch.id IN ('ch_0042', 'ch_0043', 'ch_0044') ORDER BY ch.id;
SELECT * FROM api_calls(8082);
-- ch_0043 has no customer: no request for it
SELECT p_counts($$SELECT ch.id, cu.email FROM p_stripe.charges ch
                  JOIN p_stripe.customers cu ON cu.id = ch.customer
                  WHERE ch.id IN ('ch_0042', 'ch_0043', 'ch_0044')$$);
SELECT * FROM api_calls(8082);
-- a larger outer side (about a third of the charges by the estimate):
-- one request per outer row would cost more than reading the list once
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT p_plan($$SELECT ch.id, cu.email FROM p_stripe.charges ch JOIN p_stripe.customers cu ON cu.id = ch.customer
 WHERE ch.created < '2024-01-20'$$);
RESET enable_hashjoin;
RESET enable_mergejoin;
-- invoices and charges by id from another table
SELECT p_plan($$SELECT r.id, ch.amount FROM p_stripe.refunds r JOIN p_stripe.charges ch ON ch.id = r.charge
 WHERE r.id IN ('re_0001', 're_0002')$$);
-- GitHub's single issue: repo and number from the outer side
SELECT p_plan($$SELECT w.repo, w.number, i.title
  FROM (VALUES ('octo/hello', 3), ('octo/hello', 7)) w(repo, number)
  JOIN p_gh.issues i ON i.repo = w.repo AND i.number = w.number$$);
SELECT w.repo, w.number, i.number = w.number AS same
  FROM (VALUES ('octo/hello', 3), ('octo/hello', 7)) w(repo, number)
  JOIN p_gh.issues i ON i.repo = w.repo AND i.number = w.number ORDER BY 2;
SELECT * FROM api_calls();
-- the repository fixed by WHERE, the number from the outer side
SELECT p_plan($$SELECT w.number, i.title
  FROM (VALUES (3), (7)) w(number)
  JOIN p_gh.issues i ON i.number = w.number
 WHERE i.repo = 'octo/hello'$$);
SELECT w.number, i.number = w.number AS same
  FROM (VALUES (3), (7)) w(number)
  JOIN p_gh.issues i ON i.number = w.number
 WHERE i.repo = 'octo/hello' ORDER BY 1;
SELECT * FROM api_calls();
-- Slack users by id: users.info, one request per user ("user_not_found"
-- is no row, as a 404 is elsewhere)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, name FROM p_slack.users WHERE id = 'U02BOB';
SELECT id, name, real_name FROM p_slack.users WHERE id IN ('U02BOB', 'U99NOBODY');
SELECT * FROM api_calls(8083);
SELECT p_plan($$SELECT v.id, u.name
  FROM (VALUES ('U01ALICE'), ('U03CAROL'), ('U99NOBODY')) v(id)
  JOIN p_slack.users u ON u.id = v.id$$);
SELECT v.id, u.name
  FROM (VALUES ('U01ALICE'), ('U03CAROL'), ('U99NOBODY')) v(id)
  JOIN p_slack.users u ON u.id = v.id ORDER BY 1;
SELECT * FROM api_calls(8083);
-- the same rows as the list
SELECT (SELECT array_agg(u ORDER BY u.id) FROM p_slack.users u
         WHERE id IN ('U01ALICE', 'U03CAROL'))::text
     = (SELECT array_agg(u ORDER BY u.id) FROM p_slack.users u
         WHERE id || '' IN ('U01ALICE', 'U03CAROL'))::text AS same_rows;
SELECT * FROM api_calls(8083);
