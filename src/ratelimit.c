/*-------------------------------------------------------------------------
 *
 * ratelimit.c
 *		  The server-wide rate limiter: what the APIs said about the rate
 *		  limit of each (foreign server, credential), shared by all
 *		  backends, so that they wait for a reset together instead of each
 *		  finding out with a refused request.
 *
 * http.c calls ratelimit_before_request before every request it sends and
 * ratelimit_after_request as soon as the request is over (answered or not).
 * After a response the limiter keeps, per server and credential:
 *	- remaining and reset_at, from GitHub-style x-ratelimit-remaining and
 *	  x-ratelimit-reset headers (the latest response wins);
 *	- blocked_until, from a Retry-After on an error response (Slack's and
 *	  GitHub's secondary limits, 503s).
 * Before a request, a backend waits when the API asked to wait
 * (blocked_until) or when no request would remain: remaining, less the
 * requests of other backends still in flight, is at most
 * saas_fdw.rate_limit_reserve.  It then waits until reset_at (plus a second
 * for clock skew).  A wait longer than saas_fdw.max_retry_wait fails at
 * once, saying when the limit resets; a wait is on the latch, so cancel,
 * statement_timeout and termination end it (http.c sleeps).
 *
 * Paced writes (HttpRequest.pace_ms: GitHub asks for mutating requests one
 * at a time, a second apart) also keep next_write_at per slot: a write may
 * start only then; when it starts, next_write_at moves past its timeout
 * (the next write waits for this one to end, and a backend that never
 * reports the end holds the others back no longer than that), and when it
 * ends, to pace_ms after the end.
 *
 * Requests in flight are counted per slot and remembered per backend as
 * claims (shmem.c); a backend may have several at once (one per transfer).
 * Whatever an error leaves counted is released at the end of the
 * transaction and at backend exit.
 *
 * The table has RATELIMIT_SLOTS slots, found by a linear scan; when it is
 * full, the slot updated longest ago is reused.  A slot is keyed by
 * database, server OID and credential; a credential is its keyed
 * fingerprint (credential.c), never the token.  Without
 * shared_preload_libraries the table is in the named segment of shmem.c on
 * PostgreSQL 17 and later; before 17 there is then no table and nothing is
 * limited.
 *
 * Locking: one LWLock (tranche "saas_fdw_ratelimit") protects the table.
 * The work under it is a scan of the slots and a few assignments: nothing
 * raises, allocates, sleeps or does I/O while it is held.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "api_error.h"
#include "ratelimit.h"
#include "saas_fdw.h"
#include "shmem.h"

/* Servers x credentials remembered at once. */
#define RATELIMIT_SLOTS			256

#define RATELIMIT_SHMEM_NAME	"saas_fdw rate limits"

/* What the API last said about one server and credential. */
typedef struct RateLimitSlot
{
	Oid			dbid;			/* server OIDs are per database */
	Oid			serverid;		/* InvalidOid: a free slot */
	uint64		credential;
	int64		remaining;		/* requests left until reset_at; -1 unknown */
	TimestampTz reset_at;		/* 0: unknown */
	TimestampTz blocked_until;	/* Retry-After of an error; 0: none */
	TimestampTz updated_at;
	int32		in_flight;		/* requests sent and not yet answered */
	int64		waits;			/* requests that waited for a reset */
	int64		refusals;		/* requests failed at once: too long a wait */
	TimestampTz next_write_at;	/* a paced write may start then; 0: now */
} RateLimitSlot;

typedef struct RateLimitShared
{
	int			tranche_id;
	LWLock		lock;
	RateLimitSlot slots[RATELIMIT_SLOTS];
} RateLimitShared;

static RateLimitShared *ratelimit = NULL;

static bool ratelimit_lock_all(void);
static void ratelimit_release_claim(const ShmemClaim *claim, int32 n);
static void ratelimit_unlock_all(void);

/*
 * This backend's requests in flight, counted in the slots' in_flight, one
 * claim per server and credential.  A request of a key beyond
 * SHMEM_MAX_CLAIMS is simply not counted.  Claims are given back when the
 * transaction ends, not when a subtransaction aborts: a transfer of a
 * portal that outlives the subtransaction is still in flight.
 */
static ShmemClaimSet claims = {
	.subxact_scoped = false,
	.lock = ratelimit_lock_all,
	.release = ratelimit_release_claim,
	.unlock = ratelimit_unlock_all,
};

PG_FUNCTION_INFO_V1(saas_fdw_rate_limit_stats);
PG_FUNCTION_INFO_V1(saas_fdw_rate_limit_reset_all);
PG_FUNCTION_INFO_V1(saas_fdw_rate_limit_reset_server);


/* ---------------------------------------------------------------------
 * Shared memory
 * ---------------------------------------------------------------------
 */

