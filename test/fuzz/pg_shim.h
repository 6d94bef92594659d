/*-------------------------------------------------------------------------
 *
 * pg_shim.h
 *		  The few backend services that the src/ files fuzzed here call,
 *		  for running them outside a server under libFuzzer.
 *
 * pg_shim.c gives palloc and friends (malloc'd chunks owned by one memory
 * context that fuzz_reset_memory frees, after running the reset callbacks
 * registered in it, as a backend does when a context is reset), and
 * ereport (the error is recorded, then errfinish longjmps to the innermost
 * PG_TRY, exactly as the backend's pg_re_throw does).  StringInfo, psprintf
 * and the float formatting are PostgreSQL's own, from libpgcommon.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FUZZ_PG_SHIM_H
#define FUZZ_PG_SHIM_H

/* The last error raised: its SQLSTATE and message. */
typedef struct FuzzError
{
	int			sqlerrcode;
	char		message[512];
} FuzzError;

extern const FuzzError *fuzz_last_error(void);

/* Run the reset callbacks and free everything palloc'd so far. */
extern void fuzz_reset_memory(void);

/* Print why and abort: a finding (libFuzzer saves the input). */
/* (C11's _Noreturn: PostgreSQL 18 has no pg_attribute_noreturn() any more) */
extern _Noreturn void fuzz_fail(const char *why, const char *detail);

#endif							/* FUZZ_PG_SHIM_H */
