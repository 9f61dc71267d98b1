/* requests: the triage pages: the queue of new requests, one request with its
 * conversation and files, and the reply form. Anyone who may not open a request gets the
 * same 404 as for a request that does not exist. */
#include <stdio.h>
#include <string.h>

#include "domain/confirm.h"
#include "domain/testimonies.h"
#include "pages/staff_common.h"

static const char *const situation_short[] = {
	N_("call-up notice"), N_("serving"), N_("near a border"), N_("out of the country"), N_("other"),
};

static const char *
choice_label(const request_t *rq, const char *const *values, const char *const *labels, const char *value)
{
	for (size_t i = 0; values[i]; i++)
		if (strcmp(values[i], value) == 0)
			return i18n(rq->lang, labels[i]);
	return "";
}

static void
situation_var(const request_t *rq, tvars_t *it, const request_row_t *r)
{
	tvars_set_cstr(it, "situation", choice_label(rq, intake_situations, situation_short, r->situation));
}

/* The queue's filters from the query (a GET form), given back to the form and to the
 * links of the other pages (qs). */
static void
queue_filter(request_t *rq, tvars_t *v, requests_filter_t *f, char *qs, size_t qslen)
{
	char q[16];
	memset(f, 0, sizeof(*f));
	if (http_query(rq, "lang", q, sizeof(q)) == 0 && page_language_ok(q))
		memcpy(f->lang, q, 3);
	f->unassigned = http_query(rq, "unassigned", q, sizeof(q)) == 0 && strcmp(q, "1") == 0;
	f->only_new = http_query(rq, "stage", q, sizeof(q)) == 0 && strcmp(q, "new") == 0;
	if (http_query(rq, "waiting", q, sizeof(q)) == 0) {
		f->waiting = strcmp(q, "any") == 0;
		f->waiting_long = strcmp(q, "long") == 0;
	}
	snprintf_cut(qs, qslen, "lang=%s&unassigned=%d&stage=%s&waiting=%s", f->lang, f->unassigned,
	    f->only_new ? "new" : "", f->waiting_long ? "long" : f->waiting ? "any" : "");
	if (!v)
		return;
	page_language_options(v, "filter_languages", f->lang, true);
	tvars_setf(v, "filter_action", "/%s/staff/requests", lang_code(rq->lang));
	if (f->unassigned)
		tvars_set_cstr(v, "filter_unassigned", "1");
	if (f->only_new)
		tvars_set_cstr(v, "filter_new", "1");
	tvars_set_cstr(v, f->waiting_long ? "filter_waiting_long" : f->waiting ? "filter_waiting_any" : "filter_waiting_all", "1");
	char label[128];
	page_count_text(rq->lang, NN_("waiting longer than %u hour", "waiting longer than %u hours"),
	    rq->app->config.response_hours, label, sizeof(label));
	tvars_set_cstr(v, "waiting_long_label", label);
}

void
page_staff_requests(request_t *rq, response_t *rs)
{
	request_row_t rows[REQUESTS_PAGE];
	size_t n = 0, total = 0;
	char q[16], qs[96];
	requests_filter_t f;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	uint64_t page = page_number(rq, 1000000);
	queue_filter(rq, NULL, &f, qs, sizeof(qs));
	intake_status_t st = requests_list(rq->app, s, &f, (size_t)(page - 1) * REQUESTS_PAGE, rows, &n, &total);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		queue_filter(rq, v, &f, qs, sizeof(qs));
		tvars_setf(v, "total", "%zu", total);
		page_rows_vars(rq, v, "requests", rows, n, "/staff/requests/", false, situation_var);
		page_nav_vars(rq, v, "/staff/requests", qs, page, page * REQUESTS_PAGE < total);
		if (http_query(rq, "shredded", q, sizeof(q)) == 0)
			page_banner(rq, strcmp(q, "later") == 0
			        ? N_("The request could not be shredded completely just now. It is marked, and the next hourly purge finishes the shred; the server log says why.")
			        : N_("The request was shredded. Nobody can read it any more."));
	}
	sodium_memzero(rows, sizeof(rows));
	page_render(rq, rs, "staff_requests", N_("Requests"), v);
}

/* A note or a reply that found no room on the disk: the page gives the text back. */
static const char *const msg_full =
    N_("The server's disk is full, so this was not saved. Your text is still in the form below: copy it, and try again later.");

