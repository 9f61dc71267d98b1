/* audit: the audit log as admins and coordinators read it, newest first, paged: when
 * (to the hour), who, what, and the first bytes of the object's id; the head's hash to
 * compare with `sava audit`. */
#include <string.h>
#include <time.h>

#include "domain/audit.h"
#include "pages/staff_common.h"

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

/* ---- the audit log ---- */

#define AUDIT_PAGE 50

void
page_staff_audit(request_t *rq, response_t *rs)
{
	store_audit_row_t row;
	uint64_t page = 1;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!(s->acct.roles & (ROLE_ADMIN | ROLE_COORDINATOR))) {
		rs->status = 404;
		return;
	}
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
