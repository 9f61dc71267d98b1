/* store/audit: the audit table (CRYPTO.md "Audit"): append entry i with its keyed link h
 * and unkeyed link u, read the last row or one row, and walk every row in order. Rows are
 * copied into bounded buffers; what they hold is judged by domain/audit.c, not here. */
#include "store/store_private.h"

#include <string.h>

int
store_audit_append(store_t *st, uint64_t idx, const unsigned char *entry, size_t len, const unsigned char h[32],
    const unsigned char u[32])
{
	sqlite3_stmt *q;
	if (idx > INT64_MAX || len > STORE_AUDIT_ENTRY_MAX ||
	    sqlite3_prepare_v2(store_db(st), "INSERT INTO audit (idx, entry, h, u) VALUES (?, ?, ?, ?)", -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(q, 1, (int64_t)idx);
	sqlite3_bind_blob(q, 2, entry, (int)len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, h, 32, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, u, 32, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc != SQLITE_DONE)
		store_failed(store_db(st));
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Copies one blob column: *len is its stored length, at most cap bytes are copied. */
static void
store_audit_blob(sqlite3_stmt *q, int col, unsigned char *out, size_t cap, size_t *len)
{
	const void *p = sqlite3_column_blob(q, col);
	int n = sqlite3_column_bytes(q, col);
	*len = n > 0 ? (size_t)n : 0;
	memset(out, 0, cap);
	if (p && *len > 0)
		memcpy(out, p, *len < cap ? *len : cap);
}

static void
store_audit_row(sqlite3_stmt *q, store_audit_row_t *row)
{
	row->idx = sqlite3_column_int64(q, 0);
	store_audit_blob(q, 1, row->entry, sizeof(row->entry), &row->entry_len);
	store_audit_blob(q, 2, row->h, sizeof(row->h), &row->h_len);
	store_audit_blob(q, 3, row->u, sizeof(row->u), &row->u_len);
}

/* Runs a query that yields at most one row (bound to idx when has_idx). */
static int
store_audit_one(store_t *st, const char *sql, bool has_idx, uint64_t idx, store_audit_row_t *row)
{
	sqlite3_stmt *q;
	if ((has_idx && idx > INT64_MAX) || sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (has_idx)
		sqlite3_bind_int64(q, 1, (int64_t)idx);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		store_audit_row(q, row);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_audit_last(store_t *st, store_audit_row_t *row)
{
	return store_audit_one(st, "SELECT idx, entry, h, u FROM audit ORDER BY idx DESC LIMIT 1", false, 0, row);
}

int
store_audit_get(store_t *st, uint64_t idx, store_audit_row_t *row)
{
	return store_audit_one(st, "SELECT idx, entry, h, u FROM audit WHERE idx = ?", true, idx, row);
}

int
store_audit_each(store_t *st, store_audit_fn fn, void *ctx)
{
	sqlite3_stmt *q;
	store_audit_row_t row;
	if (sqlite3_prepare_v2(store_db(st), "SELECT idx, entry, h, u FROM audit ORDER BY idx", -1, &q, NULL) != SQLITE_OK)
		return -1;
	int rc, stopped = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_audit_row(q, &row);
		if (fn(ctx, &row) != 0) {
			stopped = 1;
			break;
		}
	}
	sqlite3_finalize(q);
	if (stopped)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}
