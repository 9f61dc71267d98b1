/* casework: the SQL behind the volunteer network and case work: staff profiles, the
 * roster, suggestions for assignment, assignment itself (with the Owls' counts of active
 * cases kept in the same transaction), an Owl's cases, and the coordinators' boards. */
#include <stdint.h>
#include <stdio.h>

#include "store/store_private.h"

int
store_account_set_profile(store_t *st, const uint8_t id[16], const char *languages, const char *location,
    unsigned capacity, bool paused)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "UPDATE accounts SET languages = ?2, location = ?3, capacity = ?4, "
	        "status = CASE WHEN status = 2 THEN 2 ELSE ?5 END WHERE id = ?1") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, languages, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, location, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, (int)capacity);
	sqlite3_bind_int(q, 5, paused ? 1 : 0);
	return q_done_one(st, q, STORE_NOT_FOUND);
}

int
store_account_set_training(store_t *st, const uint8_t id[16], uint32_t training)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE accounts SET training = ?2 WHERE id = ?1") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, training);
	return q_done_one(st, q, STORE_NOT_FOUND);
}

#define ROSTER_WHERE \
	"WHERE (?1 = '' OR (',' || languages || ',') LIKE ('%,' || ?1 || ',%')) AND (?2 < 0 OR status = ?2) " \
	"AND (?3 = 0 OR (status = 0 AND active_cases < capacity)) AND (?4 = 0 OR (roles & ?4) != 0) "

static void
roster_bind(sqlite3_stmt *q, const store_roster_filter_t *f)
{
	sqlite3_bind_text(q, 1, f->language ? f->language : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, f->status);
	sqlite3_bind_int(q, 3, f->free_only ? 1 : 0);
	sqlite3_bind_int64(q, 4, f->role_mask);
}

static int
accounts_each(sqlite3_stmt *q, void (*fn)(void *ctx, const store_account_t *a), void *ctx)
{
	int rc;
	store_account_t a;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (store_account_row(q, &a) == STORE_OK)
			fn(ctx, &a);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

struct roster_each_ctx {
	void (*fn)(void *ctx, const store_account_t *a);
	void *ctx;
	size_t left;
	bool more;
};

static void
roster_one(void *arg, const store_account_t *a)
{
	struct roster_each_ctx *r = arg;
	if (r->left == 0) {
		r->more = true;   /* the one past the page */
		return;
	}
	r->left--;
	r->fn(r->ctx, a);
}

int
store_roster(store_t *st, const store_roster_filter_t *f, size_t offset, size_t limit,
    void (*fn)(void *ctx, const store_account_t *a), void *ctx, size_t *total, bool *more)
{
	sqlite3_stmt *q;
	bool filtered = (f->language && f->language[0]) || f->status >= 0 || f->free_only || f->role_mask;
	*total = SIZE_MAX;
	if (!filtered) {
		if (q_prepare(st, &q, "SELECT count(*) FROM accounts") != 0)
			return STORE_ERROR;
		int rc = sqlite3_step(q);
		*total = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(q, 0) : 0;
		sqlite3_finalize(q);
		if (rc != SQLITE_ROW)
			return STORE_ERROR;
	}
	if (q_prepare(st, &q, "SELECT " ACCOUNT_COLUMNS " FROM accounts " ROSTER_WHERE "ORDER BY handle LIMIT ?5 OFFSET ?6") != 0)
		return STORE_ERROR;
	roster_bind(q, f);
	sqlite3_bind_int64(q, 5, (int64_t)limit + 1);
	sqlite3_bind_int64(q, 6, (int64_t)offset);
	struct roster_each_ctx r = { fn, ctx, limit, false };
	int rc = accounts_each(q, roster_one, &r);
	*more = r.more;
	return rc;
}

int
store_owl_suggestions(store_t *st, const char *language, size_t limit, void (*fn)(void *ctx, const store_account_t *a),
    void *ctx)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE status = 0 AND (roles & 4) != 0 "
	        "AND active_cases < capacity AND (',' || languages || ',') LIKE ('%,' || ?1 || ',%') "
	        "ORDER BY active_cases, handle LIMIT ?2") != 0)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, language, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (int64_t)limit);
	return accounts_each(q, fn, ctx);
}

/* Runs sql (binding ?1 to a, ?2 to b) inside the caller's transaction; 0 or a STORE_ code. */
static int
exec2(store_t *st, const char *sql, const uint8_t a[16], const uint8_t *b)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, a, 16, SQLITE_STATIC);
	if (b)
		sqlite3_bind_blob(q, 2, b, 16, SQLITE_STATIC);
	return q_done(q);
}

