/* drops: the offline drop's rows (migration 8): created with its case in one transaction,
 * listed for export, marked exported, found past keep_days, deleted with the blob ids
 * they named. Holds sealed and wrapped bytes only. */
#include "store/drops.h"

#include "store/store_private.h"

int
store_drop_create(store_t *st, const store_case_t *c, const store_copy_t *copies, size_t ncopies,
    const store_item_t *items, size_t nitems, const store_drop_t *d, const store_drop_stream_t *streams, size_t n)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (n == 0 || n > STORE_DROP_STREAMS_MAX || q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if ((rc = store_case_insert(st, c, copies, ncopies, items, nitems, NULL, 0)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "INSERT INTO drops (id, wrap, state, created_hour) VALUES (?, ?, 0, ?)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, d->id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, d->wrap, STORE_DROP_WRAP_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, d->created_hour);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	for (size_t i = 0; i < n; i++) {
		rc = STORE_ERROR;
		if (q_prepare(st, &q, "INSERT INTO drop_streams (drop_id, seq, id, blob_len) VALUES (?, ?, ?, ?)") != 0)
			goto rollback;
		sqlite3_bind_blob(q, 1, d->id, 16, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, (int64_t)i);
		sqlite3_bind_blob(q, 3, streams[i].id, 16, SQLITE_STATIC);
		sqlite3_bind_int64(q, 4, (int64_t)streams[i].blob_len);
		if ((rc = q_done(q)) != STORE_OK)
			goto rollback;
	}
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_drops_each(store_t *st, int state, int (*fn)(void *ctx, const store_drop_t *d), void *ctx)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "SELECT d.id, c.slot, d.wrap, d.state, d.created_hour, coalesce(d.exported_hour, 0) FROM drops d "
	        "JOIN cases c ON c.id = d.id WHERE d.state = ? ORDER BY d.created_hour, d.rowid") != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 1, state);
	int rc;
	bool ok = true;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_drop_t d;
		blob_copy(d.id, 16, q, 0, &ok);
		d.slot = (uint32_t)sqlite3_column_int64(q, 1);
		blob_copy(d.wrap, STORE_DROP_WRAP_BYTES, q, 2, &ok);
		d.state = sqlite3_column_int(q, 3);
		d.created_hour = sqlite3_column_int64(q, 4);
		d.exported_hour = sqlite3_column_int64(q, 5);
		if (!ok || fn(ctx, &d) != 0)
			break;
	}
	sqlite3_finalize(q);
	return ok && (rc == SQLITE_DONE || rc == SQLITE_ROW) ? STORE_OK : STORE_ERROR;
}

int
store_drops_count(store_t *st, int state, size_t *n)
{
	sqlite3_stmt *q;
	*n = 0;
	if (q_prepare(st, &q, "SELECT count(*) FROM drops WHERE state = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 1, state);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int
store_drop_streams(store_t *st, const uint8_t id[16], store_drop_stream_t *out, size_t max, size_t *n)
{
	sqlite3_stmt *q;
	bool ok = true;
	*n = 0;
	if (q_prepare(st, &q, "SELECT id, blob_len FROM drop_streams WHERE drop_id = ? ORDER BY seq") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == max) {
			ok = false;
			break;
		}
		blob_copy(out[*n].id, 16, q, 0, &ok);
		out[*n].blob_len = (uint64_t)sqlite3_column_int64(q, 1);
		(*n)++;
	}
	sqlite3_finalize(q);
	return ok && rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_drop_exported(store_t *st, const uint8_t id[16], int64_t hour)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE drops SET state = 1, exported_hour = ?2 WHERE id = ?1 AND state = 0") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	if ((rc = q_done_one(st, q, STORE_NOT_FOUND)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE cases SET activity_hour = ?2 WHERE id = ?1") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_drops_expired(store_t *st, int stage, int64_t before, uint8_t (*ids)[16], uint32_t *slots, size_t max,
    size_t *n)
{
	sqlite3_stmt *q;
	bool ok = true;
	*n = 0;
	if (q_prepare(st, &q,
	        "SELECT id, slot FROM cases WHERE stage = ?1 AND activity_hour < ?2 "
	        "AND id NOT IN (SELECT id FROM drops WHERE state = 0) ORDER BY activity_hour LIMIT ?3") != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 1, stage);
	sqlite3_bind_int64(q, 2, before);
	sqlite3_bind_int64(q, 3, (int64_t)max);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max) {
		blob_copy(ids[*n], 16, q, 0, &ok);
		slots[*n] = (uint32_t)sqlite3_column_int64(q, 1);
		(*n)++;
	}
	sqlite3_finalize(q);
	return ok && rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_drops_waiting_expired(store_t *st, int64_t before, uint8_t (*ids)[16], uint32_t *slots, size_t max, size_t *n)
{
	sqlite3_stmt *q;
	bool ok = true;
	*n = 0;
	if (q_prepare(st, &q,
	        "SELECT c.id, c.slot FROM drops d JOIN cases c ON c.id = d.id WHERE d.state = 0 AND d.created_hour < ?1 "
	        "ORDER BY d.created_hour LIMIT ?2") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, before);
	sqlite3_bind_int64(q, 2, (int64_t)max);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max) {
		blob_copy(ids[*n], 16, q, 0, &ok);
		slots[*n] = (uint32_t)sqlite3_column_int64(q, 1);
		(*n)++;
	}
	sqlite3_finalize(q);
	return ok && rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_drop_delete(store_t *st, const uint8_t id[16], uint8_t (*ids)[16], size_t max, size_t *n)
{
	store_drop_stream_t s[STORE_DROP_STREAMS_MAX];
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	*n = 0;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	size_t got = 0;
	if (store_drop_streams(st, id, s, STORE_DROP_STREAMS_MAX, &got) != STORE_OK || got > max)
		goto rollback;
	static const char *const steps[] = { "DELETE FROM drop_streams WHERE drop_id = ?", "DELETE FROM drops WHERE id = ?" };
	for (size_t i = 0; i < 2; i++) {
		if (q_prepare(st, &q, steps[i]) != 0)
			goto rollback;
		sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
		if ((rc = q_done(q)) != STORE_OK)
			goto rollback;
		rc = STORE_ERROR;
	}
	if (q_commit(st) != STORE_OK)
		return STORE_ERROR;
	for (size_t i = 0; i < got; i++)
		memcpy(ids[i], s[i].id, 16);
	*n = got;
	return STORE_OK;
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_drop_stream_exists(store_t *st, const uint8_t id[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT 1 FROM drop_streams WHERE id = ?") != 0)
		return -1;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
