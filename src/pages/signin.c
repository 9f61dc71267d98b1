/* signin: the ways into and out of a staff account: enrollment through an invitation,
 * login and logout, the list of her sessions (ending them all), passphrase change and
 * recovery; and the staff home a session starts at. Secrets typed here go to the domain
 * and are never echoed back, logged or kept. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/casework.h"
#include "domain/reach.h"
#include "domain/sessionlist.h"
#include "domain/staff.h"
#include "pages/qr.h"
#include "pages/staff_common.h"

#define ENROLL_COOKIE_MAX_AGE (30 * 60)   /* an enrollment is held for 30 minutes (domain/staff.h) */

static const char *const msg_denied = N_("Those details do not match an account. Check them and try again. After ten wrong codes, wait a few minutes before trying again.");
static const char *const msg_busy = N_("The service is busy. Please try again in a minute.");
static const char *const msg_pw_rule = N_("A passphrase needs at least 16 characters. A few ordinary words with spaces between them are easy to remember and hard to guess.");

static void
set_error(tvars_t *v, const request_t *rq, const char *msgid)
{
	if (v && msgid)
		tvars_set_cstr(v, "error", i18n(rq->lang, msgid));
}

/* ---- login, logout ---- */

static void
login_work(request_t *rq)
{
	sess_new_t out;
	rq->work_status = staff_login(rq->app, page_field(rq, "handle"), page_field(rq, "passphrase"), page_field(rq, "totp"), &out);
	if (rq->work_status == STAFF_OK)
		memcpy(rq->scratch, out.cookie, sizeof(out.cookie));
	sodium_memzero(&out, sizeof(out));
}

void
page_staff_login(request_t *rq, response_t *rs)
{
	const char *error = NULL;
	page_problems_t p = { .n = 0 };
	if (rq->method == HTTP_POST && !rq->work_done) {
		/* what is wrong with the form itself, field by field: it says nothing about
		 * any account, and costs no Argon2id */
		sv_t code = page_field(rq, "totp");
		bool digits = code.len == 6;
		for (size_t i = 0; digits && i < code.len; i++)
			digits = code.p[i] >= '0' && code.p[i] <= '9';
		if (page_field(rq, "handle").len == 0)
			page_problem_add(&p, "handle", i18n(rq->lang, N_("Enter your name.")));
		if (page_field(rq, "passphrase").len == 0)
			page_problem_add(&p, "passphrase", i18n(rq->lang, N_("Enter your passphrase.")));
		if (!digits)
			page_problem_add(&p, "totp", i18n(rq->lang, N_("Enter the 6 digits your app shows now.")));
		if (p.n == 0) {
			http_defer(rq, login_work, WORK_STAFF_LOGIN);
			return;
		}
		rs->status = 400;
	}
	if (rq->method == HTTP_POST && rq->work_done) {
		if (rq->work_status == STAFF_OK) {
			int set = http_cookie_set(rq, rs, HTTP_COOKIE_STAFF, sv_from_cstr(rq->scratch), HTTP_COOKIE_SESSION);
			http_csrf_use_session(rq, sv_from_cstr(rq->scratch));
			sodium_memzero(rq->scratch, sizeof(rq->scratch));
			if (set != 0)
				rs->status = 500;
			else if (!page_staff_resume(rq, rs))
				page_staff_redirect(rq, rs, "/staff/");
			return;
		}
		error = rq->work_status == STAFF_BUSY ? msg_busy : msg_denied;
		rs->status = rq->work_status == STAFF_BUSY ? 503 : 200;
	}
	tvars_t *v = page_staff_vars(rq);
	set_error(v, rq, error);
	if (v && p.n)
		page_problems_vars(rq, v, &p);
	if (v && rq->method == HTTP_POST) {
		tvars_set(v, "handle", page_field(rq, "handle"));
		page_staff_resume_keep(rq, v);
	}
	page_render(rq, rs, "staff_login", N_("Staff login"), v);
}

