/* roster: the team as staff pages show it (roster.h). Reads accounts and group rows from
 * the store and hands out roster_entry_t, which carries no key material; the rules of
 * who may see what are here, and the rule of who may revoke is staff.c's. */
#include "domain/roster.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "domain/casework.h"
#include "domain/rules.h"

bool
roster_visible(const staff_t *viewer)
{
	return (viewer->acct.roles & (ROLE_ADMIN | ROLE_COORDINATOR)) != 0;
}

void
roster_entry_from(roster_entry_t *e, const store_account_t *a)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->id, a->id, 16);
	memcpy(e->handle, a->handle, sizeof(e->handle));
	e->roles = a->roles;
	e->status = a->status;
	memcpy(e->languages, a->languages, sizeof(e->languages));
	memcpy(e->location, a->location, sizeof(e->location));
	e->capacity = a->capacity;
	e->active_cases = a->active_cases;
	e->training = a->training;
}

struct roster_walk {
	const app_t *app;
	const staff_t *viewer;
	roster_fn fn;
	void *ctx;
};

static void
roster_each(void *ctx, const store_account_t *a)
{
	struct roster_walk *w = ctx;
	roster_entry_t e;
	roster_entry_from(&e, a);
	e.revocable = staff_may_revoke(w->app, w->viewer, a);
	w->fn(w->ctx, &e);
}

staff_status_t
roster_list(const app_t *app, const staff_t *viewer, const roster_filter_t *f, size_t offset, size_t limit,
    roster_fn fn, void *ctx, size_t *total, bool *more)
{
	if (!roster_visible(viewer))
		return STAFF_DENIED;
	if (f->language[0] && rule_choice(casework_languages, sv_from_cstr(f->language)) != RULE_OK)
		return STAFF_INVALID;
	store_roster_filter_t sf = { f->language, f->status, f->free_only, 0 };
	struct roster_walk w = { app, viewer, fn, ctx };
	return store_roster(app->store, &sf, offset, limit, roster_each, &w, total, more) == STORE_OK ? STAFF_OK
	                                                                                               : STAFF_ERROR;
}

/* The account id; with revocable filled when asked (it costs the group check). */
static staff_status_t
roster_get(const app_t *app, const staff_t *viewer, const uint8_t id[16], bool revocable, roster_entry_t *out)
{
	store_account_t a;
	if (!roster_visible(viewer))
		return STAFF_DENIED;
	int rc = store_account_by_id(app->store, id, &a);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? STAFF_DENIED : STAFF_ERROR;
	roster_entry_from(out, &a);
	out->revocable = revocable && staff_may_revoke(app, viewer, &a);
	sodium_memzero(&a, sizeof(a));
	return STAFF_OK;
}

staff_status_t
roster_account(const app_t *app, const staff_t *viewer, const uint8_t id[16], roster_entry_t *out)
{
	return roster_get(app, viewer, id, false, out);
}

staff_status_t
roster_revocation(const app_t *app, const staff_t *viewer, const uint8_t id[16], roster_entry_t *out)
{
	staff_status_t st = roster_get(app, viewer, id, true, out);
	return st == STAFF_OK && !out->revocable ? STAFF_DENIED : st;
}

struct key_walk {
	void (*fn)(void *ctx, const roster_entry_t *e, bool holds);
	void *ctx;
};

static void
key_each(void *ctx, const store_account_t *a, bool has_copy)
{
	struct key_walk *w = ctx;
	roster_entry_t e;
	roster_entry_from(&e, a);
	w->fn(w->ctx, &e, has_copy);
}

staff_status_t
roster_group_key(const app_t *app, const staff_t *viewer, const char *group, roster_key_t *out,
    void (*fn)(void *ctx, const roster_entry_t *e, bool holds), void *ctx)
{
	store_group_t g;
	memset(out, 0, sizeof(*out));
	uint32_t role = groups_role(group);
	if (!role || !(viewer->acct.roles & role))
		return STAFF_DENIED;
	int rc = store_group_get(app->store, group, &g);
	if (rc == STORE_NOT_FOUND)
		return STAFF_OK;
	if (rc != STORE_OK)
		return STAFF_ERROR;
	out->exists = true;
	out->epoch = g.epoch;
	out->rotation_pending = g.rotation_pending;
	out->viewer_holds = staff_group_holds(app, viewer, group) == 1;
	struct key_walk w = { fn, ctx };
	/* a group key's members are the accounts of its role */
	return store_group_members(app->store, g.id, role, key_each, &w) == STORE_OK ? STAFF_OK : STAFF_ERROR;
}

staff_status_t
roster_triage_key(const app_t *app, const staff_t *viewer, roster_key_t *out,
    void (*fn)(void *ctx, const roster_entry_t *e, bool holds), void *ctx)
{
	return roster_group_key(app, viewer, "triage", out, fn, ctx);
}
