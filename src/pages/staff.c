/* staff: the staff pages: enrollment, login and logout, sessions, passphrase change,
 * recovery, the roster with revocation, group keys and the audit log. Every page that
 * shows anything needs a live session; every change needs the session's CSRF token. */
#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/casework.h"
#include "domain/staff.h"
#include "pages/pages.h"
#include "pages/qr.h"
#include "vault/totp.h"
#include "vault/words.h"

#define ROSTER_PAGE 50
#define ENROLL_COOKIE_MAX_AGE (30 * 60)   /* an enrollment is held for 30 minutes (domain/staff.h) */

static const char *const msg_denied = N_("Those details do not match an account. Check them and try again. After ten wrong codes, wait a few minutes before trying again.");
static const char *const msg_busy = N_("The service is busy. Please try again in a minute.");
static const char *const msg_pw_rule = N_("A passphrase needs at least 16 characters. A few ordinary words with spaces between them are easy to remember and hard to guess.");

static void
set_href(tvars_t *v, const request_t *rq, const char *name, const char *path)
{
	tvars_setf(v, name, "/%s%s", lang_code(rq->lang), path);
}

/* Common values of every staff page: CSRF token, links. */
tvars_t *
page_staff_vars(request_t *rq)
{
	char token[64];
	tvars_t *v = tvars_new();
	if (!v)
		return NULL;
	if (http_csrf_token(rq, token) == 0)
		tvars_set_cstr(v, "csrf", token);
	sodium_memzero(token, sizeof(token));
	set_href(v, rq, "login_href", "/staff/login");
	set_href(v, rq, "logout_href", "/staff/logout");
	set_href(v, rq, "staff_href", "/staff/");
	set_href(v, rq, "sessions_href", "/staff/sessions");
	set_href(v, rq, "passphrase_href", "/staff/passphrase");
	set_href(v, rq, "recover_href", "/staff/recover");
	set_href(v, rq, "accounts_href", "/staff/accounts");
	set_href(v, rq, "groups_href", "/staff/groups");
	set_href(v, rq, "audit_href", "/staff/audit");
	set_href(v, rq, "requests_href", "/staff/requests");
	set_href(v, rq, "cases_href", "/staff/cases");
	set_href(v, rq, "profile_href", "/staff/profile");
	set_href(v, rq, "applications_href", "/staff/applications");
	return v;
}

static void
set_error(tvars_t *v, const request_t *rq, const char *msgid)
{
	if (v && msgid)
		tvars_set_cstr(v, "error", i18n(rq->lang, msgid));
}

static void
redirect_to(request_t *rq, response_t *rs, const char *path)
{
	char to[128];
	snprintf(to, sizeof(to), "/%s%s", lang_code(rq->lang), path);
	http_redirect(rs, 303, to);
}

/* The session of this request, or a redirect to the login page (returns false). */
bool
page_need_staff(request_t *rq, response_t *rs, staff_t *s)
{
	sv_t cookie;
	staff_status_t st = STAFF_DENIED;
	if (http_cookie(rq, HTTP_COOKIE_STAFF, &cookie) == 0)
		st = staff_session(rq->app, cookie, s);
	if (st == STAFF_OK) {
		rq->staff_page = true;   /* a verified session: the layout may add staff notices */
		return true;
	}
	if (st == STAFF_ERROR)
		rs->status = 500;
	else
		redirect_to(rq, rs, "/staff/login");
	return false;
}

static void
roles_text(const request_t *rq, uint32_t roles, tvars_t *v, const char *name)
{
	buf_t b;
	buf_init(&b, 256);
	for (uint32_t bit = 1; bit <= ROLE_EDITOR; bit <<= 1) {
		if (!(roles & bit))
			continue;
		if ((b.len && buf_append_cstr(&b, ", ") != 0) || buf_append_cstr(&b, i18n(rq->lang, role_name(bit))) != 0)
			break;
	}
	tvars_set(v, name, buf_sv(&b));
	buf_free(&b);
}

/* Role names for the catalogs (role_name gives the same English words). */
static const char *const role_msgids[] __attribute__((unused)) = {
	N_("admin"), N_("coordinator"), N_("owl"), N_("verifier"), N_("translator"), N_("editor"),
};

