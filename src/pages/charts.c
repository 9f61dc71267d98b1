/* charts: SVG charts for the campaign dashboard (charts.h). Drawn in a 360-unit-wide
 * viewBox, the width of a small phone, so text stays readable there and scales up on a
 * wide screen; colours are backed by dashes and by the tables beside each chart, so a
 * black-and-white print still reads. */
#include "pages/charts.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "parse/reach.h"

#define W       360
#define LEFT    46
#define RIGHT   10
#define TOP     14
#define PH      170     /* plot height */
#define PW      (W - LEFT - RIGHT)

static const char *const palette[] = { "#1d70b8", "#d4351c", "#00703c", "#6f3c97", "#b58840", "#28a197",
	"#912b88", "#505a5f" };

void
chart_compact(uint64_t n, char out[16])
{
	static const struct {
		uint64_t unit;
		const char *suffix;
	} units[] = { { 1000000000ull, "B" }, { 1000000ull, "M" }, { 1000ull, "k" } };
	for (size_t i = 0; i < 3; i++) {
		if (n >= units[i].unit) {
			uint64_t tenths = (n * 10 + units[i].unit / 2) / units[i].unit;
			if (tenths >= 100)
				snprintf_cut(out, 16, "%" PRIu64 "%s", (tenths + 5) / 10, units[i].suffix);
			else
				snprintf_cut(out, 16, "%" PRIu64 ".%" PRIu64 "%s", tenths / 10, tenths % 10, units[i].suffix);
			return;
		}
	}
	snprintf_cut(out, 16, "%" PRIu64, n);
}

static void
day_label(int64_t day, char out[16])
{
	int y, m, d;
	reach_civil(day, &y, &m, &d);
	snprintf_cut(out, 16, "%04d-%02d-%02d", y, m, d);
}

/* The opening tag with its accessible name. */
static int
svg_open(buf_t *out, const char *title, int height)
{
	if (buf_appendf(out,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" class=\"chart\" "
	        "font-family=\"sans-serif\" font-size=\"11\"><title>",
	        W, height) != 0 ||
	    buf_append_html(out, sv_from_cstr(title)) != 0 || buf_append_cstr(out, "</title>") != 0)
		return -1;
	return 0;
}

/* Horizontal grid lines with their values, at quarters of max. */
static int
grid(buf_t *out, uint64_t max)
{
	char label[16];
	for (int i = 0; i <= 4; i++) {
		int y = TOP + PH - PH * i / 4;
		chart_compact(max * (uint64_t)i / 4, label);
		if (buf_appendf(out,
		        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#b1b4b6\" stroke-width=\"0.5\"/>"
		        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#0b0c0c\">%s</text>",
		        LEFT, y, W - RIGHT, y, LEFT - 4, y + 4, label) != 0)
			return -1;
	}
	return 0;
}

static double
scale_y(uint64_t v, uint64_t max)
{
	return TOP + PH - (double)PH * (double)v / (double)max;
}

int
chart_cumulative(buf_t *out, const char *title, const int64_t *days, const int64_t *cumulative, size_t n,
    uint64_t goal, int64_t by)
{
	char a[16], b[16], g[16];
	uint64_t max = goal;
	for (size_t i = 0; i < n; i++)
		if (cumulative[i] > 0 && (uint64_t)cumulative[i] > max)
			max = (uint64_t)cumulative[i];
	if (max == 0)
		max = 1;
	int64_t d0 = n ? days[0] : 0, d1 = n ? days[n - 1] + 7 : 7;
	if (by > d1)
		d1 = by;
	if (d1 <= d0)
		d1 = d0 + 7;
	double span = (double)(d1 - d0);
	if (svg_open(out, title, TOP + PH + 30) != 0 || grid(out, max) != 0)
		return -1;
	chart_compact(goal, g);
	double gy = scale_y(goal, max);
	if (buf_appendf(out,
	        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d4351c\" stroke-width=\"1.5\" "
	        "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#d4351c\">%s</text>",
	        LEFT, gy, W - RIGHT, gy, W - RIGHT, gy - 4, g) != 0)
		return -1;
	if (by >= 0 && n) {
		double bx = LEFT + PW * (double)(by - d0) / span;
		if (buf_appendf(out,
		        "<line x1=\"%d\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#505a5f\" stroke-width=\"1\" "
		        "stroke-dasharray=\"2 3\"/>",
		        LEFT, TOP + PH, bx, gy) != 0)
			return -1;
	}
	if (n) {
		if (buf_appendf(out, "<polyline fill=\"none\" stroke=\"#1d70b8\" stroke-width=\"2.5\" points=\"%d,%d", LEFT,
		        TOP + PH) != 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			double x = LEFT + PW * (double)(days[i] + 7 - d0) / span;
			if (buf_appendf(out, " %.1f,%.1f", x, scale_y(cumulative[i] > 0 ? (uint64_t)cumulative[i] : 0, max)) != 0)
				return -1;
		}
		if (buf_append_cstr(out, "\"/>") != 0)
			return -1;
	}
	day_label(d0, a);
	day_label(d1, b);
	if (buf_appendf(out,
	        "<text x=\"%d\" y=\"%d\" fill=\"#0b0c0c\">%s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
	        "fill=\"#0b0c0c\">%s</text></svg>",
	        LEFT, TOP + PH + 18, a, W - RIGHT, TOP + PH + 18, b) != 0)
		return -1;
	return 0;
}

