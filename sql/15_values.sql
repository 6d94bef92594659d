--
-- Reading API values into rows: every value goes through the input
-- function of the column's declared type (through domains, to arrays of
-- them), in the database's encoding, with its digits as the API sent them;
-- a value that does not fit is an error naming the column and the value.
-- The fault-injecting fake (port 8084) serves the fixtures: fault/latin1-text,
-- fault/not-latin1, fault/big-number (test/fake/README.md).
--
SET timezone = 'UTC';
CREATE SERVER fx_values FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8084', cache_ttl '0');
CREATE USER MAPPING FOR PUBLIC SERVER fx_values OPTIONS (token 'any');
CREATE SCHEMA vals;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER fx_values INTO vals;

-- the SQLSTATE, message and innermost context of a query's error
CREATE FUNCTION value_error(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  state text;
  message text;
  context text;
BEGIN
  EXECUTE query;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          context = PG_EXCEPTION_CONTEXT;
  RETURN state || ': ' || message || ' | ' || split_part(context, E'\n', 1);
END $$;

--
-- Text in a UTF8 database: as sent, in text, text[] and jsonb columns
--
SELECT number, title, labels, body, octet_length(title) AS title_bytes
  FROM vals.issues WHERE repo = 'fault/latin1-text' AND number <= 2 ORDER BY number;
SELECT attrs->>'title' AS title, attrs#>>'{labels,0,name}' AS label
  FROM vals.issues WHERE repo = 'fault/latin1-text' AND number <= 2 ORDER BY number;
SELECT title FROM vals.issues WHERE repo = 'fault/not-latin1' AND title LIKE 'costs%';

--
-- Integers beyond 64 bits keep their digits (issue 17)
--
CREATE FOREIGN TABLE vals.counts (repo text, number int, comments numeric,
                                  comments_text text OPTIONS (path 'comments'),
                                  attrs jsonb)
  SERVER fx_values OPTIONS (resource 'issues');
SELECT number, comments, comments_text, attrs->'comments' AS in_attrs,
       (attrs->>'comments')::numeric = comments AS same
  FROM vals.counts WHERE repo = 'fault/big-number' ORDER BY number;
-- a column that cannot hold them: an error naming the column and the value
SELECT value_error($$SELECT comments FROM vals.issues WHERE repo = 'fault/big-number'$$);
CREATE FOREIGN TABLE vals.counts8 (repo text, comments bigint)
  SERVER fx_values OPTIONS (resource 'issues');
SELECT value_error($$SELECT comments FROM vals.counts8 WHERE repo = 'fault/big-number'$$);

--
-- A role that is not superuser declares its own table, with types of its
-- own choosing for known columns: each value goes through the type's input
-- function, and a value that does not fit is an error naming the column
-- and the value, never a crash or a wrong value (issue 13, defect 2)
--
CREATE ROLE values_user;
CREATE SCHEMA mine AUTHORIZATION values_user;
GRANT USAGE ON FOREIGN SERVER fx_values TO values_user;
CREATE SERVER slack_values FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url 'http://127.0.0.1:8083/api', cache_ttl '0');
CREATE USER MAPPING FOR values_user SERVER slack_values OPTIONS (token 'xoxb-test');
GRANT USAGE ON FOREIGN SERVER slack_values TO values_user;
SET ROLE values_user;
CREATE DOMAIN mine.small AS int CHECK (VALUE < 3);
CREATE DOMAIN mine.stamp AS timestamptz CHECK (VALUE > '2024-01-01');
CREATE DOMAIN mine.late AS timestamptz CHECK (VALUE > '2024-01-03');
CREATE DOMAIN mine.lbls AS text[];
CREATE DOMAIN mine.short_lbls AS text[] CHECK (VALUE <> '{"déjà vu"}');
CREATE FOREIGN TABLE mine.issues (
  repo text,
  number numeric,
  id text,
  comments boolean,
  locked text,
  is_pull_request text,
  state char(6),
  title varchar(30),
  created_at mine.stamp,
  labels mine.lbls,
  attrs json,
  body bytea
) SERVER fx_values OPTIONS (resource 'issues');
SELECT number, id, locked, is_pull_request, state, title, created_at,
       labels, labels[1] AS first_label, attrs->>'number' AS attrs_number, body
  FROM mine.issues WHERE repo = 'fault/ok' AND number <= 3 ORDER BY number;