/* Audit action names (domain/audit.c gives the same English words). */
static const char *const action_msgids[] __attribute__((unused)) = {
	N_("instance created"), N_("enrolled"), N_("logged in"), N_("login failed"), N_("logged out"),
	N_("account revoked"), N_("roles changed"), N_("passphrase changed"), N_("account recovered"),
	N_("invitation made"), N_("group key created"), N_("group key granted"), N_("group key rotated"),
	N_("request read"), N_("request answered"), N_("request shredded"), N_("request expired"),
	N_("note added"), N_("request assigned"), N_("profile changed"), N_("stage changed"), N_("verification recorded"),
	N_("checklist updated"), N_("vouch recorded"), N_("application accepted"), N_("application rejected"),
	N_("group key reset allowed"), N_("group key re-created"), N_("invitation withdrawn"),
	N_("unknown action"),
};

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
	if (rq->method == HTTP_POST && !rq->work_done) {
		http_defer(rq, login_work, WORK_STAFF_LOGIN);
		return;
	}
	if (rq->method == HTTP_POST) {
		if (rq->work_status == STAFF_OK) {
			int set = http_cookie_set(rq, rs, HTTP_COOKIE_STAFF, sv_from_cstr(rq->scratch), HTTP_COOKIE_SESSION);
			sodium_memzero(rq->scratch, sizeof(rq->scratch));
			if (set != 0)
				rs->status = 500;
			else
				redirect_to(rq, rs, "/staff/");
			return;
		}
		error = rq->work_status == STAFF_BUSY ? msg_busy : msg_denied;
		rs->status = rq->work_status == STAFF_BUSY ? 503 : 200;
	}
	tvars_t *v = page_staff_vars(rq);
	set_error(v, rq, error);
	if (v && rq->method == HTTP_POST)
		tvars_set(v, "handle", page_field(rq, "handle"));
	page_render(rq, rs, "staff_login", N_("Staff login"), v);
}

void
page_staff_logout(request_t *rq, response_t *rs)
{
	staff_t s;
	sv_t cookie;
	if (http_cookie(rq, HTTP_COOKIE_STAFF, &cookie) == 0 && staff_session(rq->app, cookie, &s) == STAFF_OK)
		staff_logout(rq->app, &s);
	if (http_cookie_clear(rq, rs, HTTP_COOKIE_STAFF) != 0) {
		rs->status = 500;
		return;
	}
	rs->clear_site_data = true;
	redirect_to(rq, rs, "/staff/login");
}

/* ---- home ---- */

void
page_staff_home(request_t *rq, response_t *rs)
{
	staff_t s;
	if (!page_need_staff(rq, rs, &s))
		return;
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		tvars_set_cstr(v, "handle", s.acct.handle);
		roles_text(rq, s.acct.roles, v, "roles");
		if (s.acct.roles & (ROLE_ADMIN | ROLE_COORDINATOR)) {
			tvars_set_cstr(v, "can_manage", "1");
			tvars_set_cstr(v, "can_audit", "1");
		}
		if (s.acct.roles & ROLE_COORDINATOR) {
			tvars_set_cstr(v, "coordinator", "1");
			if (!staff_group_holds(rq->app, &s, "triage"))
				tvars_set_cstr(v, "triage_waiting", "1");
		}
		if (requests_allowed(rq->app, &s))
			tvars_set_cstr(v, "triage", "1");
	}
	sodium_memzero(&s, sizeof(s));
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

/* Recovery key in groups of four, for reading and copying. */
static void
recovery_grouped(const char *rec, char out[40])
{
	size_t n = 0;
	for (size_t i = 0; rec[i]; i++) {
		if (i && i % 4 == 0)
			out[n++] = ' ';
		out[n++] = rec[i];
	}
	out[n] = '\0';
}

