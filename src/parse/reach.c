/* reach: tells an export file's layout from its bytes and turns its rows into counts
 * (reach.h). The header's names, folded (reach_text.h), are looked up in one table of
 * the names each platform writes in English, Russian and German; the set of columns
 * found decides the layout. Required fields that are wrong stop the whole file at their
 * line; optional ones (a title, a publish time) that cannot be read are left out. */
#include "parse/reach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bidi.h"
#include "core/lang.h"
#include "parse/reach_csv.h"
#include "parse/reach_text.h"
#include "parse/urlenc.h"

/* The columns sava reads. */
enum {
	C_PLATFORM, C_POST_ID, C_URL, C_PUBLISHED, C_MEASURED, C_VIEWS, C_PERIOD, C_CHANNEL, C_METRIC,   /* generic */
	C_CONTENT, C_PUBLISH_TIME, C_ENGAGED, C_DATE,                                                      /* YouTube */
	C_TIME, C_LINK, C_POST_TIME, C_TOTAL_VIEWS, C_VIDEO_VIEWS,                                          /* TikTok */
	C_META_POST_ID, C_PERMALINK, C_IMPRESSIONS, C_USERNAME, C_PAGE_NAME, C_POST_TYPE, C_PRIMARY,        /* Meta */
	C_COLUMNS
};

static const struct {
	int col;
	const char *name;   /* folded */
} reach_names[] = {
	{ C_PLATFORM, "platform" }, { C_POST_ID, "post_id" }, { C_URL, "url" }, { C_PUBLISHED, "published_at" },
	{ C_MEASURED, "measured_on" }, { C_PERIOD, "period" }, { C_CHANNEL, "channel" }, { C_METRIC, "metric" },
	{ C_VIEWS, "views" }, { C_VIEWS, "просмотры" }, { C_VIEWS, "aufrufe" },
	{ C_CONTENT, "content" }, { C_CONTENT, "контент" }, { C_CONTENT, "inhalt" },
	{ C_PUBLISH_TIME, "video publish time" }, { C_PUBLISH_TIME, "время публикации видео" },
	{ C_PUBLISH_TIME, "veröffentlichungszeitpunkt des videos" }, { C_PUBLISH_TIME, "veröffentlichungszeit des videos" },
	{ C_PUBLISH_TIME, "publish time" },
	{ C_ENGAGED, "engaged views" }, { C_ENGAGED, "вовлеченные просмотры" }, { C_ENGAGED, "вовлечённые просмотры" },
	{ C_ENGAGED, "просмотры с вовлечением" }, { C_ENGAGED, "aufrufe mit interaktion" },
	{ C_ENGAGED, "interaktionsaufrufe" },
	{ C_DATE, "date" }, { C_DATE, "дата" }, { C_DATE, "datum" },
	{ C_TIME, "time" }, { C_LINK, "video link" }, { C_POST_TIME, "post time" }, { C_TOTAL_VIEWS, "total views" },
	{ C_VIDEO_VIEWS, "video views" },
	{ C_META_POST_ID, "post id" }, { C_PERMALINK, "permalink" }, { C_IMPRESSIONS, "impressions" },
	{ C_USERNAME, "account username" }, { C_PAGE_NAME, "page name" }, { C_POST_TYPE, "post type" },
	{ C_PRIMARY, "primary" },
};

const char reach_layouts_known[] =
    "sava reads: its own generic CSV (platform,post_id,url,title,published_at,measured_on,views,period); "
    "YouTube Studio advanced mode exports (Table data.csv, Chart data.csv, Totals.csv); "
    "TikTok Studio Content.csv and Overview.csv; "
    "Meta Business Suite per-post exports (Instagram, Facebook) and its daily per-metric files.";

const char *
reach_layout_name(reach_layout_t l)
{
	static const char *const names[REACH_LAYOUTS] = {
		[REACH_LAYOUT_NONE] = "unknown",
		[REACH_GENERIC] = "sava generic CSV",
		[REACH_YT_TABLE] = "YouTube Studio Table data",
		[REACH_YT_CHART] = "YouTube Studio Chart data",
		[REACH_YT_TOTALS] = "YouTube Studio Totals",
		[REACH_TIKTOK_CONTENT] = "TikTok Studio Content",
		[REACH_TIKTOK_OVERVIEW] = "TikTok Studio Overview",
		[REACH_META_POSTS] = "Meta Business Suite posts",
		[REACH_META_DAILY] = "Meta Business Suite daily metric",
		[REACH_TELEGRAM_JSON] = "Telegram Desktop result.json",
	};
	return (unsigned)l < REACH_LAYOUTS ? names[l] : "unknown";
}