static void
notes_vars(const request_t *rq, tvars_t *v, const case_view_t *cv)
{
	char when[32];
	for (size_t i = 0; i < cv->nnotes; i++) {
		tvars_t *it = tvars_add_item(v, "notes");
		if (!it)
			return;
		tvars_set_cstr(it, "author", cv->notes[i].author[0] ? cv->notes[i].author : "?");
		page_when(rq->lang, cv->notes[i].hour, when);
		tvars_set_cstr(it, "when", when);
		tvars_set(it, "text", buf_sv(&cv->notes[i].text));
	}
}

/* What the request page says after an action (?done=...), and the problems an action
 * redirected with (?stage=..., ?assign=...), each at the field it concerns. */
static const struct {
	const char *key, *msgid;
} request_banners[] = {
	{ "reply", N_("Your reply was sent. The requester sees it the next time he opens the mailbox.") },
	{ "note", N_("Your note was saved.") },
	{ "moved", N_("The stage was changed.") },
	{ "verified", N_("Your verification was recorded.") },
	{ "checked", N_("The checklist was saved.") },
	{ "assigned", N_("The request was assigned. Only she, and triage, can open it now.") },
};
static const struct {
	const char *key, *anchor, *msgid;
} request_errors[] = {
	{ "invalid", "stage", N_("That move is not possible from this stage. Reload the page and try again.") },
	{ "reason", "reason", N_("Say why the request is rejected.") },
	{ "verifiers", "stage", N_("Two different verifiers must record a verification before the request can move to “safe”.") },
	{ "stale", "stage", N_("Someone moved this request first. Here is where it is now.") },
	{ "coordinator", "stage", N_("Only a coordinator can close or reject a request. Ask one to do it.") },
	{ "none", "owl", N_("There is no active Owl by that name.") },
	{ "empty", "owl", N_("Choose an Owl from the list, or write her name.") },
};

static bool
request_banner_key(const char *key)
{
	for (size_t i = 0; i < sizeof(request_banners) / sizeof(request_banners[0]); i++)
		if (strcmp(key, request_banners[i].key) == 0)
			return true;
	return false;
}

/* What an action did (key, after a POST) or what the address says it did (?done=,
 * ?problem=, after a redirect): a banner, or the error summary at its field. */
static void
request_outcome_vars(request_t *rq, tvars_t *v, const char *key)
{
	char q[24], p[24];
	if (key) {
		snprintf_cut(q, sizeof(q), "%s", key);
		snprintf_cut(p, sizeof(p), "%s", key);
	} else {
		if (http_query(rq, "done", q, sizeof(q)) != 0)
			q[0] = '\0';
		if (http_query(rq, "problem", p, sizeof(p)) != 0)
			p[0] = '\0';
	}
	for (size_t i = 0; i < sizeof(request_banners) / sizeof(request_banners[0]); i++)
		if (strcmp(q, request_banners[i].key) == 0)
			page_banner(rq, request_banners[i].msgid);
	if (p[0])
		for (size_t i = 0; i < sizeof(request_errors) / sizeof(request_errors[0]); i++)
			if (strcmp(p, request_errors[i].key) == 0) {
				tvars_set_cstr(v, "error", i18n(rq->lang, request_errors[i].msgid));
				tvars_set_cstr(v, "error_anchor", request_errors[i].anchor);
				if (strcmp(request_errors[i].anchor, "owl") == 0)
					tvars_set_cstr(v, "assign_error", i18n(rq->lang, request_errors[i].msgid));
				if (strcmp(request_errors[i].anchor, "reason") == 0)   /* its field, open */
					tvars_set_cstr(v, "reason_error", i18n(rq->lang, request_errors[i].msgid));
			}
}

/* The request page; with problems p or an error (shown under the H1), or after an
 * action that kept (give_back) the texts typed beside it, the note and the reply come
 * back in their fields. */
