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
extern int	saas_range_streams;
extern int	saas_max_response_kb;
extern int	saas_cache_ttl_s;
extern int	saas_cache_size_kb;
extern int	saas_rate_limit_reserve;
extern int	saas_write_interval_ms;
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
	bool		updatable;		/* the updatable option (table, else
								 * server; default true): false makes a
								 * writable resource read-only */
	char	   *site;			/* the server option site, or NULL */
	List	   *fixed_terms;	/* DefElems: table options that are terms of
								 * the filter language's query
								 * (resource_filter_field) */
} SaasTableOptions;

extern void saas_define_gucs(void);
extern SaasTableOptions *saas_get_table_options(Oid foreigntableid);
extern SaasTableOptions *saas_get_server_options(Oid serverid);

/* in import_fields.c */
extern List *custom_field_columns(Oid serverid, const ResourceSpec *resource);
extern const char *option_value(List *options, const char *name);
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

#endif							/* SAAS_FDW_H */
