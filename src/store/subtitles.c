/* subtitles: the SQL of subtitle versions and tasks (subtitles.h). Every change of state
 * is one statement conditional on the state it comes from and on who acts, so the
 * two-person rules hold even when two people press at once. */
#include "store/subtitles.h"

#include <stdio.h>

#include "store/store_private.h"

#define TASK_COLUMNS "id, case_id, src, lang, kind, claimant, claimed_until, version, created_hour"
#define VER_COLUMNS \
	"case_id, lang, version, item, kind, role, field, state, author, reviewer, approver, created_hour"

static void
text_of(char *dst, size_t cap, sqlite3_stmt *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q, col);
	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static bool
opt_id(uint8_t dst[16], sqlite3_stmt *q, int col, bool *ok)
{
	if (sqlite3_column_type(q, col) == SQLITE_NULL)
		return false;
	blob_copy(dst, 16, q, col, ok);
	return true;
}

static int
task_row(sqlite3_stmt *q, store_subtask_t *t)
{
	bool ok = true;
	memset(t, 0, sizeof(*t));
	blob_copy(t->id, 16, q, 0, &ok);
	blob_copy(t->appeal, 16, q, 1, &ok);
	text_of(t->src, sizeof(t->src), q, 2);
	text_of(t->lang, sizeof(t->lang), q, 3);
	t->kind = sqlite3_column_int(q, 4);
	t->has_claimant = opt_id(t->claimant, q, 5, &ok);
	t->claimed_until = sqlite3_column_int64(q, 6);
	t->version = (uint32_t)sqlite3_column_int64(q, 7);
	t->created_hour = sqlite3_column_int64(q, 8);
	return ok ? STORE_OK : STORE_ERROR;
}

