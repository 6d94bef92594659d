/*-------------------------------------------------------------------------
 *
 * credential.c
 *		  The fingerprint of a token: what the shared cache and the shared
 *		  rate limiter key a credential by, so that neither ever holds the
 *		  token itself.
 *
 * A fingerprint is HMAC-SHA256 of the token under a random key made once
 * and kept in shared memory (so every backend computes the same fingerprint
 * for the same token), cut to 64 bits.  Outside the server it says nothing
 * about the token.  The key is made at server start with
 * shared_preload_libraries, else on PostgreSQL 17 and later with the named
 * segment of shmem.c by the first backend that needs it; before 17,
 * without preloading, there is no shared cache or limiter and nothing to
 * key.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/cryptohash.h"
#include "common/hashfn.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "miscadmin.h"
#include "storage/shmem.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "credential.h"

#define CREDENTIAL_KEY_LEN		32
#define CREDENTIAL_SHMEM_NAME	"saas_fdw credential key"

/* the HMAC key in shared memory, or NULL without preloading */
static uint8 *credential_key = NULL;

/*
 * credential_shmem_size
 *		Bytes of shared memory the key needs.
 */
Size
credential_shmem_size(void)
{
	return MAXALIGN(CREDENTIAL_KEY_LEN);
}

/*
 * credential_shmem_init
 *		Make the key (in the postmaster) or attach to it; shmem.c calls it
 *		with AddinShmemInitLock held.
 */
void
credential_shmem_init(void)
{
	bool		found;
	void	   *part;

	part = ShmemInitStruct(CREDENTIAL_SHMEM_NAME, CREDENTIAL_KEY_LEN, &found);
	credential_shmem_attach(part, !found);
}

/*
 * credential_shmem_attach
 *		Use the key at part (credential_shmem_size bytes), making it first
 *		when create.
 */
void
credential_shmem_attach(void *part, bool create)
{
	uint8	   *key = part;

	if (create && !pg_strong_random(key, CREDENTIAL_KEY_LEN))
	{
		/* weaker, but still unknown outside this server */
		TimestampTz now = GetCurrentTimestamp();
		uint64		mix = hash_bytes_extended((const unsigned char *) &now,
											  sizeof(now), (uint64) MyProcPid);
		int			i;

		for (i = 0; i < CREDENTIAL_KEY_LEN; i += sizeof(uint64))
		{
			memcpy(key + i, &mix, sizeof(uint64));
			mix = hash_combine64(mix, (uint64) i);
		}
		ereport(LOG,
				(errmsg("saas_fdw could not generate a random credential key, using a time-based one")));
	}
	credential_key = key;
}

/*
 * credential_fingerprint
 *		The 64-bit fingerprint of token; 0 for no token, never 0 for a token.
 *		May raise an ERROR (out of memory), so call it before taking a
 *		cache claim.
 */
uint64
credential_fingerprint(const char *token)
{
	pg_hmac_ctx *ctx;
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	uint64		fingerprint;

	if (token == NULL)
		return 0;
	if (credential_key == NULL)
		return 1;				/* no shared cache or limiter to key */

	if (CurrentResourceOwner == NULL)
	{
		/* pg_hmac needs a resource owner; fall back to a keyed hash */
		uint64		seed;

		memcpy(&seed, credential_key, sizeof(seed));
		fingerprint = hash_bytes_extended((const unsigned char *) token,
										  strlen(token), seed);
	}
	else
	{
		ctx = pg_hmac_create(PG_SHA256);
		if (ctx == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		if (pg_hmac_init(ctx, credential_key, CREDENTIAL_KEY_LEN) < 0 ||
			pg_hmac_update(ctx, (const uint8 *) token, strlen(token)) < 0 ||
			pg_hmac_final(ctx, digest, sizeof(digest)) < 0)
		{
			const char *reason = pg_hmac_error(ctx);

			pg_hmac_free(ctx);
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not compute the credential fingerprint: %s",
							reason)));
		}
		pg_hmac_free(ctx);
		memcpy(&fingerprint, digest, sizeof(fingerprint));
	}

	return fingerprint != 0 ? fingerprint : 1;
}
