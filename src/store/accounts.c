/* accounts: the SQL behind staff accounts, invitations, sessions and groups. Holds
 * only what the vault made (boxes, sealed copies, public keys) and hour- or
 * day-rounded times; never a passphrase, a key or a TOTP secret in the clear. */
#include <stdio.h>
#include <string.h>

#include "store/store_private.h"

int
store_invite_add(store_t *st, const uint8_t token_hash[32], uint32_t roles, const uint8_t *note, size_t note_len,
    int64_t expires_hour)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "INSERT INTO invites (token_hash, roles, note, expires_hour) VALUES (?, ?, ?, ?)") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, roles);
	if (note && note_len)
		sqlite3_bind_blob(q, 3, note, (int)note_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 3);
	sqlite3_bind_int64(q, 4, expires_hour);
	return q_done(q);
}

int
store_invite_get(store_t *st, const uint8_t token_hash[32], int64_t now_hour, uint32_t *roles)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT roles FROM invites WHERE token_hash = ? AND expires_hour > ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now_hour);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*roles = (uint32_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int
store_invites_each(store_t *st, int64_t now_hour, void (*fn)(void *ctx, const store_invite_t *inv), void *ctx)
{
	sqlite3_stmt *q;
	store_invite_t inv;
	bool ok = true;
	int rc = SQLITE_ERROR;
	if (q_prepare(st, &q, "SELECT token_hash, roles, expires_hour FROM invites WHERE expires_hour > ? "
	                      "ORDER BY expires_hour, token_hash") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, now_hour);
	while (ok && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		blob_copy(inv.token_hash, 32, q, 0, &ok);
		inv.roles = (uint32_t)sqlite3_column_int64(q, 1);
		inv.expires_hour = sqlite3_column_int64(q, 2);
		if (ok)
			fn(ctx, &inv);
	}
	sqlite3_finalize(q);
	return ok && rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_invite_delete(store_t *st, const uint8_t token_hash[32])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "DELETE FROM invites WHERE token_hash = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, token_hash, 32, SQLITE_STATIC);
	return q_done_one(st, q, STORE_NOT_FOUND);
}

int
store_invites_delete_expired(store_t *st, int64_t now_hour, size_t *n)
{
	sqlite3_stmt *q;
	*n = 0;
	if (q_prepare(st, &q, "DELETE FROM invites WHERE expires_hour <= ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, now_hour);
	int rc = q_done(q);
	if (rc == STORE_OK)
		*n = (size_t)sqlite3_changes(store_db(st));
	return rc;
}

int
store_account_create(store_t *st, const uint8_t token_hash[32], int64_t now_hour, const store_account_t *a)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q, "DELETE FROM invites WHERE token_hash = ? AND expires_hour > ?") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now_hour);
	if (q_done(q) != STORE_OK)
		goto rollback;
	if (sqlite3_changes(store_db(st)) != 1) {
		rc = STORE_NOT_FOUND;
		goto rollback;
	}
	if (q_prepare(st, &q,
	        "INSERT INTO accounts (id, handle, roles, status, pk, wrap_pw, wrap_rec, sk_box, totp_box, created_day) "
	        "VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, a->id, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, a->handle, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, a->roles);
	sqlite3_bind_blob(q, 4, a->pk, 32, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, a->wrap_pw, sizeof(a->wrap_pw), SQLITE_STATIC);
	sqlite3_bind_blob(q, 6, a->wrap_rec, sizeof(a->wrap_rec), SQLITE_STATIC);
	sqlite3_bind_blob(q, 7, a->sk_box, sizeof(a->sk_box), SQLITE_STATIC);
	sqlite3_bind_blob(q, 8, a->totp_box, sizeof(a->totp_box), SQLITE_STATIC);
	sqlite3_bind_int64(q, 9, a->created_day);
	rc = q_done(q);
	if (rc != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc;
}


int
store_account_row(sqlite3_stmt *q, store_account_t *a)
{
	bool ok = true;
	memset(a, 0, sizeof(*a));
	blob_copy(a->id, 16, q, 0, &ok);
	const unsigned char *h = sqlite3_column_text(q, 1);
	if (!h || strlen((const char *)h) > STORE_HANDLE_MAX)
		return STORE_ERROR;
	memcpy(a->handle, h, strlen((const char *)h) + 1);
	a->roles = (uint32_t)sqlite3_column_int64(q, 2);
	a->status = sqlite3_column_int(q, 3);
	blob_copy(a->pk, 32, q, 4, &ok);
	a->created_day = sqlite3_column_int64(q, 9);
	const unsigned char *langs = sqlite3_column_text(q, 10), *loc = sqlite3_column_text(q, 11);
	if (langs)
		snprintf(a->languages, sizeof(a->languages), "%s", (const char *)langs);
	if (loc)
		snprintf(a->location, sizeof(a->location), "%s", (const char *)loc);
	a->capacity = (unsigned)sqlite3_column_int(q, 12);
	a->training = (uint32_t)sqlite3_column_int64(q, 13);
	a->active_cases = (unsigned)sqlite3_column_int(q, 14);
	if (!ok)
		return STORE_ERROR;
	a->has_secrets = sqlite3_column_type(q, 5) == SQLITE_BLOB;
	if (a->has_secrets) {
		blob_copy(a->wrap_pw, sizeof(a->wrap_pw), q, 5, &ok);
		blob_copy(a->wrap_rec, sizeof(a->wrap_rec), q, 6, &ok);
		blob_copy(a->sk_box, sizeof(a->sk_box), q, 7, &ok);
		blob_copy(a->totp_box, sizeof(a->totp_box), q, 8, &ok);
	}
	return ok ? STORE_OK : STORE_ERROR;
}

static int
account_one(sqlite3_stmt *q, store_account_t *out)
{
	int rc = sqlite3_step(q);
	int ret = rc == SQLITE_ROW ? store_account_row(q, out) : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	sqlite3_finalize(q);
	return ret;
}

int
store_account_by_handle(store_t *st, const char *handle, store_account_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE handle = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, handle, -1, SQLITE_STATIC);
	return account_one(q, out);
}

int
store_account_by_id(store_t *st, const uint8_t id[16], store_account_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	return account_one(q, out);
}

int
store_account_set_wrap_pw(store_t *st, const uint8_t id[16], const uint8_t wrap_pw[97])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE accounts SET wrap_pw = ? WHERE id = ? AND status != 2") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, wrap_pw, 97, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, id, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_NOT_FOUND);
}

int
store_account_revoke(store_t *st, const uint8_t id[16])
{
	static const char *const steps[] = {
		("UPDATE accounts SET status = 2, wrap_pw = NULL, wrap_rec = NULL, sk_box = NULL, totp_box = NULL "
		 "WHERE id = ?1"),
		"DELETE FROM sessions WHERE owner = ?1",
		("UPDATE groups SET rotation_pending = 1 "
		 "WHERE id IN (SELECT group_id FROM group_members WHERE account_id = ?1)"),
		"DELETE FROM group_members WHERE account_id = ?1",
		/* cases sealed to her directly (while the triage key awaited rotation) */
		"DELETE FROM case_copies WHERE holder_kind = 2 AND holder = ?1",
	};
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		sqlite3_stmt *q;
		if (q_prepare(st, &q, steps[i]) != 0) {
			q_exec(st, "ROLLBACK");
			return STORE_ERROR;
		}
		sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
		if (q_done(q) != STORE_OK || (i == 0 && sqlite3_changes(store_db(st)) != 1)) {
			q_exec(st, "ROLLBACK");
			return i == 0 ? STORE_NOT_FOUND : STORE_ERROR;
		}
	}
	return q_commit(st);
}

