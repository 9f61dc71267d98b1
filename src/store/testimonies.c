/* testimonies: the SQL of testimonies and their stories (testimonies.h). The two-person
 * rule is in the statements themselves (and in the tables' CHECKs): an approval names the
 * version it saw, a publication the version and the consent record it checked, so a later
 * edit or withdrawal makes it fail instead of slipping through. */
#include "store/testimonies.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/store_private.h"

static bool
t_opt_blob(uint8_t dst[16], sqlite3_stmt *q, int col)
{
	if (sqlite3_column_type(q, col) == SQLITE_NULL)
		return false;
	bool ok = true;
	blob_copy(dst, 16, q, col, &ok);
	return ok;
}

static void
t_text(char *dst, size_t cap, sqlite3_stmt *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q, col);
	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

#define TESTIMONY_COLUMNS \
	"t.id, t.language, t.copy_seq, t.redacted_by, t.approved_by, t.consent_seq, t.created_hour, s.slug, s.until_hour, " \
	"t.owl, t.media_original, t.media_state, t.media_redact, t.media_video, t.media_poster, t.media_refusal, " \
	"t.media_by"
#define TESTIMONY_FROM " FROM testimonies t LEFT JOIN stories s ON s.testimony = t.id "

static int
testimony_row(sqlite3_stmt *q, store_testimony_t *t)
{
	bool ok = true;
	memset(t, 0, sizeof(*t));
	blob_copy(t->id, 16, q, 0, &ok);
	t_text(t->language, sizeof(t->language), q, 1);
	t->copy_seq = (uint32_t)sqlite3_column_int64(q, 2);
	t->has_redacted_by = t_opt_blob(t->redacted_by, q, 3);
	t->has_approved_by = t_opt_blob(t->approved_by, q, 4);
	t->consent_seq = (uint32_t)sqlite3_column_int64(q, 5);
	t->created_hour = sqlite3_column_int64(q, 6);
	t_text(t->slug, sizeof(t->slug), q, 7);
	t->until_hour = sqlite3_column_int64(q, 8);
	t->has_owl = t_opt_blob(t->owl, q, 9);
	t->has_media_original = t_opt_blob(t->media_original, q, 10);
	t->media_state = sqlite3_column_int(q, 11);
	if (sqlite3_column_type(q, 12) == SQLITE_BLOB) {
		size_t n = (size_t)sqlite3_column_bytes(q, 12);
		const void *p = sqlite3_column_blob(q, 12);
		if (p && n <= sizeof(t->media_redact)) {
			memcpy(t->media_redact, p, n);
			t->media_redact_len = n;
		}
	}
	t->has_media_video = t_opt_blob(t->media_video, q, 13);
	t->has_media_poster = t_opt_blob(t->media_poster, q, 14);
	t_text(t->media_refusal, sizeof(t->media_refusal), q, 15);
	t->has_media_by = t_opt_blob(t->media_by, q, 16);
	return ok ? STORE_OK : STORE_ERROR;
}

