/* help: the front door for requesters: the help form, the receipt, and the mailbox. The
 * receipt arrives only in a POST body and is never logged; every response is no-store.
 * Nothing here needs JavaScript. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "domain/drop.h"
#include "pages/pages.h"
#include "parse/receipt.h"


/* The disk is full (or, for files, nearly): nothing was stored, and the form gives back
 * what was typed (never files, which a browser cannot be given back). */
static const char *const msg_full_help =
    N_("We cannot take requests right now. Nothing was sent. Your text is below: copy it, and try again later.");
static const char *const msg_full_reply =
    N_("We cannot take messages right now. Nothing was sent. Your text is below: copy it, and try again later.");
static const char *const msg_full_files = N_("Files are not kept: choose them again when you try again.");

/* Labels of the form's lists, in the order of intake_writers, intake_situations and
 * intake_regions. They speak of "him" without a pronoun where they can, so that the man
 * himself and his mother, wife or friend can each answer them. */
static const char *const writer_labels[] = {
	N_("I am writing about myself"), N_("I am writing for someone close to me: a son, husband, brother or friend"),
};
const char *const page_writer_labels[] = { N_("the man himself"), N_("someone close to him"), NULL };
static const char *const situation_labels[] = {
	N_("A call-up notice came"), N_("Already in a unit"), N_("Sent to the border or abroad"),
	N_("Has left, and needs help"), N_("Something else"),
};
const char *const page_region_labels[] = {
	N_("Brest region"), N_("Vitebsk region"), N_("Gomel region"), N_("Grodno region"), N_("Minsk region"),
	N_("Mogilev region"), N_("Minsk (the city)"), N_("In the army, in a unit"), N_("Outside Belarus"),
	N_("I prefer not to say"),
	/* an earlier list's (intake.h): shown on staff pages only, never offered */
	N_("Central Russia"), N_("North-West"), N_("South"), N_("North Caucasus"), N_("Volga"), N_("Urals"),
	N_("Siberia"), N_("Far East"), N_("Moscow"), N_("St Petersburg"), NULL,
};

/* The first n choices of a list as items of v: value, label, an id (the field's name for
 * the first, which the error summary links to; NAME-i for the others), selected. */
static void
choices(const request_t *rq, tvars_t *v, const char *list, const char *const *values, const char *const *labels,
    size_t n, sv_t selected)
{
	for (size_t i = 0; i < n && values[i]; i++) {
		tvars_t *it = tvars_add_item(v, list);
		if (!it)
			return;
		if (i == 0)
			tvars_set_cstr(it, "id", list);
		else
			tvars_setf(it, "id", "%s-%zu", list, i);
		tvars_set_cstr(it, "value", values[i]);
		tvars_set_cstr(it, "label", i18n(rq->lang, labels[i]));
		if (sv_eq(selected, sv_from_cstr(values[i])))
			tvars_set_cstr(it, "selected", "1");
	}
}

static tvars_t *
help_vars(request_t *rq)
{
	tvars_t *v = page_form_vars(rq);
	if (!v)
		return NULL;
	const char *l = lang_code(rq->lang);
	tvars_setf(v, "action", "/%s/help", l);
	tvars_setf(v, "mailbox_href", "/%s/mailbox", l);
	tvars_setf(v, "guide_href", "/%s/guide", l);
	tvars_setf(v, "help_href", "/%s/help", l);
	tvars_setf(v, "reply_action", "/%s/mailbox/reply", l);
	tvars_setf(v, "leave_action", "/%s/mailbox/leave", l);
	tvars_setf(v, "max_files", "%u", rq->app->config.max_files);
	tvars_setf(v, "max_mb", "%u", rq->app->config.max_file_mb);
	tvars_setf(v, "message_max", "%u", rq->app->config.message_max);
	if (rq->app->config.max_files > 0)
		tvars_set_cstr(v, "files_allowed", "1");
	return v;
}

