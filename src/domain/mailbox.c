/* mailbox: the requester's side: a receipt typed back opens a mailbox session (flood-limited,
 * timers in session.c) in which he reads his case and files and replies, within limits per
 * mailbox. Trusted with his cookie's secret and words for the length of a call. */
#include "domain/mailbox.h"

#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "core/diskfull.h"
#include "core/log.h"
#include "domain/access.h"
#include "domain/rules.h"
#include "domain/flood.h"
#include "domain/seal.h"
#include "domain/session.h"
#include "store/drops.h"
#include "vault/secmem.h"

#define MAILBOX_ABSOLUTE_S (2 * 3600)

intake_status_t
mailbox_open(const app_t *app, const char *digits, size_t n, char cookie[SESS_COOKIE_CHARS + 1])
{
	uint8_t case_id[16];
	uint32_t slot;
	store_case_t row;
	sess_new_t *ns;
	if (!flood_receipt_take(app))
		return INTAKE_OVERLOADED;
	if (!(ns = secmem_alloc(sizeof(*ns))))
		return INTAKE_ERROR;
	intake_status_t st;
	vault_status_t vs = case_receipt_login(app->vault, digits, n, case_id, &slot, ns);
	if (vs != VAULT_OK) {
		st = vs == VAULT_NOT_FOUND ? INTAKE_NOT_FOUND : vs == VAULT_BUSY ? INTAKE_BUSY : INTAKE_ERROR;
	} else if (store_case_get(app->store, case_id, &row) != STORE_OK || row.slot != slot) {
		st = INTAKE_NOT_FOUND;   /* a slot without its rows: collected at the next start */
	} else {
		store_session_t srow = { .kind = SESS_KIND_MAILBOX, .created_hour = clock_hour() };
		memcpy(srow.sid, ns->sid, 32);
		memcpy(srow.owner, case_id, 16);
		memcpy(srow.box, ns->box, SESS_BOX_BYTES);
		if (!session_timer_start(ns->sid, app->config.mailbox_idle_min * 60, MAILBOX_ABSOLUTE_S)) {
			st = INTAKE_BUSY;
		} else if (store_session_add(app->store, &srow) != STORE_OK) {
			session_timer_forget(ns->sid);
			st = INTAKE_ERROR;
		} else {
			memcpy(cookie, ns->cookie, SESS_COOKIE_CHARS + 1);
			st = INTAKE_OK;
		}
	}
	secmem_free(ns);
	return st;
}

unsigned
mailbox_wait_s(const app_t *app)
{
	return flood_receipt_wait_s(app);
}

intake_status_t
mailbox_session(const app_t *app, sv_t cookie, mailbox_t *out)
{
	store_session_t row;
	memset(out, 0, sizeof(*out));
	if (sess_from_cookie(cookie, out->sess.c, out->sess.sid) != 0)
		return INTAKE_NOT_FOUND;
	bool live = session_timer_touch(out->sess.sid);
	int rc = store_session_get(app->store, out->sess.sid, &row);
	if (!live || rc != STORE_OK || row.kind != SESS_KIND_MAILBOX) {
		if (rc == STORE_OK && row.kind == SESS_KIND_MAILBOX && store_session_delete(app->store, out->sess.sid) != STORE_OK)
			log_warnx("could not delete a stale mailbox session");
		if (live)
			session_timer_forget(out->sess.sid);
		sodium_memzero(out, sizeof(*out));
		return rc == STORE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	}
	out->sess.kind = SESS_KIND_MAILBOX;
	memcpy(out->sess.owner, row.owner, 16);
	memcpy(out->sess.box, row.box, SESS_BOX_BYTES);
	memcpy(out->case_id, row.owner, 16);
	return INTAKE_OK;
}

void
mailbox_leave(const app_t *app, const mailbox_t *m)
{
	session_timer_forget(m->sess.sid);
	if (store_session_delete(app->store, m->sess.sid) != STORE_OK)
		log_warnx("could not delete a mailbox session");
}

