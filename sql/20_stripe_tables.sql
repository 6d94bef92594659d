--
-- Stripe: payment_intents, subscriptions, balance_transactions, products,
-- prices, events, disputes and payouts against the fake Stripe API on
-- 127.0.0.1:8082.  For each pushdown rule: the request in EXPLAIN, the rows
-- equal to the same query with the filter kept local, and the requests made.
--
SET timezone = 'UTC';
-- each range as one request stream (sql/44_range_split.sql tests the split)
SET saas_fdw.range_streams = 1;
-- start from an empty request log (an earlier test may have left requests)
DO $$ BEGIN PERFORM api_calls(8082); END $$;
CREATE SERVER stripe20 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER stripe20 OPTIONS (token 'sk_test_123');
CREATE SCHEMA s20;
IMPORT FOREIGN SCHEMA stripe
  LIMIT TO (payment_intents, subscriptions, balance_transactions, products, prices,
            events, disputes, payouts)
  FROM SERVER stripe20 INTO s20;
SELECT c.relname, obj_description(c.oid) AS comment,
       (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0) AS columns
  FROM pg_class c WHERE c.relnamespace = 's20'::regnamespace ORDER BY 1;
SELECT attname, col_description(attrelid, attnum)
  FROM pg_attribute WHERE attrelid IN ('s20.events'::regclass, 's20.subscriptions'::regclass)
   AND attnum > 0 AND attname IN ('created', 'id', 'current_period_end', 'status', 'price_ids')
 ORDER BY attrelid::regclass::text, attnum;
SELECT * FROM api_calls(8082);

--
-- payment_intents: every page; customer =, created ranges
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.payment_intents;
-- one copy of every row (three pages), for comparisons kept local
CREATE TEMP TABLE pi_copy AS SELECT * FROM s20.payment_intents;
SELECT count(*), count(DISTINCT id), min(id), max(id) FROM pi_copy;
SELECT * FROM api_calls(8082);
SELECT id, amount, amount_capturable, amount_received, currency, status, customer,
       latest_charge, payment_method, capture_method, created
  FROM s20.payment_intents WHERE id IN ('pi_0002', 'pi_0042') ORDER BY id;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s20.payment_intents WHERE customer = 'cus_grace' AND created >= '2025-01-01';
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.payment_intents
         WHERE customer = 'cus_grace' AND created >= '2025-01-01')
     = (SELECT array_agg(id ORDER BY id) FROM pi_copy
         WHERE customer = 'cus_grace' AND created >= '2025-01-01') AS same_rows,
       (SELECT count(*) FROM s20.payment_intents
         WHERE customer = 'cus_grace' AND created >= '2025-01-01') AS grace_2025;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s20.payment_intents WHERE created > '2025-06-01 00:00:00.5' AND created <= '2025-06-30';
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.payment_intents
         WHERE created > '2025-06-01 00:00:00.5' AND created <= '2025-06-30')
     = (SELECT array_agg(id ORDER BY id) FROM pi_copy
         WHERE created > '2025-06-01 00:00:00.5' AND created <= '2025-06-30') AS same_rows;
SELECT * FROM api_calls(8082);
-- newest first: ORDER BY created DESC LIMIT needs no Sort and asks for 3
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, created FROM s20.payment_intents ORDER BY created DESC LIMIT 3;
SELECT id, created FROM s20.payment_intents ORDER BY created DESC LIMIT 3;
SELECT * FROM api_calls(8082);

--
-- subscriptions: without a status filter status=all is sent (Stripe leaves
-- canceled ones out otherwise); status is an enum; customer =, price
-- (an element of price_ids), collection_method, created, and upper bounds of
-- current_period_end (rechecked)
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.subscriptions;
CREATE TEMP TABLE sub_copy AS SELECT * FROM s20.subscriptions;
SELECT status, count(*) FROM sub_copy GROUP BY 1 ORDER BY 1;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.subscriptions WHERE status = 'canceled';
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.subscriptions WHERE status = 'canceled')
     = (SELECT array_agg(id ORDER BY id) FROM sub_copy WHERE status = 'canceled') AS same_rows;
