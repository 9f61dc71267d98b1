/* reach: the SQL of reach (reach.h). A batch is one transaction on the calling thread's
 * connection: its statements are prepared once and reused for every count of a file.
 * At commit, each (post, metric) it touched gets its aggregates rebuilt from its own
 * snapshots (a few hundred rows at most), and the per-platform weeks are moved by the
 * difference, so the dashboard's cost does not grow with the snapshots. */
#include "store/reach.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/store_private.h"

/* Monday-based weeks: day 0 (1970-01-01) was a Thursday. */
static int64_t
week_of(int64_t day)
{
	return (day + 3) >= 0 ? (day + 3) / 7 : -((-(day + 3) + 6) / 7);
}

typedef struct {
	int64_t post;
	char metric[STORE_REACH_METRIC_MAX + 1];
} touched_t;

struct store_reach_batch {
	store_t *st;
	uint8_t source[32];
	int64_t today;
	sqlite3_stmt *find, *find_url, *insert_post, *fill, *prev, *insert_snap, *exists;
	touched_t *touched;
	size_t ntouched, cap, nunique;
	bool touch_known;   /* a file not finished before: rebuild what it touches, even known */
};

static void
batch_free(store_reach_batch_t *b)
{
	sqlite3_finalize(b->find);
	sqlite3_finalize(b->find_url);
	sqlite3_finalize(b->insert_post);
	sqlite3_finalize(b->fill);
	sqlite3_finalize(b->prev);
	sqlite3_finalize(b->insert_snap);
	sqlite3_finalize(b->exists);
	free(b->touched);
	free(b);
}

int
store_reach_batch_begin(store_t *st, const uint8_t source[32], int64_t today, store_reach_batch_t **out)
{
	store_reach_batch_t *b = calloc(1, sizeof(*b));
	*out = NULL;
	if (!b)
		return STORE_ERROR;
	b->st = st;
	b->today = today;
	memcpy(b->source, source, 32);
	if (q_exec(st, "BEGIN IMMEDIATE") != 0) {
		free(b);
		return STORE_ERROR;
	}
	if (q_prepare(st, &b->find,
	        "SELECT id, url = '', channel = '', posted_day IS NULL FROM reach_posts WHERE platform = ? AND platform_id = ?") ||
	    q_prepare(st, &b->find_url,
	        "SELECT id, 0, channel = '', posted_day IS NULL FROM reach_posts WHERE platform = ? AND url = ? AND url != ''") ||
	    q_prepare(st, &b->insert_post,
	        "INSERT INTO reach_posts (platform, platform_id, url, channel, posted_day, account, created_day) "
	        "VALUES (?, ?, ?, ?, ?, ?, ?)") ||
	    q_prepare(st, &b->fill,
	        "UPDATE reach_posts SET url = CASE WHEN url = '' THEN ?2 ELSE url END, "
	        "channel = CASE WHEN channel = '' THEN ?3 ELSE channel END, posted_day = coalesce(posted_day, ?4) "
	        "WHERE id = ?1") ||
	    q_prepare(st, &b->prev,
	        "SELECT views FROM reach_snapshots WHERE post = ? AND metric = ? AND period = 0 AND measured_day <= ? "
	        "ORDER BY measured_day DESC, id DESC LIMIT 1") ||
	    q_prepare(st, &b->insert_snap,
	        "INSERT OR IGNORE INTO reach_snapshots (post, metric, period, measured_day, views, source, lower) "
	        "VALUES (?, ?, ?, ?, ?, ?, ?)") ||
	    q_prepare(st, &b->exists, "SELECT 1 FROM reach_posts WHERE id = ?")) {
		q_exec(st, "ROLLBACK");
		batch_free(b);
		return STORE_ERROR;
	}
	*out = b;
	return STORE_OK;
}

void
store_reach_batch_abort(store_reach_batch_t *b)
{
	if (!b)
		return;
	q_exec(b->st, "ROLLBACK");
	batch_free(b);
}

static void
bind_sv(sqlite3_stmt *q, int i, sv_t s)
{
	sqlite3_bind_text(q, i, s.p ? s.p : "", (int)s.len, SQLITE_STATIC);
}

