/* appeals: the public pages of video appeals: the upload and its receipt, the status page
 * where she can withdraw it, the gallery and one appeal's page; and what the editors'
 * pages (appeals_staff.c) share with them. No JavaScript; every answer says what just
 * happened. */
#include <stdio.h>
#include <string.h>

#include "domain/appeals.h"
#include "domain/subtitles.h"
#include "domain/casework.h"
#include "domain/roster.h"
#include "pages/staff_common.h"
#include "parse/receipt.h"

const char *const page_appeal_msg_full =
    N_("We cannot take videos right now. Nothing was sent. Please try again later.");
const char *const page_appeal_msg_failed =
    N_("Something went wrong on our side, and your video was not saved. Please try again later.");

/* Names of the states, in the order of STORE_APPEAL_*. */
static const char *const state_names[] = {
	N_("waiting to be cleaned"), N_("being cleaned"), N_("ready for review"), N_("published"), N_("withdrawn"),
	N_("refused"),
};

const char *
page_appeal_state_name(const request_t *rq, int state)
{
	return state >= 0 && state < 6 ? i18n(rq->lang, state_names[state]) : "?";
}

/* ---- uploads ---- */

static int
up_begin_appeal(request_t *rq, void **upload)
{
	if (appeals_admit(rq->app) != INTAKE_OK)
		return 503;
	*upload = appeal_upload_new(rq->app);
	return *upload ? 0 : 503;
}

static int
up_begin_appeal_staff(request_t *rq, void **upload)
{
	staff_status_t st;
	const staff_t *s = page_staff_session(rq, &st);
	if (!s)
		return page_up_no_session(rq, upload, st);
	if (!appeals_allowed(rq->app, s))
		return 404;
	*upload = appeal_upload_new(rq->app);
	return *upload ? 0 : 503;
}

static uint64_t
up_limit_appeal(const request_t *rq)
{
	return ((uint64_t)rq->app->config.appeal_max_mb << 20) + ((uint64_t)1 << 20);
}

const upload_ops_t page_appeal_upload = { up_begin_appeal, page_up_file_begin, page_up_file_data, page_up_file_end,
	page_up_free, up_limit_appeal };
const upload_ops_t page_appeal_staff_upload = { up_begin_appeal_staff, page_up_file_begin, page_up_file_data,
	page_up_file_end, page_up_free, up_limit_appeal };

/* ---- the public form ---- */

static tvars_t *
appeal_vars(request_t *rq)
{
	tvars_t *v = page_form_vars(rq);
	if (!v)
		return NULL;
	const char *l = lang_code(rq->lang);
	tvars_setf(v, "action", "/%s/appeal", l);
	tvars_setf(v, "status_href", "/%s/appeal/status", l);
	tvars_setf(v, "gallery_href", "/%s/appeals", l);
	tvars_setf(v, "max_mb", "%u", rq->app->config.appeal_max_mb);
	tvars_setf(v, "max_minutes", "%u", (rq->app->config.appeal_max_s + 59) / 60);
	tvars_setf(v, "name_max", "%u", APPEAL_NAME_MAX_CHARS);
	tvars_setf(v, "text_max", "%u", APPEAL_TEXT_MAX_CHARS);
	return v;
}

/* The problems of the form, field by field (appeal_rules). */
void
page_appeal_problems(request_t *rq, const appeal_form_t *f, page_problems_t *p)
{
	appeal_rules_t r;
	(void)appeal_rules(f, upload_count(rq->upload), &r);
	page_rule_problem(rq, p, "video", r.video, N_("Choose the video file to send."), 0, NULL);
	if (rq->upload && upload_too_large(rq->upload)) {
		char text[300];
		snprintf_cut(text, sizeof(text), "%s %u", i18n(rq->lang, N_("The video is too large. The largest you can send, in MB:")),
		    rq->app->config.appeal_max_mb);
		page_problem_add(p, "video", text);
	}
	page_rule_problem(rq, p, "language", r.language, N_("Choose the language you speak in the video."), 0, NULL);
	page_rule_problem(rq, p, "shown_name", r.shown_name, NULL, APPEAL_NAME_MAX_CHARS, NULL);
	page_rule_problem(rq, p, "text", r.text, NULL, APPEAL_TEXT_MAX_CHARS, NULL);
	page_rule_problem(rq, p, "consent", r.consent,
	    N_("Tick the box to say that we may publish your video. Without it we cannot take it."), 0, NULL);
}