SELECT * FROM api_calls(8082);
-- values Stripe only knows as requests ('all', 'ended') or not at all match
-- no row of the status column: no request
SELECT count(*) FROM s20.subscriptions WHERE status IN ('all', 'ended', 'Active');
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s20.subscriptions WHERE customer = 'cus_bob' AND collection_method = 'send_invoice';
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.subscriptions
         WHERE customer = 'cus_bob' AND collection_method = 'charge_automatically')
     = (SELECT array_agg(id ORDER BY id) FROM sub_copy
         WHERE customer = 'cus_bob' AND collection_method = 'charge_automatically') AS same_rows;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.subscriptions WHERE 'price_0016' = ANY (price_ids);
SELECT id, price_ids, status FROM s20.subscriptions WHERE 'price_0016' = ANY (price_ids) ORDER BY id;
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.subscriptions WHERE price_ids @> '{price_0002}')
     = (SELECT array_agg(id ORDER BY id) FROM sub_copy WHERE price_ids @> '{price_0002}') AS same_rows;
SELECT * FROM api_calls(8082);
-- current_period_end is the first item's; Stripe compares the earliest
-- item's, so an upper bound is sent and rechecked, a lower bound stays local
SELECT id, current_period_end,
       to_timestamp((attrs->'items'->'data'->1->>'current_period_end')::bigint) AS second_item_end
  FROM s20.subscriptions WHERE id = 'sub_0008';
-- Stripe returns sub_0008 for this bound (its second item ends before it);
-- the recheck on the first item's end removes it
SELECT id, current_period_end FROM s20.subscriptions
 WHERE current_period_end <= '2024-05-25' AND created >= '2024-03-01' ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s20.subscriptions WHERE current_period_end < '2025-01-01';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s20.subscriptions WHERE current_period_end >= '2025-01-01' LIMIT 3;
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.subscriptions WHERE current_period_end <= '2024-10-01')
     = (SELECT array_agg(id ORDER BY id) FROM sub_copy WHERE current_period_end <= '2024-10-01') AS same_rows;
SELECT * FROM api_calls(8082);
-- the table option status replaces the default status=all ('ended' is
-- Stripe's canceled and incomplete_expired); only Stripe's values are taken
ALTER FOREIGN TABLE s20.subscriptions OPTIONS (ADD status 'ended');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.subscriptions;
SELECT status, count(*) FROM s20.subscriptions GROUP BY 1 ORDER BY 1;
SELECT * FROM api_calls(8082);
ALTER FOREIGN TABLE s20.subscriptions OPTIONS (SET status 'expired');
ALTER FOREIGN TABLE s20.subscriptions OPTIONS (DROP status);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.subscriptions WHERE created < '2024-03-01';
SELECT array_agg(id ORDER BY id) FROM s20.subscriptions WHERE created < '2024-03-01';
SELECT * FROM api_calls(8082);

--
-- balance_transactions: every page; type (an enum), source =, created
--
CREATE TEMP TABLE bt_copy AS SELECT * FROM s20.balance_transactions;
SELECT count(*), count(DISTINCT id) FROM bt_copy;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.balance_transactions WHERE type = 'payout';
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.balance_transactions WHERE type = 'payout')
     = (SELECT array_agg(id ORDER BY id) FROM bt_copy WHERE type = 'payout') AS same_rows,
       (SELECT count(*) FROM s20.balance_transactions WHERE type = 'payout') AS payouts;
SELECT * FROM api_calls(8082);
SELECT count(*) FROM s20.balance_transactions WHERE type = 'Charge';
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.balance_transactions WHERE source = 'ch_0042';
SELECT id, amount, fee, net, currency, type, reporting_category, status, source, available_on, created
  FROM s20.balance_transactions WHERE source = 'ch_0042';
SELECT * FROM api_calls(8082);
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.balance_transactions
         WHERE type = 'refund' AND created >= '2025-10-01')
     = (SELECT array_agg(id ORDER BY id) FROM bt_copy
         WHERE type = 'refund' AND created >= '2025-10-01') AS same_rows;
SELECT * FROM api_calls(8082);

--
-- products: active as a boolean (true / NOT), created
--
SELECT id, name, active, type, default_price, shippable, created FROM s20.products ORDER BY id;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.products WHERE active;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.products WHERE NOT active;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.products WHERE active = false AND created >= '2024-03-01';
SELECT array_agg(id ORDER BY id) FROM s20.products WHERE NOT active;
SELECT array_agg(id ORDER BY id) FROM s20.products WHERE active AND created >= '2024-06-01';
SELECT * FROM api_calls(8082);

