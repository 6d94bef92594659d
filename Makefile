# saas_fdw: foreign data wrapper for SaaS list APIs (GitHub, Stripe, Slack)

MODULE_big = saas_fdw
OBJS = \
	src/saas_fdw.o \
	src/option.o \
	src/service.o \
	src/services/github.o \
	src/services/stripe.o \
	src/services/slack.o \
	src/services/jira.o \
	src/services/linear.o \
	src/pushdown.o \
	src/request.o \
	src/request_split.o \
	src/request_value.o \
	src/request_graphql.o \
	src/scan.o \
	src/scan_explain.o \
	src/scan_pages.o \
	src/scan_lanes.o \
	src/modify.o \
	src/modify_plan.o \
	src/write_body.o \
	src/adf_write.o \
	src/write_xact.o \
	src/page_rows.o \
	src/convert.o \
	src/import.o \
	src/import_fields.o \
	src/describe.o \
	src/fetch.o \
	src/credential.o \
	src/http.o \
	src/http_origin.o \
	src/http_response.o \
	src/http_retry.o \
	src/link_header.o \
	src/header_number.o \
	src/api_error.o \
	src/api_text.o \
	src/json.o \
	src/json_adf.o \
	src/json_path.o \
	src/json_value.o \
	src/shmem.o \
	src/cache.o \
	src/cache_arena.o \
	src/cache_segment.o \
	src/cache_check.o \
	src/cache_lru.o \
	src/cache_sql.o \
	src/ratelimit.o \
	src/activity.o \
	src/wait_events.o

EXTENSION = saas_fdw
DATA = saas_fdw--0.1.sql saas_fdw--0.2.sql saas_fdw--0.1--0.2.sql
PGFILEDESC = "saas_fdw - foreign data wrapper for SaaS APIs"

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=saas_fdw

SHLIB_LINK = -lcurl -ljson-c
PG_CPPFLAGS = -I$(srcdir)/src -I/usr/include/json-c
PG_CFLAGS = -Wall -Wmissing-prototypes -Werror=implicit-function-declaration

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object depends on the private headers (PGXS tracks no header deps)
$(OBJS): $(wildcard src/*.h)