void
page_staff_enroll(request_t *rq, response_t *rs)
{
	uint32_t roles;
	acct_shown_t shown;
	char handle[STORE_HANDLE_MAX + 1];
	int step = 0;
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
	roles_text(rq, roles, v, "roles");
	bool foreign = false;
	/* Right after a successful create the cookie is only being set: its new value counts. */
	sv_t browser;
	if (http_cookie_after(rq, rs, HTTP_COOKIE_ENROLL, &browser) != 0)
		browser = SV("");
	int shown_rc = staff_enroll_shown(rq->param, browser, &shown, handle, &step, &foreign);
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
		if (passphrase_generate(&gen, 6) == 0)
			tvars_set(v, "generated", buf_sv(&gen));
		buf_free(&gen);
		if (rq->method == HTTP_POST)
			tvars_set(v, "handle", page_field(rq, "handle"));
		tvars_set_cstr(v, "step_choose", "1");
	} else if (step == 1) {
		char grouped[40];
		recovery_grouped(shown.recovery, grouped);
		tvars_set_cstr(v, "recovery", grouped);
		tvars_set_cstr(v, "handle", handle);
		tvars_set_cstr(v, "step_recovery", "1");
		sodium_memzero(grouped, sizeof(grouped));
	} else {
		char secret[TOTP_BASE32_CHARS + 1], uri[256];
		buf_t svg;
		buf_init(&svg, 64 * 1024);
		totp_secret_base32(shown.totp_secret, secret);
		if (totp_uri(shown.totp_secret, "sava", handle, uri, sizeof(uri)) == 0 && qr_svg(uri, &svg) == 0)
			tvars_set_html(v, "qr", buf_sv(&svg));   /* sava's own SVG: path data only */
		tvars_set_cstr(v, "totp_secret", secret);
		tvars_set_cstr(v, "handle", handle);
		tvars_set_cstr(v, "step_totp", "1");
		sodium_memzero(secret, sizeof(secret));
		sodium_memzero(uri, sizeof(uri));
		buf_free(&svg);
	}
	sodium_memzero(&shown, sizeof(shown));
	page_render(rq, rs, "staff_enroll", N_("Join the team"), v);
	if (error && rs->status == 0)
		rs->status = 400;
}

/* ---- sessions ---- */

struct sessions_ctx {
	request_t *rq;
	tvars_t *v;
	const uint8_t *current;
};

static void
sessions_each(void *ctx, const store_session_t *row)
{
	struct sessions_ctx *x = ctx;
	tvars_t *it = tvars_add_item(x->v, "sessions");
	if (!it)
		return;
	time_t t = (time_t)row->created_hour * 3600;
	struct tm tm;
	char when[32];
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:00 UTC", &tm);
	tvars_set_cstr(it, "started", when);
	long idle = staff_session_idle_minutes(row->sid);
	if (idle < 0)
		tvars_set_cstr(it, "idle", i18n(x->rq->lang, N_("not in use since sava was restarted")));
	else if (idle < 5)
		tvars_set_cstr(it, "idle", i18n(x->rq->lang, N_("in use now")));
	else
		tvars_set_cstr(it, "idle", i18n(x->rq->lang, N_("idle for a while")));
	if (sodium_memcmp(row->sid, x->current, 32) == 0)
		tvars_set_cstr(it, "current", "1");
}

void
page_staff_sessions(request_t *rq, response_t *rs)
{
	staff_t s;
	if (!page_need_staff(rq, rs, &s))
		return;
	if (rq->method == HTTP_POST) {
		if (staff_sessions_end_all(rq->app, s.acct.id) != STAFF_OK) {
			rs->status = 500;
			return;
		}
		if (http_cookie_clear(rq, rs, HTTP_COOKIE_STAFF) != 0) {
			rs->status = 500;
			return;
		}
		rs->clear_site_data = true;
		redirect_to(rq, rs, "/staff/login");
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		struct sessions_ctx x = { rq, v, s.sess.sid };
		if (store_sessions_list(rq->app->store, s.acct.id, sessions_each, &x) != STORE_OK) {
			tvars_free(v);
			rs->status = 500;
			return;
		}
	}
	sodium_memzero(&s, sizeof(s));
	page_render(rq, rs, "staff_sessions", N_("Your sessions"), v);
}

/* ---- passphrase change and recovery ---- */

static void
passphrase_work(request_t *rq)
{
	staff_t s;
	sv_t cookie;
	rq->work_status = STAFF_DENIED;
	if (http_cookie(rq, HTTP_COOKIE_STAFF, &cookie) == 0 && staff_session(rq->app, cookie, &s) == STAFF_OK)
		rq->work_status = staff_passphrase_change(rq->app, &s, page_field(rq, "current"), page_field(rq, "new"));
	sodium_memzero(&s, sizeof(s));
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
	staff_t s;
	if (!page_need_staff(rq, rs, &s))
		return;
	sodium_memzero(&s, sizeof(s));
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

/* ---- roster and revocation ---- */

struct roster_ctx {
	request_t *rq;
	tvars_t *v;
	const uint8_t *self;
	bool can_revoke;
};

static void
roster_each(void *ctx, const store_account_t *a)
{
	struct roster_ctx *x = ctx;
	tvars_t *it = tvars_add_item(x->v, "accounts");
	if (!it)
		return;
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), a->id, 16);
	tvars_set_cstr(it, "id", hex);
	tvars_set_cstr(it, "name", a->handle);
	roles_text(x->rq, a->roles, it, "roles");
	tvars_set_cstr(it, "status", i18n(x->rq->lang, a->status == ACCT_REVOKED ? N_("revoked")
	                                           : a->status == ACCT_PAUSED ? N_("paused") : N_("active")));
	tvars_set_cstr(it, "languages", a->languages);
	tvars_set_cstr(it, "location", a->location);
	tvars_setf(it, "load", "%u / %u", a->active_cases, a->capacity);
	tvars_setf(it, "href", "/%s/staff/accounts/%s", lang_code(x->rq->lang), hex);
	if (x->can_revoke && a->status != ACCT_REVOKED && memcmp(a->id, x->self, 16) != 0)
		tvars_set_cstr(it, "revocable", "1");
}

