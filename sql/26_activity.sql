--
-- saas_fdw_activity: one row per scan running now, from its first page to
-- its end.  A scan ended by CLOSE, by the end of its transaction, by a
-- savepoint rolled back or by an error leaves no row behind.  (Another
-- backend watching a scan that waits: test/suites/activity.sh.)
--
CREATE SERVER gh_activity FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_activity OPTIONS (token 'ghp_test');
CREATE SCHEMA activity;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER gh_activity INTO activity;
ALTER FOREIGN TABLE activity.issues OPTIONS (ADD page_size '50');

-- the view's columns
SELECT attname, format_type(atttypid, atttypmod)
  FROM pg_attribute
 WHERE attrelid = 'saas_fdw_activity'::regclass AND attnum > 0
 ORDER BY attnum;

-- idle: no row
SELECT count(*) FROM saas_fdw_activity;

-- a scan shows from its first page on, with its totals after each page
BEGIN;
DECLARE c CURSOR FOR SELECT number FROM activity.issues WHERE repo = 'octo/hello';
SELECT count(*) AS before_first_page FROM saas_fdw_activity;
FETCH 1 FROM c;
SELECT pid = pg_backend_pid() AS this_backend, database = current_database() AS this_database,
       username = current_user AS this_user, server, foreign_table, request,
       pages, rows, bytes > 0 AS bytes, retries,
       started_at <= clock_timestamp() AS started, waiting_since
  FROM saas_fdw_activity;
MOVE 60 IN c;
SELECT pages, rows, request FROM saas_fdw_activity;
CLOSE c;
SELECT count(*) AS after_close FROM saas_fdw_activity;

-- a scan in a savepoint rolled back
SAVEPOINT s;
DECLARE c2 CURSOR FOR SELECT number FROM activity.issues WHERE repo = 'octo/hello';
FETCH 1 FROM c2;
SELECT count(*) AS in_savepoint FROM saas_fdw_activity;
ROLLBACK TO s;
SELECT count(*) AS after_rollback_to FROM saas_fdw_activity;

-- a scan that fails inside an exception block
DO $$
BEGIN
  PERFORM count(*) FROM activity.issues WHERE repo = 'octo/missing';
EXCEPTION WHEN others THEN
  RAISE NOTICE 'failed: %', SQLSTATE;
END $$;
SELECT count(*) AS after_exception_block FROM saas_fdw_activity;

-- a cursor still open when its transaction ends
DECLARE c3 CURSOR FOR SELECT number FROM activity.issues WHERE repo = 'octo/hello';
FETCH 1 FROM c3;
COMMIT;
SELECT count(*) AS after_commit FROM saas_fdw_activity;

-- a scan ended by an error
SELECT count(*) FROM activity.issues WHERE repo = 'octo/missing';
SELECT count(*) AS after_error FROM saas_fdw_activity;

-- a scan that ran to its end; EXPLAIN, which runs none
SELECT count(*) > 0 AS rows FROM activity.issues WHERE repo = 'octo/hello';
EXPLAIN (COSTS OFF) SELECT * FROM activity.issues WHERE repo = 'octo/hello';
SELECT count(*) AS after_scans FROM saas_fdw_activity;

DROP SCHEMA activity CASCADE;
DROP SERVER gh_activity CASCADE;