void
page_staff_logout(request_t *rq, response_t *rs)
{
	staff_status_t st;
	const staff_t *s = page_staff_session(rq, &st);
	if (s)
		staff_logout(rq->app, s);
	if (http_cookie_clear(rq, rs, HTTP_COOKIE_STAFF) != 0) {
		rs->status = 500;
		return;
	}
	rs->clear_site_data = true;
	page_staff_redirect(rq, rs, "/staff/login");
}

/* ---- home ---- */

void
page_staff_home(request_t *rq, response_t *rs)
{
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		tvars_set_cstr(v, "handle", s->acct.handle);
		page_roles_text(rq, s->acct.roles, v, "roles");
		if (s->acct.roles & (ROLE_ADMIN | ROLE_COORDINATOR)) {
			tvars_set_cstr(v, "can_manage", "1");
			tvars_set_cstr(v, "can_audit", "1");
		}
		if (s->acct.roles & ROLE_COORDINATOR) {
			tvars_set_cstr(v, "coordinator", "1");
			if (!staff_group_holds(rq->app, s, "triage"))
				tvars_set_cstr(v, "triage_waiting", "1");
		}
		if (requests_allowed(rq->app, s))
			tvars_set_cstr(v, "triage", "1");
		if (s->acct.roles & ROLE_EDITOR)
			tvars_set_cstr(v, "editor", "1");
		if (s->acct.roles & (ROLE_EDITOR | ROLE_COORDINATOR | ROLE_OWL))
			tvars_set_cstr(v, "testimonies", "1");
		if (s->acct.roles & ROLE_ANALYST)
			tvars_set_cstr(v, "analyst", "1");
		if (s->acct.roles & (ROLE_EDITOR | ROLE_TRANSLATOR))
			tvars_set_cstr(v, "subtitler", "1");
		if (reach_can_view(s))
			tvars_set_cstr(v, "campaign", "1");
	}
	page_render(rq, rs, "staff_home", N_("Staff"), v);
}

/* ---- enrollment ---- */

/* The enrollment cookie: which browser began this enrollment. */
static sv_t
enroll_browser(const request_t *rq)
{
	sv_t v;
	return http_cookie(rq, HTTP_COOKIE_ENROLL, &v) == 0 ? v : SV("");
}

static void
enroll_work(request_t *rq)
{
	sv_t pw = page_field(rq, "passphrase");
	sv_t gen = page_field(rq, "generated");
	if (sv_eq_cstr(page_field(rq, "use_generated"), "1"))
		pw = gen;
	rq->work_status = staff_enroll_begin(rq->app, rq->param, enroll_browser(rq), page_field(rq, "handle"), pw, rq->scratch);
}