/* The languages to choose from, with the one sent selected. */
void
page_appeal_languages(const request_t *rq, tvars_t *v)
{
	char sel[4] = "";
	sv_t chosen = page_field(rq, "language");
	if (rq->method == HTTP_POST && chosen.len < sizeof(sel)) {
		memcpy(sel, chosen.p, chosen.len);
		sel[chosen.len] = '\0';
	}
	page_language_options(v, "languages", sel, true);
}

appeal_form_t
page_appeal_form_of(const request_t *rq)
{
	appeal_form_t f = { page_field(rq, "language"), page_field(rq, "shown_name"), page_field(rq, "text"),
		page_field(rq, "consent") };
	return f;
}

static void
appeal_form_page(request_t *rq, response_t *rs, const page_problems_t *p, const char *notice, int status)
{
	tvars_t *v = appeal_vars(rq);
	bool post = rq->method == HTTP_POST;
	if (v) {
		if (appeals_open(rq->app))
			tvars_set_cstr(v, "open", "1");
		page_appeal_languages(rq, v);
		if (post) {
			tvars_set(v, "shown_name", page_field(rq, "shown_name"));
			tvars_set(v, "text", page_field(rq, "text"));
			if (sv_eq(page_field(rq, "consent"), SV("yes")))
				tvars_set_cstr(v, "consent_checked", "1");
		}
	}
	page_form_render(rq, rs, "appeal", N_("Send a video appeal"), v, p, notice, status);
}

static void
appeal_work(request_t *rq)
{
	char receipt[RECEIPT_DIGITS_MAX + 1];
	uint8_t id[16];
	appeal_form_t f = page_appeal_form_of(rq);
	rq->work_status = appeal_submit(rq->app, rq->lang, NULL, &f, rq->upload, id, receipt);
	if (rq->work_status == INTAKE_OK)
		memcpy(rq->scratch, receipt, sizeof(receipt));
	sodium_memzero(receipt, sizeof(receipt));
}

static void
appeal_receipt(request_t *rq, response_t *rs)
{
	tvars_t *v = appeal_vars(rq);
	if (v)
		tvars_set_cstr(v, "sent", "1");
	page_receipt_vars(v, rq->scratch);
	sodium_memzero(rq->scratch, sizeof(rq->scratch));
	page_render(rq, rs, "appeal", N_("Your video has been received"), v);
}

void
page_appeal(request_t *rq, response_t *rs)
{
	if (rq->method != HTTP_POST) {
		appeal_form_page(rq, rs, NULL, NULL, appeals_open(rq->app) ? 0 : 503);
		return;
	}
	if (!rq->work_done) {
		if (!appeals_open(rq->app)) {
			appeal_form_page(rq, rs, NULL, NULL, 503);
			return;
		}
		if (upload_refused(rq->upload)) {
			appeal_form_page(rq, rs, NULL, page_appeal_msg_full, 503);
			return;
		}
		page_problems_t p = { .n = 0 };
		appeal_form_t f = page_appeal_form_of(rq);
		page_appeal_problems(rq, &f, &p);
		if (p.n) {
			appeal_form_page(rq, rs, &p, NULL, 400);
			return;
		}
		http_defer(rq, appeal_work, WORK_HELP_REQUEST);
		return;
	}
	switch ((intake_status_t)rq->work_status) {
	case INTAKE_OK:
		appeal_receipt(rq, rs);
		return;
	case INTAKE_OVERLOADED:
	case INTAKE_BUSY:
		appeal_form_page(rq, rs, NULL,
		    N_("We are receiving many videos right now, and yours was not saved. Please try again in a few minutes."), 503);
		return;
	case INTAKE_FULL:
		appeal_form_page(rq, rs, NULL, page_appeal_msg_full, 503);
		return;
	case INTAKE_CLOSED:
		appeal_form_page(rq, rs, NULL, NULL, 503);
		return;
	default:
		appeal_form_page(rq, rs, NULL, page_appeal_msg_failed, 500);
		return;
	}
}

/* ---- her status page, through her receipt ---- */

