/*-------------------------------------------------------------------------
 *
 * pg_shim.c
 *		  Backend services for fuzz targets: memory, reset callbacks and
 *		  error raising, as pg_shim.h describes.  A harness, not a model of
 *		  saas_fdw: the code under test is compiled unchanged.
 *
 * An ERROR with no PG_TRY around it, or any palloc beyond MaxAllocSize, is
 * a finding: the target aborts, and libFuzzer keeps the input.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>

#include "nodes/memnodes.h"
#include "utils/memutils.h"

#include "pg_shim.h"

/* A palloc'd chunk: the links, then the caller's bytes (MAXALIGN'd). */
typedef struct FuzzChunk
{
	struct FuzzChunk *prev;
	struct FuzzChunk *next;
} FuzzChunk;

StaticAssertDecl(sizeof(FuzzChunk) == MAXALIGN(sizeof(FuzzChunk)),
				 "chunk header keeps MAXALIGN");

static FuzzChunk *fuzz_chunks = NULL;
static MemoryContextCallback *fuzz_callbacks = NULL;
static MemoryContextData fuzz_context;

MemoryContext CurrentMemoryContext = &fuzz_context;
sigjmp_buf *PG_exception_stack = NULL;
ErrorContextCallback *error_context_stack = NULL;

/* the error being built (errstart .. errfinish) and the last one raised */
static int	fuzz_elevel;
static FuzzError fuzz_error;


/* ---- memory ---- */

static void
fuzz_link(FuzzChunk *chunk)
{
	chunk->prev = NULL;
	chunk->next = fuzz_chunks;
	if (fuzz_chunks != NULL)
		fuzz_chunks->prev = chunk;
	fuzz_chunks = chunk;
}

static void
fuzz_unlink(FuzzChunk *chunk)
{
	if (chunk->prev != NULL)
		chunk->prev->next = chunk->next;
	else
		fuzz_chunks = chunk->next;
	if (chunk->next != NULL)
		chunk->next->prev = chunk->prev;
}

static void *
fuzz_alloc(Size size, bool zero)
{
	FuzzChunk  *chunk;

	if (!AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	chunk = zero ? calloc(1, sizeof(FuzzChunk) + size) :
		malloc(sizeof(FuzzChunk) + size);
	if (chunk == NULL)
		fuzz_fail("out of memory", NULL);
	fuzz_link(chunk);
	return chunk + 1;
}

void *
palloc(Size size)
{
	return fuzz_alloc(size, false);
}

void *
palloc0(Size size)
{
	return fuzz_alloc(size, true);
}

void
pfree(void *pointer)
{
	FuzzChunk  *chunk = (FuzzChunk *) pointer - 1;

	fuzz_unlink(chunk);
	free(chunk);
}

void *
repalloc(void *pointer, Size size)
{
	FuzzChunk  *chunk = (FuzzChunk *) pointer - 1;
	FuzzChunk  *moved;

	if (!AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	fuzz_unlink(chunk);
	moved = realloc(chunk, sizeof(FuzzChunk) + size);
	if (moved == NULL)
		fuzz_fail("out of memory", NULL);
	fuzz_link(moved);
	return moved + 1;
}

void
MemoryContextRegisterResetCallback(MemoryContext context,
								   MemoryContextCallback *cb)
{
	if (context != &fuzz_context)
		fuzz_fail("reset callback registered in an unknown memory context", NULL);
	cb->next = fuzz_callbacks;
	fuzz_callbacks = cb;
}

void
fuzz_reset_memory(void)
{
	/* callbacks first, newest first, as MemoryContextCallResetCallbacks */
	while (fuzz_callbacks != NULL)
	{
		MemoryContextCallback *cb = fuzz_callbacks;

		fuzz_callbacks = cb->next;
		cb->func(cb->arg);
	}
	while (fuzz_chunks != NULL)
	{
		FuzzChunk  *chunk = fuzz_chunks;

		fuzz_chunks = chunk->next;
		free(chunk);
	}
}


/* ---- errors ---- */

void
fuzz_fail(const char *why, const char *detail)
{
	fprintf(stderr, "fuzz target failure: %s\n", why);
	if (detail != NULL)
		fprintf(stderr, "  %s\n", detail);
	abort();
}

const FuzzError *
fuzz_last_error(void)
{
	return &fuzz_error;
}

bool
errstart(int elevel, const char *domain)
{
	fuzz_elevel = elevel;
	if (elevel >= ERROR)
	{
		fuzz_error.sqlerrcode = ERRCODE_INTERNAL_ERROR;	/* elog's default */
		fuzz_error.message[0] = '\0';
	}
	/* build even a notice's message, so that its arguments are used */
	return true;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	if (fuzz_elevel < ERROR)
		return;
	if (fuzz_elevel > ERROR)
		fuzz_fail("FATAL or PANIC raised", fuzz_error.message);
	if (PG_exception_stack == NULL)
		fuzz_fail("ERROR raised outside PG_TRY", fuzz_error.message);
	siglongjmp(*PG_exception_stack, 1);
}

int
errcode(int sqlerrcode)
{
	if (fuzz_elevel >= ERROR)
		fuzz_error.sqlerrcode = sqlerrcode;
	return 0;
}

/* Format a message part; only the primary message of an ERROR is kept. */
static void
fuzz_format(bool keep, const char *fmt, va_list args)
{
	char		buf[sizeof(fuzz_error.message)];

	vsnprintf(buf, sizeof(buf), fmt, args);
	if (keep && fuzz_elevel >= ERROR)
		strlcpy(fuzz_error.message, buf, sizeof(fuzz_error.message));
}

#define FUZZ_FORMAT_FUNCTION(name, keep) \
int \
name(const char *fmt,...) \
{ \
	va_list		args; \
\
	va_start(args, fmt); \
	fuzz_format(keep, fmt, args); \
	va_end(args); \
	return 0; \
}

FUZZ_FORMAT_FUNCTION(errmsg, true)
FUZZ_FORMAT_FUNCTION(errmsg_internal, true)
FUZZ_FORMAT_FUNCTION(errdetail, false)
FUZZ_FORMAT_FUNCTION(errhint, false)