int
store_accounts_list(store_t *st, size_t offset, size_t limit, void (*fn)(void *ctx, const store_account_t *a),
    void *ctx)
{
	sqlite3_stmt *q;
	store_account_t a;
	if (q_prepare(st, &q, "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY handle LIMIT ? OFFSET ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, (int64_t)limit);
	sqlite3_bind_int64(q, 2, (int64_t)offset);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (store_account_row(q, &a) == STORE_OK)
			fn(ctx, &a);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_accounts_count(store_t *st, size_t *count)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT count(*) FROM accounts") != 0)
		return STORE_ERROR;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*count = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int
store_session_add(store_t *st, const store_session_t *s)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "INSERT INTO sessions (sid, kind, owner, box, created_hour) VALUES (?, ?, ?, ?, ?)") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, s->sid, 32, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, s->kind);
	sqlite3_bind_blob(q, 3, s->owner, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, s->box, sizeof(s->box), SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, s->created_hour);
	return q_done(q);
}

static int
session_row(sqlite3_stmt *q, store_session_t *s)
{
	bool ok = true;
	blob_copy(s->sid, 32, q, 0, &ok);
	s->kind = sqlite3_column_int(q, 1);
	blob_copy(s->owner, 16, q, 2, &ok);
	blob_copy(s->box, sizeof(s->box), q, 3, &ok);
	s->created_hour = sqlite3_column_int64(q, 4);
	return ok ? STORE_OK : STORE_ERROR;
}

int
store_session_get(store_t *st, const uint8_t sid[32], store_session_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT sid, kind, owner, box, created_hour FROM sessions WHERE sid = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, sid, 32, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int ret = rc == SQLITE_ROW ? session_row(q, out) : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	sqlite3_finalize(q);
	return ret;
}

