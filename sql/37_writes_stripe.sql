--
-- Writes to Stripe customers: form-encoded bodies (metadata as
-- metadata[key]), an Idempotency-Key per row so that a write whose answer
-- was lost is sent again and made once; GitHub, which has no such key,
-- does not send it again and says the write may have been applied.
--
-- requests of earlier tests are not this test's
DO $$ BEGIN PERFORM api_calls(port) FROM unnest(ARRAY[8081, 8082]) AS port; END $$;
CREATE SERVER st37 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER st37 OPTIONS (token 'sk_test_123');
CREATE SCHEMA s37;
IMPORT FOREIGN SCHEMA stripe LIMIT TO (customers, charges) FROM SERVER st37 INTO s37;
-- information_schema tells the writable table
SELECT table_name, is_insertable_into FROM information_schema.tables
 WHERE table_schema = 's37' ORDER BY 1;
CREATE TEMP TABLE fake37 (line text);

-- INSERT ... RETURNING: the id and the defaults come from Stripe's answer
INSERT INTO s37.customers (email, name, metadata)
VALUES ('new@example.com', 'New Person', '{"tier": "gold", "plan": "pro"}')
RETURNING id, email, name, description, metadata, balance, delinquent;
SELECT * FROM api_calls(8082);
SELECT id, email, name FROM s37.customers WHERE email = 'new@example.com';

-- UPDATE (Stripe's is a POST to the object): the columns it sets; a JSON
-- null removes a metadata key, SQL NULL unsets a field
UPDATE s37.customers SET name = 'Renamed', phone = NULL,
       metadata = '{"plan": null, "seats": 3}'
 WHERE id = 'cus_new0001'
RETURNING id, name, phone, metadata;
SELECT * FROM api_calls(8082);
-- a column Stripe does not let us set
UPDATE s37.customers SET balance = 5 WHERE id = 'cus_new0001';
INSERT INTO s37.charges (amount) VALUES (100);

-- the answer to a create is lost (the connection closes after the customer
-- was made): the request is sent again under the same Idempotency-Key, and
-- Stripe answers with the customer it made, not a second one
COPY fake37 FROM PROGRAM 'curl -sf http://127.0.0.1:8082/_drop_write?n=1';
INSERT INTO s37.customers (email) VALUES ('retry@example.com') RETURNING id, email;
SELECT * FROM api_calls(8082);
SELECT id, email FROM s37.customers WHERE email = 'retry@example.com';

-- two rows get two keys: two customers
INSERT INTO s37.customers (email) VALUES ('twin@example.com'), ('twin@example.com')
RETURNING id;

-- DELETE ... RETURNING returns the row as read; it is gone afterwards
DELETE FROM s37.customers WHERE email = 'twin@example.com' RETURNING id, email;
DELETE FROM s37.customers WHERE id = 'cus_new0001' RETURNING id, name;
SELECT * FROM api_calls(8082);
SELECT count(*) FROM s37.customers WHERE email IN ('new@example.com', 'twin@example.com');

-- GitHub has no idempotency key: the same lost answer is not sent again;
-- the error says the write may have been applied and how to find out
CREATE SERVER gh37 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh37 OPTIONS (token 'ghp_test');
CREATE SCHEMA g37;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER gh37 INTO g37;
COPY fake37 FROM PROGRAM 'curl -sf http://127.0.0.1:8081/_drop_write?n=1';
INSERT INTO g37.issues (repo, title) VALUES ('acme/empty', 'Lost answer');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM api_calls();
-- it was made, once
SELECT number, title FROM g37.issues WHERE repo = 'acme/empty' AND title = 'Lost answer';

-- leave the fakes as they were
COPY fake37 FROM PROGRAM 'curl -sf http://127.0.0.1:8081/_reset';
COPY fake37 FROM PROGRAM 'curl -sf http://127.0.0.1:8082/_reset';
SELECT saas_fdw_cache_reset('gh37'), saas_fdw_cache_reset('st37');
SELECT * FROM api_calls(8082);
