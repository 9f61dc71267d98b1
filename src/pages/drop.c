/* drop: the secure drop's pages: the public form at /{lang}/drop with its receipt, and
 * the analysts' queue, a submission with its conversation and files, the reply form, and
 * the analysts' key given on. Anyone who may not open a submission gets the same 404 as
 * for one that does not exist. Nothing here needs JavaScript. */
#include <stdio.h>
#include <string.h>

#include "domain/drop.h"
#include "domain/roster.h"
#include "pages/staff_common.h"

static const char *const msg_full =
    N_("We cannot take documents right now. Nothing was sent. Your text is below: copy it, and try again later.");
static const char *const msg_full_files = N_("Files are not kept: choose them again when you try again.");
static const char *const msg_waiting =
    N_("Too many submissions are waiting right now. Your message is below; try again in an hour. Files must be chosen again.");

/* ---- uploads ---- */

/* Refused before a byte of a file is written (closed, a flood, the waiting cap): its
 * files are skipped, its text still read, so that the page can give the message back. */
static int
up_begin_drop(request_t *rq, void **upload)
{
	*upload = drop_admit(rq->app) == INTAKE_OK ? drop_upload_new(rq->app) : upload_new_refused(rq->app);
	return *upload ? 0 : 503;
}

static int
up_begin_drop_staff(request_t *rq, void **upload)
{
	staff_status_t st;
	const staff_t *s = page_staff_session(rq, &st);
	if (!s)
		return page_up_no_session(rq, upload, st);
	if (!drop_allowed(rq->app, s))
		return 404;
	*upload = upload_new(rq->app);
	return *upload ? 0 : 503;
}

static uint64_t
up_limit_drop(const request_t *rq)
{
	const config_t *c = &rq->app->config;
	return (uint64_t)c->max_files * ((uint64_t)c->drop_max_mb << 20) + ((uint64_t)1 << 20);
}

static uint64_t
up_limit_staff(const request_t *rq)
{
	const config_t *c = &rq->app->config;
	return (uint64_t)c->max_files * ((uint64_t)c->max_file_mb << 20) + ((uint64_t)1 << 20);
}

const upload_ops_t page_drop_upload = { up_begin_drop, page_up_file_begin, page_up_file_data, page_up_file_end,
	page_up_free, up_limit_drop };
const upload_ops_t page_drop_staff_upload = { up_begin_drop_staff, page_up_file_begin, page_up_file_data,
	page_up_file_end, page_up_free, up_limit_staff };

/* ---- the public form ---- */

static tvars_t *
drop_vars(request_t *rq)
{
	tvars_t *v = page_form_vars(rq);
	if (!v)
		return NULL;
	const char *l = lang_code(rq->lang);
	tvars_setf(v, "action", "/%s/drop", l);
	tvars_setf(v, "mailbox_href", "/%s/mailbox", l);
	tvars_setf(v, "guide_href", "/%s/guide", l);
	tvars_setf(v, "max_files", "%u", rq->app->config.max_files);
	tvars_setf(v, "max_mb", "%u", rq->app->config.drop_max_mb);
	tvars_setf(v, "keep_days", "%u", rq->app->config.drop_keep_days);
	if (drop_is_offline(rq->app))
		tvars_set_cstr(v, "offline", "1");
	if (drop_open(rq->app))
		tvars_set_cstr(v, "open", "1");
	return v;
}

/* The message and the files as problems of the form ([drop] max_mb for a file). */
static void
drop_check(const request_t *rq, page_problems_t *p)
{
	const config_t *c = &rq->app->config;
	const upload_t *u = rq->upload;
	char text[400];
	sv_t m = page_field(rq, "message");
	switch (rule_message(rq->app, m, false, upload_count(u))) {
	case RULE_OK:
		break;
	case RULE_EMPTY:
		p->message = true;
		page_problem_add(p, "message", i18n(rq->lang, N_("Choose a file to send, or write a message.")));
		break;
	default:
		p->message = true;
		snprintf_cut(text, sizeof(text), "%s (%zu / %u)", i18n(rq->lang, N_("Your message is too long. Shorten it.")),
		    rule_chars(m), c->message_max);
		page_problem_add(p, "message", text);
		break;
	}
	if (u && upload_too_many(u)) {
		p->files = true;
		snprintf_cut(text, sizeof(text), "%s %u", i18n(rq->lang, N_("Too many files. The most you can send at once:")),
		    c->max_files);
		page_problem_add(p, "attachment", text);
	}
	if (u && upload_too_large(u)) {
		p->files = true;
		snprintf_cut(text, sizeof(text), "%s %u",
		    i18n(rq->lang, N_("A file is too large. The largest file you can send, in MB:")), c->drop_max_mb);
		page_problem_add(p, "attachment", text);
	}
}

