/*-------------------------------------------------------------------------
 *
 * credential.h
 *		  The keyed fingerprint of a token (credential.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_CREDENTIAL_H
#define SAAS_CREDENTIAL_H

/* shared memory, called by shmem.c */
extern Size credential_shmem_size(void);
extern void credential_shmem_init(void);
extern void credential_shmem_attach(void *part, bool create);

extern uint64 credential_fingerprint(const char *token);

#endif							/* SAAS_CREDENTIAL_H */