static void
request_render(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], const page_problems_t *p,
    const char *error, int status, const char *done)
{
	bool give_back = done != NULL;
	case_view_t cv;
	char prefix[32], when[32], hex[33], ref[PAGE_CASE_REF], title[96];
	if (!snprintf_ok(prefix, sizeof(prefix), "/%s/staff/files/", lang_code(rq->lang))) {
		rs->status = 500;
		return;
	}
	intake_status_t st = request_view(rq->app, s, id, &cv);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	page_case_ref(id, ref);
	snprintf_cut(title, sizeof(title), "%s %s", i18n(rq->lang, N_("Request")), ref);
	if (v) {
		tvars_set_cstr(v, "ref", ref);
		page_view_vars(rq, v, &cv, prefix, true);
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		tvars_setf(v, "reply_action", "/%s/staff/requests/%s/reply", lang_code(rq->lang), hex);
		notes_vars(rq, v, &cv);
		if (s->acct.roles & ROLE_COORDINATOR)
			tvars_setf(v, "shred_href", "/%s/staff/requests/%s/shred", lang_code(rq->lang), hex);
		if (testimony_may_make(rq->app, s, id))
			tvars_setf(v, "testimony_href", "/%s/staff/requests/%s/testimony", lang_code(rq->lang), hex);
		tvars_set_cstr(v, "lang", cv.lang);
		page_when(rq->lang, cv.created_hour, when);
		tvars_set_cstr(v, "when", when);
		tvars_set_cstr(v, "situation", choice_label(rq, intake_situations, situation_short, cv.situation));
		tvars_set_cstr(v, "region", choice_label(rq, intake_regions, page_region_labels, cv.region));
		tvars_set_cstr(v, "writer", choice_label(rq, intake_writers, page_writer_labels, cv.writer));
		tvars_set(v, "contact", buf_sv(&cv.contact));
		page_stage_vars(rq, v, s, &cv, id);
		page_assign_vars(rq, v, s, &cv, id);
		if (rq->method != HTTP_POST || done)
			request_outcome_vars(rq, v, done);
		tvars_setf(v, "max_files", "%u", rq->app->config.max_files);
		tvars_setf(v, "max_mb", "%u", rq->app->config.max_file_mb);
		if (rq->app->config.max_files > 0)
			tvars_set_cstr(v, "files_allowed", "1");
		if (p)
			page_problems_vars(rq, v, p);
		if (error) {
			tvars_set_cstr(v, "error", i18n(rq->lang, error));
			tvars_set_cstr(v, "error_anchor", "message");
		}
		/* after an error both come back; after an action, the one it did not use */
		bool did_reply = give_back && strcmp(done, "reply") == 0;
		bool did_note = give_back && strcmp(done, "note") == 0;
		if ((p || error || give_back) && !did_reply)
			tvars_set(v, "message", page_field(rq, "message"));
		if ((p || error || give_back) && !did_note) {
			tvars_set(v, "note", page_field(rq, "note"));
			if (give_back && page_field(rq, "note").len)
				tvars_set_cstr(v, "note_kept", "1");
		}
		/* a stage's reason and a verifier's note, unless what they were for was done */
		bool staged = give_back && request_banner_key(done) && !did_reply && !did_note;
		if ((p || error || give_back) && !staged) {
			tvars_set(v, "reason", page_field(rq, "reason"));
			tvars_set(v, "vnote", page_field(rq, "vnote"));
		}
		if (give_back && !did_reply && rq->upload && upload_count(rq->upload) > 0)
			tvars_set_cstr(v, "files_again", "1");
	}
	case_view_free(&cv);
	page_render(rq, rs, "staff_request", title, v);
	if (status && rs->status == 0)
		rs->status = status;
}

static void
request_page(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], const page_problems_t *p, int status)
{
	request_render(rq, rs, s, id, p, NULL, status, NULL);
}

/* After an action (key: what it did, or the problem it met): back to the request page,
 * which says so; but when the form held text beside what the action used (a reply typed
 * while a note was saved or the stage moved), the page is shown at once with that text
 * given back, so nothing typed is lost. */
static void
request_done(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], const char *key)
{
	char hex[33];
	bool did_reply = strcmp(key, "reply") == 0, did_note = strcmp(key, "note") == 0;
	bool typed = (!did_reply && page_field(rq, "message").len > 0) || (!did_note && page_field(rq, "note").len > 0) ||
	    (!did_reply && rq->upload && upload_count(rq->upload) > 0);
	if (typed) {
		request_render(rq, rs, s, id, NULL, NULL, 0, key);
		return;
	}
	bool done = request_banner_key(key);
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	http_redirectf(rs, 303, "/%s/staff/requests/%s?%s=%s#%s", lang_code(rq->lang), hex, done ? "done" : "problem", key,
	    did_note ? "notes" : did_reply ? "conversation" : "stage");
}

void
page_staff_request(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (page_id_param(rq, id) != 0)
		rs->status = 404;
	else
		request_page(rq, rs, s, id, NULL, 0);
}

