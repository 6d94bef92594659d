--
-- Slack files (files.list): pages numbered by the body ("paging": {"page",
-- "pages"}), every page read; channel, user, ts_from/ts_to and the table
-- option types.  For each rule: the request in EXPLAIN, the rows equal to
-- the same filter kept local (saas_fdw.pushdown off), and the requests.
--
SET timezone = 'UTC';
-- forget the requests of the tests before
DO $$ BEGIN PERFORM api_calls(8083); END $$;
SET saas_fdw.read_ahead = 1;
CREATE SERVER slack25 FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack25 OPTIONS (token 'xoxb-test');
CREATE SCHEMA s25;
IMPORT FOREIGN SCHEMA slack LIMIT TO (files) FROM SERVER slack25 INTO s25;
SELECT obj_description('s25.files'::regclass) AS comment;
SELECT attname, col_description(attrelid, attnum)
  FROM pg_attribute
 WHERE attrelid = 's25.files'::regclass AND attnum > 0
   AND col_description(attrelid, attnum) LIKE '%pushed down%'
 ORDER BY attnum;
SELECT * FROM api_calls(8083);

--
-- every page: page=2, 3, ... until the body's paging.pages
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s25.files;
ALTER FOREIGN TABLE s25.files OPTIONS (ADD page_size '40');
CREATE TEMP TABLE files_copy AS SELECT * FROM s25.files;
SELECT * FROM api_calls(8083);
ALTER FOREIGN TABLE s25.files OPTIONS (DROP page_size);
SELECT count(*), count(DISTINCT id), min(created), max(created) FROM files_copy;
SELECT filetype, mode, count(*) FROM files_copy GROUP BY 1, 2 ORDER BY 1, 2;
SELECT id, name, "user", created, filetype, mimetype, size, is_public, channels, groups, ims
  FROM files_copy ORDER BY created DESC, id LIMIT 4;
-- a page that ends the list exactly: no request past it
ALTER FOREIGN TABLE s25.files OPTIONS (ADD page_size '50');
SELECT count(*) FROM s25.files;
SELECT * FROM api_calls(8083);
ALTER FOREIGN TABLE s25.files OPTIONS (DROP page_size);
-- LIMIT with no filter: count shrinks, one request
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s25.files LIMIT 5;
SELECT count(*) FROM (SELECT id FROM s25.files LIMIT 5) s;
SELECT * FROM api_calls(8083);

