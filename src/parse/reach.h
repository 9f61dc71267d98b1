/* reach: the platforms' own export files of view counts (issue 13), read as hostile bytes.
 * The layout is told from the bytes alone (encoding and BOM, a "sep=" line, the header's
 * names in English, Russian or German with soft hyphens removed), never from a file name;
 * each data row becomes one or more counts (reach_row_t), handed to a callback. Pure: no
 * I/O; the only memory taken is a UTF-8 copy of a UTF-16 file. Named limits below; an
 * error names the first bad line. */
#ifndef SAVA_REACH_H
#define SAVA_REACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define REACH_FILE_MAX        (32u * 1024 * 1024)   /* bytes of one export file */
#define REACH_ROWS_MAX        200000                /* data rows of one file */
#define REACH_ID_MAX          128                   /* bytes of a platform's post id */
#define REACH_URL_MAX         512                   /* bytes of a post's address */
#define REACH_CHANNEL_MAX     64                    /* bytes of a channel or account name */
#define REACH_PLATFORM_MAX    16                    /* bytes of a platform's name (a-z, 0-9) */
#define REACH_METRIC_MAX      32                    /* bytes of a metric's name */
#define REACH_COUNT_MAX       100000000000ull       /* 10^11: no count is larger */

typedef enum {
	REACH_LAYOUT_NONE = 0,
	REACH_GENERIC,          /* sava's own CSV (docs/formats.md) */
	REACH_YT_TABLE,         /* YouTube Studio advanced mode, "Table data.csv" */
	REACH_YT_CHART,         /* "Chart data.csv": per video, per day */
	REACH_YT_TOTALS,        /* "Totals.csv": the channel, per day */
	REACH_TIKTOK_CONTENT,   /* TikTok Studio "Content.csv" */
	REACH_TIKTOK_OVERVIEW,  /* TikTok Studio "Overview.csv": the account, per day */
	REACH_META_POSTS,       /* Meta Business Suite per-post export (Instagram, Facebook) */
	REACH_META_DAILY,       /* Meta Business Suite daily per-metric file (UTF-16LE) */
	REACH_TELEGRAM_JSON,    /* Telegram Desktop's result.json: has no view counts */
	REACH_LAYOUTS
} reach_layout_t;

enum { REACH_LIFETIME = 0, REACH_DAY = 1 };

/* One count. Views point into memory that lives only during the callback. */
typedef struct {
	sv_t platform;          /* youtube, tiktok, instagram, facebook, ... (a-z, 0-9) */
	sv_t post_id;           /* the platform's id; empty for an account's series */
	sv_t url;               /* may be empty */
	sv_t channel;           /* the channel or account, when the file says; may be empty */
	sv_t metric;            /* the platform's metric, in English: "views", "engaged views", ... */
	int period;             /* REACH_LIFETIME or REACH_DAY */
	int64_t measured_day;   /* days since 1970-01-01: the day counted (DAY) or the export's day */
	int64_t posted_day;     /* the day it was posted, or -1 when the file does not say */
	uint64_t count;
	bool account;           /* an account's or channel's series, not one post's */
	uint32_t line;
} reach_row_t;

typedef struct {
	int64_t today;          /* the day of a file that has no date (or no year) of its own */
	const char *platform;   /* given by the person importing (--platform), or NULL */
	int64_t latest;         /* the latest measured day taken (today + 1); 0: no bound */
} reach_opts_t;

typedef enum {
	REACH_OK = 0,
	REACH_E_SIZE,           /* larger than REACH_FILE_MAX, or more than REACH_ROWS_MAX rows */
	REACH_E_EMPTY,          /* no header, or a header and no row */
	REACH_E_ENCODING,       /* not UTF-8 (nor UTF-16 with its BOM) */
	REACH_E_UNKNOWN,        /* a layout sava does not know */
	REACH_E_TELEGRAM,       /* Telegram Desktop's result.json: it has no view counts */
	REACH_E_PLATFORM,       /* the layout does not say its platform: opts->platform needed */
	REACH_E_LINE,           /* line bad_line is wrong: why says how */
	REACH_E_STOPPED,        /* the callback returned non-zero */
	REACH_E_MEMORY,
} reach_status_t;

typedef struct {
	reach_layout_t layout;
	size_t rows;            /* data rows read (a footnote or a total row is not one) */
	size_t counts;          /* counts handed to the callback */
	uint32_t bad_line;      /* REACH_E_LINE, REACH_E_ENCODING: the first bad line */
	const char *why;        /* REACH_E_LINE: English, a msgid ("the views are not a whole number") */
} reach_result_t;

typedef int (*reach_row_fn)(void *ctx, const reach_row_t *row);

/* Reads a whole file: detects its layout, then calls fn for each count in file order.
 * Nothing is kept: the caller decides what to store (all or nothing). */
reach_status_t reach_parse(const uint8_t *p, size_t n, const reach_opts_t *opts, reach_row_fn fn, void *ctx,
    reach_result_t *r) WUR;

/* A layout's name, in English ("YouTube Studio Table data"). */
const char *reach_layout_name(reach_layout_t layout);
/* One sentence that names every layout sava reads, for a refusal. */
extern const char reach_layouts_known[];
/* True when s is a platform name: 1 to REACH_PLATFORM_MAX bytes of a-z, 0-9. */
bool reach_platform_ok(sv_t s);
/* Days since 1970-01-01 of a proleptic Gregorian date; -1 when it is no such date. */
int64_t reach_days(int y, int m, int d);
/* "YYYY-MM-DD" (anything after it ignored when rest is true) into days, or -1. */
int64_t reach_iso_day(sv_t s, bool rest);
/* The date back: y, m, d of days. */
void reach_civil(int64_t days, int *y, int *m, int *d);

#endif
