/* intake: the rules for help requests. A submission is written in this order, so that a
 * crash at any point leaves either a whole request or nothing readable: the shred-key
 * slot (fdatasync, in case_create), the blobs (fdatasync each, then the directory), the
 * rows in one transaction (synchronous = FULL); only then is the receipt shown. What a
 * crash leaves half done is destroyed at the next start (intake_recover). */
#include "domain/intake.h"
#include "domain/intake_private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/bidi.h"
#include "core/bucket.h"
#include "core/diskfull.h"
#include "core/le.h"
#include "core/log.h"
#include "domain/audit.h"
#include "parse/urlenc.h"
#include "store/store.h"
#include "vault/secmem.h"

#define MAILBOX_ABSOLUTE_S (2 * 3600)

const char *const intake_situations[] = { "notice", "serving", "border", "out", "other", NULL };
const char *const intake_regions[] = { "central", "northwest", "south", "north_caucasus", "volga", "urals",
	"siberia", "far_east", "moscow", "st_petersburg", "abroad", "undisclosed", NULL };

bool
intake_choice_ok(const char *const *list, sv_t value)
{
	if (value.len == 0)
		return true;
	for (size_t i = 0; list[i]; i++)
		if (sv_eq(value, sv_from_cstr(list[i])))
			return true;
	return false;
}

int
intake_status_of(int stage)
{
	if (stage == STAGE_NEW)
		return STATUS_RECEIVED;
	if (stage == STAGE_CLOSED || stage == STAGE_REJECTED)
		return STATUS_CLOSED;
	return STATUS_IN_PROGRESS;
}

int64_t
now_hour(void)
{
	return (int64_t)(time(NULL) / 3600);
}

static void
hex16(const uint8_t id[16], char out[33])
{
	sodium_bin2hex(out, 33, id, 16);
}

static void
blob_path(const app_t *app, const uint8_t id[16], char *out, size_t n)
{
	char hex[33];
	hex16(id, hex);
	snprintf(out, n, "%s/blobs/%s", app->dir, hex);
}

/* ---- flood limits for the whole instance: token buckets (core/bucket.h) ---- */

static bucket_t rate_intake = BUCKET_INIT;
static bucket_t rate_apply = BUCKET_INIT;   /* volunteers' applications: the same settings, their own
                                             * bucket, so a flood of them never closes the help form */
static bucket_t rate_receipts = BUCKET_INIT;

/* ---- uploads ---- */

struct upfile {
	uint8_t id[16];
	int fd;                    /* open while its part streams in, and while it is sealed */
	case_blob_writer_t *w;
	bool exists;               /* the file was made (and counts as in flight) */
	bool kept;                 /* a committed row names it */
	int err;                   /* errno of the write that failed */
};

/* Files being uploaded, instance-wide: each holds a writer in locked memory and grows on
 * disk, so their number is bounded, and none starts when the disk is nearly full. */
static atomic_uint uploads_in_flight;

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
	bool too_many, too_large;
	bool refused;              /* no room for files: all dropped, the rest skipped (upload_refuse) */
};

upload_t *
upload_new(const app_t *app)
{
	upload_t *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->app = app;
	u->max_files = app->config.max_files;
	u->max_bytes = (uint64_t)app->config.max_file_mb << 20;
	for (size_t i = 0; i < LIMIT_MP_FILES_MAX; i++)
		u->files[i].fd = -1;
	return u;
}

static void
upfile_drop(const app_t *app, struct upfile *f)
{
	char path[4200];
	case_blob_writer_free(f->w);
	f->w = NULL;
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	if (f->exists) {
		if (!f->kept) {
			blob_path(app, f->id, path, sizeof(path));
			if (unlink(path) != 0 && errno != ENOENT)
				log_warnx("could not delete an unused blob: %s", strerror(errno));
		}
		f->exists = false;
		atomic_fetch_sub(&uploads_in_flight, 1);
	}
}

/* Room for one more upload: a place among those in flight, and free disk space. */
static bool
upload_room(const app_t *app)
{
	struct statvfs fs;
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/blobs", app->dir);
	uint64_t floor = ((uint64_t)LIMIT_DISK_FLOOR_MB + 2 * (uint64_t)app->config.max_file_mb) << 20;
	if (statvfs(dir, &fs) != 0 || (uint64_t)fs.f_bavail * fs.f_frsize < floor) {
		log_warnx("uploads are refused: less than %llu MiB free under %s", (unsigned long long)(floor >> 20), dir);
		return false;
	}
	if (atomic_fetch_add(&uploads_in_flight, 1) >= LIMIT_UPLOADS_IN_FLIGHT) {
		atomic_fetch_sub(&uploads_in_flight, 1);
		return false;
	}
	return true;
}

