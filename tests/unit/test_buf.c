/* Unit tests for core/buf: views, bounded numbers, the growable buffer, escaping and the
 * checked snprintf into fixed arrays. */
#include "check.h"
#include "core/buf.h"

int
main(void)
{
	sv_t head, tail;
	CHECK(sv_eq(SV("abc"), sv_from_cstr("abc")));
	CHECK(!sv_eq(SV("abc"), SV("abd")));
	CHECK(sv_eq_nocase(SV("Content-Type"), SV("content-type")));
	CHECK(!sv_eq_nocase(SV("Content-Type"), SV("content-typ")));
	CHECK(sv_starts_with(SV("/en/guide"), SV("/en")));
	CHECK(!sv_starts_with(SV("/e"), SV("/en")));
	CHECK(sv_index(SV("a=b"), '=') == 1);
	CHECK(sv_index(SV("ab"), '=') == -1);
	CHECK(sv_index(SV_NULL, '=') == -1);
	CHECK(sv_split(SV("a?b=c"), '?', &head, &tail));
	CHECK_SV(head, "a");
	CHECK_SV(tail, "b=c");
	CHECK(!sv_split(SV("abc"), '?', &head, &tail));
	CHECK_SV(head, "abc");
	CHECK(tail.len == 0);
	CHECK_SV(sv_trim_ows(SV(" \t x y \t")), "x y");
	CHECK(sv_trim_ows(SV("   ")).len == 0);

	uint64_t n = 0;
	CHECK(num_parse_u64(SV("0"), 0, 10, &n) == 0 && n == 0);
	CHECK(num_parse_u64(SV("10"), 0, 10, &n) == 0 && n == 10);
	CHECK(num_parse_u64(SV("11"), 0, 10, &n) == -1);
	CHECK(num_parse_u64(SV("4"), 5, 10, &n) == -1);
	CHECK(num_parse_u64(SV("18446744073709551615"), 0, UINT64_MAX, &n) == 0 && n == UINT64_MAX);
	CHECK(num_parse_u64(SV("18446744073709551616"), 0, UINT64_MAX, &n) == -1);
	CHECK(num_parse_u64(SV("-1"), 0, 10, &n) == -1);
	CHECK(num_parse_u64(SV("+1"), 0, 10, &n) == -1);
	CHECK(num_parse_u64(SV(" 1"), 0, 10, &n) == -1);
	CHECK(num_parse_u64(SV(""), 0, 10, &n) == -1);
	CHECK(num_parse_u64(SV("1x"), 0, 10, &n) == -1);

	buf_t b;
	buf_init(&b, 8);
	CHECK(buf_sv(&b).len == 0 && buf_sv(&b).p != NULL);
	CHECK(buf_append_cstr(&b, "12345678") == 0);
	CHECK(b.len == 8 && b.data[8] == '\0');
	CHECK(buf_putc(&b, '9') == -1);          /* past the maximum: fails and frees */
	CHECK(b.data == NULL && b.len == 0);
	buf_init(&b, 100);
	CHECK(buf_appendf(&b, "%d-%s", 42, "x") == 0);
	CHECK_SV(buf_sv(&b), "42-x");
	buf_reset(&b);
	CHECK(b.len == 0);
	CHECK(buf_append_html(&b, SV("<a href=\"x\">'&'</a>")) == 0);
	CHECK_SV(buf_sv(&b), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	buf_free(&b);
	buf_init(&b, 4);
	CHECK(buf_append_html(&b, SV("<<")) == -1);   /* escaping counts against the maximum */
	buf_init(&b, 1 << 20);
	int grown = 0;
	for (int i = 0; i < 10000; i++)
		grown += buf_append(&b, "abcdefghij", 10) == 0;
	CHECK(grown == 10000 && b.len == 100000 && b.cap >= 100001);
	size_t len;
	char *p = buf_detach(&b, &len);
	CHECK(p != NULL && len == 100000 && b.data == NULL);
	free(p);

	/* snprintf_ok: all of it, or nothing at all */
	char fixed[8];
	CHECK(snprintf_ok(fixed, sizeof(fixed), "%s-%d", "ab", 1234) && strcmp(fixed, "ab-1234") == 0);
	CHECK(!snprintf_ok(fixed, sizeof(fixed), "%s-%d", "ab", 12345) && fixed[0] == '\0');
	CHECK(!snprintf_ok(fixed, 0, "x"));
	/* snprintf_cut: a sentence cut to fit says so */
	snprintf_cut(fixed, sizeof(fixed), "%s", "a long sentence");
	CHECK(strcmp(fixed, "a lo...") == 0);
	snprintf_cut(fixed, sizeof(fixed), "%s", "short");
	CHECK(strcmp(fixed, "short") == 0);
	snprintf_cut(fixed, sizeof(fixed), "%s", "ab\xd0\x96\xd0\x96\xd0\x96");   /* "abЖЖЖ" */
	CHECK(strcmp(fixed, "ab\xd0\x96...") == 0);
	snprintf_cut(fixed, sizeof(fixed), "%s", "abc\xd0\x96\xd0\x96\xd0\x96");   /* "abcЖЖЖ": no half Ж */
	CHECK(strcmp(fixed, "abc...") == 0);
	return check_done("buf");
}