int
store_session_delete(store_t *st, const uint8_t sid[32])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "DELETE FROM sessions WHERE sid = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, sid, 32, SQLITE_STATIC);
	return q_done(q);
}

int
store_sessions_delete_owner(store_t *st, const uint8_t owner[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "DELETE FROM sessions WHERE owner = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, owner, 16, SQLITE_STATIC);
	return q_done(q);
}

int
store_sessions_delete_others(store_t *st, const uint8_t owner[16], const uint8_t keep[32])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "DELETE FROM sessions WHERE owner = ? AND sid != ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, owner, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, keep, 32, SQLITE_STATIC);
	return q_done(q);
}

int
store_sessions_list(store_t *st, const uint8_t owner[16], void (*fn)(void *ctx, const store_session_t *s), void *ctx)
{
	sqlite3_stmt *q;
	store_session_t s;
	if (q_prepare(st, &q,
	        "SELECT sid, kind, owner, box, created_hour FROM sessions WHERE owner = ? ORDER BY created_hour DESC") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, owner, 16, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (session_row(q, &s) == STORE_OK)
			fn(ctx, &s);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_group_get(store_t *st, const char *name, store_group_t *out)
{
	sqlite3_stmt *q;
	bool ok = true;
	if (q_prepare(st, &q,
	        "SELECT id, epoch, pk, rotation_pending, reset_for, recreated_hour, recreated_by FROM groups WHERE name = ?") !=
	    0)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		blob_copy(out->id, 16, q, 0, &ok);
		out->epoch = (uint32_t)sqlite3_column_int64(q, 1);
		blob_copy(out->pk, 32, q, 2, &ok);
		out->rotation_pending = sqlite3_column_int(q, 3) != 0;
		if (sqlite3_column_type(q, 4) != SQLITE_NULL) {
			blob_copy(out->reset_for, 16, q, 4, &ok);
			out->has_reset_for = true;
		}
		if (sqlite3_column_type(q, 5) != SQLITE_NULL && sqlite3_column_type(q, 6) != SQLITE_NULL) {
			out->recreated_hour = sqlite3_column_int64(q, 5);
			blob_copy(out->recreated_by, 16, q, 6, &ok);
		}
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW)
		return ok ? STORE_OK : STORE_ERROR;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int
store_group_create(store_t *st, const char *name, const store_group_t *g, const uint8_t account_id[16],
    const uint8_t sealed[101])
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q, "INSERT INTO groups (id, name, epoch, pk, rotation_pending) VALUES (?, ?, 0, ?, 0)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, g->id, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, g->pk, 32, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if ((rc = store_group_grant(st, g->id, account_id, 0, sealed)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc;
}

int
store_group_copy(store_t *st, const uint8_t group_id[16], const uint8_t account_id[16], uint32_t *epoch,
    uint8_t sealed[101])
{
	sqlite3_stmt *q;
	bool ok = true;
	if (q_prepare(st, &q,
	        "SELECT m.epoch, m.sealed FROM group_members m JOIN groups g ON g.id = m.group_id "
	        "WHERE m.group_id = ? AND m.account_id = ? AND m.epoch = g.epoch") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, group_id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, account_id, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*epoch = (uint32_t)sqlite3_column_int64(q, 0);
		blob_copy(sealed, 101, q, 1, &ok);
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW)
		return ok ? STORE_OK : STORE_ERROR;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int
store_group_grant(store_t *st, const uint8_t group_id[16], const uint8_t account_id[16], uint32_t epoch,
    const uint8_t sealed[101])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "INSERT OR REPLACE INTO group_members (group_id, account_id, epoch, sealed) "
	        "SELECT ?, id, ?, ? FROM accounts WHERE id = ? AND status != 2") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, group_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, epoch);
	sqlite3_bind_blob(q, 3, sealed, 101, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, account_id, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_NOT_FOUND);
}

