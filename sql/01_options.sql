--
-- Options are validated when they are set, with hints naming what is allowed.
--
-- server
CREATE SERVER bad FOREIGN DATA WRAPPER saas_fdw;
CREATE SERVER bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'gitlab');
CREATE SERVER bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', colour 'blue');
CREATE SERVER bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', base_url 'ftp://example.com');
CREATE SERVER bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', timeout_ms 'soon');
CREATE SERVER bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', max_retries '-1');
CREATE SERVER bad FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', token 'ghp_x');
CREATE SERVER gh_opts FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', timeout_ms '5000', max_retries '2', page_size '50', cache_ttl '0');
ALTER SERVER gh_opts OPTIONS (DROP service);
ALTER SERVER gh_opts OPTIONS (SET page_size '0');
ALTER SERVER gh_opts OPTIONS (SET page_size '100');

-- user mapping: only the token
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_opts OPTIONS (password 'x');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_opts OPTIONS (token '');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_opts OPTIONS (token 'ghp_test');

-- foreign tables and columns
CREATE FOREIGN TABLE t_bad (id int) SERVER gh_opts;
CREATE FOREIGN TABLE t_bad (id int) SERVER gh_opts OPTIONS (resource 'issues', colour 'x');
CREATE FOREIGN TABLE t_bad (id int OPTIONS (path 'a..b')) SERVER gh_opts OPTIONS (resource 'issues');
CREATE FOREIGN TABLE t_bad (id int OPTIONS (json 'a')) SERVER gh_opts OPTIONS (resource 'issues');
CREATE FOREIGN TABLE t_res (id int) SERVER gh_opts OPTIONS (resource 'wikis');
SELECT * FROM t_res;
-- a key of another resource is refused when set, naming this table's options
CREATE FOREIGN TABLE t_key (id int) SERVER gh_opts OPTIONS (resource 'issues', issue_number '1');
CREATE FOREIGN TABLE t_key (id int) SERVER gh_opts OPTIONS (resource 'issue_comments', issue_number '1');
DROP FOREIGN TABLE t_key;

-- a non-superuser may not point a server elsewhere
CREATE ROLE saas_plain;
GRANT USAGE ON FOREIGN DATA WRAPPER saas_fdw TO saas_plain;
SET ROLE saas_plain;
CREATE SERVER mine FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', base_url 'http://169.254.169.254');
CREATE SERVER mine FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github');
ALTER SERVER mine OPTIONS (ADD base_url 'http://127.0.0.1:8081');
DROP SERVER mine;
RESET ROLE;
REVOKE USAGE ON FOREIGN DATA WRAPPER saas_fdw FROM saas_plain;
DROP ROLE saas_plain;

-- IMPORT FOREIGN SCHEMA takes the service name as the remote schema
CREATE SCHEMA imp;
IMPORT FOREIGN SCHEMA stripe FROM SERVER gh_opts INTO imp;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues, wikis) FROM SERVER gh_opts INTO imp;
IMPORT FOREIGN SCHEMA github LIMIT TO (issue_comments) FROM SERVER gh_opts INTO imp;
\det+ imp.*
IMPORT FOREIGN SCHEMA github EXCEPT (issue_comments) FROM SERVER gh_opts INTO imp;
\d imp.issues
DROP SCHEMA imp CASCADE;
DROP SERVER gh_opts CASCADE;