bool
reach_platform_ok(sv_t s)
{
	if (s.len == 0 || s.len > REACH_PLATFORM_MAX)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!((s.p[i] >= 'a' && s.p[i] <= 'z') || (s.p[i] >= '0' && s.p[i] <= '9')))
			return false;
	return true;
}

/* The state of one file's reading. */
typedef struct {
	const reach_opts_t *o;
	reach_row_fn fn;
	void *ctx;
	reach_result_t *r;
	int col[C_COLUMNS];        /* field index of each column, or -1 */
	size_t ncols;              /* fields in the header */
	sv_t metric;               /* META_DAILY: the metric line, folded */
	char metric_buf[REACH_NAME_FOLD_MAX];
	sv_t platform;
	uint32_t footnote;         /* YouTube: a short record seen at this line (0: none) */
	char url[REACH_URL_MAX + 1];   /* YouTube: the address made from the id */
	bool first_row;
} rd_t;

static sv_t
field(const rd_t *d, const csv_rec_t *rec, int col)
{
	int i = d->col[col];
	return i >= 0 && (size_t)i < rec->n ? rec->f[i] : SV("");
}

static reach_status_t
bad(rd_t *d, uint32_t line, const char *why)
{
	d->r->bad_line = line;
	d->r->why = why;
	return REACH_E_LINE;
}

/* Text that reaches a page or a terminal: clean UTF-8, no control character (not even
 * a tab or a line end), and nothing that reorders or hides text. */
static bool
shown_ok(sv_t s)
{
	if (!text_is_clean_utf8(s))
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c < 0x20 || c == 0x7f || (c >= 0xc2 && bidi_hidden_len(s.p + i, s.len - i)))
			return false;
		if (c == 0xc2 && i + 1 < s.len && (unsigned char)s.p[i + 1] < 0xa0)
			return false;   /* C1 controls, U+0080 to U+009F */
	}
	return true;
}

static reach_status_t
emit(rd_t *d, reach_row_t *row)
{
	if (d->o->latest > 0 && row->measured_day > d->o->latest)
		return bad(d, row->line, N_("the day counted is later than tomorrow"));
	if (!shown_ok(row->post_id) || !shown_ok(row->url) || !shown_ok(row->metric))
		return bad(d, row->line, N_("the post id, address or metric has a control or invisible character"));
	if (!shown_ok(row->channel))
		row->channel.len = 0;   /* never shown: left out, as a name too long is */
	if (row->post_id.len > REACH_ID_MAX)
		return bad(d, row->line, N_("the post id is too long"));
	if (row->url.len > REACH_URL_MAX)
		return bad(d, row->line, N_("the address is too long"));
	if (row->channel.len > REACH_CHANNEL_MAX)
		row->channel.len = 0;   /* a name too long to keep is left out, never cut */
	if (row->metric.len == 0 || row->metric.len > REACH_METRIC_MAX)
		return bad(d, row->line, N_("the metric's name is missing or too long"));
	d->r->counts++;
	return d->fn(d->ctx, row) == 0 ? REACH_OK : REACH_E_STOPPED;
}

/* A count field: REACH_OK with *have false when the platform wrote "no number". */
static reach_status_t
count_of(rd_t *d, sv_t s, bool may_miss, uint32_t line, uint64_t *v, bool *have)
{
	*have = false;
	if (may_miss && reach_count_missing(s))
		return REACH_OK;
	if (reach_count(sv_trim_ows(s), v) != 0)
		return bad(d, line, N_("the count is not a whole number"));
	*have = true;
	return REACH_OK;
}

/* ---- the layouts, row by row ---- */

