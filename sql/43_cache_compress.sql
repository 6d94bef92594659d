--
-- Large values in cached rows are kept compressed (pglz, as TOAST would
-- store them in a heap table) and read back as they were: the rows of a
-- page whose attrs hold each item as jsonb take less room than its JSON.
--
SET saas_fdw.read_ahead = 1;
SET saas_fdw.page_size = 50;
CREATE SERVER gh_zip FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_zip OPTIONS (token 'ghp_test');
-- every column of the issues table, as IMPORT FOREIGN SCHEMA makes it
CREATE SCHEMA zip;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER gh_zip INTO zip;
SELECT saas_fdw_cache_reset('gh_zip');

-- one line of EXPLAIN ANALYZE of query, as a number
CREATE FUNCTION zip_explained(query text, label text) RETURNS bigint
LANGUAGE sql AS $$
  SELECT substring(line FROM label || ': (\d+)')::bigint
    FROM explain_analyze(query) line WHERE line ~ (label || ':')
$$;

-- the values without the cache
SET saas_fdw.cache_ttl = 0;
SELECT md5(string_agg(attrs::text, ',' ORDER BY number)) AS attrs_md5,
       md5(string_agg(i::text, ',' ORDER BY number)) AS rows_md5
  FROM zip.issues i WHERE repo = 'octo/hello' \gset
SELECT count(*) FROM saas_fdw_cache WHERE server = 'gh_zip';
RESET saas_fdw.cache_ttl;

-- a scan of every column fills the cache: five pages and their rows
SELECT zip_explained($$SELECT count(i) FROM zip.issues i WHERE repo = 'octo/hello'$$,
                     'Bytes Received') AS json_bytes \gset
SELECT entries,
       row_bytes < :json_bytes AS rows_smaller_than_json,
       row_bytes * 2 < :json_bytes AS less_than_half
  FROM saas_fdw_cache WHERE server = 'gh_zip';

-- the rows serve the next scans: no page parsed, the same values
SELECT zip_explained($$SELECT count(i) FROM zip.issues i WHERE repo = 'octo/hello'$$,
                     'Pages Parsed') AS pages_parsed;
SELECT md5(string_agg(attrs::text, ',' ORDER BY number)) = :'attrs_md5' AS same_attrs,
       md5(string_agg(i::text, ',' ORDER BY number)) = :'rows_md5' AS same_rows
  FROM zip.issues i WHERE repo = 'octo/hello';
-- operators and functions read the compressed values too
SELECT count(*) AS titles_match
  FROM zip.issues WHERE repo = 'octo/hello' AND attrs->>'title' = title;
SELECT count(*) AS numbers_match
  FROM zip.issues WHERE repo = 'octo/hello' AND (attrs->'number')::int = number;
-- and a heap table takes them as it would its own
CREATE TEMP TABLE zip_copy AS SELECT * FROM zip.issues WHERE repo = 'octo/hello';
SELECT md5(string_agg(attrs::text, ',' ORDER BY number)) = :'attrs_md5' AS copy_same_attrs,
       md5(string_agg(c::text, ',' ORDER BY number)) = :'rows_md5' AS copy_same_rows
  FROM zip_copy c;
SELECT zip_explained($$SELECT count(i) FROM zip.issues i WHERE repo = 'octo/hello'$$,
                     'Cache Hits') AS cache_hits;

-- a column with storage EXTERNAL is kept uncompressed, as TOAST would:
-- its rows are then larger than the JSON
ALTER FOREIGN TABLE zip.issues ALTER COLUMN attrs SET STORAGE EXTERNAL;
SELECT saas_fdw_cache_reset('gh_zip');
SELECT zip_explained($$SELECT count(i) FROM zip.issues i WHERE repo = 'octo/hello'$$,
                     'Pages Parsed') AS pages_parsed;
SELECT entries, row_bytes > :json_bytes AS rows_larger_than_json
  FROM saas_fdw_cache WHERE server = 'gh_zip';
SELECT md5(string_agg(i::text, ',' ORDER BY number)) = :'rows_md5' AS same_rows
  FROM zip.issues i WHERE repo = 'octo/hello';

SELECT saas_fdw_cache_reset('gh_zip');
DROP TABLE zip_copy;
DROP SERVER gh_zip CASCADE;
DROP SCHEMA zip;
DROP FUNCTION zip_explained(text, text);
RESET saas_fdw.read_ahead;
RESET saas_fdw.page_size;
