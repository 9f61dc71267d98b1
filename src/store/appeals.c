/* appeals: the SQL of video appeals and their media jobs (appeals.h). Each change of an
 * appeal's state is one statement or one transaction, conditional on the state it comes
 * from, so that two editors (or an editor and a withdrawal) never both win. */
#include "store/appeals.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_private.h"

#define APPEAL_COLUMNS \
	"id, state, language, registered_by, approved_by, published_by, original, clean, poster, poster_at, refusal, " \
	"duration, width, height, slug, shown_name, shown_text, created_hour, published_hour"

static void
text_copy(char *dst, size_t cap, sqlite3_stmt *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q, col);
	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static bool
opt_blob(uint8_t dst[16], sqlite3_stmt *q, int col)
{
	if (sqlite3_column_type(q, col) == SQLITE_NULL)
		return false;
	bool ok = true;
	blob_copy(dst, 16, q, col, &ok);
	return ok;
}

static int
appeal_row(sqlite3_stmt *q, store_appeal_t *a)
{
	bool ok = true;
	memset(a, 0, sizeof(*a));
	blob_copy(a->id, 16, q, 0, &ok);
	a->state = sqlite3_column_int(q, 1);
	text_copy(a->language, sizeof(a->language), q, 2);
	a->has_registered_by = opt_blob(a->registered_by, q, 3);
	a->has_approved_by = opt_blob(a->approved_by, q, 4);
	a->has_published_by = opt_blob(a->published_by, q, 5);
	a->has_original = opt_blob(a->original, q, 6);
	a->has_clean = opt_blob(a->clean, q, 7);
	a->has_poster = opt_blob(a->poster, q, 8);
	a->poster_at = (uint32_t)sqlite3_column_int64(q, 9);
	text_copy(a->refusal, sizeof(a->refusal), q, 10);
	a->duration = (uint32_t)sqlite3_column_int64(q, 11);
	a->width = (uint32_t)sqlite3_column_int64(q, 12);
	a->height = (uint32_t)sqlite3_column_int64(q, 13);
	text_copy(a->slug, sizeof(a->slug), q, 14);
	text_copy(a->shown_name, sizeof(a->shown_name), q, 15);
	text_copy(a->shown_text, sizeof(a->shown_text), q, 16);
	a->created_hour = sqlite3_column_int64(q, 17);
	a->published_hour = sqlite3_column_int64(q, 18);
	return ok ? STORE_OK : STORE_ERROR;
}

static void
bind_opt(sqlite3_stmt *q, int i, bool has, const uint8_t v[16])
{
	if (has)
		sqlite3_bind_blob(q, i, v, 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, i);
}

