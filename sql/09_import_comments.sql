--
-- IMPORT FOREIGN SCHEMA comments every table and column it creates on a
-- saas_fdw server (an event trigger, src/describe.c): what it is and which
-- filters reach the API.  Only the tables that IMPORT created are touched.
-- No request is made: importing and commenting never use the network.
--
SELECT evtname, evtevent, evttags FROM pg_event_trigger;
SELECT count(*) AS earlier_requests
  FROM (SELECT api_calls(8081) UNION ALL SELECT api_calls(8082)
        UNION ALL SELECT api_calls(8083)) AS earlier;

CREATE FUNCTION table_comments(schema_name text)
RETURNS TABLE ("table" name, comment text)
LANGUAGE sql AS $$
  SELECT relname, obj_description(oid, 'pg_class') FROM pg_class
   WHERE relnamespace = schema_name::regnamespace AND relkind = 'f'
   ORDER BY relname
$$;

CREATE FUNCTION column_comments(schema_name text)
RETURNS TABLE ("table" name, "column" name, comment text)
LANGUAGE sql AS $$
  SELECT c.relname, a.attname, col_description(c.oid, a.attnum)
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
   WHERE c.relnamespace = schema_name::regnamespace AND c.relkind = 'f'
     AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY c.relname, a.attnum
$$;

CREATE SERVER doc_github FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github');
CREATE SERVER doc_stripe FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'stripe');
CREATE SERVER doc_slack FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'slack');

-- every table and column of every service
CREATE SCHEMA doc_stripe;
CREATE SCHEMA doc_slack;
IMPORT FOREIGN SCHEMA stripe FROM SERVER doc_stripe INTO doc_stripe;
IMPORT FOREIGN SCHEMA slack FROM SERVER doc_slack INTO doc_slack;
SELECT * FROM table_comments('doc_stripe');
SELECT * FROM column_comments('doc_stripe');
SELECT * FROM table_comments('doc_slack');
SELECT * FROM column_comments('doc_slack');

-- LIMIT TO: one table now, the other later; a comment written by hand in
-- between stays as it is
CREATE SCHEMA doc_github;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER doc_github INTO doc_github;
SELECT * FROM table_comments('doc_github');
SELECT * FROM column_comments('doc_github');
COMMENT ON FOREIGN TABLE doc_github.issues IS 'our tracker';
COMMENT ON COLUMN doc_github.issues.title IS 'what the reporter wrote';
COMMENT ON COLUMN doc_github.issues.body IS NULL;
IMPORT FOREIGN SCHEMA github LIMIT TO (issue_comments) FROM SERVER doc_github INTO doc_github;
SELECT * FROM table_comments('doc_github');
SELECT * FROM column_comments('doc_github') WHERE "column" IN ('title', 'body') OR "table" = 'issue_comments';

-- EXCEPT, into a schema that holds other tables: only the imported one
-- gets comments
CREATE SCHEMA doc_mixed;
CREATE FOREIGN TABLE doc_mixed.by_hand (repo text, number integer)
  SERVER doc_github OPTIONS (resource 'issues');
CREATE TABLE doc_mixed.local_notes (note text);
IMPORT FOREIGN SCHEMA github EXCEPT (issues) FROM SERVER doc_github INTO doc_mixed;
SELECT * FROM table_comments('doc_mixed');
SELECT obj_description('doc_mixed.local_notes'::regclass, 'pg_class') AS local_table;

-- a failed IMPORT leaves nothing behind
CREATE SCHEMA doc_failed;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues, wikis) FROM SERVER doc_github INTO doc_failed;
SELECT * FROM table_comments('doc_failed');

-- the tables of another wrapper are left alone (postgres_fdw, loopback)
CREATE EXTENSION postgres_fdw;
CREATE SCHEMA doc_remote_src;
CREATE TABLE doc_remote_src.plain (id integer);
COMMENT ON TABLE doc_remote_src.plain IS 'a remote table';
DO $$
BEGIN
  EXECUTE format('CREATE SERVER doc_loopback FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L)',
                 current_setting('unix_socket_directories'), current_setting('port'),
                 current_database());
END $$;
CREATE USER MAPPING FOR CURRENT_USER SERVER doc_loopback;
CREATE SCHEMA doc_other;
IMPORT FOREIGN SCHEMA doc_remote_src FROM SERVER doc_loopback INTO doc_other;
SELECT * FROM table_comments('doc_other');
SELECT * FROM column_comments('doc_other');

-- a role that is not a superuser imports with comments too
CREATE ROLE doc_importer;
GRANT USAGE ON FOREIGN SERVER doc_github TO doc_importer;
CREATE SCHEMA doc_own AUTHORIZATION doc_importer;
SET ROLE doc_importer;
IMPORT FOREIGN SCHEMA github LIMIT TO (issue_comments) FROM SERVER doc_github INTO doc_own;
RESET ROLE;
SELECT * FROM table_comments('doc_own');

-- no request was made
SELECT * FROM api_calls(8081);
SELECT * FROM api_calls(8082);
SELECT * FROM api_calls(8083);

SET client_min_messages = warning;
DROP SCHEMA doc_stripe, doc_slack, doc_github, doc_mixed, doc_failed,
  doc_remote_src, doc_other, doc_own CASCADE;
DROP SERVER doc_github, doc_stripe, doc_slack, doc_loopback CASCADE;
DROP EXTENSION postgres_fdw;
DROP ROLE doc_importer;
DROP FUNCTION table_comments(text), column_comments(text);
RESET client_min_messages;