void
page_staff_enroll(request_t *rq, response_t *rs)
{
	uint32_t roles;
	enroll_shown_t shown;
	const char *error = NULL;
	sv_t action = page_field(rq, "step");

	if (staff_invite_check(rq->app, rq->param, &roles) != STAFF_OK) {
		rs->status = 404;   /* expired, used or never issued: one answer */
		return;
	}
	if (rq->method == HTTP_POST && sv_eq_cstr(action, "create")) {
		if (!rq->work_done) {
			http_defer(rq, enroll_work, WORK_STAFF_ENROLL);
			return;
		}
		switch (rq->work_status) {
		case STAFF_OK: {
			int set = http_cookie_set(rq, rs, HTTP_COOKIE_ENROLL, sv_from_cstr(rq->scratch), ENROLL_COOKIE_MAX_AGE);
			sodium_memzero(rq->scratch, sizeof(rq->scratch));
			if (set != 0) {
				rs->status = 500;
				return;
			}
			break;
		}
		case STAFF_DENIED: rs->status = 404; return;   /* in progress in another browser */
		case STAFF_TAKEN: error = N_("That name is taken. Choose another."); break;
		case STAFF_BUSY: error = msg_busy; break;
		case STAFF_INVALID: error = N_("Check the name and the passphrase. The name needs 3 to 32 characters: small Latin letters (a–z), digits, dots, dashes or underscores. The passphrase needs at least 16 characters."); break;
		default: rs->status = 500; return;
		}
	} else if (rq->method == HTTP_POST && sv_eq_cstr(action, "confirm")) {
		if (staff_enroll_confirm(rq->param, enroll_browser(rq), page_field(rq, "recovery_part")) != STAFF_OK)
			error = N_("Those are not the last six characters of your recovery key. Look at it again.");
	} else if (rq->method == HTTP_POST && sv_eq_cstr(action, "finish")) {
		staff_status_t st = staff_enroll_finish(rq->app, rq->param, enroll_browser(rq), page_field(rq, "totp"));
		if (st == STAFF_OK) {
			tvars_t *v = page_staff_vars(rq);
			if (v)
				tvars_set_cstr(v, "done", "1");
			page_render(rq, rs, "staff_enroll", N_("Join the team"), v);
			return;
		}
		error = st == STAFF_TAKEN ? N_("That name was taken a moment ago. Start again with another.")
		                          : N_("That code does not match. Codes change every 30 seconds: type the one your app shows now.");
	}

	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	set_error(v, rq, error);
	tvars_setf(v, "action", "/%s/staff/enroll/%.*s", lang_code(rq->lang), (int)rq->param.len, rq->param.p);
	page_roles_text(rq, roles, v, "roles");
	bool foreign = false;
	/* Right after a successful create the cookie is only being set: its new value counts. */
	sv_t browser;
	if (http_cookie_after(rq, rs, HTTP_COOKIE_ENROLL, &browser) != 0)
		browser = SV("");
	int shown_rc = staff_enroll_shown(rq->param, browser, &shown, &foreign);
	int step = shown.step;
	if (foreign) {
		tvars_free(v);
		rs->status = 404;   /* someone else is enrolling with this link: nothing to see */
		http_cookie_unset(rs);
		return;
	}
	if (shown_rc != 0 || (step == 1 && sv_eq_cstr(action, "create") && error)) {
		/* Step 0: choose a name and a passphrase. */
		buf_t gen;
		buf_init(&gen, 256);
		if (staff_passphrase_suggest(&gen, 6) == 0)
			tvars_set(v, "generated", buf_sv(&gen));
		buf_free(&gen);
		if (rq->method == HTTP_POST)
			tvars_set(v, "handle", page_field(rq, "handle"));
		tvars_set_cstr(v, "step_choose", "1");
	} else if (step == 1) {
		tvars_set_cstr(v, "recovery", shown.recovery);
		tvars_set_cstr(v, "handle", shown.handle);
		tvars_set_cstr(v, "step_recovery", "1");
	} else {
		buf_t svg;
		buf_init(&svg, 64 * 1024);
		if (qr_svg(shown.totp_uri, &svg) == 0)
			tvars_set_html(v, "qr", buf_sv(&svg));   /* sava's own SVG: path data only */
		tvars_set_cstr(v, "totp_secret", shown.totp_secret);
		tvars_set_cstr(v, "handle", shown.handle);
		tvars_set_cstr(v, "step_totp", "1");
		buf_free(&svg);
	}
	sodium_memzero(&shown, sizeof(shown));
	page_render(rq, rs, "staff_enroll", N_("Join the team"), v);
	if (error && rs->status == 0)
		rs->status = 400;
}

/* ---- sessions ---- */

struct sessions_ctx {
	const request_t *rq;
	tvars_t *v;
};