int
chart_weekly(buf_t *out, const char *title, const int64_t *days, size_t nweeks, const char *const *series,
    size_t nseries, const int64_t (*gained)[CHART_SERIES_MAX])
{
	char a[16], b[16];
	uint64_t max = 1;
	if (nseries > CHART_SERIES_MAX)
		nseries = CHART_SERIES_MAX;
	for (size_t w = 0; w < nweeks; w++) {
		uint64_t sum = 0;
		for (size_t s = 0; s < nseries; s++)
			sum += gained[w][s] > 0 ? (uint64_t)gained[w][s] : 0;
		if (sum > max)
			max = sum;
	}
	int legend_rows = (int)((nseries + 2) / 3);
	if (svg_open(out, title, TOP + PH + 34 + 16 * legend_rows) != 0 || grid(out, max) != 0)
		return -1;
	double bw = nweeks ? (double)PW / (double)nweeks : PW;
	for (size_t w = 0; w < nweeks; w++) {
		uint64_t base = 0;
		for (size_t s = 0; s < nseries; s++) {
			if (gained[w][s] <= 0)
				continue;
			uint64_t v = (uint64_t)gained[w][s];
			double y1 = scale_y(base + v, max), y0 = scale_y(base, max);
			if (buf_appendf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
			        LEFT + bw * (double)w + 0.5, y1, bw > 2 ? bw - 1 : bw, y0 - y1,
			        palette[s % (sizeof(palette) / sizeof(palette[0]))]) != 0)
				return -1;
			base += v;
		}
	}
	day_label(nweeks ? days[0] : 0, a);
	day_label(nweeks ? days[nweeks - 1] : 0, b);
	if (buf_appendf(out,
	        "<text x=\"%d\" y=\"%d\" fill=\"#0b0c0c\">%s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
	        "fill=\"#0b0c0c\">%s</text>",
	        LEFT, TOP + PH + 16, a, W - RIGHT, TOP + PH + 16, b) != 0)
		return -1;
	for (size_t s = 0; s < nseries; s++) {
		int x = 10 + (int)(s % 3) * 116, y = TOP + PH + 30 + 16 * (int)(s / 3);
		if (buf_appendf(out, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" "
		                     "fill=\"#0b0c0c\">",
		        x, y - 9, palette[s % (sizeof(palette) / sizeof(palette[0]))], x + 14, y) != 0 ||
		    buf_append_html(out, sv_from_cstr(series[s])) != 0 || buf_append_cstr(out, "</text>") != 0)
			return -1;
	}
	return buf_append_cstr(out, "</svg>");
}

/* At most max characters of s (whole UTF-8 sequences), with "…" when cut. */
static sv_t
label_cut(const char *s, size_t max, bool *cut)
{
	size_t i = 0, chars = 0, len = strlen(s);
	while (i < len && chars < max) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	*cut = i < len;
	return (sv_t){ s, i };
}

int
chart_bars(buf_t *out, const char *title, const char *const *labels, const uint64_t *values, size_t n)
{
	char v[16];
	uint64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	if (svg_open(out, title, 10 + 36 * (int)(n ? n : 1)) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		bool cut;
		int y = 8 + 36 * (int)i;
		double w = (double)(W - 70) * (double)values[i] / (double)max;
		chart_compact(values[i], v);
		if (buf_appendf(out, "<text x=\"4\" y=\"%d\" fill=\"#0b0c0c\">", y + 10) != 0 ||
		    buf_append_html(out, label_cut(labels[i], 48, &cut)) != 0 ||
		    buf_append_cstr(out, cut ? "…</text>" : "</text>") != 0 ||
		    buf_appendf(out,
		        "<rect x=\"4\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\" "
		        "fill=\"#0b0c0c\">%s</text>",
		        y + 14, w < 1 ? 1 : w, palette[0], (w < 1 ? 1 : w) + 8, y + 25, v) != 0)
			return -1;
	}
	return buf_append_cstr(out, "</svg>");
}
