/* cases: the SQL behind help requests. Rows hold only what the vault made (sealed
 * copies, links, items, file-key wraps), the language, the stage, and hour-rounded
 * times; the shred key and the receipt's lookup value live in shred.kf, never here. */
#include "store/store_private.h"

int
store_case_row(sqlite3_stmt *q, store_case_t *c)
{
	bool ok = true;
	memset(c, 0, sizeof(*c));
	blob_copy(c->id, 16, q, 0, &ok);
	c->slot = (uint32_t)sqlite3_column_int64(q, 1);
	const unsigned char *lang = sqlite3_column_text(q, 2);
	if (lang && sqlite3_column_bytes(q, 2) == 2)
		memcpy(c->lang, lang, 2);
	else
		ok = false;
	c->stage = sqlite3_column_int(q, 3);
	c->epoch = (uint32_t)sqlite3_column_int64(q, 4);
	blob_copy(c->pk_req_item_id, 16, q, 5, &ok);
	blob_copy(c->pk_req_item, STORE_PKREQ_ITEM_BYTES, q, 6, &ok);
	c->created_hour = sqlite3_column_int64(q, 7);
	c->activity_hour = sqlite3_column_int64(q, 8);
	c->seq = (uint32_t)sqlite3_column_int64(q, 9);
	c->has_assignee = sqlite3_column_type(q, 10) != SQLITE_NULL;
	if (c->has_assignee)
		blob_copy(c->assignee, 16, q, 10, &ok);
	c->waiting_hour = sqlite3_column_type(q, 11) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 11);
	return ok ? STORE_OK : STORE_ERROR;
}

static int
item_insert(store_t *st, const uint8_t case_id[16], uint32_t seq, const store_item_t *it)
{
	sqlite3_stmt *q;
	if (!it->ct || it->ct_len == 0)   /* SQLite hands an empty blob back as NULL */
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "INSERT INTO items (id, case_id, seq, kind, role, field, created_hour, ct) VALUES (?, ?, ?, ?, ?, ?, ?, ?)") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, it->id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, seq);
	sqlite3_bind_int(q, 4, it->kind);
	sqlite3_bind_int(q, 5, it->role);
	sqlite3_bind_int(q, 6, it->field);
	sqlite3_bind_int64(q, 7, it->created_hour);
	sqlite3_bind_blob(q, 8, it->ct, (int)it->ct_len, SQLITE_STATIC);
	return q_done(q);
}

int
store_attachment_insert(store_t *st, const uint8_t case_id[16], uint32_t seq, const store_attachment_t *a)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "INSERT INTO attachments (id, case_id, seq, fk_wrap, blob_len, created_hour) VALUES (?, ?, ?, ?, ?, ?)") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, a->id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, seq);
	sqlite3_bind_blob(q, 4, a->fk_wrap, STORE_FKWRAP_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, (int64_t)a->blob_len);
	sqlite3_bind_int64(q, 6, a->created_hour);
	return q_done(q);
}

/* Inside the transaction that stores a copy: its holder may still hold one. A group copy
 * must be for the group's current epoch with no rotation waiting (a revoked member may know
 * that key); an account copy must be for a live account. Checking here, in the same
 * serialized order as revocation, closes the window between the caller's reads and its
 * commit (an Argon2id can stand in between), whichever path seals the copy. */
static int
copy_holder_live(store_t *st, const store_copy_t *k)
{
	sqlite3_stmt *q;
	if (k->holder_kind == HOLDER_REQUESTER)
		return STORE_OK;
	if (k->holder_kind == HOLDER_GROUP) {
		if (q_prepare(st, &q, "SELECT 1 FROM groups WHERE id = ? AND epoch = ? AND rotation_pending = 0") != 0)
			return STORE_ERROR;
		sqlite3_bind_blob(q, 1, k->holder, 16, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, k->holder_epoch);
	} else {
		if (q_prepare(st, &q, "SELECT 1 FROM accounts WHERE id = ? AND status <> 2 AND sk_box IS NOT NULL") != 0)
			return STORE_ERROR;
		sqlite3_bind_blob(q, 1, k->holder, 16, SQLITE_STATIC);
	}
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_CONFLICT : STORE_ERROR;
}

