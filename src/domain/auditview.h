/* auditview: the audit log as admins and coordinators read it in the staff pages:
 * entries decoded (audit_entry_decode), each actor named by her handle. Never a row's
 * bytes: the format stays in audit.c. */
#ifndef SAVA_AUDITVIEW_H
#define SAVA_AUDITVIEW_H

#include "domain/audit.h"
#include "domain/staff.h"

typedef struct {
	uint64_t idx;
	audit_entry_t e;
	char actor[STORE_HANDLE_MAX + 1];   /* her handle; "" when by_system or the account is gone */
} auditview_entry_t;

/* The newest entry, to compare with `sava audit`; have is false while the log is empty. */
typedef struct {
	bool have;
	uint64_t idx;
	uint8_t h[32];
} auditview_head_t;
/* STAFF_DENIED for a viewer who is neither admin nor coordinator (as for the entries). */
staff_status_t auditview_head(const app_t *app, const staff_t *viewer, auditview_head_t *out) WUR;
/* Entries from index from down to (but not past) from - n + 1, newest first, to fn; an
 * entry that is missing or has the wrong length is left out. */
staff_status_t auditview_entries(const app_t *app, const staff_t *viewer, int64_t from, size_t n,
    void (*fn)(void *ctx, const auditview_entry_t *e), void *ctx) WUR;

#endif