static void
status_page(request_t *rq, response_t *rs, const char *error, const char *notice, int status)
{
	const mailbox_t *m = NULL;
	appeal_status_t as;
	tvars_t *v = appeal_vars(rq);
	const char *l = lang_code(rq->lang);
	int have = page_mailbox_session(rq, &m);
	if (v) {
		tvars_setf(v, "status_action", "/%s/appeal/status", l);
		tvars_setf(v, "withdraw_action", "/%s/appeal/withdraw", l);
		tvars_setf(v, "leave_action", "/%s/mailbox/leave", l);
		if (error)
			tvars_set_cstr(v, "error", i18n(rq->lang, error));
		if (notice)
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
		if (have > 0 && appeal_status(rq->app, m, &as) == INTAKE_OK) {
			tvars_set_cstr(v, "have", "1");
			tvars_set_cstr(v, "state", page_appeal_state_name(rq, as.state));
			if (as.state == STORE_APPEAL_PUBLISHED)
				tvars_setf(v, "public_href", "/%s/appeals/%s", l, as.slug);
			if (as.state == STORE_APPEAL_REFUSED && as.refusal[0])
				tvars_set_cstr(v, "refusal", i18n(rq->lang, as.refusal));
		}
	}
	page_render(rq, rs, "appeal_status", N_("Your video appeal"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

static void
status_work(request_t *rq)
{
	char cookie[SESS_COOKIE_CHARS + 1];
	size_t n = strnlen(rq->scratch, RECEIPT_DIGITS_MAX);
	rq->work_status = mailbox_open(rq->app, rq->scratch, n, cookie);
	sodium_memzero(rq->scratch, sizeof(rq->scratch));
	if (rq->work_status == INTAKE_OK)
		memcpy(rq->scratch, cookie, sizeof(cookie));
	sodium_memzero(cookie, sizeof(cookie));
}

void
page_appeal_status(request_t *rq, response_t *rs)
{
	if (rq->method != HTTP_POST) {
		status_page(rq, rs, NULL, NULL, 0);
		return;
	}
	if (!rq->work_done) {
		const sv_t *receipt = form_get(&rq->form, "receipt");
		size_t n = receipt ? receipt_parse(*receipt, rq->scratch) : 0;
		if (n == 0) {
			status_page(rq, rs, N_("A receipt has 16 digits, like 1234 5678 9012 3456. Check it and try again."), NULL,
			    400);
			return;
		}
		http_defer(rq, status_work, WORK_MAILBOX_OPEN);
		return;
	}
	switch ((intake_status_t)rq->work_status) {
	case INTAKE_OK: {
		int set = http_cookie_set(rq, rs, HTTP_COOKIE_MAILBOX, sv_from_cstr(rq->scratch), HTTP_COOKIE_SESSION);
		sodium_memzero(rq->scratch, sizeof(rq->scratch));
		if (set != 0)
			rs->status = 500;
		else
			http_redirectf(rs, 303, "/%s/appeal/status", lang_code(rq->lang));
		return;
	}
	case INTAKE_OVERLOADED:
	case INTAKE_BUSY:
		status_page(rq, rs, NULL, N_("Too many people are checking right now. Please wait a minute and try again."), 503);
		return;
	case INTAKE_NOT_FOUND:
		status_page(rq, rs,
		    N_("We found no video with this receipt. Check the digits and try again. A withdrawn video is deleted with its receipt."),
		    NULL, 0);
		return;
	default:
		rs->status = 500;
		return;
	}
}

void
page_appeal_withdraw(request_t *rq, response_t *rs)
{
	const mailbox_t *m;
	int have = page_mailbox_session(rq, &m);
	if (have <= 0) {
		if (have < 0)
			rs->status = 500;
		else
			http_redirectf(rs, 303, "/%s/appeal/status", lang_code(rq->lang));
		return;
	}
	if (!sv_eq(page_field(rq, "confirm"), SV("yes"))) {
		status_page(rq, rs, N_("Tick the box to confirm that you want to withdraw your video."), NULL, 400);
		return;
	}
	intake_status_t st = appeal_withdraw_mine(rq->app, m);
	if (st == INTAKE_NOT_FOUND) {   /* not an appeal's receipt, or withdrawn already */
		status_page(rq, rs,
		    N_("We found no video with this receipt. Check the digits and try again. A withdrawn video is deleted with its receipt."),
		    NULL, 404);
		return;
	}
	if (st != INTAKE_OK) {
		status_page(rq, rs, N_("Your video could not be withdrawn just now. Please try again in a minute."), NULL, 500);
		return;
	}
	mailbox_leave(rq->app, m);
	if (http_cookie_clear(rq, rs, HTTP_COOKIE_MAILBOX) != 0) {
		rs->status = 500;
		return;
	}
	rs->clear_site_data = true;
	tvars_t *v = appeal_vars(rq);
	if (v)
		tvars_set_cstr(v, "withdrawn", "1");
	page_render(rq, rs, "appeal_status", N_("Your video was withdrawn"), v);
}

/* ---- the gallery ---- */

static void
public_vars(const request_t *rq, tvars_t *it, const appeal_public_t *a)
{
	char when[32];
	const char *l = lang_code(rq->lang);
	tvars_setf(it, "href", "/%s/appeals/%s", l, a->slug);
	tvars_setf(it, "poster", "/media/%s/poster.jpg", a->slug);
	tvars_setf(it, "video", "/media/%s/video.mp4", a->slug);
	tvars_set_cstr(it, "name", a->shown_name);
	tvars_set_cstr(it, "text", a->shown_text);
	tvars_set_cstr(it, "language", a->language);
	tvars_setf(it, "duration", "%u:%02u", a->duration / 60, a->duration % 60);
	tvars_setf(it, "width", "%u", a->width);
	tvars_setf(it, "height", "%u", a->height);
	page_when(rq->lang, a->published_hour, when);
	tvars_set_cstr(it, "when", when);
}

void
page_appeals(request_t *rq, response_t *rs)
{
	appeal_public_t rows[APPEALS_PAGE];
	size_t n = 0, total = 0;
	uint64_t page = page_number(rq, 100000);
	if (appeals_gallery(rq->app, (size_t)(page - 1) * APPEALS_PAGE, rows, &n, &total) != INTAKE_OK) {
		rs->status = 500;
		return;
	}
	tvars_t *v = appeal_vars(rq);
	if (v) {
		for (size_t i = 0; i < n; i++) {
			tvars_t *it = tvars_add_item(v, "appeals");
			if (it)
				public_vars(rq, it, &rows[i]);
		}
		char path[32];
		snprintf_cut(path, sizeof(path), "/%s/appeals", lang_code(rq->lang));
		page_nav_vars(rq, v, path, NULL, page, page * APPEALS_PAGE < total);
	}
	page_render(rq, rs, "appeals", N_("Video appeals"), v);
}

void
page_appeal_public(request_t *rq, response_t *rs)
{
	appeal_public_t a;
	char slug[33];
	if (rq->param.len != 32 || !snprintf_ok(slug, sizeof(slug), "%.*s", (int)rq->param.len, rq->param.p) ||
	    appeal_public(rq->app, slug, &a) != INTAKE_OK) {
		rs->status = 404;
		return;
	}
	tvars_t *v = appeal_vars(rq);
	if (v) {
		public_vars(rq, v, &a);
		/* the approved subtitles, each a track (the page's language shown first) */
		char langs[SUBS_LANGS_MAX][4];
		size_t n = subtitles_public_langs(rq->app, slug, langs, SUBS_LANGS_MAX);
		for (size_t i = 0; i < n; i++) {
			tvars_t *it = tvars_add_item(v, "tracks");
			if (!it)
				break;
			tvars_setf(it, "src", "/media/%s/%s.vtt", slug, langs[i]);
			tvars_set_cstr(it, "code", langs[i]);
			tvars_set_cstr(it, "label", page_language_name(langs[i]));
			if (strcmp(langs[i], lang_code(rq->lang)) == 0)
				tvars_set_cstr(it, "default", "1");
		}
		/* the captions burned in, ready to post: both shapes and the words for the post */
		n = subtitles_public_burns(rq->app, slug, langs, SUBS_LANGS_MAX);
		for (size_t i = 0; i < n; i++) {
			tvars_t *it = tvars_add_item(v, "burns");
			if (!it)
				break;
			tvars_set_cstr(it, "label", page_language_name(langs[i]));
			tvars_setf(it, "wide", "/media/%s/%s-16x9.mp4", slug, langs[i]);
			tvars_setf(it, "tall", "/media/%s/%s-9x16.mp4", slug, langs[i]);
			tvars_setf(it, "text", "/media/%s/%s-captions.txt", slug, langs[i]);
		}
	}
	page_render(rq, rs, "appeal_public", N_("Video appeal"), v);
}

