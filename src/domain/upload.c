/* upload: a form's files as they stream in: made by the store on the first byte, encrypted by
 * the vault's blob writer, sealed under the case's key, deleted unless a committed row names
 * them. Trusted with names and types as the browser sent them: cleaned here. */
#include "domain/upload.h"

#include <errno.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/bidi.h"
#include "core/diskfull.h"
#include "core/log.h"
#include "parse/urlenc.h"
#include "store/blobs.h"
#include "vault/drop.h"

struct upfile {
	uint8_t id[16];
	store_blob_t *blob;        /* open while its part streams in, and while it is sealed */
	case_blob_writer_t *w;
	bool exists;               /* the file was made (and counts as in flight) */
	bool kept;                 /* a committed row names it */
	uint64_t reserved;         /* its share of bytes_reserved, given back when it is dropped */
};

/* Files being uploaded, instance-wide: each holds a writer in locked memory and grows on
 * disk, so their number is bounded, and none starts when the disk is nearly full. */
static atomic_uint uploads_in_flight;
/* Bytes that uploads on their way may still write, each at its largest: a new one is let
 * in only while the disk has room for all of them (256 appeals of 500 MB would otherwise
 * all pass a check made when each began). */
static _Atomic uint64_t bytes_reserved;

struct upload {
	const app_t *app;
	unsigned max_files;
	uint64_t max_bytes;
	struct upfile files[LIMIT_MP_FILES_MAX];
	size_t n;
	/* the part being received */
	bool in_part, skipping;
	struct upfile *cur;
	char name[CASE_NAME_MAX];
	size_t name_len;
	char mime[CASE_MIME_MAX];
	size_t mime_len;
	uint64_t expect;           /* the part's length as guessed (upload_file_begin), or 0 */
	bool too_many, too_large;
	bool refused;              /* no room for files: all dropped, the rest skipped (upload_refuse) */
	bool discard;              /* keeps no file at all (upload_new_discard) */
	bool discarded;            /* ...and a file came */
	drop_keys_t *drop;         /* an offline drop's: every file under its f (owned) */
};

upload_t *
upload_new_for(const app_t *app, unsigned max_files, uint64_t max_bytes)
{
	upload_t *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->app = app;
	u->max_files = max_files;
	u->max_bytes = max_bytes;
	return u;
}

upload_t *
upload_new_discard(const app_t *app)
{
	upload_t *u = upload_new_for(app, 0, 0);
	if (u)
		u->discard = true;
	return u;
}

bool
upload_discarded(const upload_t *u)
{
	return u && u->discarded;
}

upload_t *
upload_new_drop(const app_t *app, unsigned max_files, uint64_t max_bytes, drop_keys_t *k)
{
	upload_t *u = k ? upload_new_for(app, max_files, max_bytes) : NULL;
	if (!u)
		drop_keys_free(k);
	else
		u->drop = k;
	return u;
}

const drop_keys_t *
upload_drop_keys(const upload_t *u)
{
	return u ? u->drop : NULL;
}

upload_t *
upload_new(const app_t *app)
{
	return upload_new_for(app, app->config.max_files, (uint64_t)app->config.max_file_mb << 20);
}

static void
upfile_drop(const app_t *app, struct upfile *f)
{
	case_blob_writer_free(f->w);
	f->w = NULL;
	store_blob_close(f->blob);
	f->blob = NULL;
	if (f->exists) {
		if (!f->kept && store_blob_unlink(app->store, f->id) != STORE_OK)
			log_warnx("could not delete an unused blob: %s", strerror(errno));
		f->exists = false;
		atomic_fetch_sub(&uploads_in_flight, 1);
		atomic_fetch_sub(&bytes_reserved, f->reserved);
		f->reserved = 0;
	}
}

/* Room for one more upload: a place among those in flight, and free disk space for it
 * and for every upload on its way, each at its largest. Takes both; upfile_drop gives
 * them back. */
static bool
upload_room(const app_t *app, uint64_t max_bytes)
{
	uint64_t pending = atomic_fetch_add(&bytes_reserved, max_bytes) + max_bytes;
	uint64_t floor = ((uint64_t)LIMIT_DISK_FLOOR_MB << 20) + pending + max_bytes;
	if (!store_blobs_room(app->store, floor)) {
		atomic_fetch_sub(&bytes_reserved, max_bytes);
		return false;
	}
	if (atomic_fetch_add(&uploads_in_flight, 1) >= LIMIT_UPLOADS_IN_FLIGHT) {
		atomic_fetch_sub(&uploads_in_flight, 1);
		atomic_fetch_sub(&bytes_reserved, max_bytes);
		return false;
	}
	return true;
}

