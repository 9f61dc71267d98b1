/* charts: the campaign dashboard's charts as inline SVG, drawn on the server (no
 * JavaScript, nothing loaded): a fixed viewBox that scales to the width of a phone and
 * prints in black and white (the goal line is dashed, bars carry their values). Every
 * text inside is escaped; the caller emits the result with tvars_set_html. Each chart is
 * shown next to a table with the same numbers. */
#ifndef SAVA_CHARTS_H
#define SAVA_CHARTS_H

#include <stdint.h>

#include "core/buf.h"

#define CHART_SERIES_MAX 24

/* A number as a short label: 950, 12.3k, 4.5M, 1.2B. */
void chart_compact(uint64_t n, char out[16]);

/* Cumulative views week by week (x: the weeks' first days, y: views) against the goal:
 * a dashed horizontal line at goal, and, when by >= 0, a dotted line of the pace from
 * zero at the first week to goal on day by. title: the accessible name (plain text). */
int chart_cumulative(buf_t *out, const char *title, const int64_t *days, const int64_t *cumulative, size_t n,
    uint64_t goal, int64_t by) WUR;

/* Stacked bars, one per week, one colour per series (legend below). gained[w][s]. */
int chart_weekly(buf_t *out, const char *title, const int64_t *days, size_t nweeks, const char *const *series,
    size_t nseries, const int64_t (*gained)[CHART_SERIES_MAX]) WUR;

/* Horizontal bars with their labels and values, largest first as given. */
int chart_bars(buf_t *out, const char *title, const char *const *labels, const uint64_t *values, size_t n) WUR;

#endif
