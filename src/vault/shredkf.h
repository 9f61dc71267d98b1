/* shredkf: the shred-key file DIR/keys/shred.kf (CRYPTO.md "Shred-key file"), slot by slot,
 * overwritten in place and never copied to a new file. Trusted with every case's shred key z
 * and receipt lookup: only src/vault/ includes this header, and z never leaves the vault. */
#ifndef SAVA_SHREDKF_H
#define SAVA_SHREDKF_H

#include "vault/vault_private.h"

#define KF_STATE_FREE 0
#define KF_STATE_LIVE 1
#define KF_STATE_TORN 0xff   /* the random pass of a shred: neither free nor live, swept at start */
#define KF_KIND_CASE  0

/* One slot's contents. Holds z: keep it in sodium_malloc memory. */
typedef struct {
	uint8_t kind;
	uint32_t e;
	uint8_t object_id[16];
	uint8_t z[32];
	uint8_t lookup[32];
} kf_slot_t;

/* Takes a free slot (growing the file by doubling, with posix_fallocate, when none is
 * free), writes in as a live slot and fdatasyncs, all before returning: call it before
 * the database COMMIT. Returns 0 and the slot index, or -1 (logged). */
int shredkf_alloc(vault_t *v, const kf_slot_t *in, uint32_t *index) WUR;

/* Results of shredkf_read and shredkf_shred. "Gone" and "error" are told apart: a slot
 * that is free (or beyond the file, or holding another object) is gone for good, while
 * a file that cannot be opened or read says nothing about the slot. */
typedef enum {
	KF_OK = 0,
	KF_GONE = 1,     /* free, beyond the file, or another object's (shred: nothing done) */
	KF_ERROR = -1,   /* the file could not be opened, read or written (logged) */
} kf_status_t;

/* A live slot's contents. */
kf_status_t shredkf_read(vault_t *v, uint32_t index, kf_slot_t *out) WUR;

/* Records epoch e in a live slot whose object_id matches (pwrite, fdatasync). */
int shredkf_set_epoch(vault_t *v, uint32_t index, const uint8_t object_id[16], uint32_t e) WUR;

/* Scans every slot, live or free, comparing lookups in constant time with no early exit.
 * Returns 0 with *found (and *index when found), or -1 when the file cannot be read. */
int shredkf_find(vault_t *v, const uint8_t lookup[32], uint32_t *index, bool *found) WUR;

/* Overwrites the slot with random bytes, fdatasync, then zeros, fdatasync, but only
 * when it is live and holds object_id: the check and both writes are made under the
 * lock, so a slot freed by an overlapping shred and taken by a new object is never
 * touched (KF_GONE). Only after KF_OK or KF_GONE may the object's rows be deleted. */
kf_status_t shredkf_shred(vault_t *v, uint32_t index, const uint8_t object_id[16]) WUR;

/* Zeroes every slot whose state byte is neither free nor live: what a crash between
 * the random and the zero overwrite of a shred leaves. *n is how many. */
int shredkf_sweep_torn(vault_t *v, size_t *n) WUR;

/* Calls fn for each live slot (for collecting slots without a row at start). A non-zero
 * return from fn stops the walk and is returned; -1 when the file cannot be read. */
typedef int (*shredkf_live_fn)(void *arg, uint32_t index, uint8_t kind, const uint8_t object_id[16]);
int shredkf_list(vault_t *v, shredkf_live_fn fn, void *arg) WUR;

#endif
