/* drop: the secure drop (issue 14): documents and a message sent at /{lang}/drop, with a
 * receipt that opens a mailbox as for help requests. A submission is a case at STAGE_DROP.
 * Online ([drop] mode = online) it is sealed to the analysts' group key and read by
 * analysts on their own queue; offline (mode = offline) its files and message are sealed
 * to the offline machine's public key, so nothing on this server opens them, and
 * `sava drop export` writes them as bundles (vault/drop.h, docs/formats.md). */
#ifndef SAVA_DROP_H
#define SAVA_DROP_H

#include "core/lang.h"
#include "domain/app.h"
#include "domain/domain.h"
#include "domain/mailbox.h"
#include "domain/triage.h"
#include "domain/upload.h"
#include "domain/view.h"

/* ---- the source ---- */
/* Its files: up to [intake] max_files, each of at most [drop] max_mb. */
upload_t *drop_upload_new(const app_t *app);
/* True when submissions can be taken: offline, always; online, once an analysts' key
 * exists (the first analyst's login makes it). */
bool drop_open(const app_t *app);
bool drop_is_offline(const app_t *app);
/* INTAKE_OK, INTAKE_CLOSED (no analysts' key yet) or INTAKE_OVERLOADED (its flood
 * bucket is empty): checked before an upload writes its first byte. */
intake_status_t drop_admit(const app_t *app);
/* A new submission (Argon2id: on the worker pool): message (clean UTF-8, may be empty
 * when there are files) and the files. INTAKE_INVALID when there is neither, or the
 * message is too long. On INTAKE_OK receipt holds its digits, to show once. */
intake_status_t drop_submit(const app_t *app, lang_t lang, sv_t message, upload_t *u,
    char receipt[RECEIPT_DIGITS_MAX + 1]) WUR;
/* True when the mailbox session m is a drop's, and the drop is offline (its words are
 * not on this server: the mailbox says so). */
bool drop_mailbox_offline(const app_t *app, const mailbox_t *m);

/* ---- the operator (offline mode) ---- */
/* Where `sava drop export` writes a bundle: begin (its drop id), write (its bytes, in
 * order), end (ok: every byte was given; returns 0 once the bundle is durable there).
 * Each callback returns 0 to go on. */
typedef struct {
	int (*begin)(void *ctx, const uint8_t id[16]);
	int (*write)(void *ctx, const uint8_t *p, size_t n);
	int (*end)(void *ctx, bool ok);
	void *ctx;
} drop_export_sink_t;
/* Every waiting offline submission as a bundle (docs/formats.md), oldest first; each one
 * whose bundle ended well is marked exported and audited ("drop submission exported").
 * *exported of them; 0, or -1 when any failed (those stay waiting). */
int drop_export(const app_t *app, const drop_export_sink_t *sink, size_t *exported) WUR;
/* `sava drop reply`: a reply written offline (the file's bytes), stored unopened as a
 * message to the requester of its drop, who alone opens it in his mailbox. */
typedef enum { DROP_REPLY_OK = 0, DROP_REPLY_NOT_REPLY, DROP_REPLY_NO_DROP, DROP_REPLY_ERROR } drop_reply_status_t;
drop_reply_status_t drop_reply_import(const app_t *app, const uint8_t *file, size_t n) WUR;
/* Offline submissions waiting for an export. */
size_t drop_waiting(const app_t *app);
/* For the purge (retention.c): shreds drops past [drop] keep_days; how many in *n. */
int drop_purge(const app_t *app, size_t *n);

/* ---- analysts (role analyst, holding the analysts' key; online mode) ---- */
bool drop_allowed(const app_t *app, const staff_t *s);
/* The queue: every online submission, newest first. */
intake_status_t drop_list(const app_t *app, const staff_t *s, size_t offset, request_row_t rows[REQUESTS_PAGE],
    size_t *n, size_t *total) WUR;
/* One submission with its conversation (audited "drop submission read"). */
intake_status_t drop_view(const app_t *app, const staff_t *s, const uint8_t id[16], case_view_t *out) WUR;
/* A question or answer to the source's mailbox, with files. */
intake_status_t drop_reply(const app_t *app, const staff_t *s, const uint8_t id[16], sv_t message, upload_t *u) WUR;
/* A file's cleaned copy (online mode), asked for: queued for the media worker, which
 * decrypts it only inside its sandbox and seals the copy to the analysts like the
 * original, beside it (audited "drop file cleaning asked"). INTAKE_OK when queued;
 * INTAKE_INVALID when one is being made or was made, or the file is itself a copy;
 * INTAKE_BUSY when the worker's queue is full; INTAKE_NOT_FOUND as for drop_file. */
intake_status_t drop_clean_ask(const app_t *app, const staff_t *s, const uint8_t aid[16]) WUR;
/* The submission a file belongs to, for an analyst who may open it (else NOT_FOUND). */
intake_status_t drop_file_case(const app_t *app, const staff_t *s, const uint8_t aid[16], uint8_t case_id[16]) WUR;
/* Where a file of a submission the analyst has open stands as to cleaning. */
typedef enum {
	DROP_CLEAN_NONE = 0,   /* never asked (or asked, and a stop cut it short) */
	DROP_CLEAN_MAKING,     /* queued or running */
	DROP_CLEAN_MADE,       /* other: the copy */
	DROP_CLEAN_REFUSED,    /* reason: a msgid */
	DROP_CLEAN_COPY,       /* this file is the cleaned copy of other */
} drop_clean_state_t;
#define DROP_CLEAN_REASON_BYTES 201
typedef struct {
	drop_clean_state_t state;
	uint8_t other[16];
	char reason[DROP_CLEAN_REASON_BYTES];
} drop_clean_info_t;
/* For the files of view cv (drop_view's, for staff s): the state of file aid. */
void drop_clean_info(const app_t *app, const staff_t *s, const case_view_t *cv, const uint8_t aid[16],
    drop_clean_info_t *out);
/* Whether a file can be cleaned at all: the online mode, an analyst, the worker there. */
bool drop_clean_offered(const app_t *app, const staff_t *s);
/* A file of a submission, decrypted for one download. */
intake_status_t drop_file(const app_t *app, const staff_t *s, const uint8_t aid[16], case_file_out_t *out) WUR;

#endif
