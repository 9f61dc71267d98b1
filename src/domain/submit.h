/* submit: a new case as its requester, in the durable order of intake.c's head comment:
 * help requests, volunteers' applications and video appeals all arrive this way, each
 * sealed to its group. Private to src/domain. */
#ifndef SAVA_SUBMIT_H
#define SAVA_SUBMIT_H

#include "domain/access.h"
#include "domain/intake.h"

struct submit_field {
	int field;
	sv_t text;
};
/* Where a new case goes: sealed to group's key (or, while it waits for rotation, to its
 * remaining members), at stage; commit (NULL: store_case_create) stores its rows in one
 * transaction, with a, the requester's way in, still open (its keys for a job). With no
 * group, the case is sealed to pk alone and no staff copy is kept (an offline drop: the
 * offline key), and files (not NULL) writes the upload's files itself, instead of as
 * attachments under the case's key (commit then gets none). */
struct submit_target {
	const char *group;
	int stage;
	const uint8_t *pk;
	int (*files)(const app_t *app, void *ctx, struct access *a, upload_t *u, int64_t hour);
	int (*commit)(const app_t *app, void *ctx, struct access *a, const store_case_t *row, const store_copy_t *copies,
	    size_t ncopies, const store_item_t *items, size_t nitems, const store_attachment_t *att, size_t natt);
	void *ctx;
	const uint8_t *owl_id, *owl_pk;   /* NULL, or an Owl who gets her own copy too (16 and 32 bytes) */
};
/* In the durable order of intake.c's head comment; a receipt only on INTAKE_OK. */
intake_status_t case_submit(const app_t *app, lang_t lang, const struct submit_target *t,
    const struct submit_field *fields, size_t nfields, upload_t *u, char receipt[RECEIPT_DIGITS_MAX + 1]);

#endif