int
store_group_members(store_t *st, const uint8_t group_id[16], uint32_t role_mask,
    void (*fn)(void *ctx, const store_account_t *a, bool has_copy), void *ctx)
{
	sqlite3_stmt *q;
	store_account_t a;
	if (q_prepare(st, &q,
	        "SELECT " ACCOUNT_COLUMNS_A ", m.epoch = g.epoch "
	        "FROM accounts a JOIN groups g ON g.id = ?1 "
	        "LEFT JOIN group_members m ON m.group_id = g.id AND m.account_id = a.id "
	        "WHERE a.status != 2 AND (m.account_id IS NOT NULL OR (a.roles & ?2) != 0) ORDER BY a.handle") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, group_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, role_mask);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (store_account_row(q, &a) == STORE_OK)
			fn(ctx, &a, sqlite3_column_int(q, ACCOUNT_NCOLS) == 1);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* A new epoch in one transaction (see store_group_rotate and store_group_recreate):
 * recreate_hour 0 is an ordinary rotation; otherwise the update holds only while the
 * account was allowed the reset and nobody holds a copy. */
static int
group_new_epoch(store_t *st, const uint8_t group_id[16], uint32_t new_epoch, const uint8_t new_pk[32],
    const uint8_t link[101], const uint8_t account_id[16], const uint8_t sealed[101], int64_t recreate_hour)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (recreate_hour == 0) {
		if (q_prepare(st, &q, "UPDATE groups SET epoch = ?1, pk = ?2, rotation_pending = 0 WHERE id = ?3 AND epoch = ?4") !=
		    0)
			goto rollback;
	} else if (q_prepare(st, &q,
	               "UPDATE groups SET epoch = ?1, pk = ?2, rotation_pending = 0, reset_for = NULL, recreated_hour = ?6, "
	               "recreated_by = ?5 WHERE id = ?3 AND epoch = ?4 AND reset_for = ?5 AND NOT EXISTS "
	               "(SELECT 1 FROM group_members WHERE group_id = ?3)") != 0) {
		goto rollback;
	}
	sqlite3_bind_int64(q, 1, new_epoch);
	sqlite3_bind_blob(q, 2, new_pk, 32, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, group_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, (int64_t)new_epoch - 1);
	if (recreate_hour != 0) {
		sqlite3_bind_blob(q, 5, account_id, 16, SQLITE_STATIC);
		sqlite3_bind_int64(q, 6, recreate_hour);
	}
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if (sqlite3_changes(store_db(st)) != 1) {
		rc = STORE_CONFLICT;   /* someone else rotated first, or the reset no longer holds */
		goto rollback;
	}
	if (link) {
		if (q_prepare(st, &q, "INSERT INTO group_links (group_id, epoch, sealed) VALUES (?, ?, ?)") != 0)
			goto rollback;
		sqlite3_bind_blob(q, 1, group_id, 16, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, (int64_t)new_epoch - 1);
		sqlite3_bind_blob(q, 3, link, 101, SQLITE_STATIC);
		if ((rc = q_done(q)) != STORE_OK)
			goto rollback;
	}
	if (q_prepare(st, &q, "DELETE FROM group_members WHERE group_id = ? AND epoch < ?") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, group_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, new_epoch);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if ((rc = store_group_grant(st, group_id, account_id, new_epoch, sealed)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc;
}

int
store_group_rotate(store_t *st, const uint8_t group_id[16], uint32_t new_epoch, const uint8_t new_pk[32],
    const uint8_t link[101], const uint8_t account_id[16], const uint8_t sealed[101])
{
	return group_new_epoch(st, group_id, new_epoch, new_pk, link, account_id, sealed, 0);
}

int
store_group_recreate(store_t *st, const uint8_t group_id[16], uint32_t new_epoch, const uint8_t new_pk[32],
    const uint8_t account_id[16], const uint8_t sealed[101], int64_t hour)
{
	return group_new_epoch(st, group_id, new_epoch, new_pk, NULL, account_id, sealed, hour > 0 ? hour : 1);
}

int
store_group_reset_allow(store_t *st, const uint8_t group_id[16], const uint8_t account_id[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "UPDATE groups SET reset_for = ?2 WHERE id = ?1 AND NOT EXISTS "
	        "(SELECT 1 FROM group_members WHERE group_id = ?1)") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, group_id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, account_id, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_group_links(store_t *st, const uint8_t group_id[16], uint32_t from, uint32_t to, uint8_t (*out)[101],
    size_t max, size_t *n)
{
	sqlite3_stmt *q;
	bool ok = true;
	*n = 0;
	if (q_prepare(st, &q,
	        "SELECT epoch, sealed FROM group_links WHERE group_id = ? AND epoch < ? AND epoch >= ? ORDER BY epoch DESC") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, group_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, from);
	sqlite3_bind_int64(q, 3, to);
	int rc;
	/* consecutive from from - 1 down; a gap ends the chain */
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max &&
	    (uint32_t)sqlite3_column_int64(q, 0) == from - 1 - (uint32_t)*n)
		blob_copy(out[(*n)++], 101, q, 1, &ok);
	sqlite3_finalize(q);
	return (rc == SQLITE_DONE || rc == SQLITE_ROW) && ok ? STORE_OK : STORE_ERROR;
}

int
store_sessions_delete_all(store_t *st)
{
	return q_exec(st, "DELETE FROM sessions") == 0 ? STORE_OK : STORE_ERROR;
}
