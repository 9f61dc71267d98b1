/* roster: the team as admins and coordinators see it: every account with its roles,
 * status, languages and load (filtered and paged), and revocation, which takes two
 * steps: a page that says exactly what will happen, then the button. */
#include <stdio.h>
#include <string.h>

#include "domain/staff.h"
#include "pages/staff_common.h"

#define ROSTER_PAGE 50

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
	page_roles_text(x->rq, a->roles, it, "roles");
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
	uint64_t page = 1;
	uint8_t id[16];
	store_account_t target;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!(s->acct.roles & (ROLE_ADMIN | ROLE_COORDINATOR))) {
		rs->status = 404;
		return;
	}
	/* only a coordinator who holds the triage key (the domain's rule, staff_may_revoke) */
	bool can_revoke = (s->acct.roles & ROLE_COORDINATOR) && staff_group_holds(rq->app, s, "triage") == 1;
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	if (rq->method == HTTP_POST) {
		/* Revocation takes two steps: this page says exactly what will happen. */
		if (!can_revoke || page_id_from_hex(page_field(rq, "account"), id) != 0 ||
		    store_account_by_id(rq->app->store, id, &target) != STORE_OK || !staff_may_revoke(rq->app, s, &target)) {
			tvars_free(v);
			rs->status = 404;
			return;
		}
		if (sv_eq_cstr(page_field(rq, "confirm"), "yes")) {
			staff_status_t rst = staff_revoke(rq->app, s, id);
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
	struct roster_ctx x = { rq, v, s->acct.id, can_revoke };
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
	page_render(rq, rs, "staff_accounts", N_("Accounts"), v);
}
