/* store_private: the store's handle, shared only by the files of src/store/ (one file
 * per table family). Nothing outside the store sees SQLite. */
#ifndef SAVA_STORE_PRIVATE_H
#define SAVA_STORE_PRIVATE_H

#include <pthread.h>
#include <sqlite3.h>

#include "store/store.h"

/* Each thread gets its own SQLite connection (store_db), so that a transaction on one
 * thread never takes in another thread's statements and sqlite3_changes() is always
 * this thread's; SQLite's locking (WAL, busy timeout) orders the writers. */
struct store {
	sqlite3 *db;             /* the opening thread's connection */
	pthread_t owner;
	char path[4096];
	char blobs[4104];        /* DIR/blobs: the attachments' files (blobs.c) */
	char media[4104];        /* DIR/media: published files, in the clear (appeals.c) */
	int flags;
	uint64_t id;             /* unique per open store: the per-thread cache's key */
	pthread_mutex_t lock;    /* guards conns */
	sqlite3 **conns;         /* every other connection opened, closed with the store */
	size_t nconns, cap;
};

/* The calling thread's connection, opened on first use; NULL when it cannot be opened
 * (every SQLite call then fails cleanly with SQLITE_MISUSE). */
sqlite3 *store_db(store_t *st);

/* Rows of accounts (accounts.c), shared with casework.c. */
#define ACCOUNT_COLUMNS \
	"id, handle, roles, status, pk, wrap_pw, wrap_rec, sk_box, totp_box, created_day, languages, location, capacity, " \
	"training, active_cases"
#define ACCOUNT_COLUMNS_A \
	"a.id, a.handle, a.roles, a.status, a.pk, a.wrap_pw, a.wrap_rec, a.sk_box, a.totp_box, a.created_day, " \
	"a.languages, a.location, a.capacity, a.training, a.active_cases"
#define ACCOUNT_NCOLS 15
int store_account_row(sqlite3_stmt *q, store_account_t *a);

/* Rows of cases (cases.c), shared with casework.c. */
#define CASE_COLUMNS \
	"id, slot, lang, stage, epoch, pk_req_item_id, pk_req_item, created_hour, activity_hour, seq, assignee, waiting_hour"
int store_case_row(sqlite3_stmt *q, store_case_t *c);
/* Steps q (which selects CASE_COLUMNS) and calls fn for each row; finalizes q. */
int store_cases_each(sqlite3_stmt *q, int (*fn)(void *ctx, const store_case_t *c), void *ctx);
int store_copy_insert(store_t *st, const uint8_t case_id[16], uint32_t e, const store_copy_t *k);
/* Inside a transaction: every copy of a case replaced by copies (of epoch e), and the
 * links from e to e - 1 added. */
int store_epoch_replace(store_t *st, const uint8_t case_id[16], uint32_t e, const store_copy_t *copies,
    size_t ncopies, const uint8_t link[73], const uint8_t nlink[73]);
/* store_case_create's rows, inside the caller's transaction. */
int store_case_insert(store_t *st, const store_case_t *c, const store_copy_t *copies, size_t ncopies,
    const store_item_t *items, size_t nitems, const store_attachment_t *att, size_t natt);
int store_attachment_insert(store_t *st, const uint8_t case_id[16], uint32_t seq, const store_attachment_t *a);
int store_message_insert(store_t *st, const uint8_t case_id[16], uint32_t seq, const store_item_t *items,
    size_t nitems, const store_attachment_t *att, size_t natt);

/* A call on db failed: when for lack of space (SQLITE_FULL, or an I/O error with ENOSPC
 * or EDQUOT), the disk-full report gets the database's path (core/diskfull.h). */
void store_failed(sqlite3 *db);

/* Statement helpers shared by the table files. */
#include <string.h>

#include "core/diskfull.h"

static inline int
q_prepare(store_t *st, sqlite3_stmt **q, const char *sql)
{
	return sqlite3_prepare_v2(store_db(st), sql, -1, q, NULL) == SQLITE_OK ? 0 : -1;
}

/* Steps a statement that returns no rows; finalizes it. */
static inline int
q_done(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	if (rc != SQLITE_DONE)
		store_failed(sqlite3_db_handle(q));
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_CONFLICT : STORE_ERROR;
}

/* q_done for a statement that must change exactly one row: `none` when it changed none
 * (or more), else q_done's answer. */
static inline int
q_done_one(store_t *st, sqlite3_stmt *q, int none)
{
	int rc = q_done(q);
	return rc == STORE_OK && sqlite3_changes(store_db(st)) != 1 ? none : rc;
}

static inline int
q_exec(store_t *st, const char *sql)
{
	if (sqlite3_exec(store_db(st), sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	store_failed(store_db(st));
	return -1;
}

/* COMMIT; when it fails and the transaction is still open, it is rolled back, so the
 * thread's connection is never left inside a transaction. A commit that succeeds shows
 * that the disk has room again. */
static inline int
q_commit(store_t *st)
{
	if (q_exec(st, "COMMIT") == 0) {
		diskfull_clear();
		return STORE_OK;
	}
	if (!sqlite3_get_autocommit(store_db(st)))
		(void)sqlite3_exec(store_db(st), "ROLLBACK", NULL, NULL, NULL);
	return STORE_ERROR;
}

static inline void
blob_copy(uint8_t *dst, size_t n, sqlite3_stmt *q, int col, bool *ok)
{
	const void *p = sqlite3_column_blob(q, col);
	if (p && (size_t)sqlite3_column_bytes(q, col) == n)
		memcpy(dst, p, n);
	else
		*ok = false;
}

#endif
