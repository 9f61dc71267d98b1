/* upload: the files of one form, encrypted as they stream in and sealed under the case's key
 * once it is known; bounded per form and instance-wide, refused when the disk is nearly full.
 * Never holds a file's plaintext beyond the vault's frame. */
#ifndef SAVA_UPLOAD_H
#define SAVA_UPLOAD_H

#include "domain/domain.h"
#include "vault/case.h"

typedef struct upload upload_t;
/* Limits come from [intake] max_files and max_file_mb. NULL when out of memory. */
upload_t *upload_new(const app_t *app);
/* The same with its own bounds (an appeal: one video of [appeals] max_mb). */
upload_t *upload_new_for(const app_t *app, unsigned max_files, uint64_t max_bytes);
/* An offline drop's (vault/drop.h): every file encrypted under k's f from its first byte,
 * never under a case's key; takes k (freed with the upload, or here when NULL is
 * returned). */
struct drop_keys;
upload_t *upload_new_drop(const app_t *app, unsigned max_files, uint64_t max_bytes, struct drop_keys *k);
/* A form's whose files must not be kept (a mailbox reply that came after the mailbox
 * closed): every file part is skipped unwritten, so its text fields still arrive and the
 * page can give them back. upload_discarded: a file came and was dropped. */
upload_t *upload_new_discard(const app_t *app);
bool upload_discarded(const upload_t *u);
/* Its keys (NULL for any other upload). */
const struct drop_keys *upload_drop_keys(const upload_t *u);
/* One file part: name and type as the browser sent them (cleaned here). An empty part
 * (a file input left empty) makes no file. Each returns 0, UPLOAD_NO_ROOM when too many
 * files are being uploaded at once or the disk is nearly full, or UPLOAD_IO_ERROR. */
enum { UPLOAD_IO_ERROR = -1, UPLOAD_NO_ROOM = -2 };
/* expect: the part's length if known or well guessed (multipart's length_if_last, a
 * file's size), else 0; the content decides, expect only saves work when right. */
int upload_file_begin(upload_t *u, sv_t filename, sv_t content_type, uint64_t expect) WUR;
int upload_file_data(upload_t *u, const char *p, size_t n) WUR;
int upload_file_end(upload_t *u) WUR;
/* What went wrong while the files streamed in (the files concerned are already gone). */
bool upload_too_many(const upload_t *u);
bool upload_too_large(const upload_t *u);
/* No room for the files (the disk is full or nearly, or too many are on their way): every
 * file was dropped and the form's text still read. Such a form must not be submitted
 * without its files: submitting it answers INTAKE_FULL. */
bool upload_refused(const upload_t *u);
size_t upload_count(const upload_t *u);
/* Frees the upload and deletes every file of it that no committed row names. */
void upload_free(upload_t *u);

/* ---- for the domain's writers (intake.c, mailbox.c), not for pages ---- */
/* The second pass of every file, under the case's keys opened once for the write
 * (access_keys; NULL fails when there are files), each synced, then the
 * blobs directory: durable before the rows name them. att[0..upload_count) receives their
 * rows. 0, or -1 (a refused upload, or a write that failed: a full disk is reported). */
int upload_seal(upload_t *u, const app_t *app, case_keys_t *keys, const uint8_t case_id[16], store_attachment_t *att,
    int64_t hour);
/* The same for an offline drop's upload (upload_new_drop): every file finished under the
 * drop's file key f, each synced, then the directory; their ids and blob lengths, in
 * order, to ids[0..upload_count) and lens. 0, or -1. */
int upload_seal_drop(upload_t *u, const app_t *app, uint8_t (*ids)[16], uint64_t *lens);
/* The rows naming the files are committed: upload_free keeps the files. */
void upload_keep(upload_t *u);

#endif