int
store_appeal_create(store_t *st, const store_case_t *c, const store_copy_t *copies, size_t ncopies,
    const store_item_t *items, size_t nitems, const store_attachment_t *original, const store_appeal_t *a)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	/* the case and its first message, with the original as its file */
	if ((rc = store_case_insert(st, c, copies, ncopies, items, nitems, original, 1)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q,
	        "INSERT INTO appeals (id, state, language, registered_by, approved_by, original, poster_at, created_hour) "
	        "VALUES (?, 0, ?, ?, ?, ?, ?, ?)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, a->id, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, a->language, -1, SQLITE_STATIC);
	bind_opt(q, 3, a->has_registered_by, a->registered_by);
	bind_opt(q, 4, a->has_approved_by, a->approved_by);
	sqlite3_bind_blob(q, 5, original->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, a->poster_at);
	sqlite3_bind_int64(q, 7, a->created_hour);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if (q_prepare(st, &q, "INSERT INTO media_jobs (kind, object, created_hour) VALUES (?, ?, ?)") != 0)
		goto rollback;
	sqlite3_bind_int(q, 1, STORE_JOB_CLEAN);
	sqlite3_bind_blob(q, 2, a->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, a->created_hour);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

static int
appeal_one(store_t *st, const char *sql, const void *key, int keylen, store_appeal_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	if (keylen < 0)
		sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	else
		sqlite3_bind_blob(q, 1, key, keylen, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int out_rc = rc == SQLITE_ROW ? appeal_row(q, out) : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	sqlite3_finalize(q);
	return out_rc;
}

int
store_appeal_get(store_t *st, const uint8_t id[16], store_appeal_t *out)
{
	return appeal_one(st, "SELECT " APPEAL_COLUMNS " FROM appeals WHERE id = ?", id, 16, out);
}

int
store_appeal_by_slug(store_t *st, const char *slug, store_appeal_t *out)
{
	return appeal_one(st, "SELECT " APPEAL_COLUMNS " FROM appeals WHERE slug = ? AND state = 3", slug, -1, out);
}

static int
appeals_each(sqlite3_stmt *q, int (*fn)(void *ctx, const store_appeal_t *a), void *ctx)
{
	store_appeal_t a;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (appeal_row(q, &a) != STORE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		if (fn(ctx, &a) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

static int
count_of(store_t *st, const char *sql, int state, size_t *total)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 1, state);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*total = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int
store_appeals_list(store_t *st, int state, size_t offset, size_t limit, int (*fn)(void *ctx, const store_appeal_t *a),
    void *ctx, size_t *total)
{
	sqlite3_stmt *q;
	if (count_of(st, "SELECT count(*) FROM appeals WHERE ?1 < 0 OR state = ?1", state, total) != STORE_OK ||
	    q_prepare(st, &q,
	        "SELECT " APPEAL_COLUMNS " FROM appeals WHERE ?1 < 0 OR state = ?1 "
	        "ORDER BY created_hour DESC, rowid DESC LIMIT ?2 OFFSET ?3") != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 1, state);
	sqlite3_bind_int64(q, 2, (int64_t)limit);
	sqlite3_bind_int64(q, 3, (int64_t)offset);
	return appeals_each(q, fn, ctx);
}

int
store_appeals_published(store_t *st, size_t offset, size_t limit, int (*fn)(void *ctx, const store_appeal_t *a),
    void *ctx, size_t *total)
{
	sqlite3_stmt *q;
	if (count_of(st, "SELECT count(*) FROM appeals WHERE state = ?1", STORE_APPEAL_PUBLISHED, total) != STORE_OK ||
	    q_prepare(st, &q,
	        "SELECT " APPEAL_COLUMNS " FROM appeals WHERE state = 3 "
	        "ORDER BY published_hour DESC, rowid DESC LIMIT ?1 OFFSET ?2") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, (int64_t)limit);
	sqlite3_bind_int64(q, 2, (int64_t)offset);
	return appeals_each(q, fn, ctx);
}

int
store_appeal_counts(store_t *st, size_t counts[6])
{
	sqlite3_stmt *q;
	for (int i = 0; i < 6; i++)
		counts[i] = 0;
	if (q_prepare(st, &q, "SELECT state, count(*) FROM appeals GROUP BY state") != 0)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int s = sqlite3_column_int(q, 0);
		if (s >= 0 && s < 6)
			counts[s] = (size_t)sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_appeal_move(store_t *st, const uint8_t id[16], int from, int to)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE appeals SET state = ?3 WHERE id = ?1 AND state = ?2") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, from);
	sqlite3_bind_int(q, 3, to);
	return q_done_one(st, q, STORE_CONFLICT);
}

static int
job_delete(store_t *st, const uint8_t id[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "DELETE FROM media_jobs WHERE object = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	return q_done(q);
}

int
store_appeal_cleaned(store_t *st, const uint8_t id[16], const store_attachment_t *clean,
    const store_attachment_t *poster, uint32_t duration, uint32_t width, uint32_t height, uint8_t original[16],
    bool *had_original)
{
	sqlite3_stmt *q;
	store_appeal_t a;
	int rc = STORE_ERROR;
	*had_original = false;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if ((rc = store_appeal_get(st, id, &a)) != STORE_OK)
		goto rollback;
	if (a.state != STORE_APPEAL_CLEANING) {
		rc = STORE_CONFLICT;
		goto rollback;
	}
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE cases SET seq = seq + 1 WHERE id = ? RETURNING seq") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	uint32_t seq = sqlite3_step(q) == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	if (seq == 0 || (rc = store_attachment_insert(st, id, seq, clean)) != STORE_OK ||
	    (rc = store_attachment_insert(st, id, seq, poster)) != STORE_OK)
		goto rollback;
	if (a.has_original) {
		if (q_prepare(st, &q, "DELETE FROM attachments WHERE id = ?") != 0)
			goto rollback;
		sqlite3_bind_blob(q, 1, a.original, 16, SQLITE_STATIC);
		if ((rc = q_done(q)) != STORE_OK)
			goto rollback;
	}
	if (q_prepare(st, &q,
	        "UPDATE appeals SET state = 2, original = NULL, clean = ?2, poster = ?3, duration = ?4, width = ?5, "
	        "height = ?6, refusal = '' WHERE id = ?1") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, clean->id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, poster->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, duration);
	sqlite3_bind_int64(q, 5, width);
	sqlite3_bind_int64(q, 6, height);
	if ((rc = q_done(q)) != STORE_OK || (rc = job_delete(st, id)) != STORE_OK)
		goto rollback;
	if ((rc = q_commit(st)) == STORE_OK && a.has_original) {
		memcpy(original, a.original, 16);
		*had_original = true;
	}
	return rc;
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_appeal_refused(store_t *st, const uint8_t id[16], const char *reason)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE appeals SET state = 5, refusal = ?2 WHERE id = ?1 AND state IN (0, 1)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, reason, -1, SQLITE_STATIC);
	if ((rc = q_done_one(st, q, STORE_CONFLICT)) != STORE_OK || (rc = job_delete(st, id)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_appeal_approve(store_t *st, const uint8_t id[16], const uint8_t editor[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE appeals SET approved_by = ?2 WHERE id = ?1 AND state = 2 AND approved_by IS NULL") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, editor, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_appeal_publish(store_t *st, const uint8_t id[16], const uint8_t editor[16], const char *slug,
    const char *shown_name, const char *shown_text, int64_t hour)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "UPDATE appeals SET state = 3, published_by = ?2, slug = ?3, shown_name = ?4, shown_text = ?5, "
	        "published_hour = ?6 WHERE id = ?1 AND state = 2 AND approved_by IS NOT NULL AND approved_by <> ?2") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, editor, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, shown_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, shown_text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, hour);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_appeal_withdrawn(store_t *st, const uint8_t id[16], char slug[STORE_SLUG_MAX + 1])
{
	sqlite3_stmt *q;
	store_appeal_t a;
	int rc = STORE_ERROR;
	slug[0] = '\0';
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	/* the slug as this transaction sees it: a publish that committed a moment ago is
	 * seen here, and its files deleted by the caller */
	if ((rc = store_appeal_get(st, id, &a)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q,
	        "UPDATE appeals SET state = 4, original = NULL, clean = NULL, poster = NULL, slug = NULL, shown_name = '', "
	        "shown_text = '', refusal = '' WHERE id = ?1 AND state <> 4") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	if ((rc = q_done_one(st, q, STORE_CONFLICT)) != STORE_OK || (rc = job_delete(st, id)) != STORE_OK)
		goto rollback;
	/* its case is to be shredded: if that cannot finish now, the next purge does it */
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE cases SET shred_pending = 1 WHERE id = ?") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if ((rc = q_commit(st)) == STORE_OK)
		memcpy(slug, a.slug, sizeof(a.slug));
	return rc;
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_jobs_each(store_t *st, int (*fn)(void *ctx, int kind, const uint8_t object[16], unsigned attempts), void *ctx)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT kind, object, attempts FROM media_jobs ORDER BY id") != 0)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		uint8_t obj[16];
		bool ok = true;
		blob_copy(obj, 16, q, 1, &ok);
		if (ok && fn(ctx, sqlite3_column_int(q, 0), obj, (unsigned)sqlite3_column_int(q, 2)) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_job_attempt(store_t *st, int kind, const uint8_t object[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE media_jobs SET attempts = attempts + 1 WHERE kind = ? AND object = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 1, kind);
	sqlite3_bind_blob(q, 2, object, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_NOT_FOUND);
}

int
store_appeals_requeue(store_t *st, size_t *n)
{
	*n = 0;
	if (q_exec(st, "UPDATE appeals SET state = 0 WHERE state = 1") != 0)
		return STORE_ERROR;
	*n = (size_t)sqlite3_changes(store_db(st));
	return STORE_OK;
}

/* ---- published files ---- */

struct store_media_file {
	int dirfd;
	int fd;
	char name[72], tmp[80];
};

/* Names sava itself makes: [a-z0-9][a-z0-9._-]*, no "..", short. */
static bool
media_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
		if (c == '.' && i + 1 < n && s[i + 1] == '.')
			return false;
	}
	return true;
}

/* DIR/media/<slug>, made when mkdir (mode 0755: what is in it is public), opened. */
static int
media_dir(const store_t *st, const char *slug, bool mk)
{
	char path[4200];
	if (!media_name_ok(slug, STORE_SLUG_MAX) || !snprintf_ok(path, sizeof(path), "%s/%s", st->media, slug))
		return -1;
	if (mk && ((mkdir(st->media, 0755) != 0 && errno != EEXIST) || (mkdir(path, 0755) != 0 && errno != EEXIST)))
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int
store_media_create(store_t *st, const char *slug, const char *name, store_media_file_t **out)
{
	*out = NULL;
	if (!media_name_ok(name, 63))
		return STORE_ERROR;
	store_media_file_t *f = calloc(1, sizeof(*f));
	if (!f)
		return STORE_ERROR;
	f->fd = -1;
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->tmp, sizeof(f->tmp), ".%s.part", name);
	if ((f->dirfd = media_dir(st, slug, true)) < 0 ||
	    (f->fd = openat(f->dirfd, f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
		(void)diskfull_check(st->media, errno);
		if (f->dirfd >= 0)
			close(f->dirfd);
		free(f);
		return STORE_ERROR;
	}
	*out = f;
	return STORE_OK;
}

int
store_media_write(store_media_file_t *f, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(f->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return STORE_ERROR;
		p += w;
		n -= (size_t)w;
	}
	return STORE_OK;
}

int
store_media_commit(store_media_file_t *f)
{
	int rc = fsync(f->fd) == 0 && close(f->fd) == 0 && renameat(f->dirfd, f->tmp, f->dirfd, f->name) == 0 &&
	        fsync(f->dirfd) == 0 ?
	    STORE_OK :
	    STORE_ERROR;
	f->fd = -1;
	if (rc != STORE_OK)
		(void)unlinkat(f->dirfd, f->tmp, 0);
	close(f->dirfd);
	free(f);
	return rc;
}

void
store_media_abort(store_media_file_t *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	(void)unlinkat(f->dirfd, f->tmp, 0);
	close(f->dirfd);
	free(f);
}

int
store_media_remove(store_t *st, const char *slug)
{
	int dfd = media_dir(st, slug, false);
	if (dfd < 0)
		return errno == ENOENT ? STORE_OK : STORE_ERROR;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return STORE_ERROR;
	}
	int rc = STORE_OK;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) != 0 && errno != ENOENT)
			rc = STORE_ERROR;
	}
	closedir(d);
	char path[4200];
	if (rc == STORE_OK && snprintf_ok(path, sizeof(path), "%s/%s", st->media, slug) && rmdir(path) != 0 &&
	    errno != ENOENT)
		rc = STORE_ERROR;
	return rc;
}

int
store_media_delete(store_t *st, const char *slug, const char *name)
{
	if (!media_name_ok(name, 64))
		return STORE_ERROR;
	int dfd = media_dir(st, slug, false);
	if (dfd < 0)
		return errno == ENOENT ? STORE_OK : STORE_ERROR;
	int rc = unlinkat(dfd, name, 0) == 0 || errno == ENOENT ? STORE_OK : STORE_ERROR;
	if (rc == STORE_OK && fsync(dfd) != 0)
		rc = STORE_ERROR;
	close(dfd);
	return rc;
}

int
store_appeal_retry(store_t *st, const uint8_t id[16], int64_t hour)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "UPDATE appeals SET state = 0, refusal = '' WHERE id = ?1 AND state IN (0, 5) AND original IS NOT NULL") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	if ((rc = q_done_one(st, q, STORE_CONFLICT)) != STORE_OK)
		goto rollback;
	if (q_prepare(st, &q, "INSERT OR IGNORE INTO media_jobs (kind, object, created_hour) VALUES (?, ?, ?)") != 0)
		goto rollback;
	sqlite3_bind_int(q, 1, STORE_JOB_CLEAN);
	sqlite3_bind_blob(q, 2, id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, hour);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}
