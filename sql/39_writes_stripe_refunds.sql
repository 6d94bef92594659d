--
-- Stripe refunds: INSERT makes a refund of a charge (or a payment intent),
-- with its own Idempotency-Key; a refund cannot be changed or deleted.
--
-- requests of earlier tests are not this test's
DO $$ BEGIN PERFORM api_calls(port) FROM unnest(ARRAY[8082]) AS port; END $$;
CREATE SERVER st39 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082');
CREATE USER MAPPING FOR CURRENT_USER SERVER st39 OPTIONS (token 'sk_test_123');
CREATE SCHEMA s39;
IMPORT FOREIGN SCHEMA stripe LIMIT TO (refunds, charges) FROM SERVER st39 INTO s39;

-- a partial refund, then the rest by payment intent; RETURNING from Stripe
SELECT id, amount, amount_refunded, refunded FROM s39.charges WHERE id = 'ch_0300';
INSERT INTO s39.refunds (charge, amount, reason, metadata)
VALUES ('ch_0300', 1000, 'requested_by_customer', '{"ticket": "T-42"}')
RETURNING amount, currency, charge, payment_intent, reason, status, metadata;
INSERT INTO s39.refunds (payment_intent) VALUES ('pi_0300')
RETURNING amount, charge, reason;
SELECT * FROM api_calls(8082);
SELECT id, amount_refunded, refunded FROM s39.charges WHERE id = 'ch_0300';
SELECT amount, reason FROM s39.refunds WHERE charge = 'ch_0300' ORDER BY amount;

-- Stripe's refusals, in its words (SQLSTATE 22023): nothing left to refund,
-- more than is left, an unknown reason, neither charge nor payment intent
INSERT INTO s39.refunds (charge) VALUES ('ch_0300');
INSERT INTO s39.refunds (charge, amount) VALUES ('ch_0299', 99999);
INSERT INTO s39.refunds (charge, reason) VALUES ('ch_0299', 'changed_mind');
INSERT INTO s39.refunds (amount) VALUES (5);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- columns Stripe sets itself; a refund stays as made
INSERT INTO s39.refunds (charge, status) VALUES ('ch_0299', 'succeeded');
UPDATE s39.refunds SET reason = 'duplicate' WHERE charge = 'ch_0300';
DELETE FROM s39.refunds WHERE charge = 'ch_0300';
SELECT * FROM api_calls(8082);

-- leave the fake as it was
CREATE TEMP TABLE reset39 (line text);
COPY reset39 FROM PROGRAM 'curl -sf http://127.0.0.1:8082/_reset';
SELECT saas_fdw_cache_reset('st39');
SELECT id, amount_refunded FROM s39.charges WHERE id = 'ch_0300';