--
-- prices: Stripe lists only active prices unless asked for inactive ones;
-- active, product =, type (an enum), currency =, created
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.prices;
SELECT count(*), bool_and(active) FROM s20.prices;
SELECT array_agg(id ORDER BY id) FROM s20.prices WHERE NOT active;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s20.prices WHERE product = 'prod_0002' AND type = 'recurring' AND currency = 'usd';
SELECT id, product, active, type, currency, unit_amount, recurring_interval, recurring_interval_count
  FROM s20.prices WHERE product = 'prod_0002' ORDER BY id;
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.prices WHERE type = 'one_time')
     = (SELECT array_agg(id ORDER BY id) FROM s20.prices WHERE type || '' = 'one_time') AS same_type,
       (SELECT array_agg(id ORDER BY id) FROM s20.prices WHERE currency = 'eur')
     = (SELECT array_agg(id ORDER BY id) FROM s20.prices WHERE currency || '' = 'eur') AS same_currency;
SELECT count(*) FROM s20.prices WHERE type = 'subscription';
SELECT * FROM api_calls(8082);

--
-- events: the last 30 days only (Stripe keeps no older); type =, created
--
CREATE TEMP TABLE ev_copy AS SELECT * FROM s20.events;
SELECT count(*), min(created), max(created) FROM ev_copy;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s20.events WHERE type = 'charge.refunded' AND created >= '2025-12-15';
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.events WHERE type = 'charge.refunded')
     = (SELECT array_agg(id ORDER BY id) FROM ev_copy WHERE type = 'charge.refunded') AS same_rows;
SELECT id, type, created, object_id, object->>'object' AS object, request_id, pending_webhooks
  FROM s20.events WHERE id IN ('evt_0001', 'evt_0003', 'evt_0007') ORDER BY id;
SELECT * FROM api_calls(8082);
-- '*' is a wildcard to Stripe; no type holds one, so the recheck keeps what
-- SQL means
SELECT count(*) FROM s20.events WHERE type = 'charge.*';
SELECT * FROM api_calls(8082);

--
-- disputes: charge =, payment_intent =, created
--
SELECT id, amount, currency, charge, payment_intent, reason, status, is_charge_refundable,
       evidence_due_by, created FROM s20.disputes ORDER BY id;
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s20.disputes WHERE charge = 'ch_0075' AND payment_intent = 'pi_0075' AND created > '2024-01-01';
SELECT id FROM s20.disputes WHERE charge = 'ch_0075' AND payment_intent = 'pi_0075' AND created > '2024-01-01';
SELECT (SELECT array_agg(id) FROM s20.disputes WHERE charge = (SELECT min(charge) FROM s20.disputes))
     = (SELECT array_agg(id) FROM s20.disputes WHERE charge || '' = (SELECT min(charge) FROM s20.disputes)) AS same_rows;
SELECT * FROM api_calls(8082);

--
-- payouts: arrival_date and created ranges; status stays local (Stripe's
-- filter does not know in_transit)
--
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s20.payouts WHERE arrival_date >= '2025-11-01' AND created < '2025-12-01';
SELECT (SELECT array_agg(id ORDER BY id) FROM s20.payouts
         WHERE arrival_date >= '2025-11-01' AND created < '2025-12-01')
     = (SELECT array_agg(id ORDER BY id) FROM s20.payouts
         WHERE arrival_date + '0s' >= '2025-11-01' AND created + '0s' < '2025-12-01') AS same_rows;
SELECT id, arrival_date FROM s20.payouts WHERE arrival_date = '2025-12-18 00:00:00+00';
SELECT * FROM api_calls(8082);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s20.payouts WHERE status = 'in_transit';
SELECT id, amount, currency, status, automatic, method, type, destination, balance_transaction
  FROM s20.payouts WHERE status = 'in_transit' ORDER BY id;
SELECT * FROM api_calls(8082);

DROP TABLE pi_copy, sub_copy, bt_copy, ev_copy;
DROP SCHEMA s20 CASCADE;
DROP SERVER stripe20 CASCADE;