static void
drop_form(request_t *rq, response_t *rs, const page_problems_t *p, const char *notice, int status)
{
	tvars_t *v = drop_vars(rq);
	if (v) {
		if (rq->method == HTTP_POST)
			tvars_set(v, "message", page_field(rq, "message"));
		if (p)
			page_problems_vars(rq, v, p);
		if (notice && notice != msg_waiting && upload_refused(rq->upload))
			tvars_setf(v, "notice", "%s %s", i18n(rq->lang, notice), i18n(rq->lang, msg_full_files));
		else if (notice)
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
	}
	page_render(rq, rs, "drop", N_("Send documents safely"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

static void
drop_work(request_t *rq)
{
	char receipt[RECEIPT_DIGITS_MAX + 1];
	rq->work_status = drop_submit(rq->app, rq->lang, page_field(rq, "message"), rq->upload, receipt);
	if (rq->work_status == INTAKE_OK)
		memcpy(rq->scratch, receipt, sizeof(receipt));
	sodium_memzero(receipt, sizeof(receipt));
}

static void
drop_receipt(request_t *rq, response_t *rs)
{
	tvars_t *v = drop_vars(rq);
	if (v)
		tvars_set_cstr(v, "sent", "1");
	page_receipt_vars(v, rq->scratch);
	sodium_memzero(rq->scratch, sizeof(rq->scratch));
	page_render(rq, rs, "drop", N_("Your documents have been received"), v);
}

void
page_drop(request_t *rq, response_t *rs)
{
	if (rq->method != HTTP_POST) {
		drop_form(rq, rs, NULL, NULL, 0);
		return;
	}
	if (!rq->work_done) {
		if (!drop_open(rq->app)) {
			drop_form(rq, rs, NULL, NULL, 503);
			return;
		}
		if (upload_refused(rq->upload)) {
			/* a flood or the waiting cap (the files were skipped), or a full disk */
			if (drop_admit(rq->app) == INTAKE_OVERLOADED)
				drop_form(rq, rs, NULL, msg_waiting, 503);
			else
				drop_form(rq, rs, NULL, msg_full, 503);
			return;
		}
		page_problems_t p = { .n = 0 };
		drop_check(rq, &p);
		if (p.n) {
			drop_form(rq, rs, &p, NULL, 400);
			return;
		}
		http_defer(rq, drop_work, WORK_HELP_REQUEST);
		return;
	}
	switch ((intake_status_t)rq->work_status) {
	case INTAKE_OK:
		drop_receipt(rq, rs);
		return;
	case INTAKE_CLOSED:
		drop_form(rq, rs, NULL, NULL, 503);
		return;
	case INTAKE_OVERLOADED:
		drop_form(rq, rs, NULL, msg_waiting, 503);
		return;
	case INTAKE_BUSY:
		drop_form(rq, rs, NULL, N_("The service is busy, and nothing was saved. Please try again in a minute."), 503);
		return;
	case INTAKE_FULL:
		drop_form(rq, rs, NULL, msg_full, 503);
		return;
	default:
		drop_form(rq, rs, NULL,
		    N_("Something went wrong on our side, and nothing was saved. Please try again later."), 500);
		return;
	}
}

/* ---- analysts ---- */

static void
key_member(void *ctx, const roster_entry_t *e, bool holds)
{
	tvars_t *v = ctx;
	char hex[33];
	if (holds)
		return;
	tvars_t *it = tvars_add_item(v, "keyless");
	if (!it)
		return;
	sodium_bin2hex(hex, sizeof(hex), e->id, 16);
	tvars_set_cstr(it, "id", hex);
	tvars_set_cstr(it, "name", e->handle);
}

void
page_staff_drops(request_t *rq, response_t *rs)
{
	request_row_t rows[REQUESTS_PAGE];
	size_t n = 0, total = 0;
	char q[8];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (rq->method == HTTP_POST) {
		/* giving the analysts' key: an explicit approval by an analyst who holds it */
		uint8_t id[16];
		if (page_id_from_hex(page_field(rq, "account"), id) != 0 ||
		    staff_group_grant(rq->app, s, "analysts", id) != STAFF_OK) {
			rs->status = 404;
			return;
		}
		page_staff_redirect(rq, rs, "/staff/drop?granted=1");
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	roster_key_t key;
	if (roster_group_key(rq->app, s, "analysts", &key, key_member, v) != STAFF_OK) {
		tvars_free(v);
		rs->status = 404;   /* not an analyst */
		return;
	}
	if (drop_is_offline(rq->app))
		tvars_set_cstr(v, "offline", "1");
	if (!key.exists)
		tvars_set_cstr(v, "no_key", "1");
	else if (!key.viewer_holds)
		tvars_set_cstr(v, "not_holder", "1");
	else
		tvars_set_cstr(v, "holder", "1");
	if (key.viewer_holds) {
		uint64_t page = page_number(rq, 1000000);
		if (drop_list(rq->app, s, (size_t)(page - 1) * REQUESTS_PAGE, rows, &n, &total) != INTAKE_OK) {
			tvars_free(v);
			rs->status = 500;
			return;
		}
		tvars_setf(v, "total", "%zu", total);
		page_rows_vars(rq, v, "drops", rows, n, "/staff/drop/", false, NULL);
		page_nav_vars(rq, v, "/staff/drop", NULL, page, page * REQUESTS_PAGE < total);
		sodium_memzero(rows, sizeof(rows));
	}
	tvars_setf(v, "grant_action", "/%s/staff/drop", lang_code(rq->lang));
	if (http_query(rq, "granted", q, sizeof(q)) == 0)
		tvars_set_cstr(v, "notice", i18n(rq->lang, N_("She now holds the analysts' key.")));
	page_render(rq, rs, "staff_drops", N_("Secure drop"), v);
}

/* Each file's cleaned copy: asked for, being made, made (the copy says so), refused. */
struct clean_vars {
	request_t *rq;
	const staff_t *s;
	const case_view_t *cv;
	bool offered;
};

static void
clean_file_vars(void *ctx, tvars_t *f, const case_file_t *file)
{
	struct clean_vars *c = ctx;
	drop_clean_info_t ci;
	char hex[33];
	drop_clean_info(c->rq->app, c->s, c->cv, file->id, &ci);
	sodium_bin2hex(hex, sizeof(hex), file->id, 16);
	switch (ci.state) {
	case DROP_CLEAN_COPY:
		tvars_set_cstr(f, "is_copy", "1");
		return;
	case DROP_CLEAN_MAKING:
		tvars_set_cstr(f, "clean_making", "1");
		return;
	case DROP_CLEAN_MADE:
		tvars_set_cstr(f, "clean_made", "1");
		return;
	case DROP_CLEAN_REFUSED:
		tvars_set_cstr(f, "clean_refused", "1");
		tvars_set_cstr(f, "clean_reason", i18n(c->rq->lang, ci.reason));
		break;
	default:
		break;
	}
	if (c->offered)
		tvars_setf(f, "clean_action", "/%s/staff/drop/files/%s/clean", lang_code(c->rq->lang), hex);
}

/* A submission's page; with problems p or an error, the reply typed comes back. */
static void
drop_render(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], const page_problems_t *p,
    const char *error, const char *notice, int status)
{
	case_view_t cv;
	char prefix[40], when[32], hex[33];
	if (!snprintf_ok(prefix, sizeof(prefix), "/%s/staff/drop/files/", lang_code(rq->lang))) {
		rs->status = 500;
		return;
	}
	intake_status_t st = drop_view(rq->app, s, id, &cv);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		struct clean_vars cvars = { rq, s, &cv, drop_clean_offered(rq->app, s) };
		page_view_vars_files(rq, v, &cv, prefix, true, clean_file_vars, &cvars);
		if (cvars.offered)
			tvars_set_cstr(v, "clean_offered", "1");
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		tvars_setf(v, "reply_action", "/%s/staff/drop/%s/reply", lang_code(rq->lang), hex);
		tvars_setf(v, "drops_href", "/%s/staff/drop", lang_code(rq->lang));
		tvars_set_cstr(v, "lang", cv.lang);
		page_when(rq->lang, cv.created_hour, when);
		tvars_set_cstr(v, "when", when);
		tvars_setf(v, "max_files", "%u", rq->app->config.max_files);
		tvars_setf(v, "max_mb", "%u", rq->app->config.max_file_mb);
		if (rq->app->config.max_files > 0)
			tvars_set_cstr(v, "files_allowed", "1");
		if (p)
			page_problems_vars(rq, v, p);
		if (error)
			tvars_set_cstr(v, "error", i18n(rq->lang, error));
		if (notice)
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
		if (p || error)
			tvars_set(v, "message", page_field(rq, "message"));
	}
	case_view_free(&cv);
	page_render(rq, rs, "staff_drop", N_("Drop submission"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

void
page_staff_drop(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char q[8];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	const char *notice = NULL, *error = NULL;
	if (http_query(rq, "sent", q, sizeof(q)) == 0)
		notice = N_("Sent. The source reads it in the mailbox.");
	if (http_query(rq, "clean", q, sizeof(q)) == 0) {
		if (strcmp(q, "asked") == 0)
			notice = N_("A cleaned copy is being made. It appears beside the file; reload this page in a minute.");
		else if (strcmp(q, "busy") == 0)
			error = N_("The media worker is busy. Ask for the cleaned copy again later.");
		else
			error = N_("This file has a cleaned copy already, or is one.");
	}
	if (s)
		drop_render(rq, rs, s, id, NULL, error, notice, 0);
}

static void
reply_work(request_t *rq)
{
	uint8_t id[16];
	staff_status_t st;
	const staff_t *s;
	rq->work_status = INTAKE_NOT_FOUND;
	if (page_id_param(rq, id) == 0 && (s = page_staff_session(rq, &st)) != NULL)   /* checked again after the wait */
		rq->work_status = drop_reply(rq->app, s, id, page_field(rq, "message"), rq->upload);
}

void
page_staff_drop_reply(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char hex[33];
	static const char *const full =
	    N_("The server's disk is full, so this was not saved. Your text is still in the form below: copy it, and try again later.");
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (!rq->work_done) {
		page_problems_t p = { .n = 0 };
		page_check_message(rq, false, &p);
		if (upload_refused(rq->upload))
			drop_render(rq, rs, s, id, NULL, full, NULL, 503);
		else if (p.n)
			drop_render(rq, rs, s, id, &p, NULL, NULL, 400);
		else
			http_defer(rq, reply_work, WORK_STAFF_SESSION);
		return;
	}
	if (rq->work_status == INTAKE_FULL) {
		drop_render(rq, rs, s, id, NULL, full, NULL, 503);
		return;
	}
	if (rq->work_status != INTAKE_OK) {
		rs->status = rq->work_status == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	http_redirectf(rs, 303, "/%s/staff/drop/%s?sent=1", lang_code(rq->lang), hex);
}

/* "Make a cleaned copy": queued, then back to the submission with a banner. */
void
page_staff_drop_clean(request_t *rq, response_t *rs)
{
	uint8_t aid[16];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	intake_status_t st = page_id_param(rq, aid) == 0 ? drop_clean_ask(rq->app, s, aid) : INTAKE_NOT_FOUND;
	if (st == INTAKE_NOT_FOUND || st == INTAKE_ERROR) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	char hex[33];
	uint8_t case_id[16];
	if (drop_file_case(rq->app, s, aid, case_id) != INTAKE_OK) {
		rs->status = 404;
		return;
	}
	sodium_bin2hex(hex, sizeof(hex), case_id, 16);
	http_redirectf(rs, 303, "/%s/staff/drop/%s?clean=%s", lang_code(rq->lang), hex,
	    st == INTAKE_OK ? "asked" : st == INTAKE_BUSY ? "busy" : "again");
}

void
page_staff_drop_file(request_t *rq, response_t *rs)
{
	uint8_t aid[16];
	case_file_out_t f;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	intake_status_t st = page_id_param(rq, aid) == 0 ? drop_file(rq->app, s, aid, &f) : INTAKE_NOT_FOUND;
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : st == INTAKE_BUSY ? 503 : 500;
		return;
	}
	page_download(rs, &f);
}
