--
-- Scan safety (issue 13): EXPLAIN never evaluates a scan's values again
-- nor makes a request while printing; the cap on request streams; no row
-- twice when several request streams return the same item.
-- cache_ttl 0 so every query shows its own requests.
--
SET timezone = 'UTC';
SET saas_fdw.read_ahead = 1;
CREATE SERVER gh13 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh13 OPTIONS (token 'ghp_test');
CREATE SERVER st13 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER st13 OPTIONS (token 'sk_test_123');
CREATE SERVER sl13 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER sl13 OPTIONS (token 'xoxb-test');
CREATE SCHEMA gh13;
IMPORT FOREIGN SCHEMA github FROM SERVER gh13 INTO gh13;
CREATE SCHEMA st13;
IMPORT FOREIGN SCHEMA stripe FROM SERVER st13 INTO st13;
CREATE SCHEMA sl13;
IMPORT FOREIGN SCHEMA slack FROM SERVER sl13 INTO sl13;
SELECT * FROM api_calls();

--
-- 1. EXPLAIN ANALYZE of a parameterized scan: printed from what the plan
-- fixed ({$1} for a value known only at run time) and the counters the
-- scan recorded; nothing is evaluated again after the nested loop.
--
CREATE TEMP TABLE r13 (repo text);
SELECT * FROM explain_analyze($$SELECT i.number FROM r13 JOIN gh13.issues i ON i.repo = r13.repo$$);
INSERT INTO r13 VALUES ('octo/world'), (NULL), ('acme/empty');
SELECT * FROM explain_analyze($$SELECT i.number FROM r13 JOIN gh13.issues i ON i.repo = r13.repo$$);
SELECT * FROM api_calls();
-- the same in VERBOSE (the walk the valgrind suite repeats)
SELECT * FROM explain_analyze($$SELECT i.number FROM r13 JOIN gh13.issues i ON i.repo = r13.repo AND i.state = 'open'$$, true);
SELECT * FROM api_calls();
-- a parameter of a generic plan, with ANALYZE
PREPARE by_repo13(text) AS SELECT count(*) FROM gh13.issues WHERE repo = $1 AND state = 'closed';
SET plan_cache_mode = force_generic_plan;
SELECT * FROM explain_analyze($$EXECUTE by_repo13('octo/world')$$);
RESET plan_cache_mode;
DEALLOCATE by_repo13;
SELECT * FROM api_calls();

--
-- 20. EXPLAIN ANALYZE makes no request while printing: an InitPlan value
-- is shown by its name ({$0}; {(InitPlan 1).col1} from PostgreSQL 17 on),
-- not evaluated again (here the InitPlan is a scan of its own, which
-- LIMIT 0 never ran).
--
SELECT * FROM explain_analyze($$SELECT number FROM gh13.issues
 WHERE repo = (SELECT s.repo FROM gh13.issues s WHERE s.repo = 'octo/world' AND s.number = 1)
 LIMIT 0$$);
SELECT * FROM api_calls();
SELECT * FROM explain_analyze($$SELECT number FROM gh13.issues
 WHERE repo = (SELECT 'octo/' || 'world') AND number = (SELECT 1 + 1)$$);
SELECT * FROM api_calls();

--
-- 6. The cap on request streams: the product of IN lists past
-- saas_fdw.max_streams is refused before any request.
--
SHOW saas_fdw.max_streams;
SET saas_fdw.max_streams = 4;
-- 2 repos x 2 states: 4 streams, allowed
SELECT count(*) FROM gh13.issues
 WHERE repo IN ('octo/world', 'acme/empty') AND state IN ('open', 'closed');
SELECT * FROM api_calls();
-- 3 repos x 2 states: refused, no request
SELECT count(*) FROM gh13.issues
 WHERE repo IN ('octo/world', 'acme/empty', 'octo/hello') AND state IN ('open', 'closed');
EXPLAIN (COSTS OFF) SELECT number FROM gh13.issues
 WHERE repo IN ('octo/world', 'acme/empty', 'octo/hello') AND state IN ('open', 'closed');
SELECT * FROM api_calls();
-- a parameter array is counted when the scan starts
PREPARE many13(text[]) AS SELECT count(*) FROM gh13.issues WHERE repo = ANY ($1) AND state IN ('open', 'closed');
SET plan_cache_mode = force_generic_plan;
EXECUTE many13('{octo/world,acme/empty,octo/hello}');
RESET plan_cache_mode;
DEALLOCATE many13;
SELECT * FROM api_calls();
RESET saas_fdw.max_streams;

