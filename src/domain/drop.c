/* drop: the secure drop's online half and its door: submissions sealed to the analysts'
 * group (through case_submit, like a help request), the analysts' queue, a submission's
 * page, replies and files. Every staff entry opens the case through the analysts' key
 * (access_staff_in); anyone else gets INTAKE_NOT_FOUND. The offline half: drop_offline.c. */
#include "domain/drop.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/lang.h"
#include "core/log.h"
#include "domain/access.h"
#include "domain/drop_private.h"
#include "domain/flood.h"
#include "domain/groups.h"
#include "domain/mediajobs.h"
#include "domain/rules.h"
#include "domain/retention.h"
#include "domain/submit.h"
#include "store/drops.h"
#include "vault/drop.h"

upload_t *
drop_upload_new(const app_t *app)
{
	uint64_t max = (uint64_t)app->config.drop_max_mb << 20;
	/* offline: the files go under the submission's own file key from their first byte */
	if (drop_is_offline(app))
		return upload_new_drop(app, app->config.max_files, max, drop_keys_new());
	return upload_new_for(app, app->config.max_files, max);
}

bool
drop_is_offline(const app_t *app)
{
	return app->config.drop_offline;
}

bool
drop_open(const app_t *app)
{
	store_group_t g;
	if (drop_is_offline(app))
		return app->config.drop_has_key;
	return store_group_get(app->store, "analysts", &g) == STORE_OK;
}

intake_status_t
drop_admit(const app_t *app)
{
	if (!drop_open(app))
		return INTAKE_CLOSED;
	/* offline, nothing leaves until an export: a flood must not fill the disk */
	if (drop_is_offline(app) && drop_waiting(app) >= app->config.drop_waiting_max)
		return INTAKE_OVERLOADED;
	return flood_drop_peek(app) ? INTAKE_OK : INTAKE_OVERLOADED;
}

intake_status_t
drop_submit(const app_t *app, lang_t lang, sv_t message, upload_t *u, char receipt[RECEIPT_DIGITS_MAX + 1])
{
	if (rule_message(app, message, false, upload_count(u)) != RULE_OK)
		return INTAKE_INVALID;
	intake_status_t admit = drop_admit(app);
	if (admit != INTAKE_OK)
		return admit;
	if (drop_is_offline(app))
		return drop_offline_submit(app, lang, message, u, receipt);
	const struct submit_field fields[] = { { FIELD_MESSAGE, message } };
	static const struct submit_target target = { .group = "analysts", .stage = STAGE_DROP };
	return case_submit(app, lang, &target, fields, 1, u, receipt);
}

/* ---- analysts ---- */

bool
drop_allowed(const app_t *app, const staff_t *s)
{
	return (s->acct.roles & ROLE_ANALYST) && staff_group_holds(app, s, "analysts") == 1;
}

/* An analyst's way into a submission: the analysts' key; anything else is NOT_FOUND. */
static intake_status_t
analyst_access(const app_t *app, const staff_t *s, const uint8_t id[16], struct access *a)
{
	/* the same reads whether or not she may, and whether or not it exists (access.c) */
	intake_status_t st = access_staff_in(app, s, id, "analysts", a);
	if (!drop_allowed(app, s) || (st == INTAKE_OK && a->row.stage != STAGE_DROP))
		st = st == INTAKE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	return st;
}

struct list_ctx {
	store_case_t rows[REQUESTS_PAGE];
	size_t n;
};

static int
list_collect(void *ctx, const store_case_t *c)
{
	struct list_ctx *l = ctx;
	if (l->n < REQUESTS_PAGE)
		l->rows[l->n++] = *c;
	return 0;
}

intake_status_t
drop_list(const app_t *app, const staff_t *s, size_t offset, request_row_t rows[REQUESTS_PAGE], size_t *n,
    size_t *total)
{
	*n = 0;
	*total = 0;
	if (!drop_allowed(app, s))
		return INTAKE_NOT_FOUND;
	struct list_ctx *l = calloc(1, sizeof(*l));
	intake_status_t st = INTAKE_ERROR;
	if (l && store_cases_count(app->store, STAGE_DROP, STAGE_DROP, total) == STORE_OK &&
	    store_cases_list(app->store, STAGE_DROP, STAGE_DROP, offset, REQUESTS_PAGE, list_collect, l) == STORE_OK) {
		request_rows_in(app, s, "analysts", l->rows, l->n, rows);
		*n = l->n;
		st = INTAKE_OK;
	}
	free(l);
	return st;
}

