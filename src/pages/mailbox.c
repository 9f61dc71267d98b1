/* mailbox: the requester's mailbox: the receipt form that opens it, his conversation and
 * reply, leaving it, and his files. The receipt arrives only in a POST body and is never
 * logged; every response is no-store. When the mailbox has closed while he wrote, his
 * words come back to him beside the receipt field, in this answer's body only (never kept
 * on the server), and are sent as the mailbox opens again. Nothing here needs JavaScript. */
#include <stdio.h>
#include <string.h>

#include "domain/drop.h"
#include "pages/pages.h"
#include "parse/receipt.h"

static const char *const msg_full_reply =
    N_("We cannot take messages right now. Nothing was sent. Your text is below: copy it, and try again later.");
static const char *const msg_full_files = N_("Files are not kept: choose them again when you try again.");
static const char *const msg_sent = N_("Sent. The answer will appear here, usually within two days.");

/* mailbox_work's answer: the opening's status, and the kept reply's (+1; 0 when none). */
#define MB_OPEN(ws) ((ws) & 0xff)
#define MB_REPLY(ws) (((ws) >> 8) & 0xff)

static tvars_t *
mailbox_vars(request_t *rq)
{
	tvars_t *v = page_form_vars(rq);
	if (!v)
		return NULL;
	const char *l = lang_code(rq->lang);
	char idle[48], leave[600];
	tvars_setf(v, "action", "/%s/mailbox", l);
	tvars_setf(v, "help_href", "/%s/help", l);
	tvars_setf(v, "guide_href", "/%s/guide", l);
	tvars_setf(v, "reply_action", "/%s/mailbox/reply", l);
	tvars_setf(v, "leave_action", "/%s/mailbox/leave", l);
	tvars_setf(v, "max_files", "%u", rq->app->config.max_files);
	tvars_setf(v, "max_mb", "%u", rq->app->config.max_file_mb);
	if (rq->app->config.max_files > 0)
		tvars_set_cstr(v, "files_allowed", "1");
	page_count_text(rq->lang, NN_("%u minute", "%u minutes"), rq->app->config.mailbox_idle_min, idle, sizeof(idle));
	page_fill_n(i18n(rq->lang, N_("Leave the mailbox so that nobody can open it from this browser. It also closes by itself after {N} without activity.")),
	    idle, leave, sizeof(leave));
	tvars_set_cstr(v, "leave_text", leave);
	return v;
}

/* The receipt form: error is a msgid, notice a sentence already in the page's language.
 * What he typed (the receipt, and a reply the closed mailbox could not take) comes back in
 * its field. */
static void
mailbox_form_typed(request_t *rq, response_t *rs, const char *error, const char *notice, sv_t typed)
{
	tvars_t *v = mailbox_vars(rq);
	if (v) {
		if (error)
			tvars_set_cstr(v, "error", i18n(rq->lang, error));
		if (notice)
			tvars_set_cstr(v, "notice", notice);
		if (typed.len)
			tvars_set(v, "receipt", typed);
		sv_t kept = page_field(rq, "message");
		if (kept.len) {
			tvars_set_cstr(v, "kept", "1");
			tvars_set(v, "message", kept);
		}
		if (upload_discarded(rq->upload) || upload_count(rq->upload) > 0)
			tvars_set_cstr(v, "files_dropped", "1");
	}
	page_render(rq, rs, "mailbox", N_("Open your mailbox"), v);
}

static void
mailbox_form(request_t *rq, response_t *rs, const char *error, const char *notice)
{
	mailbox_form_typed(rq, rs, error, notice ? i18n(rq->lang, notice) : NULL, SV(""));
}

/* No mailbox session: it closed (by its idle limit, or he left it), or this browser never
 * had one. His reply, if he wrote one, is on the page with the receipt field. */
