/* Unit tests of parse/reach: every sample export (tests/data/reach, the platforms' layouts
 * with invented numbers) is recognized from its bytes and gives the right totals; bad
 * lines are named; the CSV reader's edges; dates, folding, encodings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parse/reach.h"
#include "parse/reach_csv.h"
#include "parse/reach_text.h"

#define TODAY 20362   /* 2025-10-02 */

typedef struct {
	uint64_t lifetime_views, day_views, other, account_views;
	size_t n;
	char first_id[64], first_platform[16], first_channel[64];
	int64_t first_posted, first_measured;
	char ids[8][64];
} sum_t;

static int
collect(void *ctx, const reach_row_t *r)
{
	sum_t *s = ctx;
	if (s->n == 0) {
		snprintf(s->first_id, sizeof(s->first_id), "%.*s", (int)r->post_id.len, r->post_id.p);
		snprintf(s->first_platform, sizeof(s->first_platform), "%.*s", (int)r->platform.len, r->platform.p);
		snprintf(s->first_channel, sizeof(s->first_channel), "%.*s", (int)r->channel.len, r->channel.p);
		s->first_posted = r->posted_day;
		s->first_measured = r->measured_day;
	}
	if (s->n < 8)
		snprintf(s->ids[s->n], sizeof(s->ids[0]), "%.*s", (int)r->post_id.len, r->post_id.p);
	s->n++;
	if (!sv_eq(r->metric, SV("views")))
		s->other += r->count;
	else if (r->account)
		s->account_views += r->count;
	else if (r->period == REACH_LIFETIME)
		s->lifetime_views += r->count;
	else
		s->day_views += r->count;
	return 0;
}

static uint8_t *
slurp(const char *name, size_t *n)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/data/reach/%s", name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		*n = 0;
		return calloc(1, 1);
	}
	uint8_t *p = malloc(64 * 1024 * 1024);
	*n = fread(p, 1, 64 * 1024 * 1024, f);
	fclose(f);
	return p;
}

static reach_status_t
parse_file(const char *name, const char *platform, sum_t *s, reach_result_t *r)
{
	size_t n;
	uint8_t *p = slurp(name, &n);
	reach_opts_t o = { .today = TODAY, .platform = platform };
	memset(s, 0, sizeof(*s));
	reach_status_t st = reach_parse(p, n, &o, collect, s, r);
	free(p);
	return st;
}

static reach_status_t
parse_text(const char *text, sum_t *s, reach_result_t *r)
{
	reach_opts_t o = { .today = TODAY };
	memset(s, 0, sizeof(*s));
	return reach_parse((const uint8_t *)text, strlen(text), &o, collect, s, r);
}