static int
tasks_each(sqlite3_stmt *q, int (*fn)(void *ctx, const store_subtask_t *t), void *ctx)
{
	store_subtask_t t;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (task_row(q, &t) != STORE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		if (fn(ctx, &t) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_subtasks_create(store_t *st, const uint8_t appeal[16], const char *src, const char (*langs)[4],
    const uint8_t (*ids)[16], size_t n, int64_t hour)
{
	sqlite3_stmt *q;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	for (size_t i = 0; i < n; i++) {
		if (q_prepare(st, &q,
		        "INSERT OR IGNORE INTO sub_tasks (id, case_id, src, lang, kind, created_hour) VALUES (?, ?, ?, ?, ?, ?)") !=
		    0)
			goto rollback;
		sqlite3_bind_blob(q, 1, ids[i], 16, SQLITE_STATIC);
		sqlite3_bind_blob(q, 2, appeal, 16, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, src, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, langs[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 5, strcmp(src, langs[i]) == 0 ? STORE_SUBTASK_TRANSCRIBE : STORE_SUBTASK_WAITING);
		sqlite3_bind_int64(q, 6, hour);
		if (q_done(q) != STORE_OK)
			goto rollback;
	}
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return STORE_ERROR;
}

static int
task_one(sqlite3_stmt *q, store_subtask_t *out)
{
	int rc = sqlite3_step(q);
	int r = rc == SQLITE_ROW ? task_row(q, out) : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	sqlite3_finalize(q);
	return r;
}

int
store_subtask_get(store_t *st, const uint8_t id[16], store_subtask_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT " TASK_COLUMNS " FROM sub_tasks WHERE id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	return task_one(q, out);
}

int
store_subtask_of(store_t *st, const uint8_t appeal[16], const char *lang, store_subtask_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT " TASK_COLUMNS " FROM sub_tasks WHERE case_id = ? AND lang = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	return task_one(q, out);
}

int
store_subtasks_each(store_t *st, const uint8_t appeal[16], int (*fn)(void *ctx, const store_subtask_t *t), void *ctx)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT " TASK_COLUMNS " FROM sub_tasks WHERE case_id = ? ORDER BY lang") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	return tasks_each(q, fn, ctx);
}

#define QUEUE_WHERE \
	" FROM sub_tasks WHERE kind BETWEEN 1 AND 4 AND (?1 = '' OR src = ?1) AND (?2 = '' OR lang = ?2) AND " \
	"(CASE WHEN ?3 IS NULL THEN claimant IS NULL OR claimed_until <= ?4 ELSE claimant = ?3 AND claimed_until > ?4 END)"

static void
queue_bind(sqlite3_stmt *q, const char *src, const char *lang, const uint8_t *mine, int64_t now_hour)
{
	sqlite3_bind_text(q, 1, src, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	if (mine)
		sqlite3_bind_blob(q, 3, mine, 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 3);
	sqlite3_bind_int64(q, 4, now_hour);
}

int
store_subtasks_queue(store_t *st, const char *src, const char *lang, const uint8_t *mine, int64_t now_hour,
    size_t offset, size_t limit, int (*fn)(void *ctx, const store_subtask_t *t), void *ctx, size_t *total)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT count(*)" QUEUE_WHERE) != 0)
		return STORE_ERROR;
	queue_bind(q, src, lang, mine, now_hour);
	int rc = sqlite3_step(q);
	*total = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW ||
	    q_prepare(st, &q, "SELECT " TASK_COLUMNS QUEUE_WHERE " ORDER BY created_hour, rowid LIMIT ?5 OFFSET ?6") != 0)
		return STORE_ERROR;
	queue_bind(q, src, lang, mine, now_hour);
	sqlite3_bind_int64(q, 5, (int64_t)limit);
	sqlite3_bind_int64(q, 6, (int64_t)offset);
	return tasks_each(q, fn, ctx);
}

int
store_subtask_claim(store_t *st, const uint8_t id[16], const uint8_t who[16], int64_t until_hour, int64_t now_hour)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "UPDATE sub_tasks SET claimant = ?2, claimed_until = ?3 WHERE id = ?1 AND kind BETWEEN 1 AND 4 AND "
	        "(claimant IS NULL OR claimed_until <= ?4 OR claimant = ?2)") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, who, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, until_hour);
	sqlite3_bind_int64(q, 4, now_hour);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_subtask_release(store_t *st, const uint8_t id[16], const uint8_t who[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE sub_tasks SET claimant = NULL, claimed_until = NULL WHERE id = ? AND claimant = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, who, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_subtask_move(store_t *st, const uint8_t id[16], int from, int to, uint32_t version)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "UPDATE sub_tasks SET kind = ?3, version = ?4, claimant = NULL, claimed_until = NULL "
	        "WHERE id = ?1 AND kind = ?2") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, from);
	sqlite3_bind_int(q, 3, to);
	sqlite3_bind_int64(q, 4, version);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_subtasks_unblock(store_t *st, const uint8_t appeal[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE sub_tasks SET kind = 2 WHERE case_id = ? AND kind = 0") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	return q_done(q);
}

/* ---- versions ---- */

static int
ver_row(sqlite3_stmt *q, store_subver_t *v, bool with_ct)
{
	bool ok = true;
	memset(v, 0, sizeof(*v));
	blob_copy(v->appeal, 16, q, 0, &ok);
	text_of(v->lang, sizeof(v->lang), q, 1);
	v->version = (uint32_t)sqlite3_column_int64(q, 2);
	blob_copy(v->item, 16, q, 3, &ok);
	v->kind = sqlite3_column_int(q, 4);
	v->role = sqlite3_column_int(q, 5);
	v->field = sqlite3_column_int(q, 6);
	v->state = sqlite3_column_int(q, 7);
	blob_copy(v->author, 16, q, 8, &ok);
	v->has_reviewer = opt_id(v->reviewer, q, 9, &ok);
	v->has_approver = opt_id(v->approver, q, 10, &ok);
	v->created_hour = sqlite3_column_int64(q, 11);
	if (with_ct) {
		v->ct = sqlite3_column_blob(q, 12);
		v->ct_len = (size_t)sqlite3_column_bytes(q, 12);
		if (!v->ct)
			ok = false;
	}
	return ok ? STORE_OK : STORE_ERROR;
}

int
store_subver_add(store_t *st, const store_subver_t *v, uint32_t *version)
{
	sqlite3_stmt *q;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q, "SELECT coalesce(max(version), 0) + 1 FROM sub_versions WHERE case_id = ? AND lang = ?") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, v->appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, v->lang, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	*version = rc == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW ||
	    q_prepare(st, &q,
	        "INSERT INTO sub_versions (case_id, lang, version, item, kind, role, field, state, author, created_hour, ct) "
	        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, v->appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, v->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, *version);
	sqlite3_bind_blob(q, 4, v->item, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 5, v->kind);
	sqlite3_bind_int(q, 6, v->role);
	sqlite3_bind_int(q, 7, v->field);
	sqlite3_bind_int(q, 8, STORE_SUBVER_DRAFT);
	sqlite3_bind_blob(q, 9, v->author, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 10, v->created_hour);
	sqlite3_bind_blob(q, 11, v->ct, (int)v->ct_len, SQLITE_STATIC);
	if (q_done(q) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return STORE_ERROR;
}

int
store_subver_replace(store_t *st, const store_subver_t *v)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "UPDATE sub_versions SET item = ?4, ct = ?5, kind = ?6, role = ?7, field = ?8, created_hour = ?9 "
	        "WHERE case_id = ?1 AND lang = ?2 AND version = ?3 AND state = 0 AND author = ?10") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, v->appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, v->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, v->version);
	sqlite3_bind_blob(q, 4, v->item, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, v->ct, (int)v->ct_len, SQLITE_STATIC);
	sqlite3_bind_int(q, 6, v->kind);
	sqlite3_bind_int(q, 7, v->role);
	sqlite3_bind_int(q, 8, v->field);
	sqlite3_bind_int64(q, 9, v->created_hour);
	sqlite3_bind_blob(q, 10, v->author, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_subver_get(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version, int state,
    int (*fn)(void *ctx, const store_subver_t *v), void *ctx)
{
	sqlite3_stmt *q;
	store_subver_t v;
	if (q_prepare(st, &q,
	        "SELECT " VER_COLUMNS ", ct FROM sub_versions WHERE case_id = ?1 AND lang = ?2 AND "
	        "(?3 = 0 OR version = ?3) AND (?4 < 0 OR state = ?4) ORDER BY version DESC LIMIT 1") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, version);
	sqlite3_bind_int(q, 4, state);
	int rc = sqlite3_step(q), out;
	if (rc == SQLITE_ROW)
		out = ver_row(q, &v, true) == STORE_OK ? (fn(ctx, &v), STORE_OK) : STORE_ERROR;
	else
		out = rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	sqlite3_finalize(q);
	return out;
}

int
store_subvers_each(store_t *st, const uint8_t appeal[16], const char *lang, int (*fn)(void *ctx, const store_subver_t *v),
    void *ctx)
{
	sqlite3_stmt *q;
	store_subver_t v;
	if (q_prepare(st, &q, "SELECT " VER_COLUMNS " FROM sub_versions WHERE case_id = ? AND lang = ? ORDER BY version DESC") !=
	    0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (ver_row(q, &v, false) != STORE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		if (fn(ctx, &v) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

static int
ver_move(store_t *st, const char *sql, const uint8_t appeal[16], const char *lang, uint32_t version, const uint8_t *who)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, version);
	if (who)
		sqlite3_bind_blob(q, 4, who, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_subver_submit(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version, const uint8_t who[16])
{
	return ver_move(st,
	    "UPDATE sub_versions SET state = 1 WHERE case_id = ?1 AND lang = ?2 AND version = ?3 AND state = 0 AND "
	    "author = ?4",
	    appeal, lang, version, who);
}

int
store_subver_back(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version)
{
	return ver_move(st,
	    "UPDATE sub_versions SET state = 0, reviewer = NULL WHERE case_id = ?1 AND lang = ?2 AND version = ?3 AND "
	    "state IN (1, 2)",
	    appeal, lang, version, NULL);
}

int
store_subver_review(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version, const uint8_t who[16])
{
	return ver_move(st,
	    "UPDATE sub_versions SET state = 2, reviewer = ?4 WHERE case_id = ?1 AND lang = ?2 AND version = ?3 AND "
	    "state = 1 AND author != ?4",
	    appeal, lang, version, who);
}

int
store_subver_approve(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version, const uint8_t who[16])
{
	return ver_move(st,
	    "UPDATE sub_versions SET state = 3, approver = ?4 WHERE case_id = ?1 AND lang = ?2 AND version = ?3 AND "
	    "state = 2 AND author != ?4 AND reviewer IS NOT NULL AND reviewer != ?4",
	    appeal, lang, version, who);
}

int
store_sub_approved_langs(store_t *st, const uint8_t appeal[16], int (*fn)(void *ctx, const char *lang), void *ctx)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT DISTINCT lang FROM sub_versions WHERE case_id = ? AND state = 3 ORDER BY lang") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(q, 0);
		if (t && fn(ctx, (const char *)t) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}
