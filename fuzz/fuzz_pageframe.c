/* Fuzz target for parse/pageframe: the pages it hands on add up to the lengths it
 * announced, each within its bounds, and a stream it accepts ends between pages. */
#include <stdint.h>
#include <string.h>

#include "parse/pageframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tally {
	uint32_t len, got;
	unsigned pages;
	int open;
};

static int
t_begin(void *ctx, uint32_t len)
{
	struct tally *t = ctx;
	if (t->open || len == 0 || len > PAGEFRAME_PAGE_MAX)
		__builtin_trap();
	t->open = 1;
	t->len = len;
	t->got = 0;
	return 0;
}

static int
t_data(void *ctx, const uint8_t *p, size_t n)
{
	struct tally *t = ctx;
	(void)p;
	if (!t->open || n == 0 || t->got + n > t->len)
		__builtin_trap();
	t->got += (uint32_t)n;
	return 0;
}

static int
t_end(void *ctx)
{
	struct tally *t = ctx;
	if (!t->open || t->got != t->len)
		__builtin_trap();
	t->open = 0;
	t->pages++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* whole, and in chunks of 3: the same answer */
	int first = 0;
	for (size_t step = size ? size : 1, pass = 0; pass < 2; pass++, step = 3) {
		struct tally t = { 0 };
		pageframe_sink_t sink = { t_begin, t_data, t_end, &t };
		pageframe_t f;
		pageframe_init(&f);
		int rc = 0;
		for (size_t off = 0; off < size && rc == 0; off += step)
			rc = pageframe_feed(&f, &sink, data + off, size - off < step ? size - off : step);
		if (rc == 0)
			rc = pageframe_end(&f);
		if (rc == 0 && (t.open || t.pages == 0 || t.pages > PAGEFRAME_PAGES_MAX))
			__builtin_trap();
		if (pass == 0)
			first = rc;
		else if (rc != first)
			__builtin_trap();
	}
	return 0;
}
