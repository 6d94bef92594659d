/*-------------------------------------------------------------------------
 *
 * shmem.h
 *		  Shared memory of saas_fdw: the one pair of hooks that sizes and
 *		  creates every module's part, and the claims a backend holds in
 *		  shared tables (shmem.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_SHMEM_H
#define SAAS_SHMEM_H

#include "storage/lwlock.h"

/* Claims one backend may hold in one shared table at once. */
#define SHMEM_MAX_CLAIMS		8

/*
 * Something this backend holds in a shared table and must give back: a
 * cache key it fetches, requests it has in flight against a rate limit.
 * The module names what is held by two numbers of its choosing.
 */
typedef struct ShmemClaim
{
	uint32		which;			/* the cache: entry index; the rate limiter:
								 * server OID */
	uint64		tag;			/* the cache: claim id; the rate limiter:
								 * credential fingerprint */
	int32		count;			/* times claimed and not yet released */
	SubTransactionId subid;		/* subtransaction that claimed it first */
	const void *payload;		/* the module's own (the cache: the expired
								 * page handed out with the claim), or NULL */
	uint64		payload_gen;	/* the module's own (the cache: that page's
								 * generation) */
} ShmemClaim;

/*
 * The claims of this backend on one shared table, and how to give them back
 * when the transaction that holds them ends, or the backend exits, without
 * giving them back itself (an ERROR unwound it).  A module keeps one in
 * static memory; the callbacks must never raise an ERROR.
 */
typedef struct ShmemClaimSet
{
	/* give back claims at subtransaction abort, not only at the end */
	bool		subxact_scoped;
	/* take the table's lock exclusively; false when there is no table */
	bool		(*lock) (void);
	/* give back n counts of claim in the table, with the lock held */
	void		(*release) (const ShmemClaim *claim, int32 n);
	/* release the table's lock (and wake whoever waits) */
	void		(*unlock) (void);

	int			nclaims;
	ShmemClaim	claims[SHMEM_MAX_CLAIMS];
	bool		callbacks_registered;
} ShmemClaimSet;

/* in shmem.c */
extern void shmem_install_hooks(void);
extern void shmem_attach(void);
extern void shmem_lock_attach(LWLock *lock, int *tranche_id, bool create,
							  const char *tranche_name);
extern void shmem_claims_register(ShmemClaimSet *set);
extern ShmemClaim *shmem_claim_add(ShmemClaimSet *set, uint32 which,
								   uint64 tag);
extern ShmemClaim *shmem_claim_find(ShmemClaimSet *set, uint32 which,
									uint64 tag);
extern void shmem_claim_forget(ShmemClaimSet *set, ShmemClaim *claim,
							   int32 n);

#endif							/* SAAS_SHMEM_H */
