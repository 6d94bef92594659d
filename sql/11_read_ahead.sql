--
-- Read-ahead: pages are requested before the scan needs them, several at
-- once where the API numbers its pages (GitHub), one ahead where the next
-- page is known only from the current one (Stripe, Slack).  Every page is
-- still requested exactly once, never more than saas_fdw.read_ahead are on
-- their way, a query that may stop early reads nothing ahead, and a scan
-- that ends or fails leaves no request behind.
--
CREATE TEMP TABLE fake_reply (line text);
CREATE FUNCTION fake_control(path text, port int DEFAULT 8081) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE fake_reply;
  EXECUTE format('COPY fake_reply FROM PROGRAM %L',
                 format('curl -sf http://127.0.0.1:%s%s', port, path));
  RETURN (SELECT string_agg(line, ' ') FROM fake_reply);
END $$;

CREATE SERVER gh_ahead FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_ahead OPTIONS (token 'ghp_test');
CREATE SCHEMA ahead;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER gh_ahead INTO ahead;
ALTER FOREIGN TABLE ahead.issues OPTIONS (ADD page_size '10');
SELECT count(*) FROM api_calls();

-- 25 pages of 10; each response held 50 ms so requests overlap
SELECT fake_control('/_delay?ms=50');
SELECT fake_control('/_inflight?clear=1') IS NOT NULL AS cleared;
SHOW saas_fdw.read_ahead;
SELECT count(*), count(DISTINCT number) FROM ahead.issues WHERE repo = 'octo/hello';
SELECT count(*) AS requests, count(DISTINCT line) AS distinct_requests,
       count(*) FILTER (WHERE line LIKE '%&page=%') AS numbered
  FROM api_calls() AS line;
SELECT fake_control('/_inflight?clear=1')::int BETWEEN 2 AND 4 AS overlapped_within_bound;

-- the same rows as one page at a time
SET saas_fdw.read_ahead = 0;
CREATE TEMP TABLE one_at_a_time AS
  SELECT number, title FROM ahead.issues WHERE repo = 'octo/hello';
SELECT fake_control('/_inflight?clear=1')::int AS in_flight_without_read_ahead;
RESET saas_fdw.read_ahead;
SELECT count(*) AS differences FROM (
  (SELECT number, title FROM ahead.issues WHERE repo = 'octo/hello'
   EXCEPT SELECT * FROM one_at_a_time)
  UNION ALL
  (SELECT * FROM one_at_a_time
   EXCEPT SELECT number, title FROM ahead.issues WHERE repo = 'octo/hello')) d;
SELECT count(*) FROM api_calls();

-- a smaller bound is kept
SET saas_fdw.read_ahead = 2;
SELECT fake_control('/_inflight?clear=1') IS NOT NULL AS cleared;
SELECT count(*) FROM ahead.issues WHERE repo = 'octo/hello';
SELECT fake_control('/_inflight?clear=1')::int <= 2 AS within_bound;
SELECT count(*) FROM api_calls();
RESET saas_fdw.read_ahead;

-- EXPLAIN ANALYZE: every page requested and read once
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM ahead.issues WHERE repo = 'octo/hello';
SELECT count(*) FROM api_calls();

-- a LIMIT may stop the scan early: no page is read ahead
SELECT number FROM ahead.issues WHERE repo = 'octo/hello' AND title <> '' LIMIT 15;
SELECT * FROM api_calls();

-- a scan that stops within the first page reads nothing ahead (a tool's
-- setMaxRows, a cursor closed early)
BEGIN;
DECLARE c CURSOR FOR SELECT number FROM ahead.issues WHERE repo = 'octo/hello';
FETCH 3 FROM c;
CLOSE c;
COMMIT;
SELECT * FROM api_calls();

-- one closed on the third page: the pages on their way are dropped
BEGIN;
DECLARE c CURSOR FOR SELECT number FROM ahead.issues WHERE repo = 'octo/hello';
MOVE 25 FROM c;
CLOSE c;
COMMIT;
SELECT count(*) BETWEEN 3 AND 3 + 4 AS within_read_ahead FROM api_calls();

-- cancelled while pages are on their way: nothing is left behind, and the
-- session goes on
SELECT fake_control('/_delay?ms=2000');
SET statement_timeout = '500ms';
SELECT count(*) FROM ahead.issues WHERE repo = 'octo/hello';
RESET statement_timeout;
SELECT fake_control('/_delay?ms=0');
SELECT count(*) FROM ahead.issues WHERE repo = 'octo/hello';
SELECT count(*) > 0 AS requested FROM api_calls();

-- Stripe: the next page follows from the last id, so one page ahead, and
-- the requests are the same as one at a time
CREATE SERVER stripe_ahead FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER stripe_ahead OPTIONS (token 'sk_test_123');
IMPORT FOREIGN SCHEMA stripe LIMIT TO (charges) FROM SERVER stripe_ahead INTO ahead;
ALTER FOREIGN TABLE ahead.charges OPTIONS (ADD page_size '50');
SELECT count(*) FROM api_calls(8082);
SELECT count(*) FROM ahead.charges;
SELECT count(*) AS requests, count(DISTINCT line) AS distinct_requests
  FROM api_calls(8082) AS line;

SELECT fake_control('/_reset');
DROP SCHEMA ahead CASCADE;
DROP SERVER gh_ahead CASCADE;
DROP SERVER stripe_ahead CASCADE;
