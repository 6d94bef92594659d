--
-- Stripe: charges, customers, refunds and invoices against the fake Stripe
-- API on 127.0.0.1:8082.  Every pushdown rule: the request in EXPLAIN, the
-- rows equal to the same query with the filter kept local, and the
-- requests made.  cache_ttl 0 so every query shows its own requests.
--
SET timezone = 'UTC';
-- each range as one request stream (sql/44_range_split.sql tests the split)
SET saas_fdw.range_streams = 1;
-- the fake's one-time fixtures (cus_ratelimited, cus_flaky) fire again (no row goes
-- to curl, which does not read it: a write could meet a closed pipe)
COPY (SELECT 1 WHERE false) TO PROGRAM 'curl -sf http://127.0.0.1:8082/_reset >/dev/null';
CREATE SERVER stripe FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER stripe OPTIONS (token 'sk_test_123');
CREATE SCHEMA stripe;
IMPORT FOREIGN SCHEMA stripe FROM SERVER stripe INTO stripe;
\d stripe.charges
\d stripe.customers
\d stripe.refunds
\d stripe.invoices
SELECT * FROM api_calls(8082);

--
-- Cursor pagination: limit=100, then starting_after = the last id of the
-- page, until has_more is false.
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges;
SELECT count(*), count(DISTINCT id), min(id), max(id) FROM stripe.charges;
SELECT * FROM api_calls(8082);
-- pages of 67 end on ch_0100, which shares its created with ch_0099: the
-- cursor is the id, so the tie is not lost across the page boundary
ALTER FOREIGN TABLE stripe.charges OPTIONS (ADD page_size '67');
SELECT array_agg(id) = (SELECT array_agg(format('ch_%s', lpad(n::text, 4, '0')) ORDER BY n DESC)
                          FROM generate_series(1, 300) n) AS every_charge_newest_first
  FROM stripe.charges;
SELECT * FROM api_calls(8082);
ALTER FOREIGN TABLE stripe.charges OPTIONS (DROP page_size);

--
-- Columns: ids, amounts as bigint in the smallest unit beside currency,
-- created as timestamptz, expandable ids, metadata and attrs as jsonb.
--
SELECT id, amount, amount_captured, amount_refunded, currency, created, customer,
       payment_intent, status, paid, refunded, disputed, captured, description,
       card_brand, card_last4, billing_email, failure_code, metadata, livemode
  FROM stripe.charges WHERE id IN ('ch_0042', 'ch_0043', 'ch_0048', 'ch_0096') ORDER BY id;
SELECT pg_typeof(amount) AS amount_type, pg_typeof(created) AS created_type,
       pg_typeof(metadata) AS metadata_type
  FROM stripe.charges WHERE id = 'ch_0001';
-- customer is an expandable field: the column holds the id (a guest charge
-- has none), the same value attrs holds
SELECT id, customer, attrs->'customer' AS in_attrs, metadata->>'order_id' AS order_id
  FROM stripe.charges WHERE id IN ('ch_0001', 'ch_0003') ORDER BY id;
SELECT id, email, name, phone, currency, balance, delinquent, created, metadata
  FROM stripe.customers ORDER BY created, id;
SELECT * FROM api_calls(8082);

--
-- created comparisons: Stripe counts whole seconds, timestamptz has
-- microseconds; each bound is rounded by its operator so it stays exact.
-- ch_0099 and ch_0100 were both created at 2024-08-27 19:58:56.
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE created > '2024-08-27 19:58:56+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE created > '2024-08-27 19:58:55.5+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE created >= '2024-08-27 19:58:55.5+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE created < '2024-08-27 19:58:56.5+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE created <= '2024-08-27 19:58:56.5+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE created = '2024-08-27 19:58:56+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE created = '2024-08-27 19:58:56.5+00';
-- the rows near the boundary (the id range is checked locally)
SELECT array_agg(id ORDER BY id) AS gt_whole FROM stripe.charges
 WHERE created > '2024-08-27 19:58:56+00' AND id BETWEEN 'ch_0098' AND 'ch_0101';