/*
 * ratelimit_shmem_size
 *		Bytes of shared memory the table needs.
 */
Size
ratelimit_shmem_size(void)
{
	return MAXALIGN(sizeof(RateLimitShared));
}

/*
 * ratelimit_shmem_init
 *		Create the table (in the postmaster) or attach to it; shmem.c calls
 *		it with AddinShmemInitLock held.
 */
void
ratelimit_shmem_init(void)
{
	bool		found;
	void	   *part;

	part = ShmemInitStruct(RATELIMIT_SHMEM_NAME, sizeof(RateLimitShared), &found);
	ratelimit_shmem_attach(part, !found);
}

/*
 * ratelimit_shmem_attach
 *		Use the table at part (ratelimit_shmem_size bytes), making it first
 *		when create.  Its lock lives in it, so that the table may live in a
 *		segment mapped at another address in each backend.
 */
void
ratelimit_shmem_attach(void *part, bool create)
{
	RateLimitShared *shared = part;

	if (create)
		memset(shared, 0, sizeof(RateLimitShared));
	shmem_lock_attach(&shared->lock, &shared->tranche_id, create,
					  RATELIMIT_TRANCHE);
	ratelimit = shared;
}


/* ---------------------------------------------------------------------
 * Slots (with the lock held)
 * ---------------------------------------------------------------------
 */

/*
 * slot_find
 *		The slot of a server and credential of this database, or NULL (lock
 *		held).
 */
static RateLimitSlot *
slot_find(Oid serverid, uint64 credential)
{
	int			i;

	for (i = 0; i < RATELIMIT_SLOTS; i++)
	{
		RateLimitSlot *s = &ratelimit->slots[i];

		if (s->serverid == serverid && s->credential == credential &&
			s->dbid == MyDatabaseId)
			return s;
	}
	return NULL;
}

/*
 * slot_find_or_take
 *		The slot of this key; a free one, or the one updated longest ago.
 */
static RateLimitSlot *
slot_find_or_take(Oid serverid, uint64 credential)
{
	RateLimitSlot *s = slot_find(serverid, credential);
	RateLimitSlot *oldest = NULL;
	int			i;

	if (s != NULL)
		return s;
	for (i = 0; i < RATELIMIT_SLOTS; i++)
	{
		s = &ratelimit->slots[i];
		if (!OidIsValid(s->serverid))
		{
			oldest = s;
			break;
		}
		if (oldest == NULL || s->updated_at < oldest->updated_at)
			oldest = s;
	}
	memset(oldest, 0, sizeof(RateLimitSlot));
	oldest->dbid = MyDatabaseId;
	oldest->serverid = serverid;
	oldest->credential = credential;
	oldest->remaining = -1;
	return oldest;
}

/*
 * slot_wait_until
 *		Until when must a new request of this slot wait?  0: it may go now.
 *		Knowledge of a window that has ended is forgotten.
 */
static TimestampTz
slot_wait_until(RateLimitSlot *s, TimestampTz now)
{
	TimestampTz until = 0;

	if (s->blocked_until > now)
		until = s->blocked_until;
	if (s->remaining >= 0 && s->reset_at > 0)
	{
		TimestampTz window_end = s->reset_at +
			(TimestampTz) RATE_LIMIT_RESET_MARGIN_MS * 1000;

		if (window_end <= now)
			s->remaining = -1;
		else if (s->remaining - s->in_flight <= saas_rate_limit_reserve)
			until = Max(until, window_end);
	}
	return until;
}

/*
 * claim_take
 *		Count a request of this slot in flight, here and in the slot.
 */
static void
claim_take(RateLimitSlot *s)
{
	if (shmem_claim_add(&claims, s->serverid, s->credential) != NULL)
		s->in_flight++;
}

/*
 * claim_release_one
 *		One request of this key is over.
 */
static void
claim_release_one(Oid serverid, uint64 credential)
{
	ShmemClaim *claim = shmem_claim_find(&claims, serverid, credential);

	if (claim == NULL)
		return;
	ratelimit_release_claim(claim, 1);
	shmem_claim_forget(&claims, claim, 1);
}

/*
 * ratelimit_lock_all
 *		Take the lock exclusively for shmem.c, which releases whatever an
 *		error left counted at the end of a transaction or of the backend;
 *		false without a table.  Never raises, as ratelimit_release_claim and
 *		ratelimit_unlock_all.
 */
static bool
ratelimit_lock_all(void)
{
	if (ratelimit == NULL)
		return false;
	LWLockAcquire(&ratelimit->lock, LW_EXCLUSIVE);
	return true;
}

/*
 * ratelimit_release_claim
 *		Release n of this backend's requests in flight of a claim (lock held).
 */
