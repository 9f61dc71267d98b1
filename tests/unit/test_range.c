/* Unit tests for parse/range: the one byte range a player asks for, resolved against the
 * body's size, and everything that is answered with the whole body instead. */
#include "check.h"
#include "parse/range.h"

static range_t
parse(const char *s, uint64_t size, uint64_t *a, uint64_t *b)
{
	*a = *b = 777;
	return range_parse(sv_from_cstr(s), size, a, b);
}

int
main(void)
{
	uint64_t a, b;
	CHECK(parse("bytes=0-99", 1000, &a, &b) == RANGE_ONE && a == 0 && b == 99);
	CHECK(parse("bytes=100-", 1000, &a, &b) == RANGE_ONE && a == 100 && b == 999);
	CHECK(parse("bytes=-10", 1000, &a, &b) == RANGE_ONE && a == 990 && b == 999);
	CHECK(parse("bytes=-5000", 1000, &a, &b) == RANGE_ONE && a == 0 && b == 999);    /* more than all */
	CHECK(parse("bytes=900-5000", 1000, &a, &b) == RANGE_ONE && a == 900 && b == 999); /* cut at the end */
	CHECK(parse("Bytes = 5-5", 1000, &a, &b) == RANGE_ONE && a == 5 && b == 5);
	CHECK(parse("bytes=999-999", 1000, &a, &b) == RANGE_ONE && a == 999 && b == 999);
	/* past the end, or nothing at all: 416 */
	CHECK(parse("bytes=1000-", 1000, &a, &b) == RANGE_UNSATISFIABLE);
	CHECK(parse("bytes=1000-2000", 1000, &a, &b) == RANGE_UNSATISFIABLE);
	CHECK(parse("bytes=-0", 1000, &a, &b) == RANGE_UNSATISFIABLE);
	/* ignored: the whole body, and first/last untouched */
	CHECK(parse("bytes=5-1", 1000, &a, &b) == RANGE_NONE && a == 777 && b == 777);
	CHECK(parse("bytes=0-1,5-6", 1000, &a, &b) == RANGE_NONE);
	CHECK(parse("items=0-1", 1000, &a, &b) == RANGE_NONE);
	CHECK(parse("bytes=", 1000, &a, &b) == RANGE_NONE);
	CHECK(parse("bytes=-", 1000, &a, &b) == RANGE_NONE);
	CHECK(parse("bytes=a-b", 1000, &a, &b) == RANGE_NONE);
	CHECK(parse("bytes=+1-2", 1000, &a, &b) == RANGE_NONE);
	CHECK(parse("bytes=99999999999999999999-", 1000, &a, &b) == RANGE_NONE);   /* past u64 */
	CHECK(parse("bytes=0-99", 0, &a, &b) == RANGE_NONE);                       /* an empty body */
	CHECK(parse("", 1000, &a, &b) == RANGE_NONE);
	CHECK(range_parse((sv_t){ "bytes=0-9\0", 10 }, 1000, &a, &b) == RANGE_NONE);   /* a NUL */
	return check_done("range");
}
