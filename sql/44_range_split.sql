--
-- Range split: a time range bounded on both sides (Stripe created, Slack
-- ts) is read as saas_fdw.range_streams sub-ranges, each its own cursor
-- stream.  The sub-ranges share no instant: the rows are those of the
-- range read as one stream (range_streams = 1), none lost or repeated, in
-- the API's order when that order is asked for.  Requests are shown
-- sorted: streams read in turn have pages on their way at the same time.
--
SET timezone = 'UTC';
CREATE SERVER stripe44 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER stripe44 OPTIONS (token 'sk_test_123');
CREATE SCHEMA rs44;
IMPORT FOREIGN SCHEMA stripe LIMIT TO (charges) FROM SERVER stripe44 INTO rs44;
-- pages of 4, so that each stream follows its cursor over several pages
ALTER FOREIGN TABLE rs44.charges OPTIONS (ADD page_size '4');
-- the log of the fake Stripe from here on
SELECT 'log cleared' FROM (SELECT count(*) FROM api_calls(8082)) s;
SHOW saas_fdw.range_streams;

-- the split in EXPLAIN: four sub-ranges of whole seconds, newest first,
-- each [gte, lt); the first starts at the range's own lower bound
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM rs44.charges
 WHERE created >= '2024-07-01' AND created < '2024-09-01';
-- a bound of another operator is the same range in whole seconds:
-- > 10.5 is >= 11, <= 20 is < 21
EXPLAIN (COSTS OFF)
SELECT id FROM rs44.charges
 WHERE created > '2024-07-01 00:00:10.5' AND created <= '2024-07-01 00:00:20';

-- the rows equal those of one stream, none repeated (EXCEPT both ways,
-- count and md5 of the ordered rows), and the requests of each
CREATE TEMP TABLE split4 AS
  SELECT id, created, amount FROM rs44.charges
   WHERE created >= '2024-07-01' AND created < '2024-09-01';
SELECT line FROM api_calls(8082) AS c(line) ORDER BY line COLLATE "C";
SET saas_fdw.range_streams = 1;
CREATE TEMP TABLE split1 AS
  SELECT id, created, amount FROM rs44.charges
   WHERE created >= '2024-07-01' AND created < '2024-09-01';
SELECT * FROM api_calls(8082);
RESET saas_fdw.range_streams;
SELECT (SELECT count(*) FROM split4) AS rows_split,
       (SELECT count(DISTINCT id) FROM split4) AS distinct_split,
       (SELECT count(*) FROM split1) AS rows_one_stream,
       (SELECT md5(string_agg(id || created || amount, ',' ORDER BY id)) FROM split4)
     = (SELECT md5(string_agg(id || created || amount, ',' ORDER BY id)) FROM split1) AS same_md5,
       NOT EXISTS (SELECT * FROM split4 EXCEPT SELECT * FROM split1)
   AND NOT EXISTS (SELECT * FROM split1 EXCEPT SELECT * FROM split4) AS same_rows;

-- a scan run again for each outer row splits each run's own range
SELECT v.lo, s.n,
       s.n = (SELECT count(*) FROM split1 WHERE created >= v.lo AND created < v.hi) AS same_count
  FROM (VALUES (timestamptz '2024-07-01', timestamptz '2024-08-01'),
               ('2024-08-01', '2024-09-01')) v(lo, hi),
       LATERAL (SELECT count(*) AS n FROM rs44.charges
                 WHERE created >= v.lo AND created < v.hi) s;
SELECT line FROM api_calls(8082) AS c(line) ORDER BY line COLLATE "C";
-- a boundary on an instant two charges share (ch_0099 and ch_0100): two
-- sub-ranges [t-1000, t) and [t, t+1000); each charge comes once, from
-- the second, and none is removed as a duplicate
SET saas_fdw.range_streams = 2;
SELECT explain_analyze($$SELECT id, created FROM rs44.charges
  WHERE created >= timestamptz '2024-08-27 19:58:56+00' - interval '1000 s'
    AND created < timestamptz '2024-08-27 19:58:56+00' + interval '1000 s'$$);
SELECT line FROM api_calls(8082) AS c(line) ORDER BY line COLLATE "C";
SELECT id, created FROM rs44.charges
 WHERE created >= '2024-08-27 19:42:16+00' AND created < '2024-08-27 20:15:36+00'
 ORDER BY id;
SELECT line FROM api_calls(8082) AS c(line) ORDER BY line COLLATE "C";
RESET saas_fdw.range_streams;

-- ORDER BY created DESC pushed: the sub-ranges newest first, one after the
-- other, so the API's order holds; under a LIMIT the scan stops in the
-- first sub-ranges that have the rows, one page at a time
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, created FROM rs44.charges
 WHERE created >= '2024-07-01' AND created < '2024-09-01'
 ORDER BY created DESC LIMIT 12;
SELECT array_agg(id) AS newest_12 FROM (
  SELECT id, created FROM rs44.charges
   WHERE created >= '2024-07-01' AND created < '2024-09-01'
   ORDER BY created DESC LIMIT 12) s;
SELECT * FROM api_calls(8082);
-- every row: the API's order (created, then id, descending), newest
-- sub-range first
SELECT (SELECT array_agg(id) FROM (SELECT id FROM rs44.charges
          WHERE created >= '2024-07-01' AND created < '2024-09-01'
          ORDER BY created DESC) s)
     = (SELECT array_agg(id ORDER BY created DESC, id DESC) FROM split1) AS api_order;