/* The vault's blob writer writes and reads back through these (vault/case.h). */
static int
upfile_pwrite(void *arg, const uint8_t *p, size_t n, uint64_t off)
{
	struct upfile *f = arg;
	return store_blob_pwrite(f->blob, p, n, off) == STORE_OK ? 0 : -1;
}

static int
upfile_pread(void *arg, uint8_t *p, size_t n, uint64_t off)
{
	struct upfile *f = arg;
	return store_blob_pread(f->blob, p, n, off) == STORE_OK ? 0 : -1;
}

/* A file name as it may be shown back: the last path component, clean UTF-8 without
 * control characters, nor any that reorder or hide text ("evil\u202Egnp.exe" shows as
 * "evilexe.png"; each becomes "_", bidi.h), at most CASE_NAME_MAX bytes;
 * otherwise "attachment". */
static size_t
clean_name(sv_t in, char *out, size_t cap)
{
	for (size_t i = in.len; i > 0; i--)
		if (in.p[i - 1] == '/' || in.p[i - 1] == '\\') {
			in = (sv_t){ in.p + i, in.len - i };
			break;
		}
	bool ok = in.len > 0 && in.len <= cap && text_is_clean_utf8(in) && !sv_eq(in, SV(".")) && !sv_eq(in, SV(".."));
	for (size_t i = 0; ok && i < in.len; i++)
		if (in.p[i] == '\t' || in.p[i] == '\n' || in.p[i] == '\r')
			ok = false;
	if (!ok)
		in = SV("attachment");
	size_t k = 0;
	for (size_t i = 0; i < in.len;) {
		size_t skip = bidi_hidden_len(in.p + i, in.len - i);
		if (skip) {
			out[k++] = '_';
			i += skip;
		} else {
			out[k++] = in.p[i++];
		}
	}
	return k;
}

int
upload_file_begin(upload_t *u, sv_t filename, sv_t content_type, uint64_t expect)
{
	u->expect = expect;
	u->in_part = true;
	u->skipping = false;
	u->cur = NULL;
	u->name_len = clean_name(filename, u->name, sizeof(u->name));
	/* the type is kept only as a hint; downloads are always application/octet-stream */
	u->mime_len = 0;
	if (content_type.len <= sizeof(u->mime) && text_is_clean_utf8(content_type)) {
		memcpy(u->mime, content_type.p, content_type.len);
		u->mime_len = content_type.len;
	}
	return 0;
}

/* The part's file, made on its first byte (an empty file input sends no bytes). */
static int
upload_open_file(upload_t *u)
{
	if (u->n >= u->max_files) {
		u->too_many = true;
		u->skipping = true;
		return 0;
	}
	if (!upload_room(u->app, u->max_bytes))
		return UPLOAD_NO_ROOM;
	struct upfile *f = &u->files[u->n];
	randombytes_buf(f->id, 16);
	unsigned long full = diskfull_count();
	if (store_blob_create(u->app->store, f->id, &f->blob) != STORE_OK) {
		int err = errno;
		atomic_fetch_sub(&uploads_in_flight, 1);
		atomic_fetch_sub(&bytes_reserved, u->max_bytes);
		if (diskfull_count() != full)
			return UPLOAD_NO_ROOM;   /* reported, with the directory (core/diskfull.h) */
		log_warnx("cannot create a blob: %s", strerror(err));
		return UPLOAD_IO_ERROR;
	}
	f->exists = true;
	f->reserved = u->max_bytes;
	int rc = u->drop ? drop_writer_start(u->drop, f->id, u->name, u->name_len, u->mime, u->mime_len, upfile_pwrite,
	                       upfile_pread, f, &f->w)
	                 : case_blob_writer_start(f->id, u->name, u->name_len, u->mime, u->mime_len, upfile_pwrite,
	                       upfile_pread, f, &f->w);
	if (rc != 0) {
		upfile_drop(u->app, f);
		return UPLOAD_IO_ERROR;
	}
	/* a length that fits: one pass over the file, none at the end (a wrong guess costs
	 * the second pass it would have cost anyway) */
	if (u->expect && u->expect <= u->max_bytes && case_blob_writer_expect(f->w, u->expect) != 0)
		log_warnx("an upload's first frame could not be written ahead; it is written at the end");
	u->n++;
	u->cur = f;
	return 0;
}

/* No room for a file (the disk is full or nearly, or too many files are on their way):
 * every file of this form is dropped and the rest of its files skipped, so that its text
 * fields still arrive and the page can give them back. Nothing of it is then stored
 * (upload_seal refuses). */