static reach_status_t
row_generic(rd_t *d, const csv_rec_t *rec)
{
	reach_row_t row = { .line = rec->line, .posted_day = -1 };
	bool have;
	row.platform = sv_trim_ows(field(d, rec, C_PLATFORM));
	if (!reach_platform_ok(row.platform))
		return bad(d, rec->line, N_("the platform is not a name of a-z and 0-9"));
	row.post_id = sv_trim_ows(field(d, rec, C_POST_ID));
	if (row.post_id.len == 0)
		return bad(d, rec->line, N_("the post id is missing"));
	row.url = sv_trim_ows(field(d, rec, C_URL));
	row.channel = sv_trim_ows(field(d, rec, C_CHANNEL));
	sv_t pub = sv_trim_ows(field(d, rec, C_PUBLISHED));
	if (pub.len && (row.posted_day = reach_iso_day(pub, true)) < 0)
		return bad(d, rec->line, N_("published_at is not a date (YYYY-MM-DD)"));
	if ((row.measured_day = reach_iso_day(sv_trim_ows(field(d, rec, C_MEASURED)), false)) < 0)
		return bad(d, rec->line, N_("measured_on is not a date (YYYY-MM-DD)"));
	sv_t period = sv_trim_ows(field(d, rec, C_PERIOD));
	if (period.len == 0 || sv_eq_nocase(period, SV("lifetime")))
		row.period = REACH_LIFETIME;
	else if (sv_eq_nocase(period, SV("day")))
		row.period = REACH_DAY;
	else
		return bad(d, rec->line, N_("the period is neither lifetime nor day"));
	row.metric = sv_trim_ows(field(d, rec, C_METRIC));
	if (row.metric.len == 0)
		row.metric = SV("views");
	reach_status_t st = count_of(d, field(d, rec, C_VIEWS), false, rec->line, &row.count, &have);
	return st != REACH_OK ? st : emit(d, &row);
}

/* The words YouTube writes in the content column of its total row. */
static bool
yt_total_word(sv_t s)
{
	char f[REACH_NAME_FOLD_MAX];
	return reach_fold(s, f) && (strcmp(f, "total") == 0 || strcmp(f, "итого") == 0 || strcmp(f, "всего") == 0 ||
	                               strcmp(f, "gesamt") == 0 || strcmp(f, "insgesamt") == 0);
}

static reach_status_t
row_youtube(rd_t *d, const csv_rec_t *rec, reach_layout_t l)
{
	reach_row_t row = { .line = rec->line, .posted_day = -1, .platform = SV("youtube") };
	bool have;
	reach_status_t st;
	if (l == REACH_YT_TOTALS) {
		row.account = true;
		row.period = REACH_DAY;
	} else {
		/* an id that begins with '-' comes with a leading space */
		row.post_id = sv_trim_ows(field(d, rec, C_CONTENT));
		if (l == REACH_YT_TABLE && d->first_row && yt_total_word(row.post_id))
			return REACH_OK;   /* row 2: the total, not a video */
		if (row.post_id.len == 0)
			return bad(d, rec->line, N_("the video id is missing"));
		row.posted_day = reach_date(field(d, rec, C_PUBLISH_TIME));
		row.period = l == REACH_YT_TABLE ? REACH_LIFETIME : REACH_DAY;
	}
	d->r->rows++;
	if (l == REACH_YT_TABLE) {
		row.measured_day = d->o->today;
	} else if ((row.measured_day = reach_iso_day(sv_trim_ows(field(d, rec, C_DATE)), false)) < 0) {
		return bad(d, rec->line, N_("the date is not a date (YYYY-MM-DD)"));
	}
	if (row.post_id.len && row.post_id.len <= REACH_URL_MAX - 40) {
		/* the address every video has; shorts open there too */
		int k = snprintf(d->url, sizeof(d->url), "https://www.youtube.com/watch?v=%.*s", (int)row.post_id.len,
		    row.post_id.p);
		row.url = (sv_t){ d->url, k > 0 && (size_t)k < sizeof(d->url) ? (size_t)k : 0 };
	}
	row.metric = SV("views");
	if ((st = count_of(d, field(d, rec, C_VIEWS), true, rec->line, &row.count, &have)) != REACH_OK)
		return st;
	if (have && (st = emit(d, &row)) != REACH_OK)
		return st;
	if (d->col[C_ENGAGED] >= 0) {
		row.metric = SV("engaged views");
		if ((st = count_of(d, field(d, rec, C_ENGAGED), true, rec->line, &row.count, &have)) != REACH_OK)
			return st;
		if (have && (st = emit(d, &row)) != REACH_OK)
			return st;
	}
	return REACH_OK;
}