int
store_testimony_create(store_t *st, const store_case_t *c, const store_copy_t *copies, size_t ncopies,
    const store_item_t *items, size_t nitems, const char *language, const uint8_t *owl)
{
	sqlite3_stmt *q;
	int rc;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if ((rc = store_case_insert(st, c, copies, ncopies, items, nitems, NULL, 0)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "INSERT INTO testimonies (id, language, created_hour, owl) VALUES (?, ?, ?, ?)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, c->id, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, language, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, c->created_hour);
	if (owl)
		sqlite3_bind_blob(q, 4, owl, 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 4);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_testimony_get(store_t *st, const uint8_t id[16], store_testimony_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT " TESTIMONY_COLUMNS TESTIMONY_FROM "WHERE t.id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int r = rc == SQLITE_ROW ? testimony_row(q, out) : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	sqlite3_finalize(q);
	return r;
}

static int
count_all(store_t *st, const char *sql, int64_t hour, size_t *total)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	if (sqlite3_bind_parameter_count(q) >= 1)
		sqlite3_bind_int64(q, 1, hour);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*total = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int
store_testimonies_list(store_t *st, const uint8_t *owl, size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_testimony_t *t), void *ctx, size_t *total)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT count(*) FROM testimonies WHERE ?1 IS NULL OR owl = ?1") != 0)
		return STORE_ERROR;
	if (owl)
		sqlite3_bind_blob(q, 1, owl, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*total = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW ||
	    q_prepare(st, &q,
	        "SELECT " TESTIMONY_COLUMNS TESTIMONY_FROM
	        "WHERE ?3 IS NULL OR t.owl = ?3 ORDER BY t.created_hour DESC, t.rowid DESC LIMIT ?1 OFFSET ?2") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, (int64_t)limit);
	sqlite3_bind_int64(q, 2, (int64_t)offset);
	if (owl)
		sqlite3_bind_blob(q, 3, owl, 16, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_testimony_t t;
		if (testimony_row(q, &t) != STORE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		if (fn(ctx, &t) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

static int
step_one(store_t *st, const char *sql, const uint8_t id[16], int64_t n, const uint8_t *actor)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(q) >= 2)
		sqlite3_bind_int64(q, 2, n);
	if (sqlite3_bind_parameter_count(q) >= 3)
		sqlite3_bind_blob(q, 3, actor, 16, SQLITE_STATIC);
	return q_done(q);
}

/* A published story held to a new consent record: down if it shows a video the
 * record no longer allows (its slug in slug), else its end no later than the record's. */
static int
story_bound(store_t *st, const uint8_t id[16], const store_consent_bound_t *b, char slug[STORE_STORY_SLUG_MAX + 1])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "DELETE FROM stories WHERE testimony = ?1 AND has_media AND NOT ?2 RETURNING slug") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, b->media_ok ? 1 : 0);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		t_text(slug, STORE_STORY_SLUG_MAX + 1, q, 0);
		rc = sqlite3_step(q);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE stories SET until_hour = ?2 WHERE testimony = ?1 AND until_hour > ?2") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, b->until_hour);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_testimony_add(store_t *st, const uint8_t id[16], const store_item_t *items, size_t nitems, int64_t hour,
    int what, const uint8_t actor[16], uint32_t *seq_out, char *slug_out, const store_consent_bound_t *bound)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	char slug[STORE_STORY_SLUG_MAX + 1] = "";
	if (slug_out)
		slug_out[0] = '\0';
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "UPDATE cases SET seq = seq + 1, activity_hour = ?2 WHERE id = ?1 AND id IN (SELECT id FROM testimonies) "
	        "RETURNING seq") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	int step = sqlite3_step(q);
	uint32_t seq = step == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(q, 0) : 0;
	if (step == SQLITE_ROW)
		step = sqlite3_step(q);
	sqlite3_finalize(q);
	if (step != SQLITE_DONE || seq == 0) {
		rc = seq == 0 && step == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
		goto rollback;
	}
	if ((rc = store_message_insert(st, id, seq, items, nitems, NULL, 0)) != STORE_OK)
		goto rollback;
	if (what == STORE_T_COPY)
		rc = step_one(st, "UPDATE testimonies SET copy_seq = ?2, redacted_by = ?3, approved_by = NULL WHERE id = ?1", id,
		    seq, actor);
	else if (what == STORE_T_CONSENT || what == STORE_T_CONSENT_DOWN)
		rc = step_one(st, "UPDATE testimonies SET consent_seq = ?2 WHERE id = ?1", id, seq, NULL);
	if (rc == STORE_OK && what == STORE_T_CONSENT_DOWN) {
		/* whatever story is up now, even one published since the caller looked */
		rc = store_story_takedown(st, id, slug);
		if (rc == STORE_NOT_FOUND)
			rc = STORE_OK;
	}
	if (rc == STORE_OK && what == STORE_T_CONSENT && bound)
		rc = story_bound(st, id, bound, slug);
	if (rc != STORE_OK)
		goto rollback;
	if (q_commit(st) != STORE_OK)
		return STORE_ERROR;
	*seq_out = seq;
	if (slug_out)
		memcpy(slug_out, slug, sizeof(slug));
	return STORE_OK;
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_testimony_approve(store_t *st, const uint8_t id[16], const uint8_t actor[16], uint32_t copy_seq)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "UPDATE testimonies SET approved_by = ?2 WHERE id = ?1 AND copy_seq = ?3 AND copy_seq > 0 "
	        "AND approved_by IS NULL AND redacted_by IS NOT NULL AND redacted_by <> ?2 "
	        "AND (media_by IS NULL OR media_by <> ?2) "
	        "AND NOT EXISTS (SELECT 1 FROM stories WHERE testimony = ?1)") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, actor, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, copy_seq);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_story_publish(store_t *st, const store_story_t *s, uint32_t consent_seq)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "INSERT INTO stories (slug, testimony, language, title, body, copy_seq, redacted_by, approved_by, "
	        "published_by, published_hour, until_hour, has_media) "
	        "SELECT ?1, t.id, t.language, ?3, ?4, t.copy_seq, t.redacted_by, t.approved_by, ?5, ?6, ?7, ?10 "
	        "FROM testimonies t WHERE t.id = ?2 AND t.copy_seq = ?8 AND t.consent_seq = ?9 "
	        /* its video as it was checked: made (with media) or none at all (without) */
	        "AND ((?10 AND t.media_state = 3) OR (NOT ?10 AND t.media_state IN (0, 4))) "
	        "AND t.approved_by IS NOT NULL AND t.approved_by <> ?5 AND t.redacted_by <> ?5 "
	        "AND t.approved_by <> t.redacted_by") != 0)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, s->slug, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, s->testimony, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, s->title ? s->title : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, s->body ? s->body : "", -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, s->published_by, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, s->published_hour);
	sqlite3_bind_int64(q, 7, s->until_hour);
	sqlite3_bind_int64(q, 8, s->copy_seq);
	sqlite3_bind_int64(q, 9, consent_seq);
	sqlite3_bind_int(q, 10, s->has_media ? 1 : 0);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_story_takedown(store_t *st, const uint8_t testimony[16], char slug[STORE_STORY_SLUG_MAX + 1])
{
	sqlite3_stmt *q;
	slug[0] = '\0';
	if (q_prepare(st, &q, "DELETE FROM stories WHERE testimony = ? RETURNING slug") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, testimony, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	bool found = rc == SQLITE_ROW;
	if (found) {
		t_text(slug, STORE_STORY_SLUG_MAX + 1, q, 0);
		rc = sqlite3_step(q);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return STORE_ERROR;
	return found ? STORE_OK : STORE_NOT_FOUND;
}

int
store_story_takedown_slug(store_t *st, const char *slug)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "DELETE FROM stories WHERE slug = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, slug, -1, SQLITE_STATIC);
	return q_done_one(st, q, STORE_NOT_FOUND);
}

int
store_stories_expire(store_t *st, int64_t hour, uint8_t (*ids)[16], char (*slugs)[STORE_STORY_SLUG_MAX + 1], size_t max,
    size_t *n)
{
	sqlite3_stmt *q;
	*n = 0;
	/* a batch at a time: the caller removes each one's folder, and comes back for more */
	if (q_prepare(st, &q,
	        "SELECT testimony, slug FROM stories WHERE until_hour <= ?1 ORDER BY slug LIMIT ?2") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, hour);
	sqlite3_bind_int64(q, 2, (int64_t)max);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n >= max)
			continue;
		if (!t_opt_blob(ids[*n], q, 0))
			memset(ids[*n], 0, 16);   /* its original is gone */
		t_text(slugs[*n], STORE_STORY_SLUG_MAX + 1, q, 1);
		(*n)++;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

void
store_story_free(store_story_t *s)
{
	free(s->title);
	free(s->body);
	s->title = s->body = NULL;
}

#define STORY_COLUMNS \
	"slug, testimony, language, title, body, copy_seq, redacted_by, approved_by, published_by, published_hour, " \
	"until_hour, has_media"

static char *
t_strdup(sqlite3_stmt *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q, col);
	size_t n = (size_t)sqlite3_column_bytes(q, col);
	char *p = malloc(n + 1);
	if (p) {
		if (t && n)
			memcpy(p, t, n);
		p[n] = '\0';
	}
	return p;
}

