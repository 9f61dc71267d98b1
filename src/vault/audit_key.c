/* audit_key: the audit ratchet of CRYPTO.md "Audit". Keeps K_i inside the vault, computes
 * keyed links with it, and once the store has committed entry i overwrites K_i in place
 * with K_{i+1}. Also the offline checker that ratchets forward from K_0 for `sava audit
 * verify --key`. Trusted with the live audit key and, in that command, with K_0. */
#include "vault/vault.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/le.h"
#include "core/log.h"
#include "vault/vault_private.h"

/* Bytes 56..95 of instance.key: the index of the next entry (u64) and its key K_i. They
 * are rewritten together, in place, by one pwrite. */
#define AUDIT_KEY_RECORD (8 + VAULT_AUDIT_KEY_BYTES)
_Static_assert(IK_OFF_AKEY == IK_OFF_AIDX + 8, "the audit index and key are adjacent in instance.key");



static void
audit_key_ratchet(unsigned char next[VAULT_AUDIT_KEY_BYTES], const unsigned char key[VAULT_AUDIT_KEY_BYTES])
{
	crypto_kdf_derive_from_key(next, VAULT_AUDIT_KEY_BYTES, 1, "savaAUDK", key);
}

static int
audit_key_pread_all(int fd, unsigned char *p, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t r = pread(fd, p, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;   /* the file is shorter than its format */
			return -1;
		}
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

static int
audit_key_pwrite_all(int fd, const unsigned char *p, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

int
vault_audit_begin(vault_t *v)
{
	unsigned char rec[AUDIT_KEY_RECORD];
	int fd = open(v->ik_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		log_warn("audit: cannot open %.300s", v->ik_path);
		return -1;
	}
	/* Another sava (the command line, while the daemon runs) may have appended and
	 * ratcheted: the file, read under the lock, is the truth. */
	if (flock(fd, LOCK_EX) != 0 || audit_key_pread_all(fd, rec, sizeof(rec), IK_OFF_AIDX) != 0) {
		log_warn("audit: cannot lock or read %.300s", v->ik_path);
		close(fd);
		return -1;
	}
	pthread_mutex_lock(&v->audit_lock);
	int rc = 0;
	if (sodium_memcmp(rec, v->ik + IK_OFF_AIDX, sizeof(rec)) != 0) {
		if (sodium_mprotect_readwrite(v->ik) != 0) {
			rc = -1;
		} else {
			memcpy(v->ik + IK_OFF_AIDX, rec, sizeof(rec));
			sodium_mprotect_readonly(v->ik);
		}
	}
	v->audit_fd = fd;
	pthread_mutex_unlock(&v->audit_lock);
	sodium_memzero(rec, sizeof(rec));
	if (rc != 0)
		vault_audit_end(v);
	return rc;
}

void
vault_audit_end(vault_t *v)
{
	pthread_mutex_lock(&v->audit_lock);
	if (v->audit_fd >= 0) {
		flock(v->audit_fd, LOCK_UN);
		close(v->audit_fd);
		v->audit_fd = -1;
	}
	pthread_mutex_unlock(&v->audit_lock);
}

uint64_t
vault_audit_index(vault_t *v)
{
	pthread_mutex_lock(&v->audit_lock);
	uint64_t i = le64_get(v->ik + IK_OFF_AIDX);
	pthread_mutex_unlock(&v->audit_lock);
	return i;
}

int
vault_audit_next(vault_t *v, const unsigned char prev[32], const unsigned char *entry, size_t len, uint64_t *idx,
    unsigned char h[32])
{
	if (!entry || len == 0)
		return -1;
	pthread_mutex_lock(&v->audit_lock);
	uint64_t i = le64_get(v->ik + IK_OFF_AIDX);
	vault_audit_link(v->ik + IK_OFF_AKEY, prev, i, entry, len, h);
	pthread_mutex_unlock(&v->audit_lock);
	*idx = i;
	return 0;
}

int
vault_audit_advance(vault_t *v, uint64_t i)
{
	/* Guarded scratch: [0, 40) the new record, [40, 80) what the file holds now. */
	unsigned char *rec = sodium_malloc(2 * AUDIT_KEY_RECORD);
	if (!rec) {
		log_warnx("audit: out of memory while advancing the audit key");
		return -1;
	}
	unsigned char *next = rec, *ondisk = rec + AUDIT_KEY_RECORD;
	int rc = -1, fd = -1;

	pthread_mutex_lock(&v->audit_lock);
	const unsigned char *cur = v->ik + IK_OFF_AIDX;
	uint64_t have = le64_get(cur);
	if (have != i || i == UINT64_MAX) {
		log_warnx("audit: asked to advance the audit key past entry %llu, but it is the key for entry %llu",
		    (unsigned long long)i, (unsigned long long)have);
		goto out;
	}
	le64_put(next, i + 1);
	audit_key_ratchet(next + 8, v->ik + IK_OFF_AKEY);

	/* In place: a temp file plus rename would leave K_i readable in the old blocks. */
	fd = open(v->ik_path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || audit_key_pread_all(fd, ondisk, AUDIT_KEY_RECORD, IK_OFF_AIDX) != 0) {
		log_warn("audit: cannot open %.300s to advance the audit key", v->ik_path);
		goto out;
	}
	/* The file must still hold what this vault loaded or last wrote, or already the new
	 * record (an earlier attempt whose sync failed). Anything else means another process
	 * changed it: writing over that would fork the chain. */
	if (sodium_memcmp(ondisk, cur, AUDIT_KEY_RECORD) != 0 && sodium_memcmp(ondisk, next, AUDIT_KEY_RECORD) != 0) {
		log_warnx("audit: %.300s changed while sava was running (is a second sava using this instance?); "
		          "the audit key was not advanced",
		    v->ik_path);
		goto out;
	}
	if (audit_key_pwrite_all(fd, next, AUDIT_KEY_RECORD, IK_OFF_AIDX) != 0 || fdatasync(fd) != 0) {
		log_warn("audit: cannot write %.300s", v->ik_path);
		goto out;
	}
	/* Only once the file is durable does memory follow; K_i is overwritten in both. */
	if (sodium_mprotect_readwrite(v->ik) != 0) {
		log_warn("audit: cannot unlock the key memory");
		goto out;
	}
	memcpy(v->ik + IK_OFF_AIDX, next, AUDIT_KEY_RECORD);
	if (sodium_mprotect_readonly(v->ik) != 0)
		log_warn("audit: cannot make the key memory read-only again");
	rc = 0;
out:
	pthread_mutex_unlock(&v->audit_lock);
	if (fd >= 0)
		close(fd);
	sodium_free(rec);   /* zero-filled before it is released */
	return rc;
}

/* ---- offline checking from K_0 ---- */

struct vault_audit_checker {
	unsigned char *mem;    /* sodium_malloc: K_i 32 | instance.key's key 32 | scratch 32 */
	uint64_t checked;      /* entries checked so far: the i of K_i */
	bool has_file;
	bool known, matches;
	uint64_t file_index;
};

#define CHECKER_KEY(c)     ((c)->mem)
#define CHECKER_FILEKEY(c) ((c)->mem + VAULT_AUDIT_KEY_BYTES)
#define CHECKER_SCRATCH(c) ((c)->mem + 2 * VAULT_AUDIT_KEY_BYTES)

/* Reads the magic, index and key of DIR/keys/instance.key into c. */
static int
audit_key_checker_load(vault_audit_checker_t *c, const char *dir, char *err, size_t errlen)
{
	char path[4096];
	unsigned char head[8], idx[8];
	struct stat sb;
	snprintf(path, sizeof(path), "%s/keys/instance.key", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read %.300s: %s", path, strerror(errno));
		return -1;
	}
	int ok = fstat(fd, &sb) == 0 && sb.st_size == IK_LEN && audit_key_pread_all(fd, head, sizeof(head), 0) == 0 &&
	         memcmp(head, IK_MAGIC, 6) == 0 &&
	         ((head[6] == IK_FORMAT && head[7] != 0) || (head[6] == IK_FORMAT_V1 && head[7] == 0)) &&
	         audit_key_pread_all(fd, idx, sizeof(idx), IK_OFF_AIDX) == 0 &&
	         audit_key_pread_all(fd, CHECKER_FILEKEY(c), VAULT_AUDIT_KEY_BYTES, IK_OFF_AKEY) == 0;
	close(fd);
	if (!ok) {
		snprintf(err, errlen, "%.300s is not a sava instance key (format %d)", path, IK_FORMAT);
		return -1;
	}
	c->file_index = le64_get(idx);
	c->has_file = true;
	return 0;
}

int
vault_audit_checker_new(const unsigned char k0[VAULT_AUDIT_KEY_BYTES], const char *dir, vault_audit_checker_t **out,
    char *err, size_t errlen)
{
	vault_audit_checker_t *c = calloc(1, sizeof(*c));
	if (!c || !(c->mem = sodium_malloc(3 * VAULT_AUDIT_KEY_BYTES))) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sodium_memzero(c->mem, 3 * VAULT_AUDIT_KEY_BYTES);
	memcpy(CHECKER_KEY(c), k0, VAULT_AUDIT_KEY_BYTES);
	if (dir && audit_key_checker_load(c, dir, err, errlen) != 0) {
		vault_audit_checker_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

/* Compares K_i with the key file's key when i is the file's index. */
static void
audit_key_checker_compare(vault_audit_checker_t *c)
{
	if (c->has_file && !c->known && c->checked == c->file_index) {
		c->known = true;
		c->matches = sodium_memcmp(CHECKER_KEY(c), CHECKER_FILEKEY(c), VAULT_AUDIT_KEY_BYTES) == 0;
	}
}

int
vault_audit_checker_next(vault_audit_checker_t *c, const unsigned char prev[32], const unsigned char *entry,
    size_t len, const unsigned char h[32])
{
	unsigned char want[32];
	if (!entry || len == 0 || c->checked == UINT64_MAX)
		return 1;
	audit_key_checker_compare(c);
	vault_audit_link(CHECKER_KEY(c), prev, c->checked, entry, len, want);
	int same = sodium_memcmp(want, h, sizeof(want)) == 0;
	sodium_memzero(want, sizeof(want));
	if (!same)
		return 1;
	audit_key_ratchet(CHECKER_SCRATCH(c), CHECKER_KEY(c));
	memcpy(CHECKER_KEY(c), CHECKER_SCRATCH(c), VAULT_AUDIT_KEY_BYTES);
	sodium_memzero(CHECKER_SCRATCH(c), VAULT_AUDIT_KEY_BYTES);
	c->checked++;
	return 0;
}

int
vault_audit_checker_key(vault_audit_checker_t *c, uint64_t *file_index, bool *known, bool *matches)
{
	if (!c->has_file)
		return -1;
	audit_key_checker_compare(c);
	*file_index = c->file_index;
	*known = c->known;
	*matches = c->known && c->matches;
	return 0;
}

void
vault_audit_checker_free(vault_audit_checker_t *c)
{
	if (!c)
		return;
	if (c->mem)
		sodium_free(c->mem);
	free(c);
}
