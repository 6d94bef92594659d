/*-------------------------------------------------------------------------
 *
 * saas_fdw.h
 *		  The settings, the table options and the FDW callbacks of
 *		  saas_fdw, grouped by the file that defines them.  Each other
 *		  module declares its interface in its own header beside it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_FDW_H
#define SAAS_FDW_H

#include "access/attnum.h"
#include "compat.h"
#include "nodes/execnodes.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"

#include "http.h"
#include "page_rows.h"
#include "service.h"

/*
 * Settings (GUCs) that give the defaults of the tuning options.
 * in option.c
 */
extern int	saas_timeout_ms;
extern int	saas_connect_timeout_ms;
extern int	saas_max_retries;
extern int	saas_max_retry_wait_s;
extern int	saas_page_size;
extern int	saas_max_pages;
extern int	saas_max_streams;
extern int	saas_read_ahead_pages;
extern int	saas_max_response_kb;
extern int	saas_cache_ttl_s;
extern int	saas_cache_size_kb;
extern int	saas_rate_limit_reserve;
extern bool saas_pushdown;

/*
 * Everything a scan needs to know about its table, its server and the
 * caller's credential, with the defaults applied.
 * in option.c
 */
typedef struct SaasTableOptions
{
	Oid			serverid;
	const ServiceSpec *service;
	const ResourceSpec *resource;
	char	   *base_url;		/* no trailing '/' */
	char	   *ca_file;		/* PEM file of trusted CAs, or NULL for the
								 * system's */
	int			timeout_ms;
	int			connect_timeout_ms;
	int			max_retries;
	int			page_size;
	int			cache_ttl_s;
	List	   *fixed_keys;		/* DefElems: key column = value, from the
								 * table options */
	List	   *fixed_query;	/* DefElems: table options that replace a
								 * default_query parameter */
} SaasTableOptions;

extern void saas_define_gucs(void);
extern SaasTableOptions *saas_get_table_options(Oid foreigntableid);
extern char *saas_get_token(Oid serverid, Oid userid);
extern char *saas_column_path_option(Oid foreigntableid, AttrNumber attnum);
extern char *saas_column_name(Oid foreigntableid, AttrNumber attnum);
extern AttrNumber saas_column_attnum(Oid foreigntableid, const char *column);
extern void saas_check_readable_file(const char *path, const char *option);

/*
 * The executor's scan callbacks.
 * in scan.c
 */
extern void saasBeginForeignScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *saasIterateForeignScan(ForeignScanState *node);
extern void saasReScanForeignScan(ForeignScanState *node);
extern void saasEndForeignScan(ForeignScanState *node);
extern void saasExplainForeignScan(ForeignScanState *node, ExplainState *es);

/*
 * IMPORT FOREIGN SCHEMA.
 * in import.c
 */
extern List *saasImportForeignSchema(ImportForeignSchemaStmt *stmt,
									 Oid serverOid);

/*
 * A token's fingerprint: how the cache and the rate limiter key it.
 * in credential.c
 */
extern void credential_init(void);
extern uint64 credential_fingerprint(const char *token);

/*
 * The shared-memory page cache.
 * in cache.c
 */
typedef struct CacheKey
{
	Oid			serverid;
	uint64		credential;		/* fingerprint of the token, never the
								 * token */
	const char *url;
	const char *row_layout;		/* rows wanted from beside the page (see
								 * tuple_reader_layout), or NULL */
} CacheKey;

/* What cache_get hands back. */
typedef struct CachedPage
{
	HttpResponse *response;		/* without its body when rows are given */
	PageRows   *rows;			/* the page's rows in key->row_layout, or
								 * NULL */
	uint64		page_gen;		/* names this version of the page for
								 * cache_put_rows */
} CachedPage;

typedef enum CacheResult
{
	CACHE_HIT,					/* fresh page returned */
	CACHE_STALE,				/* expired page returned for revalidation;
								 * the caller now owns the fetch */
	CACHE_MISS,					/* nothing; the caller now owns the fetch */
	CACHE_DISABLED				/* no shared cache (not preloaded, ttl 0) */
} CacheResult;

extern void cache_init(void);
extern CacheResult cache_get(const CacheKey *key, int ttl_s, CachedPage *page);
extern uint64 cache_put(const CacheKey *key, const HttpResponse *page);
extern void cache_put_rows(const CacheKey *key, uint64 page_gen,
						   const PageRows *rows);
extern void cache_abandon(const CacheKey *key);

/*
 * The server-wide rate limiter, fed by the APIs' rate-limit headers.
 * in ratelimit.c
 */

/* margin added to a rate-limit reset time, for clock skew */
#define RATE_LIMIT_RESET_MARGIN_MS	1000

extern void ratelimit_init(void);
extern double ratelimit_before_request(const HttpRequest *request,
									   double max_wait_ms);
extern void ratelimit_after_request(const HttpRequest *request, long status,
									int64 remaining, int64 reset,
									double retry_after_s);

#endif							/* SAAS_FDW_H */