intake_status_t
drop_view(const app_t *app, const staff_t *s, const uint8_t id[16], case_view_t *out)
{
	memset(out, 0, sizeof(*out));
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = analyst_access(app, s, id, a);
	if (st == INTAKE_OK)
		st = view_fill(app, a, true, out);
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_DROP_READ);
	else
		case_view_free(out);
	access_free(a);
	return st;
}

intake_status_t
drop_reply(const app_t *app, const staff_t *s, const uint8_t id[16], sv_t message, upload_t *u)
{
	if (rule_message(app, message, false, upload_count(u)) != RULE_OK)
		return INTAKE_INVALID;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = analyst_access(app, s, id, a);
	if (st == INTAKE_OK)
		st = message_add(app, a, CASE_ROLE_STAFF, message, u, -1, -1);
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_DROP_REPLY);
	access_free(a);
	return st;
}

intake_status_t
drop_file(const app_t *app, const staff_t *s, const uint8_t aid[16], case_file_out_t *out)
{
	store_attachment_t at;
	int rc = store_attachment_get(app->store, aid, &at);
	if (rc == STORE_ERROR)
		return INTAKE_ERROR;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	/* no such file: the same way in is tried, on a case that does not exist */
	static const uint8_t no_case[16];
	intake_status_t st = analyst_access(app, s, rc == STORE_OK ? at.case_id : no_case, a);
	if (rc != STORE_OK)
		st = st == INTAKE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	if (st == INTAKE_OK)
		st = view_file_read(app, a, &at, out);
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_DROP_READ);
	access_free(a);
	return st;
}

/* ---- cleaned copies (drop_clean.c makes them) ---- */

bool
drop_clean_offered(const app_t *app, const staff_t *s)
{
	return !drop_is_offline(app) && drop_allowed(app, s);
}

intake_status_t
drop_clean_ask(const app_t *app, const staff_t *s, const uint8_t aid[16])
{
	store_attachment_t at;
	store_clean_t cl;
	int rc = store_attachment_get(app->store, aid, &at);
	if (rc == STORE_ERROR)
		return INTAKE_ERROR;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	static const uint8_t no_case[16];
	intake_status_t st = analyst_access(app, s, rc == STORE_OK ? at.case_id : no_case, a);
	if (rc != STORE_OK)
		st = st == INTAKE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	if (st == INTAKE_OK && drop_is_offline(app))
		st = INTAKE_NOT_FOUND;
	/* a copy is not cleaned again */
	if (st == INTAKE_OK && store_clean_get(app->store, aid, &cl) == STORE_OK && cl.has_clean &&
	    sodium_memcmp(cl.clean, aid, 16) == 0)
		st = INTAKE_INVALID;
	case_file_keys_t *keys = NULL;
	if (st == INTAKE_OK && case_file_keys_new(access_keys(app, a), at.id, at.fk_wrap, &keys) != VAULT_OK)
		st = INTAKE_ERROR;
	if (st == INTAKE_OK) {
		rc = store_clean_begin(app->store, aid, clock_hour());
		st = rc == STORE_OK ? INTAKE_OK : rc == STORE_CONFLICT ? INTAKE_INVALID : INTAKE_ERROR;
	}
	if (st == INTAKE_OK) {
		bool queued = mediajobs_enqueue_doc(app, aid, keys);
		keys = NULL;   /* taken over, also when refused */
		if (!queued) {
			if (store_clean_refused(app->store, aid, N_("the media worker is busy: ask again later")) != STORE_OK)
				log_warnx("a drop file's cleaning that could not be queued stays marked as being made");
			st = INTAKE_BUSY;
		} else {
			audit_case(app, a, s->acct.id, AUDIT_DROP_CLEAN_ASK);
		}
	}
	case_file_keys_free(keys);
	access_free(a);
	return st;
}