static void
sessions_each(void *ctx, const sessionlist_entry_t *e)
{
	struct sessions_ctx *x = ctx;
	tvars_t *it = tvars_add_item(x->v, "sessions");
	if (!it)
		return;
	time_t t = (time_t)e->created_hour * 3600;
	struct tm tm;
	char when[32];
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:00 UTC", &tm);
	tvars_set_cstr(it, "started", when);
	long idle = e->idle_minutes;
	if (idle < 0)
		tvars_set_cstr(it, "idle", i18n(x->rq->lang, N_("not in use since sava was restarted")));
	else if (idle < 5)
		tvars_set_cstr(it, "idle", i18n(x->rq->lang, N_("in use now")));
	else
		tvars_set_cstr(it, "idle", i18n(x->rq->lang, N_("idle for a while")));
	if (e->current)
		tvars_set_cstr(it, "current", "1");
}

void
page_staff_sessions(request_t *rq, response_t *rs)
{
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (rq->method == HTTP_POST) {
		if (staff_sessions_end_all(rq->app, s->acct.id) != STAFF_OK) {
			rs->status = 500;
			return;
		}
		if (http_cookie_clear(rq, rs, HTTP_COOKIE_STAFF) != 0) {
			rs->status = 500;
			return;
		}
		rs->clear_site_data = true;
		page_staff_redirect(rq, rs, "/staff/login");
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		struct sessions_ctx x = { rq, v };
		if (sessionlist_own(rq->app, s, sessions_each, &x) != STAFF_OK) {
			tvars_free(v);
			rs->status = 500;
			return;
		}
	}
	page_render(rq, rs, "staff_sessions", N_("Your sessions"), v);
}

/* ---- passphrase change and recovery ---- */

static void
passphrase_work(request_t *rq)
{
	staff_status_t st;
	const staff_t *s = page_staff_session(rq, &st);   /* checked again: it may have ended while this waited */
	rq->work_status = s ? staff_passphrase_change(rq->app, s, page_field(rq, "current"), page_field(rq, "new"))
	                    : STAFF_DENIED;
}

/* A form that sets a new passphrase (typed twice) through slow work: the change of
 * passphrase and the recovery. Renders tmpl with "done" or an error. */
struct newpw_page {
	work_fn work;
	work_kind_t kind;
	const char *tmpl;
	const char *title;
	const char *denied;      /* what STAFF_DENIED means here */
	bool keep_handle;
};

static void
newpw_page(request_t *rq, response_t *rs, const struct newpw_page *p)
{
	const char *error = NULL;
	if (rq->method == HTTP_POST && !rq->work_done) {
		if (sv_eq(page_field(rq, "new"), page_field(rq, "again"))) {
			http_defer(rq, p->work, p->kind);
			return;
		}
		error = N_("The two new passphrases are not the same.");
	}
	tvars_t *v = page_staff_vars(rq);
	if (rq->method == HTTP_POST && rq->work_done) {
		if (rq->work_status == STAFF_OK && v)
			tvars_set_cstr(v, "done", "1");
		else
			error = rq->work_status == STAFF_INVALID ? msg_pw_rule
			      : rq->work_status == STAFF_BUSY ? msg_busy : p->denied;
	}
	set_error(v, rq, error);
	if (v && p->keep_handle && rq->method == HTTP_POST)
		tvars_set(v, "handle", page_field(rq, "handle"));
	page_render(rq, rs, p->tmpl, p->title, v);
	if (error && rs->status == 0)
		rs->status = 400;
}

void
page_staff_passphrase(request_t *rq, response_t *rs)
{
	static const struct newpw_page p = { passphrase_work, WORK_STAFF_SESSION, "staff_passphrase", N_("Change your passphrase"),
		N_("Your current passphrase is not right."), false };
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	newpw_page(rq, rs, &p);
}

static void
recover_work(request_t *rq)
{
	rq->work_status = staff_recover(rq->app, page_field(rq, "handle"), page_field(rq, "recovery"), page_field(rq, "new"));
}

void
page_staff_recover(request_t *rq, response_t *rs)
{
	static const struct newpw_page p = { recover_work, WORK_STAFF_RECOVER, "staff_recover", N_("Recover your account"),
		N_("That name and recovery key do not match. Check them and try again."),
		true };
	newpw_page(rq, rs, &p);
}
