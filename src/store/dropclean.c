/* dropclean: the rows of a drop file's cleaned copy (migration 13, drops.h): begun when
 * an analyst asks, made (the copy's attachment row added with it, in the original's
 * message) or refused with sava's own reason. Holds ids, states and hours only. */
#include <string.h>

#include "store/drops.h"
#include "store/store_private.h"

int
store_clean_begin(store_t *st, const uint8_t original[16], int64_t hour)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "INSERT INTO drop_cleans (original, state, hour) SELECT ?1, 0, ?2 WHERE EXISTS "
	        "(SELECT 1 FROM attachments WHERE id = ?1) ON CONFLICT (original) DO UPDATE SET state = 0, "
	        "reason = '', clean = NULL, hour = ?2 WHERE state = 2") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, original, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	int rc = q_done(q);
	if (rc == STORE_OK && sqlite3_changes(store_db(st)) == 0)
		rc = STORE_CONFLICT;
	return rc;
}

int
store_clean_made(store_t *st, const uint8_t original[16], const store_attachment_t *att)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "INSERT INTO attachments (id, case_id, seq, fk_wrap, blob_len, created_hour) SELECT ?1, a.case_id, a.seq, "
	        "?2, ?3, ?4 FROM attachments a JOIN drop_cleans d ON d.original = a.id WHERE a.id = ?5 AND d.state = 0") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, att->id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, att->fk_wrap, STORE_FKWRAP_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (int64_t)att->blob_len);
	sqlite3_bind_int64(q, 4, att->created_hour);
	sqlite3_bind_blob(q, 5, original, 16, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if (sqlite3_changes(store_db(st)) == 0) {
		rc = STORE_NOT_FOUND;
		goto rollback;
	}
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE drop_cleans SET state = 1, clean = ?1, hour = ?2 WHERE original = ?3") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, att->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, att->created_hour);
	sqlite3_bind_blob(q, 3, original, 16, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_clean_refused(store_t *st, const uint8_t original[16], const char *reason)
{
	sqlite3_stmt *q;
	if (strlen(reason) > STORE_CLEAN_REASON_MAX ||
	    q_prepare(st, &q, "UPDATE drop_cleans SET state = 2, reason = ?1 WHERE original = ?2 AND state = 0") != 0)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, reason, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, original, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_NOT_FOUND);
}

int
store_clean_get(store_t *st, const uint8_t id[16], store_clean_t *out)
{
	sqlite3_stmt *q;
	memset(out, 0, sizeof(*out));
	if (q_prepare(st, &q, "SELECT original, state, clean, reason, hour FROM drop_cleans WHERE original = ?1 OR clean = ?1") !=
	    0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	bool ok = true;
	if (rc == SQLITE_ROW) {
		blob_copy(out->original, 16, q, 0, &ok);
		out->state = sqlite3_column_int(q, 1);
		if (sqlite3_column_type(q, 2) == SQLITE_BLOB) {
			blob_copy(out->clean, 16, q, 2, &ok);
			out->has_clean = true;
		}
		const unsigned char *r = sqlite3_column_text(q, 3);
		snprintf_cut(out->reason, sizeof(out->reason), "%s", r ? (const char *)r : "");
		out->hour = sqlite3_column_int64(q, 4);
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE)
		return STORE_NOT_FOUND;
	return rc == SQLITE_ROW && ok ? STORE_OK : STORE_ERROR;
}

int
store_cleans_forget_making(store_t *st, size_t *n)
{
	sqlite3_stmt *q;
	*n = 0;
	if (q_prepare(st, &q, "DELETE FROM drop_cleans WHERE state = 0") != 0)
		return STORE_ERROR;
	int rc = q_done(q);
	if (rc == STORE_OK)
		*n = (size_t)sqlite3_changes(store_db(st));
	return rc;
}

int
store_clean_is_copy(store_t *st, const uint8_t id[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT 1 FROM drop_cleans WHERE clean = ?") != 0)
		return -1;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