/* A note for staff only: never shown to the requester. */
static void
note_save(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16])
{
	page_problems_t p = { .n = 0 };
	sv_t text = page_field(rq, "note");
	page_rule_problem(rq, &p, "note", rule_note(text), N_("Write the note first."), RULE_NOTE_MAX_CHARS, &p.message);
	if (p.n) {
		request_page(rq, rs, s, id, &p, 400);
		return;
	}
	intake_status_t st = request_note(rq->app, s, id, text);
	if (st == INTAKE_FULL) {
		request_render(rq, rs, s, id, NULL, msg_full, 503, NULL);
		return;
	}
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	request_done(rq, rs, s, id, "note");
}

static void
reply_work(request_t *rq)
{
	uint8_t id[16];
	staff_status_t st;
	const staff_t *s;
	rq->work_status = INTAKE_NOT_FOUND;
	if (page_id_param(rq, id) == 0 && (s = page_staff_session(rq, &st)) != NULL)   /* checked again after the wait */
		rq->work_status = request_reply(rq->app, s, id, page_field(rq, "message"), rq->upload);
}

/* The request page's form: a reply (do=reply) or, from the same form, a note (do=note),
 * a stage's move or checklist (to), a verification (verify); each gives back what was
 * typed for the others. */
void
page_staff_request_reply(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	/* the page's one form: a stage's button (to) or a verification, a note, or the reply */
	if (page_field(rq, "to").len > 0 || sv_eq(page_field(rq, "verify"), SV("1"))) {
		const char *key = page_stage_apply(rq, rs, s, id);
		if (key)
			request_done(rq, rs, s, id, key);
		return;
	}
	if (sv_eq(page_field(rq, "do"), SV("note"))) {
		note_save(rq, rs, s, id);
		return;
	}
	/* a reply goes to the man's mailbox only when "Send" was pressed: anything else
	 * fails closed */
	if (!sv_eq(page_field(rq, "do"), SV("reply"))) {
		rs->status = 400;
		return;
	}
	if (!rq->work_done) {
		page_problems_t p = { .n = 0 };
		page_check_message(rq, false, &p);
		if (upload_refused(rq->upload))
			request_render(rq, rs, s, id, NULL, msg_full, 503, NULL);
		else if (p.n)
			request_page(rq, rs, s, id, &p, 400);
		else
			http_defer(rq, reply_work, WORK_STAFF_SESSION);
		return;
	}
	if (rq->work_status == INTAKE_FULL) {
		request_render(rq, rs, s, id, NULL, msg_full, 503, NULL);
		return;
	}
	if (rq->work_status != INTAKE_OK) {
		rs->status = rq->work_status == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	request_done(rq, rs, s, id, "reply");
}

void
page_staff_file(request_t *rq, response_t *rs)
{
	uint8_t aid[16];
	case_file_out_t f;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	intake_status_t st = page_id_param(rq, aid) == 0 ? request_file(rq->app, s, aid, &f) : INTAKE_NOT_FOUND;
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : st == INTAKE_BUSY ? 503 : 500;
		return;
	}
	page_download(rs, &f);
}

/* Shredding a request: a page that says exactly what will happen, then the button. */
void
page_staff_request_shred(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	int64_t created_hour = 0;
	char hex[33], when[32];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (rq->method == HTTP_POST && sv_eq(page_field(rq, "confirm"), SV("yes"))) {
		intake_status_t st = request_shred(rq->app, s, id);
		if (st != INTAKE_OK && st != INTAKE_SHRED_LATER) {
			rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
			return;
		}
		http_redirectf(rs, 303, "/%s/staff/requests?shredded=%s", lang_code(rq->lang), st == INTAKE_OK ? "1" : "later");
		return;
	}
	intake_status_t may = confirm_shred(rq->app, s, id, &created_hour);
	if (may != INTAKE_OK) {
		rs->status = may == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		tvars_setf(v, "action", "/%s/staff/requests/%s/shred", lang_code(rq->lang), hex);
		tvars_setf(v, "back_href", "/%s/staff/requests/%s", lang_code(rq->lang), hex);
		page_when(rq->lang, created_hour, when);
		tvars_set_cstr(v, "when", when);
		char ref[PAGE_CASE_REF];
		page_case_ref(id, ref);
		tvars_set_cstr(v, "ref", ref);
	}
	page_render(rq, rs, "staff_shred", N_("Shred this request"), v);
}

/* The note's own address (the form of older pages). */
void
page_staff_request_note(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (s)
		note_save(rq, rs, s, id);
}