static void
mailbox_closed(request_t *rq, response_t *rs)
{
	char idle[48], notice[600];
	page_count_text(rq->lang, NN_("%u minute", "%u minutes"), rq->app->config.mailbox_idle_min, idle, sizeof(idle));
	page_fill_n(i18n(rq->lang, page_field(rq, "message").len
	                 ? N_("Your mailbox had closed, so your message was not sent. A mailbox closes after {N} without activity, or when you leave it. Your message is below: enter your receipt, and it is sent as the mailbox opens.")
	                 : N_("Your mailbox is closed. A mailbox closes after {N} without activity, or when you leave it. Enter your receipt to open it again.")),
	    idle, notice, sizeof(notice));
	mailbox_form_typed(rq, rs, NULL, notice, SV(""));
}

/* Refused by the limit on receipts: when to try again, in seconds, in the page and in
 * Retry-After, and the receipt he typed kept. The page rounds up to five seconds: "5, 10,
 * 15 ... seconds" take the same word form in be and ru, so one sentence fits them all. */
static void
mailbox_refused(request_t *rq, response_t *rs)
{
	char notice[400], n[16];
	unsigned wait = mailbox_wait_s(rq->app), shown = (wait + 4) / 5 * 5;
	if (shown < 5)
		shown = 5;
	snprintf_cut(n, sizeof(n), "%u", shown);
	page_fill_n(i18n(rq->lang, N_("Too many attempts right now. Try again in about {N} seconds.")), n, notice, sizeof(notice));
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
	rq->exit_leaves = true;
	tvars_t *v = mailbox_vars(rq);
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
		if (notice && page_field(rq, "message").len)
			tvars_set_cstr(v, "kept_text", "1");   /* shown even where no form is */
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

/* Opens the mailbox (Argon2id) and, when he brought a reply the closed mailbox could not
 * take, sends it with the new session. */
static void
mailbox_work(request_t *rq)
{
	char cookie[SESS_COOKIE_CHARS + 1];
	size_t n = strnlen(rq->scratch, RECEIPT_DIGITS_MAX);
	int open = mailbox_open(rq->app, rq->scratch, n, cookie), reply = 0;
	sodium_memzero(rq->scratch, sizeof(rq->scratch));
	sv_t kept = page_field(rq, "message");
	if (open == INTAKE_OK && kept.len) {
		mailbox_t mb;
		int st = mailbox_session(rq->app, (sv_t){ cookie, strnlen(cookie, SESS_COOKIE_CHARS) }, &mb);
		reply = 1 + (int)(st == INTAKE_OK ? mailbox_reply(rq->app, &mb, kept, NULL) : (intake_status_t)st);
		sodium_memzero(&mb, sizeof(mb));
	}
	rq->work_status = (open & 0xff) | (reply & 0xff) << 8;
	if (open == INTAKE_OK)
		memcpy(rq->scratch, cookie, sizeof(cookie));
	sodium_memzero(cookie, sizeof(cookie));
}

static void
mailbox_redirect(request_t *rq, response_t *rs, bool sent)
{
	http_redirectf(rs, 303, "/%s/mailbox%s", lang_code(rq->lang), sent ? "?sent=1" : "");
}

/* The receipt opened the mailbox: its cookie set, and the kept reply's fate said. */
static void
mailbox_opened(request_t *rq, response_t *rs, int reply)
{
	mailbox_t mb;
	sv_t cookie = sv_from_cstr(rq->scratch);
	int set = http_cookie_set(rq, rs, HTTP_COOKIE_MAILBOX, cookie, HTTP_COOKIE_SESSION);
	if (set != 0) {
		sodium_memzero(rq->scratch, sizeof(rq->scratch));
		rs->status = 500;
		return;
	}
	if (reply == 0 || reply - 1 == INTAKE_OK) {
		sodium_memzero(rq->scratch, sizeof(rq->scratch));
		mailbox_redirect(rq, rs, reply != 0);
		return;
	}
	/* the reply was refused: the mailbox, open, with his words in its form */
	int st = mailbox_session(rq->app, cookie, &mb);
	sodium_memzero(rq->scratch, sizeof(rq->scratch));
	if (st != INTAKE_OK) {
		rs->status = 500;
		return;
	}
	mailbox_notice(rq, rs, &mb,
	    reply - 1 == INTAKE_OVERLOADED ? N_("You have sent many messages. Please wait for an answer before you write again.")
	    : reply - 1 == INTAKE_FULL     ? msg_full_reply
	                                   : N_("Your message could not be sent. It is below: try again."),
	    503);
	sodium_memzero(&mb, sizeof(mb));
}

void
page_mailbox(request_t *rq, response_t *rs)
{
	const mailbox_t *m;
	if (rq->method != HTTP_POST) {
		int have = page_mailbox_session(rq, &m);
		if (have > 0 && sv_eq(rq->query, SV("sent=1")))
			page_banner(rq, msg_sent);
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
		page_problems_t p = { .n = 0 };
		if (page_field(rq, "message").len)
			page_check_message(rq, false, &p);
		if (n == 0 || p.n) {
			sodium_memzero(rq->scratch, sizeof(rq->scratch));
			mailbox_form(rq, rs, n == 0 ? (rq->app->config.receipt_digits == 20
			        ? N_("A receipt has 20 digits, like 1234 5678 9012 3456 7890. Check it and try again.")
			        : N_("A receipt has 16 digits, like 1234 5678 9012 3456. Check it and try again."))
			                            : NULL,
			    p.n ? p.items[0].text : NULL);
			if (rs->status == 0)
				rs->status = 400;
			return;
		}
		http_defer(rq, mailbox_work, WORK_MAILBOX_OPEN);
		return;
	}
	switch ((intake_status_t)MB_OPEN(rq->work_status)) {
	case INTAKE_OK:
		mailbox_opened(rq, rs, MB_REPLY(rq->work_status));
		return;
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
				mailbox_closed(rq, rs);
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
	if (rq->work_status == INTAKE_OK) {
		mailbox_redirect(rq, rs, true);
	} else if (rq->work_status == INTAKE_NOT_FOUND && page_mailbox_session(rq, &m) > 0) {
		/* the request was closed while he wrote (or is a drop's, for the offline side) */
		mailbox_notice(rq, rs, m, N_("This mailbox does not take messages any more, so yours was not sent. Your text is below, to copy."), 409);
	} else if (rq->work_status == INTAKE_NOT_FOUND) {
		mailbox_closed(rq, rs);   /* it closed while the reply was on its way */
	} else if (rq->work_status == INTAKE_OVERLOADED && page_mailbox_session(rq, &m) > 0) {
		mailbox_notice(rq, rs, m, N_("You have sent many messages. Please wait for an answer before you write again."), 503);
	} else if (rq->work_status == INTAKE_FULL && page_mailbox_session(rq, &m) > 0) {
		mailbox_notice(rq, rs, m, msg_full_reply, 503);
	} else {
		rs->status = 500;
	}
}

/* Leaving: the session deleted, the browser told to forget this site's data, and a page
 * that says it is closed and what else to do (the tab, Tor Browser's "New Identity"). */
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
	if (sv_eq(page_field(rq, "exit"), SV("1"))) {   /* "Exit this page": straight to the neutral site */
		http_redirect(rs, 303, rq->app->config.exit_url);
		return;
	}
	page_render(rq, rs, "mailbox_left", N_("You have left your mailbox"), mailbox_vars(rq));
}

void
page_mailbox_file(request_t *rq, response_t *rs)
{
	const mailbox_t *m;
	uint8_t aid[16];
	case_file_out_t f;
	int have = page_mailbox_session(rq, &m);
	if (have == 0) {   /* the mailbox closed: how to open it again, not a bare 404 */
		mailbox_closed(rq, rs);
		return;
	}
	if (have < 0 || page_id_param(rq, aid) != 0) {
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
