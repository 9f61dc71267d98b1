/* appeals: the pages of video appeals: the public upload and its receipt, the status
 * page where she can withdraw it, the gallery and one appeal's page, and the editors'
 * pages (the list, one appeal with its preview, registering one, the two-person
 * publishing). No JavaScript; every answer says what just happened. */
#include <stdio.h>
#include <string.h>

#include "domain/appeals.h"
#include "domain/casework.h"
#include "domain/roster.h"
#include "pages/staff_common.h"
#include "parse/receipt.h"

static const char *const msg_full =
    N_("We cannot take videos right now. Nothing was sent. Please try again later.");
static const char *const msg_failed =
    N_("Something went wrong on our side, and your video was not saved. Please try again later.");

/* Names of the states, in the order of STORE_APPEAL_*. */
static const char *const state_names[] = {
	N_("waiting to be cleaned"), N_("being cleaned"), N_("ready for review"), N_("published"), N_("withdrawn"),
	N_("refused"),
};

static const char *
state_name(const request_t *rq, int state)
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
	if (!s || !appeals_allowed(rq->app, s))
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
static void
appeal_problems(request_t *rq, const appeal_form_t *f, page_problems_t *p)
{
	appeal_rules_t r;
	(void)appeal_rules(f, upload_count(rq->upload), &r);
	page_rule_problem(rq, p, "video", r.video, N_("Choose the video file to send."), 0, NULL);
	if (rq->upload && upload_too_large(rq->upload)) {
		char text[300];
		snprintf_cut(text, sizeof(text), "%s %u", i18n(rq->lang, N_("The video is too large. The largest you can send, in MB:")),
		    rq->app->config.appeal_max_mb);
		page_rule_problem(rq, p, "video", RULE_EMPTY, N_("The video is too large."), 0, NULL);
		snprintf_cut(p->items[p->n - 1].text, sizeof(p->items[0].text), "%s", text);
	}
	page_rule_problem(rq, p, "language", r.language, N_("Choose the language you speak in the video."), 0, NULL);
	page_rule_problem(rq, p, "shown_name", r.shown_name, NULL, APPEAL_NAME_MAX_CHARS, NULL);
	page_rule_problem(rq, p, "text", r.text, NULL, APPEAL_TEXT_MAX_CHARS, NULL);
	page_rule_problem(rq, p, "consent", r.consent,
	    N_("Tick the box to say that we may publish your video. Without it we cannot take it."), 0, NULL);
}

/* The languages to choose from, with the one sent selected. */
static void
language_choices(const request_t *rq, tvars_t *v)
{
	char sel[4] = "";
	sv_t chosen = page_field(rq, "language");
	if (rq->method == HTTP_POST && chosen.len < sizeof(sel)) {
		memcpy(sel, chosen.p, chosen.len);
		sel[chosen.len] = '\0';
	}
	page_language_options(v, "languages", sel, true);
}

static appeal_form_t
appeal_form_of(const request_t *rq)
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
		language_choices(rq, v);
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
	appeal_form_t f = appeal_form_of(rq);
	rq->work_status = appeal_submit(rq->app, rq->lang, NULL, &f, rq->upload, id, receipt);
	if (rq->work_status == INTAKE_OK)
		memcpy(rq->scratch, receipt, sizeof(receipt));
	sodium_memzero(receipt, sizeof(receipt));
}

static void
appeal_receipt(request_t *rq, response_t *rs)
{
	char shown[PAGE_RECEIPT_SHOWN];
	page_receipt_grouped(rq->scratch, shown);
	tvars_t *v = appeal_vars(rq);
	if (v) {
		tvars_set_cstr(v, "receipt", shown);
		tvars_set_cstr(v, "sent", "1");
	}
	sodium_memzero(shown, sizeof(shown));
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
			appeal_form_page(rq, rs, NULL, msg_full, 503);
			return;
		}
		page_problems_t p = { .n = 0 };
		appeal_form_t f = appeal_form_of(rq);
		appeal_problems(rq, &f, &p);
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
		appeal_form_page(rq, rs, NULL, msg_full, 503);
		return;
	case INTAKE_CLOSED:
		appeal_form_page(rq, rs, NULL, NULL, 503);
		return;
	default:
		appeal_form_page(rq, rs, NULL, msg_failed, 500);
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
			tvars_set_cstr(v, "state", state_name(rq, as.state));
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
	page_hour(a->published_hour, when);
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
	if (v)
		public_vars(rq, v, &a);
	page_render(rq, rs, "appeal_public", N_("Video appeal"), v);
}