static void
ratelimit_release_claim(const ShmemClaim *claim, int32 n)
{
	RateLimitSlot *s = slot_find((Oid) claim->which, claim->tag);

	if (s != NULL)
		s->in_flight = Max(s->in_flight - n, 0);
}

/*
 * ratelimit_unlock_all
 *		Release the lock taken by ratelimit_lock_all.
 */
static void
ratelimit_unlock_all(void)
{
	LWLockRelease(&ratelimit->lock);
}


/* ---------------------------------------------------------------------
 * The interface used by http.c
 * ---------------------------------------------------------------------
 */

/*
 * ratelimit_refuse
 *		Raise the error of a request that would wait until "until", longer than
 *		it may.  unreserved > 0: that many requests remain, and only
 *		saas_fdw.rate_limit_reserve holds them back.
 */
static void
ratelimit_refuse(Oid serverid, TimestampTz until, TimestampTz now, int64 unreserved)
{
	const char *server = GetForeignServer(serverid)->servername;
	long		in_s = (long) ((until - now + USECS_PER_SEC - 1) / USECS_PER_SEC);

	if (unreserved > 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("API rate limit of server \"%s\" is held back by saas_fdw.rate_limit_reserve for this credential",
						server),
				 errdetail("%lld requests remain, and saas_fdw.rate_limit_reserve (now %d) keeps them unused until the limit resets at %s (in %ld s).",
						   (long long) unreserved, saas_rate_limit_reserve,
						   timestamptz_to_str(until), in_s),
				 errhint("Lower saas_fdw.rate_limit_reserve for this session to use them, or run the query again after the reset.")));
	ereport(ERROR,
			(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
			 errmsg("API rate limit of server \"%s\" is used up for this credential",
					server),
			 errdetail("An earlier response said so; the limit resets at %s (in %ld s).",
					   timestamptz_to_str(until), in_s),
			 errhint("Run the query again after the limit resets, or raise saas_fdw.max_retry_wait (now %d s); if the limit was raised or the token changed, a superuser can forget what the API said with saas_fdw_rate_limit_reset('%s').",
					 saas_max_retry_wait_s, server)));
}

/*
 * ratelimit_before_request
 *		How long the request must wait before it is sent, in ms; 0 means send
 *		it now, and it is counted in flight until ratelimit_after_request.
 *		Call again after waiting: the limit may have moved meanwhile.  A wait
 *		longer than max_wait_ms raises the rate-limit error at once.
 */
double
ratelimit_before_request(const HttpRequest *request, double max_wait_ms)
{
	TimestampTz now = GetCurrentTimestamp();
	TimestampTz until = 0;
	RateLimitSlot *s;

	shmem_attach();
	if (ratelimit == NULL || !OidIsValid(request->serverid))
		return 0;
	shmem_claims_register(&claims);

	LWLockAcquire(&ratelimit->lock, LW_EXCLUSIVE);
	if (request->pace_ms > 0)
		s = slot_find_or_take(request->serverid, request->credential);
	else
		s = slot_find(request->serverid, request->credential);
	if (s != NULL)
		until = slot_wait_until(s, now);
	if (request->pace_ms > 0 && s->next_write_at > now)
		until = Max(until, s->next_write_at);
	if (until == 0)
	{
		if (s != NULL)
			claim_take(s);
		if (request->pace_ms > 0)
			s->next_write_at = now + (TimestampTz) (request->timeout_ms + request->pace_ms) * 1000;
		LWLockRelease(&ratelimit->lock);
		return 0;
	}
	if ((double) (until - now) / 1000.0 > max_wait_ms)
	{
		/* what held it back: the reserve, while requests remain? */
		int64		unreserved = (s->blocked_until > now || s->remaining < 0) ? 0
			: s->remaining - s->in_flight;

		s->refusals++;
		LWLockRelease(&ratelimit->lock);
		ratelimit_refuse(request->serverid, until, now, unreserved);
	}
	s->waits++;
	LWLockRelease(&ratelimit->lock);
	return (double) (until - now) / 1000.0;
}

/*
 * ratelimit_after_request
 *		The request is over: status 0 if no response came.  remaining, reset
 *		(epoch seconds) and retry_after_s are the response's headers, or -1, 0
 *		and -1 when absent.
 */
