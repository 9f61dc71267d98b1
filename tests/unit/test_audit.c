/* Unit tests for the audit log: entry encoding, decoding and action names, appends through
 * audit_append (also from several threads at once), the ratchet in keys/instance.key,
 * audit_verify against edits, deletions, reorderings and rewrites made with sqlite3, and
 * the reconcile at start after a simulated crash between the commit and the ratchet. */
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "domain/audit.h"
#include "store/store.h"
#include "vault/vault.h"

#define MAX_ROWS 128

static char db_path[256];
static char ik_path[256];

static sqlite3 *
db_open(void)
{
	sqlite3 *db = NULL;
	if (sqlite3_open(db_path, &db) != SQLITE_OK)
		return NULL;
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static int
db_exec(const char *sql)
{
	sqlite3 *db = db_open();
	int rc = db ? sqlite3_exec(db, sql, NULL, NULL, NULL) : SQLITE_ERROR;
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Writes row r (entry of entry_len bytes) as idx, replacing any row with that idx. */
static int
db_put(int64_t idx, const store_audit_row_t *r, size_t entry_len)
{
	sqlite3 *db = db_open();
	sqlite3_stmt *q;
	int rc = SQLITE_ERROR;
	if (db && sqlite3_exec(db, "PRAGMA ignore_check_constraints = ON", NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO audit (idx, entry, h, u) VALUES (?, ?, ?, ?)", -1, &q, NULL) ==
	        SQLITE_OK) {
		sqlite3_bind_int64(q, 1, idx);
		sqlite3_bind_blob(q, 2, r->entry, (int)entry_len, SQLITE_STATIC);
		sqlite3_bind_blob(q, 3, r->h, 32, SQLITE_STATIC);
		sqlite3_bind_blob(q, 4, r->u, 32, SQLITE_STATIC);
		rc = sqlite3_step(q);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
db_delete(int64_t idx)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE idx = %lld", (long long)idx);
	return db_exec(sql);
}

typedef struct {
	store_audit_row_t rows[MAX_ROWS];
	size_t n;
} saved_t;

static int
save_row(void *ctx, const store_audit_row_t *row)
{
	saved_t *s = ctx;
	if (s->n == MAX_ROWS)
		return 1;
	s->rows[s->n++] = *row;
	return 0;
}

/* Puts the log back exactly as saved. */
static int
restore(const saved_t *s)
{
	if (db_exec("DELETE FROM audit") != 0)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		if (db_put(s->rows[i].idx, &s->rows[i], s->rows[i].entry_len) != 0)
			return -1;
	return 0;
}

/* The audit index and key in keys/instance.key. */
static int
key_file(uint64_t *idx, unsigned char key[32])
{
	unsigned char rec[40];
	int fd = open(ik_path, O_RDONLY);
	ssize_t n = fd >= 0 ? pread(fd, rec, sizeof(rec), 56) : -1;
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof(rec))
		return -1;
	*idx = 0;
	for (int b = 7; b >= 0; b--)
		*idx = *idx << 8 | rec[b];
	memcpy(key, rec + 8, 32);
	return 0;
}

static int
key_file_raw(unsigned char rec[40], int write)
{
	int fd = open(ik_path, write ? O_WRONLY : O_RDONLY);
	ssize_t n = fd < 0 ? -1 : write ? pwrite(fd, rec, 40, 56) : pread(fd, rec, 40, 56);
	if (fd >= 0)
		close(fd);
	return n == 40 ? 0 : -1;
}

/* K_n from K_0. */
static void
ratchet(const unsigned char k0[32], uint64_t n, unsigned char out[32])
{
	unsigned char k[32];
	memcpy(k, k0, 32);
	for (uint64_t i = 0; i < n; i++) {
		crypto_kdf_derive_from_key(out, 32, 1, "savaAUDK", k);
		memcpy(k, out, 32);
	}
	memcpy(out, k, 32);
}

typedef struct {
	vault_t *v;
	store_t *st;
	int failures;
	uint8_t actor[16];
} worker_t;

static void *
worker(void *arg)
{
	worker_t *w = arg;
	for (int i = 0; i < 8; i++)
		if (audit_append(w->v, w->st, w->actor, AUDIT_LOGIN_OK, w->actor) != 0)
			w->failures++;
	return NULL;
}

/* Writes row i as audit_append would, but "crashes" before the ratchet. */
static int
append_without_ratchet(vault_t *v, store_t *st, int corrupt_h)
{
	store_audit_row_t last;
	uint8_t entry[AUDIT_ENTRY_BYTES];
	unsigned char h[32], u[32];
	uint64_t i;
	if (store_audit_last(st, &last) != 1)
		return -1;
	audit_entry_encode(entry, time(NULL), NULL, AUDIT_LOGOUT, NULL);
	if (vault_audit_next(v, last.h, entry, sizeof(entry), &i, h) != 0 || i != (uint64_t)last.idx + 1)
		return -1;
	vault_audit_link(NULL, last.u, i, entry, sizeof(entry), u);
	h[0] ^= (unsigned char)corrupt_h;
	return store_audit_append(st, i, entry, sizeof(entry), h, u);
}

static void
test_encoding(void)
{
	uint8_t e[AUDIT_ENTRY_BYTES], actor[16], object[16];
	memset(actor, 0xaa, sizeof(actor));
	memset(object, 0xbb, sizeof(object));
	audit_entry_encode(e, 7 * 3600 + 1234, actor, AUDIT_GROUP_ROTATE, object);
	CHECK(e[0] == (uint8_t)(7 * 3600) && e[1] == (uint8_t)((7 * 3600) >> 8) && e[2] == 0);   /* hour-rounded */
	CHECK(memcmp(e + 8, actor, 16) == 0 && memcmp(e + 26, object, 16) == 0);
	CHECK(e[24] == 13 && e[25] == 0);
	audit_entry_t d;
	CHECK(audit_entry_decode(e, sizeof(e), &d) == 0 && d.t == 7 * 3600 && !d.by_system &&
	    memcmp(d.actor, actor, 16) == 0 && d.action == AUDIT_GROUP_ROTATE && d.has_object &&
	    memcmp(d.object, object, 16) == 0);
	CHECK(audit_entry_decode(e, sizeof(e) - 1, &d) == -1);
	audit_entry_encode(e, 0, NULL, AUDIT_INSTANCE_CREATED, NULL);
	CHECK(e[24] == 1 && e[8] == 0 && e[41] == 0);
	CHECK(audit_entry_decode(e, sizeof(e), &d) == 0 && d.by_system && !d.has_object &&
	    d.action == AUDIT_INSTANCE_CREATED);
	e[25] = 3;   /* a code from a later sava: decoded as it is */
	CHECK(audit_entry_decode(e, sizeof(e), &d) == 0 && d.action == (audit_action_t)(3 << 8 | 1));
	/* Codes are stored: they never change. */
	CHECK(AUDIT_INSTANCE_CREATED == 1 && AUDIT_ENROLL == 2 && AUDIT_LOGIN_FAIL == 4 && AUDIT_GROUP_ROTATE == 13);
	CHECK(strcmp(audit_action_name(AUDIT_INSTANCE_CREATED), "instance created") == 0);
	CHECK(strcmp(audit_action_name(AUDIT_LOGIN_FAIL), "login failed") == 0);
	CHECK(strcmp(audit_action_name((audit_action_t)999), "unknown action") == 0);
	for (int a = AUDIT_INSTANCE_CREATED; a <= AUDIT_GROUP_ROTATE; a++)
		CHECK(strcmp(audit_action_name((audit_action_t)a), "unknown action") != 0);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_encoding();

	char dir[] = "/tmp/sava-audit-XXXXXX", path[256], err[512];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/keys", dir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(db_path, sizeof(db_path), "%s/sava.db", dir);
	snprintf(ik_path, sizeof(ik_path), "%s/keys/instance.key", dir);

	/* An instance as `sava init` makes it: entry 0 under K_0, K_1 in the key file. */
	uint8_t e0[AUDIT_ENTRY_BYTES];
	audit_entry_encode(e0, time(NULL), NULL, AUDIT_INSTANCE_CREATED, NULL);
	vault_audit_first_t first;
	store_t *st = NULL;
	vault_t *v = NULL;
	CHECK(vault_instance_create(dir, KDF_INSECURE_FAST, e0, sizeof(e0), &first, err, sizeof(err)) == 0);
	CHECK(store_create(dir, KDF_INSECURE_FAST, &st, err, sizeof(err)) == 0);
	CHECK(store_audit_append(st, 0, e0, sizeof(e0), first.h, first.u) == 0);
	CHECK(store_audit_append(st, 0, e0, sizeof(e0), first.h, first.u) == -1);   /* never twice */
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == 0);
	if (!st || !v)
		return check_done("audit");
	unsigned char k0[32], wrong[32], key[32], want[32];
	memcpy(k0, first.k0, 32);
	memcpy(wrong, k0, 32);
	wrong[31] ^= 1;
	CHECK(audit_reconcile(v, st, err, sizeof(err)) == 0);
	CHECK(vault_audit_index(v) == 1);

	struct stat before, after;
	CHECK(stat(ik_path, &before) == 0);

	/* A chain of several entries. */
	uint8_t actor[16], object[16];
	randombytes_buf(actor, sizeof(actor));
	randombytes_buf(object, sizeof(object));
	static const audit_action_t actions[] = { AUDIT_INVITE, AUDIT_ENROLL, AUDIT_LOGIN_FAIL, AUDIT_LOGIN_OK,
		AUDIT_GROUP_KEY_CREATE };
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		CHECK(audit_append(v, st, i ? actor : NULL, actions[i], i > 2 ? object : NULL) == 0);
	CHECK(vault_audit_index(v) == 6);

	/* The key file was rewritten in place (same inode, size and mode) with K_6 and 6. */
	uint64_t at = 0;
	CHECK(stat(ik_path, &after) == 0 && after.st_ino == before.st_ino && after.st_size == 192 &&
	      (after.st_mode & 0777) == 0600);
	CHECK(key_file(&at, key) == 0 && at == 6);
	ratchet(k0, 6, want);
	CHECK(memcmp(key, want, 32) == 0);

	/* Each row holds h_i = H(K_i, h_{i-1} | i | entry) and u_i = H(u_{i-1} | i | entry),
	 * recomputed here from K_0 independently. */
	{
		saved_t s = { .n = 0 };
		unsigned char hprev[32] = { 0 }, uprev[32] = { 0 }, link[32];
		CHECK(store_audit_each(st, save_row, &s) == 0 && s.n == 6);
		for (size_t i = 0; i < s.n; i++) {
			ratchet(k0, i, key);
			CHECK(s.rows[i].idx == (int64_t)i && s.rows[i].entry_len == AUDIT_ENTRY_BYTES);
			vault_audit_link(key, hprev, i, s.rows[i].entry, AUDIT_ENTRY_BYTES, link);
			CHECK(memcmp(link, s.rows[i].h, 32) == 0);
			vault_audit_link(NULL, uprev, i, s.rows[i].entry, AUDIT_ENTRY_BYTES, link);
			CHECK(memcmp(link, s.rows[i].u, 32) == 0);
			memcpy(hprev, s.rows[i].h, 32);
			memcpy(uprev, s.rows[i].u, 32);
		}
		CHECK(s.rows[2].entry[24] == AUDIT_ENROLL && memcmp(s.rows[2].entry + 8, actor, 16) == 0);
		CHECK(memcmp(s.rows[5].entry + 26, object, 16) == 0);
		store_audit_row_t last;
		CHECK(store_audit_last(st, &last) == 1 && last.idx == 5 && memcmp(last.h, s.rows[5].h, 32) == 0);
		CHECK(store_audit_get(st, 3, &last) == 1 && last.idx == 3);
		CHECK(store_audit_get(st, 99, &last) == 0);
	}

	audit_verify_t r;
	CHECK(audit_verify(st, NULL, NULL, &r) == 0 && r.status == AUDIT_VERIFY_OK && r.entries == 6 && r.head_idx == 5 &&
	      !r.keyed);
	CHECK(audit_verify(st, k0, dir, &r) == 0 && r.keyed && r.key_checked && r.key_index == 6 && !r.key_pending);
	CHECK(audit_verify(st, k0, NULL, &r) == 0 && r.keyed && !r.key_checked);
	CHECK(audit_verify(st, wrong, dir, &r) == -1 && r.status == AUDIT_VERIFY_KEYED && r.bad_idx == 0);

	/* Appends from several threads at once are serialized: one chain, no gap. */
	{
		pthread_t t[4];
		worker_t w[4];
		for (int i = 0; i < 4; i++) {
			w[i] = (worker_t){ .v = v, .st = st };
			memset(w[i].actor, i + 1, 16);
			CHECK(pthread_create(&t[i], NULL, worker, &w[i]) == 0);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(t[i], NULL);
			CHECK(w[i].failures == 0);
		}
	}
	CHECK(vault_audit_index(v) == 38);
	CHECK(audit_verify(st, k0, dir, &r) == 0 && r.entries == 38 && r.key_index == 38);

	/* The key survives a restart. */
	vault_close(v);
	v = NULL;
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == 0);
	if (!v)
		return check_done("audit");
	CHECK(vault_audit_index(v) == 38 && audit_reconcile(v, st, err, sizeof(err)) == 0);

	/* Tampering, made with sqlite3 directly; verify names the first bad entry. */
	static saved_t s;
	CHECK(store_audit_each(st, save_row, &s) == 0 && s.n == 38);
	store_audit_row_t t;

	t = s.rows[7];   /* one bit of one entry */
	t.entry[30] ^= 0x10;
	CHECK(db_put(7, &t, AUDIT_ENTRY_BYTES) == 0);
	CHECK(audit_verify(st, NULL, NULL, &r) == -1 && r.status == AUDIT_VERIFY_UNKEYED && r.bad_idx == 7 &&
	      r.entries == 7);
	CHECK(audit_verify(st, k0, dir, &r) == -1 && r.status == AUDIT_VERIFY_UNKEYED && r.bad_idx == 7);
	CHECK(restore(&s) == 0 && audit_verify(st, k0, dir, &r) == 0);

	CHECK(db_delete(4) == 0);   /* a row deleted */
	CHECK(audit_verify(st, NULL, NULL, &r) == -1 && r.status == AUDIT_VERIFY_MISSING && r.bad_idx == 4 &&
	      r.found_idx == 5);
	CHECK(restore(&s) == 0);

	CHECK(db_delete(0) == 0);   /* the first row deleted */
	CHECK(audit_verify(st, NULL, NULL, &r) == -1 && r.status == AUDIT_VERIFY_MISSING && r.bad_idx == 0);
	CHECK(restore(&s) == 0);

	/* Two rows swapped, links and all. */
	CHECK(db_put(2, &s.rows[3], AUDIT_ENTRY_BYTES) == 0 && db_put(3, &s.rows[2], AUDIT_ENTRY_BYTES) == 0);
	CHECK(audit_verify(st, NULL, NULL, &r) == -1 && r.status == AUDIT_VERIFY_UNKEYED && r.bad_idx == 2);
	CHECK(restore(&s) == 0);

	/* Two entries swapped and every later unkeyed link recomputed: only K_0 tells. */
	{
		unsigned char uprev[32];
		memcpy(uprev, s.rows[1].u, 32);
		for (size_t i = 2; i < s.n; i++) {
			t = s.rows[i == 2 ? 3 : i == 3 ? 2 : i];
			t.idx = (int64_t)i;
			vault_audit_link(NULL, uprev, i, t.entry, AUDIT_ENTRY_BYTES, t.u);
			memcpy(uprev, t.u, 32);
			CHECK(db_put((int64_t)i, &t, AUDIT_ENTRY_BYTES) == 0);
		}
		CHECK(audit_verify(st, NULL, NULL, &r) == 0 && r.entries == 38);
		CHECK(audit_verify(st, k0, dir, &r) == -1 && r.status == AUDIT_VERIFY_KEYED && r.bad_idx == 2);
		CHECK(restore(&s) == 0);
	}

	t = s.rows[9];   /* a keyed link alone */
	t.h[0] ^= 1;
	CHECK(db_put(9, &t, AUDIT_ENTRY_BYTES) == 0);
	CHECK(audit_verify(st, NULL, NULL, &r) == 0);
	CHECK(audit_verify(st, k0, dir, &r) == -1 && r.status == AUDIT_VERIFY_KEYED && r.bad_idx == 9);
	CHECK(restore(&s) == 0);

	CHECK(db_put(6, &s.rows[6], 41) == 0);   /* a short entry, past the CHECK constraint */
	CHECK(audit_verify(st, NULL, NULL, &r) == -1 && r.status == AUDIT_VERIFY_LENGTH && r.bad_idx == 6 &&
	      r.bad_len == 41);
	CHECK(restore(&s) == 0);

	CHECK(db_delete(37) == 0);   /* cut from the end: the unkeyed chain cannot tell, the key file can */
	CHECK(audit_verify(st, NULL, NULL, &r) == 0 && r.entries == 37);
	CHECK(audit_verify(st, k0, dir, &r) == -1 && r.status == AUDIT_VERIFY_KEY_AHEAD && r.key_index == 38 &&
	      r.entries == 37);
	CHECK(restore(&s) == 0);

	CHECK(db_exec("DELETE FROM audit") == 0);
	CHECK(audit_verify(st, NULL, NULL, &r) == -1 && r.status == AUDIT_VERIFY_EMPTY);
	CHECK(restore(&s) == 0 && audit_verify(st, k0, dir, &r) == 0);

	/* Crash between the commit of row 38 and the ratchet: verify says the ratchet is
	 * pending, and the reconcile at the next start checks the row and finishes it. */
	CHECK(append_without_ratchet(v, st, 0) == 0);
	CHECK(vault_audit_index(v) == 38 && key_file(&at, key) == 0 && at == 38);
	CHECK(audit_verify(st, k0, dir, &r) == 0 && r.entries == 39 && r.key_pending && r.key_index == 38);
	vault_close(v);
	v = NULL;
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == 0);
	if (!v)
		return check_done("audit");
	CHECK(audit_reconcile(v, st, err, sizeof(err)) == 0);
	CHECK(vault_audit_index(v) == 39 && key_file(&at, key) == 0 && at == 39);
	ratchet(k0, 39, want);
	CHECK(memcmp(key, want, 32) == 0);
	CHECK(audit_verify(st, k0, dir, &r) == 0 && r.entries == 39 && !r.key_pending);

	/* The same crash while running: the next append finishes the ratchet first. */
	CHECK(append_without_ratchet(v, st, 0) == 0);
	CHECK(audit_append(v, st, actor, AUDIT_LOGOUT, actor) == 0);
	CHECK(vault_audit_index(v) == 41 && audit_verify(st, k0, dir, &r) == 0 && r.entries == 41);

	/* A row at the vault's index whose h does not match its key is not "finished". */
	CHECK(append_without_ratchet(v, st, 1) == 0);
	CHECK(audit_reconcile(v, st, err, sizeof(err)) == -1 && strstr(err, "disagree") && strstr(err, "41"));
	CHECK(audit_append(v, st, actor, AUDIT_LOGOUT, actor) == -1);
	CHECK(vault_audit_index(v) == 41);
	CHECK(db_delete(41) == 0 && audit_reconcile(v, st, err, sizeof(err)) == 0);

	/* The ratchet refuses the wrong index, and a key file someone else changed. */
	CHECK(vault_audit_advance(v, 40) == -1 && vault_audit_advance(v, 42) == -1 && vault_audit_index(v) == 41);
	{
		unsigned char rec[40], other[40];
		CHECK(append_without_ratchet(v, st, 0) == 0);
		CHECK(key_file_raw(rec, 0) == 0);
		memcpy(other, rec, sizeof(other));
		other[20] ^= 1;
		CHECK(key_file_raw(other, 1) == 0);
		CHECK(vault_audit_advance(v, 41) == -1 && vault_audit_index(v) == 41);
		CHECK(key_file_raw(rec, 1) == 0);
		CHECK(vault_audit_advance(v, 41) == 0 && vault_audit_index(v) == 42);
		CHECK(audit_verify(st, k0, dir, &r) == 0 && r.entries == 42);
	}

	/* A key file put back from an older copy: the log is ahead of it. */
	{
		unsigned char now[40], old[40] = { 0 };
		CHECK(key_file_raw(now, 0) == 0);
		old[0] = 30;
		ratchet(k0, 30, old + 8);
		CHECK(key_file_raw(old, 1) == 0);
		vault_close(v);
		v = NULL;
		CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == 0);
		CHECK(v && audit_reconcile(v, st, err, sizeof(err)) == -1 && strstr(err, "disagree") && strstr(err, "41") &&
		      strstr(err, "30"));
		CHECK(audit_verify(st, k0, dir, &r) == -1 && r.status == AUDIT_VERIFY_KEY_BEHIND && r.key_index == 30);
		CHECK(key_file_raw(now, 1) == 0);
		vault_close(v);
		v = NULL;
		CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == 0);
		if (!v)
			return check_done("audit");
		CHECK(audit_reconcile(v, st, err, sizeof(err)) == 0 && audit_verify(st, k0, dir, &r) == 0);
	}

	/* A key file holding the right index but another key. */
	{
		unsigned char now[40], other[40];
		CHECK(key_file_raw(now, 0) == 0);
		memcpy(other, now, sizeof(other));
		other[39] ^= 0x80;
		CHECK(key_file_raw(other, 1) == 0);
		CHECK(audit_verify(st, k0, dir, &r) == -1 && r.status == AUDIT_VERIFY_KEY_WRONG && r.key_index == 42);
		CHECK(key_file_raw(now, 1) == 0);
	}

	/* The vault two ahead of the log (ratchets without rows): refused, naming both. */
	CHECK(vault_audit_advance(v, 42) == 0 && vault_audit_advance(v, 43) == 0);
	CHECK(audit_reconcile(v, st, err, sizeof(err)) == -1 && strstr(err, "disagree") && strstr(err, "41") &&
	      strstr(err, "44"));
	CHECK(audit_append(v, st, NULL, AUDIT_LOGIN_FAIL, NULL) == -1);
	CHECK(audit_verify(st, k0, dir, &r) == -1 && r.status == AUDIT_VERIFY_KEY_AHEAD && r.key_index == 44);
	CHECK(audit_verify(st, NULL, NULL, &r) == 0 && r.entries == 42);

	/* A read-only store reads the log and writes nothing. */
	{
		store_t *ro = NULL;
		CHECK(store_open_readonly(dir, &ro, err, sizeof(err)) == 0);
		CHECK(ro && audit_verify(ro, NULL, NULL, &r) == 0 && r.entries == 42);
		CHECK(ro && store_audit_append(ro, 42, e0, sizeof(e0), first.h, first.u) == -1);
		store_close(ro);
		char none[] = "/tmp/sava-audit-none-XXXXXX";
		CHECK(mkdtemp(none) != NULL);
		CHECK(store_open_readonly(none, &ro, err, sizeof(err)) == -1 && strstr(err, "no database"));
		rmdir(none);
	}

	sodium_memzero(&first, sizeof(first));
	sodium_memzero(k0, sizeof(k0));
	vault_close(v);
	store_close(st);
	static const char *const files[] = { "sava.db-wal", "sava.db-shm", "sava.db", "keys/instance.key",
		"keys/shred.kf" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/keys", dir);
	rmdir(path);
	rmdir(dir);
	return check_done("audit");
}