static int
touch(store_reach_batch_t *b, int64_t post, sv_t metric)
{
	if (b->ntouched && b->touched[b->ntouched - 1].post == post &&
	    sv_eq_cstr(metric, b->touched[b->ntouched - 1].metric))
		return STORE_OK;
	if (b->ntouched == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		touched_t *t = realloc(b->touched, cap * sizeof(*t));
		if (!t)
			return STORE_ERROR;
		b->touched = t;
		b->cap = cap;
	}
	touched_t *t = &b->touched[b->ntouched++];
	t->post = post;
	snprintf(t->metric, sizeof(t->metric), "%.*s", (int)metric.len, metric.p);
	return STORE_OK;
}

static int
snapshot_add(store_reach_batch_t *b, int64_t post, sv_t metric, int period, int64_t day, uint64_t views, bool *added,
    bool *lower)
{
	*added = *lower = false;
	if (metric.len == 0 || metric.len > STORE_REACH_METRIC_MAX || views > INT64_MAX)
		return STORE_ERROR;
	if (period == STORE_REACH_LIFETIME) {
		sqlite3_reset(b->prev);
		sqlite3_bind_int64(b->prev, 1, post);
		bind_sv(b->prev, 2, metric);
		sqlite3_bind_int64(b->prev, 3, day);
		int rc = sqlite3_step(b->prev);
		if (rc == SQLITE_ROW)
			*lower = (uint64_t)sqlite3_column_int64(b->prev, 0) > views;
		else if (rc != SQLITE_DONE)
			return STORE_ERROR;
	}
	sqlite3_stmt *q = b->insert_snap;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, post);
	bind_sv(q, 2, metric);
	sqlite3_bind_int(q, 3, period);
	sqlite3_bind_int64(q, 4, day);
	sqlite3_bind_int64(q, 5, (int64_t)views);
	sqlite3_bind_blob(q, 6, b->source, 32, SQLITE_STATIC);
	sqlite3_bind_int(q, 7, *lower);
	if (sqlite3_step(q) != SQLITE_DONE) {
		store_failed(store_db(b->st));
		return STORE_ERROR;
	}
	*added = sqlite3_changes(store_db(b->st)) == 1;
	if (!*added)
		*lower = false;
	return *added || b->touch_known ? touch(b, post, metric) : STORE_OK;
}

int
store_reach_batch_add(store_reach_batch_t *b, const store_reach_count_t *c, bool *added, bool *lower)
{
	int64_t post;
	sqlite3_stmt *q = b->find;
	*added = *lower = false;
	if (c->post_id.len == 0 || c->post_id.len > STORE_REACH_ID_MAX || c->platform.len == 0 ||
	    c->platform.len > STORE_REACH_PLATFORM_MAX)
		return STORE_ERROR;
	sqlite3_reset(q);
	bind_sv(q, 1, c->platform);
	bind_sv(q, 2, c->post_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE && c->url.len && c->url.len <= STORE_REACH_URL_MAX) {
		/* a post an editor registered by its address (Instagram's short code), found again
		 * by a file that gives the platform's numeric id */
		q = b->find_url;
		sqlite3_reset(q);
		bind_sv(q, 1, c->platform);
		bind_sv(q, 2, c->url);
		rc = sqlite3_step(q);
	}
	if (rc == SQLITE_ROW) {
		post = sqlite3_column_int64(q, 0);
		bool need = (sqlite3_column_int(q, 1) && c->url.len) || (sqlite3_column_int(q, 2) && c->channel.len) ||
		    (sqlite3_column_int(q, 3) && c->posted_day >= 0);
		if (need) {
			sqlite3_reset(b->fill);
			sqlite3_bind_int64(b->fill, 1, post);
			bind_sv(b->fill, 2, c->url.len <= STORE_REACH_URL_MAX ? c->url : SV(""));
			bind_sv(b->fill, 3, c->channel.len <= STORE_REACH_CHANNEL_MAX ? c->channel : SV(""));
			if (c->posted_day >= 0)
				sqlite3_bind_int64(b->fill, 4, c->posted_day);
			else
				sqlite3_bind_null(b->fill, 4);
			if (sqlite3_step(b->fill) != SQLITE_DONE)
				return STORE_ERROR;
		}
	} else if (rc == SQLITE_DONE) {
		sqlite3_stmt *ins = b->insert_post;
		sqlite3_reset(ins);
		bind_sv(ins, 1, c->platform);
		bind_sv(ins, 2, c->post_id);
		bind_sv(ins, 3, c->url.len <= STORE_REACH_URL_MAX ? c->url : SV(""));
		bind_sv(ins, 4, c->channel.len <= STORE_REACH_CHANNEL_MAX ? c->channel : SV(""));
		if (c->posted_day >= 0)
			sqlite3_bind_int64(ins, 5, c->posted_day);
		else
			sqlite3_bind_null(ins, 5);
		sqlite3_bind_int(ins, 6, c->account);
		sqlite3_bind_int64(ins, 7, b->today);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			store_failed(store_db(b->st));
			return STORE_ERROR;
		}
		post = sqlite3_last_insert_rowid(store_db(b->st));
	} else {
		return STORE_ERROR;
	}
	return snapshot_add(b, post, c->metric, c->period, c->measured_day, c->views, added, lower);
}