void
page_staff_accounts(request_t *rq, response_t *rs)
{
	staff_t s;
	uint64_t page = 1;
	uint8_t id[16];
	store_account_t target;
	if (!page_need_staff(rq, rs, &s))
		return;
	if (!(s.acct.roles & (ROLE_ADMIN | ROLE_COORDINATOR))) {
		rs->status = 404;
		return;
	}
	/* only a coordinator who holds the triage key (the domain's rule, staff_may_revoke) */
	bool can_revoke = (s.acct.roles & ROLE_COORDINATOR) && staff_group_holds(rq->app, &s, "triage") == 1;
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	if (rq->method == HTTP_POST) {
		/* Revocation takes two steps: this page says exactly what will happen. */
		if (!can_revoke || page_id_from_hex(page_field(rq, "account"), id) != 0 ||
		    store_account_by_id(rq->app->store, id, &target) != STORE_OK || !staff_may_revoke(rq->app, &s, &target)) {
			tvars_free(v);
			rs->status = 404;
			return;
		}
		if (sv_eq_cstr(page_field(rq, "confirm"), "yes")) {
			staff_status_t rst = staff_revoke(rq->app, &s, id);
			if (rst != STAFF_OK) {
				tvars_free(v);
				rs->status = rst == STAFF_DENIED ? 404 : 500;
				return;
			}
			tvars_set_cstr(v, "revoked", target.handle);
		} else {
			tvars_set_cstr(v, "confirm_name", target.handle);
			tvars_set(v, "confirm_id", page_field(rq, "account"));
			page_render(rq, rs, "staff_revoke", N_("Revoke an account"), v);
			return;
		}
	}
	page = page_number(rq, 100000);
	size_t total = 0;
	struct roster_ctx x = { rq, v, s.acct.id, can_revoke };
	/* filters: ?lang=ru&status=active&free=1 (unknown values: no filter) */
	char lang[8] = "", status[16] = "", free_only[4] = "", qs[64];
	store_roster_filter_t f = { "", -1, false, 0 };
	if (http_query(rq, "lang", lang, sizeof(lang)) == 0 && page_language_ok(lang))
		f.language = lang;
	else
		lang[0] = '\0';
	if (http_query(rq, "status", status, sizeof(status)) == 0)
		f.status = strcmp(status, "active") == 0 ? ACCT_ACTIVE : strcmp(status, "paused") == 0 ? ACCT_PAUSED
		    : strcmp(status, "revoked") == 0                    ? ACCT_REVOKED : -1;
	if (f.status < 0)
		status[0] = '\0';
	f.free_only = http_query(rq, "free", free_only, sizeof(free_only)) == 0 && strcmp(free_only, "1") == 0;
	bool more = false;
	if (store_roster(rq->app->store, &f, (size_t)(page - 1) * ROSTER_PAGE, ROSTER_PAGE, roster_each, &x, &total, &more) !=
	    STORE_OK) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	snprintf(qs, sizeof(qs), "lang=%s&status=%s&free=%s", lang, status, f.free_only ? "1" : "");
	page_roster_filter_vars(rq, v, lang, status, f.free_only);
	if (total != SIZE_MAX)
		tvars_setf(v, "total", "%zu", total);
	page_nav_vars(rq, v, "/staff/accounts", qs, page, more);
	sodium_memzero(&s, sizeof(s));
	page_render(rq, rs, "staff_accounts", N_("Accounts"), v);
}

/* ---- groups ---- */

struct groups_ctx {
	tvars_t *v;
};