void
ratelimit_after_request(const HttpRequest *request, long status,
						int64 remaining, int64 reset, double retry_after_s)
{
	bool		says_remaining = remaining >= 0 && reset > 0;
	bool		says_wait = status >= 400 && retry_after_s >= 0;
	TimestampTz now;
	RateLimitSlot *s;

	if (ratelimit == NULL)
		return;

	now = GetCurrentTimestamp();
	LWLockAcquire(&ratelimit->lock, LW_EXCLUSIVE);
	claim_release_one(request->serverid, request->credential);
	if (OidIsValid(request->serverid) && request->pace_ms > 0)
	{
		s = slot_find_or_take(request->serverid, request->credential);
		s->next_write_at = now + (TimestampTz) request->pace_ms * 1000;
		s->updated_at = now;
	}
	if (OidIsValid(request->serverid) && (says_remaining || says_wait))
	{
		s = slot_find_or_take(request->serverid, request->credential);
		if (says_remaining)
		{
			TimestampTz reset_at = time_t_to_timestamptz((pg_time_t) reset);

			/*
			 * Answers of concurrent requests may arrive out of order: within
			 * one window the count only falls, and an answer of an earlier
			 * window says nothing of the current one.
			 */
			if (reset_at == s->reset_at)
				s->remaining = Min(s->remaining, remaining);
			else if (reset_at > s->reset_at)
			{
				s->remaining = remaining;
				s->reset_at = reset_at;
			}
		}
		if (says_wait)
			s->blocked_until = Max(s->blocked_until,
								   now + (TimestampTz) (retry_after_s * USECS_PER_SEC));
		s->updated_at = now;
	}
	LWLockRelease(&ratelimit->lock);
}


/* ---------------------------------------------------------------------
 * SQL
 * ---------------------------------------------------------------------
 */

/*
 * check_ratelimit_available
 *		Raise the error of a SQL function called without the table.
 */
static void
check_ratelimit_available(void)
{
	shmem_attach();
	if (ratelimit == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("saas_fdw rate limiter is not available"),
				 errhint("Add saas_fdw to shared_preload_libraries and restart the server.")));
}

/*
 * saas_fdw_rate_limit_stats(): one row per server and credential the
 * limiter knows, in every database.
 */
Datum
saas_fdw_rate_limit_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RateLimitSlot *copy;
	int			i;

	check_ratelimit_available();

	InitMaterializedSRF(fcinfo, 0);

	copy = palloc(sizeof(RateLimitSlot) * RATELIMIT_SLOTS);
	LWLockAcquire(&ratelimit->lock, LW_SHARED);
	memcpy(copy, ratelimit->slots, sizeof(RateLimitSlot) * RATELIMIT_SLOTS);
	LWLockRelease(&ratelimit->lock);

	for (i = 0; i < RATELIMIT_SLOTS; i++)
	{
		RateLimitSlot *s = &copy[i];
		Datum		values[10];
		bool		nulls[10];

		if (!OidIsValid(s->serverid))
			continue;
		memset(nulls, 0, sizeof(nulls));
		values[0] = ObjectIdGetDatum(s->dbid);
		values[1] = ObjectIdGetDatum(s->serverid);
		values[2] = CStringGetTextDatum(psprintf("%016llx", (unsigned long long) s->credential));
		values[3] = Int64GetDatum(s->remaining);
		nulls[3] = s->remaining < 0;
		values[4] = TimestampTzGetDatum(s->reset_at);
		nulls[4] = s->reset_at == 0;
		values[5] = TimestampTzGetDatum(s->blocked_until);
		nulls[5] = s->blocked_until == 0;
		values[6] = Int32GetDatum(s->in_flight);
		values[7] = Int64GetDatum(s->waits);
		values[8] = Int64GetDatum(s->refusals);
		values[9] = TimestampTzGetDatum(s->updated_at);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * ratelimit_forget
 *		Forget what the APIs said about the rate limits of one server of this
 *		database (InvalidOid: of every server in every database): remaining,
 *		reset_at and blocked_until.  Requests in flight and the counters stay.
 *		The next request goes out and learns the limit again.
 */
static void
ratelimit_forget(Oid serverid)
{
	int			i;

	check_ratelimit_available();

	LWLockAcquire(&ratelimit->lock, LW_EXCLUSIVE);
	for (i = 0; i < RATELIMIT_SLOTS; i++)
	{
		RateLimitSlot *s = &ratelimit->slots[i];

		if (!OidIsValid(s->serverid) ||
			(OidIsValid(serverid) &&
			 (s->serverid != serverid || s->dbid != MyDatabaseId)))
			continue;
		s->remaining = -1;
		s->reset_at = 0;
		s->blocked_until = 0;
	}
	LWLockRelease(&ratelimit->lock);
}

/*
 * saas_fdw_rate_limit_reset_all
 *		saas_fdw_rate_limit_reset(): every server's limits, in every database.
 */
Datum
saas_fdw_rate_limit_reset_all(PG_FUNCTION_ARGS)
{
	ratelimit_forget(InvalidOid);
	PG_RETURN_VOID();
}

/*
 * saas_fdw_rate_limit_reset_server
 *		saas_fdw_rate_limit_reset(server): one server of this database.
 */
Datum
saas_fdw_rate_limit_reset_server(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));

	ratelimit_forget(GetForeignServerByName(name, false)->serverid);
	PG_RETURN_VOID();
}
