/* groups: the group keys (the triage key so far) as coordinators see them: who holds
 * the current key, who waits for it, and the approval that gives it to one of them. */
#include "domain/staff.h"
#include "pages/staff_common.h"

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
	store_group_t g;
	uint8_t id[16];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!(s->acct.roles & ROLE_COORDINATOR)) {
		rs->status = 404;
		return;
	}
	if (rq->method == HTTP_POST) {
		/* Giving the key is an explicit approval by a member who holds it. */
		if (page_id_from_hex(page_field(rq, "account"), id) != 0 || staff_group_grant(rq->app, s, "triage", id) != STAFF_OK) {
			rs->status = 404;
			return;
		}
		page_staff_redirect(rq, rs, "/staff/groups");
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
		if (staff_group_holds(rq->app, s, "triage"))
			tvars_set_cstr(v, "i_hold", "1");
		if (store_group_members(rq->app->store, g.id, ROLE_COORDINATOR, groups_each, &x) != STORE_OK)
			rc = STORE_ERROR;
	}
	if (rc == STORE_ERROR) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	page_render(rq, rs, "staff_groups", N_("Group keys"), v);
}
