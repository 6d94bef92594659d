--
-- Rows kept beside a page do not depend on the session's settings when no
-- value came through an input function that reads them: timestamptz is kept
-- as its internal value and formatted when it is read, so a session with
-- another TimeZone, DateStyle or IntervalStyle parses no page, and sees the
-- values a fresh parse gives it.  A value that an input function read under
-- the settings (a time without a zone) is parsed again under others.
--
SET timezone = 'UTC';
SET saas_fdw.read_ahead = 1;
CREATE SERVER gh_tz FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8081');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_tz OPTIONS (token 'ghp_test');
CREATE FOREIGN TABLE tz_issues (repo text, number int, title text,
                                labels text[], created_at timestamptz,
                                closed_at timestamptz, attrs jsonb)
  SERVER gh_tz OPTIONS (resource 'issues', page_size '50');
SELECT saas_fdw_cache_reset('gh_tz');

-- the cache hits and pages parsed of a query (EXPLAIN ANALYZE)
CREATE FUNCTION tz_parsed(query text) RETURNS text
LANGUAGE sql AS $$
  SELECT string_agg(m[1] || ': ' || m[2], '; ')
    FROM explain_analyze(query) line,
         regexp_match(line, '(Cache Hits|Pages Parsed): (\d+)') m
$$;
-- the rows as text, in the session's settings
CREATE FUNCTION tz_text() RETURNS text
LANGUAGE sql AS $$
  SELECT md5(string_agg(concat_ws('|', number, title, labels, created_at,
                                  closed_at, attrs), ',' ORDER BY number))
    FROM tz_issues WHERE repo = 'octo/hello'
$$;

-- what a fresh parse shows in another zone and date style
SET saas_fdw.cache_ttl = 0;
SET timezone = 'Asia/Tokyo';
SET datestyle = 'SQL, DMY';
SELECT tz_text() AS fresh_tokyo \gset
SELECT created_at FROM tz_issues WHERE repo = 'octo/hello' AND number = 1;
RESET saas_fdw.cache_ttl;
SET timezone = 'UTC';
RESET datestyle;

-- every column parsed once, in UTC
SELECT tz_parsed($$SELECT * FROM tz_issues WHERE repo = 'octo/hello'$$);
-- another zone, date style and interval style: nothing parsed
SET timezone = 'Asia/Tokyo';
SET datestyle = 'SQL, DMY';
SET intervalstyle = 'sql_standard';
SELECT tz_parsed($$SELECT * FROM tz_issues WHERE repo = 'octo/hello'$$);
SELECT tz_parsed($$SELECT number, created_at FROM tz_issues WHERE repo = 'octo/hello'$$);
SELECT tz_parsed($$SELECT count(*) FROM tz_issues WHERE repo = 'octo/hello'$$);
-- shown in the session's zone and style, as the fresh parse showed them
SELECT created_at FROM tz_issues WHERE repo = 'octo/hello' AND number = 1;
SELECT tz_text() = :'fresh_tokyo' AS same_as_fresh_parse;
RESET intervalstyle;
RESET datestyle;
SET timezone = 'UTC';

-- a time without a zone goes through timestamptz's input, which reads
-- TimeZone: rows made of it are parsed again in another zone, with its
-- values (Jira's due dates, "2026-01-15", read as a timestamptz)
CREATE SERVER jira_tz FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'jira', base_url 'http://127.0.0.1:8085');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira_tz
  OPTIONS (user 'fdw@example.com', token 'jira_token_1');
CREATE FOREIGN TABLE tz_due (key text, project_key text,
                             due timestamptz OPTIONS (path 'fields.duedate'))
  SERVER jira_tz OPTIONS (resource 'issues');
SELECT tz_parsed($$SELECT key, due FROM tz_due WHERE project_key = 'ENG'$$);
SELECT tz_parsed($$SELECT key, due FROM tz_due WHERE project_key = 'ENG'$$);
SELECT key, due FROM tz_due WHERE project_key = 'ENG' AND due IS NOT NULL
 ORDER BY key LIMIT 2;
SET timezone = 'Asia/Tokyo';
SELECT tz_parsed($$SELECT key, due FROM tz_due WHERE project_key = 'ENG'$$);
SELECT key, due FROM tz_due WHERE project_key = 'ENG' AND due IS NOT NULL
 ORDER BY key LIMIT 2;
SET timezone = 'UTC';

DROP SERVER gh_tz CASCADE;
DROP SERVER jira_tz CASCADE;
DROP FUNCTION tz_parsed(text);
DROP FUNCTION tz_text();