int
store_reach_batch_add_post(store_reach_batch_t *b, int64_t post, sv_t metric, int period, int64_t day,
    uint64_t views, bool *added, bool *lower)
{
	sqlite3_reset(b->exists);
	sqlite3_bind_int64(b->exists, 1, post);
	int rc = sqlite3_step(b->exists);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	return snapshot_add(b, post, metric, period, day, views, added, lower);
}

/* ---- the aggregates of one (post, metric) ---- */

static void
keys_text(char *dst, size_t cap, sqlite3_stmt *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q, col);
	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

int
store_reach_keys(store_t *st, int64_t post, store_reach_keys_t *k)
{
	sqlite3_stmt *q;
	memset(k, 0, sizeof(*k));
	if (q_prepare(st, &q, "SELECT platform, coalesce(hex(appeal), ''), item, language, account FROM reach_posts WHERE id = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, post);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		keys_text(k->platform, sizeof(k->platform), q, 0);
		keys_text(k->appeal, sizeof(k->appeal), q, 1);
		for (char *c = k->appeal; *c; c++)
			if (*c >= 'A' && *c <= 'F')
				*c = (char)(*c + 32);
		keys_text(k->item, sizeof(k->item), q, 2);
		keys_text(k->language, sizeof(k->language), q, 3);
		k->account = sqlite3_column_int(q, 4) != 0;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int
store_reach_sums_move(store_t *st, const store_reach_keys_t *k, const char *metric, int64_t views, int64_t posts)
{
	sqlite3_stmt *q;
	if (k->account || (views == 0 && posts == 0))
		return STORE_OK;   /* a channel's own series is in no sum */
	if (q_prepare(st, &q,
	        "INSERT INTO reach_sums (kind, k1, k2, metric, views, posts) VALUES (?, ?, ?, ?, ?, ?) "
	        "ON CONFLICT (kind, k1, k2, metric) DO UPDATE SET views = views + excluded.views, "
	        "posts = posts + excluded.posts") != 0)
		return STORE_ERROR;
	const char *k1[3] = { k->platform, k->appeal, k->language };
	for (int kind = 0; kind < 3; kind++) {
		sqlite3_reset(q);
		sqlite3_bind_int(q, 1, kind);
		sqlite3_bind_text(q, 2, k1[kind], -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, kind == 1 && !k->appeal[0] ? k->item : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, metric, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 5, views);
		sqlite3_bind_int64(q, 6, posts);
		if (sqlite3_step(q) != SQLITE_DONE) {
			sqlite3_finalize(q);
			return STORE_ERROR;
		}
	}
	sqlite3_finalize(q);
	return STORE_OK;
}

typedef struct {
	int64_t week, delta;
} wk_t;

static int
touched_cmp(const void *a, const void *b)
{
	const touched_t *x = a, *y = b;
	if (x->post != y->post)
		return x->post < y->post ? -1 : 1;
	return strcmp(x->metric, y->metric);
}

/* Adds v to a growing list of weeks (same week: summed). */
static int
wk_add(wk_t **w, size_t *n, size_t *cap, int64_t week, int64_t v)
{
	if (*n && (*w)[*n - 1].week == week) {
		(*w)[*n - 1].delta += v;
		return 0;
	}
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 32;
		wk_t *p = realloc(*w, c * sizeof(*p));
		if (!p)
			return -1;
		*w = p;
		*cap = c;
	}
	(*w)[(*n)++] = (wk_t){ week, v };
	return 0;
}

int
store_reach_recompute(store_t *st, int64_t post, const char *metric)
{
	touched_t tt = { .post = post };
	snprintf(tt.metric, sizeof(tt.metric), "%s", metric);
	const touched_t *t = &tt;
	sqlite3_stmt *q;
	wk_t *w = NULL;
	size_t n = 0, cap = 0;
	int64_t latest = 0, latest_day = -1, prev_life = 0, last_day = INT64_MIN, day_value = 0;
	int latest_lower = 0, rc = STORE_ERROR;
	bool lifetime = false, account, had = false, any = false;
	int64_t before = 0;
	store_reach_keys_t keys;
	if (store_reach_keys(st, t->post, &keys) != STORE_OK)
		return STORE_ERROR;
	const char *platform = keys.platform;
	account = keys.account;
	if (q_prepare(st, &q, "SELECT views FROM reach_latest WHERE post = ? AND metric = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, t->post);
	sqlite3_bind_text(q, 2, t->metric, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		had = true;
		before = sqlite3_column_int64(q, 0);
	}
	sqlite3_finalize(q);
	/* lifetime counts first: when a post has any, they are its count; else its days add up */
	if (q_prepare(st, &q,
	        "SELECT period, measured_day, views, lower FROM reach_snapshots WHERE post = ? AND metric = ? "
	        "ORDER BY period, measured_day, id") != 0)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, t->post);
	sqlite3_bind_text(q, 2, t->metric, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int period = sqlite3_column_int(q, 0);
		int64_t day = sqlite3_column_int64(q, 1), v = sqlite3_column_int64(q, 2);
		any = true;
		if (period == STORE_REACH_LIFETIME) {
			lifetime = true;
			/* the week's value is its last count: move the week by the change */
			if (wk_add(&w, &n, &cap, week_of(day), v - prev_life) != 0)
				break;
			prev_life = v;
			latest = v;
			latest_day = day;
			latest_lower = sqlite3_column_int(q, 3);
		} else if (!lifetime) {
			/* one value per day: a later snapshot of the same day replaces it */
			if (day == last_day) {
				w[n - 1].delta += v - day_value;
				latest += v - day_value;
			} else if (wk_add(&w, &n, &cap, week_of(day), v) != 0) {
				break;
			} else {
				latest += v;
			}
			day_value = v;
			last_day = day;
			latest_day = day;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		goto out;
	rc = STORE_ERROR;
	/* the old weeks of this post leave the platform's weeks */
	if (!account) {
		if (q_prepare(st, &q,
		        "UPDATE reach_weeks SET views = views - (SELECT delta FROM reach_post_weeks p WHERE p.post = ?1 AND "
		        "p.metric = ?2 AND p.week = reach_weeks.week) WHERE platform = ?3 AND metric = ?2 AND week IN "
		        "(SELECT week FROM reach_post_weeks WHERE post = ?1 AND metric = ?2)") != 0)
			goto out;
		sqlite3_bind_int64(q, 1, t->post);
		sqlite3_bind_text(q, 2, t->metric, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, platform, -1, SQLITE_STATIC);
		if (q_done(q) != STORE_OK)
			goto out;
	}
	if (q_prepare(st, &q, "DELETE FROM reach_post_weeks WHERE post = ? AND metric = ?") != 0)
		goto out;
	sqlite3_bind_int64(q, 1, t->post);
	sqlite3_bind_text(q, 2, t->metric, -1, SQLITE_STATIC);
	if (q_done(q) != STORE_OK)
		goto out;
	sqlite3_stmt *ins, *up;
	if (q_prepare(st, &ins, "INSERT INTO reach_post_weeks (post, metric, week, delta) VALUES (?, ?, ?, ?)") != 0)
		goto out;
	if (q_prepare(st, &up,
	        "INSERT INTO reach_weeks (platform, metric, week, views) VALUES (?, ?, ?, ?) "
	        "ON CONFLICT (platform, metric, week) DO UPDATE SET views = views + excluded.views") != 0) {
		sqlite3_finalize(ins);
		goto out;
	}
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, t->post);
		sqlite3_bind_text(ins, 2, t->metric, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, w[i].week);
		sqlite3_bind_int64(ins, 4, w[i].delta);
		ok = sqlite3_step(ins) == SQLITE_DONE;
		if (ok && !account) {
			sqlite3_reset(up);
			sqlite3_bind_text(up, 1, platform, -1, SQLITE_STATIC);
			sqlite3_bind_text(up, 2, t->metric, -1, SQLITE_STATIC);
			sqlite3_bind_int64(up, 3, w[i].week);
			sqlite3_bind_int64(up, 4, w[i].delta);
			ok = sqlite3_step(up) == SQLITE_DONE;
		}
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(up);
	if (!ok)
		goto out;
	if (!any) {
		/* its last snapshot was removed (an import taken back): it counts no more */
		if (q_prepare(st, &q, "DELETE FROM reach_latest WHERE post = ? AND metric = ?") != 0)
			goto out;
		sqlite3_bind_int64(q, 1, t->post);
		sqlite3_bind_text(q, 2, t->metric, -1, SQLITE_STATIC);
		if ((rc = q_done(q)) == STORE_OK && had)
			rc = store_reach_sums_move(st, &keys, t->metric, -before, -1);
		goto out;
	}
	if (q_prepare(st, &q,
	        "INSERT OR REPLACE INTO reach_latest (post, metric, views, measured_day, lower) VALUES (?, ?, ?, ?, ?)") != 0)
		goto out;
	sqlite3_bind_int64(q, 1, t->post);
	sqlite3_bind_text(q, 2, t->metric, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, latest);
	sqlite3_bind_int64(q, 4, latest_day);
	sqlite3_bind_int(q, 5, latest_lower);
	if ((rc = q_done(q)) == STORE_OK)
		rc = store_reach_sums_move(st, &keys, t->metric, latest - before, had ? 0 : 1);
out:
	free(w);
	return rc;
}

#define RECOMPUTE_PART 500   /* (post, metric) aggregates rebuilt in one transaction */

/* Sorts the touched list and drops its repeats. */
static void
touched_unique(store_reach_batch_t *b)
{
	size_t k = 0;
	if (b->ntouched)
		qsort(b->touched, b->ntouched, sizeof(b->touched[0]), touched_cmp);
	for (size_t i = 0; i < b->ntouched; i++)
		if (k == 0 || touched_cmp(&b->touched[i], &b->touched[k - 1]) != 0)
			b->touched[k++] = b->touched[i];
	b->ntouched = k;
}

/* Commits, and begins the next part: other writers (a help request) take their turn. */
static int
part_commit(store_reach_batch_t *b)
{
	sqlite3_stmt *qs[] = { b->find, b->find_url, b->insert_post, b->fill, b->prev, b->insert_snap, b->exists };
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		sqlite3_reset(qs[i]);
	if (q_commit(b->st) != STORE_OK)
		return STORE_ERROR;
	return q_exec(b->st, "BEGIN IMMEDIATE") == 0 ? STORE_OK : STORE_ERROR;
}

int
store_reach_batch_flush(store_reach_batch_t *b)
{
	if (b->ntouched > 4096 && b->ntouched > 2 * b->nunique) {
		touched_unique(b);   /* a file of days touches its posts again and again */
		b->nunique = b->ntouched;
	}
	return part_commit(b);
}

void
store_reach_batch_touch_known(store_reach_batch_t *b)
{
	b->touch_known = true;
}

/* The aggregates of every (post, metric) the batch touched, RECOMPUTE_PART a
 * transaction, then the file's row, in the last one. Until then the dashboard may show
 * a part of the file's counts; a file without its row is taken as unfinished, and
 * importing it again rebuilds all it touches (store_reach_batch_touch_known). */
int
store_reach_batch_commit(store_reach_batch_t *b, int64_t day, int layout)
{
	store_t *st = b->st;
	int rc = STORE_ERROR;
	sqlite3_stmt *q;
	touched_unique(b);
	for (size_t i = 0; i < b->ntouched; i++) {
		if (i && i % RECOMPUTE_PART == 0 && part_commit(b) != STORE_OK)
			goto fail;
		if (store_reach_recompute(st, b->touched[i].post, b->touched[i].metric) != STORE_OK)
			goto fail;
	}
	if (layout >= 0) {
		if (q_prepare(st, &q, "INSERT OR IGNORE INTO reach_imports (source, day, layout) VALUES (?, ?, ?)") != 0)
			goto fail;
		sqlite3_bind_blob(q, 1, b->source, 32, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, day);
		sqlite3_bind_int(q, 3, layout);
		if (q_done(q) != STORE_OK)
			goto fail;
	}
	rc = q_commit(st);
	batch_free(b);
	return rc;
fail:
	store_reach_batch_abort(b);
	return rc;
}

int
store_reach_import_day(store_t *st, const uint8_t source[32], int64_t *day)
{
	sqlite3_stmt *q;
	if (q_prepare(st, &q, "SELECT day FROM reach_imports WHERE source = ?") != 0)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, source, 32, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*day = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}
