/* triage: requests for staff: the queue, rows with their first line, a request's page, replies,
 * staff-only notes and files. Every entry opens the case through access.c first, so whoever may
 * not gets INTAKE_NOT_FOUND after the same reads. Plaintext for one response only. */
#include "domain/triage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/diskfull.h"
#include "domain/access.h"
#include "domain/rules.h"
#include "domain/groups.h"
#include "domain/mailbox.h"
#include "domain/seal.h"

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

struct first_ctx {
	const app_t *app;
	const struct access *a;
	buf_t text;
	bool ok;
};

static int
first_take(void *ctx, const store_item_t *it)
{
	struct first_ctx *f = ctx;
	f->ok = view_item_text(f->app, f->a, it, &f->text) == 0;
	return 1;
}

/* The first line of text, at most cap - 1 bytes, cut at a character boundary. */
static void
first_line(const buf_t *b, char *out, size_t cap)
{
	size_t n = 0;
	while (n < b->len && b->data[n] != '\n' && b->data[n] != '\r')
		n++;
	if (n > cap - 1) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)b->data[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, b->data, n);
	out[n] = '\0';
}

void
request_rows(const app_t *app, const staff_t *s, const store_case_t *cases, size_t n, request_row_t *rows)
{
	request_rows_in(app, s, "triage", cases, n, rows);
}

void
request_rows_in(const app_t *app, const staff_t *s, const char *group, const store_case_t *cases, size_t n,
    request_row_t *rows)
{
	struct access *a = access_new();
	group_key_t *gk = NULL;   /* the triage key, opened once for the page */
	for (size_t i = 0; i < n; i++) {
		const store_case_t *c = &cases[i];
		request_row_t *r = &rows[i];
		memset(r, 0, sizeof(*r));
		memcpy(r->id, c->id, 16);
		memcpy(r->lang, c->lang, 3);
		r->stage = c->stage;
		r->created_hour = c->created_hour;
		r->activity_hour = c->activity_hour;
		r->waiting_hour = c->waiting_hour;
		r->has_assignee = c->has_assignee;
		memcpy(r->assignee, c->assignee, 16);
		store_account_t holder;
		if (c->has_assignee && store_account_by_id(app->store, c->assignee, &holder) == STORE_OK)
			memcpy(r->holder, holder.handle, sizeof(r->holder));
		if (!a) {
			r->unreadable = true;
			continue;
		}
		access_reset(a);
		if (access_staff_in(app, s, c->id, group, a) != INTAKE_OK) {
			r->unreadable = true;
			continue;
		}
		if (a->who.by == CASE_BY_GROUP) {
			if (!gk && group_key_open(&a->who, &gk) != VAULT_OK)
				gk = NULL;
			a->who.gkey = gk;
		}
		struct first_ctx f = { app, a, { 0 }, false };
		if (store_case_item(app->store, c->id, 1, FIELD_MESSAGE, first_take, &f) != STORE_OK || !f.ok)
			r->unreadable = true;
		else
			first_line(&f.text, r->first_line, sizeof(r->first_line));
		buf_free(&f.text);
		f.ok = false;
		if (store_case_item(app->store, c->id, 1, FIELD_SITUATION, first_take, &f) == STORE_OK && f.ok &&
		    f.text.len < sizeof(r->situation))
			memcpy(r->situation, f.text.data, f.text.len + 1);
		buf_free(&f.text);
	}
	access_free(a);
	group_key_free(gk);
}

intake_status_t
requests_list(const app_t *app, const staff_t *s, const requests_filter_t *f, size_t offset,
    request_row_t rows[REQUESTS_PAGE], size_t *n, size_t *total)
{
	*n = 0;
	if (!requests_allowed(app, s))
		return INTAKE_NOT_FOUND;
	store_case_filter_t sf = { .lo = STAGE_NEW, .hi = f->only_new ? STAGE_NEW : STAGE_TRIAGE,
		.unassigned = f->unassigned };
	memcpy(sf.lang, f->lang, sizeof(sf.lang));
	sf.lang[2] = '\0';
	if (f->waiting_long)
		sf.waiting_before = clock_hour() - (int64_t)app->config.response_hours;
	else if (f->waiting)
		sf.waiting_before = INT64_MAX;
	struct list_ctx *l = calloc(1, sizeof(*l));
	intake_status_t st = INTAKE_ERROR;
	if (l && store_cases_filtered(app->store, &sf, offset, REQUESTS_PAGE, list_collect, l, total) == STORE_OK) {
		request_rows(app, s, l->rows, l->n, rows);
		*n = l->n;
		st = INTAKE_OK;
	}
	free(l);
	return st;
}

