/* reach: where each appeal (or other campaign item) was posted and how many saw it
 * (issue 13). Editors register posts and type counts; anyone importing a platform's own
 * export file (the web page or `sava reach import`) adds its counts as snapshots, all of
 * the file or nothing. Nothing here is encrypted: posts are public, counts are numbers.
 * Who posted a post is kept only as a kind (staff, partner), never as an account; a
 * file's channel names are not kept; and the audit log records that a post, a count or
 * a file was added, never which one nor by whom (with the posts' numbers and days, an
 * actor would tie a person to a post). */
#ifndef SAVA_REACH_DOMAIN_H
#define SAVA_REACH_DOMAIN_H

#include "domain/app.h"
#include "domain/domain.h"
#include "domain/rules.h"
#include "parse/reach.h"
#include "store/reach.h"

#define REACH_ITEM_MAX_CHARS   40      /* a campaign item's name (not an appeal) */
#define REACH_PAGE             50      /* posts on one page */
#define REACH_TOP              10      /* appeals on the dashboard's chart */
#define REACH_IMPORT_PART      2000    /* counts stored in one transaction of an import */
#define REACH_IMPORTS_SHOWN    50      /* imported files listed on the import page */

/* Editors manage posts and counts; viewers, coordinators and admins read the dashboard. */
bool reach_can_edit(const staff_t *s);
bool reach_can_view(const staff_t *s);

/* ---- an import ---- */
typedef enum {
	REACH_IMPORT_OK = 0,
	REACH_IMPORT_REFUSED,      /* the file: r->parse says why (and r->bad_line, r->why) */
	REACH_IMPORT_PLATFORM,     /* line r->bad_line names a platform not in [reach] platforms */
	REACH_IMPORT_ERROR,        /* the database: nothing was imported */
	REACH_IMPORT_PARTIAL,      /* the database stopped it after a part: import it again */
	REACH_IMPORT_BUSY,         /* another import is running (the page's answer) */
} reach_import_status_t;

typedef struct {
	reach_status_t parse;
	reach_layout_t layout;
	size_t rows, added, known, lower;
	uint32_t bad_line;
	const char *why;           /* English, a msgid */
	char platform[REACH_PLATFORM_MAX + 1];   /* REACH_IMPORT_PLATFORM: the name in the file */
} reach_import_t;

/* Imports one export file (at most REACH_FILE_MAX bytes): the whole file is checked
 * first (a bad line, or a day after tomorrow, refuses all of it), then stored in parts of
 * REACH_IMPORT_PART counts, each its own short transaction. platform: the person's choice for a layout that does not say
 * its own (NULL or ""). s: the editor (NULL: the command line). */
reach_import_status_t reach_import(const app_t *app, const staff_t *s, const uint8_t *p, size_t n,
    const char *platform, reach_import_t *r) WUR;

/* Why a file was refused, in English (a msgid; the line number, when there is one, is
 * r->bad_line, and r->why the line's problem). NULL for REACH_IMPORT_OK. */
const char *reach_import_problem(reach_import_status_t st, const reach_import_t *r);

/* One import at a time (the web page's: it holds the file in memory): claim before
 * taking the upload, release when done. False when another is running. */
bool reach_import_claim(void);
void reach_import_release(void);
/* The imported files, the latest first (REACH_IMPORTS_SHOWN at most). */
intake_status_t reach_imports(const app_t *app, const staff_t *s, int (*fn)(void *ctx, const store_reach_import_t *i),
    void *ctx) WUR;
/* One imported file by its hash in hex (64 digits), with its number of counts. */
intake_status_t reach_import_find(const app_t *app, const staff_t *s, sv_t hex, store_reach_import_t *out) WUR;
/* Takes a file back: every count it gave is deleted (*n: how many), the aggregates are
 * rebuilt, and the posts it alone made go. INTAKE_NOT_FOUND: no such file. */
intake_status_t reach_import_remove(const app_t *app, const staff_t *s, sv_t hex, uint64_t *n) WUR;
/* The same for `sava reach remove` (no editor: the command line). */
intake_status_t reach_import_remove_cli(const app_t *app, const uint8_t source[32], uint64_t *n) WUR;

/* ---- posts ---- */
typedef struct {
	sv_t appeal;       /* an appeal's id in hex, or empty */
	sv_t item;         /* else a campaign item's name */
	sv_t platform, url, platform_id, channel, language, posted, posted_by;   /* posted: YYYY-MM-DD; posted_by: staff, partner */
	sv_t move;         /* "yes": a post registered for another appeal or item moves here */
} reach_post_form_t;

