/* subburns: the rows of captions burned in (migration 13), and of the cue editor's timing
 * aids: per appeal and language, which
 * approved version was rendered, by which job run, and the two sealed files it made
 * (attachments of the appeal's case, so that a shred takes them). Nothing of the captions
 * themselves is here. */
#include "store/subtitles.h"

#include <stdio.h>

#include "store/store_private.h"

#define BURN_COLUMNS "lang, version, run, state, wide, tall, wide_bytes, tall_bytes, reason, hour"

static int
burn_row(sqlite3_stmt *q, store_subburn_t *b)
{
	bool ok = true;
	memset(b, 0, sizeof(*b));
	const unsigned char *lang = sqlite3_column_text(q, 0);
	snprintf(b->lang, sizeof(b->lang), "%s", lang ? (const char *)lang : "");
	b->version = (uint32_t)sqlite3_column_int64(q, 1);
	blob_copy(b->run, 16, q, 2, &ok);
	b->state = sqlite3_column_int(q, 3);
	if (sqlite3_column_type(q, 4) != SQLITE_NULL && sqlite3_column_type(q, 5) != SQLITE_NULL) {
		blob_copy(b->wide, 16, q, 4, &ok);
		blob_copy(b->tall, 16, q, 5, &ok);
		b->has_files = true;
	}
	b->wide_bytes = (uint64_t)sqlite3_column_int64(q, 6);
	b->tall_bytes = (uint64_t)sqlite3_column_int64(q, 7);
	const unsigned char *reason = sqlite3_column_text(q, 8);
	snprintf(b->reason, sizeof(b->reason), "%s", reason ? (const char *)reason : "");
	b->hour = sqlite3_column_int64(q, 9);
	return ok ? 0 : -1;
}

int
store_subburn_get(store_t *st, const uint8_t appeal[16], const char *lang, store_subburn_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT " BURN_COLUMNS " FROM sub_burns WHERE case_id = ? AND lang = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int ret = rc == SQLITE_ROW ? (burn_row(q, out) == 0 ? STORE_OK : STORE_ERROR)
	    : rc == SQLITE_DONE    ? STORE_NOT_FOUND
	                           : STORE_ERROR;
	sqlite3_finalize(q);
	return ret;
}