static void
groups_each(void *ctx, const store_account_t *a, bool has_copy)
{
	struct groups_ctx *x = ctx;
	tvars_t *it = tvars_add_item(x->v, has_copy ? "holders" : "waiting");
	if (!it)
		return;
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), a->id, 16);
	tvars_set_cstr(it, "id", hex);
	tvars_set_cstr(it, "name", a->handle);
}

void
page_staff_groups(request_t *rq, response_t *rs)
{
	staff_t s;
	store_group_t g;
	uint8_t id[16];
	if (!page_need_staff(rq, rs, &s))
		return;
	if (!(s.acct.roles & ROLE_COORDINATOR)) {
		rs->status = 404;
		return;
	}
	if (rq->method == HTTP_POST) {
		/* Giving the key is an explicit approval by a member who holds it. */
		if (page_id_from_hex(page_field(rq, "account"), id) != 0 || staff_group_grant(rq->app, &s, "triage", id) != STAFF_OK) {
			rs->status = 404;
			return;
		}
		redirect_to(rq, rs, "/staff/groups");
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	int rc = store_group_get(rq->app->store, "triage", &g);
	if (rc == STORE_OK) {
		struct groups_ctx x = { v };
		tvars_set_cstr(v, "exists", "1");
		tvars_setf(v, "epoch", "%u", g.epoch);
		if (g.rotation_pending)
			tvars_set_cstr(v, "rotation_pending", "1");
		if (staff_group_holds(rq->app, &s, "triage"))
			tvars_set_cstr(v, "i_hold", "1");
		if (store_group_members(rq->app->store, g.id, ROLE_COORDINATOR, groups_each, &x) != STORE_OK)
			rc = STORE_ERROR;
	}
	if (rc == STORE_ERROR) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	sodium_memzero(&s, sizeof(s));
	page_render(rq, rs, "staff_groups", N_("Group keys"), v);
}

/* ---- the audit log ---- */

#define AUDIT_PAGE 50

void
page_staff_audit(request_t *rq, response_t *rs)
{
	staff_t s;
	store_audit_row_t row;
	uint64_t page = 1;
	if (!page_need_staff(rq, rs, &s))
		return;
	if (!(s.acct.roles & (ROLE_ADMIN | ROLE_COORDINATOR))) {
		rs->status = 404;
		return;
	}
	sodium_memzero(&s, sizeof(s));
	page = page_number(rq, 1000000);
	tvars_t *v = page_staff_vars(rq);
	int last = store_audit_last(rq->app->store, &row);
	if (!v || last < 0) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	int64_t top = last == 1 ? row.idx : -1;
	char hex[65];
	if (last == 1) {
		sodium_bin2hex(hex, sizeof(hex), row.h, 32);
		tvars_setf(v, "head", "%lld", (long long)row.idx);
		tvars_set_cstr(v, "head_hash", hex);
	}
	int64_t from = top - (int64_t)(page - 1) * AUDIT_PAGE;
	for (int64_t i = from; i >= 0 && i > from - AUDIT_PAGE; i--) {
		if (store_audit_get(rq->app->store, (uint64_t)i, &row) != 1 || row.entry_len != AUDIT_ENTRY_BYTES)
			continue;
		tvars_t *it = tvars_add_item(v, "entries");
		if (!it)
			break;
		uint64_t hour = 0;
		for (int b = 7; b >= 0; b--)
			hour = hour << 8 | row.entry[b];
		time_t t = (time_t)hour;
		struct tm tm;
		char when[32];
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:00", &tm);
		tvars_setf(it, "idx", "%lld", (long long)row.idx);
		tvars_set_cstr(it, "when", when);
		store_account_t actor;
		static const uint8_t zero[16];
		if (memcmp(row.entry + 8, zero, 16) == 0)
			tvars_set_cstr(it, "actor", "sava");
		else if (store_account_by_id(rq->app->store, row.entry + 8, &actor) == STORE_OK)
			tvars_set_cstr(it, "actor", actor.handle);
		else
			tvars_set_cstr(it, "actor", "?");
		unsigned action = (unsigned)row.entry[24] | (unsigned)row.entry[25] << 8;
		tvars_set_cstr(it, "action", i18n(rq->lang, audit_action_name((audit_action_t)action)));
		if (memcmp(row.entry + 26, zero, 16) != 0) {
			sodium_bin2hex(hex, sizeof(hex), row.entry + 26, 4);
			tvars_set_cstr(it, "object", hex);
		}
	}
	page_nav_vars(rq, v, "/staff/audit", NULL, page, from - AUDIT_PAGE >= 0);
	page_render(rq, rs, "staff_audit", N_("Audit log"), v);
}
