--
-- Rows beside cached pages: a scan keeps the rows it made of each page next
-- to the page in the shared cache, and a later scan with the same row
-- layout returns them without parsing the page again (EXPLAIN ANALYZE:
-- Pages Parsed 0).  Anything the rows depend on (the columns read, their
-- types and paths, the request's key values, the settings input functions
-- read) makes another layout, and the page is parsed again.
--
SET timezone = 'UTC';
SET saas_fdw.read_ahead = 1;
CREATE SERVER gh_rows FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_rows OPTIONS (token 'ghp_test');
CREATE SCHEMA rows;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER gh_rows INTO rows;
ALTER FOREIGN TABLE rows.issues OPTIONS (ADD page_size '50');
SELECT saas_fdw_cache_reset('gh_rows');
SELECT count(*) FROM api_calls();

-- the page counters of a query, from EXPLAIN ANALYZE
CREATE FUNCTION scan_counts(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
  counts text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query
  LOOP
    IF line ~ '(API Calls|Pages|Cache Hits|Pages Parsed):' THEN
      counts := counts || regexp_replace(line, '^\s*', '') || '; ';
    END IF;
  END LOOP;
  RETURN counts;
END $$;

-- the first scan fetches five pages and keeps their rows; the second takes
-- the rows from the cache and parses none
CREATE TEMP TABLE first_scan AS
  SELECT number, title, labels, created_at, user_login
    FROM rows.issues WHERE repo = 'octo/hello';
SELECT scan_counts($$SELECT number, title, labels, created_at, user_login
                     FROM rows.issues WHERE repo = 'octo/hello'$$);
SELECT count(*) FROM api_calls();
-- the same rows, value for value; and joined, sorted, hashed like any rows
SELECT count(*) AS rows,
       count(*) FILTER (WHERE f IS NULL) AS missing,
       count(*) FILTER (WHERE c IS NULL) AS extra
  FROM (SELECT number, title, labels, created_at, user_login
          FROM rows.issues WHERE repo = 'octo/hello') c
  FULL JOIN first_scan f USING (number, title, labels, created_at, user_login);
SELECT count(*), sum(a.number) FROM rows.issues a JOIN rows.issues b USING (number)
 WHERE a.repo = 'octo/hello' AND b.repo = 'octo/hello' AND a.title = b.title;
-- whole-row references and system columns of cached rows
SELECT scan_counts($$SELECT i FROM rows.issues i WHERE repo = 'octo/hello' AND number IN (7, 8)$$);
SELECT scan_counts($$SELECT i FROM rows.issues i WHERE repo = 'octo/hello' AND number IN (7, 8)$$);
SELECT i.tableoid::regclass, row_to_json(i)->>'title' AS title, (i).number
  FROM rows.issues i WHERE repo = 'octo/hello' AND number IN (7, 8) ORDER BY number;
-- a local filter is applied to cached rows as to any
SELECT count(*), min(number), max(number) FROM rows.issues
 WHERE repo = 'octo/hello' AND number % 7 = 0 AND title <> '';

-- other columns, not all in the rows kept: parsed again; their rows then
-- replace the first (one layout a page), so the first is parsed again too
SELECT scan_counts($$SELECT number, state FROM rows.issues WHERE repo = 'octo/hello'$$);
SELECT scan_counts($$SELECT number, state FROM rows.issues WHERE repo = 'octo/hello'$$);
SELECT scan_counts($$SELECT number, title, labels, created_at, user_login
                     FROM rows.issues WHERE repo = 'octo/hello'$$);
-- count(*) reads no column: any rows of the page serve it
SELECT scan_counts($$SELECT count(*) FROM rows.issues WHERE repo = 'octo/hello'$$);
SELECT count(*) FROM rows.issues WHERE repo = 'octo/hello';
SELECT count(*) FROM api_calls();

-- a column's type changes: its rows are made anew, in the new type
SELECT number, created_at FROM rows.issues WHERE repo = 'octo/world' AND number = 7;
ALTER FOREIGN TABLE rows.issues ALTER COLUMN created_at TYPE text;
SELECT scan_counts($$SELECT number, created_at FROM rows.issues
                     WHERE repo = 'octo/world' AND number = 7$$);
SELECT number, created_at, pg_typeof(created_at)
  FROM rows.issues WHERE repo = 'octo/world' AND number = 7;
ALTER FOREIGN TABLE rows.issues ALTER COLUMN created_at TYPE timestamptz;

-- a column's path changes: the new path's values, not the cached ones
SELECT number, title FROM rows.issues WHERE repo = 'octo/world' AND number = 7;
ALTER FOREIGN TABLE rows.issues ALTER COLUMN title OPTIONS (ADD path 'user.login');
SELECT number, title FROM rows.issues WHERE repo = 'octo/world' AND number = 7;
ALTER FOREIGN TABLE rows.issues ALTER COLUMN title OPTIONS (DROP path);
SELECT number, title FROM rows.issues WHERE repo = 'octo/world' AND number = 7;

-- another time zone: times in the API's own form are kept as timestamptz
-- values, not read under the zone, so the rows serve it (nothing parsed)
SELECT scan_counts($$SELECT number, created_at FROM rows.issues WHERE repo = 'octo/world'$$);
SELECT scan_counts($$SELECT number, created_at FROM rows.issues WHERE repo = 'octo/world'$$);
SET timezone = 'Asia/Tokyo';
SELECT scan_counts($$SELECT number, created_at FROM rows.issues WHERE repo = 'octo/world'$$);
RESET timezone;
SET timezone = 'UTC';

-- key values are part of the rows: each repository of an IN list gets its own
SELECT scan_counts($$SELECT repo, count(*) FROM rows.issues
                     WHERE repo IN ('octo/world', 'acme/widgets') GROUP BY repo$$);
SELECT scan_counts($$SELECT repo, count(*) FROM rows.issues
                     WHERE repo IN ('octo/world', 'acme/widgets') GROUP BY repo$$);
SELECT repo, count(*) FROM rows.issues
 WHERE repo IN ('octo/world', 'acme/widgets') GROUP BY repo ORDER BY repo;

-- a single issue (GET /repos/{repo}/issues/{number})
SELECT scan_counts($$SELECT number, title FROM rows.issues WHERE repo = 'octo/world' AND number = 3$$);
SELECT scan_counts($$SELECT number, title FROM rows.issues WHERE repo = 'octo/world' AND number = 3$$);
SELECT count(*) FROM api_calls();

-- cursors kept with the rows: Stripe's last id, Slack's next_cursor
CREATE SERVER stripe_rows FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url 'http://127.0.0.1:8082');
CREATE USER MAPPING FOR CURRENT_USER SERVER stripe_rows OPTIONS (token 'sk_test_123');
IMPORT FOREIGN SCHEMA stripe LIMIT TO (charges) FROM SERVER stripe_rows INTO rows;
ALTER FOREIGN TABLE rows.charges OPTIONS (ADD page_size '67');
SELECT saas_fdw_cache_reset('stripe_rows');
SELECT scan_counts($$SELECT id, amount FROM rows.charges$$);
SELECT scan_counts($$SELECT id, amount FROM rows.charges$$);
SELECT count(*), count(DISTINCT id), min(id), max(id), sum(amount) FROM rows.charges;
SELECT count(*) FROM api_calls(8082);