intake_status_t
drop_file_case(const app_t *app, const staff_t *s, const uint8_t aid[16], uint8_t case_id[16])
{
	store_attachment_t at;
	store_case_t c;
	if (!drop_allowed(app, s) || store_attachment_get(app->store, aid, &at) != STORE_OK ||
	    store_case_get(app->store, at.case_id, &c) != STORE_OK || c.stage != STAGE_DROP)
		return INTAKE_NOT_FOUND;
	memcpy(case_id, at.case_id, 16);
	return INTAKE_OK;
}

void
drop_clean_info(const app_t *app, const staff_t *s, const case_view_t *cv, const uint8_t aid[16],
    drop_clean_info_t *out)
{
	store_clean_t cl;
	memset(out, 0, sizeof(*out));
	bool in_view = false;
	for (size_t i = 0; i < cv->nmsgs; i++)
		for (size_t k = 0; k < cv->msgs[i].nfiles; k++)
			in_view = in_view || sodium_memcmp(cv->msgs[i].files[k].id, aid, 16) == 0;
	if (!in_view || !drop_allowed(app, s) || store_clean_get(app->store, aid, &cl) != STORE_OK)
		return;
	if (cl.has_clean && sodium_memcmp(cl.clean, aid, 16) == 0) {
		out->state = DROP_CLEAN_COPY;
		memcpy(out->other, cl.original, 16);
		return;
	}
	out->state = cl.state == STORE_CLEAN_MAKING ? DROP_CLEAN_MAKING
	    : cl.state == STORE_CLEAN_MADE          ? DROP_CLEAN_MADE
	                                            : DROP_CLEAN_REFUSED;
	if (cl.has_clean)
		memcpy(out->other, cl.clean, 16);
	snprintf_cut(out->reason, sizeof(out->reason), "%s", cl.reason);
}

/* ---- retention ---- */

#define DROP_PURGE_BATCH 256

int
drop_purge(const app_t *app, size_t *n)
{
	int64_t before = clock_hour() - 24 * (int64_t)app->config.drop_keep_days;
	uint8_t(*ids)[16] = calloc(DROP_PURGE_BATCH, sizeof(*ids));
	uint32_t *slots = calloc(DROP_PURGE_BATCH, sizeof(*slots));
	int rc = 0;
	*n = 0;
	while (ids && slots) {
		size_t got = 0, gone = 0;
		if (store_drops_expired(app->store, STAGE_DROP, before, ids, slots, DROP_PURGE_BATCH, &got) != STORE_OK) {
			rc = -1;
			break;
		}
		for (size_t i = 0; i < got; i++)
			if (case_destroy(app, ids[i], slots[i], NULL, AUDIT_DROP_EXPIRED) == 0)
				gone++;
			else
				rc = -1;
		*n += gone;
		if (got < DROP_PURGE_BATCH || gone == 0)
			break;
	}
	/* offline ones never exported: shredded unread after [drop] waiting_days, so that
	 * no submission (and no receipt) is kept for ever */
	before = clock_hour() - 24 * (int64_t)app->config.drop_waiting_days;
	size_t unread = 0;
	while (ids && slots) {
		size_t got = 0, gone = 0;
		if (store_drops_waiting_expired(app->store, before, ids, slots, DROP_PURGE_BATCH, &got) != STORE_OK) {
			rc = -1;
			break;
		}
		for (size_t i = 0; i < got; i++)
			if (case_destroy(app, ids[i], slots[i], NULL, AUDIT_DROP_EXPIRED) == 0)
				gone++;
			else
				rc = -1;
		unread += gone;
		if (got < DROP_PURGE_BATCH || gone == 0)
			break;
	}
	if (unread)
		log_warnx("%zu offline drop submission(s) waited more than [drop] waiting_days (%u) for an export and were "
		          "shredded unread",
		    unread, app->config.drop_waiting_days);
	*n += unread;
	if (!ids || !slots)
		rc = -1;
	free(ids);
	free(slots);
	return rc;
}