/* ---- editors ---- */

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
page_staff_appeals(request_t *rq, response_t *rs)
{
	appeal_row_t rows[APPEALS_PAGE];
	size_t n = 0, total = 0, counts[6];
	char q[8], hex[33], when[32];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (rq->method == HTTP_POST) {
		/* giving the editors' key: an explicit approval by an editor who holds it */
		uint8_t id[16];
		if (page_id_from_hex(page_field(rq, "account"), id) != 0 ||
		    staff_group_grant(rq->app, s, "editors", id) != STAFF_OK) {
			rs->status = 404;
			return;
		}
		page_staff_redirect(rq, rs, "/staff/appeals?granted=1");
		return;
	}
	int state = -1;
	if (http_query(rq, "state", q, sizeof(q)) == 0 && q[0] >= '0' && q[0] <= '5' && q[1] == '\0')
		state = q[0] - '0';
	uint64_t page = page_number(rq, 100000);
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	roster_key_t key;
	if (roster_group_key(rq->app, s, "editors", &key, key_member, v) != STAFF_OK) {
		tvars_free(v);
		rs->status = 404;   /* not an editor */
		return;
	}
	if (!key.exists)
		tvars_set_cstr(v, "no_key", "1");
	else if (!key.viewer_holds)
		tvars_set_cstr(v, "not_holder", "1");
	else
		tvars_set_cstr(v, "holder", "1");
	if (key.viewer_holds) {
		intake_status_t st = appeals_list(rq->app, s, state, (size_t)(page - 1) * APPEALS_PAGE, rows, &n, &total, counts);
		if (st != INTAKE_OK) {
			tvars_free(v);
			rs->status = 500;
			return;
		}
		for (int i = 0; i < 6; i++) {
			tvars_t *it = tvars_add_item(v, "states");
			if (!it)
				break;
			tvars_setf(it, "href", "/%s/staff/appeals?state=%d", lang_code(rq->lang), i);
			tvars_set_cstr(it, "name", state_name(rq, i));
			tvars_setf(it, "count", "%zu", counts[i]);
			if (i == state)
				tvars_set_cstr(it, "current", "1");
		}
		for (size_t i = 0; i < n; i++) {
			tvars_t *it = tvars_add_item(v, "appeals");
			if (!it)
				break;
			sodium_bin2hex(hex, sizeof(hex), rows[i].id, 16);
			tvars_setf(it, "href", "/%s/staff/appeals/%s", lang_code(rq->lang), hex);
			tvars_set_cstr(it, "state", state_name(rq, rows[i].state));
			tvars_set_cstr(it, "language", rows[i].language);
			page_hour(rows[i].created_hour, when);
			tvars_set_cstr(it, "when", when);
			if (rows[i].mine_to_publish)
				tvars_set_cstr(it, "to_publish", "1");
		}
		char path[64];
		snprintf_cut(path, sizeof(path), "/staff/appeals");
		page_nav_vars(rq, v, path, NULL, page, page * APPEALS_PAGE < total);
		char err[APPEALS_PROBLEM_BYTES];
		appeals_media_problem(err);
		if (err[0])
			tvars_set_cstr(v, "media_problem", err);
	}
	tvars_setf(v, "new_href", "/%s/staff/appeals/new", lang_code(rq->lang));
	tvars_setf(v, "grant_action", "/%s/staff/appeals", lang_code(rq->lang));
	if (http_query(rq, "granted", q, sizeof(q)) == 0)
		tvars_set_cstr(v, "notice", i18n(rq->lang, N_("She now holds the editors' key.")));
	else if (http_query(rq, "done", q, sizeof(q)) == 0)
		tvars_set_cstr(v, "notice", i18n(rq->lang, N_("The appeal was withdrawn: its files are deleted.")));
	page_render(rq, rs, "staff_appeals", N_("Video appeals"), v);
}

