/* vault: instance key custody, the receipt derivation and the bounded queue that keeps
 * a flood of Argon2id requests from exhausting memory. Formats are in docs/formats.md
 * and pinned by known-answer tests; a stored format starts with a version byte. */
#include "vault/vault.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/le.h"
#include "core/log.h"
#include "vault/shredkf.h"
#include "vault/vault_private.h"

size_t
vault_padme(size_t len)
{
	if (len <= 256)
		return 256;
	unsigned e = 63u - (unsigned)__builtin_clzll((unsigned long long)len);
	unsigned s = 32u - (unsigned)__builtin_clz(e);   /* floor(log2 e) + 1 */
	size_t m = ((size_t)1 << (e - s)) - 1;
	return (len + m) & ~m;
}

static int
vault_write_file(const char *path, const unsigned char *p, size_t n, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0) {
		snprintf(err, errlen, "cannot sync %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return close(fd) == 0 ? 0 : -1;
}


void
vault_audit_link(const unsigned char *key, const unsigned char prev[32], uint64_t i, const unsigned char *entry,
    size_t len, unsigned char out[32])
{
	crypto_generichash_state st;
	unsigned char idx[8];
	for (int b = 0; b < 8; b++)
		idx[b] = (unsigned char)(i >> (8 * b));
	crypto_generichash_init(&st, key, key ? 32 : 0, 32);
	crypto_generichash_update(&st, prev, 32);
	crypto_generichash_update(&st, idx, sizeof(idx));
	crypto_generichash_update(&st, entry, len);
	crypto_generichash_final(&st, out, 32);
	sodium_memzero(&st, sizeof(st));
}

static uint8_t
ik_kdf_code(kdf_profile_t kdf)
{
	return kdf == KDF_INSECURE_FAST ? IK_KDF_INSECURE_FAST : IK_KDF_PRODUCTION;
}

static const char *
kdf_words(kdf_profile_t kdf)
{
	return kdf == KDF_INSECURE_FAST ? "the insecure fast (test) key derivation" : "production key derivation";
}

int
vault_instance_create(const char *dir, kdf_profile_t kdf, const unsigned char *entry0, size_t entry_len,
    vault_audit_first_t *out, char *err, size_t errlen)
{
	static const unsigned char zero[32];
	char path[4096];
	unsigned char *ik = sodium_malloc(IK_LEN);
	if (!ik) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(ik, 0, IK_LEN);
	memcpy(ik, IK_MAGIC, 6);
	ik[6] = IK_FORMAT;
	ik[7] = ik_kdf_code(kdf);
	randombytes_buf(ik + IK_OFF_ROOT, 32);
	randombytes_buf(ik + IK_OFF_SALT, 16);
	crypto_sign_keypair(ik + IK_OFF_EDPK, ik + IK_OFF_EDSK);
	/* Entry 0 is chained under K_0; the file keeps only K_1 and the next index. */
	randombytes_buf(out->k0, sizeof(out->k0));
	vault_audit_link(out->k0, zero, 0, entry0, entry_len, out->h);
	vault_audit_link(NULL, zero, 0, entry0, entry_len, out->u);
	crypto_kdf_derive_from_key(ik + IK_OFF_AKEY, 32, 1, "savaAUDK", out->k0);
	ik[IK_OFF_AIDX] = 1;

	snprintf(path, sizeof(path), "%s/keys/instance.key", dir);
	int rc = vault_write_file(path, ik, IK_LEN, err, errlen);
	sodium_free(ik);
	if (rc != 0)
		return -1;

	/* The shred-key file is preallocated so slots are later overwritten in place. */
	snprintf(path, sizeof(path), "%s/keys/shred.kf", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	unsigned char hdr[KF_HEADER] = { 'S', 'A', 'V', 'A', 'K', 'F', 1, 0 };
	le32_put(hdr + 8, KF_INIT_SLOTS);
	off_t size = KF_HEADER + (off_t)KF_SLOT * KF_INIT_SLOTS;
	int e = posix_fallocate(fd, 0, size);
	if (e != 0 || pwrite(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) || fdatasync(fd) != 0) {
		snprintf(err, errlen, "cannot prepare %s: %s", path, strerror(e ? e : errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Format 1 to 2, in place: bytes 6 and 7 only (pwrite, fdatasync; never a new file, which
 * would leave the old blocks readable), under the key file's flock, as audit appends. */
static int
vault_ik_upgrade(const char *path, kdf_profile_t kdf, unsigned char *ik, char *err, size_t errlen)
{
	unsigned char head[2] = { IK_FORMAT, ik_kdf_code(kdf) }, now[8];
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %.300s to pin its key derivation: %s", path, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "cannot lock %.300s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	int rc = -1;
	if (pread(fd, now, sizeof(now), 0) != (ssize_t)sizeof(now) || memcmp(now, IK_MAGIC, 6) != 0) {
		snprintf(err, errlen, "cannot read %.300s", path);
	} else if (now[6] == IK_FORMAT_V1 && now[7] == 0 &&
	           (pwrite(fd, head, sizeof(head), 6) != (ssize_t)sizeof(head) || fdatasync(fd) != 0)) {
		snprintf(err, errlen, "cannot pin the key derivation in %.300s: %s", path, strerror(errno));
	} else {
		if (now[6] == IK_FORMAT)
			head[1] = now[7];   /* another sava process pinned it first */
		ik[6] = head[0];
		ik[7] = head[1];
		log_info("%s: pinned %s in the instance key (format %d)", path, kdf_words(kdf), IK_FORMAT);
		rc = 0;
	}
	close(fd);
	return rc;
}

int
vault_open(const char *dir, kdf_profile_t kdf, unsigned max_kdf, unsigned queue, vault_t **out, char *err,
    size_t errlen)
{
	char path[4096];
	vault_t *v = calloc(1, sizeof(*v));
	if (!v || !(v->ik = sodium_malloc(IK_LEN))) {
		free(v);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->cond, NULL);
	pthread_mutex_init(&v->audit_lock, NULL);
	pthread_mutex_init(&v->kf_lock, NULL);
	v->audit_fd = -1;
	snprintf(v->ik_path, sizeof(v->ik_path), "%s/keys/instance.key", dir);
	v->kdf = kdf;
	v->kdf_max = max_kdf ? max_kdf : 1;
	v->kdf_queue = queue;
	snprintf(v->kf_path, sizeof(v->kf_path), "%s/keys/shred.kf", dir);

	snprintf(path, sizeof(path), "%s/keys/instance.key", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, v->ik, IK_LEN) : -1;
	unsigned char extra;
	ssize_t more = fd >= 0 ? read(fd, &extra, 1) : 0;
	if (fd >= 0)
		close(fd);
	bool v1 = n == IK_LEN && v->ik[6] == IK_FORMAT_V1 && v->ik[7] == 0;
	bool v2 = n == IK_LEN && v->ik[6] == IK_FORMAT &&
	    (v->ik[7] == IK_KDF_PRODUCTION || v->ik[7] == IK_KDF_INSECURE_FAST);
	if (n != IK_LEN || more != 0 || memcmp(v->ik, IK_MAGIC, 6) != 0 || !(v1 || v2)) {
		snprintf(err, errlen, "%.300s is missing or is not a sava instance key (format %d)", path, IK_FORMAT);
		vault_close(v);
		return -1;
	}
	struct stat sb;
	if (stat(path, &sb) != 0 || (sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "%.300s can be read by other users: run chmod 600 on it (and 700 on its directory)", path);
		vault_close(v);
		return -1;
	}
	if (v1 && vault_ik_upgrade(path, kdf, v->ik, err, errlen) != 0) {
		vault_close(v);
		return -1;
	}
	if (v->ik[7] != ik_kdf_code(kdf)) {
		kdf_profile_t pinned = v->ik[7] == IK_KDF_INSECURE_FAST ? KDF_INSECURE_FAST : KDF_PRODUCTION;
		snprintf(err, errlen, "the database says this instance uses %s, but %.300s pins %s: the database was "
		         "changed outside sava; refusing to open it", kdf_words(kdf), path, kdf_words(pinned));
		vault_close(v);
		return -1;
	}
	unsigned char hdr[KF_HEADER];
	fd = open(v->kf_path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? pread(fd, hdr, sizeof(hdr), 0) : -1;
	if (fd >= 0)
		close(fd);
	if (n != KF_HEADER || memcmp(hdr, "SAVAKF\x01\x00", 8) != 0) {
		snprintf(err, errlen, "%.300s is missing or damaged; without it no case can be opened", v->kf_path);
		vault_close(v);
		return -1;
	}
	sodium_mprotect_readonly(v->ik);
	*out = v;
	return 0;
}

void
vault_close(vault_t *v)
{
	if (!v)
		return;
	if (v->ik)
		sodium_free(v->ik);
	pthread_mutex_destroy(&v->lock);
	pthread_cond_destroy(&v->cond);
	pthread_mutex_destroy(&v->audit_lock);
	pthread_mutex_destroy(&v->kf_lock);
	free(v);
}

/* Takes a place among the derivations running at once, or waits for one among the
 * waiters of its own purpose (vault_private.h). A waiter holds a ticket; leave hands
 * its place straight to the next ticket of the next purpose in turn, so kdf_running
 * never drops while anyone waits, and nobody can slip in ahead of the line. */
int
vault_kdf_enter(vault_t *v, kdf_purpose_t purpose)
{
	unsigned p = (unsigned)purpose;
	if (p >= KDF_PURPOSES)
		return -1;
	pthread_mutex_lock(&v->lock);
	if (v->kdf_running < v->kdf_max) {
		v->kdf_running++;
		pthread_mutex_unlock(&v->lock);
		return 0;
	}
	if (v->kdf_waiting[p] >= v->kdf_queue) {
		pthread_mutex_unlock(&v->lock);
		return -1;
	}
	uint64_t ticket = v->kdf_ticket[p]++;
	v->kdf_waiting[p]++;
	while (v->kdf_served[p] <= ticket)
		pthread_cond_wait(&v->cond, &v->lock);
	pthread_mutex_unlock(&v->lock);   /* the place was handed over: kdf_running counts it */
	return 0;
}

void
vault_kdf_leave(vault_t *v)
{
	pthread_mutex_lock(&v->lock);
	for (unsigned i = 0; i < KDF_PURPOSES; i++) {
		unsigned p = (v->kdf_turn + i) % KDF_PURPOSES;
		if (v->kdf_waiting[p] > 0) {
			v->kdf_waiting[p]--;
			v->kdf_served[p]++;
			v->kdf_turn = (p + 1) % KDF_PURPOSES;
			pthread_cond_broadcast(&v->cond);
			pthread_mutex_unlock(&v->lock);
			return;
		}
	}
	v->kdf_running--;
	pthread_mutex_unlock(&v->lock);
}

int
vault_receipt_lookup(const unsigned char salt[16], const char *digits, size_t n, unsigned long long ops,
    size_t mem, unsigned char lookup[32])
{
	unsigned char *a = sodium_malloc(32);
	if (!a)
		return -1;
	int rc = crypto_pwhash(a, 32, digits, n, salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13);
	if (rc == 0)
		crypto_kdf_derive_from_key(lookup, 32, 1, "savaRCPT", a);
	sodium_free(a);
	return rc == 0 ? 0 : -1;
}

vault_status_t
vault_receipt_find(vault_t *v, const char *digits, size_t n)
{
	unsigned char lookup[32];
	unsigned long long ops = v->kdf == KDF_INSECURE_FAST ? crypto_pwhash_OPSLIMIT_MIN : 3;
	size_t mem = v->kdf == KDF_INSECURE_FAST ? crypto_pwhash_MEMLIMIT_MIN : 256u * 1024 * 1024;

	if (n < RECEIPT_DIGITS_MIN || n > RECEIPT_DIGITS_MAX)
		return VAULT_NOT_FOUND;
	if (vault_kdf_enter(v, KDF_FOR_MAILBOX) != 0)
		return VAULT_BUSY;
	int rc = vault_receipt_lookup(v->ik + IK_OFF_SALT, digits, n, ops, mem, lookup);
	vault_kdf_leave(v);
	if (rc != 0)
		return VAULT_ERROR;

	/* Scans every slot, live or not, comparing in constant time (shredkf.c). */
	uint32_t at = 0;
	bool found = false;
	vault_status_t st = VAULT_ERROR;
	if (shredkf_find(v, lookup, &at, &found) == 0)
		st = found ? VAULT_OK : VAULT_NOT_FOUND;
	sodium_memzero(lookup, sizeof(lookup));
	return st;
}
