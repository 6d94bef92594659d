--
-- Memory per cached page: saas_fdw_cache shows what the cached pages hold
-- (page_bytes: URLs, bodies and headers), what the rows kept beside them
-- hold (row_bytes), and bytes_per_page, the blocks they take per page.
--
SET saas_fdw.read_ahead = 1;
-- forget the requests of the tests before
SELECT count(*) AS earlier_requests FROM api_calls() \gset
CREATE SERVER gh_mem FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_mem OPTIONS (token 'ghp_test');
CREATE FOREIGN TABLE mem_issues (repo text, number int, title text, body text,
                                 labels text[], created_at timestamptz,
                                 attrs jsonb)
  SERVER gh_mem OPTIONS (resource 'issues', page_size '50');
SELECT saas_fdw_cache_reset('gh_mem');

-- the JSON bytes a query received (EXPLAIN ANALYZE: Bytes Received)
CREATE FUNCTION received(query text) RETURNS bigint
LANGUAGE sql AS $$
  SELECT substring(line FROM 'Bytes Received: (\d+)')::bigint
    FROM explain_analyze(query) line WHERE line ~ 'Bytes Received:'
$$;

-- five pages of JSON, and their rows for count(*): no column, so the rows
-- are small beside the pages; bytes counts whole 2 kB blocks
SELECT received($$SELECT count(*) FROM mem_issues WHERE repo = 'octo/hello'$$) AS json_bytes \gset
SELECT entries,
       page_bytes >= :json_bytes AS pages_hold_the_json,
       page_bytes < :json_bytes + entries * 1024 AS and_little_else,
       row_bytes > 0 AS rows_kept,
       row_bytes * 10 < page_bytes AS count_rows_small,
       page_bytes + row_bytes <= bytes AS within_blocks,
       bytes < page_bytes + row_bytes + entries * 2048 AS whole_blocks,
       bytes_per_page = bytes / entries AS per_page
  FROM saas_fdw_cache WHERE server = 'gh_mem';

-- rows of every column replace them: the same pages, wider rows
SELECT page_bytes AS pages_before, row_bytes AS rows_before
  FROM saas_fdw_cache WHERE server = 'gh_mem' \gset
SELECT count(i) FROM mem_issues i WHERE repo = 'octo/hello';
SELECT entries,
       page_bytes = :pages_before AS same_pages,
       row_bytes > :rows_before * 10 AS wider_rows,
       page_bytes + row_bytes <= bytes AS within_blocks,
       bytes_per_page = bytes / entries AS per_page
  FROM saas_fdw_cache WHERE server = 'gh_mem';

-- five requests in all: the second scan parsed the cached pages
SELECT count(*) FROM api_calls();

-- a reset forgets them
SELECT saas_fdw_cache_reset('gh_mem');
SELECT count(*) FROM saas_fdw_cache WHERE server = 'gh_mem';

DROP SERVER gh_mem CASCADE;
DROP FUNCTION received(text);
