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
                 format('curl -sf ''http://127.0.0.1:%s%s''', port, path));
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
-- the fake's count of requests at once starts again
DO $$ BEGIN PERFORM fake_control('/_inflight?clear=1'); END $$;
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
-- the fake's count of requests at once starts again
DO $$ BEGIN PERFORM fake_control('/_inflight?clear=1'); END $$;
SELECT count(*) FROM ahead.issues WHERE repo = 'octo/hello';
SELECT fake_control('/_inflight?clear=1')::int <= 2 AS within_bound;
SELECT count(*) FROM api_calls();
RESET saas_fdw.read_ahead;

-- EXPLAIN ANALYZE: every page requested and read once
SELECT * FROM explain_analyze($$
SELECT count(*) FROM ahead.issues WHERE repo = 'octo/hello'$$);
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

-- one closed on the third page: the pages on their way are dropped.  In
-- pages of 42 the stream has six: once the second has arrived, the third to
-- the sixth (the last) are requested at once, and they are all sent while
-- the scan waits for the third (held 200 ms).  Nothing is requested after
-- that, so the log is complete when the cursor closes: six requests, each
-- page once, none past the bound.
ALTER FOREIGN TABLE ahead.issues OPTIONS (SET page_size '42');
SELECT fake_control('/_delay?ms=200');
BEGIN;
DECLARE c CURSOR FOR SELECT number FROM ahead.issues WHERE repo = 'octo/hello';
MOVE 100 FROM c;
FETCH 1 FROM c;
CLOSE c;
COMMIT;
SELECT line FROM api_calls() AS line ORDER BY line;
ALTER FOREIGN TABLE ahead.issues OPTIONS (SET page_size '10');

-- cancelled while pages are on their way: nothing is left behind, and the
-- session goes on.  On a server with a cache, where each page on its way is
-- claimed (other backends wait for it rather than fetch it too): the first
-- two pages come at once, the four read ahead are held until the statement
-- is cancelled.  After the cancel no claim is left, the two pages that
-- arrived are cached, and the next scan fetches only the other 23.
CREATE SERVER gh_cached FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '600');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_cached OPTIONS (token 'ghp_test');
CREATE FOREIGN TABLE ahead.cached_issues (repo text, number integer)
  SERVER gh_cached OPTIONS (resource 'issues', page_size '10');
SELECT saas_fdw_cache_reset('gh_cached');
SELECT fake_control('/_delay?ms=60000&after=2');
SET statement_timeout = '3s';
SELECT count(*) FROM ahead.cached_issues WHERE repo = 'octo/hello';
RESET statement_timeout;
SELECT fetching FROM saas_fdw_cache_space();
SELECT entries FROM saas_fdw_cache WHERE server = 'gh_cached';
SELECT line FROM api_calls() AS line ORDER BY line;
SELECT fake_control('/_delay?ms=0');
SELECT count(*), count(DISTINCT number) FROM ahead.cached_issues WHERE repo = 'octo/hello';
SELECT count(*) AS requests, min(substring(line from '[?&]page=([0-9]+)')::int) AS first_page,
       max(substring(line from '[?&]page=([0-9]+)')::int) AS last_page
  FROM api_calls() AS line;
SELECT fetching FROM saas_fdw_cache_space();
SELECT entries FROM saas_fdw_cache WHERE server = 'gh_cached';

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
DROP SERVER gh_cached CASCADE;
DROP SERVER stripe_ahead CASCADE;