-- a boolean made from whether a key is present, in a text column
SELECT number, is_pull_request FROM mine.issues
 WHERE repo = 'fault/ok' AND number <= 2 ORDER BY number;
-- the same with an integer where a string is, and a bigint for a text
CREATE FOREIGN TABLE mine.wrong (repo text, number mine.small, title int,
                                 state varchar(3), html_url bigint,
                                 is_pull_request int, labels mine.short_lbls,
                                 created_at mine.late)
  SERVER fx_values OPTIONS (resource 'issues');
SELECT value_error($$SELECT title FROM mine.wrong WHERE repo = 'fault/ok'$$);
SELECT value_error($$SELECT state FROM mine.wrong WHERE repo = 'fault/ok'$$);
SELECT value_error($$SELECT html_url FROM mine.wrong WHERE repo = 'fault/ok'$$);
SELECT value_error($$SELECT number FROM mine.wrong WHERE repo = 'fault/ok'$$);
SELECT value_error($$SELECT created_at FROM mine.wrong WHERE repo = 'fault/ok'$$);
SELECT value_error($$SELECT is_pull_request FROM mine.wrong WHERE repo = 'fault/ok'$$);
SELECT labels FROM mine.wrong WHERE repo = 'fault/ok' LIMIT 1;
SELECT value_error($$SELECT labels FROM mine.wrong WHERE repo = 'fault/latin1-text'$$);
-- a boolean column of a number that is neither 0 nor 1
SELECT value_error($$SELECT comments FROM mine.issues WHERE repo = 'fault/ok'$$);
-- Slack's ts, "seconds.micros": not a bigint; as timestamptz(0), whole seconds
CREATE FOREIGN TABLE mine.messages (channel text, ts text, ts_number bigint OPTIONS (path 'ts'),
                                    ts_time timestamptz(0))
  SERVER slack_values OPTIONS (resource 'messages');
SELECT ts, ts_time FROM mine.messages WHERE channel = 'C02RANDOM' LIMIT 2;
SELECT value_error($$SELECT ts_number FROM mine.messages WHERE channel = 'C02RANDOM' LIMIT 2$$);
RESET ROLE;

--
-- A domain over an array type reads like its base type (issue 19)
--
CREATE DOMAIN vals.lbls AS text[];
CREATE FOREIGN TABLE vals.labelled (repo text, number int, labels vals.lbls)
  SERVER fx_values OPTIONS (resource 'issues');
SELECT number, labels, pg_typeof(labels) FROM vals.labelled
 WHERE repo = 'fault/latin1-text' AND number <= 2 ORDER BY number;

-- arrays of json and jsonb: each element is JSON (a string too)
CREATE FOREIGN TABLE vals.json_arrays (repo text, number int, labels jsonb[],
                                       label_objects json[] OPTIONS (path 'labels'))
  SERVER fx_values OPTIONS (resource 'issues');
SELECT number, labels, labels[1] = '"déjà vu"'::jsonb AS is_json, label_objects
  FROM vals.json_arrays WHERE repo = 'fault/latin1-text' AND number <= 2 ORDER BY number;

--
-- Cached rows and domain constraints added later (issue 18): the rows of a
-- column of a domain are checked against the constraints the domain has now
--
CREATE SERVER fx_cached FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8084', cache_ttl '300');
CREATE USER MAPPING FOR PUBLIC SERVER fx_cached OPTIONS (token 'any');
CREATE DOMAIN vals.count AS int;
CREATE FOREIGN TABLE vals.cached (repo text, number int, comments vals.count,
                                  title text)
  SERVER fx_cached OPTIONS (resource 'issues');
