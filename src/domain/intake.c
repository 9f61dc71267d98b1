/* intake: new requests and volunteers' applications, written in the durable order below, so
 * that a crash leaves a whole request or nothing readable; only then a receipt. Trusted with
 * the requester's words for the length of the call; the vault seals them before the store. */
#include "domain/intake.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/diskfull.h"
#include "core/log.h"
#include "domain/access.h"
#include "domain/epoch.h"
#include "domain/flood.h"
#include "domain/seal.h"
#include "domain/submit.h"
#include "vault/secmem.h"

/* The durable order of a submission: the shred-key slot (fdatasync, in case_create), the
 * blobs (fdatasync each, then the directory: upload_seal), the rows in one transaction
 * (synchronous = FULL); only then is the receipt shown. A crash at any point leaves either
 * a whole request or nothing readable, and what it left half done is destroyed at the
 * next start (recover.c). */

const char *const intake_writers[] = { "self", "relative", NULL };
const char *const intake_situations[] = { "notice", "serving", "border", "out", "other", NULL };
/* Belarus's six voblasts and Minsk, then the rest; after them, the values of an earlier
 * list (Russia's federal districts, a mistake: issue 15), which are no longer offered or
 * taken but stay readable in requests that hold one. */
const char *const intake_regions[] = { "brest", "vitebsk", "gomel", "grodno", "minsk_region", "mogilev",
	"minsk_city", "army", "abroad", "undisclosed",
	"central", "northwest", "south", "north_caucasus", "volga", "urals", "siberia", "far_east", "moscow",
	"st_petersburg", NULL };
const size_t intake_regions_offered = 10;

bool
intake_open(const app_t *app)
{
	store_group_t g;
	return store_group_get(app->store, "triage", &g) == STORE_OK;
}

intake_status_t
intake_admit(const app_t *app)
{
	const config_t *c = &app->config;
	size_t waiting = 0;
	if (!intake_open(app))
		return INTAKE_CLOSED;
	if ((c->untriaged_max && (store_cases_count(app->store, STAGE_NEW, STAGE_NEW, &waiting) != STORE_OK ||
	                             waiting >= c->untriaged_max)) ||
	    !flood_intake_peek(app))
		return INTAKE_OVERLOADED;
	return INTAKE_OK;
}

struct holders {
	uint8_t pk[CASE_HOLDERS_MAX][32];
	uint8_t id[CASE_HOLDERS_MAX][16];
	size_t n;
	bool overflow;
};

static void
holder_add(void *ctx, const store_account_t *acct, bool has_copy)
{
	struct holders *h = ctx;
	if (!has_copy)
		return;
	if (h->n == CASE_HOLDERS_MAX) {
		h->overflow = true;
		return;
	}
	memcpy(h->pk[h->n], acct->pk, 32);
	memcpy(h->id[h->n], acct->id, 16);
	h->n++;
}

/* A new case (a request, or an application) with its first items, as the requester: the
 * durable order of the file's head comment. */