static int
story_row(sqlite3_stmt *q, store_story_t *s)
{
	bool ok = true;
	memset(s, 0, sizeof(*s));
	t_text(s->slug, sizeof(s->slug), q, 0);
	s->has_testimony = t_opt_blob(s->testimony, q, 1);
	t_text(s->language, sizeof(s->language), q, 2);
	s->title = t_strdup(q, 3);
	s->body = t_strdup(q, 4);
	s->copy_seq = (uint32_t)sqlite3_column_int64(q, 5);
	blob_copy(s->redacted_by, 16, q, 6, &ok);
	blob_copy(s->approved_by, 16, q, 7, &ok);
	blob_copy(s->published_by, 16, q, 8, &ok);
	s->published_hour = sqlite3_column_int64(q, 9);
	s->until_hour = sqlite3_column_int64(q, 10);
	s->has_media = sqlite3_column_int(q, 11) != 0;
	if (!ok || !s->title || !s->body) {
		store_story_free(s);
		return STORE_ERROR;
	}
	return STORE_OK;
}

static int
stories_each(sqlite3_stmt *q, int (*fn)(void *ctx, const store_story_t *s), void *ctx)
{
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_story_t s;
		if (story_row(q, &s) != STORE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		int stop = fn(ctx, &s);
		store_story_free(&s);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_stories_public(store_t *st, int64_t hour, size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_story_t *s), void *ctx, size_t *total)
{
	sqlite3_stmt *q;
	if (count_all(st, "SELECT count(*) FROM stories WHERE until_hour > ?1", hour, total) != STORE_OK ||
	    q_prepare(st, &q,
	        "SELECT " STORY_COLUMNS " FROM stories WHERE until_hour > ? ORDER BY published_hour DESC, rowid DESC "
	        "LIMIT ? OFFSET ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, hour);
	sqlite3_bind_int64(q, 2, (int64_t)limit);
	sqlite3_bind_int64(q, 3, (int64_t)offset);
	return stories_each(q, fn, ctx);
}

int
store_stories_all(store_t *st, size_t offset, size_t limit, int (*fn)(void *ctx, const store_story_t *s), void *ctx,
    size_t *total)
{
	sqlite3_stmt *q;
	if (count_all(st, "SELECT count(*) FROM stories", 0, total) != STORE_OK ||
	    q_prepare(st, &q,
	        "SELECT " STORY_COLUMNS " FROM stories ORDER BY published_hour DESC, rowid DESC LIMIT ? OFFSET ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, (int64_t)limit);
	sqlite3_bind_int64(q, 2, (int64_t)offset);
	return stories_each(q, fn, ctx);
}

int
store_story_by_slug(store_t *st, const char *slug, int64_t hour, store_story_t *out)
{
	sqlite3_stmt *q;
	memset(out, 0, sizeof(*out));
	if (q_prepare(st, &q, "SELECT " STORY_COLUMNS " FROM stories WHERE slug = ? AND until_hour > ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	int rc = sqlite3_step(q);
	int r = rc == SQLITE_ROW ? story_row(q, out) : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	sqlite3_finalize(q);
	return r;
}

/* ---- its video ---- */

static int
job_queue(store_t *st, const uint8_t id[16], int64_t hour)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "INSERT OR REPLACE INTO media_jobs (kind, object, created_hour) VALUES (?, ?, ?)") != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 1, STORE_JOB_REDACT);
	sqlite3_bind_blob(q, 2, id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, hour);
	return q_done(q);
}

int
store_testimony_media_add(store_t *st, const uint8_t id[16], const store_item_t *items, size_t nitems,
    const store_attachment_t *att, const uint8_t *redact, size_t redact_len, int64_t hour, const uint8_t by[16])
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "UPDATE testimonies SET media_original = ?2, media_state = 1, media_redact = ?3, media_refusal = '', "
	        "approved_by = NULL, media_by = ?4 WHERE id = ?1 AND media_original IS NULL AND media_video IS NULL "
	        "AND NOT EXISTS (SELECT 1 FROM stories WHERE testimony = ?1)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, att->id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, redact, (int)redact_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, by, 16, SQLITE_STATIC);
	if ((rc = q_done_one(st, q, STORE_CONFLICT)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE cases SET seq = seq + 1, activity_hour = ?2 WHERE id = ?1 RETURNING seq") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	int step = sqlite3_step(q);
	uint32_t seq = step == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(q, 0) : 0;
	if (step == SQLITE_ROW)
		step = sqlite3_step(q);
	sqlite3_finalize(q);
	if (step != SQLITE_DONE || seq == 0)
		goto rollback;
	if ((rc = store_message_insert(st, id, seq, items, nitems, att, 1)) != STORE_OK || (rc = job_queue(st, id, hour)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_testimony_media_redo(store_t *st, const uint8_t id[16], const uint8_t *redact, size_t redact_len, int64_t hour,
    const uint8_t by[16])
{
	sqlite3_stmt *q;
	int rc;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "UPDATE testimonies SET media_state = 1, media_redact = ?2, media_refusal = '', approved_by = NULL, media_by = ?3 "
	        "WHERE id = ?1 AND media_original IS NOT NULL AND media_state <> 2 "
	        "AND NOT EXISTS (SELECT 1 FROM stories WHERE testimony = ?1)") != 0) {
		rc = STORE_ERROR;
		goto rollback;
	}
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, redact, (int)redact_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, by, 16, SQLITE_STATIC);
	if ((rc = q_done_one(st, q, STORE_CONFLICT)) != STORE_OK || (rc = job_queue(st, id, hour)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_testimony_media_move(store_t *st, const uint8_t id[16], int from, int to)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE testimonies SET media_state = ?3 WHERE id = ?1 AND media_state = ?2") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, from);
	sqlite3_bind_int(q, 3, to);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_testimony_media_done(store_t *st, const uint8_t id[16], const store_attachment_t *video,
    const store_attachment_t *poster, uint8_t old[2][16], size_t *nold)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	*nold = 0;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q, "SELECT media_video, media_poster FROM testimonies WHERE id = ? AND media_state = 2") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	int step = sqlite3_step(q);
	if (step == SQLITE_ROW)
		for (int c = 0; c < 2; c++)
			*nold += t_opt_blob(old[*nold], q, c);
	sqlite3_finalize(q);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE ? STORE_CONFLICT : STORE_ERROR;
		goto rollback;
	}
	for (size_t i = 0; i < *nold; i++) {
		if (q_prepare(st, &q, "DELETE FROM attachments WHERE id = ?") != 0)
			goto rollback;
		sqlite3_bind_blob(q, 1, old[i], 16, SQLITE_STATIC);
		if ((rc = q_done(q)) != STORE_OK)
			goto rollback;
	}
	/* the outputs belong to the case's first message, beside nothing a reader lists */
	if ((rc = store_attachment_insert(st, id, 1, video)) != STORE_OK ||
	    (rc = store_attachment_insert(st, id, 1, poster)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q,
	        "UPDATE testimonies SET media_video = ?2, media_poster = ?3, media_state = 3, approved_by = NULL "
	        "WHERE id = ?1") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, video->id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, poster->id, 16, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if (q_prepare(st, &q, "DELETE FROM media_jobs WHERE kind = ? AND object = ?") != 0) {
		rc = STORE_ERROR;
		goto rollback;
	}
	sqlite3_bind_int(q, 1, STORE_JOB_REDACT);
	sqlite3_bind_blob(q, 2, id, 16, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_testimony_media_refused(store_t *st, const uint8_t id[16], const char *reason)
{
	sqlite3_stmt *q;
	int rc;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE testimonies SET media_state = 4, media_refusal = ?2 WHERE id = ?1") != 0) {
		rc = STORE_ERROR;
		goto rollback;
	}
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, reason, -1, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if (q_prepare(st, &q, "DELETE FROM media_jobs WHERE kind = ? AND object = ?") != 0) {
		rc = STORE_ERROR;
		goto rollback;
	}
	sqlite3_bind_int(q, 1, STORE_JOB_REDACT);
	sqlite3_bind_blob(q, 2, id, 16, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_testimonies_requeue(store_t *st, size_t *n)
{
	*n = 0;
	if (q_exec(st, "UPDATE testimonies SET media_state = 1 WHERE media_state = 2") != 0)
		return STORE_ERROR;
	*n = (size_t)sqlite3_changes(store_db(st));
	return STORE_OK;
}

int
store_testimonies_expired(store_t *st, int64_t before_hour, uint8_t (*ids)[16], uint32_t *slots, size_t max, size_t *n)
{
	sqlite3_stmt *q;
	bool ok = true;
	*n = 0;
	if (q_prepare(st, &q,
	        "SELECT c.id, c.slot FROM cases c JOIN testimonies t ON t.id = c.id WHERE c.activity_hour < ? "
	        "ORDER BY c.activity_hour LIMIT ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, before_hour);
	sqlite3_bind_int64(q, 2, (int64_t)max);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max) {
		blob_copy(ids[*n], 16, q, 0, &ok);
		slots[*n] = (uint32_t)sqlite3_column_int64(q, 1);
		(*n)++;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE && ok ? STORE_OK : STORE_ERROR;
}

int
store_testimonies_owl_revoked(store_t *st, uint8_t (*ids)[16], size_t max, size_t *n)
{
	sqlite3_stmt *q;
	bool ok = true;
	*n = 0;
	if (q_prepare(st, &q,
	        "SELECT t.id FROM testimonies t JOIN accounts a ON a.id = t.owl WHERE a.status = 2 ORDER BY t.id LIMIT ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, (int64_t)max);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max)
		blob_copy(ids[(*n)++], 16, q, 0, &ok);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE && ok ? STORE_OK : STORE_ERROR;
}

int
store_testimony_owl_clear(store_t *st, const uint8_t id[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE testimonies SET owl = NULL WHERE id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	return q_done(q);
}
