--
-- Test helpers: read (and clear) the request log of a fake API server, so
-- a test can show exactly which requests a query made.
--
CREATE FUNCTION api_calls(port int DEFAULT 8081) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('pg_temp.fake_log') IS NULL THEN
    CREATE TEMP TABLE fake_log (n serial, line text);
  END IF;
  TRUNCATE fake_log;
  EXECUTE format('COPY fake_log (line) FROM PROGRAM %L',
                 format('curl -sf http://127.0.0.1:%s/_log?clear=1', port));
  RETURN QUERY SELECT line FROM fake_log ORDER BY n;
END $$;

-- EXPLAIN ANALYZE of a query, the same on every PostgreSQL version: without
-- costs, timing, summary or buffers (on by default from 18), and row counts
-- rounded as before 18, which prints two decimals ("rows=13.33").
CREATE FUNCTION explain_analyze(query text, with_verbose boolean DEFAULT false)
RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
  rows text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, VERBOSE ' || with_verbose
      || ', COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) ' || query
  LOOP
    LOOP
      rows := substring(line FROM 'rows=(\d+\.\d+) ');
      EXIT WHEN rows IS NULL;
      line := regexp_replace(line, 'rows=\d+\.\d+ ', 'rows=' || round(rows::numeric) || ' ');
    END LOOP;
    RETURN NEXT line;
  END LOOP;
END $$;

-- the fake servers are up: GitHub, Stripe, Slack and the fault fixtures
-- each answer /_health
CREATE TEMP TABLE fake_health (line text);
COPY fake_health FROM PROGRAM 'for port in 8081 8082 8083 8084; do printf "%s " $port; curl -sf http://127.0.0.1:$port/_health || printf down; echo; done';
SELECT line AS port_health FROM fake_health;
DROP TABLE fake_health;

-- every test starts from empty request logs (a suite run earlier may have
-- left requests there): clear them
DO $$ BEGIN PERFORM api_calls(port) FROM unnest(ARRAY[8081, 8082, 8083, 8084]) AS port; END $$;
