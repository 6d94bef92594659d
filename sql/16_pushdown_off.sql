--
-- saas_fdw.pushdown: off sends only what names the request (the key
-- columns); every other qual, ORDER BY and LIMIT is evaluated locally.
-- test/suites/differential.sh compares the two settings on random queries.
--
SET timezone = 'UTC';
SET saas_fdw.read_ahead = 1;
CREATE SERVER pd_gh FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER pd_gh OPTIONS (token 'ghp_test');
CREATE SERVER pd_stripe FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER pd_stripe OPTIONS (token 'sk_test_123');
CREATE SCHEMA pd;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER pd_gh INTO pd;
IMPORT FOREIGN SCHEMA stripe LIMIT TO (customers) FROM SERVER pd_stripe INTO pd;
SHOW saas_fdw.pushdown;

-- on (the default): state, creator and the order are sent, the LIMIT
-- shrinks the page
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM pd.issues
 WHERE repo = 'octo/world' AND state = 'closed' AND user_login = 'hubot'
 ORDER BY created_at LIMIT 3;
SELECT number FROM pd.issues
 WHERE repo = 'octo/world' AND state = 'closed' AND user_login = 'hubot'
 ORDER BY created_at LIMIT 3;
SELECT * FROM api_calls();

-- off: only the repository is sent; the filter, the sort and the limit
-- are local, and the rows are the same
SET saas_fdw.pushdown = off;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number FROM pd.issues
 WHERE repo = 'octo/world' AND state = 'closed' AND user_login = 'hubot'
 ORDER BY created_at LIMIT 3;
SELECT number FROM pd.issues
 WHERE repo = 'octo/world' AND state = 'closed' AND user_login = 'hubot'
 ORDER BY created_at LIMIT 3;
SELECT * FROM api_calls();

-- a key column's IN list still names one request per value
EXPLAIN (VERBOSE, COSTS OFF)
SELECT repo, count(*) FROM pd.issues
 WHERE repo IN ('octo/world', 'acme/empty') AND milestone IS NULL GROUP BY repo;
SELECT repo, count(*) FROM pd.issues
 WHERE repo IN ('octo/world', 'acme/empty') AND milestone IS NULL GROUP BY repo ORDER BY repo;
SELECT * FROM api_calls();

-- the single-object key is not a key column: number = n lists the
-- repository and filters locally
EXPLAIN (VERBOSE, COSTS OFF)
SELECT number, state FROM pd.issues WHERE repo = 'octo/world' AND number = 7;
SELECT number, state FROM pd.issues WHERE repo = 'octo/world' AND number = 7;
SELECT * FROM api_calls();

-- Stripe: no key column at all; the e-mail, the time range and the
-- LIMIT stay local (cus_dave and cus_dave2 share an e-mail and a created
-- time, so the rows are shown by id)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM pd.customers
 WHERE email = 'dave@example.com' AND created >= '2024-01-01' ORDER BY created DESC LIMIT 2;
SELECT id FROM (SELECT id FROM pd.customers
  WHERE email = 'dave@example.com' AND created >= '2024-01-01' ORDER BY created DESC LIMIT 2) s
 ORDER BY id;
SELECT * FROM api_calls(8082);

-- back on: the same query is pushed again
RESET saas_fdw.pushdown;
SELECT id FROM (SELECT id FROM pd.customers
  WHERE email = 'dave@example.com' AND created >= '2024-01-01' ORDER BY created DESC LIMIT 2) s
 ORDER BY id;
SELECT * FROM api_calls(8082);

DROP SCHEMA pd CASCADE;
DROP SERVER pd_gh CASCADE;
DROP SERVER pd_stripe CASCADE;