intake_status_t
request_view(const app_t *app, const staff_t *s, const uint8_t case_id[16], case_view_t *out)
{
	return staff_view(app, s, case_id, false, out);
}

intake_status_t
staff_view(const app_t *app, const staff_t *s, const uint8_t case_id[16], bool application, case_view_t *out)
{
	return staff_view_audited(app, s, case_id, application, true, out);
}

intake_status_t
staff_view_audited(const app_t *app, const staff_t *s, const uint8_t case_id[16], bool application, bool audited,
    case_view_t *out)
{
	memset(out, 0, sizeof(*out));
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	/* applications are for coordinators who hold the triage key (casework.h) */
	intake_status_t st = application && !staff_coordinates(app, s) ? INTAKE_NOT_FOUND :
	                                                                   staff_access_any(app, s, case_id, a);
	/* a request's pages never show an application, nor the other way round */
	if (st == INTAKE_OK && (a->row.stage == STAGE_APPLICATION) != application)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK)
		st = view_fill(app, a, true, out);
	if (st == INTAKE_OK && audited)
		audit_case(app, a, s->acct.id, AUDIT_CASE_READ);
	else if (st != INTAKE_OK)
		case_view_free(out);
	access_free(a);
	return st;
}

intake_status_t
request_reply(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t message, upload_t *u)
{
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = staff_access(app, s, case_id, a);
	if (st == INTAKE_OK)
		st = message_add(app, a, CASE_ROLE_STAFF, message, u, STAGE_NEW, STAGE_TRIAGE);
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_CASE_REPLY);
	access_free(a);
	return st;
}

intake_status_t
request_note(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t text)
{
	if (rule_note(text) != RULE_OK)
		return INTAKE_INVALID;
	struct access *a = access_new();
	buf_t pt;
	if (!a)
		return INTAKE_ERROR;
	buf_init(&pt, 16 + text.len);
	intake_status_t st = staff_access(app, s, case_id, a);
	if (st == INTAKE_OK && (buf_append(&pt, s->acct.id, 16) != 0 || buf_append(&pt, text.p, text.len) != 0))
		st = INTAKE_ERROR;
	if (st == INTAKE_OK) {
		struct sealed items = { .n = 0 };
		int64_t hour = clock_hour();
		uint32_t seq;
		unsigned long full = diskfull_count();
		st = INTAKE_ERROR;
		if (seal_item_kind(app, a, &items, CASE_KIND_NOTES, CASE_ROLE_STAFF, FIELD_NOTE, buf_sv(&pt), hour) == 0) {
			int rc = store_case_add(app->store, a->row.id, items.items, items.n, NULL, 0, hour, -1, -1, 0, &seq);
			st = rc == STORE_OK ? INTAKE_OK : rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
			if (st == INTAKE_ERROR && diskfull_count() != full)
				st = INTAKE_FULL;
		}
		sealed_free(&items);
	}
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_CASE_NOTE);
	buf_free(&pt);
	access_free(a);
	return st;
}

intake_status_t
request_file(const app_t *app, const staff_t *s, const uint8_t aid[16], case_file_out_t *out)
{
	store_attachment_t at;
	int rc = store_attachment_get(app->store, aid, &at);
	if (rc == STORE_ERROR)
		return INTAKE_ERROR;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	/* no such file: the same way in is tried (on a case that does not exist), so that a file
	 * of someone else's case and no file at all take the same time (see access_staff) */
	static const uint8_t no_case[16];
	intake_status_t st = staff_access(app, s, rc == STORE_OK ? at.case_id : no_case, a);
	if (rc != STORE_OK)
		st = st == INTAKE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	if (st == INTAKE_OK)
		st = view_file_read(app, a, &at, out);
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_CASE_READ);
	access_free(a);
	return st;
}
