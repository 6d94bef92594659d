/*-------------------------------------------------------------------------
 *
 * activity.h
 *		  The scans running now, shown by the saas_fdw_activity view
 *		  (activity.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_ACTIVITY_H
#define SAAS_ACTIVITY_H

#include "http.h"

/* A scan's slot in the table, or none (slot -1). */
typedef struct ActivityHandle
{
	int			slot;
	uint64		scan_id;
} ActivityHandle;

/* shared memory, called by shmem.c */
extern Size activity_shmem_size(void);
extern void activity_shmem_init(void);
extern void activity_shmem_attach(void *part, bool create);

/* called by scan.c */
extern void activity_scan_start(ActivityHandle *handle, Oid serverid,
								Oid relid);
extern void activity_request(const ActivityHandle *handle, const char *url);
extern void activity_page_done(const ActivityHandle *handle, int64 pages,
							   int64 rows, const HttpCounters *counters);
extern void activity_scan_end(ActivityHandle *handle);

#endif							/* SAAS_ACTIVITY_H */