SELECT array_agg(id ORDER BY id) AS gt_fraction FROM stripe.charges
 WHERE created > '2024-08-27 19:58:55.5+00' AND id BETWEEN 'ch_0098' AND 'ch_0101';
SELECT array_agg(id ORDER BY id) AS ge_fraction FROM stripe.charges
 WHERE created >= '2024-08-27 19:58:55.5+00' AND id BETWEEN 'ch_0098' AND 'ch_0101';
SELECT array_agg(id ORDER BY id) AS lt_fraction FROM stripe.charges
 WHERE created < '2024-08-27 19:58:56.5+00' AND id BETWEEN 'ch_0098' AND 'ch_0101';
SELECT array_agg(id ORDER BY id) AS lt_whole FROM stripe.charges
 WHERE created < '2024-08-27 19:58:56+00' AND id BETWEEN 'ch_0098' AND 'ch_0101';
SELECT array_agg(id ORDER BY id) AS le_fraction FROM stripe.charges
 WHERE created <= '2024-08-27 19:58:56.5+00' AND id BETWEEN 'ch_0098' AND 'ch_0101';
SELECT array_agg(id ORDER BY id) AS le_fraction_below FROM stripe.charges
 WHERE created <= '2024-08-27 19:58:55.5+00' AND id BETWEEN 'ch_0098' AND 'ch_0101';
SELECT * FROM api_calls(8082);
-- pushed bounds give the rows a local filter gives
SELECT (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created > '2024-08-27 19:58:56+00')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created + '0s' > '2024-08-27 19:58:56+00') AS gt_whole,
       (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created > '2024-08-27 19:58:55.5+00')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created + '0s' > '2024-08-27 19:58:55.5+00') AS gt_fraction,
       (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created >= '2024-08-27 19:58:55.5+00')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created + '0s' >= '2024-08-27 19:58:55.5+00') AS ge_fraction,
       (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created < '2024-08-27 19:58:56.5+00')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created + '0s' < '2024-08-27 19:58:56.5+00') AS lt_fraction,
       (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created <= '2024-08-27 19:58:56.5+00')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created + '0s' <= '2024-08-27 19:58:56.5+00') AS le_fraction;
SELECT * FROM api_calls(8082);
-- = with a whole second asks for that second; with a fraction it matches
-- nothing and makes no request
SELECT id FROM stripe.charges WHERE created = '2024-08-27 19:58:56+00' ORDER BY id;
SELECT id FROM stripe.charges WHERE created = '2024-08-27 19:58:56.5+00';
SELECT * FROM api_calls(8082);
-- both bounds together: one request with both
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges
 WHERE created >= '2024-08-20 03:39:54+00' AND created <= '2024-09-01 04:03:28+00';
SELECT array_agg(id ORDER BY id) FROM stripe.charges
 WHERE created >= '2024-08-20 03:39:54+00' AND created <= '2024-09-01 04:03:28+00';
SELECT * FROM api_calls(8082);
SELECT (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created >= '2025-01-01' AND created < '2026-01-01')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE created + '0s' >= '2025-01-01' AND created + '0s' < '2026-01-01') AS same_rows,
       (SELECT count(*) FROM stripe.charges
         WHERE created >= '2025-01-01' AND created < '2026-01-01') AS in_2025;
SELECT * FROM api_calls(8082);
-- a second bound on the same side stays local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges
 WHERE created > '2025-01-01' AND created > '2025-06-01';

--
-- Equality filters of the list endpoints: exact.
--
-- charges: customer =, payment_intent =
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE customer = 'cus_grace';
SELECT (SELECT array_agg(id ORDER BY id) FROM stripe.charges WHERE customer = 'cus_grace')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.charges WHERE customer || '' = 'cus_grace') AS same_rows,
       (SELECT count(*) FROM stripe.charges WHERE customer = 'cus_grace') AS grace_charges;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE payment_intent = 'pi_0098';
