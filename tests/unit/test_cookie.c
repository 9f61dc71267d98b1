/* test_cookie: finding one cookie in a Cookie header: whitespace, quotes, exact names,
 * first-wins, and the header-length and pair-count limits at their bound and one past. */
#include "check.h"

#include <stdlib.h>

#include "core/limits.h"
#include "parse/cookie.h"

/* Finds name in header; returns the status and copies the value into out. */
static int
find(const char *header, const char *name, sv_t *out)
{
	sv_t h = sv_from_cstr(header);
	int rc = cookie_find(h, sv_from_cstr(name), out);
	if (rc == 0)
		CHECK(out->len == 0 || (out->p >= h.p && out->p + out->len <= h.p + h.len));
	return rc;
}

static void
test_basic(void)
{
	sv_t v;

	CHECK(find("sid=abc", "sid", &v) == 0);
	CHECK_SV(v, "abc");
	CHECK(find("a=1; sid=abc; b=2", "sid", &v) == 0);
	CHECK_SV(v, "abc");
	CHECK(find("a=1; b=2; sid=last", "sid", &v) == 0);
	CHECK_SV(v, "last");
	CHECK(find("a=1; b=2", "a", &v) == 0);
	CHECK_SV(v, "1");

	/* Lenient about spaces and tabs around ';' and '='. */
	CHECK(find("a=1;sid=x;b=2", "sid", &v) == 0);
	CHECK_SV(v, "x");
	CHECK(find("  a = 1 ;\tsid\t=\tx y \t;b=2", "sid", &v) == 0);
	CHECK_SV(v, "x y");
	CHECK(find("sid = v ", "sid", &v) == 0);
	CHECK_SV(v, "v");

	/* Quotes around the value are removed, and only a matched pair. */
	CHECK(find("sid=\"quoted\"; a=1", "sid", &v) == 0);
	CHECK_SV(v, "quoted");
	CHECK(find("sid=\"\"", "sid", &v) == 0 && v.len == 0);
	CHECK(find("sid=\"", "sid", &v) == 0);
	CHECK_SV(v, "\"");
	CHECK(find("sid=\"open", "sid", &v) == 0);
	CHECK_SV(v, "\"open");
	CHECK(find("sid= \"sp\" ", "sid", &v) == 0);
	CHECK_SV(v, "sp");

	/* Empty values; values holding '='; empty segments. */
	CHECK(find("sid=; a=1", "sid", &v) == 0 && v.len == 0);
	CHECK(find("a=1; sid=", "sid", &v) == 0 && v.len == 0);
	CHECK(find("sid=a=b==", "sid", &v) == 0);
	CHECK_SV(v, "a=b==");
	CHECK(find(";;; ;sid=1;;", "sid", &v) == 0);
	CHECK_SV(v, "1");

	/* A pair without '=' is skipped, even when it is the name. */
	CHECK(find("sid; a=1", "sid", &v) == -1);
	CHECK(find("junk; sid=2", "sid", &v) == 0);
	CHECK_SV(v, "2");

	/* Exact, case-sensitive match of the whole name. */
	CHECK(find("SID=1; Sid=2", "sid", &v) == -1);
	CHECK(find("SID=1; sid=2", "sid", &v) == 0);
	CHECK_SV(v, "2");
	CHECK(find("xsid=1; sidx=2; sid=3", "sid", &v) == 0);
	CHECK_SV(v, "3");
	CHECK(find("a=sid=4; sid=5", "sid", &v) == 0);
	CHECK_SV(v, "5");
	CHECK(find("s id=1", "sid", &v) == -1);

	/* First wins. */
	CHECK(find("sid=first; sid=second", "sid", &v) == 0);
	CHECK_SV(v, "first");

	/* Absent, empty header, empty name. */
	CHECK(find("a=1; b=2", "sid", &v) == -1);
	CHECK(v.p == NULL && v.len == 0);
	CHECK(find("", "sid", &v) == -1);
	CHECK(cookie_find(SV_NULL, SV("sid"), &v) == -1);
	CHECK(find("=1; a=2", "", &v) == -1);

	/* Only header.len bytes are read. */
	CHECK(cookie_find((sv_t){ "sid=abc; x=1", 6 }, SV("sid"), &v) == 0);
	CHECK_SV(v, "ab");
	CHECK(cookie_find((sv_t){ "a=1; sid=abc", 5 }, SV("sid"), &v) == -1);

	/* A name holding a NUL is compared by length, not as a C string. */
	CHECK(cookie_find((sv_t){ "s\0d=1; s=2", 10 }, (sv_t){ "s\0d", 3 }, &v) == 0);
	CHECK_SV(v, "1");
	CHECK(cookie_find((sv_t){ "s\0d=1; s=2", 10 }, SV("s"), &v) == 0);
	CHECK_SV(v, "2");
}

/* "sid=" + value padded so the whole header is exactly len bytes. */
static char *
header_of_len(size_t len)
{
	char *h = malloc(len + 1);
	if (h == NULL)
		abort();
	memset(h, 'v', len);
	memcpy(h, "pad=", 4);
	memcpy(h + len - 5, "; s=1", 5);
	h[len] = '\0';
	return h;
}

static void
test_limits(void)
{
	sv_t v;
	char *h;

	/* Header length: exactly LIMIT_COOKIE_BYTES is read, one more is refused. */
	h = header_of_len(LIMIT_COOKIE_BYTES);
	CHECK(strlen(h) == LIMIT_COOKIE_BYTES);
	CHECK(find(h, "s", &v) == 0);
	CHECK(find(h, "pad", &v) == 0 && v.len == LIMIT_COOKIE_BYTES - 4 - 5);
	free(h);
	h = header_of_len(LIMIT_COOKIE_BYTES + 1);
	CHECK(find(h, "s", &v) == -1);
	CHECK(find(h, "pad", &v) == -1);
	free(h);

	/* Pair count: the LIMIT_COOKIE_COUNT-th pair is found, the next is not. */
	char big[1024];
	size_t n = 0;
	for (int i = 0; i < LIMIT_COOKIE_COUNT + 1; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "c%d=%d; ", i, i);
	CHECK(n < sizeof(big));
	CHECK(find(big, "c0", &v) == 0);
	CHECK_SV(v, "0");
	CHECK(find(big, "c31", &v) == 0);
	CHECK_SV(v, "31");
	CHECK(find(big, "c32", &v) == -1);
	/* Pairs without '=' count as scanned; empty segments do not. */
	CHECK(find("a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r;s;t;u;v;w;x;y;z;A;B;C;D;E;sid=1",
	    "sid", &v) == 0);
	CHECK(find("a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r;s;t;u;v;w;x;y;z;A;B;C;D;E;F;sid=1",
	    "sid", &v) == -1);
	CHECK(find(";;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;sid=1",
	    "sid", &v) == 0);
}

int
main(void)
{
	test_basic();
	test_limits();
	return check_done("cookie");
}
