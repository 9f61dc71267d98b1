/* assign: assignment as a request's page needs it (assign.h). Reads the case row and
 * accounts; the decision of an assignment is left whole to casework_assign. */
#include "domain/assign.h"

#include <string.h>

static int
holder_of(const app_t *app, const uint8_t case_id[16], char handle[STORE_HANDLE_MAX + 1], bool *revoked)
{
	store_case_t row;
	store_account_t holder;
	int rc = store_case_get(app->store, case_id, &row);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? 0 : -1;
	if (!row.has_assignee)
		return 0;
	rc = store_account_by_id(app->store, row.assignee, &holder);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? 0 : -1;
	memcpy(handle, holder.handle, STORE_HANDLE_MAX + 1);
	*revoked = holder.status == ACCT_REVOKED;
	return 1;
}

int
assign_holder(const app_t *app, const case_view_t *cv, char handle[STORE_HANDLE_MAX + 1], bool *revoked)
{
	return holder_of(app, cv->id, handle, revoked);
}

int
assign_current(const app_t *app, const staff_t *s, const uint8_t case_id[16], char handle[STORE_HANDLE_MAX + 1])
{
	bool revoked = false;
	if (!(s->acct.roles & ROLE_COORDINATOR) || !requests_allowed(app, s))
		return 0;   /* casework_assign refuses her anyway, with its NOT_FOUND */
	int rc = holder_of(app, case_id, handle, &revoked);
	return rc == 1 && revoked ? 0 : rc;
}

bool
assign_offered(const app_t *app, const staff_t *s, const case_view_t *cv)
{
	return (s->acct.roles & ROLE_COORDINATOR) && requests_allowed(app, s) && cv->status != STATUS_CLOSED;
}

struct owls_walk {
	roster_fn fn;
	void *ctx;
};

static void
owls_each(void *ctx, const store_account_t *a)
{
	struct owls_walk *w = ctx;
	roster_entry_t e;
	roster_entry_from(&e, a);
	w->fn(w->ctx, &e);
}

staff_status_t
assign_owls(const app_t *app, const staff_t *s, const case_view_t *cv, size_t limit, roster_fn fn, void *ctx)
{
	if (!assign_offered(app, s, cv))
		return STAFF_DENIED;
	struct owls_walk w = { fn, ctx };
	return store_owl_suggestions(app->store, cv->lang, limit, owls_each, &w) == STORE_OK ? STAFF_OK : STAFF_ERROR;
}

int
assign_named(const app_t *app, const staff_t *s, sv_t handle, uint8_t id[16])
{
	store_account_t a;
	char h[STORE_HANDLE_MAX + 1];
	if (!(s->acct.roles & ROLE_COORDINATOR) || !requests_allowed(app, s) || handle.len == 0 ||
	    handle.len > STORE_HANDLE_MAX)
		return 0;
	memcpy(h, handle.p, handle.len);
	h[handle.len] = '\0';
	int rc = store_account_by_handle(app->store, h, &a);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? 0 : -1;
	if (a.status == ACCT_REVOKED)
		return 0;
	memcpy(id, a.id, 16);
	return 1;
}

intake_status_t
assign_by_handle(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t handle)
{
	/* An unknown name goes to casework_assign as the zero id, which names no account: so
	 * one function decides what every refusal is called. */
	uint8_t owl[16] = { 0 };
	store_account_t a;
	char h[STORE_HANDLE_MAX + 1];
	if (handle.len > 0 && handle.len <= STORE_HANDLE_MAX) {
		memcpy(h, handle.p, handle.len);
		h[handle.len] = '\0';
		if (store_account_by_handle(app->store, h, &a) == STORE_OK)
			memcpy(owl, a.id, 16);
	}
	return casework_assign(app, s, case_id, owl);
}