static int
upload_refuse(upload_t *u)
{
	for (size_t i = 0; i < u->n; i++)
		upfile_drop(u->app, &u->files[i]);
	u->n = 0;
	u->cur = NULL;
	u->skipping = true;
	u->refused = true;
	return 0;
}

int
upload_file_data(upload_t *u, const char *p, size_t n)
{
	if (!u->in_part || u->skipping || u->refused || n == 0)
		return 0;
	if (u->discard) {   /* not a byte of it written anywhere */
		u->discarded = true;
		u->skipping = true;
		return 0;
	}
	int rc;
	if (!u->cur && (rc = upload_open_file(u)) != 0)
		return rc == UPLOAD_NO_ROOM ? upload_refuse(u) : rc;
	if (u->skipping)
		return 0;
	struct upfile *f = u->cur;
	if (case_blob_writer_length(f->w) + n > u->max_bytes) {
		/* over the limit: this file is dropped at once, the rest of it ignored */
		u->too_large = true;
		u->skipping = true;
		upfile_drop(u->app, f);
		u->n--;
		u->cur = NULL;
		return 0;
	}
	unsigned long full = diskfull_count();
	if (case_blob_writer_write(f->w, (const uint8_t *)p, n) != 0) {
		if (diskfull_count() != full)
			return upload_refuse(u);
		log_warnx("cannot write a blob");
		return UPLOAD_IO_ERROR;
	}
	return 0;
}

int
upload_file_end(upload_t *u)
{
	/* one descriptor per upload at a time: the file is opened again to be sealed */
	if (u->cur) {
		store_blob_close(u->cur->blob);
		u->cur->blob = NULL;
	}
	u->in_part = false;
	u->cur = NULL;
	return 0;
}

bool
upload_too_many(const upload_t *u)
{
	return u->too_many;
}

bool
upload_too_large(const upload_t *u)
{
	return u->too_large;
}

bool
upload_refused(const upload_t *u)
{
	return u && u->refused;
}

size_t
upload_count(const upload_t *u)
{
	return u ? u->n : 0;
}

void
upload_free(upload_t *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < LIMIT_MP_FILES_MAX; i++)
		upfile_drop(u->app, &u->files[i]);
	drop_keys_free(u->drop);
	sodium_memzero(u, sizeof(*u));
	free(u);
}

/* Second pass of every file under the case's key; durable before the rows name them
 * (a write or sync that finds no room has been reported by the store). */
int
upload_seal(upload_t *u, const app_t *app, case_keys_t *keys, const uint8_t case_id[16], store_attachment_t *att,
    int64_t hour)
{
	if (u && (u->refused || u->drop || u->discard))   /* a drop's files are never wrapped to a case */
		return -1;
	if (!u || u->n == 0)
		return 0;
	for (size_t i = 0; i < u->n; i++) {
		struct upfile *f = &u->files[i];
		memset(&att[i], 0, sizeof(att[i]));
		if (!f->blob && store_blob_open(app->store, f->id, true, &f->blob) != STORE_OK)
			return -1;
		if (!keys || case_blob_writer_bind_keys(keys, f->w) != VAULT_OK)
			return -1;
		int rc = case_blob_writer_finish(f->w, att[i].fk_wrap, &att[i].blob_len);
		f->w = NULL;   /* finish frees it */
		if (rc != 0 || store_blob_sync(f->blob) != STORE_OK)
			return -1;
		store_blob_close(f->blob);
		f->blob = NULL;
		memcpy(att[i].id, f->id, 16);
		memcpy(att[i].case_id, case_id, 16);
		att[i].created_hour = hour;
	}
	return store_blobs_sync(app->store) == STORE_OK ? 0 : -1;
}

int
upload_seal_drop(upload_t *u, const app_t *app, uint8_t (*ids)[16], uint64_t *lens)
{
	uint8_t no_wrap[CASE_FKWRAP_BYTES];
	if (u && (u->refused || (u->n && !u->drop)))
		return -1;
	if (!u || u->n == 0)
		return 0;
	for (size_t i = 0; i < u->n; i++) {
		struct upfile *f = &u->files[i];
		if (!f->blob && store_blob_open(app->store, f->id, true, &f->blob) != STORE_OK)
			return -1;
		int rc = case_blob_writer_finish(f->w, no_wrap, &lens[i]);
		f->w = NULL;   /* finish frees it */
		if (rc != 0 || store_blob_sync(f->blob) != STORE_OK)
			return -1;
		store_blob_close(f->blob);
		f->blob = NULL;
		memcpy(ids[i], f->id, 16);
	}
	return store_blobs_sync(app->store) == STORE_OK ? 0 : -1;
}

void
upload_keep(upload_t *u)
{
	for (size_t i = 0; u && i < u->n; i++)
		u->files[i].kept = true;
}