static reach_status_t
row_tiktok(rd_t *d, const csv_rec_t *rec, reach_layout_t l)
{
	reach_row_t row = { .line = rec->line, .posted_day = -1, .platform = SV("tiktok"), .metric = SV("views") };
	bool have;
	reach_status_t st;
	d->r->rows++;
	if (l == REACH_TIKTOK_OVERVIEW) {
		row.account = true;
		row.period = REACH_DAY;
		if ((row.measured_day = reach_date_noyear(field(d, rec, C_DATE), d->o->today)) < 0)
			return bad(d, rec->line, N_("the date is not a date"));
		st = count_of(d, field(d, rec, C_VIDEO_VIEWS), true, rec->line, &row.count, &have);
		return st != REACH_OK || !have ? st : emit(d, &row);
	}
	/* https://www.tiktok.com/@account/video/1234... */
	row.url = sv_trim_ows(field(d, rec, C_LINK));
	sv_t rest = row.url;
	const char *v = memmem(rest.p, rest.len, "/video/", 7);
	if (!v)
		return bad(d, rec->line, N_("the video link has no video id"));
	row.post_id = (sv_t){ v + 7, (size_t)(rest.p + rest.len - (v + 7)) };
	size_t k = 0;
	while (k < row.post_id.len && row.post_id.p[k] >= '0' && row.post_id.p[k] <= '9')
		k++;
	row.post_id.len = k;
	if (k == 0)
		return bad(d, rec->line, N_("the video link has no video id"));
	const char *at = memmem(rest.p, (size_t)(v - rest.p), "/@", 2);
	if (at)
		row.channel = (sv_t){ at + 2, (size_t)(v - (at + 2)) };
	row.period = REACH_LIFETIME;
	sv_t when = field(d, rec, C_TIME);
	row.measured_day = when.len ? reach_date_noyear(when, d->o->today) : d->o->today;
	if (row.measured_day < 0)
		return bad(d, rec->line, N_("the time is not a date"));
	row.posted_day = reach_date_noyear(field(d, rec, C_POST_TIME), row.measured_day);
	st = count_of(d, field(d, rec, C_TOTAL_VIEWS), true, rec->line, &row.count, &have);
	return st != REACH_OK || !have ? st : emit(d, &row);
}

static reach_status_t
row_meta(rd_t *d, const csv_rec_t *rec)
{
	reach_row_t row = { .line = rec->line, .posted_day = -1, .platform = d->platform };
	bool have;
	reach_status_t st;
	d->r->rows++;
	row.post_id = sv_trim_ows(field(d, rec, C_META_POST_ID));
	if (row.post_id.len == 0)
		return bad(d, rec->line, N_("the post id is missing"));
	row.url = sv_trim_ows(field(d, rec, C_PERMALINK));
	row.channel = sv_trim_ows(field(d, rec, d->col[C_USERNAME] >= 0 ? C_USERNAME : C_PAGE_NAME));
	row.posted_day = reach_date(field(d, rec, C_PUBLISH_TIME));
	sv_t date = sv_trim_ows(field(d, rec, C_DATE));
	if (date.len == 0 || sv_eq_nocase(date, SV("lifetime"))) {
		row.period = REACH_LIFETIME;
		row.measured_day = d->o->today;
	} else {
		row.period = REACH_DAY;
		if ((row.measured_day = reach_date(date)) < 0)
			return bad(d, rec->line, N_("the date is neither Lifetime nor a date"));
	}
	if (d->col[C_VIEWS] >= 0) {
		row.metric = SV("views");
		if ((st = count_of(d, field(d, rec, C_VIEWS), true, rec->line, &row.count, &have)) != REACH_OK)
			return st;
		if (have && (st = emit(d, &row)) != REACH_OK)
			return st;
	}
	if (d->col[C_IMPRESSIONS] >= 0) {
		row.metric = SV("impressions");
		if ((st = count_of(d, field(d, rec, C_IMPRESSIONS), true, rec->line, &row.count, &have)) != REACH_OK)
			return st;
		if (have && (st = emit(d, &row)) != REACH_OK)
			return st;
	}
	return REACH_OK;
}

static reach_status_t
row_meta_daily(rd_t *d, const csv_rec_t *rec)
{
	reach_row_t row = { .line = rec->line, .posted_day = -1, .platform = d->platform, .account = true,
		.period = REACH_DAY, .metric = d->metric };
	bool have;
	d->r->rows++;
	if ((row.measured_day = reach_date(field(d, rec, C_DATE))) < 0)
		return bad(d, rec->line, N_("the date is not a date"));
	reach_status_t st = count_of(d, field(d, rec, C_PRIMARY), true, rec->line, &row.count, &have);
	return st != REACH_OK || !have ? st : emit(d, &row);
}