typedef struct {
	rule_t target, item, platform, url, platform_id, channel, language, posted, posted_by;
	bool taken;        /* the post is already registered for another appeal or item */
} reach_post_rules_t;

/* True when every field is right. */
bool reach_post_rules(const app_t *app, const reach_post_form_t *f, reach_post_rules_t *out);
/* Registers a post (or links an imported one): INTAKE_INVALID with out filled when a
 * field is wrong or the post belongs to another item. */
intake_status_t reach_post_add(const app_t *app, const staff_t *s, const reach_post_form_t *f,
    reach_post_rules_t *out, int64_t *id) WUR;
/* The platform's id read from a post's address (YouTube, TikTok, Telegram, VK,
 * Instagram, Facebook), into out; false when the address does not show one. */
bool reach_id_from_url(sv_t url, char out[REACH_ID_MAX + 1]);

/* A count typed by an editor for a post on a day. */
typedef struct {
	sv_t post, day, views;    /* the post's number, YYYY-MM-DD, a whole number */
} reach_count_form_t;
typedef struct {
	rule_t post, day, views;
	bool lower;               /* it was taken, and is below the count before it */
	bool known;               /* it was given before: nothing changed */
} reach_count_rules_t;
intake_status_t reach_count_add(const app_t *app, const staff_t *s, const reach_count_form_t *f,
    reach_count_rules_t *out) WUR;

/* ---- reading ---- */
/* The [campaign] metrics that count (names borrowed from the configuration). */
void reach_metrics_of(const app_t *app, store_metrics_t *m);

/* Posts of all items, an appeal (hex) or an item, as the store lists them. */
intake_status_t reach_posts(const app_t *app, const staff_t *s, const uint8_t *appeal, const char *item,
    size_t offset, int (*fn)(void *ctx, const store_reach_post_t *p), void *ctx, size_t *total) WUR;
intake_status_t reach_posts_lower(const app_t *app, const staff_t *s, int (*fn)(void *ctx, const store_reach_post_t *p),
    void *ctx) WUR;

/* ---- the dashboard ---- */
#define REACH_DASH_PLATFORMS 24
#define REACH_DASH_LANGUAGES 16
#define REACH_DASH_WEEKS     53      /* the last year, week by week */

typedef struct {
	uint64_t done, goal;
	int64_t by;               /* days since 1970, -1: no date */
	int64_t days_left;        /* from today to by (0 when by has passed) */
	uint64_t per_day, per_week;   /* the pace needed from today (0 when reached or no date) */
	unsigned percent;         /* done / goal, capped at 100 */
} reach_goal_t;

typedef struct {
	char name[REACH_PLATFORM_MAX + 1];
	uint64_t views, posts;
} reach_platform_sum_t;

typedef struct {
	int64_t today;
	reach_goal_t views, owls, safe;
	reach_platform_sum_t platforms[REACH_DASH_PLATFORMS];
	size_t nplatforms;
	store_reach_group_t top[REACH_TOP];
	size_t ntop;
	struct {
		char code[4];
		uint64_t views;
	} languages[REACH_DASH_LANGUAGES];
	size_t nlanguages;
	/* weeks[i]: its first day, views gained per platform (index as platforms[]), and
	 * the cumulative total at its end */
	struct {
		int64_t start;
		int64_t gained[REACH_DASH_PLATFORMS];
		int64_t cumulative;
	} weeks[REACH_DASH_WEEKS];
	size_t nweeks;
	int64_t earlier[REACH_DASH_PLATFORMS];   /* gained before the first week shown */
	bool has_earlier;
	uint64_t posts, snapshots, flagged;
} reach_dashboard_t;

intake_status_t reach_dashboard(const app_t *app, reach_dashboard_t *d) WUR;
/* The dashboard's figures that the public page and /metrics may show. */
intake_status_t reach_totals(const app_t *app, uint64_t *views, uint64_t *owls, uint64_t *safe) WUR;
/* What /metrics shows (aggregates only): views per platform through fn, and the rest. */
typedef struct {
	uint64_t views, owls, safe, posts, snapshots, flagged;
	size_t appeals[6];        /* per STORE_APPEAL_* state: the media jobs' work */
} reach_figures_t;
intake_status_t reach_figures(const app_t *app, reach_figures_t *f,
    void (*fn)(void *ctx, const char *platform, uint64_t views, uint64_t posts), void *ctx) WUR;
/* For `sava reach totals`: fn for each platform, in descending order. */
intake_status_t reach_by_platform(const app_t *app, void (*fn)(void *ctx, const char *platform, uint64_t views,
    uint64_t posts), void *ctx) WUR;

#endif