static void
staff_appeal_page(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], const char *notice, int status)
{
	appeal_view_t av;
	char hex[33], when[32];
	intake_status_t st = appeal_view(rq->app, s, id, &av);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		const char *l = lang_code(rq->lang);
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		tvars_set_cstr(v, "state", state_name(rq, av.row.state));
		tvars_set_cstr(v, "language", av.row.language);
		page_hour(av.row.created_hour, when);
		tvars_set_cstr(v, "when", when);
		tvars_set(v, "shown_name", buf_sv(&av.shown_name));
		tvars_set(v, "text", buf_sv(&av.text));
		tvars_set(v, "consent", buf_sv(&av.consent));
		if (av.registered_by[0])
			tvars_set_cstr(v, "registered_by", av.registered_by);
		if (av.approved_by[0])
			tvars_set_cstr(v, "approved_by", av.approved_by);
		if (av.published_by[0])
			tvars_set_cstr(v, "published_by", av.published_by);
		if (av.row.refusal[0])
			tvars_set_cstr(v, "refusal", i18n(rq->lang, av.row.refusal));
		if (av.has_clean) {
			tvars_setf(v, "video_href", "/%s/staff/appeals/%s/video", l, hex);
			tvars_setf(v, "poster_href", "/%s/staff/appeals/%s/poster", l, hex);
			tvars_setf(v, "size", "%u×%u, %u:%02u", av.row.width, av.row.height, av.row.duration / 60,
			    av.row.duration % 60);
		}
		if (av.row.state == STORE_APPEAL_REVIEW && !av.row.approved)
			tvars_setf(v, "approve_action", "/%s/staff/appeals/%s/approve", l, hex);
		if (av.row.mine_to_publish)
			tvars_setf(v, "publish_action", "/%s/staff/appeals/%s/publish", l, hex);
		if (av.row.state == STORE_APPEAL_REVIEW && av.approved_by_me)
			tvars_set_cstr(v, "wait_second", "1");
		if (av.has_original && (av.row.state == STORE_APPEAL_WAITING || av.row.state == STORE_APPEAL_REFUSED))
			tvars_setf(v, "reclean_action", "/%s/staff/appeals/%s/reclean", l, hex);
		if (av.row.state != STORE_APPEAL_WITHDRAWN)
			tvars_setf(v, "withdraw_action", "/%s/staff/appeals/%s/withdraw", l, hex);
		if (av.slug[0])
			tvars_setf(v, "public_href", "/%s/appeals/%s", l, av.slug);
		tvars_setf(v, "back_href", "/%s/staff/appeals", l);
		if (notice)
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
	}
	appeal_view_free(&av);
	page_render(rq, rs, "staff_appeal", N_("Video appeal"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

void
page_staff_appeal(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char q[8];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	const char *notice = NULL;
	if (http_query(rq, "done", q, sizeof(q)) == 0)
		notice = strcmp(q, "approve") == 0 ? N_("You approved it. Another editor can now publish it.")
		    : strcmp(q, "publish") == 0    ? N_("It is published: it is on the gallery now.")
		    : strcmp(q, "reclean") == 0    ? N_("It is being cleaned again.")
		                                   : NULL;
	staff_appeal_page(rq, rs, s, id, notice, 0);
}

/* The editors' actions, by the letter the page keeps in rq->scratch while the work runs:
 * publishing decrypts and writes whole videos, a withdrawal shreds: never on the thread
 * that answers requests. */
static intake_status_t (*const appeal_actions[])(const app_t *, const staff_t *, const uint8_t *) = {
	['a'] = appeal_approve, ['p'] = appeal_publish, ['w'] = appeal_withdraw, ['r'] = appeal_reclean,
};

static void
appeal_action_work(request_t *rq)
{
	uint8_t id[16];
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	unsigned char which = (unsigned char)rq->scratch[0];
	rq->work_status = s && which < sizeof(appeal_actions) / sizeof(appeal_actions[0]) && appeal_actions[which] &&
	        page_id_param(rq, id) == 0 ?
	    appeal_actions[which](rq->app, s, id) :
	    INTAKE_NOT_FOUND;
}

/* One editor's action on one appeal, then back to its page with what happened. */
static void
appeal_action(request_t *rq, response_t *rs, char which, const char *done, const char *invalid)
{
	uint8_t id[16];
	char hex[33];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (!rq->work_done) {
		rq->scratch[0] = which;
		http_defer(rq, appeal_action_work, WORK_STAFF_SESSION);
		return;
	}
	intake_status_t st = (intake_status_t)rq->work_status;
	if (st == INTAKE_OK) {
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		if (which == 'w')
			http_redirectf(rs, 303, "/%s/staff/appeals?done=1", lang_code(rq->lang));
		else
			http_redirectf(rs, 303, "/%s/staff/appeals/%s?done=%s", lang_code(rq->lang), hex, done);
	} else if (st == INTAKE_INVALID) {
		staff_appeal_page(rq, rs, s, id, invalid, 409);
	} else {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
	}
}

void
page_staff_appeal_approve(request_t *rq, response_t *rs)
{
	appeal_action(rq, rs, 'a', "approve", N_("It cannot be approved now: it is not waiting for review, or it is approved already."));
}

void
page_staff_appeal_publish(request_t *rq, response_t *rs)
{
	appeal_action(rq, rs, 'p', "publish",
	    N_("It cannot be published now. Publishing needs a second editor: the one who approved it cannot publish it."));
}

void
page_staff_appeal_withdraw(request_t *rq, response_t *rs)
{
	if (!sv_eq(page_field(rq, "confirm"), SV("yes"))) {
		uint8_t id[16];
		const staff_t *s = page_need_staff(rq, rs);
		if (s && page_id_param(rq, id) == 0)
			staff_appeal_page(rq, rs, s, id, N_("Tick the box to confirm the withdrawal. It cannot be undone."), 400);
		else if (s)
			rs->status = 404;
		return;
	}
	appeal_action(rq, rs, 'w', "withdraw", NULL);
}

void
page_staff_appeal_reclean(request_t *rq, response_t *rs)
{
	appeal_action(rq, rs, 'r', "reclean", N_("It cannot be cleaned again: its original file is gone."));
}

static void
appeal_media(request_t *rq, response_t *rs, int which)
{
	uint8_t id[16];
	case_file_out_t f;
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	intake_status_t st = appeal_file(rq->app, s, id, which, &f);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : st == INTAKE_BUSY ? 503 : 500;
		return;
	}
	/* sava's own output, checked before it was kept: shown, never sniffed */
	page_inline(rs, &f, which == 0 ? "video/mp4" : "image/jpeg");
}

void
page_staff_appeal_video(request_t *rq, response_t *rs)
{
	appeal_media(rq, rs, 0);
}

void
page_staff_appeal_poster(request_t *rq, response_t *rs)
{
	appeal_media(rq, rs, 1);
}

/* ---- an editor registers an appeal ---- */

static void
appeal_new_page(request_t *rq, response_t *rs, const page_problems_t *p, const char *notice, int status)
{
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		tvars_setf(v, "action", "/%s/staff/appeals/new", lang_code(rq->lang));
		tvars_setf(v, "max_mb", "%u", rq->app->config.appeal_max_mb);
		tvars_setf(v, "back_href", "/%s/staff/appeals", lang_code(rq->lang));
		language_choices(rq, v);
		if (rq->method == HTTP_POST) {
			tvars_set(v, "shown_name", page_field(rq, "shown_name"));
			tvars_set(v, "text", page_field(rq, "text"));
		}
	}
	page_form_render(rq, rs, "staff_appeal_new", N_("Register a video appeal"), v, p, notice, status);
}

