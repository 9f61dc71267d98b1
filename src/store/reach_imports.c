/* reach_imports: the imported files of reach (reach.h), listed by the day they were
 * first imported, and taken back: an editor who imported a wrong file (counts dated in
 * the future, another campaign's channel) removes its snapshots, a part at a time so
 * that no transaction holds the write lock for long, and the aggregates of every post
 * it touched are rebuilt from what is left. */
#include "store/reach.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/store_private.h"

#define REMOVE_PART 2000   /* snapshots deleted in one transaction */

/* The index on the source's first 8 bytes (migration 13) finds a file's snapshots. */
#define BY_SOURCE "substr(source, 1, 8) = substr(?1, 1, 8) AND source = ?1"

static int
import_row(sqlite3_stmt *q, store_reach_import_t *out)
{
	bool ok = true;
	memset(out, 0, sizeof(*out));
	blob_copy(out->source, 32, q, 0, &ok);
	out->day = sqlite3_column_int64(q, 1);
	out->layout = sqlite3_column_int(q, 2);
	return ok ? 0 : -1;
}

int
store_reach_imports_list(store_t *st, size_t limit, int (*fn)(void *ctx, const store_reach_import_t *i), void *ctx)
{
	sqlite3_stmt *q;
	store_reach_import_t it;
	if (q_prepare(st, &q, "SELECT source, day, layout FROM reach_imports ORDER BY day DESC, rowid DESC LIMIT ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, (int64_t)limit);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (import_row(q, &it) != 0 || fn(ctx, &it) != 0) {
			rc = SQLITE_ERROR;
			break;
		}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_reach_import_get(store_t *st, const uint8_t source[32], store_reach_import_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "SELECT source, day, layout, (SELECT count(*) FROM reach_snapshots WHERE " BY_SOURCE ") "
	        "FROM reach_imports WHERE source = ?1") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, source, 32, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		if (import_row(q, out) != 0)
			rc = SQLITE_ERROR;
		out->counts = (uint64_t)sqlite3_column_int64(q, 3);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

typedef struct {
	int64_t id, post;
	char metric[STORE_REACH_METRIC_MAX + 1];
} gone_t;

static int
gone_cmp(const void *a, const void *b)
{
	const gone_t *x = a, *y = b;
	if (x->post != y->post)
		return x->post < y->post ? -1 : 1;
	return strcmp(x->metric, y->metric);
}

/* One part: up to REMOVE_PART snapshots deleted and their posts rebuilt, in one
 * transaction. *n: how many it deleted (fewer than REMOVE_PART: the last part). */
static int
remove_part(store_t *st, const uint8_t source[32], gone_t *g, size_t *n)
{
	sqlite3_stmt *q, *del;
	int rc;
	*n = 0;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q, "SELECT id, post, metric FROM reach_snapshots WHERE " BY_SOURCE " LIMIT ?2") != 0)
		goto fail;
	sqlite3_bind_blob(q, 1, source, 32, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, REMOVE_PART);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < REMOVE_PART) {
		const unsigned char *m = sqlite3_column_text(q, 2);
		g[*n].id = sqlite3_column_int64(q, 0);
		g[*n].post = sqlite3_column_int64(q, 1);
		snprintf(g[*n].metric, sizeof(g[*n].metric), "%s", m ? (const char *)m : "");
		(*n)++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto fail;
	if (q_prepare(st, &del, "DELETE FROM reach_snapshots WHERE id = ?") != 0)
		goto fail;
	for (size_t i = 0; i < *n; i++) {
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, g[i].id);
		if (sqlite3_step(del) != SQLITE_DONE) {
			sqlite3_finalize(del);
			goto fail;
		}
	}
	sqlite3_finalize(del);
	qsort(g, *n, sizeof(*g), gone_cmp);
	for (size_t i = 0; i < *n; i++)
		if ((i == 0 || gone_cmp(&g[i], &g[i - 1]) != 0) && store_reach_recompute(st, g[i].post, g[i].metric) != STORE_OK)
			goto fail;
	return q_commit(st);
fail:
	store_failed(store_db(st));
	(void)sqlite3_exec(store_db(st), "ROLLBACK", NULL, NULL, NULL);
	return STORE_ERROR;
}

int
store_reach_import_remove(store_t *st, const uint8_t source[32], uint64_t *total)
{
	sqlite3_stmt *q;
	size_t n;
	*total = 0;
	gone_t *g = malloc(REMOVE_PART * sizeof(*g));
	if (!g)
		return STORE_ERROR;
	do {
		if (remove_part(st, source, g, &n) != STORE_OK) {
			free(g);
			return STORE_ERROR;
		}
		*total += n;
	} while (n == REMOVE_PART);
	free(g);
	/* the posts only files made (linked to nothing) that have no count left go too */
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	if (q_prepare(st, &q,
	        "DELETE FROM reach_posts WHERE appeal IS NULL AND item = '' AND NOT EXISTS "
	        "(SELECT 1 FROM reach_snapshots s WHERE s.post = reach_posts.id)") != 0 ||
	    q_done(q) != STORE_OK || q_prepare(st, &q, "DELETE FROM reach_imports WHERE source = ?") != 0) {
		(void)sqlite3_exec(store_db(st), "ROLLBACK", NULL, NULL, NULL);
		return STORE_ERROR;
	}
	sqlite3_bind_blob(q, 1, source, 32, SQLITE_STATIC);
	if (q_done(q) != STORE_OK) {
		(void)sqlite3_exec(store_db(st), "ROLLBACK", NULL, NULL, NULL);
		return STORE_ERROR;
	}
	return q_commit(st);
}
