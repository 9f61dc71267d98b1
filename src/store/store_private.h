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
	int flags;
	uint64_t id;             /* unique per open store: the per-thread cache's key */
	pthread_mutex_t lock;    /* guards conns */
	sqlite3 **conns;         /* every other connection opened, closed with the store */
	size_t nconns, cap;
};

/* The calling thread's connection, opened on first use; NULL when it cannot be opened
 * (every SQLite call then fails cleanly with SQLITE_MISUSE). */
sqlite3 *store_db(store_t *st);

#endif