--
-- the rules: each request, then rows equal to the local filter
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s25.files WHERE "user" = 'U02BOB';
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s25.files WHERE 'C01GENERAL' = ANY (channels);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s25.files WHERE groups @> '{C04SECRET}';
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s25.files WHERE 'D08DIRECT' = ANY (ims);
-- one channel parameter: the second list qual stays local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s25.files WHERE 'C01GENERAL' = ANY (channels) AND 'C04SECRET' = ANY (groups);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s25.files WHERE created >= '2024-06-01' AND created <= '2024-07-01 00:00:00.5+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s25.files WHERE created > '2024-06-01 00:00:00.5+00' AND created < '2024-07-01';
-- exact rules shrink the page under LIMIT (ts_from and ts_to are whole
-- inclusive seconds: > t goes out as the next whole second); the channel
-- rules do not (a file shared in several places)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM s25.files WHERE "user" = 'U02BOB' AND created >= '2024-06-01' LIMIT 3;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s25.files WHERE created > '2024-06-01' LIMIT 3;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s25.files WHERE created < '2024-06-01' LIMIT 3;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s25.files WHERE 'C01GENERAL' = ANY (channels) LIMIT 3;
CREATE TEMP TABLE file_checks (rule text, pushed text[]);
INSERT INTO file_checks SELECT 'user = U02BOB', array_agg(id ORDER BY id) FROM s25.files WHERE "user" = 'U02BOB';
INSERT INTO file_checks SELECT 'user IN (U03CAROL, U04DAN)', array_agg(id ORDER BY id) FROM s25.files WHERE "user" IN ('U03CAROL', 'U04DAN');
INSERT INTO file_checks SELECT 'C01GENERAL = ANY (channels)', array_agg(id ORDER BY id) FROM s25.files WHERE 'C01GENERAL' = ANY (channels);
INSERT INTO file_checks SELECT 'groups @> {C04SECRET}', array_agg(id ORDER BY id) FROM s25.files WHERE groups @> '{C04SECRET}';
INSERT INTO file_checks SELECT 'D08DIRECT = ANY (ims)', array_agg(id ORDER BY id) FROM s25.files WHERE 'D08DIRECT' = ANY (ims);
INSERT INTO file_checks SELECT 'created in [2024-06-01, 2024-07-01]', array_agg(id ORDER BY id) FROM s25.files WHERE created >= '2024-06-01' AND created <= '2024-07-01 00:00:00.5+00';
-- bounds on a file's own second: > and < must not lose or keep it wrongly
INSERT INTO file_checks SELECT 'created > file 25', array_agg(id ORDER BY id) FROM s25.files WHERE created > (SELECT created FROM files_copy WHERE name = 'file-25.' || filetype);
INSERT INTO file_checks SELECT 'created < file 25 + 0.5 s', array_agg(id ORDER BY id) FROM s25.files WHERE created < (SELECT created + interval '0.5 s' FROM files_copy WHERE name = 'file-25.' || filetype);
INSERT INTO file_checks SELECT 'created <= file 25', array_agg(id ORDER BY id) FROM s25.files WHERE created <= (SELECT created FROM files_copy WHERE name = 'file-25.' || filetype);
INSERT INTO file_checks SELECT 'created = file 25 (local)', array_agg(id ORDER BY id) FROM s25.files WHERE created = (SELECT created FROM files_copy WHERE name = 'file-25.' || filetype);
SELECT * FROM api_calls(8083);
SET saas_fdw.pushdown = off;
SELECT rule, cardinality(pushed) AS rows,
       pushed IS NOT DISTINCT FROM (SELECT array_agg(id ORDER BY id) FROM s25.files f WHERE CASE rule
         WHEN 'user = U02BOB' THEN "user" = 'U02BOB'
         WHEN 'user IN (U03CAROL, U04DAN)' THEN "user" IN ('U03CAROL', 'U04DAN')
         WHEN 'C01GENERAL = ANY (channels)' THEN 'C01GENERAL' = ANY (channels)
         WHEN 'groups @> {C04SECRET}' THEN groups @> '{C04SECRET}'
         WHEN 'D08DIRECT = ANY (ims)' THEN 'D08DIRECT' = ANY (ims)
         WHEN 'created in [2024-06-01, 2024-07-01]' THEN created >= '2024-06-01' AND created <= '2024-07-01 00:00:00.5+00'
         WHEN 'created > file 25' THEN created > (SELECT created FROM files_copy WHERE name = 'file-25.' || filetype)
         WHEN 'created < file 25 + 0.5 s' THEN created < (SELECT created + interval '0.5 s' FROM files_copy WHERE name = 'file-25.' || filetype)
         WHEN 'created <= file 25' THEN created <= (SELECT created FROM files_copy WHERE name = 'file-25.' || filetype)
         WHEN 'created = file 25 (local)' THEN created = (SELECT created FROM files_copy WHERE name = 'file-25.' || filetype) END)
         AS same_rows
  FROM file_checks ORDER BY rule;
RESET saas_fdw.pushdown;
-- with pushdown off each rule reads the whole list (two pages of 100)
SELECT count(*) FROM api_calls(8083);

--
-- the table option types: the API's values only, a list allowed
--
ALTER FOREIGN TABLE s25.files OPTIONS (ADD types 'pdfs,zips');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM s25.files;
SELECT filetype, count(*) FROM s25.files GROUP BY 1 ORDER BY 1;
SELECT * FROM api_calls(8083);
ALTER FOREIGN TABLE s25.files OPTIONS (SET types 'pdf');
ALTER FOREIGN TABLE s25.files OPTIONS (DROP types);

--
-- a user or a conversation that exists nowhere matches no file: Slack's
-- user_not_found and channel_not_found are no row, not an error
--
SELECT count(*) FROM s25.files WHERE "user" = 'U99NOBODY';
SELECT count(*) FROM s25.files WHERE 'C99NOWHERE' = ANY (channels);
SELECT count(*) FROM s25.files WHERE "user" IN ('U99NOBODY', 'U02BOB');
SELECT * FROM api_calls(8083);
-- a wrong base_url (Slack's 404 unknown_method) is still an error
CREATE SERVER slack25_wrong FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/nope', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack25_wrong OPTIONS (token 'xoxb-test');
CREATE FOREIGN TABLE s25.files_wrong (id text, "user" text)
  SERVER slack25_wrong OPTIONS (resource 'files');
SELECT count(*) FROM s25.files_wrong WHERE "user" = 'U99NOBODY';
SELECT * FROM api_calls(8083);

DROP SCHEMA s25 CASCADE;
DROP SERVER slack25, slack25_wrong CASCADE;