/* The requester's way into his request: an appeal's receipt opens its status page only
 * (appeals.h), never a mailbox: INTAKE_INVALID says so. */
static intake_status_t
mailbox_access(const app_t *app, const mailbox_t *m, struct access *a)
{
	intake_status_t st = access_requester(app, &m->sess, m->case_id, a);
	return st == INTAKE_OK && a->row.stage == STAGE_APPEAL ? INTAKE_INVALID : st;
}

/* A message (and its files) added to a case the access opens. */
intake_status_t
message_add(const app_t *app, struct access *a, int role, sv_t message, upload_t *u, int from_stage, int to_stage)
{
	struct sealed items = { .n = 0 };
	store_attachment_t att[LIMIT_MP_FILES_MAX];
	int64_t hour = clock_hour();
	uint32_t seq;
	unsigned long full = diskfull_count();
	intake_status_t st = INTAKE_ERROR;
	if (upload_refused(u))
		return INTAKE_FULL;
	if (rule_message(app, message, false, upload_count(u)) != RULE_OK)
		return INTAKE_INVALID;
	if (seal_item(app, a, &items, role, FIELD_MESSAGE, message, hour) == 0 &&
	    upload_seal(u, app, access_keys(app, a), a->ref.case_id, att, hour) == 0) {
		int rc = store_case_add(app->store, a->row.id, items.items, items.n, att, upload_count(u), hour, from_stage,
		    to_stage, role == CASE_ROLE_REQUESTER ? 1 : -1, &seq);
		if (rc == STORE_OK) {
			upload_keep(u);
			st = INTAKE_OK;
		} else if (rc == STORE_NOT_FOUND) {
			st = INTAKE_NOT_FOUND;
		}
	}
	if (st == INTAKE_ERROR && diskfull_count() != full)
		st = INTAKE_FULL;
	sealed_free(&items);
	return st;
}

intake_status_t
mailbox_reply(const app_t *app, const mailbox_t *m, sv_t message, upload_t *u)
{
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = mailbox_access(app, m, a);
	size_t all = 0, recent = 0;
	if (st == INTAKE_OK && intake_status_of(a->row.stage) == STATUS_CLOSED)
		st = INTAKE_NOT_FOUND;
	/* an offline drop's words are for the offline machine: none are taken here */
	if (st == INTAKE_OK && store_drop_stream_exists(app->store, a->row.id) != 0)
		st = INTAKE_NOT_FOUND;
	/* one mailbox cannot fill the disk or make its case too long to read */
	if (st == INTAKE_OK &&
	    store_case_count_items(app->store, a->row.id, CASE_ROLE_REQUESTER, FIELD_MESSAGE, clock_hour(), &all, &recent) !=
	        STORE_OK)
		st = INTAKE_ERROR;
	if (st == INTAKE_OK && (all >= LIMIT_REQUESTER_MESSAGES || recent >= LIMIT_REQUESTER_PER_HOUR))
		st = INTAKE_OVERLOADED;
	if (st == INTAKE_OK)
		st = message_add(app, a, CASE_ROLE_REQUESTER, message, u, -1, -1);
	access_free(a);
	return st;
}

intake_status_t
mailbox_view(const app_t *app, const mailbox_t *m, case_view_t *out)
{
	memset(out, 0, sizeof(*out));
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = mailbox_access(app, m, a);
	if (st == INTAKE_OK)
		st = view_fill(app, a, false, out);
	if (st != INTAKE_OK)
		case_view_free(out);
	access_free(a);
	return st;
}

intake_status_t
mailbox_file(const app_t *app, const mailbox_t *m, const uint8_t aid[16], case_file_out_t *out)
{
	store_attachment_t at;
	int rc = store_attachment_get(app->store, aid, &at);
	if (rc != STORE_OK || sodium_memcmp(at.case_id, m->case_id, 16) != 0)
		return rc == STORE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = mailbox_access(app, m, a);
	if (st == INTAKE_OK)
		st = view_file_read(app, a, &at, out);
	access_free(a);
	return st;
}