SELECT id, payment_intent FROM stripe.charges WHERE payment_intent = 'pi_0098';
SELECT * FROM api_calls(8082);
-- customer IN (...): one request stream per customer
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE customer IN ('cus_grace', 'cus_erin');
SELECT customer, count(*) FROM stripe.charges
 WHERE customer IN ('cus_grace', 'cus_erin') GROUP BY 1 ORDER BY 1;
SELECT * FROM api_calls(8082);
-- customer and created together
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE customer = 'cus_alice' AND created >= '2025-07-01';
SELECT (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE customer = 'cus_alice' AND created >= '2025-07-01')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.charges
         WHERE customer || '' = 'cus_alice' AND created + '0s' >= '2025-07-01') AS same_rows;
SELECT * FROM api_calls(8082);

-- refunds: charge =, payment_intent =, created
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.refunds WHERE charge = 'ch_0042';
SELECT id, amount, currency, charge, payment_intent, reason, status, created
  FROM stripe.refunds WHERE charge = 'ch_0042';
SELECT (SELECT array_agg(id ORDER BY id) FROM stripe.refunds WHERE charge = 'ch_0066')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.refunds WHERE charge || '' = 'ch_0066') AS same_rows;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.refunds WHERE payment_intent = 'pi_0042';
SELECT id FROM stripe.refunds WHERE payment_intent = 'pi_0042' ORDER BY id;
SELECT (SELECT array_agg(id ORDER BY id) FROM stripe.refunds WHERE created < '2025-01-01')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.refunds WHERE created + '0s' < '2025-01-01') AS same_rows;
SELECT * FROM api_calls(8082);

-- invoices: status =, subscription =, customer =, collection_method =
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.invoices WHERE status = 'open';
SELECT (SELECT array_agg(id ORDER BY id) FROM stripe.invoices WHERE status = 'open')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.invoices WHERE status || '' = 'open') AS same_rows,
       (SELECT count(*) FROM stripe.invoices WHERE status = 'open') AS open_invoices;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.invoices WHERE subscription = 'sub_bob';
SELECT id, customer, subscription, status, collection_method, number, currency,
       amount_due, amount_paid, amount_remaining, subtotal, total, created, due_date
  FROM stripe.invoices WHERE subscription = 'sub_bob' ORDER BY id;
SELECT * FROM api_calls(8082);
-- status IN (...): one request per value
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.invoices WHERE status IN ('draft', 'void');
SELECT status, count(*) FROM stripe.invoices WHERE status IN ('draft', 'void') GROUP BY 1 ORDER BY 1;
SELECT * FROM api_calls(8082);
-- a value Stripe does not know matches no row: not sent (Stripe would refuse it)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.invoices WHERE status = 'Open';
SELECT count(*) FROM stripe.invoices WHERE status = 'Open';
SELECT count(*) FROM stripe.invoices WHERE status IN ('Paid', 'void') AND collection_method = 'send_invoice';
SELECT count(*) FROM stripe.invoices WHERE collection_method = 'manual';
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.invoices
 WHERE customer = 'cus_alice' AND status = 'open' AND collection_method = 'send_invoice';
SELECT (SELECT array_agg(id ORDER BY id) FROM stripe.invoices
         WHERE customer = 'cus_alice' AND status = 'open' AND collection_method = 'send_invoice')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.invoices
         WHERE customer || '' = 'cus_alice' AND status || '' = 'open'
           AND collection_method || '' = 'send_invoice') AS same_rows;
SELECT * FROM api_calls(8082);

-- customers: email = is exact and case-sensitive, as SQL = is
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.customers WHERE email = 'Carol@Example.com';
SELECT id, email FROM stripe.customers WHERE email = 'Carol@Example.com';
SELECT id, email FROM stripe.customers WHERE email = 'carol@example.com';
SELECT id, email FROM stripe.customers WHERE email = 'dave@example.com' ORDER BY id;
SELECT * FROM api_calls(8082);
-- a case-insensitive match stays local: every customer is read
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.customers WHERE lower(email) = 'carol@example.com';
SELECT id FROM stripe.customers WHERE email ILIKE 'carol@%';
SELECT * FROM api_calls(8082);