static void
appeal_new_work(request_t *rq)
{
	char receipt[RECEIPT_DIGITS_MAX + 1];
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	appeal_form_t f = appeal_form_of(rq);
	f.consent = SV("yes");   /* an editor registers what was published or given with consent */
	rq->work_status = s ? appeal_submit(rq->app, rq->lang, s, &f, rq->upload, (uint8_t *)rq->scratch, receipt)
	                    : INTAKE_NOT_FOUND;
	sodium_memzero(receipt, sizeof(receipt));
}

void
page_staff_appeal_new(request_t *rq, response_t *rs)
{
	char hex[33];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!appeals_allowed(rq->app, s)) {
		rs->status = 404;
		return;
	}
	if (rq->method != HTTP_POST) {
		appeal_new_page(rq, rs, NULL, NULL, 0);
		return;
	}
	if (!rq->work_done) {
		page_problems_t p = { .n = 0 };
		appeal_form_t f = appeal_form_of(rq);
		f.consent = SV("yes");
		if (upload_refused(rq->upload)) {
			appeal_new_page(rq, rs, NULL, msg_full, 503);
			return;
		}
		appeal_problems(rq, &f, &p);
		if (p.n) {
			appeal_new_page(rq, rs, &p, NULL, 400);
			return;
		}
		http_defer(rq, appeal_new_work, WORK_STAFF_SESSION);
		return;
	}
	if (rq->work_status == INTAKE_OK) {
		sodium_bin2hex(hex, sizeof(hex), (const uint8_t *)rq->scratch, 16);
		http_redirectf(rs, 303, "/%s/staff/appeals/%s", lang_code(rq->lang), hex);
		return;
	}
	appeal_new_page(rq, rs, NULL, rq->work_status == INTAKE_FULL ? msg_full : msg_failed,
	    rq->work_status == INTAKE_FULL ? 503 : 500);
}