/* ---- detection ---- */

static void
header_map(rd_t *d, const csv_rec_t *h)
{
	char f[REACH_NAME_FOLD_MAX];
	for (int c = 0; c < C_COLUMNS; c++)
		d->col[c] = -1;
	d->ncols = h->n;
	for (size_t i = 0; i < h->n; i++) {
		if (!reach_fold(h->f[i], f))
			continue;
		for (size_t k = 0; k < sizeof(reach_names) / sizeof(reach_names[0]); k++)
			if (strcmp(f, reach_names[k].name) == 0 && d->col[reach_names[k].col] < 0)
				d->col[reach_names[k].col] = (int)i;
	}
}

#define HAS(c) (d->col[(c)] >= 0)

static reach_layout_t
layout_of(rd_t *d)
{
	if (HAS(C_PLATFORM) && HAS(C_POST_ID) && HAS(C_VIEWS) && HAS(C_MEASURED))
		return REACH_GENERIC;
	if (HAS(C_CONTENT) && HAS(C_VIEWS))
		return HAS(C_DATE) ? REACH_YT_CHART : REACH_YT_TABLE;
	if (HAS(C_LINK) && HAS(C_TOTAL_VIEWS))
		return REACH_TIKTOK_CONTENT;
	if (HAS(C_DATE) && HAS(C_VIDEO_VIEWS))
		return REACH_TIKTOK_OVERVIEW;
	if (HAS(C_META_POST_ID) && HAS(C_PERMALINK) && (HAS(C_VIEWS) || HAS(C_IMPRESSIONS)))
		return REACH_META_POSTS;
	if (HAS(C_DATE) && HAS(C_PRIMARY) && d->ncols == 2)
		return REACH_META_DAILY;
	if (HAS(C_DATE) && HAS(C_VIEWS) && d->ncols <= 3)
		return REACH_YT_TOTALS;
	return REACH_LAYOUT_NONE;
}

/* Meta's platform: given, else from the columns or the first address. */
static bool
meta_platform(rd_t *d, sv_t first_url)
{
	if (d->o->platform && reach_platform_ok(sv_from_cstr(d->o->platform))) {
		d->platform = sv_from_cstr(d->o->platform);
		return true;
	}
	if (HAS(C_USERNAME) || memmem(first_url.p, first_url.len, "instagram.com", 13)) {
		d->platform = SV("instagram");
		return true;
	}
	if (HAS(C_PAGE_NAME) || memmem(first_url.p, first_url.len, "facebook.com", 12)) {
		d->platform = SV("facebook");
		return true;
	}
	return false;
}

static bool
looks_like_json(sv_t t)
{
	size_t i = 0;
	while (i < t.len && (t.p[i] == ' ' || t.p[i] == '\t' || t.p[i] == '\r' || t.p[i] == '\n'))
		i++;
	return i < t.len && (t.p[i] == '{' || t.p[i] == '[');
}

static reach_status_t
csv_fail(rd_t *d, csv_status_t cs, const csv_rec_t *rec)
{
	return bad(d, rec->line, cs == CSV_BAD_QUOTE ? N_("a quote is not closed, or a character follows a closing quote")
	                                             : N_("a field or a line is too long, or has too many fields"));
}

