/* blobs: the attachments' files under DIR/blobs, by id. Holds only ciphertext and
 * random names; a write that finds no room is reported to core/diskfull with the
 * directory's path (never a file's: the name is an attachment id). */
#include "store/blobs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/diskfull.h"
#include "core/log.h"
#include "store/store_private.h"

#define BLOB_NAME_CHARS 32

/* Written bytes are handed to the disk every so many (sync_file_range, asynchronous),
 * so that the fdatasync that makes a blob durable waits for the last of them only, not
 * for the whole file sitting in the page cache. */
#define BLOB_WRITEBACK_BYTES ((uint64_t)8 << 20)

struct store_blob {
	const store_t *st;
	int fd;
	uint64_t dirty_lo, dirty_hi;   /* the span written since the last hand-over */
};

static const char blob_hex[] = "0123456789abcdef";

/* DIR/blobs/<32 lower-case hex digits>; -1 (errno ENAMETOOLONG) when it does not fit. */
static int
blob_path(const store_t *st, const uint8_t id[16], char *out, size_t n)
{
	char name[BLOB_NAME_CHARS + 1];
	for (size_t i = 0; i < 16; i++) {
		name[2 * i] = blob_hex[id[i] >> 4];
		name[2 * i + 1] = blob_hex[id[i] & 15];
	}
	name[BLOB_NAME_CHARS] = '\0';
	int k = snprintf(out, n, "%s/%s", st->blobs, name);
	if (k < 0 || (size_t)k >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The id a file name stands for, when it is one as blob_path writes it. */
static bool
blob_name_id(const char *name, uint8_t id[16])
{
	if (strlen(name) != BLOB_NAME_CHARS)
		return false;
	for (size_t i = 0; i < BLOB_NAME_CHARS; i++) {
		const char *d = memchr(blob_hex, name[i], 16);
		if (!d)
			return false;
		unsigned v = (unsigned)(d - blob_hex);
		id[i / 2] = (uint8_t)(i % 2 ? (id[i / 2] | v) : v << 4);
	}
	return true;
}

/* A failed write or sync: reported when it was for lack of space; errno kept. */
static void
blob_failed(const store_t *st, int err)
{
	(void)diskfull_check(st->blobs, err);
	errno = err;
}

static int
blob_open(store_t *st, const uint8_t id[16], int flags, store_blob_t **out)
{
	char path[4200];
	*out = NULL;
	store_blob_t *b = calloc(1, sizeof(*b));
	if (!b)
		return STORE_ERROR;
	b->st = st;
	b->fd = blob_path(st, id, path, sizeof(path)) == 0 ? open(path, flags | O_CLOEXEC, 0600) : -1;
	if (b->fd < 0) {
		int err = errno;
		free(b);
		if (flags & O_CREAT)
			blob_failed(st, err);
		errno = err;
		return err == ENOENT ? STORE_NOT_FOUND : STORE_ERROR;
	}
	*out = b;
	return STORE_OK;
}

int
store_blob_create(store_t *st, const uint8_t id[16], store_blob_t **out)
{
	return blob_open(st, id, O_RDWR | O_CREAT | O_EXCL, out);
}

int
store_blob_open(store_t *st, const uint8_t id[16], bool write, store_blob_t **out)
{
	return blob_open(st, id, write ? O_RDWR : O_RDONLY, out);
}

int
store_blob_pwrite(store_blob_t *b, const uint8_t *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t w = pwrite(b->fd, p, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			blob_failed(b->st, w < 0 ? errno : EIO);
			return STORE_ERROR;
		}
		if (b->dirty_hi == b->dirty_lo || off < b->dirty_lo)
			b->dirty_lo = off;
		if (b->dirty_hi < off + (uint64_t)w)
			b->dirty_hi = off + (uint64_t)w;
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	if (b->dirty_hi - b->dirty_lo >= BLOB_WRITEBACK_BYTES) {
		/* only a hint to start writing: a failure here shows at fdatasync */
		(void)sync_file_range(b->fd, (off_t)b->dirty_lo, (off_t)(b->dirty_hi - b->dirty_lo), SYNC_FILE_RANGE_WRITE);
		b->dirty_lo = b->dirty_hi = 0;
	}
	return STORE_OK;
}

int
store_blob_pread(store_blob_t *b, uint8_t *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t r = pread(b->fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;   /* shorter than the reader expects */
			return STORE_ERROR;
		}
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return STORE_OK;
}

int
store_blob_read(store_blob_t *b, uint8_t *p, size_t cap, size_t *got)
{
	for (;;) {
		ssize_t r = read(b->fd, p, cap);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return STORE_ERROR;
		*got = (size_t)r;
		return STORE_OK;
	}
}

int
store_blob_sync(store_blob_t *b)
{
	if (fdatasync(b->fd) == 0)
		return STORE_OK;
	blob_failed(b->st, errno);
	return STORE_ERROR;
}

void
store_blob_close(store_blob_t *b)
{
	if (!b)
		return;
	int err = errno;
	close(b->fd);
	free(b);
	errno = err;
}

int
store_blob_unlink(store_t *st, const uint8_t id[16])
{
	char path[4200];
	if (blob_path(st, id, path, sizeof(path)) != 0)
		return STORE_ERROR;
	return unlink(path) == 0 || errno == ENOENT ? STORE_OK : STORE_ERROR;
}

int
store_blobs_sync(store_t *st)
{
	int fd = open(st->blobs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return STORE_ERROR;
	int rc = fsync(fd);
	int err = errno;
	close(fd);
	if (rc == 0)
		return STORE_OK;
	blob_failed(st, err);
	return STORE_ERROR;
}

bool
store_blobs_room(store_t *st, uint64_t floor)
{
	struct statvfs fs;
	if (statvfs(st->blobs, &fs) == 0 && (uint64_t)fs.f_bavail * fs.f_frsize >= floor)
		return true;
	log_warnx("uploads are refused: less than %llu MiB free under %s", (unsigned long long)(floor >> 20), st->blobs);
	return false;
}

int
store_blobs_each(store_t *st, int (*fn)(void *ctx, const uint8_t id[16]), void *ctx)
{
	DIR *d = opendir(st->blobs);
	if (!d)
		return errno == ENOENT && mkdir(st->blobs, 0700) == 0 ? STORE_OK : STORE_ERROR;
	struct dirent *e;
	uint8_t id[16];
	while ((e = readdir(d)))
		if (blob_name_id(e->d_name, id) && fn(ctx, id) != 0)
			break;
	closedir(d);
	return STORE_OK;
}