int
store_subburns_each(store_t *st, const uint8_t appeal[16], int (*fn)(void *ctx, const store_subburn_t *b), void *ctx)
{
	sqlite3_stmt *q;
	store_subburn_t b;
	if (q_prepare(st, &q, "SELECT " BURN_COLUMNS " FROM sub_burns WHERE case_id = ? ORDER BY lang") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (burn_row(q, &b) != 0) {
			rc = SQLITE_ERROR;
			break;
		}
		if (fn(ctx, &b) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* The attachment rows of a render (none: *n = 0), deleted; their ids to old. */
static int
burn_forget_files(store_t *st, const uint8_t appeal[16], const char *lang, uint8_t old[2][16], size_t *nold)
{
	store_subburn_t b;
	sqlite3_stmt *q;
	*nold = 0;
	int rc = store_subburn_get(st, appeal, lang, &b);
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK && !b.has_files))
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	memcpy(old[0], b.wide, 16);
	memcpy(old[1], b.tall, 16);
	for (size_t i = 0; i < 2; i++) {
		if (q_prepare(st, &q, "DELETE FROM attachments WHERE id = ? AND case_id = ?") != 0)
			return STORE_ERROR;
		sqlite3_bind_blob(q, 1, old[i], 16, SQLITE_STATIC);
		sqlite3_bind_blob(q, 2, appeal, 16, SQLITE_STATIC);
		if ((rc = q_done(q)) != STORE_OK)
			return rc;
	}
	*nold = 2;
	return STORE_OK;
}

int
store_subburn_queue(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version, const uint8_t run[16],
    int64_t hour, uint8_t old[2][16], size_t *nold)
{
	sqlite3_stmt *q;
	int rc;
	*nold = 0;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if ((rc = burn_forget_files(st, appeal, lang, old, nold)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q,
	        "INSERT INTO sub_burns (case_id, lang, version, run, state, hour) VALUES (?1, ?2, ?3, ?4, 0, ?5) "
	        "ON CONFLICT (case_id, lang) DO UPDATE SET version = ?3, run = ?4, state = 0, wide = NULL, tall = NULL, "
	        "wide_bytes = 0, tall_bytes = 0, reason = '', hour = ?5") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, version);
	sqlite3_bind_blob(q, 4, run, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, hour);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if ((rc = q_commit(st)) != STORE_OK)
		*nold = 0;
	return rc;
rollback:
	*nold = 0;
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_subburn_start(store_t *st, const uint8_t appeal[16], const char *lang, const uint8_t run[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE sub_burns SET state = 1 WHERE case_id = ? AND lang = ? AND run = ? AND state = 0") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, run, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_subburn_done(store_t *st, const uint8_t appeal[16], const char *lang, const uint8_t run[16],
    const store_attachment_t *wide, const store_attachment_t *tall, int64_t hour)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	/* still this run's, and the appeal not withdrawn (state 4) meanwhile */
	if (q_prepare(st, &q,
	        "UPDATE sub_burns SET state = 2, wide = ?4, tall = ?5, wide_bytes = ?6, tall_bytes = ?7, hour = ?8 "
	        "WHERE case_id = ?1 AND lang = ?2 AND run = ?3 AND state = 1 "
	        "AND EXISTS (SELECT 1 FROM appeals a WHERE a.id = ?1 AND a.state <> 4)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, run, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, wide->id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, tall->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, (int64_t)wide->blob_len);
	sqlite3_bind_int64(q, 7, (int64_t)tall->blob_len);
	sqlite3_bind_int64(q, 8, hour);
	if ((rc = q_done_one(st, q, STORE_CONFLICT)) != STORE_OK)
		goto rollback;
	/* the files belong to the case's first message, beside nothing a reader lists */
	if ((rc = store_attachment_insert(st, appeal, 1, wide)) != STORE_OK ||
	    (rc = store_attachment_insert(st, appeal, 1, tall)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_subburn_failed(store_t *st, const uint8_t appeal[16], const char *lang, const uint8_t run[16], const char *reason)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE sub_burns SET state = 3, reason = ?4 WHERE case_id = ?1 AND lang = ?2 AND run = ?3") !=
	    0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, run, 16, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, reason, -1, SQLITE_STATIC);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_subburns_requeue(store_t *st)
{
	/* a transcription cut by a stop is asked again from the editor */
	return q_exec(st, "UPDATE sub_burns SET state = 0 WHERE state = 1;UPDATE sub_aids SET state = 0 WHERE state = 1;"
	                  "UPDATE sub_aids SET transcribing = 3 WHERE transcribing = 1") == 0
	    ? STORE_OK
	    : STORE_ERROR;
}

/* ---- timing aids ---- */

int
store_subaids_get(store_t *st, const uint8_t appeal[16], store_subaids_t *out)
{
	sqlite3_stmt *q;
	memset(out, 0, sizeof(*out));
	if (q_prepare(st, &q, "SELECT state, wave, pauses, hour, transcribing, transcript FROM sub_aids WHERE case_id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	int rc = sqlite3_step(q), ret = rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	if (rc == SQLITE_ROW) {
		bool ok = true;
		out->state = sqlite3_column_int(q, 0);
		if (sqlite3_column_type(q, 1) != SQLITE_NULL && sqlite3_column_type(q, 2) != SQLITE_NULL) {
			blob_copy(out->wave, 16, q, 1, &ok);
			blob_copy(out->pauses, 16, q, 2, &ok);
			out->has_files = true;
		}
		out->hour = sqlite3_column_int64(q, 3);
		out->transcribing = sqlite3_column_int(q, 4);
		if (sqlite3_column_type(q, 5) != SQLITE_NULL) {
			blob_copy(out->transcript, 16, q, 5, &ok);
			out->has_transcript = true;
		}
		ret = ok ? STORE_OK : STORE_ERROR;
	}
	sqlite3_finalize(q);
	return ret;
}

int
store_subaids_want(store_t *st, const uint8_t appeal[16], int64_t hour)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "INSERT INTO sub_aids (case_id, state, hour) VALUES (?, 0, ?) ON CONFLICT (case_id) DO NOTHING") !=
	    0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	return q_done(q);
}

int
store_subaids_start(store_t *st, const uint8_t appeal[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE sub_aids SET state = 1 WHERE case_id = ? AND state = 0") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_subaids_done(store_t *st, const uint8_t appeal[16], const store_attachment_t *wave,
    const store_attachment_t *pauses, int64_t hour)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "UPDATE sub_aids SET state = 2, wave = ?2, pauses = ?3, hour = ?4 WHERE case_id = ?1 AND state = 1 "
	        "AND EXISTS (SELECT 1 FROM appeals a WHERE a.id = ?1 AND a.state <> 4)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, wave->id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, pauses->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, hour);
	if ((rc = q_done_one(st, q, STORE_CONFLICT)) != STORE_OK ||
	    (rc = store_attachment_insert(st, appeal, 1, wave)) != STORE_OK ||
	    (rc = store_attachment_insert(st, appeal, 1, pauses)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_subaids_failed(store_t *st, const uint8_t appeal[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE sub_aids SET state = 3 WHERE case_id = ? AND state = 1") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	return q_done(q);
}

int
store_subaids_transcribe(store_t *st, const uint8_t appeal[16])
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "UPDATE sub_aids SET transcribing = 1 WHERE case_id = ? AND transcribing IN (0, 3)") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	return q_done_one(st, q, STORE_CONFLICT);
}

int
store_subaids_transcribed(store_t *st, const uint8_t appeal[16], const store_attachment_t *t)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "UPDATE sub_aids SET transcribing = ?2, transcript = ?3 WHERE case_id = ?1 AND transcribing = 1 "
	        "AND EXISTS (SELECT 1 FROM appeals a WHERE a.id = ?1 AND a.state <> 4)") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, t ? 2 : 3);
	if (t)
		sqlite3_bind_blob(q, 3, t->id, 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 3);
	if ((rc = q_done_one(st, q, STORE_CONFLICT)) != STORE_OK || (t && (rc = store_attachment_insert(st, appeal, 1, t)) != STORE_OK))
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_subaids_transcript_take(store_t *st, const uint8_t appeal[16], uint8_t id[16])
{
	sqlite3_stmt *q;
	store_subaids_t x;
	int rc;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if ((rc = store_subaids_get(st, appeal, &x)) != STORE_OK || !x.has_transcript) {
		rc = rc == STORE_OK ? STORE_NOT_FOUND : rc;
		goto rollback;
	}
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "DELETE FROM attachments WHERE id = ? AND case_id = ?") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, x.transcript, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, appeal, 16, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	rc = STORE_ERROR;
	if (q_prepare(st, &q, "UPDATE sub_aids SET transcribing = 0, transcript = NULL WHERE case_id = ?") != 0)
		goto rollback;
	sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	if ((rc = q_commit(st)) == STORE_OK)
		memcpy(id, x.transcript, 16);
	return rc;
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}
