/* roster: the team as admins and coordinators see it: every account with its roles,
 * status, languages and load (filtered and paged), and revocation, which takes two
 * steps: a page that says exactly what will happen, then the button. */
#include <stdio.h>
#include <string.h>

#include "domain/roster.h"
#include "pages/staff_common.h"

#define ROSTER_PAGE 50

struct roster_ctx {
	const request_t *rq;
	tvars_t *v;
};

static void
roster_vars(void *ctx, const roster_entry_t *e)
{
	struct roster_ctx *x = ctx;
	tvars_t *it = tvars_add_item(x->v, "accounts");
	if (!it)
		return;
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), e->id, 16);
	tvars_set_cstr(it, "id", hex);
	tvars_set_cstr(it, "name", e->handle);
	page_roles_text(x->rq, e->roles, it, "roles");
	tvars_set_cstr(it, "status", page_account_status(x->rq, e->status));
	tvars_set_cstr(it, "languages", e->languages);
	tvars_set_cstr(it, "location", e->location);
	tvars_setf(it, "load", "%u / %u", e->active_cases, e->capacity);
	tvars_setf(it, "href", "/%s/staff/accounts/%s", lang_code(x->rq->lang), hex);
	if (e->revocable)
		tvars_set_cstr(it, "revocable", "1");
}

/* Revocation takes two steps: a page that says exactly what will happen, then the
 * button. Returns true when the page is answered (the confirmation, or an error). */
static bool
revocation(request_t *rq, response_t *rs, const staff_t *s, tvars_t *v)
{
	uint8_t id[16];
	roster_entry_t target;
	staff_status_t st = page_id_from_hex(page_field(rq, "account"), id) == 0
	    ? roster_revocation(rq->app, s, id, &target)
	    : STAFF_DENIED;
	if (st == STAFF_OK && sv_eq_cstr(page_field(rq, "confirm"), "yes")) {
		st = staff_revoke(rq->app, s, id);
		if (st == STAFF_OK) {
			tvars_set_cstr(v, "revoked", target.handle);
			return false;   /* the roster follows, with the notice */
		}
	} else if (st == STAFF_OK) {
		tvars_set_cstr(v, "confirm_name", target.handle);
		tvars_set(v, "confirm_id", page_field(rq, "account"));
		page_render(rq, rs, "staff_revoke", N_("Revoke an account"), v);
		return true;
	}
	tvars_free(v);
	rs->status = st == STAFF_ERROR ? 500 : 404;
	return true;
}

void
page_staff_accounts(request_t *rq, response_t *rs)
{
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!roster_visible(s)) {
		rs->status = 404;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	if (rq->method == HTTP_POST && revocation(rq, rs, s, v))
		return;
	uint64_t page = page_number(rq, 100000);
	size_t total = 0;
	/* filters: ?lang=ru&status=active&free=1 (unknown values: no filter) */
	char lang[8] = "", status[16] = "", free_only[4] = "", qs[64];
	roster_filter_t f = { "", -1, false };
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
	struct roster_ctx x = { rq, v };
	staff_status_t st = roster_list(rq->app, s, &f, (size_t)(page - 1) * ROSTER_PAGE, ROSTER_PAGE, roster_vars, &x,
	    &total, &more);
	if (st != STAFF_OK) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	if (!snprintf_ok(qs, sizeof(qs), "lang=%s&status=%s&free=%s", lang, status, f.free_only ? "1" : "")) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	page_roster_filter_vars(rq, v, lang, status, f.free_only);
	if (total != SIZE_MAX)
		tvars_setf(v, "total", "%zu", total);
	page_nav_vars(rq, v, "/staff/accounts", qs, page, more);
	page_render(rq, rs, "staff_accounts", N_("Accounts"), v);
}