--
-- 7. The product of IN lists can be cancelled while it is built: a product
-- of 4 million streams under a raised cap ends at statement_timeout, long
-- before it would be complete.
--
SET saas_fdw.max_streams = 2147483647;
SET statement_timeout = '500ms';
DO $$
DECLARE
  started timestamptz := clock_timestamp();
BEGIN
  BEGIN
    EXECUTE format('EXPLAIN SELECT number FROM gh13.issues WHERE repo = ANY (%L) AND milestone = ANY (%L)',
                   (SELECT array_agg('octo/r' || g) FROM generate_series(1, 2000) g),
                   (SELECT array_agg(g) FROM generate_series(1, 2000) g));
    RAISE NOTICE 'not cancelled';
  EXCEPTION WHEN query_canceled THEN
    RAISE NOTICE 'cancelled within 10 s: %', clock_timestamp() - started < interval '10 s';
  END;
END $$;
RESET statement_timeout;
RESET saas_fdw.max_streams;
SELECT * FROM api_calls();

--
-- 14. An IN list beside a single-item lookup: the single-item endpoint
-- takes no list parameter, so it is requested once; PostgreSQL rechecks
-- the IN list.
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, state FROM gh13.issues
 WHERE repo = 'octo/hello' AND state IN ('open', 'closed') AND number = 2;
SELECT number, state FROM gh13.issues
 WHERE repo = 'octo/hello' AND state IN ('open', 'closed') AND number = 2;
SELECT * FROM api_calls();
SELECT id, customer FROM st13.charges WHERE id = 'ch_0300';
SELECT * FROM api_calls(8082);
SELECT id FROM st13.charges
 WHERE id = 'ch_0300' AND customer IN ('cus_alice', 'cus_bob', (SELECT customer FROM st13.charges WHERE id = 'ch_0300'));
SELECT * FROM api_calls(8082);
-- a key IN list still makes one single-item request per key
SELECT repo, number FROM gh13.issues
 WHERE repo IN ('octo/hello', 'octo/world') AND state IN ('open', 'closed') AND number = 2
 ORDER BY repo;
SELECT * FROM api_calls();

--
-- 15. The API matches some values without case (GitHub logins and
-- repository names): streams that return the same item return it once.
--
SELECT count(*) AS rows, count(DISTINCT id) AS issues FROM gh13.issues
 WHERE repo = 'octo/world' AND user_login = 'octocat';
SELECT count(*) AS rows, count(DISTINCT id) AS issues FROM gh13.issues
 WHERE repo = 'octo/world' AND user_login IN ('octocat', 'OctoCat');
SELECT * FROM explain_analyze($$SELECT id FROM gh13.issues WHERE repo = 'octo/world' AND user_login IN ('octocat', 'OctoCat')$$);
SELECT * FROM api_calls();
SELECT repo, count(*) AS rows, count(DISTINCT id) AS issues FROM gh13.issues
 WHERE repo IN ('octo/world', 'OCTO/WORLD') GROUP BY 1;
SELECT * FROM api_calls();
-- the same issue through two single-item requests
SELECT repo, number FROM gh13.issues WHERE repo IN ('octo/hello', 'Octo/Hello') AND number = 2;
SELECT * FROM api_calls();
-- a Slack ts names a message within its channel: a thread read through its
-- parent's ts and through a reply's ts is returned once
SELECT count(*) AS rows, count(DISTINCT ts) AS messages FROM sl13.replies
 WHERE channel = 'C01GENERAL' AND thread_ts = '1766818563.270100';
SELECT count(*) AS rows, count(DISTINCT ts) AS messages FROM sl13.replies
 WHERE channel = 'C01GENERAL'
   AND thread_ts IN ('1766818563.270100',
                     (SELECT max(ts) FROM sl13.replies
                       WHERE channel = 'C01GENERAL' AND thread_ts = '1766818563.270100'));
SELECT * FROM api_calls(8083);
-- a parameterized scan runs its streams again for every outer row: each
-- outer row gets its rows (the identities are kept per rescan)
SELECT r.repo, count(i.id) FROM (VALUES ('octo/world'), ('octo/world')) r(repo)
  JOIN gh13.issues i ON i.repo = r.repo AND i.state IN ('open', 'closed')
 GROUP BY 1;
SELECT * FROM api_calls();

DROP SCHEMA gh13 CASCADE;
DROP SCHEMA st13 CASCADE;
DROP SCHEMA sl13 CASCADE;
DROP USER MAPPING FOR CURRENT_USER SERVER gh13;
DROP USER MAPPING FOR CURRENT_USER SERVER st13;
DROP USER MAPPING FOR CURRENT_USER SERVER sl13;
DROP SERVER gh13;
DROP SERVER st13;
DROP SERVER sl13;
