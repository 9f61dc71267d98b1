/* pageframe: a cleaning job's page stream (pageframe.h): "LEN\n" and LEN bytes, again
 * and again. Every length is bounded, a line holds digits only (no sign, no space, no
 * leading zero), and a page that is cut short, or bytes after the last page, fail. */
#include "parse/pageframe.h"

#include <string.h>

enum { PF_LEN = 0, PF_DATA, PF_FAILED };

static int
pageframe_fail(pageframe_t *f, const char *why)
{
	f->pf_failed = true;
	f->pf_state = PF_FAILED;
	if (!f->pf_why)
		f->pf_why = why;
	return -1;
}

void
pageframe_init(pageframe_t *f)
{
	memset(f, 0, sizeof(*f));
}

int
pageframe_feed(pageframe_t *f, const pageframe_sink_t *sink, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && !f->pf_failed) {
		if (f->pf_state == PF_LEN) {
			uint8_t c = p[i++];
			if (c == '\n') {
				if (f->pf_digits == 0 || f->pf_len == 0)
					return pageframe_fail(f, "an empty page length");
				if (++f->pf_pages > PAGEFRAME_PAGES_MAX)
					return pageframe_fail(f, "too many pages");
				if (sink->pf_begin(sink->pf_ctx, f->pf_len) != 0)
					return pageframe_fail(f, "the page was refused");
				f->pf_left = f->pf_len;
				f->pf_state = PF_DATA;
				continue;
			}
			if (c < '0' || c > '9' || (f->pf_digits == 1 && f->pf_len == 0) ||
			    ++f->pf_digits > PAGEFRAME_DIGITS_MAX)
				return pageframe_fail(f, "a malformed page length");
			f->pf_len = f->pf_len * 10 + (uint32_t)(c - '0');
			if (f->pf_len > PAGEFRAME_PAGE_MAX)
				return pageframe_fail(f, "a page too large");
		} else {
			size_t k = n - i < f->pf_left ? n - i : f->pf_left;
			if (sink->pf_data(sink->pf_ctx, p + i, k) != 0)
				return pageframe_fail(f, "the page was refused");
			i += k;
			f->pf_left -= (uint32_t)k;
			if (f->pf_left == 0) {
				if (sink->pf_end(sink->pf_ctx) != 0)
					return pageframe_fail(f, "the page was refused");
				f->pf_state = PF_LEN;
				f->pf_len = 0;
				f->pf_digits = 0;
			}
		}
	}
	return f->pf_failed ? -1 : 0;
}

int
pageframe_end(pageframe_t *f)
{
	if (f->pf_failed)
		return -1;
	if (f->pf_state != PF_LEN || f->pf_digits != 0)
		return pageframe_fail(f, "the last page is cut short");
	if (f->pf_pages == 0)
		return pageframe_fail(f, "no page");
	return 0;
}
