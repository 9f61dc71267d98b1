/* reach: the rows of reach (migration 8): posts (where an appeal or a campaign item was
 * posted), view-count snapshots that are never overwritten, the imported files' days,
 * and the aggregates every import keeps up to date (a post's latest count per metric,
 * its change per week, the sum per platform and week) so that the dashboard reads a few
 * thousand rows, never the snapshots. Nothing here is secret: counts and public posts. */
#ifndef SAVA_STORE_REACH_H
#define SAVA_STORE_REACH_H

#include "store/store.h"

#define STORE_REACH_ITEM_MAX      80    /* bytes of a campaign item's name */
#define STORE_REACH_PLATFORM_MAX  16
#define STORE_REACH_ID_MAX        130
#define STORE_REACH_URL_MAX       512
#define STORE_REACH_CHANNEL_MAX   64
#define STORE_REACH_METRIC_MAX    32
#define STORE_REACH_METRICS       8     /* metrics that count, at most */

/* Who posted it: a kind, never an account. */
enum { STORE_POSTED_UNSAID = 0, STORE_POSTED_STAFF = 1, STORE_POSTED_PARTNER = 2 };
enum { STORE_REACH_LIFETIME = 0, STORE_REACH_DAY = 1 };

typedef struct {
	int64_t id;
	bool has_appeal;
	uint8_t appeal[16];
	char item[STORE_REACH_ITEM_MAX + 1];          /* a named campaign item, when not an appeal */
	char platform[STORE_REACH_PLATFORM_MAX + 1];
	char platform_id[STORE_REACH_ID_MAX + 1];
	char url[STORE_REACH_URL_MAX + 1];
	char channel[STORE_REACH_CHANNEL_MAX + 1];
	char language[4];                             /* of its subtitles, or empty */
	int64_t posted_day;                           /* -1: not known */
	int posted_by;                                /* STORE_POSTED_* */
	bool account;                                 /* a channel's own series, not a post */
	uint64_t views;                               /* lists: its latest counts that count, summed */
	int64_t measured_day;                         /* lists: the day of the latest of them (-1: none) */
	bool lower;                                   /* lists: a latest lifetime count went down */
} store_reach_post_t;

/* The metrics that count toward the goal ("views"; names as the platforms give them). */
typedef struct {
	const char *name[STORE_REACH_METRICS];
	size_t n;
} store_metrics_t;

/* An editor's post: added, or an imported post (not yet linked) linked to its appeal or
 * item with what she said. *id gets its id. STORE_CONFLICT when the platform's id is
 * already linked to another appeal or item, unless move (then it moves, with its counts). */
int store_reach_post_add(store_t *st, const store_reach_post_t *p, bool move, int64_t today, int64_t *id) WUR;
int store_reach_post_get(store_t *st, int64_t id, store_reach_post_t *out) WUR;
/* Every post of a withdrawn appeal, with its counts (out of the sums and weeks), in one
 * transaction: no row ties her appeal to where it was posted any more. *n: how many. */
int store_reach_forget_appeal(store_t *st, const uint8_t appeal[16], size_t *n) WUR;
/* Posts (accounts' series last), of one appeal (appeal non-NULL), one item (item
 * non-NULL), or all; the most viewed first, with their latest counts; *total counts them. */
int store_reach_posts_list(store_t *st, const store_metrics_t *m, const uint8_t *appeal, const char *item,
    size_t offset, size_t limit, int (*fn)(void *ctx, const store_reach_post_t *p), void *ctx, size_t *total) WUR;
/* Posts whose latest lifetime count went down (flagged), newest first. */
int store_reach_posts_lower(store_t *st, size_t limit, int (*fn)(void *ctx, const store_reach_post_t *p),
    void *ctx) WUR;

/* What the sums of a post's counts are kept under (reach_sums). Internal to the store. */
typedef struct {
	char platform[STORE_REACH_PLATFORM_MAX + 1];
	char appeal[33];                              /* hex, or empty */
	char item[STORE_REACH_ITEM_MAX + 1];
	char language[4];
	bool account;
} store_reach_keys_t;
/* A post's keys, and a move of views (and posts) in the sums under them, inside the
 * caller's transaction (reach.c; reach_views.c moves a post that is linked anew). */
int store_reach_keys(store_t *st, int64_t post, store_reach_keys_t *k) WUR;
int store_reach_sums_move(store_t *st, const store_reach_keys_t *k, const char *metric, int64_t views,
    int64_t posts) WUR;

/* ---- counts, in one transaction (a batch): all of a file, or nothing ---- */
typedef struct {
	sv_t platform, post_id, url, channel, metric;
	int period;                 /* STORE_REACH_* */
	int64_t measured_day, posted_day;
	uint64_t views;
	bool account;
} store_reach_count_t;