SELECT * FROM api_calls(8082);

-- a range with no row: each sub-range one request, no row
SELECT count(*) FROM rs44.charges
 WHERE created >= '2024-08-27 19:59:00+00' AND created < '2024-08-27 20:59:00+00';
SELECT line FROM api_calls(8082) AS c(line) ORDER BY line COLLATE "C";

-- a one-second range cannot split: one stream, both charges of that second
EXPLAIN (COSTS OFF)
SELECT id FROM rs44.charges
 WHERE created >= '2024-08-27 19:58:56+00' AND created < '2024-08-27 19:58:57+00';
SELECT id FROM rs44.charges
 WHERE created >= '2024-08-27 19:58:56+00' AND created < '2024-08-27 19:58:57+00'
 ORDER BY id;
SELECT * FROM api_calls(8082);
-- two seconds split in two, one second each
SET saas_fdw.range_streams = 8;
SELECT id FROM rs44.charges
 WHERE created >= '2024-08-27 19:58:55+00' AND created <= '2024-08-27 19:58:56+00'
 ORDER BY id;
SELECT line FROM api_calls(8082) AS c(line) ORDER BY line COLLATE "C";
RESET saas_fdw.range_streams;

-- a bound on one side only, an IN list beside it, or a parameter: no split
-- (the parameter's value is split when the scan runs)
EXPLAIN (COSTS OFF)
SELECT id FROM rs44.charges WHERE created >= '2024-07-01';
EXPLAIN (COSTS OFF)
SELECT id FROM rs44.charges
 WHERE created >= '2024-07-01' AND created < '2024-09-01'
   AND customer IN ('cus_0001', 'cus_0002');
PREPARE p44(timestamptz, timestamptz) AS
  SELECT count(*) FROM rs44.charges WHERE created >= $1 AND created < $2;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE p44('2024-07-01', '2024-09-01');
EXECUTE p44('2024-07-01', '2024-09-01');
SELECT line FROM api_calls(8082) AS c(line) ORDER BY line COLLATE "C";
RESET plan_cache_mode;
DEALLOCATE p44;

-- a scan closed while its streams have pages on their way: the rows of
-- the newest sub-range, then the requests on their way are dropped (the
-- last use of the Stripe log here: a dropped request may still reach it)
BEGIN;
DECLARE c44 CURSOR FOR
  SELECT id FROM rs44.charges WHERE created >= '2024-07-01' AND created < '2024-09-01';
FETCH 2 FROM c44;
CLOSE c44;
COMMIT;
SELECT 'log cleared' FROM (SELECT count(*) FROM api_calls(8082)) s;

--
-- Slack: a channel's history by ts, oldest and latest inclusive, a
-- sub-range ending a microsecond before the next one starts
--
CREATE SERVER slack44 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack44 OPTIONS (token 'xoxb-test');
IMPORT FOREIGN SCHEMA slack LIMIT TO (messages) FROM SERVER slack44 INTO rs44;
ALTER FOREIGN TABLE rs44.messages OPTIONS (ADD page_size '10');
SELECT 'log cleared' FROM (SELECT count(*) FROM api_calls(8083)) s;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ts FROM rs44.messages
 WHERE channel = 'C01GENERAL' AND ts > '1704067200.000000' AND ts < '1767225600.000000';
CREATE TEMP TABLE slack4 AS
  SELECT ts, text FROM rs44.messages
   WHERE channel = 'C01GENERAL' AND ts > '1704067200.000000' AND ts < '1767225600.000000';
SELECT line FROM api_calls(8083) AS c(line) ORDER BY line COLLATE "C";
SET saas_fdw.range_streams = 1;
CREATE TEMP TABLE slack1 AS
  SELECT ts, text FROM rs44.messages
   WHERE channel = 'C01GENERAL' AND ts > '1704067200.000000' AND ts < '1767225600.000000';
SELECT * FROM api_calls(8083);
RESET saas_fdw.range_streams;
SELECT (SELECT count(*) FROM slack4) AS rows_split,
       (SELECT count(DISTINCT ts) FROM slack4) AS distinct_split,
       (SELECT count(*) FROM slack1) AS rows_one_stream,
       NOT EXISTS (SELECT * FROM slack4 EXCEPT SELECT * FROM slack1)
   AND NOT EXISTS (SELECT * FROM slack1 EXCEPT SELECT * FROM slack4) AS same_rows;
-- ts_time, ORDER BY ts_time DESC: newest sub-range first, the API's order
EXPLAIN (COSTS OFF)
SELECT ts FROM rs44.messages
 WHERE channel = 'C01GENERAL' AND ts_time >= '2024-01-01' AND ts_time < '2026-01-01'
 ORDER BY ts_time DESC;
SELECT (SELECT array_agg(ts) FROM (SELECT ts FROM rs44.messages
          WHERE channel = 'C01GENERAL' AND ts_time >= '2024-01-01' AND ts_time < '2026-01-01'
          ORDER BY ts_time DESC) s)
     = (SELECT array_agg(ts ORDER BY ts DESC) FROM slack1) AS api_order;
SELECT count(*) AS requests FROM api_calls(8083);

DROP SCHEMA rs44 CASCADE;
DROP SERVER stripe44 CASCADE;
DROP SERVER slack44 CASCADE;
