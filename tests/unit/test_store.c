/* Unit tests for store: creation with safe modes and pragmas, the instance record,
 * forward migrations on open, and refusal of a database from a newer sava. */
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "store/store.h"

static int
pragma_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int v = -1;
	if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			v = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return v;
}

static void
exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	if (sqlite3_open(path, &db) == SQLITE_OK)
		sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
}

int
main(void)
{
	char dir[] = "/tmp/sava-store-XXXXXX", path[256], err[256];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/sava.db", dir);

	store_t *st = NULL;
	CHECK(store_open(dir, &st, err, sizeof(err)) == -1 && strstr(err, "sava init"));   /* no database */
	CHECK(store_create(dir, KDF_INSECURE_FAST, &st, err, sizeof(err)) == 0);
	struct stat sb;
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	store_instance_t inst;
	CHECK(store_instance_get(st, &inst) == 0 && inst.kdf == KDF_INSECURE_FAST && inst.created_day > 20000);
	CHECK(store_check(st) == 0);
	store_close(st);
	store_t *again = NULL;
	CHECK(store_create(dir, KDF_PRODUCTION, &again, err, sizeof(err)) == -1);   /* never overwrites */

	CHECK(pragma_int(path, "PRAGMA user_version") == store_schema_version());
	{
		sqlite3 *db;
		char *mode = NULL;
		sqlite3_stmt *q;
		CHECK(sqlite3_open(path, &db) == SQLITE_OK);
		CHECK(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL) == SQLITE_OK);
		if (sqlite3_step(q) == SQLITE_ROW)
			mode = sqlite3_mprintf("%s", sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
		sqlite3_close(db);
		CHECK(mode && strcmp(mode, "wal") == 0);   /* WAL is recorded in the file */
		sqlite3_free(mode);
	}
	CHECK(store_open(dir, &st, err, sizeof(err)) == 0);   /* reopens an intact database */
	CHECK(store_instance_get(st, &inst) == 0 && inst.kdf == KDF_INSECURE_FAST);
	store_close(st);

	/* A database one schema ahead is refused with a sentence that says so. */
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_schema_version() + 1);
	exec_sql(path, sql);
	CHECK(store_open(dir, &st, err, sizeof(err)) == -1 && strstr(err, "newer sava"));

	/* An old database (version 0, empty) is migrated forward on open. */
	unlink(path);
	snprintf(path, sizeof(path), "%s/sava.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sava.db-shm", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sava.db", dir);
	exec_sql(path, "CREATE TABLE placeholder (x)");
	CHECK(store_open(dir, &st, err, sizeof(err)) == 0);
	store_close(st);
	CHECK(pragma_int(path, "PRAGMA user_version") == store_schema_version());
	CHECK(pragma_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'instance'") == 1);

	unlink(path);
	snprintf(path, sizeof(path), "%s/sava.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sava.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return check_done("store");
}