-- the pages a query parsed (0: its rows came from the cache)
CREATE FUNCTION pages_parsed(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query
  LOOP
    IF line ~ 'Pages Parsed:' THEN
      RETURN regexp_replace(line, '^\s*', '');
    END IF;
  END LOOP;
  RETURN 'no Pages Parsed line';
END $$;
SELECT saas_fdw_cache_reset('fx_cached');
SELECT number, comments FROM vals.cached WHERE repo = 'fault/ok' ORDER BY number;
SELECT pages_parsed($$SELECT number, comments FROM vals.cached WHERE repo = 'fault/ok'$$);
ALTER DOMAIN vals.count ADD CONSTRAINT under_two CHECK (VALUE < 2) NOT VALID;
SELECT value_error($$SELECT number, comments FROM vals.cached WHERE repo = 'fault/ok'$$);
ALTER DOMAIN vals.count DROP CONSTRAINT under_two;
SELECT number, comments FROM vals.cached WHERE repo = 'fault/ok' ORDER BY number;
SELECT pages_parsed($$SELECT number, comments FROM vals.cached WHERE repo = 'fault/ok'$$);
-- NOT NULL added later, and a null value
SELECT count(*) FROM vals.cached WHERE repo = 'fault/null-fields';
ALTER DOMAIN vals.count SET NOT NULL;
SELECT value_error($$SELECT comments FROM vals.cached WHERE repo = 'fault/null-fields'$$);
-- a setting an input function reads: xmloption (content accepts a bare text)
CREATE FOREIGN TABLE vals.cached_xml (repo text, number int, title xml)
  SERVER fx_cached OPTIONS (resource 'issues');
SET xmloption = content;
SELECT title FROM vals.cached_xml WHERE repo = 'fault/ok' ORDER BY number LIMIT 1;
SET xmloption = document;
SELECT value_error($$SELECT title FROM vals.cached_xml WHERE repo = 'fault/ok' ORDER BY number LIMIT 1$$);
RESET xmloption;

--
-- A LATIN1 database: text is converted from UTF-8; a character LATIN1 lacks
-- is PostgreSQL's own error 22P05, naming the column (issue 13, defect 4)
--
SELECT current_database() AS regress_db \gset
CREATE DATABASE latin1db ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c latin1db
SET client_encoding = 'UTF8';
CREATE EXTENSION saas_fdw;
CREATE SERVER fx FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:8084', cache_ttl '0');
CREATE USER MAPPING FOR PUBLIC SERVER fx OPTIONS (token 'any');
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER fx INTO public;
SELECT number, title, labels, body, octet_length(title) AS title_bytes,
       title = 'café crème' AS title_equal
  FROM issues WHERE repo = 'fault/latin1-text' AND number <= 2 ORDER BY number;
SELECT attrs->>'title' AS title, attrs#>>'{labels,0,name}' AS label
  FROM issues WHERE repo = 'fault/latin1-text' AND number <= 2 ORDER BY number;
-- the same in a column of the database's encoding only
SELECT convert_to(title, 'LATIN1') FROM issues
 WHERE repo = 'fault/latin1-text' AND title LIKE 'caf%';
\set VERBOSITY default
SELECT number, title FROM issues WHERE repo = 'fault/not-latin1';
SELECT number, attrs FROM issues WHERE repo = 'fault/not-latin1';
-- columns that do not read the title still read
SELECT number, state FROM issues WHERE repo = 'fault/not-latin1' ORDER BY number;
\c :regress_db
DROP DATABASE latin1db;

DROP SERVER fx_values CASCADE;
DROP SERVER fx_cached CASCADE;
DROP SERVER slack_values CASCADE;
DROP SCHEMA vals CASCADE;
DROP SCHEMA mine CASCADE;
DROP OWNED BY values_user;
DROP ROLE values_user;
DROP FUNCTION value_error(text);
DROP FUNCTION pages_parsed(text);