CREATE SERVER slack_rows FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack_rows OPTIONS (token 'xoxb-test');
IMPORT FOREIGN SCHEMA slack LIMIT TO (messages) FROM SERVER slack_rows INTO rows;
ALTER FOREIGN TABLE rows.messages OPTIONS (ADD page_size '25');
SELECT saas_fdw_cache_reset('slack_rows');
SELECT scan_counts($$SELECT ts, text FROM rows.messages WHERE channel = 'C01GENERAL'$$);
SELECT scan_counts($$SELECT ts, text FROM rows.messages WHERE channel = 'C01GENERAL'$$);
SELECT count(*), count(DISTINCT ts) FROM rows.messages WHERE channel = 'C01GENERAL';
SELECT count(*) FROM api_calls(8083);

-- the cache's own counts: rows served are hits like pages served
SELECT s.srvname, c.entries > 0 AS has_entries, c.hits > 0 AS has_hits
  FROM saas_fdw_cache c JOIN pg_foreign_server s ON s.oid = c.serverid
 WHERE s.srvname IN ('gh_rows', 'stripe_rows', 'slack_rows') ORDER BY 1;

DROP SCHEMA rows CASCADE;
DROP SERVER gh_rows CASCADE;
DROP SERVER stripe_rows CASCADE;
DROP SERVER slack_rows CASCADE;
DROP FUNCTION scan_counts(text);
