/* groups: the group keys (the triage key so far) as coordinators see them: who holds
 * the current key, who waits for it, and the approval that gives it to one of them. */
#include "domain/roster.h"
#include "pages/staff_common.h"

static void
member_vars(void *ctx, const roster_entry_t *e, bool holds)
{
	tvars_t *it = tvars_add_item(ctx, holds ? "holders" : "waiting");
	if (!it)
		return;
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), e->id, 16);
	tvars_set_cstr(it, "id", hex);
	tvars_set_cstr(it, "name", e->handle);
}

void
page_staff_groups(request_t *rq, response_t *rs)
{
	roster_key_t key;
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
	staff_status_t st = roster_triage_key(rq->app, s, &key, member_vars, v);
	if (st != STAFF_OK) {
		tvars_free(v);
		rs->status = st == STAFF_DENIED ? 404 : 500;
		return;
	}
	if (key.exists) {
		tvars_set_cstr(v, "exists", "1");
		tvars_setf(v, "epoch", "%u", key.epoch);
		if (key.rotation_pending)
			tvars_set_cstr(v, "rotation_pending", "1");
		if (key.viewer_holds)
			tvars_set_cstr(v, "i_hold", "1");
	}
	page_render(rq, rs, "staff_groups", N_("Group keys"), v);
}