int
store_copy_insert(store_t *st, const uint8_t case_id[16], uint32_t e, const store_copy_t *k)
{
	sqlite3_stmt *q;
	int live = copy_holder_live(st, k);
	if (live != STORE_OK)
		return live;
	if (q_prepare(st, &q,
	        "INSERT INTO case_copies (case_id, e, holder_kind, holder, holder_epoch, copy, ncopy) "
	        "VALUES (?, ?, ?, ?, ?, ?, ?)") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, e);
	sqlite3_bind_int(q, 3, k->holder_kind);
	sqlite3_bind_blob(q, 4, k->holder, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, k->holder_epoch);
	sqlite3_bind_blob(q, 6, k->copy, STORE_COPY_BYTES, SQLITE_STATIC);
	if (k->has_ncopy)
		sqlite3_bind_blob(q, 7, k->ncopy, STORE_COPY_BYTES, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 7);
	return q_done(q);
}

int
store_message_insert(store_t *st, const uint8_t case_id[16], uint32_t seq, const store_item_t *items, size_t nitems,
    const store_attachment_t *att, size_t natt)
{
	int rc = STORE_OK;
	for (size_t i = 0; i < nitems && rc == STORE_OK; i++)
		rc = item_insert(st, case_id, seq, &items[i]);
	for (size_t i = 0; i < natt && rc == STORE_OK; i++)
		rc = store_attachment_insert(st, case_id, seq, &att[i]);
	return rc;
}

int
store_case_insert(store_t *st, const store_case_t *c, const store_copy_t *copies, size_t ncopies,
    const store_item_t *items, size_t nitems, const store_attachment_t *att, size_t natt)
{
	sqlite3_stmt *q;
	int rc;
	if (q_prepare(st, &q, "INSERT INTO cases (" CASE_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, ?8)") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, c->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, c->slot);
	sqlite3_bind_text(q, 3, c->lang, 2, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, c->stage);
	sqlite3_bind_int64(q, 5, c->epoch);
	sqlite3_bind_blob(q, 6, c->pk_req_item_id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 7, c->pk_req_item, STORE_PKREQ_ITEM_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(q, 8, c->created_hour);
	sqlite3_bind_int64(q, 9, c->activity_hour);
	if ((rc = q_done(q)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < ncopies; i++)
		if ((rc = store_copy_insert(st, c->id, c->epoch, &copies[i])) != STORE_OK)
			return rc;
	return store_message_insert(st, c->id, 1, items, nitems, att, natt);
}

int
store_case_create(store_t *st, const store_case_t *c, const store_copy_t *copies, size_t ncopies,
    const store_item_t *items, size_t nitems, const store_attachment_t *att, size_t natt)
{
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	int rc = store_case_insert(st, c, copies, ncopies, items, nitems, att, natt);
	if (rc == STORE_OK)
		return q_commit(st);
	q_exec(st, "ROLLBACK");
	return rc;
}

int
store_case_get(store_t *st, const uint8_t id[16], store_case_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT " CASE_COLUMNS " FROM cases WHERE id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int out_rc = rc == SQLITE_ROW ? store_case_row(q, out) : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	sqlite3_finalize(q);
	return out_rc;
}

static int
copy_query(sqlite3_stmt *q, store_copy_t *out)
{
	bool ok = true;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->holder_kind = sqlite3_column_int(q, 0);
		blob_copy(out->holder, 16, q, 1, &ok);
		out->holder_epoch = (uint32_t)sqlite3_column_int64(q, 2);
		blob_copy(out->copy, STORE_COPY_BYTES, q, 3, &ok);
		if (sqlite3_column_type(q, 4) != SQLITE_NULL) {
			blob_copy(out->ncopy, STORE_COPY_BYTES, q, 4, &ok);
			out->has_ncopy = true;
		}
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW)
		return ok ? STORE_OK : STORE_ERROR;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

#define COPY_SELECT \
	"SELECT k.holder_kind, k.holder, k.holder_epoch, k.copy, k.ncopy FROM case_copies k " \
	"JOIN cases c ON c.id = k.case_id AND c.epoch = k.e WHERE k.case_id = ? "

int
store_case_copy(store_t *st, const uint8_t case_id[16], int holder_kind, const uint8_t holder[16], store_copy_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, COPY_SELECT "AND k.holder_kind = ? AND k.holder = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, holder_kind);
	sqlite3_bind_blob(q, 3, holder, 16, SQLITE_STATIC);
	return copy_query(q, out);
}

int
store_case_group_copy(store_t *st, const uint8_t case_id[16], store_copy_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, COPY_SELECT "AND k.holder_kind = 1 LIMIT 1") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	return copy_query(q, out);
}

int
store_case_links(store_t *st, const uint8_t case_id[16], int kind, uint32_t e, uint8_t (*out)[73], size_t max,
    size_t *n)
{
	sqlite3_stmt *q;
	bool ok = true;
	*n = 0;
	if (q_prepare(st, &q, "SELECT e, link FROM case_links WHERE case_id = ? AND kind = ? AND e < ? ORDER BY e DESC") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, kind);
	sqlite3_bind_int64(q, 3, e);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max && (uint32_t)sqlite3_column_int64(q, 0) == e - 1 - (uint32_t)*n)
		blob_copy(out[(*n)++], STORE_LINK_BYTES, q, 1, &ok);
	sqlite3_finalize(q);
	return (rc == SQLITE_DONE || rc == SQLITE_ROW) && ok ? STORE_OK : STORE_ERROR;
}

int
store_case_add(store_t *st, const uint8_t case_id[16], const store_item_t *items, size_t nitems,
    const store_attachment_t *att, size_t natt, int64_t hour, int from_stage, int to_stage, int waiting,
    uint32_t *seq_out)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "UPDATE cases SET seq = seq + 1, activity_hour = ?2, "
	        "stage = CASE WHEN stage = ?3 THEN ?4 ELSE stage END, "
	        "waiting_hour = CASE ?5 WHEN 1 THEN coalesce(waiting_hour, ?2) WHEN -1 THEN NULL ELSE waiting_hour END "
	        "WHERE id = ?1 RETURNING seq") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	sqlite3_bind_int(q, 3, from_stage);
	sqlite3_bind_int(q, 4, to_stage);
	sqlite3_bind_int(q, 5, waiting);
	int step = sqlite3_step(q);
	uint32_t seq = step == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(q, 0) : 0;
	if (step == SQLITE_ROW)
		step = sqlite3_step(q);
	sqlite3_finalize(q);
	if (step != SQLITE_DONE || seq == 0) {
		rc = seq == 0 && step == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
		goto rollback;
	}
	if ((rc = store_message_insert(st, case_id, seq, items, nitems, att, natt)) != STORE_OK)
		goto rollback;
	if (q_commit(st) != STORE_OK)
		return STORE_ERROR;
	*seq_out = seq;
	return STORE_OK;
