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

-- the fake servers are up
SELECT count(*) >= 0 AS github_up FROM api_calls(8081);