/* The record of an assignment as a new message of the case (a notes item). */
static int
record(store_t *st, const uint8_t case_id[16], const store_item_t *items, size_t nitems, int64_t hour)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE cases SET seq = seq + 1, activity_hour = ?2 WHERE id = ?1 RETURNING seq") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	int step = sqlite3_step(q);
	uint32_t seq = step == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(q, 0) : 0;
	if (step == SQLITE_ROW)
		step = sqlite3_step(q);
	sqlite3_finalize(q);
	if (step != SQLITE_DONE || seq == 0)
		return STORE_ERROR;
	return store_message_insert(st, case_id, seq, items, nitems, NULL, 0);
}

/* Inside an assignment's transaction: the Owl is still an account that may hold a copy.
 * Revocation deletes every copy sealed to an account in its own transaction; checking here,
 * in the same serialized order, means no copy is ever sealed to an account revoked a moment
 * before (the page's own check ran before the key work, outside any transaction). */
static int
assignee_live(store_t *st, const uint8_t owl[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT 1 FROM accounts WHERE id = ? AND status <> 2 AND sk_box IS NOT NULL") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, owl, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_CONFLICT : STORE_ERROR;
}

int
store_case_assign(store_t *st, const uint8_t case_id[16], uint32_t e, const uint8_t owl[16], const store_copy_t *copy,
    const store_item_t *items, size_t nitems, int64_t hour)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if ((rc = assignee_live(st, owl)) != STORE_OK)
		goto rollback;
	if (q_prepare(st, &q, "UPDATE cases SET assignee = ?2 WHERE id = ?1 AND epoch = ?3 AND assignee IS NULL") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, owl, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, e);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if (sqlite3_changes(store_db(st)) != 1) {
		rc = STORE_CONFLICT;
		goto rollback;
	}
	if ((rc = store_copy_insert(st, case_id, e, copy)) != STORE_OK ||
	    (rc = exec2(st,
	         "UPDATE accounts SET active_cases = active_cases + 1 WHERE id = ?2 AND "
	         "EXISTS (SELECT 1 FROM cases WHERE id = ?1 AND stage < " STORE_STR(STORE_STAGE_CLOSED) ")",
	         case_id, owl)) != STORE_OK ||
	    (rc = record(st, case_id, items, nitems, hour)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_case_reassign(store_t *st, const uint8_t case_id[16], uint32_t e, const uint8_t from[16], const uint8_t owl[16],
    const store_copy_t *copies, size_t ncopies, const uint8_t link[73], const uint8_t nlink[73],
    const store_item_t *items, size_t nitems, int64_t hour)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (e == 0 || q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if ((rc = assignee_live(st, owl)) != STORE_OK)
		goto rollback;
	/* the counts first, while the case still names its old Owl and stage */
	if ((rc = exec2(st,
	         "UPDATE accounts SET active_cases = active_cases - 1 WHERE active_cases > 0 AND id = ?2 AND "
	         "EXISTS (SELECT 1 FROM cases WHERE id = ?1 AND stage < " STORE_STR(STORE_STAGE_CLOSED) ")",
	         case_id, from)) != STORE_OK ||
	    (rc = exec2(st,
	         "UPDATE accounts SET active_cases = active_cases + 1 WHERE id = ?2 AND "
	         "EXISTS (SELECT 1 FROM cases WHERE id = ?1 AND stage < " STORE_STR(STORE_STAGE_CLOSED) ")",
	         case_id, owl)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE cases SET epoch = ?2, assignee = ?4 WHERE id = ?1 AND epoch = ?3 AND assignee = ?5") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, e);
	sqlite3_bind_int64(q, 3, (int64_t)e - 1);
	sqlite3_bind_blob(q, 4, owl, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, from, 16, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if (sqlite3_changes(store_db(st)) != 1) {
		rc = STORE_CONFLICT;
		goto rollback;
	}
	if ((rc = store_epoch_replace(st, case_id, e, copies, ncopies, link, nlink)) != STORE_OK)
		goto rollback;
	if ((rc = record(st, case_id, items, nitems, hour)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

static int
count_where(store_t *st, const char *sql, const uint8_t *blob, int64_t num, size_t *n)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	if (blob)
		sqlite3_bind_blob(q, 1, blob, 16, SQLITE_STATIC);
	else
		sqlite3_bind_int64(q, 1, num);
	int rc = sqlite3_step(q);
	*n = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int
store_cases_of(store_t *st, const uint8_t owl[16], size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_case_t *c), void *ctx, size_t *total)
{
	sqlite3_stmt *q;
	if (count_where(st, "SELECT count(*) FROM cases WHERE assignee = ?1", owl, 0, total) != STORE_OK ||
	    q_prepare(st, &q,
	        "SELECT " CASE_COLUMNS " FROM cases WHERE assignee = ?1 "
	        "ORDER BY stage >= " STORE_STR(STORE_STAGE_CLOSED) ", waiting_hour IS NULL, waiting_hour, activity_hour DESC LIMIT ?2 OFFSET ?3") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, owl, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (int64_t)limit);
	sqlite3_bind_int64(q, 3, (int64_t)offset);
	return store_cases_each(q, fn, ctx);
}

int
store_stage_counts(store_t *st, size_t counts[STORE_STAGES])
{
	sqlite3_stmt *q;
	for (int i = 0; i < STORE_STAGES; i++)
		counts[i] = 0;
	if (q_prepare(st, &q, "SELECT stage, count(*) FROM cases GROUP BY stage") != 0)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int stage = sqlite3_column_int(q, 0);
		if (stage >= 0 && stage < STORE_STAGES)
			counts[stage] = (size_t)sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_cases_waiting(store_t *st, int64_t before_hour, size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_case_t *c), void *ctx, size_t *total)
{
	sqlite3_stmt *q;
	if (count_where(st, "SELECT count(*) FROM cases WHERE waiting_hour < ?1 AND stage < " STORE_STR(STORE_STAGE_CLOSED), NULL, before_hour, total) !=
	        STORE_OK ||
	    q_prepare(st, &q,
	        "SELECT " CASE_COLUMNS " FROM cases WHERE waiting_hour < ?1 AND stage < " STORE_STR(STORE_STAGE_CLOSED) " "
	        "ORDER BY waiting_hour, rowid LIMIT ?2 OFFSET ?3") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, before_hour);
	sqlite3_bind_int64(q, 2, (int64_t)limit);
	sqlite3_bind_int64(q, 3, (int64_t)offset);
	return store_cases_each(q, fn, ctx);
}

#define FILTER_WHERE \
	" FROM cases WHERE stage BETWEEN ?1 AND ?2 AND (?3 = '' OR lang = ?3) AND (?4 = 0 OR assignee IS NULL) " \
	"AND (?5 IS NULL OR assignee = ?5) AND (?6 = 0 OR waiting_hour < ?6)"

static void
filter_bind(sqlite3_stmt *q, const store_case_filter_t *f)
{
	sqlite3_bind_int(q, 1, f->lo);
	sqlite3_bind_int(q, 2, f->hi);
	sqlite3_bind_text(q, 3, f->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, f->unassigned);
	if (f->owl)
		sqlite3_bind_blob(q, 5, f->owl, 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 5);
	sqlite3_bind_int64(q, 6, f->waiting_before);
}

int
store_cases_filtered(store_t *st, const store_case_filter_t *f, size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_case_t *c), void *ctx, size_t *total)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT count(*)" FILTER_WHERE) != 0)
		return STORE_ERROR;
	filter_bind(q, f);
	int rc = sqlite3_step(q);
	*total = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return STORE_ERROR;
	if (limit == 0)
		return STORE_OK;
	if (q_prepare(st, &q, f->oldest_first
	            ? "SELECT " CASE_COLUMNS FILTER_WHERE
	              " ORDER BY waiting_hour IS NULL, waiting_hour, created_hour, rowid LIMIT ?7 OFFSET ?8"
	            : "SELECT " CASE_COLUMNS FILTER_WHERE
	              " ORDER BY waiting_hour IS NULL, waiting_hour, created_hour DESC, rowid DESC LIMIT ?7 OFFSET ?8") != 0)
		return STORE_ERROR;
	filter_bind(q, f);
	sqlite3_bind_int64(q, 7, (int64_t)limit);
	sqlite3_bind_int64(q, 8, (int64_t)offset);
	return store_cases_each(q, fn, ctx);
}

int
store_case_stage(store_t *st, const uint8_t case_id[16], int from, int to, const store_item_t *items, size_t nitems,
    int64_t hour)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (to >= STORE_STAGE_CLOSED && from < STORE_STAGE_CLOSED &&
	    (rc = exec2(st,
	         "UPDATE accounts SET active_cases = active_cases - 1 WHERE active_cases > 0 AND "
	         "id = (SELECT assignee FROM cases WHERE id = ?1)",
	         case_id, NULL)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE cases SET stage = ?2 WHERE id = ?1 AND stage = ?3") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, to);
	sqlite3_bind_int(q, 3, from);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if (sqlite3_changes(store_db(st)) != 1) {
		rc = STORE_CONFLICT;
		goto rollback;
	}
	if ((rc = record(st, case_id, items, nitems, hour)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_case_record(store_t *st, const uint8_t case_id[16], const store_item_t *items, size_t nitems, int64_t hour)
{
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	int rc = record(st, case_id, items, nitems, hour);
	if (rc != STORE_OK) {
		q_exec(st, "ROLLBACK");
		return rc;
	}
	return q_commit(st);
}