rollback:
	q_exec(st, "ROLLBACK");
	return rc;
}

static int
items_each(sqlite3_stmt *q, int (*fn)(void *ctx, const store_item_t *it), void *ctx, bool *any)
{
	int rc;
	*any = false;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_item_t it;
		bool ok = true;
		memset(&it, 0, sizeof(it));
		blob_copy(it.id, 16, q, 0, &ok);
		it.seq = (uint32_t)sqlite3_column_int64(q, 1);
		it.kind = sqlite3_column_int(q, 2);
		it.role = sqlite3_column_int(q, 3);
		it.field = sqlite3_column_int(q, 4);
		it.created_hour = sqlite3_column_int64(q, 5);
		it.ct = sqlite3_column_blob(q, 6);
		it.ct_len = (size_t)sqlite3_column_bytes(q, 6);
		if (!ok || !it.ct) {
			rc = SQLITE_ERROR;
			break;
		}
		*any = true;
		if (fn(ctx, &it) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

#define ITEM_SELECT "SELECT id, seq, kind, role, field, created_hour, ct FROM items WHERE case_id = ? "

int
store_case_items(store_t *st, const uint8_t case_id[16], int (*fn)(void *ctx, const store_item_t *it), void *ctx)
{
	sqlite3_stmt *q;
	bool any;
	if (q_prepare(st, &q, ITEM_SELECT "ORDER BY seq, field") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	return items_each(q, fn, ctx, &any);
}

int
store_case_item(store_t *st, const uint8_t case_id[16], uint32_t seq, int field,
    int (*fn)(void *ctx, const store_item_t *it), void *ctx)
{
	sqlite3_stmt *q;
	bool any;
	if (q_prepare(st, &q, ITEM_SELECT "AND seq = ? AND field = ? ORDER BY rowid LIMIT 1") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, seq);
	sqlite3_bind_int(q, 3, field);
	int rc = items_each(q, fn, ctx, &any);
	return rc == STORE_OK && !any ? STORE_NOT_FOUND : rc;
}

static int
attachment_row(sqlite3_stmt *q, store_attachment_t *a)
{
	bool ok = true;
	memset(a, 0, sizeof(*a));
	blob_copy(a->id, 16, q, 0, &ok);
	blob_copy(a->case_id, 16, q, 1, &ok);
	a->seq = (uint32_t)sqlite3_column_int64(q, 2);
	blob_copy(a->fk_wrap, STORE_FKWRAP_BYTES, q, 3, &ok);
	a->blob_len = (uint64_t)sqlite3_column_int64(q, 4);
	a->created_hour = sqlite3_column_int64(q, 5);
	return ok ? STORE_OK : STORE_ERROR;
}

#define ATTACHMENT_SELECT "SELECT id, case_id, seq, fk_wrap, blob_len, created_hour FROM attachments "

int
store_case_attachments(store_t *st, const uint8_t case_id[16], int (*fn)(void *ctx, const store_attachment_t *a),
    void *ctx)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, ATTACHMENT_SELECT "WHERE case_id = ? ORDER BY seq, rowid") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_attachment_t a;
		if (attachment_row(q, &a) != STORE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		if (fn(ctx, &a) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_attachment_get(store_t *st, const uint8_t id[16], store_attachment_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, ATTACHMENT_SELECT "WHERE id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int out_rc = rc == SQLITE_ROW ? attachment_row(q, out) : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	sqlite3_finalize(q);
	return out_rc;
}

int
store_attachment_exists(store_t *st, const uint8_t id[16])
{
	store_attachment_t a;
	int rc = store_attachment_get(st, id, &a);
	return rc == STORE_OK ? 1 : rc == STORE_NOT_FOUND ? 0 : -1;
}

int
store_cases_each(sqlite3_stmt *q, int (*fn)(void *ctx, const store_case_t *c), void *ctx)
{
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_case_t c;
		if (store_case_row(q, &c) != STORE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		if (fn(ctx, &c) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_cases_list(store_t *st, int lo, int hi, size_t offset, size_t limit, int (*fn)(void *ctx, const store_case_t *c),
    void *ctx)
{
	sqlite3_stmt *q;
	/* the triage queue has its own partial index (a literal condition, so SQLite uses it) */
	const char *sql = lo == 0 && hi == 1
	    ? "SELECT " CASE_COLUMNS " FROM cases WHERE stage <= 1 AND ?1 = 0 AND ?2 = 1 "
	      "ORDER BY created_hour DESC, rowid DESC LIMIT ?3 OFFSET ?4"
	    : "SELECT " CASE_COLUMNS " FROM cases WHERE stage BETWEEN ?1 AND ?2 "
	      "ORDER BY created_hour DESC, rowid DESC LIMIT ?3 OFFSET ?4";
	if (q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 1, lo);
	sqlite3_bind_int(q, 2, hi);
	sqlite3_bind_int64(q, 3, (int64_t)limit);
	sqlite3_bind_int64(q, 4, (int64_t)offset);
	return store_cases_each(q, fn, ctx);
}

int
store_cases_count(store_t *st, int lo, int hi, size_t *n)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT count(*) FROM cases WHERE stage BETWEEN ? AND ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 1, lo);
	sqlite3_bind_int(q, 2, hi);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int
store_case_count_items(store_t *st, const uint8_t case_id[16], int role, int field, int64_t since_hour, size_t *all,
    size_t *recent)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "SELECT count(*), count(*) FILTER (WHERE created_hour >= ?4) FROM items "
	        "WHERE case_id = ?1 AND role = ?2 AND field = ?3") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, role);
	sqlite3_bind_int(q, 3, field);
	sqlite3_bind_int64(q, 4, since_hour);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*all = (size_t)sqlite3_column_int64(q, 0);
		*recent = (size_t)sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int
store_epoch_replace(store_t *st, const uint8_t case_id[16], uint32_t e, const store_copy_t *copies, size_t ncopies,
    const uint8_t link[73], const uint8_t nlink[73])
{
	sqlite3_stmt *q;
	int rc;
	if (q_prepare(st, &q, "DELETE FROM case_copies WHERE case_id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < ncopies; i++)
		if ((rc = store_copy_insert(st, case_id, e, &copies[i])) != STORE_OK)
			return rc;
	for (int kind = 0; kind < 2; kind++) {
		if (q_prepare(st, &q, "INSERT INTO case_links (case_id, kind, e, link) VALUES (?, ?, ?, ?)") != 0)
			return STORE_ERROR;
		sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
		sqlite3_bind_int(q, 2, kind);
		sqlite3_bind_int64(q, 3, (int64_t)e - 1);
		sqlite3_bind_blob(q, 4, kind == 0 ? link : nlink, STORE_LINK_BYTES, SQLITE_STATIC);
		if ((rc = q_done(q)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

int
store_cases_to_rekey(store_t *st, const uint8_t group_id[16], int lo, int hi, uint32_t epoch, uint32_t min_epoch,
    const uint8_t after[16], uint8_t (*out)[16], size_t max, size_t *n)
{
	sqlite3_stmt *q;
	bool ok = true;
	*n = 0;
	if (q_prepare(st, &q,
	        "SELECT c.id FROM cases c WHERE c.id > ?5 AND c.stage BETWEEN ?6 AND ?7 AND EXISTS (SELECT 1 FROM "
	        "case_copies k WHERE k.case_id = c.id AND k.holder_kind <> 0) AND (NOT EXISTS (SELECT 1 FROM case_copies k WHERE "
	        "k.case_id = c.id AND k.e = c.epoch AND k.holder_kind = 1 AND k.holder = ?1 AND k.holder_epoch >= ?2) "
	        "OR c.assignee IN (SELECT id FROM accounts WHERE status = 2)) "
	        "AND NOT EXISTS (SELECT 1 FROM case_copies k WHERE k.case_id = c.id AND k.e = c.epoch "
	        "AND k.holder_kind = 1 AND k.holder = ?1 AND k.holder_epoch < ?4) "
	        "ORDER BY c.id LIMIT ?3") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, group_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, epoch);
	sqlite3_bind_int64(q, 3, (int64_t)max);
	sqlite3_bind_int64(q, 4, min_epoch);
	sqlite3_bind_blob(q, 5, after, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 6, lo);
	sqlite3_bind_int(q, 7, hi);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max)
		blob_copy(out[(*n)++], 16, q, 0, &ok);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE && ok ? STORE_OK : STORE_ERROR;
}

int
store_case_epoch(store_t *st, const uint8_t case_id[16], uint32_t e, const store_copy_t *copies, size_t ncopies,
    const uint8_t link[73], const uint8_t nlink[73], bool clear_assignee)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (e == 0 || q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "UPDATE cases SET epoch = ?2, assignee = CASE WHEN ?4 THEN NULL ELSE assignee END "
	        "WHERE id = ?1 AND epoch = ?3") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, e);
	sqlite3_bind_int64(q, 3, (int64_t)e - 1);
	sqlite3_bind_int(q, 4, clear_assignee ? 1 : 0);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if (sqlite3_changes(store_db(st)) != 1) {
		rc = STORE_CONFLICT;
		goto rollback;
	}
	if ((rc = store_epoch_replace(st, case_id, e, copies, ncopies, link, nlink)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc;
}

int
store_case_shred_pending(store_t *st, const uint8_t id[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE cases SET shred_pending = 1 WHERE id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_NOT_FOUND);
}

int
store_cases_expired(store_t *st, const store_stages_t *sg, int64_t open_before, int64_t closed_before,
    int64_t rejected_before, uint8_t (*ids)[16], uint32_t *slots, bool *pending, size_t max, size_t *n)
{
	sqlite3_stmt *q;
	bool ok = true;
	*n = 0;
	if (q_prepare(st, &q,
	        "SELECT id, slot, shred_pending FROM cases WHERE ((stage < ?5 OR stage = ?7) AND activity_hour < ?1) "
	        "OR (stage = ?5 AND activity_hour < ?2) OR (stage = ?6 AND activity_hour < ?3) OR shred_pending = 1 "
	        "OR (stage = ?8 AND activity_hour < ?3 AND id IN (SELECT id FROM appeals WHERE state = 5)) "
	        "OR (stage = ?8 AND activity_hour < ?1 AND id IN (SELECT id FROM appeals WHERE state IN (0, 1))) "
	        "ORDER BY shred_pending DESC, activity_hour LIMIT ?4") != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 5, sg->closed);
	sqlite3_bind_int(q, 6, sg->rejected);
	sqlite3_bind_int(q, 7, sg->application);
	sqlite3_bind_int(q, 8, sg->appeal);
	sqlite3_bind_int64(q, 1, open_before);
	sqlite3_bind_int64(q, 2, closed_before);
	sqlite3_bind_int64(q, 3, rejected_before);
	sqlite3_bind_int64(q, 4, (int64_t)max);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max) {
		blob_copy(ids[*n], 16, q, 0, &ok);
		slots[*n] = (uint32_t)sqlite3_column_int64(q, 1);
		pending[*n] = sqlite3_column_int(q, 2) != 0;
		(*n)++;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE && ok ? STORE_OK : STORE_ERROR;
}

int
store_case_delete(store_t *st, const store_stages_t *sg, const uint8_t case_id[16], uint8_t (*att)[16], size_t max,
    size_t *natt)
{
	static const char *const steps[] = {
		"DELETE FROM case_copies WHERE case_id = ?1",
		"DELETE FROM case_links WHERE case_id = ?1",
		"DELETE FROM items WHERE case_id = ?1",
		"DELETE FROM attachments WHERE case_id = ?1",
		"DELETE FROM sessions WHERE owner = ?1 AND kind = 2",
		/* an appeal's row outlives its case: it keeps its state and hours, no file */
		"DELETE FROM media_jobs WHERE object = ?1",
		"UPDATE appeals SET original = NULL, clean = NULL, poster = NULL WHERE id = ?1",
		("UPDATE accounts SET active_cases = active_cases - 1 WHERE active_cases > 0 AND "
		 "id = (SELECT assignee FROM cases WHERE id = ?1 AND stage < ?2)"),
		"DELETE FROM cases WHERE id = ?1",
	};
	sqlite3_stmt *q;
	bool ok = true;
	int rc = STORE_ERROR;
	*natt = 0;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q, "SELECT id FROM attachments WHERE case_id = ?") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(q)) == SQLITE_ROW && *natt < max)
		blob_copy(att[(*natt)++], 16, q, 0, &ok);
	sqlite3_finalize(q);
	if ((step != SQLITE_DONE && step != SQLITE_ROW) || !ok)
		goto rollback;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (q_prepare(st, &q, steps[i]) != 0)
			goto rollback;
		sqlite3_bind_blob(q, 1, case_id, 16, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(q) >= 2)
			sqlite3_bind_int(q, 2, sg->closed);
		if ((rc = q_done(q)) != STORE_OK)
			goto rollback;
	}
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_compact(store_t *st)
{
	sqlite3_stmt *q;
	int64_t freelist = 0, pages = 0;
	if (q_prepare(st, &q, "SELECT (SELECT freelist_count FROM pragma_freelist_count), "
	                      "(SELECT page_count FROM pragma_page_count)") != 0)
		return STORE_ERROR;
	if (sqlite3_step(q) == SQLITE_ROW) {
		freelist = sqlite3_column_int64(q, 0);
		pages = sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	if (freelist > 256 && freelist * 4 > pages && q_exec(st, "VACUUM") != 0)
		return STORE_ERROR;
	return q_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)") == 0 ? STORE_OK : STORE_ERROR;
}

int
store_cases_slots(store_t *st, int (*fn)(void *ctx, const uint8_t id[16], uint32_t slot), void *ctx)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT id, slot FROM cases") != 0)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const void *id = sqlite3_column_blob(q, 0);
		if (!id || sqlite3_column_bytes(q, 0) != 16) {
			rc = SQLITE_ERROR;
			break;
		}
		if (fn(ctx, id, (uint32_t)sqlite3_column_int64(q, 1)) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}
