/* shredkf: reads and overwrites slots of DIR/keys/shred.kf in place (pwrite + fdatasync),
 * grows it with posix_fallocate, never rewrites it through a temporary file. Trusted with
 * every live shred key; buffers that held slots are sodium_malloc memory, wiped on free. */
#include "vault/shredkf.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/le.h"
#include "core/log.h"
#include "vault/secmem.h"

#define KF_CHUNK 256   /* slots read per pread while scanning */



static off_t
kf_off(uint32_t index)
{
	return KF_HEADER + (off_t)index * KF_SLOT;
}

static int
kf_pread_all(int fd, void *p, size_t n, off_t off)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = pread(fd, (uint8_t *)p + done, n - done, off + (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

static int
kf_pwrite_all(int fd, const void *p, size_t n, off_t off)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = pwrite(fd, (const uint8_t *)p + done, n - done, off + (off_t)done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* Opens the file and checks its header; *count is its slot_count. A writer (lock) takes
 * flock before reading the header, against a second sava process on the same instance;
 * the threads of this one are kept apart by kf_lock, which the writer holds already. */
static int
kf_open(vault_t *v, bool lock, uint32_t *count)
{
	uint8_t hdr[KF_HEADER];
	int fd = open(v->kf_path, (lock ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		log_warn("%s: cannot open the shred-key file", __func__);
		return -1;
	}
	while (lock && flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			log_warn("%s: cannot lock the shred-key file", __func__);
			close(fd);
			return -1;
		}
	}
	if (kf_pread_all(fd, hdr, sizeof(hdr), 0) != 0 || memcmp(hdr, "SAVAKF\x01\x00", 8) != 0 ||
	    le32_get(hdr + 8) == 0 || le32_get(hdr + 8) > KF_MAX_SLOTS) {
		log_warnx("%s: the shred-key file is damaged", __func__);
		close(fd);
		return -1;
	}
	*count = le32_get(hdr + 8);
	return fd;
}

static void
kf_slot_encode(uint8_t out[KF_SLOT], const kf_slot_t *in)
{
	memset(out, 0, KF_SLOT);
	out[KF_OFF_STATE] = KF_STATE_LIVE;
	out[KF_OFF_KIND] = in->kind;
	le32_put(out + KF_OFF_E, in->e);
	memcpy(out + KF_OFF_OBJECT, in->object_id, 16);
	memcpy(out + KF_OFF_Z, in->z, 32);
	memcpy(out + KF_OFF_LOOKUP, in->lookup, 32);
}

/* Doubles the file: the new slots read as zeros (free). Allocation is made durable before
 * the header says the slots exist, so a crash in between leaves only unused space. */
static int
kf_grow(int fd, uint32_t count, uint32_t *new_count)
{
	uint8_t hdr[4];
	if (count >= KF_MAX_SLOTS) {
		log_warnx("%s: the shred-key file already holds %u slots", __func__, count);
		return -1;
	}
	uint32_t n = count * 2 > KF_MAX_SLOTS ? KF_MAX_SLOTS : count * 2;
	int e = posix_fallocate(fd, 0, kf_off(n));
	if (e != 0) {
		errno = e;
		log_warn("%s: cannot grow the shred-key file", __func__);
		return -1;
	}
	le32_put(hdr, n);
	if (fdatasync(fd) != 0 || kf_pwrite_all(fd, hdr, 4, 8) != 0 || fdatasync(fd) != 0) {
		log_warn("%s: cannot grow the shred-key file", __func__);
		return -1;
	}
	*new_count = n;
	return 0;
}

int
shredkf_alloc(vault_t *v, const kf_slot_t *in, uint32_t *index)
{
	uint8_t *buf = secmem_alloc((size_t)KF_CHUNK * KF_SLOT);
	uint32_t count = 0, at = UINT32_MAX;
	int rc = -1;
	if (!buf)
		return -1;
	pthread_mutex_lock(&v->kf_lock);
	int fd = kf_open(v, true, &count);
	if (fd < 0)
		goto done;
	for (uint32_t i = 0; i < count && at == UINT32_MAX; i += KF_CHUNK) {
		uint32_t n = count - i < KF_CHUNK ? count - i : KF_CHUNK;
		if (kf_pread_all(fd, buf, (size_t)n * KF_SLOT, kf_off(i)) != 0) {
			log_warnx("%s: the shred-key file is shorter than its header says", __func__);
			goto done;
		}
		for (uint32_t j = 0; j < n; j++)
			/* not live is free: a torn shred's random state byte too */
			if (buf[(size_t)j * KF_SLOT + KF_OFF_STATE] != KF_STATE_LIVE) {
				at = i + j;
				break;
			}
	}
	if (at == UINT32_MAX) {
		if (kf_grow(fd, count, &count) != 0)
			goto done;
		at = count / 2;
	}
	/* A torn write here leaves a slot with no row, collected at start. */
	kf_slot_encode(buf, in);
	if (kf_pwrite_all(fd, buf, KF_SLOT, kf_off(at)) != 0 || fdatasync(fd) != 0) {
		log_warn("%s: cannot write a shred-key slot", __func__);
		goto done;
	}
	*index = at;
	rc = 0;
done:
	if (fd >= 0)
		close(fd);   /* releases the flock */
	pthread_mutex_unlock(&v->kf_lock);
	secmem_free(buf);
	return rc;
}

/* The first n bytes of slot index: KF_GONE beyond the file, KF_ERROR (logged) when the
 * file is shorter than its header says. */
static kf_status_t
kf_slot_at(int fd, uint32_t count, uint32_t index, uint8_t *out, size_t n)
{
	if (index >= count)
		return KF_GONE;
	if (kf_pread_all(fd, out, n, kf_off(index)) != 0) {
		log_warnx("kf_slot_at: the shred-key file is shorter than its header says");
		return KF_ERROR;
	}
	return KF_OK;
}

kf_status_t
shredkf_read(vault_t *v, uint32_t index, kf_slot_t *out)
{
	uint8_t *slot = secmem_alloc(KF_SLOT);
	uint32_t count = 0;
	kf_status_t rc = KF_ERROR;
	if (!slot)
		return KF_ERROR;
	int fd = kf_open(v, false, &count);
	if (fd < 0 || (rc = kf_slot_at(fd, count, index, slot, KF_SLOT)) != KF_OK)
		goto done;
	rc = KF_ERROR;
	if (slot[KF_OFF_STATE] != KF_STATE_LIVE) {
		rc = KF_GONE;
		goto done;
	}
	out->kind = slot[KF_OFF_KIND];
	out->e = le32_get(slot + KF_OFF_E);
	memcpy(out->object_id, slot + KF_OFF_OBJECT, 16);
	memcpy(out->z, slot + KF_OFF_Z, 32);
	memcpy(out->lookup, slot + KF_OFF_LOOKUP, 32);
	rc = KF_OK;
done:
	if (fd >= 0)
		close(fd);
	secmem_free(slot);
	return rc;
}

int
shredkf_set_epoch(vault_t *v, uint32_t index, const uint8_t object_id[16], uint32_t e)
{
	uint8_t head[KF_OFF_Z], le[4];
	uint32_t count = 0;
	int rc = -1;
	pthread_mutex_lock(&v->kf_lock);
	int fd = kf_open(v, true, &count);
	if (fd >= 0 && index < count && kf_pread_all(fd, head, sizeof(head), kf_off(index)) == 0 &&
	    head[KF_OFF_STATE] == KF_STATE_LIVE && sodium_memcmp(head + KF_OFF_OBJECT, object_id, 16) == 0) {
		le32_put(le, e);
		if (kf_pwrite_all(fd, le, 4, kf_off(index) + KF_OFF_E) == 0 && fdatasync(fd) == 0)
			rc = 0;
		else
			log_warn("%s: cannot write a shred-key slot", __func__);
	}
	if (fd >= 0)
		close(fd);
	pthread_mutex_unlock(&v->kf_lock);
	return rc;
}

int
shredkf_find(vault_t *v, const uint8_t lookup[32], uint32_t *index, bool *found)
{
	uint8_t *buf = secmem_alloc((size_t)KF_CHUNK * KF_SLOT);
	uint32_t count = 0, at = 0, any = 0;
	int rc = -1;
	if (!buf)
		return -1;
	int fd = kf_open(v, false, &count);
	if (fd < 0)
		goto done;
	for (uint32_t i = 0; i < count; i += KF_CHUNK) {
		uint32_t n = count - i < KF_CHUNK ? count - i : KF_CHUNK;
		if (kf_pread_all(fd, buf, (size_t)n * KF_SLOT, kf_off(i)) != 0)
			goto done;
		for (uint32_t j = 0; j < n; j++) {
			const uint8_t *s = buf + (size_t)j * KF_SLOT;
			/* live & same, as an all-ones or all-zeros mask, with no branch on either */
			uint32_t same = (uint32_t)(sodium_memcmp(s + KF_OFF_LOOKUP, lookup, 32) + 1);   /* 1 or 0 */
			uint32_t live = (uint32_t)(s[KF_OFF_STATE] ^ KF_STATE_LIVE);
			live = 1u & ((live - 1u) >> 8);                                                  /* 1 iff state == 1 */
			uint32_t mask = 0u - (same & live);
			at ^= (at ^ (i + j)) & mask;
			any |= mask;
		}
	}
	*found = any != 0;
	if (any)
		*index = at;
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	secmem_free(buf);
	return rc;
}

kf_status_t
shredkf_shred(vault_t *v, uint32_t index, const uint8_t object_id[16])
{
	uint8_t *slot = secmem_alloc(KF_SLOT);
	uint32_t count = 0;
	kf_status_t rc = KF_ERROR;
	if (!slot)
		return KF_ERROR;
	pthread_mutex_lock(&v->kf_lock);
	int fd = kf_open(v, true, &count);
	if (fd < 0 || (rc = kf_slot_at(fd, count, index, slot, KF_OFF_Z)) != KF_OK)
		goto done;
	rc = KF_ERROR;
	/* the slot must still be this object's: between a caller's read and this lock, an
	 * overlapping shred may have freed it and a new request taken it */
	if (slot[KF_OFF_STATE] != KF_STATE_LIVE || sodium_memcmp(slot + KF_OFF_OBJECT, object_id, 16) != 0) {
		rc = KF_GONE;
		goto done;
	}
	randombytes_buf(slot, KF_SLOT);
	slot[KF_OFF_STATE] = KF_STATE_TORN;   /* never live, even for a moment: a crash here is swept */
	int ok = kf_pwrite_all(fd, slot, KF_SLOT, kf_off(index)) == 0 && fdatasync(fd) == 0;
	memset(slot, 0, KF_SLOT);
	ok = ok && kf_pwrite_all(fd, slot, KF_SLOT, kf_off(index)) == 0 && fdatasync(fd) == 0;
	if (ok)
		rc = KF_OK;
	else
		log_warn("%s: cannot overwrite a shred-key slot", __func__);
done:
	if (fd >= 0)
		close(fd);
	pthread_mutex_unlock(&v->kf_lock);
	secmem_free(slot);
	return rc;
}

int
shredkf_sweep_torn(vault_t *v, size_t *n)
{
	uint8_t *buf = secmem_alloc((size_t)KF_CHUNK * KF_SLOT);
	static const uint8_t zero[KF_SLOT];
	uint32_t count = 0;
	int rc = -1;
	*n = 0;
	if (!buf)
		return -1;
	pthread_mutex_lock(&v->kf_lock);
	int fd = kf_open(v, true, &count);
	if (fd < 0)
		goto done;
	rc = 0;
	for (uint32_t i = 0; i < count && rc == 0; i += KF_CHUNK) {
		uint32_t k = count - i < KF_CHUNK ? count - i : KF_CHUNK;
		if (kf_pread_all(fd, buf, (size_t)k * KF_SLOT, kf_off(i)) != 0) {
			rc = -1;
			break;
		}
		for (uint32_t j = 0; j < k; j++) {
			uint8_t state = buf[(size_t)j * KF_SLOT + KF_OFF_STATE];
			if (state == KF_STATE_FREE || state == KF_STATE_LIVE)
				continue;
			if (kf_pwrite_all(fd, zero, KF_SLOT, kf_off(i + j)) != 0) {
				rc = -1;
				break;
			}
			(*n)++;
		}
	}
	if (rc == 0 && *n && fdatasync(fd) != 0)
		rc = -1;
	if (rc != 0)
		log_warn("%s: cannot clear a torn shred-key slot", __func__);
done:
	if (fd >= 0)
		close(fd);
	pthread_mutex_unlock(&v->kf_lock);
	secmem_free(buf);
	return rc;
}

int
shredkf_list(vault_t *v, shredkf_live_fn fn, void *arg)
{
	uint8_t *buf = secmem_alloc((size_t)KF_CHUNK * KF_SLOT);
	uint32_t count = 0;
	int rc = -1;
	if (!buf)
		return -1;
	int fd = kf_open(v, false, &count);
	if (fd < 0)
		goto done;
	rc = 0;
	for (uint32_t i = 0; i < count && rc == 0; i += KF_CHUNK) {
		uint32_t n = count - i < KF_CHUNK ? count - i : KF_CHUNK;
		if (kf_pread_all(fd, buf, (size_t)n * KF_SLOT, kf_off(i)) != 0) {
			rc = -1;
			break;
		}
		for (uint32_t j = 0; j < n && rc == 0; j++) {
			const uint8_t *s = buf + (size_t)j * KF_SLOT;
			if (s[KF_OFF_STATE] == KF_STATE_LIVE)
				rc = fn(arg, i + j, s[KF_OFF_KIND], s + KF_OFF_OBJECT);
		}
	}
done:
	if (fd >= 0)
		close(fd);
	secmem_free(buf);
	return rc;
}
