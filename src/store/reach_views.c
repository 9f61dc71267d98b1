/* reach_views: what the reach pages and the dashboard read (reach.h): posts with their
 * latest counts, and sums per platform, item, language and week, all from the
 * aggregates the imports keep (reach_latest, reach_weeks), never from the snapshots.
 * Also the two campaign counts that come from elsewhere: cases in a stage, accounts with
 * a role. */
#include "store/reach.h"

#include <stdio.h>

#include "store/store_private.h"

/* "?F, ?F+1, ..." for the metrics that count, numbered from first. */
static bool
metrics_sql(char *out, size_t cap, const char *before, const store_metrics_t *m, const char *after, int first)
{
	char marks[STORE_REACH_METRICS * 6 + 1] = "";
	size_t n = m->n ? m->n : 1, k = 0;
	if (n > STORE_REACH_METRICS)
		return false;
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(marks + k, sizeof(marks) - k, "%s?%d", i ? "," : "", first + (int)i);
		if (w < 0 || (size_t)w >= sizeof(marks) - k)
			return false;
		k += (size_t)w;
	}
	int w = snprintf(out, cap, "%s%s%s", before, marks, after);
	return w > 0 && (size_t)w < cap;
}

static void
metrics_bind(sqlite3_stmt *q, int first, const store_metrics_t *m)
{
	if (m->n == 0)
		sqlite3_bind_text(q, first, "views", -1, SQLITE_STATIC);
	for (size_t i = 0; i < m->n; i++)
		sqlite3_bind_text(q, first + (int)i, m->name[i], -1, SQLITE_STATIC);
}

static int
metrics_count(const store_metrics_t *m)
{
	return m->n ? (int)m->n : 1;
}

static void
text_to(char *dst, size_t cap, sqlite3_stmt *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q, col);
	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

#define POST_COLUMNS \
	"p.id, p.appeal, p.item, p.platform, p.platform_id, p.url, p.channel, p.language, p.posted_day, p.posted_by, " \
	"p.account"

static void
post_row(sqlite3_stmt *q, store_reach_post_t *p)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(q, 0);
	if (sqlite3_column_type(q, 1) == SQLITE_BLOB && sqlite3_column_bytes(q, 1) == 16) {
		p->has_appeal = true;
		memcpy(p->appeal, sqlite3_column_blob(q, 1), 16);
	}
	text_to(p->item, sizeof(p->item), q, 2);
	text_to(p->platform, sizeof(p->platform), q, 3);
	text_to(p->platform_id, sizeof(p->platform_id), q, 4);
	text_to(p->url, sizeof(p->url), q, 5);
	text_to(p->channel, sizeof(p->channel), q, 6);
	text_to(p->language, sizeof(p->language), q, 7);
	p->posted_day = sqlite3_column_type(q, 8) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 8);
	p->posted_by = sqlite3_column_int(q, 9);
	p->account = sqlite3_column_int(q, 10) != 0;
	p->measured_day = -1;
}

/* A post linked anew (appeal, item, language): its latest counts leave the sums of its
 * old keys and join those of its new ones. */