static reach_status_t
reach_read(rd_t *d, sv_t text, csv_rec_t *rec)
{
	csv_t c;
	csv_status_t cs;
	char sep = ',';
	reach_result_t *r = d->r;
	if (looks_like_json(text)) {
		r->layout = memmem(text.p, text.len, "\"messages\"", 10) ? REACH_TELEGRAM_JSON : REACH_LAYOUT_NONE;
		return r->layout == REACH_TELEGRAM_JSON ? REACH_E_TELEGRAM : REACH_E_UNKNOWN;
	}
	/* Excel's "sep=," line */
	if (text.len >= 5 && memcmp(text.p, "sep=", 4) == 0 && text.p[4] != '\n' && text.p[4] != '\r')
		sep = text.p[4];
	csv_init(&c, text.p, text.len, sep);
	if (text.len >= 5 && memcmp(text.p, "sep=", 4) == 0)
		(void)csv_next(&c, rec);
	/* the header: the first line that is not blank */
	do
		cs = csv_next(&c, rec);
	while (cs == CSV_RECORD && csv_blank(rec));
	if (cs == CSV_END)
		return REACH_E_EMPTY;
	if (cs < 0)
		return csv_fail(d, cs, rec);
	if (rec->n == 1) {
		/* Meta's daily file: a line naming the metric, then "Date","Primary" */
		char f[REACH_NAME_FOLD_MAX];
		if (!reach_fold(rec->f[0], f))
			return REACH_E_UNKNOWN;
		const char *m = f;
		if (strncmp(m, "instagram ", 10) == 0 && !d->o->platform) {
			d->platform = SV("instagram");
			m += 10;
		} else if (strncmp(m, "facebook ", 9) == 0 && !d->o->platform) {
			d->platform = SV("facebook");
			m += 9;
		}
		snprintf(d->metric_buf, sizeof(d->metric_buf), "%s", m);
		d->metric = sv_from_cstr(d->metric_buf);
		if ((cs = csv_next(&c, rec)) < 0)
			return csv_fail(d, cs, rec);
		if (cs == CSV_END)
			return REACH_E_UNKNOWN;
	}
	header_map(d, rec);
	r->layout = layout_of(d);
	if (r->layout == REACH_LAYOUT_NONE || (r->layout == REACH_META_DAILY && d->metric.len == 0))
		return REACH_E_UNKNOWN;
	if (r->layout == REACH_META_DAILY && d->platform.len == 0) {
		if (!d->o->platform || !reach_platform_ok(sv_from_cstr(d->o->platform)))
			return REACH_E_PLATFORM;
		d->platform = sv_from_cstr(d->o->platform);
	}
	d->first_row = true;
	bool any = false;
	for (;;) {
		cs = csv_next(&c, rec);
		if (cs == CSV_END)
			break;
		if (cs < 0)
			return csv_fail(d, cs, rec);
		if (csv_blank(rec))
			continue;
		if (rec->n < d->ncols && (r->layout == REACH_YT_TABLE || r->layout == REACH_YT_CHART)) {
			/* the footnote after YouTube's 500-row cap: only at the end */
			if (!d->footnote)
				d->footnote = rec->line;
			continue;
		}
		if (d->footnote)
			return bad(d, d->footnote, N_("this line has fewer fields than the header"));
		if (rec->n != d->ncols)
			return bad(d, rec->line, rec->n < d->ncols ? N_("this line has fewer fields than the header")
			                                           : N_("this line has more fields than the header"));
		if (r->rows >= REACH_ROWS_MAX)
			return REACH_E_SIZE;
		reach_status_t st;
		size_t before = r->rows;
		switch (r->layout) {
		case REACH_GENERIC:
			r->rows++;
			st = row_generic(d, rec);
			break;
		case REACH_YT_TABLE: case REACH_YT_CHART: case REACH_YT_TOTALS:
			st = row_youtube(d, rec, r->layout);
			break;
		case REACH_TIKTOK_CONTENT: case REACH_TIKTOK_OVERVIEW:
			st = row_tiktok(d, rec, r->layout);
			break;
		case REACH_META_POSTS:
			if (d->platform.len == 0 && !meta_platform(d, field(d, rec, C_PERMALINK)))
				return REACH_E_PLATFORM;
			st = row_meta(d, rec);
			break;
		default:
			st = row_meta_daily(d, rec);
			break;
		}
		if (st != REACH_OK)
			return st;
		any |= r->rows > before;
		d->first_row = false;
	}
	return any ? REACH_OK : REACH_E_EMPTY;
}

reach_status_t
reach_parse(const uint8_t *p, size_t n, const reach_opts_t *opts, reach_row_fn fn, void *ctx, reach_result_t *r)
{
	sv_t text;
	char *owned = NULL;
	memset(r, 0, sizeof(*r));
	if (n > REACH_FILE_MAX)
		return REACH_E_SIZE;
	int rc = reach_text_decode(p, n, &text, &owned, &r->bad_line);
	if (rc != 0)
		return rc == -2 ? REACH_E_MEMORY : REACH_E_ENCODING;
	csv_rec_t *rec = malloc(sizeof(*rec));
	if (!rec) {
		free(owned);
		return REACH_E_MEMORY;
	}
	rd_t d = { .o = opts, .fn = fn, .ctx = ctx, .r = r };
	reach_status_t st = reach_read(&d, text, rec);
	free(rec);
	free(owned);
	return st;
}
