/* Fuzz target for parse/reach (and its CSV reader): any bytes, with and without a
 * platform given. Whatever it hands out keeps the limits of reach.h: a platform name of
 * a-z and 0-9, ids, addresses and metric names within their bounds, a count no larger
 * than REACH_COUNT_MAX, a period that is lifetime or day; an error names a line. */
#include <stdint.h>
#include <string.h>

#include "parse/reach.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check_row(void *ctx, const reach_row_t *r)
{
	size_t *n = ctx;
	if (!reach_platform_ok(r->platform) || r->post_id.len > REACH_ID_MAX || r->url.len > REACH_URL_MAX ||
	    r->channel.len > REACH_CHANNEL_MAX || r->metric.len == 0 || r->metric.len > REACH_METRIC_MAX ||
	    r->count > REACH_COUNT_MAX || (r->period != REACH_LIFETIME && r->period != REACH_DAY) ||
	    r->measured_day < 0 || r->line == 0 || (!r->account && r->post_id.len == 0))
		__builtin_trap();
	/* every byte is readable */
	volatile char sink = 0;
	for (size_t i = 0; i < r->post_id.len; i++)
		sink ^= r->post_id.p[i];
	for (size_t i = 0; i < r->url.len; i++)
		sink ^= r->url.p[i];
	(void)sink;
	(*n)++;
	return *n > 100000;   /* stop a huge file early: STOPPED is an answer too */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reach_result_t r;
	for (int i = 0; i < 2; i++) {
		size_t n = 0;
		reach_opts_t o = { .today = 20362, .platform = i ? "facebook" : NULL, .latest = i ? 20363 : 0 };
		reach_status_t st = reach_parse(data, size, &o, check_row, &n, &r);
		if (st == REACH_E_LINE && (r.bad_line == 0 || !r.why))
			__builtin_trap();
		if (st == REACH_OK && (r.rows == 0 || r.counts != n))
			__builtin_trap();
		if ((unsigned)r.layout >= REACH_LAYOUTS || !reach_layout_name(r.layout))
			__builtin_trap();
	}
	return 0;
}
