/* auditview: the audit log for the staff pages (auditview.h): reads rows from the store,
 * decodes them with audit.c's decoder, and names each actor by her handle. Who may read
 * the log is decided here. Sees no key: the log holds no content. */
#include "domain/auditview.h"

#include <string.h>

static bool
auditview_visible(const staff_t *viewer)
{
	return (viewer->acct.roles & (ROLE_ADMIN | ROLE_COORDINATOR)) != 0;
}

staff_status_t
auditview_head(const app_t *app, const staff_t *viewer, auditview_head_t *out)
{
	store_audit_row_t row;
	memset(out, 0, sizeof(*out));
	if (!auditview_visible(viewer))
		return STAFF_DENIED;
	int last = store_audit_last(app->store, &row);
	if (last < 0)
		return STAFF_ERROR;
	if (last == 1) {
		out->have = true;
		out->idx = (uint64_t)row.idx;
		memcpy(out->h, row.h, 32);
	}
	return STAFF_OK;
}

staff_status_t
auditview_entries(const app_t *app, const staff_t *viewer, int64_t from, size_t n,
    void (*fn)(void *ctx, const auditview_entry_t *e), void *ctx)
{
	store_audit_row_t row;
	store_account_t actor;
	if (!auditview_visible(viewer))
		return STAFF_DENIED;
	for (int64_t i = from; i >= 0 && i > from - (int64_t)n; i--) {
		auditview_entry_t v;
		memset(&v, 0, sizeof(v));
		if (store_audit_get(app->store, (uint64_t)i, &row) != 1 ||
		    audit_entry_decode(row.entry, row.entry_len, &v.e) != 0)
			continue;
		v.idx = (uint64_t)row.idx;
		if (!v.e.by_system && store_account_by_id(app->store, v.e.actor, &actor) == STORE_OK)
			memcpy(v.actor, actor.handle, sizeof(v.actor));
		fn(ctx, &v);
	}
	return STAFF_OK;
}