--
-- id = reads the single object; id IN (...) one request each; a missing id
-- (404) is no row, not an error.
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, amount FROM stripe.charges WHERE id = 'ch_0042';
SELECT id, amount, customer FROM stripe.charges WHERE id = 'ch_0042';
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.customers WHERE id IN ('cus_bob', 'cus_nobody', 'cus_grace');
SELECT id, name FROM stripe.customers WHERE id IN ('cus_bob', 'cus_nobody', 'cus_grace') ORDER BY id;
SELECT * FROM api_calls(8082);
SELECT id FROM stripe.refunds WHERE id = 're_9999';
SELECT id, status FROM stripe.invoices WHERE id = 'in_0046';
SELECT * FROM api_calls(8082);
-- other filters beside id are checked locally
SELECT id FROM stripe.charges WHERE id = 'ch_0042' AND customer = 'cus_nobody';
SELECT * FROM api_calls(8082);

--
-- Lists are newest first: ORDER BY created DESC needs no Sort, and LIMIT
-- asks for that many when every filter was pushed exactly.
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, created FROM stripe.charges ORDER BY created DESC LIMIT 5;
SELECT id, created FROM stripe.charges ORDER BY created DESC LIMIT 5;
SELECT * FROM api_calls(8082);
-- with a selective filter too, the API's order under a LIMIT wins: one
-- request of the LIMIT's size (issue 16)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, created FROM stripe.charges WHERE customer = 'cus_bob' ORDER BY created DESC LIMIT 3;
SELECT id, created FROM stripe.charges WHERE customer = 'cus_bob' ORDER BY created DESC LIMIT 3;
SELECT * FROM api_calls(8082);
-- the API's order is the order of a local sort
SELECT (SELECT array_agg(created) FROM (SELECT created FROM stripe.charges ORDER BY created DESC) s)
     = (SELECT array_agg(created) FROM (SELECT created FROM stripe.charges ORDER BY created + '0s' DESC) s)
       AS same_order;
SELECT * FROM api_calls(8082);
-- ascending order is sorted by PostgreSQL
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges ORDER BY created LIMIT 5;
-- no order is claimed over several streams
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE customer IN ('cus_bob', 'cus_erin') ORDER BY created DESC LIMIT 5;
-- a filter kept local: LIMIT cannot shrink the page
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.charges WHERE status = 'failed' LIMIT 5;
SELECT count(*) FROM (SELECT id FROM stripe.charges WHERE status = 'failed' LIMIT 5) s;
SELECT * FROM api_calls(8082);

-- due_date ranges (invoices sent for payment have one; NULL never matches)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM stripe.invoices WHERE due_date < '2024-06-01';
SELECT (SELECT array_agg(id ORDER BY id) FROM stripe.invoices WHERE due_date < '2024-06-01')
     = (SELECT array_agg(id ORDER BY id) FROM stripe.invoices WHERE due_date + '0s' < '2024-06-01') AS same_rows;
SELECT * FROM api_calls(8082);

--
-- Transient failures are retried: a 429 with Stripe-Should-Retry: true, a
-- 500 api_error (the fake answers each only once per URL).
--
SELECT count(*) FROM stripe.charges WHERE customer = 'cus_ratelimited';
SELECT * FROM api_calls(8082);
SELECT count(*) FROM stripe.charges WHERE customer = 'cus_flaky';
SELECT * FROM api_calls(8082);

--
-- Errors: a wrong key is a 401 with Stripe's message (the key masked).
--
CREATE SERVER stripe_wrong FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER stripe_wrong OPTIONS (token 'sk_test_wrong_key_0000');
CREATE SCHEMA stripe_wrong;
IMPORT FOREIGN SCHEMA stripe LIMIT TO (charges) FROM SERVER stripe_wrong INTO stripe_wrong;
SELECT count(*) FROM stripe_wrong.charges;
SELECT * FROM api_calls(8082);
DROP SCHEMA stripe_wrong CASCADE;
DROP SERVER stripe_wrong CASCADE;
