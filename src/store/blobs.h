/* blobs: the attachments' files, DIR/blobs/<id>, named by their 16-byte attachment id.
 * The only code that opens, writes, syncs or deletes them. Trusted with ciphertext only:
 * the vault's blob writer seals every byte before it arrives here (vault/case.h). */
#ifndef SAVA_BLOBS_H
#define SAVA_BLOBS_H

#include "store/store.h"

/* An open blob file. Every call that fails leaves errno saying why; one that failed for
 * lack of space (ENOSPC, EDQUOT) has already reported it (core/diskfull.h), naming the
 * blobs directory and never a file, so a caller reads diskfull_count() before and after. */
typedef struct store_blob store_blob_t;

/* A new blob file (mode 0600; none of that id may exist), open for reading and writing. */
int store_blob_create(store_t *st, const uint8_t id[16], store_blob_t **out) WUR;
/* An existing blob file, for reading, or (write) for reading and writing. */
int store_blob_open(store_t *st, const uint8_t id[16], bool write, store_blob_t **out) WUR;
/* All n bytes at off, or STORE_ERROR. */
int store_blob_pwrite(store_blob_t *b, const uint8_t *p, size_t n, uint64_t off) WUR;
int store_blob_pread(store_blob_t *b, uint8_t *p, size_t n, uint64_t off) WUR;
/* The next bytes in order: *got of at most cap, 0 at the end of the file. */
int store_blob_read(store_blob_t *b, uint8_t *p, size_t cap, size_t *got) WUR;
/* fdatasync: a blob is durable before any row names it. */
int store_blob_sync(store_blob_t *b) WUR;
/* Closes b (NULL is fine). */
void store_blob_close(store_blob_t *b);

/* Deletes blob id's file: STORE_OK, also when there was none. */
int store_blob_unlink(store_t *st, const uint8_t id[16]) WUR;
/* fsync of the blobs directory: the files made or deleted since are durable. */
int store_blobs_sync(store_t *st) WUR;
/* Whether the blobs' filesystem has at least floor bytes free for sava; when it has not
 * (or cannot be asked), the log says "uploads are refused: less than N MiB free under DIR". */
bool store_blobs_room(store_t *st, uint64_t floor);
/* Every blob file, by id: fn(ctx, id) returns 0 to go on. Names that are not an id as
 * store_blob_create writes them (32 lower-case hex digits) are left alone; a missing
 * directory is made, empty (mode 0700). STORE_OK after the last (or when fn stopped). */
int store_blobs_each(store_t *st, int (*fn)(void *ctx, const uint8_t id[16]), void *ctx) WUR;

#endif