static int
post_sums_relink(store_t *st, int64_t post, const store_reach_keys_t *old)
{
	store_reach_keys_t now;
	sqlite3_stmt *q;
	if (store_reach_keys(st, post, &now) != STORE_OK ||
	    q_prepare(st, &q, "SELECT metric, views FROM reach_latest WHERE post = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, post);
	int rc, out = STORE_OK;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && out == STORE_OK) {
		char metric[STORE_REACH_METRIC_MAX + 1];
		int64_t views = sqlite3_column_int64(q, 1);
		text_to(metric, sizeof(metric), q, 0);
		if (store_reach_sums_move(st, old, metric, -views, -1) != STORE_OK ||
		    store_reach_sums_move(st, &now, metric, views, 1) != STORE_OK)
			out = STORE_ERROR;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? out : STORE_ERROR;
}

int
store_reach_forget_appeal(store_t *st, const uint8_t appeal[16], size_t *n)
{
	sqlite3_stmt *q;
	int rc = STORE_ERROR;
	*n = 0;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	for (;;) {
		/* one post at a time: its counts leave the sums and the weeks, then it goes
		 * (its snapshots, latest counts and weeks with it: ON DELETE CASCADE) */
		if (q_prepare(st, &q, "SELECT id, platform FROM reach_posts WHERE appeal = ? LIMIT 1") != 0)
			goto rollback;
		sqlite3_bind_blob(q, 1, appeal, 16, SQLITE_STATIC);
		int step = sqlite3_step(q);
		int64_t post = step == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
		char platform[STORE_REACH_PLATFORM_MAX + 1];
		if (step == SQLITE_ROW)
			text_to(platform, sizeof(platform), q, 1);
		sqlite3_finalize(q);
		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW)
			goto rollback;
		store_reach_keys_t keys;
		if (store_reach_keys(st, post, &keys) != STORE_OK ||
		    q_prepare(st, &q, "SELECT metric, views FROM reach_latest WHERE post = ?") != 0)
			goto rollback;
		sqlite3_bind_int64(q, 1, post);
		int out = STORE_OK;
		while ((step = sqlite3_step(q)) == SQLITE_ROW && out == STORE_OK) {
			char metric[STORE_REACH_METRIC_MAX + 1];
			text_to(metric, sizeof(metric), q, 0);
			out = store_reach_sums_move(st, &keys, metric, -sqlite3_column_int64(q, 1), -1);
		}
		sqlite3_finalize(q);
		if (out != STORE_OK || step != SQLITE_DONE ||
		    q_prepare(st, &q,
		        "UPDATE reach_weeks SET views = views - (SELECT delta FROM reach_post_weeks p WHERE p.post = ?1 AND "
		        "p.metric = reach_weeks.metric AND p.week = reach_weeks.week) WHERE platform = ?2 AND EXISTS "
		        "(SELECT 1 FROM reach_post_weeks p WHERE p.post = ?1 AND p.metric = reach_weeks.metric AND "
		        "p.week = reach_weeks.week)") != 0)
			goto rollback;
		sqlite3_bind_int64(q, 1, post);
		sqlite3_bind_text(q, 2, platform, -1, SQLITE_TRANSIENT);
		if (q_done(q) != STORE_OK || q_prepare(st, &q, "DELETE FROM reach_posts WHERE id = ?") != 0)
			goto rollback;
		sqlite3_bind_int64(q, 1, post);
		if (q_done(q) != STORE_OK)
			goto rollback;
		(*n)++;
	}
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc;
}

int
store_reach_post_add(store_t *st, const store_reach_post_t *p, bool move, int64_t today, int64_t *id)
{
	sqlite3_stmt *q;
	if (q_exec(st, "BEGIN IMMEDIATE") != 0)
		return STORE_ERROR;
	int rc = STORE_ERROR;
	if (q_prepare(st, &q, "SELECT id, appeal, item FROM reach_posts WHERE platform = ? AND platform_id = ?") != 0)
		goto rollback;
	sqlite3_bind_text(q, 1, p->platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, p->platform_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(q);
	bool linked = false, same = false;
	int64_t found = 0;
	if (step == SQLITE_ROW) {
		found = sqlite3_column_int64(q, 0);
		bool has = sqlite3_column_type(q, 1) == SQLITE_BLOB;
		const unsigned char *item = sqlite3_column_text(q, 2);
		linked = has || (item && item[0]);
		same = has ? p->has_appeal && sqlite3_column_bytes(q, 1) == 16 && memcmp(sqlite3_column_blob(q, 1), p->appeal, 16) == 0
		           : !p->has_appeal && item && strcmp((const char *)item, p->item) == 0;
	}
	sqlite3_finalize(q);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		goto rollback;
	if (linked && !same && !move) {
		rc = STORE_CONFLICT;
		goto rollback;
	}
	store_reach_keys_t old_keys;
	if (step == SQLITE_ROW && store_reach_keys(st, found, &old_keys) != STORE_OK)
		goto rollback;
	if (step == SQLITE_ROW) {
		if (q_prepare(st, &q,
		        "UPDATE reach_posts SET appeal = ?2, item = ?3, url = CASE WHEN ?4 = '' THEN url ELSE ?4 END, "
		        "channel = CASE WHEN ?5 = '' THEN channel ELSE ?5 END, language = ?6, "
		        "posted_day = coalesce(?7, posted_day), posted_by = ?8 WHERE id = ?1") != 0)
			goto rollback;
		sqlite3_bind_int64(q, 1, found);
	} else {
		if (q_prepare(st, &q,
		        "INSERT INTO reach_posts (appeal, item, url, channel, language, posted_day, posted_by, platform, "
		        "platform_id, created_day) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)") != 0)
			goto rollback;
		sqlite3_bind_text(q, 9, p->platform, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 10, p->platform_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 11, today);
	}
	if (p->has_appeal)
		sqlite3_bind_blob(q, 2, p->appeal, 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 2);
	sqlite3_bind_text(q, 3, p->has_appeal ? "" : p->item, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, p->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, p->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, p->language, -1, SQLITE_STATIC);
	if (p->posted_day >= 0)
		sqlite3_bind_int64(q, 7, p->posted_day);
	else
		sqlite3_bind_null(q, 7);
	sqlite3_bind_int(q, 8, p->posted_by);
	if ((rc = q_done(q)) != STORE_OK)
		goto rollback;
	*id = step == SQLITE_ROW ? found : sqlite3_last_insert_rowid(store_db(st));
	if (step == SQLITE_ROW && (rc = post_sums_relink(st, found, &old_keys)) != STORE_OK)
		goto rollback;
	return q_commit(st);
rollback:
	q_exec(st, "ROLLBACK");
	return rc == STORE_OK ? STORE_ERROR : rc;
}

int
store_reach_post_get(store_t *st, int64_t id, store_reach_post_t *out)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT " POST_COLUMNS " FROM reach_posts p WHERE p.id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		post_row(q, out);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

static void
bind_filter(sqlite3_stmt *q, int at, const uint8_t *appeal, const char *item)
{
	if (appeal)
		sqlite3_bind_blob(q, at, appeal, 16, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, at);
	if (item)
		sqlite3_bind_text(q, at + 1, item, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, at + 1);
}

#define POST_FILTER "(?1 IS NULL OR p.appeal = ?1) AND (?2 IS NULL OR (p.appeal IS NULL AND p.item = ?2))"

int
store_reach_posts_list(store_t *st, const store_metrics_t *m, const uint8_t *appeal, const char *item,
    size_t offset, size_t limit, int (*fn)(void *ctx, const store_reach_post_t *p), void *ctx, size_t *total)
{
	sqlite3_stmt *q;
	char sql[1024];
	if (q_prepare(st, &q, "SELECT count(*) FROM reach_posts p WHERE " POST_FILTER) != 0)
		return STORE_ERROR;
	bind_filter(q, 1, appeal, item);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return STORE_ERROR;
	}
	*total = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (!metrics_sql(sql, sizeof(sql),
	        "SELECT " POST_COLUMNS ", coalesce(sum(l.views), 0), max(l.measured_day), max(l.lower) FROM reach_posts p "
	        "LEFT JOIN reach_latest l ON l.post = p.id AND l.metric IN (",
	        m, ") WHERE (?5 IS NULL OR p.appeal = ?5) AND (?6 IS NULL OR (p.appeal IS NULL AND p.item = ?6)) "
	           "GROUP BY p.id ORDER BY p.account, 12 DESC, p.id LIMIT ?7 OFFSET ?8", 11) ||
	    q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	metrics_bind(q, 11, m);
	bind_filter(q, 5, appeal, item);
	sqlite3_bind_int64(q, 7, (int64_t)limit);
	sqlite3_bind_int64(q, 8, (int64_t)offset);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_reach_post_t p;
		post_row(q, &p);
		p.views = (uint64_t)sqlite3_column_int64(q, 11);
		p.measured_day = sqlite3_column_type(q, 12) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 12);
		p.lower = sqlite3_column_int(q, 13) != 0;
		if (fn(ctx, &p) != 0)
			break;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_reach_posts_lower(store_t *st, size_t limit, int (*fn)(void *ctx, const store_reach_post_t *p), void *ctx)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q,
	        "SELECT " POST_COLUMNS ", l.views, l.measured_day, l.metric FROM reach_latest l JOIN reach_posts p ON "
	        "p.id = l.post WHERE l.lower = 1 ORDER BY l.measured_day DESC LIMIT ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, (int64_t)limit);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_reach_post_t p;
		post_row(q, &p);
		p.views = (uint64_t)sqlite3_column_int64(q, 11);
		p.measured_day = sqlite3_column_int64(q, 12);
		p.lower = true;
		if (fn(ctx, &p) != 0)
			break;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* Runs a query whose metrics are its first parameters (and limit after them, when
 * limit_at > 0); each row to row(). */
static int
metrics_query(store_t *st, const char *before, const store_metrics_t *m, const char *after, size_t limit,
    void (*row)(sqlite3_stmt *q, void *ctx), void *ctx)
{
	sqlite3_stmt *q;
	char sql[1024];
	if (!metrics_sql(sql, sizeof(sql), before, m, after, 1) || q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	metrics_bind(q, 1, m);
	if (limit)
		sqlite3_bind_int64(q, metrics_count(m) + 1, (int64_t)limit);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		row(q, ctx);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

typedef struct {
	void (*platform)(void *ctx, const char *platform, uint64_t views, uint64_t posts);
	void (*group)(void *ctx, const store_reach_group_t *g);
	void (*language)(void *ctx, const char *language, uint64_t views);
	void (*week)(void *ctx, const char *platform, int64_t week, int64_t views);
	void *ctx;
} sink_t;

static void
platform_row(sqlite3_stmt *q, void *ctx)
{
	sink_t *s = ctx;
	s->platform(s->ctx, (const char *)sqlite3_column_text(q, 0), (uint64_t)sqlite3_column_int64(q, 1),
	    (uint64_t)sqlite3_column_int64(q, 2));
}

int
store_reach_by_platform(store_t *st, const store_metrics_t *m,
    void (*fn)(void *ctx, const char *platform, uint64_t views, uint64_t posts), void *ctx)
{
	sink_t s = { .platform = fn, .ctx = ctx };
	/* posts: the most of any one metric (a post counted in two metrics is one post) */
	return metrics_query(st, "SELECT k1, sum(views), max(posts) FROM reach_sums WHERE kind = 0 AND metric IN (", m,
	    ") GROUP BY k1 HAVING max(posts) > 0 ORDER BY 2 DESC, 1", 0, platform_row, &s);
}

static void
group_row(sqlite3_stmt *q, void *ctx)
{
	sink_t *s = ctx;
	store_reach_group_t g = { .has_appeal = false };
	const unsigned char *hex = sqlite3_column_text(q, 0);
	if (hex && sqlite3_column_bytes(q, 0) == 32) {
		for (int i = 0; i < 16; i++) {
			unsigned hi = hex[2 * i], lo = hex[2 * i + 1];
			hi = hi <= '9' ? hi - '0' : hi - 'a' + 10;
			lo = lo <= '9' ? lo - '0' : lo - 'a' + 10;
			g.appeal[i] = (uint8_t)(hi << 4 | lo);
		}
		g.has_appeal = true;
	}
	text_to(g.item, sizeof(g.item), q, 1);
	g.views = (uint64_t)sqlite3_column_int64(q, 2);
	g.posts = (uint64_t)sqlite3_column_int64(q, 3);
	s->group(s->ctx, &g);
}

int
store_reach_by_item(store_t *st, const store_metrics_t *m, size_t limit,
    void (*fn)(void *ctx, const store_reach_group_t *g), void *ctx)
{
	sink_t s = { .group = fn, .ctx = ctx };
	return metrics_query(st, "SELECT k1, k2, sum(views), max(posts) FROM reach_sums WHERE kind = 1 AND metric IN (", m,
	    ") GROUP BY k1, k2 HAVING max(posts) > 0 ORDER BY 3 DESC, 2 LIMIT ?", limit ? limit : 1, group_row, &s);
}

static void
language_row(sqlite3_stmt *q, void *ctx)
{
	sink_t *s = ctx;
	s->language(s->ctx, (const char *)sqlite3_column_text(q, 0), (uint64_t)sqlite3_column_int64(q, 1));
}

int
store_reach_by_language(store_t *st, const store_metrics_t *m,
    void (*fn)(void *ctx, const char *language, uint64_t views), void *ctx)
{
	sink_t s = { .language = fn, .ctx = ctx };
	return metrics_query(st, "SELECT k1, sum(views) FROM reach_sums WHERE kind = 2 AND metric IN (", m,
	    ") GROUP BY k1 HAVING max(posts) > 0 ORDER BY 2 DESC, 1", 0, language_row, &s);
}

static void
week_row(sqlite3_stmt *q, void *ctx)
{
	sink_t *s = ctx;
	s->week(s->ctx, (const char *)sqlite3_column_text(q, 0), sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2));
}

int
store_reach_weeks(store_t *st, const store_metrics_t *m,
    void (*fn)(void *ctx, const char *platform, int64_t week, int64_t views), void *ctx)
{
	sink_t s = { .week = fn, .ctx = ctx };
	return metrics_query(st, "SELECT platform, week, sum(views) FROM reach_weeks WHERE metric IN (", m,
	    ") GROUP BY platform, week HAVING sum(views) != 0 ORDER BY week, platform", 0, week_row, &s);
}

static int
count_one(store_t *st, const char *sql, int64_t bind, bool has_bind, uint64_t *n)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, sql) != 0)
		return STORE_ERROR;
	if (has_bind)
		sqlite3_bind_int64(q, 1, bind);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int
store_reach_counts(store_t *st, uint64_t *posts, uint64_t *snapshots, uint64_t *flagged)
{
	if (count_one(st, "SELECT count(*) FROM reach_posts WHERE account = 0", 0, false, posts) != STORE_OK ||
	    count_one(st, "SELECT max(id) FROM reach_snapshots", 0, false, snapshots) != STORE_OK ||
	    count_one(st, "SELECT count(*) FROM reach_latest WHERE lower = 1", 0, false, flagged) != STORE_OK)
		return STORE_ERROR;
	return STORE_OK;
}

int
store_cases_in_stages(store_t *st, int from, int to, uint64_t *n)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT count(*) FROM cases WHERE stage BETWEEN ? AND ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int(q, 1, from);
	sqlite3_bind_int(q, 2, to);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int
store_accounts_with_role(store_t *st, uint32_t role, uint64_t *n)
{
	return count_one(st, "SELECT count(*) FROM accounts WHERE status = 0 AND (roles & ?) != 0", role, true, n);
}
