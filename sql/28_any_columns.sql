--
-- Rows kept beside a page serve any query of the columns they hold: after a
-- scan of every column, another column list, count(*) or a whole-row
-- reference parses no page, and returns the values a fresh parse makes.
-- Rows of fewer columns do not serve more (sql/42_cache_settings.sql: rows
-- made under other settings).
--
SET timezone = 'UTC';
SET saas_fdw.read_ahead = 1;
-- forget the requests of the tests before
SELECT count(*) AS earlier_requests FROM api_calls() \gset
CREATE SERVER gh_cols FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_cols OPTIONS (token 'ghp_test');
CREATE FOREIGN TABLE cols_issues (repo text, number int, title text,
                                  state text, labels text[],
                                  created_at timestamptz, attrs jsonb)
  SERVER gh_cols OPTIONS (resource 'issues', page_size '50');
SELECT saas_fdw_cache_reset('gh_cols');

-- the cache hits and pages parsed of a query (EXPLAIN ANALYZE)
CREATE FUNCTION parsed(query text) RETURNS text
LANGUAGE sql AS $$
  SELECT string_agg(regexp_replace(line, '^\s*', ''), '; ')
    FROM explain_analyze(query) line
   WHERE line ~ '^\s*(Cache Hits|Pages Parsed):'
$$;

-- the values of a fresh parse, to compare with
SET saas_fdw.cache_ttl = 0;
CREATE TEMP TABLE fresh AS
  SELECT number, title, state, labels, created_at, attrs
    FROM cols_issues WHERE repo = 'octo/hello';
RESET saas_fdw.cache_ttl;

-- every column, parsed once; then other column lists, count(*) and a whole
-- row parse nothing
SELECT parsed($$SELECT * FROM cols_issues WHERE repo = 'octo/hello'$$);
SELECT parsed($$SELECT number, title FROM cols_issues WHERE repo = 'octo/hello'$$);
SELECT parsed($$SELECT state, created_at FROM cols_issues WHERE repo = 'octo/hello'$$);
SELECT parsed($$SELECT count(*) FROM cols_issues WHERE repo = 'octo/hello'$$);
SELECT parsed($$SELECT c FROM cols_issues c WHERE repo = 'octo/hello'$$);
-- with the values of a fresh parse, column for column
SELECT (SELECT md5(string_agg(concat_ws('|', number, title), ',' ORDER BY number))
          FROM cols_issues WHERE repo = 'octo/hello') =
       (SELECT md5(string_agg(concat_ws('|', number, title), ',' ORDER BY number))
          FROM fresh) AS same_number_title,
       (SELECT md5(string_agg(concat_ws('|', state, labels, created_at, attrs), ',' ORDER BY number))
          FROM cols_issues WHERE repo = 'octo/hello') =
       (SELECT md5(string_agg(concat_ws('|', state, labels, created_at, attrs), ',' ORDER BY number))
          FROM fresh) AS same_others,
       (SELECT count(*) FROM cols_issues WHERE repo = 'octo/hello') AS rows;

-- rows of fewer columns: they serve count(*) and their own columns, not more
SELECT saas_fdw_cache_reset('gh_cols');
SELECT parsed($$SELECT number FROM cols_issues WHERE repo = 'octo/hello'$$);
SELECT parsed($$SELECT count(*) FROM cols_issues WHERE repo = 'octo/hello'$$);
SELECT parsed($$SELECT number, title FROM cols_issues WHERE repo = 'octo/hello'$$);
SELECT parsed($$SELECT number FROM cols_issues WHERE repo = 'octo/hello'$$);
-- another time zone: no value was read under the zone (times in the API's
-- own form are kept as timestamptz values), so nothing is parsed
SET timezone = 'Asia/Tokyo';
SELECT parsed($$SELECT number FROM cols_issues WHERE repo = 'octo/hello'$$);
RESET timezone;
-- the requests: the fresh scan's 5, the first scan's 5, after the reset 5
SELECT count(*) FROM api_calls();

DROP SERVER gh_cols CASCADE;
DROP FUNCTION parsed(text);