static void
test_samples(void)
{
	sum_t s;
	reach_result_t r;
	CHECK(parse_file("generic_views.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_GENERIC && r.rows == 3 && s.lifetime_views == 17191);
	CHECK(strcmp(s.first_id, "aB3dEfGh1jK") == 0 && strcmp(s.first_platform, "youtube") == 0);
	CHECK(s.first_posted == reach_days(2025, 9, 3) && s.first_measured == reach_days(2025, 10, 1));
	CHECK(strcmp(s.ids[2], "-123456_789") == 0);

	CHECK(parse_file("youtube_en_Table data.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_YT_TABLE && r.rows == 3 && s.lifetime_views == 15230);
	CHECK(s.other == 6010 + 3150 + 710);   /* engaged views, kept under their own name */
	CHECK(strcmp(s.ids[2], "-x9QwErTy12") == 0);   /* the leading space is gone */
	CHECK(s.first_measured == TODAY && s.first_posted == reach_days(2025, 9, 3));

	CHECK(parse_file("youtube_en_Chart data.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_YT_CHART && r.rows == 3 && s.day_views == 310 + 1450 + 2020 && s.lifetime_views == 0);
	CHECK(strcmp(s.ids[1], "-x9QwErTy12") == 0 && s.first_measured == reach_days(2025, 9, 10));

	CHECK(parse_file("tiktok_Content.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_TIKTOK_CONTENT && r.rows == 3 && s.lifetime_views == 29482);
	CHECK(strcmp(s.first_id, "7551234567890123456") == 0 && strcmp(s.first_channel, "ourfund") == 0);
	CHECK(s.first_measured == reach_days(2025, 10, 1) && s.first_posted == reach_days(2025, 9, 28));

	CHECK(parse_file("instagram_posts.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_META_POSTS && r.rows == 3 && s.lifetime_views == 25830);
	CHECK(strcmp(s.first_platform, "instagram") == 0 && strcmp(s.first_channel, "ourfund") == 0);
	CHECK(s.first_posted == reach_days(2025, 9, 28) && s.first_measured == TODAY);

	CHECK(parse_file("telegram_result.json", NULL, &s, &r) == REACH_E_TELEGRAM && s.n == 0);
	CHECK(r.layout == REACH_TELEGRAM_JSON);
}

static void
test_more_layouts(void)
{
	sum_t s;
	reach_result_t r;
	CHECK(parse_file("youtube_ru_Table data.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_YT_TABLE && r.rows == 2 && s.lifetime_views == 5400 && s.other == 3000);
	CHECK(s.first_posted == reach_days(2025, 9, 3));

	CHECK(parse_file("youtube_de_Chart data.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_YT_CHART && s.day_views == 350 && s.first_posted == reach_days(2025, 9, 3));

	CHECK(parse_file("youtube_en_Totals.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_YT_TOTALS && s.account_views == 3780 && s.first_id[0] == '\0');

	CHECK(parse_file("youtube_en_Table data capped.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.rows == 500 && s.lifetime_views == 125250);

	CHECK(parse_file("tiktok_Overview.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_TIKTOK_OVERVIEW && r.rows == 3 && s.n == 2 && s.account_views == 4300);

	CHECK(parse_file("facebook_posts.csv", NULL, &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_META_POSTS && strcmp(s.first_platform, "facebook") == 0 && s.lifetime_views == 4800);

	/* UTF-16LE with BOM, sep=, a metric line: the platform must be given */
	CHECK(parse_file("meta_daily_views.csv", NULL, &s, &r) == REACH_E_PLATFORM);
	CHECK(parse_file("meta_daily_views.csv", "instagram", &s, &r) == REACH_OK);
	CHECK(r.layout == REACH_META_DAILY && r.rows == 3 && s.account_views == 5600);
	CHECK(strcmp(s.first_platform, "instagram") == 0 && s.first_measured == reach_days(2025, 9, 28));
}

static void
test_bad_lines(void)
{
	sum_t s;
	reach_result_t r;
	const char *head = "platform,post_id,url,title,published_at,measured_on,views,period\n";
	char buf[1024];
	snprintf(buf, sizeof(buf), "%syoutube,a,,t,,2025-10-01,5,lifetime\nyoutube,b,,t,,2025-10-01,many,lifetime\n", head);
	CHECK(parse_text(buf, &s, &r) == REACH_E_LINE && r.bad_line == 3 && strstr(r.why, "whole number"));
	snprintf(buf, sizeof(buf), "%s\nyoutube,a,,\"t\nx\",,2025-10-01,5,lifetime\nyoutube,b,,t,,2025-13-01,5,day\n", head);
	CHECK(parse_text(buf, &s, &r) == REACH_E_LINE && r.bad_line == 5);   /* a quoted line end counts */
	snprintf(buf, sizeof(buf), "%sYouTube,a,,t,,2025-10-01,5,lifetime\n", head);
	CHECK(parse_text(buf, &s, &r) == REACH_E_LINE && r.bad_line == 2);
	snprintf(buf, sizeof(buf), "%syoutube,a,,t,,2025-10-01,5,weekly\n", head);
	CHECK(parse_text(buf, &s, &r) == REACH_E_LINE && r.bad_line == 2);
	snprintf(buf, sizeof(buf), "%syoutube,a,,\"t\"x,,2025-10-01,5,day\n", head);
	CHECK(parse_text(buf, &s, &r) == REACH_E_LINE && r.bad_line == 2 && strstr(r.why, "quote"));
	snprintf(buf, sizeof(buf), "%syoutube,a,,t,,2025-10-01,5\n", head);
	CHECK(parse_text(buf, &s, &r) == REACH_E_LINE && r.bad_line == 2 && strstr(r.why, "fewer"));
	CHECK(parse_text(head, &s, &r) == REACH_E_EMPTY);
	CHECK(parse_text("", &s, &r) == REACH_E_EMPTY);
	CHECK(parse_text("name,age\nx,1\n", &s, &r) == REACH_E_UNKNOWN);
	CHECK(parse_text("{\"a\": 1}", &s, &r) == REACH_E_UNKNOWN);
	/* YouTube: a short line is a footnote only at the end */
	CHECK(parse_text("Content,Views\nabc,5\nnote\ndef,6\n", &s, &r) == REACH_E_LINE && r.bad_line == 3);
	/* not UTF-8: the line of the first bad byte */
	CHECK(parse_text("Content,Views\nabc,5\n\xff\xfe\xfd,6\n", &s, &r) == REACH_E_ENCODING && r.bad_line == 3);
	/* a UTF-16 file with a lone surrogate */
	uint8_t u16[] = { 0xff, 0xfe, 'a', 0, 0x00, 0xdc };
	reach_opts_t o = { .today = TODAY };
	CHECK(reach_parse(u16, sizeof(u16), &o, collect, &s, &r) == REACH_E_ENCODING);
	/* a quote never closed */
	snprintf(buf, sizeof(buf), "%syoutube,a,,\"t,,2025-10-01,5,day\n", head);
	CHECK(parse_text(buf, &s, &r) == REACH_E_LINE && r.bad_line == 2);
}

static void
test_csv(void)
{
	csv_t c;
	static csv_rec_t rec;
	const char *t = "a,\"b,\"\"c\"\"\",5\" screen\r\n\r\nlast";
	csv_init(&c, t, strlen(t), ',');
	CHECK(csv_next(&c, &rec) == CSV_RECORD && rec.n == 3);
	CHECK_SV(rec.f[1], "b,\"c\"");
	CHECK_SV(rec.f[2], "5\" screen");
	CHECK(csv_next(&c, &rec) == CSV_RECORD && csv_blank(&rec) && rec.line == 2);
	CHECK(csv_next(&c, &rec) == CSV_RECORD && rec.n == 1 && rec.line == 3);
	CHECK_SV(rec.f[0], "last");
	CHECK(csv_next(&c, &rec) == CSV_END);
	/* too many fields, too long a field */
	static char big[REACH_FIELD_MAX + 10];
	memset(big, 'x', sizeof(big) - 1);
	csv_init(&c, big, sizeof(big) - 1, ',');
	CHECK(csv_next(&c, &rec) == CSV_TOO_LONG);
	char many[REACH_FIELDS_MAX * 2 + 4];
	memset(many, ',', sizeof(many) - 1);
	csv_init(&c, many, sizeof(many) - 1, ',');
	CHECK(csv_next(&c, &rec) == CSV_TOO_LONG);
}

static void
test_text(void)
{
	char f[REACH_NAME_FOLD_MAX];
	CHECK(reach_fold(SV("Прос\xc2\xadмотры"), f) && strcmp(f, "просмотры") == 0);
	CHECK(reach_fold(SV("  \"Video  Title\" "), f) && strcmp(f, "video title") == 0);
	CHECK(reach_fold(SV("VERÖFFENTLICHUNG"), f) && strcmp(f, "veröffentlichung") == 0);
	CHECK(reach_fold(SV("ЁЖ"), f) && strcmp(f, "ёж") == 0);
	CHECK(reach_date(SV("Sep 3, 2025")) == reach_days(2025, 9, 3));
	CHECK(reach_date(SV("3 сент. 2025 г.")) == reach_days(2025, 9, 3));
	CHECK(reach_date(SV("03.09.2025")) == reach_days(2025, 9, 3));
	CHECK(reach_date(SV("3. Sept. 2025")) == reach_days(2025, 9, 3));
	CHECK(reach_date(SV("09/28/2025 18:05")) == reach_days(2025, 9, 28));
	CHECK(reach_date(SV("2025-09-10T12:30:00+03:00")) == reach_days(2025, 9, 10));
	CHECK(reach_date(SV("2025-02-29")) == -1 && reach_date(SV("Smarch 3, 2025")) == -1);
	CHECK(reach_date_noyear(SV("December 30"), reach_days(2026, 1, 2)) == reach_days(2025, 12, 30));
	CHECK(reach_date_noyear(SV("January 2"), reach_days(2026, 1, 2)) == reach_days(2026, 1, 2));
	CHECK(reach_days(1970, 1, 1) == 0 && reach_days(2000, 3, 1) == 11017);
	int y, m, d;
	reach_civil(reach_days(2024, 2, 29), &y, &m, &d);
	CHECK(y == 2024 && m == 2 && d == 29);
	CHECK(reach_iso_day(SV("2025-10-01"), false) == reach_days(2025, 10, 1));
	CHECK(reach_iso_day(SV("2025-10-01x"), false) == -1);
	uint64_t v;
	CHECK(reach_count(SV("100000000001"), &v) != 0 && reach_count(SV("12"), &v) == 0 && v == 12);
	CHECK(reach_count_missing(SV("undefined")) && !reach_count_missing(SV("0")));
	CHECK(reach_platform_ok(SV("vk")) && !reach_platform_ok(SV("V K")) && !reach_platform_ok(SV("")));
}

/* The review's checks: a day after opts.latest, and a control, bidi or hidden character
 * in what is shown (id, address, metric), refuse the line; a channel with one is left out. */
static void
test_refused_text_and_days(void)
{
	sum_t s;
	reach_result_t r;
	reach_opts_t o = { .today = TODAY, .latest = TODAY + 1 };
	const char *h = "platform,post_id,url,measured_on,views\n";
	char text[512];
	snprintf(text, sizeof(text), "%svk,1,,2025-10-02,5\nvk,2,,2025-10-03,5\n", h);
	memset(&s, 0, sizeof(s));
	CHECK(reach_parse((const uint8_t *)text, strlen(text), &o, collect, &s, &r) == REACH_E_LINE && r.bad_line == 3);
	CHECK(strstr(r.why, "later than tomorrow") != NULL);
	o.latest = 0;   /* no bound asked */
	memset(&s, 0, sizeof(s));
	CHECK(reach_parse((const uint8_t *)text, strlen(text), &o, collect, &s, &r) == REACH_OK);
	static const char *const bad[] = {
		"vk,a\xE2\x80\xAE" "b,,2025-10-01,5\n",          /* U+202E in the id */
		"vk,1,https://vk.com/\xE2\x81\xA6x,2025-10-01,5\n",   /* U+2066 in the address */
		"vk,a\xE2\x80\x8B" "b,,2025-10-01,5\n",          /* U+200B, zero width */
		"vk,a\xC2\x85" "b,,2025-10-01,5\n",               /* U+0085, a C1 control */
		"vk,\"a\tb\",,2025-10-01,5\n",                  /* a tab */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", h, bad[i]);
		memset(&s, 0, sizeof(s));
		CHECK(reach_parse((const uint8_t *)text, strlen(text), &o, collect, &s, &r) == REACH_E_LINE && r.bad_line == 2);
	}
	/* Cyrillic and emoji are text, not controls */
	snprintf(text, sizeof(text), "%svk,\xD0\xB6\xF0\x9F\xA7\xA3,,2025-10-01,5\n", h);
	memset(&s, 0, sizeof(s));
	CHECK(reach_parse((const uint8_t *)text, strlen(text), &o, collect, &s, &r) == REACH_OK);
}

int
main(void)
{
	test_samples();
	test_refused_text_and_days();
	test_more_layouts();
	test_bad_lines();
	test_csv();
	test_text();
	return check_done("reach_parse");
}
