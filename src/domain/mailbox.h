/* mailbox: the requester's side after his request: his mailbox session, his case and files,
 * his replies. Without the session every answer is "not found", the same as for a request that
 * does not exist. Hands out plaintext for one response only. */
#ifndef SAVA_MAILBOX_H
#define SAVA_MAILBOX_H

#include "domain/domain.h"
#include "domain/upload.h"
#include "domain/view.h"

typedef struct {
	sess_t sess;
	uint8_t case_id[16];
} mailbox_t;

/* A receipt typed back (canonical digits): a mailbox session (Argon2id: worker pool).
 * INTAKE_OVERLOADED past [mailbox] attempts_per_minute (a token bucket, core/bucket.h). */
intake_status_t mailbox_open(const app_t *app, const char *digits, size_t n, char cookie[SESS_COOKIE_CHARS + 1]) WUR;
/* Seconds until the mailbox takes a receipt again (0: now), to tell whoever was refused. */
unsigned mailbox_wait_s(const app_t *app);
/* The mailbox session of a cookie, or INTAKE_NOT_FOUND (ended, idle, or its request gone). */
intake_status_t mailbox_session(const app_t *app, sv_t cookie, mailbox_t *out) WUR;
void mailbox_leave(const app_t *app, const mailbox_t *m);
intake_status_t mailbox_reply(const app_t *app, const mailbox_t *m, sv_t message, upload_t *u) WUR;
/* INTAKE_INVALID: the session is a video appeal's (its receipt opens its status page). */
intake_status_t mailbox_view(const app_t *app, const mailbox_t *m, case_view_t *out) WUR;
intake_status_t mailbox_file(const app_t *app, const mailbox_t *m, const uint8_t aid[16], case_file_out_t *out) WUR;

/* ---- for triage.c, not for pages ---- */
struct access;
/* A message by role (and its files) added to the case a opens, its stage moved from
 * from_stage to to_stage when it is there (-1: never). INTAKE_FULL when the disk is. */
intake_status_t message_add(const app_t *app, struct access *a, int role, sv_t message, upload_t *u, int from_stage,
    int to_stage);

#endif
