/* Unit tests for parse/mo: a catalog built here byte by byte, lookups, and every way a
 * hostile catalog can be malformed. */
#include "check.h"
#include "parse/mo.h"

static unsigned char cat[1024];

static void
put32(unsigned char *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* Builds a catalog of n sorted pairs; returns its length. */
static size_t
build(const char *const *orig, const char *const *trans, uint32_t n, bool be)
{
	memset(cat, 0, sizeof(cat));
	put32(cat, 0x950412de, be);
	put32(cat + 8, n, be);
	put32(cat + 12, 28, be);
	put32(cat + 16, 28 + 8 * n, be);
	size_t at = 28 + 16 * n;
	for (uint32_t i = 0; i < n; i++) {
		size_t l = strlen(orig[i]);
		put32(cat + 28 + 8 * i, (uint32_t)l, be);
		put32(cat + 28 + 8 * i + 4, (uint32_t)at, be);
		memcpy(cat + at, orig[i], l + 1);
		at += l + 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		size_t l = strlen(trans[i]);
		if (strcmp(trans[i], "PLURAL") == 0) {   /* "one\0many" */
			memcpy(cat + at, "one\0many", 9);
			l = 8;
		} else {
			memcpy(cat + at, trans[i], l + 1);
		}
		put32(cat + 28 + 8 * n + 8 * i, (uint32_t)l, be);
		put32(cat + 28 + 8 * n + 8 * i + 4, (uint32_t)at, be);
		at += l + 1;
	}
	return at;
}

int
main(void)
{
	static const char *const o[] = { "", "Apple", "Guide", "Item", "Zebra" };
	static const char *const t[] = { "Content-Type: text/plain; charset=UTF-8\n", "Яблык", "Памятка", "PLURAL", "" };
	mo_t mo;
	sv_t s;

	for (int be = 0; be < 2; be++) {
		size_t len = build(o, t, 5, be);
		CHECK(mo_parse(&mo, cat, len) == 0);
		CHECK(mo.swapped == (be == 1));
		CHECK(mo_lookup(&mo, SV("Guide"), &s) == 0);
		CHECK_SV(s, "Памятка");
		CHECK(s.p[s.len] == '\0');
		CHECK(mo_lookup(&mo, SV("Apple"), &s) == 0);
		CHECK_SV(s, "Яблык");
		CHECK(mo_lookup(&mo, SV("Item"), &s) == 0);
		CHECK_SV(s, "one");                               /* first plural form */
		CHECK(mo_lookup_form(&mo, SV("Item"), 1, &s) == 0);
		CHECK_SV(s, "many");
		CHECK(s.p[s.len] == '\0');
		CHECK(mo_lookup_form(&mo, SV("Item"), 2, &s) == -1);   /* no third form */
		CHECK(mo_lookup_form(&mo, SV("Guide"), 1, &s) == -1);  /* not a plural entry */
		CHECK(mo_lookup(&mo, SV("Zebra"), &s) == -1);     /* empty translation: none */
		CHECK(mo_lookup(&mo, SV("Guid"), &s) == -1);
		CHECK(mo_lookup(&mo, SV("Guides"), &s) == -1);
		CHECK(mo_lookup(&mo, SV(""), &s) == -1);          /* the header is not a string */
		CHECK(mo_lookup(&mo, SV("Aardvark"), &s) == -1);
		CHECK(mo_lookup(&mo, SV("Zzz"), &s) == -1);
	}

	size_t len = build(o, t, 5, false);
	CHECK(mo_parse(&mo, cat, 27) == -1);                  /* shorter than a header */
	CHECK(mo_parse(&mo, cat, len - 1) == -1);             /* last string loses its NUL */
	cat[0] ^= 1;
	CHECK(mo_parse(&mo, cat, len) == -1);                 /* magic */
	len = build(o, t, 5, false);
	put32(cat + 4, 0x10000, false);
	CHECK(mo_parse(&mo, cat, len) == -1);                 /* major revision 1 */
	len = build(o, t, 5, false);
	put32(cat + 8, 1000, false);
	CHECK(mo_parse(&mo, cat, len) == -1);                 /* count past the file */
	len = build(o, t, 5, false);
	put32(cat + 8, MO_MAX_STRINGS + 1, false);
	CHECK(mo_parse(&mo, cat, len) == -1);
	len = build(o, t, 5, false);
	put32(cat + 12, 0xfffffff0u, false);
	CHECK(mo_parse(&mo, cat, len) == -1);                 /* table offset past the file */
	len = build(o, t, 5, false);
	put32(cat + 28 + 8 + 4, 0xffffffffu, false);
	CHECK(mo_parse(&mo, cat, len) == -1);                 /* string offset past the file */
	len = build(o, t, 5, false);
	put32(cat + 28 + 8, 0xffffffffu, false);
	CHECK(mo_parse(&mo, cat, len) == -1);                 /* string length past the file */

	static const char *const unsorted[] = { "", "Guide", "Apple" };
	static const char *const tr3[] = { "h", "a", "b" };
	len = build(unsorted, tr3, 3, false);
	CHECK(mo_parse(&mo, cat, len) == -1);
	static const char *const dup[] = { "", "Apple", "Apple" };
	len = build(dup, tr3, 3, false);
	CHECK(mo_parse(&mo, cat, len) == -1);

	len = build(o, t, 0, false);
	CHECK(mo_parse(&mo, cat, len) == 0 && mo_lookup(&mo, SV("Guide"), &s) == -1);
	return check_done("mo");
}