typedef struct store_reach_batch store_reach_batch_t;
/* BEGIN IMMEDIATE; source: the file's (or typed count's) hash. */
int store_reach_batch_begin(store_t *st, const uint8_t source[32], int64_t today, store_reach_batch_t **out) WUR;
/* One count: its post found or made, its snapshot added unless known (*added), and
 * *lower when it is a lifetime count below the one before it. */
int store_reach_batch_add(store_reach_batch_t *b, const store_reach_count_t *c, bool *added, bool *lower) WUR;
/* One count for a known post (typed by an editor). STORE_NOT_FOUND when there is none. */
int store_reach_batch_add_post(store_reach_batch_t *b, int64_t post, sv_t metric, int period, int64_t day,
    uint64_t views, bool *added, bool *lower) WUR;
/* Commits the counts the batch has so far and begins again, so that a large file never
 * holds the write lock for long; the aggregates wait for store_reach_batch_commit. */
int store_reach_batch_flush(store_reach_batch_t *b) WUR;
/* A file that has no reach_imports row (new, or stopped part of the way before): its
 * known counts are rebuilt at commit too, so a second try finishes what the first left. */
void store_reach_batch_touch_known(store_reach_batch_t *b);
/* Brings the aggregates of every post it touched up to date (a part at a time, each its
 * own transaction), then records the file's day and layout (layout < 0: a typed count,
 * not recorded) and commits; frees b either way. */
int store_reach_batch_commit(store_reach_batch_t *b, int64_t day, int layout) WUR;
/* Rolls back; frees b (NULL is fine). */
void store_reach_batch_abort(store_reach_batch_t *b);
/* The day a file was first imported: STORE_NOT_FOUND when it never was. */
int store_reach_import_day(store_t *st, const uint8_t source[32], int64_t *day) WUR;

/* The aggregates of one (post, metric) rebuilt from its snapshots, inside the caller's
 * transaction (none left: it leaves the sums). Internal to the store. */
int store_reach_recompute(store_t *st, int64_t post, const char *metric) WUR;

/* ---- imported files: listed, and taken back ---- */
typedef struct {
	uint8_t source[32];
	int64_t day;            /* the day it was first imported */
	int layout;             /* reach_layout_t */
	uint64_t counts;        /* its snapshots (store_reach_import_get only) */
} store_reach_import_t;
/* The imported files, the latest first, at most limit. */
int store_reach_imports_list(store_t *st, size_t limit, int (*fn)(void *ctx, const store_reach_import_t *i),
    void *ctx) WUR;
/* One file, with its number of counts; STORE_NOT_FOUND. */
int store_reach_import_get(store_t *st, const uint8_t source[32], store_reach_import_t *out) WUR;
/* Deletes every snapshot of a file, a part at a time (each its own short transaction,
 * with the aggregates of what it touched), then the posts the files made that have no
 * count left and are linked to nothing, and the file's row. *n: the snapshots deleted. */
int store_reach_import_remove(store_t *st, const uint8_t source[32], uint64_t *n) WUR;

/* ---- the dashboard: aggregates only ---- */
/* Latest counts per platform (posts only, not accounts' series), largest first. */
int store_reach_by_platform(store_t *st, const store_metrics_t *m,
    void (*fn)(void *ctx, const char *platform, uint64_t views, uint64_t posts), void *ctx) WUR;
/* Per appeal or item (unlinked posts together: no appeal, empty item), largest first. */
typedef struct {
	bool has_appeal;
	uint8_t appeal[16];
	char item[STORE_REACH_ITEM_MAX + 1];
	uint64_t views, posts;
} store_reach_group_t;
int store_reach_by_item(store_t *st, const store_metrics_t *m, size_t limit,
    void (*fn)(void *ctx, const store_reach_group_t *g), void *ctx) WUR;
/* Per subtitle language (empty: not said), largest first. */
int store_reach_by_language(store_t *st, const store_metrics_t *m,
    void (*fn)(void *ctx, const char *language, uint64_t views), void *ctx) WUR;
/* Views gained per platform and week (week w starts on day 7w - 3, a Monday), in week
 * order; a week's views may be negative when counts went down. */
int store_reach_weeks(store_t *st, const store_metrics_t *m,
    void (*fn)(void *ctx, const char *platform, int64_t week, int64_t views), void *ctx) WUR;
/* How many posts (accounts' series not counted), snapshots, and flagged posts. */
int store_reach_counts(store_t *st, uint64_t *posts, uint64_t *snapshots, uint64_t *flagged) WUR;
/* Cases now in a stage (a count only), and active accounts with a role bit. */
int store_cases_in_stages(store_t *st, int from, int to, uint64_t *n) WUR;
int store_accounts_with_role(store_t *st, uint32_t role, uint64_t *n) WUR;

#endif