intake_status_t
case_submit(const app_t *app, lang_t lang, const struct submit_target *t, const struct submit_field *fields,
    size_t nfields, upload_t *u, char receipt[RECEIPT_DIGITS_MAX + 1])
{
	int stage = t->stage;
	const config_t *c = &app->config;
	store_group_t g;
	struct sealed items = { .n = 0 };
	store_attachment_t att[LIMIT_MP_FILES_MAX];
	size_t waiting = 0;
	int64_t hour = clock_hour();
	unsigned long full = diskfull_count();

	if (upload_refused(u))
		return INTAKE_FULL;
	int rc = STORE_OK;
	memset(&g, 0, sizeof(g));
	if (t->group && (rc = store_group_get(app->store, t->group, &g)) != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_CLOSED : INTAKE_ERROR;
	/* up to CASE_HOLDERS_MAX holders while a rotation waits: on the heap, not the stack */
	struct holders *h = calloc(1, sizeof(*h));
	store_copy_t *copies = calloc(CASE_HOLDERS_MAX + 1, sizeof(*copies));
	if (!h || !copies) {
		free(h);
		free(copies);
		return INTAKE_ERROR;
	}

	intake_status_t st = INTAKE_OVERLOADED;
	case_new_t *cn = NULL;
	struct access *a = NULL;
	bool created = false, taken = false;
	if (stage == STAGE_NEW && c->untriaged_max &&
	    (store_cases_count(app->store, STAGE_NEW, STAGE_NEW, &waiting) != STORE_OK || waiting >= c->untriaged_max))
		goto done;
	if (!flood_intake_take(app, stage))
		goto done;
	taken = true;
	if (g.rotation_pending) {
		/* the old key may be known to a revoked member: seal to each remaining member */
		rc = store_group_members(app->store, g.id, 0, holder_add, h);
		if (rc != STORE_OK || h->n == 0 || h->overflow) {
			st = rc == STORE_OK ? INTAKE_CLOSED : INTAKE_ERROR;
			goto done;
		}
	} else {
		memcpy(h->pk[0], t->group ? g.pk : t->pk, 32);
		h->n = 1;
	}
	/* a testimony's Owl: her own copy, after the group's (unless she is one of its
	 * members already sealed to while the key waits for rotation) */
	bool owl = t->owl_pk != NULL;
	for (size_t i = 0; owl && g.rotation_pending && i < h->n; i++)
		owl = memcmp(h->id[i], t->owl_id, 16) != 0;
	if (owl) {
		if (h->n == CASE_HOLDERS_MAX) {
			st = INTAKE_ERROR;
			goto done;
		}
		memcpy(h->pk[h->n], t->owl_pk, 32);
		memcpy(h->id[h->n], t->owl_id, 16);
		h->n++;
	}

	cn = secmem_alloc(sizeof(*cn));
	a = access_new();
	st = INTAKE_ERROR;
	if (!cn || !a)
		goto done;
	vault_status_t vs = case_create(app->vault, c->receipt_digits, (const uint8_t(*)[32])h->pk, h->n, cn);
	if (vs != VAULT_OK) {
		st = vs == VAULT_BUSY ? INTAKE_BUSY : INTAKE_ERROR;
		goto done;
	}
	created = true;
	/* the intake acts as the requester, through the mailbox session case_create made */
	access_new_requester(a, cn);

	/* every field, even when empty, so that the rows do not tell which were left out */
	for (size_t i = 0; i < nfields; i++)
		if (seal_item(app, a, &items, CASE_ROLE_REQUESTER, fields[i].field, fields[i].text, hour) != 0)
			goto done;
	size_t natt = t->files ? 0 : upload_count(u);
	if (t->files ? t->files(app, t->ctx, a, u, hour) != 0
	             : upload_seal(u, app, access_keys(app, a), a->ref.case_id, att, hour) != 0)
		goto done;

	store_case_t row;
	memset(&row, 0, sizeof(row));
	memcpy(row.id, cn->case_id, 16);
	row.slot = cn->slot;
	memcpy(row.lang, lang_code(lang), 2);
	row.stage = stage;
	memcpy(row.pk_req_item_id, cn->pk_req_item_id, 16);
	memcpy(row.pk_req_item, cn->pk_req_item, STORE_PKREQ_ITEM_BYTES);
	row.created_hour = row.activity_hour = hour;
	/* sealed to the group's key, or while it waits for rotation to each remaining member */
	size_t ncopies = epoch_copies(cn->case_id, cn->req_copy, (const uint8_t(*)[CASE_COPY_BYTES])cn->copies,
	    (const uint8_t(*)[CASE_COPY_BYTES])cn->ncopies, g.rotation_pending || !t->group ? NULL : &g,
	    g.rotation_pending ? (const uint8_t(*)[16])h->id : owl ? (const uint8_t(*)[16])h->id[1] : NULL,
	    g.rotation_pending ? h->n : owl ? 1 : 0, copies);
	rc = t->commit ? t->commit(app, t->ctx, a, &row, copies, ncopies, items.items, items.n, att, natt) :
	                 store_case_create(app->store, &row, copies, ncopies, items.items, items.n, att, natt);
	if (rc != STORE_OK) {
		/* a holder was revoked (or the key rotated) while this request was being sealed:
		 * nothing is sealed to a key that may be known to her; the form comes back */
		if (rc == STORE_CONFLICT)
			st = INTAKE_BUSY;
		goto done;
	}
	upload_keep(u);
	memcpy(receipt, cn->receipt, sizeof(cn->receipt));
	st = INTAKE_OK;
done:
	if (st == INTAKE_ERROR && diskfull_count() != full)
		st = INTAKE_FULL;   /* the log has said why, at most every few minutes */
	if (st != INTAKE_OK) {
		if (created && case_shred(app->vault, cn->case_id, cn->slot) != VAULT_OK)
			log_warnx("could not shred the key of a request that failed; it is collected at the next start");
		if (st != INTAKE_BUSY && st != INTAKE_OVERLOADED && st != INTAKE_CLOSED && st != INTAKE_FULL)
			log_warnx("a help request could not be stored");
		if (taken)
			flood_intake_give_back(app, stage);
	}
	sealed_free(&items);
	free(copies);   /* sealed copies: nothing secret */
	free(h);
	secmem_free(cn);
	access_free(a);
	return st;
}

intake_status_t
intake_submit(const app_t *app, lang_t lang, const intake_form_t *f, upload_t *u, char receipt[RECEIPT_DIGITS_MAX + 1])
{
	intake_rules_t r;
	if (!intake_rules(app, f, upload_count(u), &r))
		return INTAKE_INVALID;
	const struct submit_field fields[] = {
		{ FIELD_MESSAGE, f->message }, { FIELD_SITUATION, f->situation }, { FIELD_REGION, f->region },
		{ FIELD_CONTACT, f->contact }, { FIELD_WRITER, f->writer },
	};
	static const struct submit_target request = { .group = "triage", .stage = STAGE_NEW };
	return case_submit(app, lang, &request, fields, sizeof(fields) / sizeof(fields[0]), u, receipt);
}

intake_status_t
application_submit(const app_t *app, lang_t lang, const application_form_t *f)
{
	char receipt[RECEIPT_DIGITS_MAX + 1];
	application_rules_t r;
	if (!application_rules(f, &r))
		return INTAKE_INVALID;
	const struct submit_field fields[] = {
		{ FIELD_MESSAGE, f->about }, { FIELD_LANGUAGES, f->languages }, { FIELD_CONTACT, f->contact },
		{ FIELD_VOUCHERS, f->vouchers },
	};
	/* nobody comes back with an application's receipt: it is made, and forgotten */
	static const struct submit_target application = { .group = "triage", .stage = STAGE_APPLICATION };
	intake_status_t st = case_submit(app, lang, &application, fields, 4, NULL, receipt);
	sodium_memzero(receipt, sizeof(receipt));
	return st;
}
