/* drops: the rows of the secure drop's offline submissions (migration 8): the wrapped
 * sealed box of each (never anything that opens it), whether it was exported, and the
 * ids of its blobs in order. Online submissions are ordinary cases (store.h). */
#ifndef SAVA_STORE_DROPS_H
#define SAVA_STORE_DROPS_H

#include "store/store.h"

#define STORE_DROP_WRAP_BYTES 153
#define STORE_DROP_STREAMS_MAX 65       /* the manifest and up to 64 files */
enum { STORE_DROP_WAITING = 0, STORE_DROP_EXPORTED = 1 };

typedef struct {
	uint8_t id[16];                     /* its case's id */
	uint32_t slot;                      /* its case's shred-key slot */
	uint8_t wrap[STORE_DROP_WRAP_BYTES];
	int state;                          /* STORE_DROP_* */
	int64_t created_hour, exported_hour;
} store_drop_t;

typedef struct {
	uint8_t id[16];                     /* the blob's id, and its frames' AD */
	uint64_t blob_len;
} store_drop_stream_t;

/* The case (as store_case_create, without attachments), the drop row and its streams
 * (seq 0..n-1), in one transaction. */
int store_drop_create(store_t *st, const store_case_t *c, const store_copy_t *copies, size_t ncopies,
    const store_item_t *items, size_t nitems, const store_drop_t *d, const store_drop_stream_t *streams, size_t n) WUR;
/* Every drop in state (with its case's slot), oldest first; fn must not call the store. */
int store_drops_each(store_t *st, int state, int (*fn)(void *ctx, const store_drop_t *d), void *ctx) WUR;
int store_drops_count(store_t *st, int state, size_t *n) WUR;
/* Its streams in order: up to max into out, *n of them. */
int store_drop_streams(store_t *st, const uint8_t id[16], store_drop_stream_t *out, size_t max, size_t *n) WUR;
/* Exported at hour: its state, and its case's last activity (keep_days counts from it). */
int store_drop_exported(store_t *st, const uint8_t id[16], int64_t hour) WUR;
/* Drop cases (at stage) past keep: online ones idle since before `before`, offline ones
 * exported before it; waiting offline ones never. Up to max ids and slots; *n. */
int store_drops_expired(store_t *st, int stage, int64_t before, uint8_t (*ids)[16], uint32_t *slots, size_t max,
    size_t *n) WUR;
/* Deletes a case's drop row and stream rows, the blobs' ids to ids (up to max; *n). */
/* Offline submissions never exported, made before the hour before (oldest first). */
int store_drops_waiting_expired(store_t *st, int64_t before, uint8_t (*ids)[16], uint32_t *slots, size_t max,
    size_t *n) WUR;
int store_drop_delete(store_t *st, const uint8_t id[16], uint8_t (*ids)[16], size_t max, size_t *n) WUR;
/* ---- a drop file's cleaned copy (migration 13) ---- */
enum { STORE_CLEAN_MAKING = 0, STORE_CLEAN_MADE = 1, STORE_CLEAN_REFUSED = 2 };
#define STORE_CLEAN_REASON_MAX 200
typedef struct {
	uint8_t original[16];
	int state;                          /* STORE_CLEAN_* */
	bool has_clean;
	uint8_t clean[16];                  /* with STORE_CLEAN_MADE */
	char reason[STORE_CLEAN_REASON_MAX + 1];
	int64_t hour;
} store_clean_t;
/* A cleaning of attachment original begins: STORE_CONFLICT when one is being made or was
 * made (one refused may be asked again). */
int store_clean_begin(store_t *st, const uint8_t original[16], int64_t hour) WUR;
/* The copy made: its attachment row (in the original's case and message) and the state,
 * in one transaction; STORE_NOT_FOUND when the original is gone (shredded meanwhile). */
int store_clean_made(store_t *st, const uint8_t original[16], const store_attachment_t *att) WUR;
/* STORE_NOT_FOUND when it is not being made (gone with its case meanwhile). */
int store_clean_refused(store_t *st, const uint8_t original[16], const char *reason) WUR;
/* The row of a file that is either the original or its copy, or STORE_NOT_FOUND. */
int store_clean_get(store_t *st, const uint8_t id[16], store_clean_t *out) WUR;
/* Whether attachment id is a cleaned copy: 1, 0 or -1. */
int store_clean_is_copy(store_t *st, const uint8_t id[16]) WUR;
/* At a start: cleanings that a stop cut short are forgotten (asked again from the page). */
int store_cleans_forget_making(store_t *st, size_t *n) WUR;

/* Whether a blob is a drop stream's: 1, 0 or -1 (the start's sweep of orphan blobs). */
int store_drop_stream_exists(store_t *st, const uint8_t id[16]) WUR;

#endif