/* The form, empty or with what was sent and its problems. */
static void
help_form(request_t *rq, response_t *rs, const page_problems_t *p, const char *notice, int status)
{
	tvars_t *v = help_vars(rq);
	bool post = rq->method == HTTP_POST;
	if (v) {
		tvars_set_cstr(v, "open", "1");
		if (post) {
			tvars_set(v, "message", page_field(rq, "message"));
			tvars_set(v, "contact", page_field(rq, "contact"));
		}
		choices(rq, v, "writer", intake_writers, writer_labels, SIZE_MAX, post ? page_field(rq, "writer") : SV(""));
		choices(rq, v, "situation", intake_situations, situation_labels, SIZE_MAX,
		    post ? page_field(rq, "situation") : SV(""));
		choices(rq, v, "region", intake_regions, page_region_labels, intake_regions_offered,
		    post ? page_field(rq, "region") : SV(""));
		if (p)
			page_problems_vars(rq, v, p);
		if (notice && upload_refused(rq->upload))
			tvars_setf(v, "notice", "%s %s", i18n(rq->lang, notice), i18n(rq->lang, msg_full_files));
		else if (notice)
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
	}
	page_render(rq, rs, "help", N_("Ask for help"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

/* Until a triage key exists nobody could read a request: the page says so and takes nothing. */
static void
help_closed(request_t *rq, response_t *rs, int status)
{
	page_render(rq, rs, "help", N_("Ask for help"), help_vars(rq));
	if (status && rs->status == 0)
		rs->status = status;
}

static void
help_work(request_t *rq)
{
	char receipt[RECEIPT_DIGITS_MAX + 1];
	intake_form_t f = {
		page_field(rq, "message"), page_field(rq, "situation"), page_field(rq, "region"), page_field(rq, "contact"),
		page_field(rq, "writer"),
	};
	rq->work_status = intake_submit(rq->app, rq->lang, &f, rq->upload, receipt);
	if (rq->work_status == INTAKE_OK)
		memcpy(rq->scratch, receipt, sizeof(receipt));
	sodium_memzero(receipt, sizeof(receipt));
}

static void
receipt_page(request_t *rq, response_t *rs)
{
	char shown[PAGE_RECEIPT_SHOWN];
	page_receipt_grouped(rq->scratch, shown);
	tvars_t *v = help_vars(rq);
	if (v)
		tvars_set_cstr(v, "receipt", shown);
	sodium_memzero(shown, sizeof(shown));
	sodium_memzero(rq->scratch, sizeof(rq->scratch));
	page_render(rq, rs, "receipt", N_("Your request has been received"), v);
}

void
page_help(request_t *rq, response_t *rs)
{
	if (rq->method != HTTP_POST) {
		if (intake_open(rq->app))
			help_form(rq, rs, NULL, NULL, 0);
		else
			help_closed(rq, rs, 0);
		return;
	}
	if (!rq->work_done) {
		if (!intake_open(rq->app)) {
			help_closed(rq, rs, 503);
			return;
		}
		if (upload_refused(rq->upload)) {
			help_form(rq, rs, NULL, msg_full_help, 503);
			return;
		}
		page_problems_t p = { .n = 0 };
		intake_rules_t r;
		page_check_message(rq, true, &p);
		(void)intake_rules(rq->app, &(intake_form_t){ page_field(rq, "message"), page_field(rq, "situation"),
		                                 page_field(rq, "region"), page_field(rq, "contact"), page_field(rq, "writer") },
		    upload_count(rq->upload), &r);
		page_rule_problem(rq, &p, "writer", r.writer, NULL, 0, NULL);
		page_rule_problem(rq, &p, "situation", r.situation, NULL, 0, &p.situation);
		page_rule_problem(rq, &p, "region", r.region, NULL, 0, &p.region);
		page_rule_problem(rq, &p, "contact", r.contact, NULL, RULE_CONTACT_MAX_CHARS, &p.contact);
		if (p.n) {
			help_form(rq, rs, &p, NULL, 400);
			return;
		}
		http_defer(rq, help_work, WORK_HELP_REQUEST);
		return;
	}
	switch ((intake_status_t)rq->work_status) {
	case INTAKE_OK:
		receipt_page(rq, rs);
		return;
	case INTAKE_CLOSED:
		help_closed(rq, rs, 503);
		return;
	case INTAKE_OVERLOADED:
		help_form(rq, rs, NULL,
		    N_("We are overloaded right now, and your request was not saved. Please try again in a few minutes. Nothing you wrote has been stored."),
		    503);
		return;
	case INTAKE_BUSY:
		help_form(rq, rs, NULL,
		    N_("The service is busy, and your request was not saved. Please try again in a minute. Nothing you wrote has been stored."),
		    503);
		return;
	case INTAKE_FULL:
		help_form(rq, rs, NULL, msg_full_help, 503);
		return;
	default:
		help_form(rq, rs, NULL,
		    N_("Something went wrong on our side, and your request was not saved. Please try again later. Nothing you wrote has been stored."),
		    500);
		return;
	}
}

/* ---- the mailbox ---- */

/* The receipt form: error is a msgid, notice a sentence already in the page's language.
 * typed (the receipt as he typed it) is given back in its field, in this answer's body only
 * (no-store, wiped once sent; never in a URL, a cookie or the log). */
static void
mailbox_form_typed(request_t *rq, response_t *rs, const char *error, const char *notice, sv_t typed)
{
	tvars_t *v = help_vars(rq);
	if (v) {
		tvars_setf(v, "action", "/%s/mailbox", lang_code(rq->lang));
		if (error)
			tvars_set_cstr(v, "error", i18n(rq->lang, error));
		if (notice)
			tvars_set_cstr(v, "notice", notice);
		if (typed.len)
			tvars_set(v, "receipt", typed);
	}
	page_render(rq, rs, "mailbox", N_("Open your mailbox"), v);
}

static void
mailbox_form(request_t *rq, response_t *rs, const char *error, const char *notice)
{
	mailbox_form_typed(rq, rs, error, notice ? i18n(rq->lang, notice) : NULL, SV(""));
}

/* Refused by the limit on receipts: when to try again, in seconds, in the page and in
 * Retry-After, and the receipt he typed kept. The page rounds up to five seconds: "5, 10,
 * 15 ... seconds" take the same word form in be and ru, so one sentence fits them all. */
static void
mailbox_refused(request_t *rq, response_t *rs)
{
	char notice[400];
	unsigned wait = mailbox_wait_s(rq->app), shown = (wait + 4) / 5 * 5;
	const char *msg = i18n(rq->lang, N_("Too many attempts right now. Try again in about {N} seconds."));
	const char *at = strstr(msg, "{N}");
	if (shown < 5)
		shown = 5;
	if (at)
		snprintf_cut(notice, sizeof(notice), "%.*s%u%s", (int)(at - msg), msg, shown, at + 3);
	else
		snprintf_cut(notice, sizeof(notice), "%s", msg);
	mailbox_form_typed(rq, rs, NULL, notice, page_field(rq, "receipt"));
	rs->retry_after = wait ? wait : 1;
	if (rs->status == 0)
		rs->status = 503;
}

static void
mailbox_render(request_t *rq, response_t *rs, const mailbox_t *m, const page_problems_t *p, const char *notice,
    int status)
{
	case_view_t cv;
	char prefix[32];
	intake_status_t st = INTAKE_ERROR;
	if (!snprintf_ok(prefix, sizeof(prefix), "/%s/mailbox/file/", lang_code(rq->lang)) ||
	    (st = mailbox_view(rq->app, m, &cv)) != INTAKE_OK) {
		if (st == INTAKE_INVALID)   /* a video appeal's receipt: its own page */
			http_redirectf(rs, 303, "/%s/appeal/status", lang_code(rq->lang));
		else
			rs->status = 500;
		return;
	}
	tvars_t *v = help_vars(rq);
	if (v) {
		page_view_vars(rq, v, &cv, prefix, false);
		if (drop_mailbox_offline(rq->app, m))
			tvars_set_cstr(v, "drop_offline", "1");
		if (p) {
			page_problems_vars(rq, v, p);
			tvars_set(v, "message", page_field(rq, "message"));
		}
		if (notice && upload_refused(rq->upload))
			tvars_setf(v, "notice", "%s %s", i18n(rq->lang, notice), i18n(rq->lang, msg_full_files));
		else if (notice)
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
		if (notice)
			tvars_set(v, "message", page_field(rq, "message"));
	}
	case_view_free(&cv);
	page_render(rq, rs, "mailbox_view", N_("Your mailbox"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

static void
mailbox_page(request_t *rq, response_t *rs, const mailbox_t *m, const page_problems_t *p, int status)
{
	mailbox_render(rq, rs, m, p, NULL, status);
}

static void
mailbox_notice(request_t *rq, response_t *rs, const mailbox_t *m, const char *notice, int status)
{
	mailbox_render(rq, rs, m, NULL, notice, status);
}

static void
mailbox_work(request_t *rq)
{
	char cookie[SESS_COOKIE_CHARS + 1];
	size_t n = strnlen(rq->scratch, RECEIPT_DIGITS_MAX);
	rq->work_status = mailbox_open(rq->app, rq->scratch, n, cookie);
	sodium_memzero(rq->scratch, sizeof(rq->scratch));
	if (rq->work_status == INTAKE_OK)
		memcpy(rq->scratch, cookie, sizeof(cookie));
	sodium_memzero(cookie, sizeof(cookie));
}

static void
mailbox_redirect(request_t *rq, response_t *rs)
{
	http_redirectf(rs, 303, "/%s/mailbox", lang_code(rq->lang));
}

void
page_mailbox(request_t *rq, response_t *rs)
{
	const mailbox_t *m;
	if (rq->method != HTTP_POST) {
		int have = page_mailbox_session(rq, &m);
		if (have > 0)
			mailbox_page(rq, rs, m, NULL, 0);
		else if (have == 0)
			mailbox_form(rq, rs, NULL, NULL);
		else
			rs->status = 500;
		return;
	}
	if (!rq->work_done) {
		const sv_t *receipt = form_get(&rq->form, "receipt");
		size_t n = receipt ? receipt_parse(*receipt, rq->scratch) : 0;
		if (n == 0) {
			mailbox_form(rq, rs, rq->app->config.receipt_digits == 20
			        ? N_("A receipt has 20 digits, like 1234 5678 9012 3456 7890. Check it and try again.")
			        : N_("A receipt has 16 digits, like 1234 5678 9012 3456. Check it and try again."),
			    NULL);
			if (rs->status == 0)
				rs->status = 400;
			return;
		}
		http_defer(rq, mailbox_work, WORK_MAILBOX_OPEN);
		return;
	}
	switch ((intake_status_t)rq->work_status) {
	case INTAKE_OK: {
		int set = http_cookie_set(rq, rs, HTTP_COOKIE_MAILBOX, sv_from_cstr(rq->scratch), HTTP_COOKIE_SESSION);
		sodium_memzero(rq->scratch, sizeof(rq->scratch));
		if (set != 0)
			rs->status = 500;
		else
			mailbox_redirect(rq, rs);
		return;
	}
	case INTAKE_NOT_FOUND:
		/* The same page, whatever was wrong with the receipt. */
		mailbox_form(rq, rs, NULL,
		    N_("We could not open a mailbox with this receipt. Check the digits and try again. A request is deleted, with its mailbox, when it is closed or has had no activity for a long time."));
		return;
	case INTAKE_OVERLOADED:
		mailbox_refused(rq, rs);
		return;
	case INTAKE_BUSY:
		mailbox_form_typed(rq, rs, NULL,
		    i18n(rq->lang, N_("Too many people are opening mailboxes right now. Please wait a minute and try again.")),
		    page_field(rq, "receipt"));
		if (rs->status == 0)
			rs->status = 503;
		return;
	default:
		rs->status = 500;
		return;
	}
}

static void
reply_work(request_t *rq)
{
	const mailbox_t *m;
	int have = page_mailbox_session(rq, &m);
	rq->work_status = have > 0 ? mailbox_reply(rq->app, m, page_field(rq, "message"), rq->upload)
	                           : have == 0 ? INTAKE_NOT_FOUND : INTAKE_ERROR;
}

void
page_mailbox_reply(request_t *rq, response_t *rs)
{
	const mailbox_t *m;
	if (!rq->work_done) {
		int have = page_mailbox_session(rq, &m);
		if (have <= 0) {
			if (have < 0)
				rs->status = 500;
			else
				mailbox_redirect(rq, rs);
			return;
		}
		page_problems_t p = { .n = 0 };
		page_check_message(rq, false, &p);
		if (upload_refused(rq->upload))
			mailbox_notice(rq, rs, m, msg_full_reply, 503);
		else if (p.n)
			mailbox_page(rq, rs, m, &p, 400);
		else
			http_defer(rq, reply_work, WORK_MAILBOX_REPLY);
		return;
	}
	if (rq->work_status == INTAKE_OK || rq->work_status == INTAKE_NOT_FOUND) {
		mailbox_redirect(rq, rs);
	} else if (rq->work_status == INTAKE_OVERLOADED && page_mailbox_session(rq, &m) > 0) {
		mailbox_notice(rq, rs, m, N_("You have sent many messages. Please wait for an answer before you write again."), 503);
	} else if (rq->work_status == INTAKE_FULL && page_mailbox_session(rq, &m) > 0) {
		mailbox_notice(rq, rs, m, msg_full_reply, 503);
	} else {
		rs->status = 500;
	}
}

void
page_mailbox_leave(request_t *rq, response_t *rs)
{
	const mailbox_t *m;
	if (page_mailbox_session(rq, &m) > 0)
		mailbox_leave(rq->app, m);
	if (http_cookie_clear(rq, rs, HTTP_COOKIE_MAILBOX) != 0) {
		rs->status = 500;
		return;
	}
	rs->clear_site_data = true;
	mailbox_redirect(rq, rs);
}

void
page_mailbox_file(request_t *rq, response_t *rs)
{
	const mailbox_t *m;
	uint8_t aid[16];
	case_file_out_t f;
	int have = page_mailbox_session(rq, &m);
	if (have <= 0 || page_id_param(rq, aid) != 0) {
		rs->status = have < 0 ? 500 : 404;
		return;
	}
	intake_status_t st = mailbox_file(rq->app, m, aid, &f);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : st == INTAKE_BUSY ? 503 : 500;
		return;
	}
	page_download(rs, &f);
}