static int
upfile_pwrite(void *arg, const uint8_t *p, size_t n, uint64_t off)
{
	struct upfile *f = arg;
	while (n) {
		ssize_t w = pwrite(f->fd, p, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			f->err = w < 0 ? errno : EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static int
upfile_pread(void *arg, uint8_t *p, size_t n, uint64_t off)
{
	struct upfile *f = arg;
	while (n) {
		ssize_t r = pread(f->fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
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
upload_file_begin(upload_t *u, sv_t filename, sv_t content_type)
{
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
	char path[4200];
	if (u->n >= u->max_files) {
		u->too_many = true;
		u->skipping = true;
		return 0;
	}
	if (!upload_room(u->app))
		return UPLOAD_NO_ROOM;
	struct upfile *f = &u->files[u->n];
	randombytes_buf(f->id, 16);
	blob_path(u->app, f->id, path, sizeof(path));
	f->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (f->fd < 0) {
		int err = errno;
		atomic_fetch_sub(&uploads_in_flight, 1);
		snprintf(path, sizeof(path), "%s/blobs", u->app->dir);
		if (diskfull_check(path, err))
			return UPLOAD_NO_ROOM;
		log_warnx("cannot create a blob: %s", strerror(err));
		return UPLOAD_IO_ERROR;
	}
	f->exists = true;
	if (case_blob_writer_start(f->id, u->name, u->name_len, u->mime, u->mime_len, upfile_pwrite, upfile_pread, f,
	        &f->w) != 0) {
		upfile_drop(u->app, f);
		return UPLOAD_IO_ERROR;
	}
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
	if (case_blob_writer_write(f->w, (const uint8_t *)p, n) != 0) {
		char dir[4200];
		snprintf(dir, sizeof(dir), "%s/blobs", u->app->dir);
		if (diskfull_check(dir, f->err))
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
	if (u->cur && u->cur->fd >= 0) {
		close(u->cur->fd);
		u->cur->fd = -1;
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
	sodium_memzero(u, sizeof(*u));
	free(u);
}

static int
fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Second pass of every file under the case's key; durable before the rows name them. */
static int
upload_seal(upload_t *u, const app_t *app, const case_opener_t *who, const case_ref_t *ref, store_attachment_t *att,
    int64_t hour)
{
	char dir[4200];
	if (u && u->refused)
		return -1;
	if (!u || u->n == 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s/blobs", app->dir);
	for (size_t i = 0; i < u->n; i++) {
		struct upfile *f = &u->files[i];
		char path[4200];
		memset(&att[i], 0, sizeof(att[i]));
		blob_path(app, f->id, path, sizeof(path));
		if (f->fd < 0 && (f->fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
			return -1;
		if (case_blob_writer_bind(app->vault, who, ref, f->w) != VAULT_OK)
			return -1;
		f->err = 0;
		int rc = case_blob_writer_finish(f->w, att[i].fk_wrap, &att[i].blob_len);
		f->w = NULL;   /* finish frees it */
		if (rc != 0 || fdatasync(f->fd) != 0) {
			(void)diskfull_check(dir, rc != 0 ? f->err : errno);
			return -1;
		}
		close(f->fd);
		f->fd = -1;
		memcpy(att[i].id, f->id, 16);
		memcpy(att[i].case_id, ref->case_id, 16);
		att[i].created_hour = hour;
	}
	if (fsync_dir(dir) != 0) {
		(void)diskfull_check(dir, errno);
		return -1;
	}
	return 0;
}

static void
upload_keep(upload_t *u)
{
	for (size_t i = 0; u && i < u->n; i++)
		u->files[i].kept = true;
}

/* ---- access: who opens a case, and with which copy ---- */


struct access *
access_new(void)
{
	return secmem_alloc(sizeof(struct access));
}

void
access_free(struct access *a)
{
	if (a)
		case_keys_free(a->keys);
	secmem_free(a);   /* wiped */
}

void
access_reset(struct access *a)
{
	case_keys_free(a->keys);
	sodium_memzero(a, sizeof(*a));
}

static int
access_ref(const app_t *app, struct access *a, const store_copy_t *copy)
{
	size_t n;
	memcpy(a->ref.case_id, a->row.id, 16);
	a->ref.slot = a->row.slot;
	a->ref.e = a->row.epoch;
	memcpy(a->ref.copy, copy->copy, CASE_COPY_BYTES);
	if (copy->has_ncopy)
		memcpy(a->ref.ncopy, copy->ncopy, CASE_COPY_BYTES);
	if (a->row.epoch > 0) {
		if (store_case_links(app->store, a->row.id, CASE_KIND_CASE, a->row.epoch, a->links, LINKS_MAX, &n) != STORE_OK)
			return -1;
		a->ref.links = (const uint8_t(*)[CASE_LINK_BYTES])a->links;
		a->ref.nlinks_s = (uint32_t)n;
		if (store_case_links(app->store, a->row.id, CASE_KIND_NOTES, a->row.epoch, a->nlinks, LINKS_MAX, &n) != STORE_OK)
			return -1;
		a->ref.nlinks = (const uint8_t(*)[CASE_LINK_BYTES])a->nlinks;
		a->ref.nlinks_n = (uint32_t)n;
	}
	return 0;
}

static intake_status_t
access_requester(const app_t *app, const mailbox_t *m, struct access *a)
{
	store_copy_t copy;
	int rc = store_case_get(app->store, m->case_id, &a->row);
	if (rc == STORE_OK)
		rc = store_case_copy(app->store, m->case_id, HOLDER_REQUESTER, m->case_id, &copy);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	a->who.by = CASE_BY_SESSION;
	a->who.sess = m->sess;
	rc = access_ref(app, a, &copy);
	sodium_memzero(&copy, sizeof(copy));
	return rc == 0 ? INTAKE_OK : INTAKE_ERROR;
}

bool
requests_allowed(const app_t *app, const staff_t *s)
{
	return staff_group_holds(app, s, "triage") == 1;
}

/* A staff member's way into a case: a copy sealed to her own key, or the triage key
 * (following the group's links back to the epoch the case was sealed to).
 * The store is read the same way whether the case exists or not, and whether it is hers or
 * not: its row, her own copy, her copy of the triage key and, when she has one, the case's
 * triage copy. "Not yours" must not take longer than "does not exist" (issue 9: it took
 * 50-75 us more, three more queries); tests/unit/test_access.c pins the reads. Only a way
 * in that is found reads more (the links), and only she can time that. */
intake_status_t
access_staff(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a)
{
	store_copy_t own, gcopy;
	store_group_t g;
	size_t n = 0;
	int rc = store_case_get(app->store, case_id, &a->row);
	int rc_own = store_case_copy(app->store, case_id, HOLDER_ACCOUNT, s->acct.id, &own);
	int rc_g = store_group_get(app->store, "triage", &g);
	if (rc_g == STORE_OK)
		rc_g = store_group_copy(app->store, g.id, s->acct.id, &a->who.group_epoch, a->who.group_copy);
	int rc_gcopy = rc_g == STORE_OK ? store_case_group_copy(app->store, case_id, &gcopy) : STORE_NOT_FOUND;
	intake_status_t st = INTAKE_NOT_FOUND;
	if (rc == STORE_ERROR || rc_own == STORE_ERROR || (rc_own != STORE_OK && rc_gcopy == STORE_ERROR)) {
		st = INTAKE_ERROR;
	} else if (rc != STORE_OK) {
		st = INTAKE_NOT_FOUND;
	} else if (rc_own == STORE_OK) {
		a->who.by = CASE_BY_SESSION;
		st = INTAKE_OK;
	} else if (/* the triage key, followed back to the epoch the case was sealed to; with no way
	            * back (a new key after its last holder left), NOT_FOUND */
	    rc_g == STORE_OK && rc_gcopy == STORE_OK && sodium_memcmp(gcopy.holder, g.id, 16) == 0 &&
	    gcopy.holder_epoch <= a->who.group_epoch &&
	    (gcopy.holder_epoch == a->who.group_epoch ||
	        (store_group_links(app->store, g.id, a->who.group_epoch, gcopy.holder_epoch, a->glinks, LINKS_MAX, &n) ==
	                STORE_OK &&
	            n == a->who.group_epoch - gcopy.holder_epoch))) {
		a->who.by = CASE_BY_GROUP;
		memcpy(a->who.group_id, g.id, 16);
		a->who.glinks = (const uint8_t(*)[GROUP_SEAL_BYTES])a->glinks;
		a->who.nglinks = (uint32_t)n;
		memcpy(&own, &gcopy, sizeof(own));
		st = INTAKE_OK;
	}
	if (st == INTAKE_OK) {
		a->who.sess = s->sess;
		if (a->who.by == CASE_BY_SESSION) {
			sodium_memzero(a->who.group_copy, sizeof(a->who.group_copy));
			a->who.group_epoch = 0;
		}
		if (access_ref(app, a, &own) != 0)
			st = INTAKE_ERROR;
	}
	sodium_memzero(&own, sizeof(own));
	sodium_memzero(&gcopy, sizeof(gcopy));
	return st;
}

void
audit_case(const app_t *app, const struct access *a, const uint8_t *actor, audit_action_t action)
{
	uint8_t object[16];
	if (case_audit_id(app->vault, a->row.id, a->row.slot, object) != VAULT_OK ||
	    audit_append(app->vault, app->store, actor, action, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
}

/* ---- sealing items ---- */


int
seal_item_kind(const app_t *app, const struct access *a, struct sealed *out, int kind, int role, int field, sv_t text,
    int64_t hour)
{
	if (out->n >= 8)
		return -1;
	size_t cap = CASE_ITEM_OVERHEAD + vault_padme(text.len + 1), len = 0;
	uint8_t *b = malloc(cap);
	if (!b)
		return -1;
	store_item_t *it = &out->items[out->n];
	memset(it, 0, sizeof(*it));
	randombytes_buf(it->id, 16);
	if (case_item_seal(app->vault, &a->who, &a->ref, (uint8_t)kind, it->id, (uint8_t)role, (uint8_t)field,
	        (const uint8_t *)text.p, text.len, b, cap, &len) != VAULT_OK) {
		free(b);
		return -1;
	}
	it->kind = kind;
	it->role = role;
	it->field = field;
	it->created_hour = hour;
	it->ct = b;
	it->ct_len = len;
	out->buf[out->n++] = b;
	return 0;
}

static int
seal_item(const app_t *app, const struct access *a, struct sealed *out, int role, int field, sv_t text, int64_t hour)
{
	return seal_item_kind(app, a, out, CASE_KIND_CASE, role, field, text, hour);
}

void
sealed_free(struct sealed *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->buf[i]);   /* ciphertext: nothing to wipe */
	s->n = 0;
}

/* ---- the requester ---- */

bool
intake_open(const app_t *app)
{
	store_group_t g;
	return store_group_get(app->store, "triage", &g) == STORE_OK;
}

intake_status_t
intake_admit(const app_t *app)
{
	const config_t *c = &app->config;
	size_t waiting = 0;
	if (!intake_open(app))
		return INTAKE_CLOSED;
	if ((c->untriaged_max && (store_cases_count(app->store, STAGE_NEW, STAGE_NEW, &waiting) != STORE_OK ||
	                             waiting >= c->untriaged_max)) ||
	    !bucket_peek(&rate_intake, c->per_minute, c->intake_burst, bucket_now_ms()))
		return INTAKE_OVERLOADED;
	return INTAKE_OK;
}

struct holders {
	uint8_t pk[CASE_HOLDERS_MAX][32];
	uint8_t id[CASE_HOLDERS_MAX][16];
	size_t n;
	bool overflow;
};

static void
holder_add(void *ctx, const store_account_t *acct, bool has_copy)
{
	struct holders *h = ctx;
	if (!has_copy)
		return;
	if (h->n == CASE_HOLDERS_MAX) {
		h->overflow = true;
		return;
	}
	memcpy(h->pk[h->n], acct->pk, 32);
	memcpy(h->id[h->n], acct->id, 16);
	h->n++;
}

struct submit_field {
	int field;
	sv_t text;
};

/* A new case (a request, or an application) with its first items, as the requester: the
 * durable order of the file's head comment. */
static intake_status_t
case_submit(const app_t *app, lang_t lang, int stage, const struct submit_field *fields, size_t nfields, upload_t *u,
    char receipt[RECEIPT_DIGITS_MAX + 1])
{
	const config_t *c = &app->config;
	store_group_t g;
	struct sealed items = { .n = 0 };
	store_attachment_t att[LIMIT_MP_FILES_MAX];
	size_t waiting = 0;
	int64_t hour = now_hour();
	unsigned long full = diskfull_count();
	bucket_t *rate = stage == STAGE_APPLICATION ? &rate_apply : &rate_intake;

	if (upload_refused(u))
		return INTAKE_FULL;
	int rc = store_group_get(app->store, "triage", &g);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_CLOSED : INTAKE_ERROR;
	/* up to CASE_HOLDERS_MAX holders while a rotation waits: on the heap, not the stack */
	struct holders *h = calloc(1, sizeof(*h));
	store_copy_t *copies = calloc(CASE_HOLDERS_MAX + 1, sizeof(*copies));
	if (!h || !copies) {
		free(h);
		free(copies);
		return INTAKE_ERROR;
	}

	intake_status_t st = INTAKE_OVERLOADED;
	case_new_t *cn = NULL;
	struct access *a = NULL;
	bool created = false, taken = false;
	if (c->untriaged_max && (store_cases_count(app->store, STAGE_NEW, STAGE_NEW, &waiting) != STORE_OK ||
	                            waiting >= c->untriaged_max))
		goto done;
	if (!bucket_take(rate, c->per_minute, c->intake_burst, bucket_now_ms(), NULL))
		goto done;
	taken = true;
	if (g.rotation_pending) {
		/* the old key may be known to a revoked member: seal to each remaining member */
		rc = store_group_members(app->store, g.id, 0, holder_add, h);
		if (rc != STORE_OK || h->n == 0 || h->overflow) {
			st = rc == STORE_OK ? INTAKE_CLOSED : INTAKE_ERROR;
			goto done;
		}
	} else {
		memcpy(h->pk[0], g.pk, 32);
		h->n = 1;
	}

	cn = secmem_alloc(sizeof(*cn));
	a = access_new();
	st = INTAKE_ERROR;
	if (!cn || !a)
		goto done;
	vault_status_t vs = case_create(app->vault, c->receipt_digits, (const uint8_t(*)[32])h->pk, h->n, cn);
	if (vs != VAULT_OK) {
		st = vs == VAULT_BUSY ? INTAKE_BUSY : INTAKE_ERROR;
		goto done;
	}
	created = true;
	/* the intake acts as the requester, through the mailbox session case_create made */
	a->who.by = CASE_BY_SESSION;
	if (sess_from_cookie(sv_from_cstr(cn->mailbox.cookie), a->who.sess.c, a->who.sess.sid) != 0)
		goto done;
	a->who.sess.kind = SESS_KIND_MAILBOX;
	memcpy(a->who.sess.owner, cn->case_id, 16);
	memcpy(a->who.sess.box, cn->mailbox.box, SESS_BOX_BYTES);
	memcpy(a->ref.case_id, cn->case_id, 16);
	a->ref.slot = cn->slot;
	a->ref.e = 0;
	memcpy(a->ref.copy, cn->req_copy, CASE_COPY_BYTES);

	/* every field, even when empty, so that the rows do not tell which were left out */
	for (size_t i = 0; i < nfields; i++)
		if (seal_item(app, a, &items, CASE_ROLE_REQUESTER, fields[i].field, fields[i].text, hour) != 0)
			goto done;
	if (upload_seal(u, app, &a->who, &a->ref, att, hour) != 0)
		goto done;

	store_case_t row;
	memset(&row, 0, sizeof(row));
	memcpy(row.id, cn->case_id, 16);
	row.slot = cn->slot;
	memcpy(row.lang, lang_code(lang), 2);
	row.stage = stage;
	memcpy(row.pk_req_item_id, cn->pk_req_item_id, 16);
	memcpy(row.pk_req_item, cn->pk_req_item, STORE_PKREQ_ITEM_BYTES);
	row.created_hour = row.activity_hour = hour;
	copies[0].holder_kind = HOLDER_REQUESTER;
	memcpy(copies[0].holder, cn->case_id, 16);
	memcpy(copies[0].copy, cn->req_copy, CASE_COPY_BYTES);
	for (size_t i = 0; i < h->n; i++) {
		store_copy_t *k = &copies[i + 1];
		k->holder_kind = g.rotation_pending ? HOLDER_ACCOUNT : HOLDER_GROUP;
		memcpy(k->holder, g.rotation_pending ? h->id[i] : g.id, 16);
		k->holder_epoch = g.rotation_pending ? 0 : g.epoch;
		memcpy(k->copy, cn->copies[i], CASE_COPY_BYTES);
		memcpy(k->ncopy, cn->ncopies[i], CASE_COPY_BYTES);
		k->has_ncopy = true;
	}
	rc = store_case_create(app->store, &row, copies, h->n + 1, items.items, items.n, att, upload_count(u));
	if (rc != STORE_OK) {
		/* a holder was revoked (or the key rotated) while this request was being sealed:
		 * nothing is sealed to a key that may be known to her; the form comes back */
		if (rc == STORE_CONFLICT)
			st = INTAKE_BUSY;
		goto done;
	}
	upload_keep(u);
	memcpy(receipt, cn->receipt, sizeof(cn->receipt));
	st = INTAKE_OK;
done:
	if (st == INTAKE_ERROR && diskfull_count() != full)
		st = INTAKE_FULL;   /* the log has said why, at most every few minutes */
	if (st != INTAKE_OK) {
		if (created && case_shred(app->vault, cn->case_id, cn->slot) != VAULT_OK)
			log_warnx("could not shred the key of a request that failed; it is collected at the next start");
		if (st != INTAKE_BUSY && st != INTAKE_OVERLOADED && st != INTAKE_CLOSED && st != INTAKE_FULL)
			log_warnx("a help request could not be stored");
		if (taken)
			bucket_give_back(rate, c->per_minute, c->intake_burst, bucket_now_ms());
	}
	sealed_free(&items);
	free(copies);   /* sealed copies: nothing secret */
	free(h);
	secmem_free(cn);
	access_free(a);
	return st;
}

intake_status_t
intake_submit(const app_t *app, lang_t lang, const intake_form_t *f, upload_t *u, char receipt[RECEIPT_DIGITS_MAX + 1])
{
	const struct submit_field fields[] = {
		{ FIELD_MESSAGE, f->message }, { FIELD_SITUATION, f->situation }, { FIELD_REGION, f->region },
		{ FIELD_CONTACT, f->contact },
	};
	return case_submit(app, lang, STAGE_NEW, fields, 4, u, receipt);
}

intake_status_t
application_submit(const app_t *app, lang_t lang, const application_form_t *f)
{
	char receipt[RECEIPT_DIGITS_MAX + 1];
	const struct submit_field fields[] = {
		{ FIELD_MESSAGE, f->about }, { FIELD_LANGUAGES, f->languages }, { FIELD_CONTACT, f->contact },
		{ FIELD_VOUCHERS, f->vouchers },
	};
	/* nobody comes back with an application's receipt: it is made, and forgotten */
	intake_status_t st = case_submit(app, lang, STAGE_APPLICATION, fields, 4, NULL, receipt);
	sodium_memzero(receipt, sizeof(receipt));
	return st;
}

intake_status_t
mailbox_open(const app_t *app, const char *digits, size_t n, char cookie[SESS_COOKIE_CHARS + 1])
{
	uint8_t case_id[16];
	uint32_t slot;
	store_case_t row;
	sess_new_t *ns;
	if (!bucket_take(&rate_receipts, app->config.attempts_per_minute, app->config.attempts_burst, bucket_now_ms(), NULL))
		return INTAKE_OVERLOADED;
	if (!(ns = secmem_alloc(sizeof(*ns))))
		return INTAKE_ERROR;
	intake_status_t st;
	vault_status_t vs = case_receipt_login(app->vault, digits, n, case_id, &slot, ns);
	if (vs != VAULT_OK) {
		st = vs == VAULT_NOT_FOUND ? INTAKE_NOT_FOUND : vs == VAULT_BUSY ? INTAKE_BUSY : INTAKE_ERROR;
	} else if (store_case_get(app->store, case_id, &row) != STORE_OK || row.slot != slot) {
		st = INTAKE_NOT_FOUND;   /* a slot without its rows: collected at the next start */
	} else {
		store_session_t srow = { .kind = SESS_KIND_MAILBOX, .created_hour = now_hour() };
		memcpy(srow.sid, ns->sid, 32);
		memcpy(srow.owner, case_id, 16);
		memcpy(srow.box, ns->box, SESS_BOX_BYTES);
		if (!session_timer_start(ns->sid, app->config.mailbox_idle_min * 60, MAILBOX_ABSOLUTE_S)) {
			st = INTAKE_BUSY;
		} else if (store_session_add(app->store, &srow) != STORE_OK) {
			session_timer_forget(ns->sid);
			st = INTAKE_ERROR;
		} else {
			memcpy(cookie, ns->cookie, SESS_COOKIE_CHARS + 1);
			st = INTAKE_OK;
		}
	}
	secmem_free(ns);
	return st;
}

unsigned
mailbox_wait_s(const app_t *app)
{
	return bucket_wait_s(&rate_receipts, app->config.attempts_per_minute, app->config.attempts_burst, bucket_now_ms());
}

intake_status_t
mailbox_session(const app_t *app, sv_t cookie, mailbox_t *out)
{
	store_session_t row;
	memset(out, 0, sizeof(*out));
	if (sess_from_cookie(cookie, out->sess.c, out->sess.sid) != 0)
		return INTAKE_NOT_FOUND;
	bool live = session_timer_touch(out->sess.sid);
	int rc = store_session_get(app->store, out->sess.sid, &row);
	if (!live || rc != STORE_OK || row.kind != SESS_KIND_MAILBOX) {
		if (rc == STORE_OK && row.kind == SESS_KIND_MAILBOX && store_session_delete(app->store, out->sess.sid) != STORE_OK)
			log_warnx("could not delete a stale mailbox session");
		if (live)
			session_timer_forget(out->sess.sid);
		sodium_memzero(out, sizeof(*out));
		return rc == STORE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	}
	out->sess.kind = SESS_KIND_MAILBOX;
	memcpy(out->sess.owner, row.owner, 16);
	memcpy(out->sess.box, row.box, SESS_BOX_BYTES);
	memcpy(out->case_id, row.owner, 16);
	return INTAKE_OK;
}

void
mailbox_leave(const app_t *app, const mailbox_t *m)
{
	session_timer_forget(m->sess.sid);
	if (store_session_delete(app->store, m->sess.sid) != STORE_OK)
		log_warnx("could not delete a mailbox session");
}

/* A message (and its files) added to a case the access opens. */
static intake_status_t
message_add(const app_t *app, struct access *a, int role, sv_t message, upload_t *u, int from_stage, int to_stage)
{
	struct sealed items = { .n = 0 };
	store_attachment_t att[LIMIT_MP_FILES_MAX];
	int64_t hour = now_hour();
	uint32_t seq;
	unsigned long full = diskfull_count();
	intake_status_t st = INTAKE_ERROR;
	if (upload_refused(u))
		return INTAKE_FULL;
	if (seal_item(app, a, &items, role, FIELD_MESSAGE, message, hour) == 0 &&
	    upload_seal(u, app, &a->who, &a->ref, att, hour) == 0) {
		int rc = store_case_add(app->store, a->row.id, items.items, items.n, att, upload_count(u), hour, from_stage,
		    to_stage, role == CASE_ROLE_REQUESTER ? 1 : -1, &seq);
		if (rc == STORE_OK) {
			upload_keep(u);
			st = INTAKE_OK;
		} else if (rc == STORE_NOT_FOUND) {
			st = INTAKE_NOT_FOUND;
		}
	}
	if (st == INTAKE_ERROR && diskfull_count() != full)
		st = INTAKE_FULL;
	sealed_free(&items);
	return st;
}

intake_status_t
mailbox_reply(const app_t *app, const mailbox_t *m, sv_t message, upload_t *u)
{
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = access_requester(app, m, a);
	size_t all = 0, recent = 0;
	if (st == INTAKE_OK && intake_status_of(a->row.stage) == STATUS_CLOSED)
		st = INTAKE_NOT_FOUND;
	/* one mailbox cannot fill the disk or make its case too long to read */
	if (st == INTAKE_OK &&
	    store_case_count_items(app->store, a->row.id, CASE_ROLE_REQUESTER, FIELD_MESSAGE, now_hour(), &all, &recent) !=
	        STORE_OK)
		st = INTAKE_ERROR;
	if (st == INTAKE_OK && (all >= LIMIT_REQUESTER_MESSAGES || recent >= LIMIT_REQUESTER_PER_HOUR))
		st = INTAKE_OVERLOADED;
	if (st == INTAKE_OK)
		st = message_add(app, a, CASE_ROLE_REQUESTER, message, u, -1, -1);
	access_free(a);
	return st;
}

/* ---- reading ---- */

struct view_ctx {
	const app_t *app;
	struct access *a;
	case_view_t *v;
	bool staff;
	bool failed;
};

static case_msg_t *
view_msg(case_view_t *v, uint32_t seq)
{
	for (size_t i = v->nmsgs; i > 0; i--)
		if (v->msgs[i - 1].seq == seq)
			return &v->msgs[i - 1];
	return NULL;
}

/* Opens one item into out (wiped and freed by the view). */
static int item_text(const app_t *app, const struct access *a, const store_item_t *it, buf_t *out);

static int
event_add(case_event_t **list, size_t *n, case_event_t *e)
{
	case_event_t *nl = malloc((*n + 1) * sizeof(*nl));
	if (!nl)
		return -1;
	if (*n) {
		memcpy(nl, *list, *n * sizeof(*nl));
		sodium_memzero(*list, *n * sizeof(*nl));
	}
	free(*list);
	*list = nl;
	nl[(*n)++] = *e;
	return 0;
}

/* Stage changes (actor | from | to | reason), verifications (actor | note) and checklist
 * saves (actor | stage | bits u32), all under the notes key. */
static int
view_event(struct view_ctx *x, const store_item_t *it)
{
	case_view_t *v = x->v;
	buf_t b;
	case_event_t e;
	store_account_t author;
	memset(&e, 0, sizeof(e));
	if (item_text(x->app, x->a, it, &b) != 0) {
		v->incomplete = true;
		return 0;
	}
	size_t head = it->field == FIELD_STAGE ? 18 : it->field == FIELD_CHECK ? 21 : it->field == FIELD_VOUCH ? 32 : 16;
	if (b.len < head) {
		buf_free(&b);
		v->incomplete = true;
		return 0;
	}
	const uint8_t *p = (const uint8_t *)b.data;
	if (it->field == FIELD_CHECK) {
		if (p[16] < STAGES_COUNT)
			v->checklist[p[16]] = le32_get(p + 17);
		buf_free(&b);
		return 0;
	}
	memcpy(e.author_id, p, 16);
	e.hour = it->created_hour;
	if (store_account_by_id(x->app->store, p, &author) == STORE_OK)
		snprintf(e.author, sizeof(e.author), "%s", author.handle);
	if (it->field == FIELD_STAGE) {
		e.from = p[16];
		e.to = p[17];
	}
	if (it->field == FIELD_VOUCH && store_account_by_id(x->app->store, p + 16, &author) == STORE_OK)
		snprintf(e.member, sizeof(e.member), "%s", author.handle);
	buf_init(&e.text, b.len - head);
	if (b.len > head && buf_append(&e.text, b.data + head, b.len - head) != 0)
		v->incomplete = true;
	buf_free(&b);
	sodium_memzero(&author, sizeof(author));
	int rc = it->field == FIELD_STAGE   ? event_add(&v->history, &v->nhistory, &e)
	    : it->field == FIELD_VOUCH      ? event_add(&v->vouches, &v->nvouches, &e)
	                                    : event_add(&v->verifications, &v->nverifications, &e);
	if (rc != 0) {
		buf_free(&e.text);
		x->failed = true;
		return 1;
	}
	return 0;
}

/* A staff note: its author's account id, then the text, both under the notes key. */
static int
view_note(struct view_ctx *x, const store_item_t *it)
{
	case_view_t *v = x->v;
	buf_t b;
	store_account_t author;
	if (item_text(x->app, x->a, it, &b) != 0 || b.len < 16) {
		if (b.data)
			buf_free(&b);
		v->incomplete = true;
		return 0;
	}
	case_note_t *nn = malloc((v->nnotes + 1) * sizeof(*nn));
	if (!nn) {
		buf_free(&b);
		x->failed = true;
		return 1;
	}
	if (v->nnotes) {
		memcpy(nn, v->notes, v->nnotes * sizeof(*nn));
		sodium_memzero(v->notes, v->nnotes * sizeof(*nn));
	}
	free(v->notes);
	v->notes = nn;
	case_note_t *n = &v->notes[v->nnotes++];
	memset(n, 0, sizeof(*n));
	n->hour = it->created_hour;
	if (store_account_by_id(x->app->store, (const uint8_t *)b.data, &author) == STORE_OK)
		snprintf(n->author, sizeof(n->author), "%s", author.handle);
	buf_init(&n->text, b.len);
	if (buf_append(&n->text, b.data + 16, b.len - 16) != 0)
		v->incomplete = true;
	sodium_memzero(&author, sizeof(author));
	buf_free(&b);
	return 0;
}

static int
item_text(const app_t *app, const struct access *a, const store_item_t *it, buf_t *out)
{
	struct access *m = (struct access *)a;   /* the keys are a cache of what a opens */
	size_t cap = it->ct_len > CASE_ITEM_OVERHEAD ? it->ct_len - CASE_ITEM_OVERHEAD : 0, len = 0;
	uint8_t *pt = cap ? malloc(cap) : NULL;
	int rc = -1;
	buf_init(out, 0);
	if (pt && !m->keys && case_keys_open(app->vault, &a->who, &a->ref, &m->keys) != VAULT_OK)
		m->keys = NULL;
	if (pt && m->keys &&
	    case_keys_item_open(m->keys, (uint8_t)it->kind, it->id, (uint8_t)it->role, (uint8_t)it->field, it->ct,
	        it->ct_len, pt, cap, &len) == VAULT_OK) {
		buf_init(out, cap);
		rc = buf_append(out, pt, len);
	}
	if (pt) {
		sodium_memzero(pt, cap);
		free(pt);
	}
	return rc;
}

static int
view_item(void *ctx, const store_item_t *it)
{
	struct view_ctx *x = ctx;
	case_view_t *v = x->v;
	if (it->kind == CASE_KIND_NOTES && x->staff && it->field == FIELD_NOTE && it->role == CASE_ROLE_STAFF)
		return view_note(x, it);
	if (it->kind == CASE_KIND_NOTES && x->staff && it->role == CASE_ROLE_STAFF &&
	    (it->field == FIELD_STAGE || it->field == FIELD_VERIFY || it->field == FIELD_CHECK || it->field == FIELD_VOUCH))
		return view_event(x, it);
	if (it->kind != CASE_KIND_CASE || it->field == CASE_FIELD_PK_REQ)
		return 0;
	if (it->field == FIELD_MESSAGE) {
		if (it->role != CASE_ROLE_REQUESTER && it->role != CASE_ROLE_STAFF)
			return 0;
		case_msg_t *nm = realloc(v->msgs, (v->nmsgs + 1) * sizeof(*nm));
		if (!nm) {
			x->failed = true;
			return 1;
		}
		v->msgs = nm;
		case_msg_t *m = &v->msgs[v->nmsgs++];
		memset(m, 0, sizeof(*m));
		m->seq = it->seq;
		m->role = it->role;
		m->hour = it->created_hour;
		if (item_text(x->app, x->a, it, &m->text) != 0)
			v->incomplete = true;
		return 0;
	}
	if (it->role != CASE_ROLE_REQUESTER || it->seq != 1)
		return 0;
	buf_t b;
	if (item_text(x->app, x->a, it, &b) != 0) {
		v->incomplete = true;
		return 0;
	}
	if (it->field == FIELD_CONTACT && x->staff) {
		buf_free(&v->contact);
		v->contact = b;
		return 0;
	}
	if ((it->field == FIELD_LANGUAGES || it->field == FIELD_VOUCHERS) && x->staff) {
		buf_t *dstb = it->field == FIELD_LANGUAGES ? &v->languages : &v->vouchers;
		buf_free(dstb);
		*dstb = b;
		return 0;
	}
	char *dst = it->field == FIELD_SITUATION ? v->situation : it->field == FIELD_REGION ? v->region : NULL;
	if (dst && b.len < sizeof(v->situation))
		memcpy(dst, b.data, b.len + 1);
	buf_free(&b);
	return 0;
}

/* The name and size of a blob: frame 0 only. */
struct meta_ctx {
	case_file_t *f;
	bool got;
};

static int
meta_take(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime, size_t mime_len)
{
	struct meta_ctx *m = arg;
	(void)mime;
	(void)mime_len;
	m->f->size = real_len;
	memcpy(m->f->name, name, name_len < CASE_NAME_MAX ? name_len : CASE_NAME_MAX);
	m->f->name[name_len < CASE_NAME_MAX ? name_len : CASE_NAME_MAX] = '\0';
	m->got = true;
	return 1;   /* stop: the rest is not needed */
}

static int
data_ignore(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
	return 1;
}

/* Reads a blob file and feeds the reader with it, in frame-sized pieces. */
static int
blob_feed(const app_t *app, const uint8_t id[16], uint64_t max, case_blob_reader_t *r, bool whole)
{
	char path[4200];
	uint8_t *chunk = malloc(CASE_FRAME_CT);
	blob_path(app, id, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = -1;
	if (fd < 0 || !chunk)
		goto done;
	uint64_t total = 0;
	for (;;) {
		ssize_t got = read(fd, chunk, CASE_FRAME_CT);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto done;
		if (got == 0)
			break;
		total += (uint64_t)got;
		if (total > max)
			goto done;
		if (case_blob_reader_feed(r, chunk, (size_t)got) != 0) {
			rc = whole ? -1 : 0;   /* the metadata reader stops itself after frame 0 */
			goto done;
		}
	}
	rc = whole ? case_blob_reader_end(r) : 0;
done:
	if (fd >= 0)
		close(fd);
	if (chunk) {
		sodium_memzero(chunk, CASE_FRAME_CT);
		free(chunk);
	}
	return rc;
}

struct files_ctx {
	store_attachment_t *list;
	size_t n, cap;
	bool failed;
};

static int
files_collect(void *ctx, const store_attachment_t *at)
{
	struct files_ctx *fc = ctx;
	if (fc->n == fc->cap) {
		size_t cap = fc->cap ? 2 * fc->cap : 16;
		store_attachment_t *l = realloc(fc->list, cap * sizeof(*l));
		if (!l) {
			fc->failed = true;
			return 1;
		}
		fc->list = l;
		fc->cap = cap;
	}
	fc->list[fc->n++] = *at;
	return 0;
}

static void
view_files(struct view_ctx *x)
{
	struct files_ctx fc = { NULL, 0, 0, false };
	if (store_case_attachments(x->app->store, x->a->row.id, files_collect, &fc) != STORE_OK || fc.failed) {
		x->v->incomplete = true;
		free(fc.list);
		return;
	}
	for (size_t i = 0; i < fc.n; i++) {
		const store_attachment_t *at = &fc.list[i];
		case_msg_t *m = view_msg(x->v, at->seq);
		/* grown by hand: realloc would release the old names unwiped */
		case_file_t *nf = m ? malloc((m->nfiles + 1) * sizeof(*nf)) : NULL;
		if (!nf) {
			x->v->incomplete = true;   /* shown as such, never hidden */
			continue;
		}
		if (m->nfiles) {
			memcpy(nf, m->files, m->nfiles * sizeof(*nf));
			sodium_memzero(m->files, m->nfiles * sizeof(*nf));
		}
		free(m->files);
		m->files = nf;
		case_file_t *f = &m->files[m->nfiles];
		memset(f, 0, sizeof(*f));
		memcpy(f->id, at->id, 16);
		struct meta_ctx mc = { f, false };
		case_blob_sink_t sink = { meta_take, data_ignore, &mc };
		case_blob_reader_t *r = NULL;
		if (case_blob_reader_new(x->app->vault, &x->a->who, &x->a->ref, at->id, at->fk_wrap, &sink, &r) == VAULT_OK &&
		    blob_feed(x->app, at->id, 2 * (uint64_t)CASE_FRAME_CT, r, false) == 0 && mc.got)
			m->nfiles++;
		else
			x->v->incomplete = true;
		case_blob_reader_free(r);
	}
	free(fc.list);
}

static intake_status_t
view_fill(const app_t *app, struct access *a, bool staff, case_view_t *v)
{
	struct view_ctx x = { app, a, v, staff, false };
	memcpy(v->id, a->row.id, 16);
	memcpy(v->lang, a->row.lang, 3);
	v->stage = a->row.stage;
	v->status = intake_status_of(a->row.stage);
	v->created_hour = a->row.created_hour;
	v->activity_hour = a->row.activity_hour;
	buf_init(&v->contact, 0);
	buf_init(&v->languages, 0);
	buf_init(&v->vouchers, 0);
	if (store_case_items(app->store, a->row.id, view_item, &x) != STORE_OK || x.failed)
		return INTAKE_ERROR;
	view_files(&x);
	return INTAKE_OK;
}

void
case_view_free(case_view_t *v)
{
	for (size_t i = 0; i < v->nmsgs; i++) {
		buf_free(&v->msgs[i].text);
		if (v->msgs[i].files)
			sodium_memzero(v->msgs[i].files, v->msgs[i].nfiles * sizeof(case_file_t));
		free(v->msgs[i].files);
	}
	if (v->msgs)
		sodium_memzero(v->msgs, v->nmsgs * sizeof(*v->msgs));
	free(v->msgs);
	for (size_t i = 0; i < v->nnotes; i++)
		buf_free(&v->notes[i].text);
	if (v->notes)
		sodium_memzero(v->notes, v->nnotes * sizeof(*v->notes));
	free(v->notes);
	for (size_t i = 0; i < v->nhistory; i++)
		buf_free(&v->history[i].text);
	if (v->history)
		sodium_memzero(v->history, v->nhistory * sizeof(*v->history));
	free(v->history);
	for (size_t i = 0; i < v->nverifications; i++)
		buf_free(&v->verifications[i].text);
	if (v->verifications)
		sodium_memzero(v->verifications, v->nverifications * sizeof(*v->verifications));
	free(v->verifications);
	for (size_t i = 0; i < v->nvouches; i++)
		buf_free(&v->vouches[i].text);
	if (v->vouches)
		sodium_memzero(v->vouches, v->nvouches * sizeof(*v->vouches));
	free(v->vouches);
	buf_free(&v->languages);
	buf_free(&v->vouchers);
	buf_free(&v->contact);
	sodium_memzero(v, sizeof(*v));
}

intake_status_t
mailbox_view(const app_t *app, const mailbox_t *m, case_view_t *out)
{
	memset(out, 0, sizeof(*out));
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = access_requester(app, m, a);
	if (st == INTAKE_OK)
		st = view_fill(app, a, false, out);
	if (st != INTAKE_OK)
		case_view_free(out);
	access_free(a);
	return st;
}

/* A whole file into memory, for one response. */
struct data_ctx {
	case_file_out_t *out;
	bool failed;
};

static int
data_meta(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime, size_t mime_len)
{
	struct data_ctx *d = arg;
	(void)mime;
	(void)mime_len;
	size_t n = name_len < CASE_NAME_MAX ? name_len : CASE_NAME_MAX;
	memcpy(d->out->name, name, n);
	d->out->name[n] = '\0';
	buf_init(&d->out->data, (size_t)real_len);
	return 0;
}

static int
data_take(void *arg, const uint8_t *p, size_t n)
{
	struct data_ctx *d = arg;
	if (buf_append(&d->out->data, p, n) != 0) {
		d->failed = true;
		return 1;
	}
	return 0;
}

static atomic_uint_fast64_t files_in_memory;

void
intake_file_release(size_t reserved)
{
	atomic_fetch_sub(&files_in_memory, reserved);
}

static intake_status_t
file_read(const app_t *app, struct access *a, const store_attachment_t *at, case_file_out_t *out)
{
	struct data_ctx d = { out, false };
	case_blob_sink_t sink = { data_meta, data_take, &d };
	case_blob_reader_t *r = NULL;
	memset(out, 0, sizeof(*out));
	/* the blob's length bounds the content's */
	uint64_t budget = (uint64_t)LIMIT_FILES_IN_MEMORY_MB << 20;
	if (atomic_fetch_add(&files_in_memory, at->blob_len) + at->blob_len > budget) {
		atomic_fetch_sub(&files_in_memory, at->blob_len);
		return INTAKE_BUSY;
	}
	out->reserved = (size_t)at->blob_len;
	intake_status_t st = INTAKE_ERROR;
	if (case_blob_reader_new(app->vault, &a->who, &a->ref, at->id, at->fk_wrap, &sink, &r) == VAULT_OK &&
	    blob_feed(app, at->id, at->blob_len, r, true) == 0 && !d.failed)
		st = INTAKE_OK;
	case_blob_reader_free(r);
	if (st != INTAKE_OK) {
		buf_free(&out->data);
		sodium_memzero(out->name, sizeof(out->name));
		intake_file_release(out->reserved);
		out->reserved = 0;
		log_warnx("an attachment could not be opened");
	}
	return st;
}

intake_status_t
mailbox_file(const app_t *app, const mailbox_t *m, const uint8_t aid[16], case_file_out_t *out)
{
	store_attachment_t at;
	int rc = store_attachment_get(app->store, aid, &at);
	if (rc != STORE_OK || sodium_memcmp(at.case_id, m->case_id, 16) != 0)
		return rc == STORE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = access_requester(app, m, a);
	if (st == INTAKE_OK)
		st = file_read(app, a, &at, out);
	access_free(a);
	return st;
}

/* ---- triage ---- */

struct list_ctx {
	store_case_t rows[REQUESTS_PAGE];
	size_t n;
};

static int
list_collect(void *ctx, const store_case_t *c)
{
	struct list_ctx *l = ctx;
	if (l->n < REQUESTS_PAGE)
		l->rows[l->n++] = *c;
	return 0;
}

struct first_ctx {
	const app_t *app;
	const struct access *a;
	buf_t text;
	bool ok;
};

static int
first_take(void *ctx, const store_item_t *it)
{
	struct first_ctx *f = ctx;
	f->ok = item_text(f->app, f->a, it, &f->text) == 0;
	return 1;
}

/* The first line of text, at most cap - 1 bytes, cut at a character boundary. */
static void
first_line(const buf_t *b, char *out, size_t cap)
{
	size_t n = 0;
	while (n < b->len && b->data[n] != '\n' && b->data[n] != '\r')
		n++;
	if (n > cap - 1) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)b->data[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, b->data, n);
	out[n] = '\0';
}

void
request_rows(const app_t *app, const staff_t *s, const store_case_t *cases, size_t n, request_row_t *rows)
{
	struct access *a = access_new();
	for (size_t i = 0; i < n; i++) {
		const store_case_t *c = &cases[i];
		request_row_t *r = &rows[i];
		memset(r, 0, sizeof(*r));
		memcpy(r->id, c->id, 16);
		memcpy(r->lang, c->lang, 3);
		r->stage = c->stage;
		r->created_hour = c->created_hour;
		r->activity_hour = c->activity_hour;
		r->waiting_hour = c->waiting_hour;
		r->has_assignee = c->has_assignee;
		memcpy(r->assignee, c->assignee, 16);
		if (!a) {
			r->unreadable = true;
			continue;
		}
		access_reset(a);
		if (access_staff(app, s, c->id, a) != INTAKE_OK) {
			r->unreadable = true;
			continue;
		}
		struct first_ctx f = { app, a, { 0 }, false };
		if (store_case_item(app->store, c->id, 1, FIELD_MESSAGE, first_take, &f) != STORE_OK || !f.ok)
			r->unreadable = true;
		else
			first_line(&f.text, r->first_line, sizeof(r->first_line));
		buf_free(&f.text);
		f.ok = false;
		if (store_case_item(app->store, c->id, 1, FIELD_SITUATION, first_take, &f) == STORE_OK && f.ok &&
		    f.text.len < sizeof(r->situation))
			memcpy(r->situation, f.text.data, f.text.len + 1);
		buf_free(&f.text);
	}
	access_free(a);
}

intake_status_t
requests_list(const app_t *app, const staff_t *s, size_t offset, request_row_t rows[REQUESTS_PAGE], size_t *n,
    size_t *total)
{
	*n = 0;
	if (!requests_allowed(app, s))
		return INTAKE_NOT_FOUND;
	struct list_ctx *l = calloc(1, sizeof(*l));
	intake_status_t st = INTAKE_ERROR;
	if (l && store_cases_count(app->store, STAGE_NEW, STAGE_TRIAGE, total) == STORE_OK &&
	    store_cases_list(app->store, STAGE_NEW, STAGE_TRIAGE, offset, REQUESTS_PAGE, list_collect, l) == STORE_OK) {
		request_rows(app, s, l->rows, l->n, rows);
		*n = l->n;
		st = INTAKE_OK;
	}
	free(l);
	return st;
}

/* Anyone outside triage, and any case the account cannot open, gets NOT_FOUND. */
intake_status_t
staff_access_any(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a)
{
	intake_status_t st = access_staff(app, s, case_id, a);
	if (st == INTAKE_OK && a->who.by == CASE_BY_GROUP && !requests_allowed(app, s))
		st = INTAKE_NOT_FOUND;
	return st;
}

intake_status_t
staff_access(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a)
{
	intake_status_t st = staff_access_any(app, s, case_id, a);
	/* an application is not a request: no request action reaches it */
	return st == INTAKE_OK && a->row.stage == STAGE_APPLICATION ? INTAKE_NOT_FOUND : st;
}

intake_status_t
request_view(const app_t *app, const staff_t *s, const uint8_t case_id[16], case_view_t *out)
{
	return staff_view(app, s, case_id, false, out);
}

intake_status_t
staff_view(const app_t *app, const staff_t *s, const uint8_t case_id[16], bool application, case_view_t *out)
{
	return staff_view_audited(app, s, case_id, application, true, out);
}

intake_status_t
staff_view_audited(const app_t *app, const staff_t *s, const uint8_t case_id[16], bool application, bool audited,
    case_view_t *out)
{
	memset(out, 0, sizeof(*out));
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = staff_access_any(app, s, case_id, a);
	/* a request's pages never show an application, nor the other way round */
	if (st == INTAKE_OK && (a->row.stage == STAGE_APPLICATION) != application)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK)
		st = view_fill(app, a, true, out);
	if (st == INTAKE_OK && audited)
		audit_case(app, a, s->acct.id, AUDIT_CASE_READ);
	else if (st != INTAKE_OK)
		case_view_free(out);
	access_free(a);
	return st;
}

intake_status_t
request_reply(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t message, upload_t *u)
{
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = staff_access(app, s, case_id, a);
	if (st == INTAKE_OK)
		st = message_add(app, a, CASE_ROLE_STAFF, message, u, STAGE_NEW, STAGE_TRIAGE);
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_CASE_REPLY);
	access_free(a);
	return st;
}

intake_status_t
request_note(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t text)
{
	struct access *a = access_new();
	buf_t pt;
	if (!a)
		return INTAKE_ERROR;
	buf_init(&pt, 16 + text.len);
	intake_status_t st = staff_access(app, s, case_id, a);
	if (st == INTAKE_OK && (buf_append(&pt, s->acct.id, 16) != 0 || buf_append(&pt, text.p, text.len) != 0))
		st = INTAKE_ERROR;
	if (st == INTAKE_OK) {
		struct sealed items = { .n = 0 };
		int64_t hour = now_hour();
		uint32_t seq;
		unsigned long full = diskfull_count();
		st = INTAKE_ERROR;
		if (seal_item_kind(app, a, &items, CASE_KIND_NOTES, CASE_ROLE_STAFF, FIELD_NOTE, buf_sv(&pt), hour) == 0) {
			int rc = store_case_add(app->store, a->row.id, items.items, items.n, NULL, 0, hour, -1, -1, 0, &seq);
			st = rc == STORE_OK ? INTAKE_OK : rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
			if (st == INTAKE_ERROR && diskfull_count() != full)
				st = INTAKE_FULL;
		}
		sealed_free(&items);
	}
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_CASE_NOTE);
	buf_free(&pt);
	access_free(a);
	return st;
}

intake_status_t
request_file(const app_t *app, const staff_t *s, const uint8_t aid[16], case_file_out_t *out)
{
	store_attachment_t at;
	int rc = store_attachment_get(app->store, aid, &at);
	if (rc == STORE_ERROR)
		return INTAKE_ERROR;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	/* no such file: the same way in is tried (on a case that does not exist), so that a file
	 * of someone else's case and no file at all take the same time (see access_staff) */
	static const uint8_t no_case[16];
	intake_status_t st = staff_access(app, s, rc == STORE_OK ? at.case_id : no_case, a);
	if (rc != STORE_OK)
		st = st == INTAKE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	if (st == INTAKE_OK)
		st = file_read(app, a, &at, out);
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_CASE_READ);
	access_free(a);
	return st;
}

/* ---- retention ---- */

/* Slot first, then rows, then files; the audit entry's object is computed before the
 * key that derives it is gone. */
int
case_destroy(const app_t *app, const uint8_t case_id[16], uint32_t slot, const uint8_t *actor, audit_action_t action)
{
	uint8_t object[16], (*att)[16] = NULL;
	size_t natt = 0;
	char path[4200], dir[4200];
	/* NOT_FOUND: the slot no longer holds this request's key (shredded before, by a run
	 * that could not delete the rows): the rows open nothing and go now. ERROR: shred.kf
	 * could not be read, so the key may well be there: the rows stay, and the next purge
	 * (hourly, and at start) tries again. */
	vault_status_t vs = case_audit_id(app->vault, case_id, slot, object);
	bool have_object = vs == VAULT_OK;
	if (vs != VAULT_ERROR)
		vs = case_shred(app->vault, case_id, slot);
	if (vs == VAULT_ERROR) {
		log_warnx("a request's shred key could not be destroyed (shred.kf could not be read or written); its rows "
		          "are kept and the next purge tries again");
		return -1;
	}
	/* audited once the key is gone, before the rows: a failure to delete them must not
	 * leave a shred without its entry (action 0: audited already, when it was asked for) */
	if (have_object && action != 0 && audit_append(app->vault, app->store, actor, action, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
	if (!(att = calloc(LIMIT_REQUESTER_MESSAGES * LIMIT_MP_FILES_MAX * 2, sizeof(*att))) ||
	    store_case_delete(app->store, case_id, att, LIMIT_REQUESTER_MESSAGES * LIMIT_MP_FILES_MAX * 2, &natt) !=
	        STORE_OK) {
		free(att);
		log_warnx("a shredded request's rows could not be deleted; they open nothing and go at the next start");
		return -1;
	}
	for (size_t i = 0; i < natt; i++) {
		blob_path(app, att[i], path, sizeof(path));
		if (unlink(path) != 0 && errno != ENOENT)
			log_warnx("could not delete a shredded request's file: %s", strerror(errno));
	}
	free(att);
	snprintf(dir, sizeof(dir), "%s/blobs", app->dir);
	if (natt && fsync_dir(dir) != 0)
		log_warnx("could not sync the blobs directory");
	return 0;
}

intake_status_t
request_shred(const app_t *app, const staff_t *s, const uint8_t case_id[16])
{
	if (!(s->acct.roles & ROLE_COORDINATOR) || !requests_allowed(app, s))
		return INTAKE_NOT_FOUND;
	store_case_t row;
	int rc = store_case_get(app->store, case_id, &row);
	if (rc != STORE_OK || row.stage == STAGE_APPLICATION)
		return rc == STORE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	/* Audited and marked first, durably: if the shred cannot finish now, the next purge
	 * does it, and the log already names who asked. Without shred.kf the object cannot be
	 * derived: the entry then names the actor and the action only. */
	uint8_t object[16];
	bool have_object = case_audit_id(app->vault, case_id, row.slot, object) == VAULT_OK;
	if (audit_append(app->vault, app->store, s->acct.id, AUDIT_CASE_SHRED, have_object ? object : NULL) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)AUDIT_CASE_SHRED);
	if (store_case_shred_pending(app->store, case_id) != STORE_OK)
		return INTAKE_ERROR;
	if (case_destroy(app, case_id, row.slot, s->acct.id, 0) != 0)
		return INTAKE_SHRED_LATER;
	if (store_compact(app->store) != STORE_OK)
		log_warnx("the database could not be compacted after a shred");
	return INTAKE_OK;
}

#define PURGE_BATCH 256

int
intake_purge(const app_t *app, size_t *n)
{
	const config_t *c = &app->config;
	int64_t now = now_hour();
	uint8_t(*ids)[16] = calloc(PURGE_BATCH, sizeof(*ids));
	uint32_t *slots = calloc(PURGE_BATCH, sizeof(*slots));
	bool *pending = calloc(PURGE_BATCH, sizeof(*pending));
	int rc = 0;
	size_t invites;
	*n = 0;
	/* expired invitations go with the expired requests */
	if (staff_invites_purge(app, &invites) != 0)
		rc = -1;
	if (!ids || !slots || !pending) {
		rc = -1;
		goto done;
	}
	for (;;) {
		size_t got = 0, gone = 0;
		if (store_cases_expired(app->store, now - 24 * (int64_t)c->retention_days, now - 24 * (int64_t)c->closed_days,
		        now - 24 * (int64_t)c->rejected_days, ids, slots, pending, PURGE_BATCH, &got) != STORE_OK) {
			rc = -1;
			break;
		}
		/* a coordinator's shred finished late was audited when she asked for it */
		for (size_t i = 0; i < got; i++)
			if (case_destroy(app, ids[i], slots[i], NULL, pending[i] ? 0 : AUDIT_CASE_EXPIRED) == 0)
				gone++;
			else
				rc = -1;
		*n += gone;
		if (got < PURGE_BATCH || gone == 0)
			break;
	}
	if (*n) {
		log_info("shredded %zu expired request(s)", *n);
		if (store_compact(app->store) != STORE_OK) {
			log_warnx("the database could not be compacted after a purge");
			rc = -1;
		}
	}
done:
	free(ids);
	free(slots);
	free(pending);
	return rc;
}

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running, stop;
	const app_t *app;
} purger = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void *
purge_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&purger.lock);
	while (!purger.stop) {
		pthread_mutex_unlock(&purger.lock);
		size_t n;
		if (intake_purge(purger.app, &n) != 0)
			log_warnx("the hourly purge of expired requests did not finish; it runs again in an hour");
		pthread_mutex_lock(&purger.lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 3600;
		while (!purger.stop && pthread_cond_timedwait(&purger.cond, &purger.lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&purger.lock);
	return NULL;
}

int
intake_start(const app_t *app)
{
	purger.app = app;
	purger.stop = false;
	if (pthread_create(&purger.thread, NULL, purge_thread, NULL) != 0)
		return -1;
	purger.running = true;
	return 0;
}

void
intake_stop(void)
{
	if (!purger.running)
		return;
	pthread_mutex_lock(&purger.lock);
	purger.stop = true;
	pthread_cond_signal(&purger.cond);
	pthread_mutex_unlock(&purger.lock);
	pthread_join(purger.thread, NULL);
	purger.running = false;
}

/* ---- a new epoch after triage lost a member ---- */

#define REKEY_BATCH 256

long
intake_rekey(const app_t *app, const staff_t *s)
{
	store_group_t g;
	uint8_t(*ids)[16] = NULL;
	struct access *a = access_new();
	case_epoch_t *ep = secmem_alloc(sizeof(*ep));
	long stuck = 0;
	size_t n = 0, done = 0, nlinks = 0;
	uint8_t after[16] = { 0 };
	if (!a || !ep || store_group_get(app->store, "triage", &g) != STORE_OK || g.rotation_pending ||
	    !(ids = calloc(REKEY_BATCH, sizeof(*ids))) ||
	    store_group_links(app->store, g.id, g.epoch, 0, a->glinks, LINKS_MAX, &nlinks) != STORE_OK) {
		stuck = -1;
		goto out;
	}
	/* Cases sealed to a group epoch that no chain of links reaches (before a reset, or
	 * past LINKS_MAX) can never move: the store leaves them out. The rest are paged in id
	 * order, past the ones that cannot be opened here (counted), so a batch of those never
	 * hides the cases after it. */
	uint32_t min_epoch = g.epoch - (uint32_t)nlinks;
	for (;;) {
		if (store_cases_to_rekey(app->store, g.id, g.epoch, min_epoch, after, ids, REKEY_BATCH, &n) != STORE_OK) {
			stuck = -1;
			goto out;
		}
		if (n > 0)
			memcpy(after, ids[n - 1], 16);
		size_t moved = 0;
		for (size_t i = 0; i < n; i++) {
			access_reset(a);
			store_copy_t copies[3];
			store_account_t owl;
			uint8_t holders[2][32];
			size_t nholders = 1;
			memcpy(holders[0], g.pk, 32);
			if (access_staff(app, s, ids[i], a) != INTAKE_OK) {
				stuck++;
				continue;
			}
			/* the Owl who holds it keeps it */
			bool has_owl = a->row.has_assignee && store_account_by_id(app->store, a->row.assignee, &owl) == STORE_OK &&
			    owl.status != ACCT_REVOKED;
			if (has_owl)
				memcpy(holders[nholders++], owl.pk, 32);
			if (case_epoch_next(app->vault, &a->who, &a->ref, a->row.pk_req_item_id, a->row.pk_req_item,
			        STORE_PKREQ_ITEM_BYTES, (const uint8_t(*)[32])holders, nholders, ep) != VAULT_OK) {
				stuck++;
				continue;
			}
			memset(copies, 0, sizeof(copies));
			copies[0].holder_kind = HOLDER_REQUESTER;
			memcpy(copies[0].holder, a->row.id, 16);
			memcpy(copies[0].copy, ep->req_copy, CASE_COPY_BYTES);
			copies[1].holder_kind = HOLDER_GROUP;
			memcpy(copies[1].holder, g.id, 16);
			copies[1].holder_epoch = g.epoch;
			memcpy(copies[1].copy, ep->copies[0], CASE_COPY_BYTES);
			memcpy(copies[1].ncopy, ep->ncopies[0], CASE_COPY_BYTES);
			copies[1].has_ncopy = true;
			if (has_owl) {
				copies[2].holder_kind = HOLDER_ACCOUNT;
				memcpy(copies[2].holder, owl.id, 16);
				memcpy(copies[2].copy, ep->copies[1], CASE_COPY_BYTES);
				memcpy(copies[2].ncopy, ep->ncopies[1], CASE_COPY_BYTES);
				copies[2].has_ncopy = true;
			}
			/* a revoked Owl is removed as a holder: the request waits for a new one */
			int rc = store_case_epoch(app->store, a->row.id, ep->e, copies, has_owl ? 3 : 2, ep->link, ep->nlink,
			    a->row.has_assignee && !has_owl);
			if (rc == STORE_OK)
				moved++;
			else if (rc != STORE_CONFLICT)
				stuck++;
		}
		done += moved;
		if (n < REKEY_BATCH)
			break;
	}
	if (done)
		log_info("%zu request(s) moved to a new key epoch after triage lost a member", done);
out:
	free(ids);
	secmem_free(ep);
	access_free(a);
	return stuck;
}

/* ---- recovery at start ---- */

struct live_ctx {
	uint32_t *slots;
	uint8_t (*ids)[16];
	size_t n, cap;
	bool failed;
};

static int
live_collect(void *arg, uint32_t slot, const uint8_t case_id[CASE_ID_BYTES])
{
	struct live_ctx *l = arg;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		uint32_t *s = realloc(l->slots, cap * sizeof(*s));
		if (s)
			l->slots = s;
		uint8_t(*ids)[16] = realloc(l->ids, cap * sizeof(*ids));
		if (ids)
			l->ids = ids;
		if (!s || !ids) {
			l->failed = true;
			return 1;
		}
		l->cap = cap;
	}
	l->slots[l->n] = slot;
	memcpy(l->ids[l->n], case_id, 16);
	l->n++;
	return 0;
}

/* Rows whose slot does not hold their key: (slot, id) not among the live ones. */
struct live_pair {
	uint32_t slot;
	uint8_t id[16];
};

static int
live_pair_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct live_pair *)a)->slot, y = ((const struct live_pair *)b)->slot;
	return x < y ? -1 : x > y;
}

struct keyless_ctx {
	const struct live_pair *live;   /* sorted by slot */
	size_t nlive;
	uint8_t (*ids)[16];
	uint32_t *slots;
	size_t n, cap;
	bool failed;
};

static int
keyless_collect(void *arg, const uint8_t id[16], uint32_t slot)
{
	struct keyless_ctx *k = arg;
	struct live_pair key = { .slot = slot };
	const struct live_pair *hit = k->nlive ? bsearch(&key, k->live, k->nlive, sizeof(key), live_pair_cmp) : NULL;
	if (hit && memcmp(hit->id, id, 16) == 0)
		return 0;
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 16;
		uint8_t(*ids)[16] = realloc(k->ids, cap * sizeof(*ids));
		if (ids)
			k->ids = ids;
		uint32_t *slots = realloc(k->slots, cap * sizeof(*slots));
		if (slots)
			k->slots = slots;
		if (!ids || !slots) {
			k->failed = true;
			return 1;
		}
		k->cap = cap;
	}
	memcpy(k->ids[k->n], id, 16);
	k->slots[k->n++] = slot;
	return 0;
}

int
intake_recover(const app_t *app)
{
	struct live_ctx l = { NULL, NULL, 0, 0, false };
	char dir[4200];
	int rc = 0;
	size_t shredded = 0, deleted = 0, orphans = 0, torn = 0;
	if (case_slots_sweep(app->vault, &torn) != 0)
		rc = -1;
	else if (torn)
		log_info("cleared %zu shred-key slot(s) that a crash left half overwritten", torn);
	if (rc == 0 && (case_live_list(app->vault, live_collect, &l) != 0 || l.failed))
		rc = -1;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		store_case_t row;
		int got = store_case_get(app->store, l.ids[i], &row);
		if (got == STORE_NOT_FOUND || (got == STORE_OK && row.slot != l.slots[i])) {
			if (case_shred(app->vault, l.ids[i], l.slots[i]) == VAULT_ERROR)
				rc = -1;
			shredded++;
		} else if (got != STORE_OK) {
			rc = -1;
		}
	}
	/* rows whose key is gone (a shred whose rows could not be deleted): they open
	 * nothing, and their slot may be handed to a new request */
	struct live_pair *pairs = l.n ? calloc(l.n, sizeof(*pairs)) : NULL;
	struct keyless_ctx k = { pairs, l.n, NULL, NULL, 0, 0, false };
	if (l.n && !pairs)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		pairs[i].slot = l.slots[i];
		memcpy(pairs[i].id, l.ids[i], 16);
	}
	if (rc == 0 && l.n)
		qsort(pairs, l.n, sizeof(*pairs), live_pair_cmp);
	if (rc == 0 && (store_cases_slots(app->store, keyless_collect, &k) != STORE_OK || k.failed))
		rc = -1;
	free(pairs);
	for (size_t i = 0; rc == 0 && i < k.n; i++)
		if (case_destroy(app, k.ids[i], k.slots[i], NULL, AUDIT_CASE_EXPIRED) == 0)
			orphans++;
	free(k.ids);
	free(k.slots);
	free(l.slots);
	free(l.ids);

	snprintf(dir, sizeof(dir), "%s/blobs", app->dir);
	DIR *d = opendir(dir);
	if (!d) {
		if (errno != ENOENT || mkdir(dir, 0700) != 0)
			rc = -1;
	} else {
		struct dirent *e;
		while (rc == 0 && (e = readdir(d))) {
			uint8_t id[16];
			size_t len;
			if (strlen(e->d_name) != 32 ||
			    sodium_hex2bin(id, sizeof(id), e->d_name, 32, NULL, &len, NULL) != 0 || len != 16)
				continue;
			int exists = store_attachment_exists(app->store, id);
			if (exists < 0) {
				rc = -1;
			} else if (exists == 0) {
				char path[4500];
				snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
				if (unlink(path) != 0)
					rc = -1;
				deleted++;
			}
		}
		closedir(d);
	}
	if (shredded || deleted)
		log_info("removed what an interrupted submission left: %zu key slot(s), %zu file(s)", shredded, deleted);
	if (orphans)
		log_info("deleted the rows of %zu request(s) whose key was already destroyed", orphans);
	return rc;
}
