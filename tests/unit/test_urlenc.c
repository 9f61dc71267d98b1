/* test_urlenc: urlencoded forms and query strings, and the UTF-8 check every parser
 * shares: decoding, every error status, and each limit at its bound and one past it. */
#include "check.h"

#include <stdlib.h>

#include "core/limits.h"
#include "parse/urlenc.h"

static urlenc_status_t
parse_cstr(form_t *f, const char *s)
{
	return urlenc_parse(f, s, strlen(s));
}

/* A string of n copies of unit (which is unit_len bytes long); caller frees. */
static char *
repeat(const char *unit, size_t n, const char *prefix, const char *suffix)
{
	size_t ul = strlen(unit), pl = strlen(prefix), sl = strlen(suffix);
	char *s = malloc(pl + ul * n + sl + 1);
	if (s == NULL)
		abort();
	memcpy(s, prefix, pl);
	for (size_t i = 0; i < n; i++)
		memcpy(s + pl + i * ul, unit, ul);
	memcpy(s + pl + ul * n, suffix, sl + 1);
	return s;
}

static bool
clean(const char *s, size_t len)
{
	return text_is_clean_utf8((sv_t){ s, len });
}

static void
test_utf8(void)
{
	CHECK(clean("", 0));
	CHECK(clean(NULL, 0));
	CHECK(clean("plain ascii ~", 13));
	CHECK(clean("tab\there\nlf\rcr", 14));
	CHECK(!clean("tab\there\nlf\rcr", 15));   /* with its NUL */
	CHECK(clean("\xd1\x81\xd0\xb0\xd0\xb2\xd0\xb0", 8));          /* сава */
	CHECK(clean("\xf0\x9f\xa6\x89", 4));                          /* U+1F989 owl */
	/* Controls: every C0 but TAB LF CR, and DEL; NUL is a control. */
	CHECK(!clean("a\0b", 3));
	CHECK(!clean("\x01", 1));
	CHECK(!clean("\x1f", 1));
	CHECK(!clean("\x0b", 1));
	CHECK(!clean("\x1b[31m", 5));
	CHECK(!clean("\x7f", 1));
	CHECK(clean("\x20\x7e", 2));
	/* Boundaries of each sequence length. */
	CHECK(clean("\xc2\x80", 2));                  /* U+0080 */
	CHECK(clean("\xdf\xbf", 2));                  /* U+07FF */
	CHECK(clean("\xe0\xa0\x80", 3));              /* U+0800 */
	CHECK(clean("\xed\x9f\xbf", 3));              /* U+D7FF */
	CHECK(clean("\xee\x80\x80", 3));              /* U+E000 */
	CHECK(clean("\xef\xbf\xbf", 3));              /* U+FFFF */
	CHECK(clean("\xf0\x90\x80\x80", 4));          /* U+10000 */
	CHECK(clean("\xf4\x8f\xbf\xbf", 4));          /* U+10FFFF */
	/* Overlongs. */
	CHECK(!clean("\xc0\x80", 2));
	CHECK(!clean("\xc1\xbf", 2));
	CHECK(!clean("\xe0\x80\x80", 3));
	CHECK(!clean("\xe0\x9f\xbf", 3));
	CHECK(!clean("\xf0\x80\x80\x80", 4));
	CHECK(!clean("\xf0\x8f\xbf\xbf", 4));
	/* Surrogates. */
	CHECK(!clean("\xed\xa0\x80", 3));             /* U+D800 */
	CHECK(!clean("\xed\xbf\xbf", 3));             /* U+DFFF */
	/* Past U+10FFFF. */
	CHECK(!clean("\xf4\x90\x80\x80", 4));
	CHECK(!clean("\xf5\x80\x80\x80", 4));
	CHECK(!clean("\xff", 1));
	CHECK(!clean("\xfe", 1));
	/* Truncated and stray. */
	CHECK(!clean("\x80", 1));
	CHECK(!clean("a\xbf", 2));
	CHECK(!clean("\xc3", 1));
	CHECK(!clean("\xe2\x82", 2));
	CHECK(!clean("\xf0\x9f\xa6", 3));
	CHECK(!clean("\xc3(", 2));
	CHECK(!clean("\xe2(\xa1", 3));
	CHECK(!clean("\xf0\x9f\xa6(", 4));
	/* The view's length is respected: a valid prefix of a longer buffer. */
	CHECK(clean("ab\xc3\xa9", 2));
	CHECK(!clean("\xc3\xa9", 1));
}

static void
test_basic(void)
{
	form_t f;
	const sv_t *v;

	CHECK(form_init(&f, LIMIT_FORM_FIELDS, LIMIT_FIELD_BYTES) == 0);
	CHECK(parse_cstr(&f, "a=1&b=2") == URLENC_OK);
	CHECK(f.count == 2);
	CHECK_SV(f.fields[0].name, "a");
	CHECK_SV(f.fields[0].value, "1");
	CHECK_SV(f.fields[1].name, "b");
	CHECK_SV(f.fields[1].value, "2");
	CHECK((v = form_get(&f, "b")) != NULL && v->len == 1 && v->p[0] == '2');
	CHECK(form_get(&f, "c") == NULL);
	CHECK(form_get(&f, "") == NULL);
	CHECK(form_get(&f, NULL) == NULL);
	CHECK(form_get(NULL, "a") == NULL);

	/* '+' and %XX in either case, in names and values. */
	CHECK(parse_cstr(&f, "msg=hello+world%21+%3d%3D&%6Eame=x%2By") == URLENC_OK);
	CHECK(f.count == 2);
	CHECK((v = form_get(&f, "msg")) != NULL);
	if (v)
		CHECK_SV(*v, "hello world! ==");
	CHECK((v = form_get(&f, "name")) != NULL);
	if (v)
		CHECK_SV(*v, "x+y");

	/* Pairs without '=', empty values, and values holding '='. */
	CHECK(parse_cstr(&f, "flag&e=&eq=a=b") == URLENC_OK);
	CHECK(f.count == 3);
	CHECK((v = form_get(&f, "flag")) != NULL && v->len == 0);
	CHECK((v = form_get(&f, "e")) != NULL && v->len == 0);
	CHECK((v = form_get(&f, "eq")) != NULL);
	if (v)
		CHECK_SV(*v, "a=b");

	/* Empty pairs are skipped anywhere. */
	CHECK(parse_cstr(&f, "&&a=1&&&b=2&") == URLENC_OK);
	CHECK(f.count == 2);
	CHECK_SV(f.fields[1].name, "b");
	CHECK(parse_cstr(&f, "&") == URLENC_OK && f.count == 0);
	CHECK(parse_cstr(&f, "") == URLENC_OK && f.count == 0);
	CHECK(urlenc_parse(&f, NULL, 0) == URLENC_OK && f.count == 0);

	/* The first of two fields with one name wins. */
	CHECK(parse_cstr(&f, "x=first&x=second") == URLENC_OK);
	CHECK(f.count == 2);
	CHECK((v = form_get(&f, "x")) != NULL);
	if (v)
		CHECK_SV(*v, "first");

	/* Name characters allowed: letters, digits, _ . - [ ]. */
	CHECK(parse_cstr(&f, "Ab_9.x-y[0]=1") == URLENC_OK);
	CHECK_SV(f.fields[0].name, "Ab_9.x-y[0]");

	/* Text: UTF-8 raw and escaped, TAB LF CR kept. */
	CHECK(parse_cstr(&f, "t=%D1%81%D0%B0%D0%B2%D0%B0&r=\xd1\x81&c=a%09b%0D%0Ac") == URLENC_OK);
	CHECK((v = form_get(&f, "t")) != NULL);
	if (v)
		CHECK_SV(*v, "\xd1\x81\xd0\xb0\xd0\xb2\xd0\xb0");
	CHECK((v = form_get(&f, "r")) != NULL);
	if (v)
		CHECK_SV(*v, "\xd1\x81");
	CHECK((v = form_get(&f, "c")) != NULL);
	if (v)
		CHECK_SV(*v, "a\tb\r\nc");

	/* Only len bytes are read: the NUL-less tail beyond is ignored. */
	CHECK(urlenc_parse(&f, "a=12&b=3", 4) == URLENC_OK);
	CHECK(f.count == 1);
	CHECK_SV(f.fields[0].value, "12");

	/* Views are into the form's own store, not the input. */
	char in[] = "k=v%41";
	CHECK(urlenc_parse(&f, in, strlen(in)) == URLENC_OK);
	memset(in, 'z', strlen(in));
	CHECK_SV(f.fields[0].name, "k");
	CHECK_SV(f.fields[0].value, "vA");
	CHECK(f.fields[0].name.p >= f.store && f.fields[0].value.p >= f.store);

	/* A caller that edits the views cannot upset the wipe on release. */
	CHECK(parse_cstr(&f, "a=1&b=secret") == URLENC_OK && f.count == 2);
	f.fields[1].value = SV_NULL;
	f.fields[0].name = SV("elsewhere");
	CHECK(parse_cstr(&f, "c=3") == URLENC_OK && f.count == 1);
	CHECK(form_get(&f, "b") == NULL);

	form_free(&f);
	CHECK(f.fields == NULL && f.store == NULL && f.count == 0);
	form_free(&f);   /* twice is safe */
}

static void
test_bad(void)
{
	static const char *bad[] = {
		"a=%", "a=%4", "a=1%", "a=%4G", "a=%G4", "a=%%41", "a=%+1", "a=% 1", "%=1",
		"=x", "=", "a=1&=2", "%zz=1",
		"a b=1", "a+b=1", "a%20b=1", "a/b=1", "a%00=1", "\xd1\x81=1", "a;b=1",
		"a=%00", "a=x%00y", "a=%7F", "a=%1B", "a=\x01", "a=\x7f",
		"a=%C3", "a=%C3%28", "a=%C0%80", "a=%E0%80%80", "a=%ED%A0%80", "a=%F4%90%80%80",
		"a=%FF", "a=\xc3", "a=\xed\xa0\x80",
	};
	form_t f;

	CHECK(form_init(&f, LIMIT_FORM_FIELDS, 100) == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* A good parse first, so we also see that a failure replaces it. */
		CHECK(parse_cstr(&f, "ok=1") == URLENC_OK && f.count == 1);
		urlenc_status_t st = parse_cstr(&f, bad[i]);
		if (st != URLENC_BAD)
			fprintf(stderr, "expected URLENC_BAD for \"%s\", got %d\n", bad[i], (int)st);
		CHECK(st == URLENC_BAD);
		CHECK(f.count == 0 && f.store == NULL);
		CHECK(form_get(&f, "ok") == NULL);
	}
	/* An error in a later pair fails the whole parse. */
	CHECK(parse_cstr(&f, "a=1&b=2&c=%") == URLENC_BAD && f.count == 0);
	form_free(&f);
}

static void
test_limits(void)
{
	form_t f;
	char *s;

	/* Name: exactly LIMIT_FIELD_NAME_BYTES is fine, one more is too long. */
	CHECK(form_init(&f, 4, 8) == 0);
	s = repeat("n", LIMIT_FIELD_NAME_BYTES, "", "=v");
	CHECK(parse_cstr(&f, s) == URLENC_OK && f.count == 1);
	CHECK(f.fields[0].name.len == LIMIT_FIELD_NAME_BYTES);
	free(s);
	s = repeat("n", LIMIT_FIELD_NAME_BYTES + 1, "", "=v");
	CHECK(parse_cstr(&f, s) == URLENC_TOO_LONG && f.count == 0);
	free(s);
	/* Decoded length counts: 64 escapes make a 64-byte name. */
	s = repeat("%6E", LIMIT_FIELD_NAME_BYTES, "", "");
	CHECK(parse_cstr(&f, s) == URLENC_OK && f.fields[0].name.len == LIMIT_FIELD_NAME_BYTES);
	free(s);
	s = repeat("%6E", LIMIT_FIELD_NAME_BYTES + 1, "", "");
	CHECK(parse_cstr(&f, s) == URLENC_TOO_LONG);
	free(s);

	/* Value: exactly max_value (decoded) is fine, one more is too long. */
	CHECK(parse_cstr(&f, "v=12345678") == URLENC_OK && f.fields[0].value.len == 8);
	CHECK(parse_cstr(&f, "v=123456789") == URLENC_TOO_LONG && f.count == 0);
	CHECK(parse_cstr(&f, "v=%41%41%41%41%41%41%41%41") == URLENC_OK);
	CHECK_SV(f.fields[0].value, "AAAAAAAA");
	CHECK(parse_cstr(&f, "v=%41%41%41%41%41%41%41%41%41") == URLENC_TOO_LONG);
	CHECK(parse_cstr(&f, "v=++++++++") == URLENC_OK);
	CHECK(parse_cstr(&f, "v=+++++++++") == URLENC_TOO_LONG);

	/* Fields: exactly max_fields is fine, one more is too many; empty pairs are free. */
	CHECK(parse_cstr(&f, "a=1&b=2&&c=3&d=4&") == URLENC_OK && f.count == 4);
	CHECK(parse_cstr(&f, "a=1&b=2&c=3&d=4&e=5") == URLENC_TOO_MANY && f.count == 0);
	CHECK(parse_cstr(&f, "a&b&c&d&e") == URLENC_TOO_MANY);
	form_free(&f);

	/* max_fields 0 accepts only empty input. */
	CHECK(form_init(&f, 0, 8) == 0);
	CHECK(parse_cstr(&f, "&&") == URLENC_OK && f.count == 0);
	CHECK(parse_cstr(&f, "a=1") == URLENC_TOO_MANY);
	form_free(&f);

	/* form_init clamps its bounds to limits.h. */
	CHECK(form_init(&f, 100000, (size_t)1 << 40) == 0);
	CHECK(f.max_fields == LIMIT_FORM_FIELDS && f.max_value == LIMIT_FIELD_BYTES);
	s = repeat("a=1&", LIMIT_FORM_FIELDS, "", "");
	CHECK(parse_cstr(&f, s) == URLENC_OK && f.count == LIMIT_FORM_FIELDS);
	free(s);
	s = repeat("a=1&", LIMIT_FORM_FIELDS + 1, "", "");
	CHECK(parse_cstr(&f, s) == URLENC_TOO_MANY);
	free(s);
	s = repeat("x", LIMIT_FIELD_BYTES, "v=", "");
	CHECK(parse_cstr(&f, s) == URLENC_OK && f.fields[0].value.len == LIMIT_FIELD_BYTES);
	free(s);
	s = repeat("x", LIMIT_FIELD_BYTES + 1, "v=", "");
	CHECK(parse_cstr(&f, s) == URLENC_TOO_LONG);
	free(s);
	/* A large body made only of separators is cheap and empty. */
	s = repeat("&", LIMIT_FORM_BODY_BYTES, "", "");
	CHECK(parse_cstr(&f, s) == URLENC_OK && f.count == 0);
	free(s);
	form_free(&f);
}

static void
test_uninitialised(void)
{
	form_t f;
	memset(&f, 0, sizeof(f));
	CHECK(parse_cstr(&f, "a=1") == URLENC_NOMEM);
	CHECK(form_get(&f, "a") == NULL);
	form_free(&f);
	CHECK(f.fields == NULL);
}

/* Multipart text parts: decoded once, in pieces, with the bounds of a urlencoded form. */
static void
test_stream(void)
{
	form_t f;
	CHECK(form_init(&f, 3, 8) == 0);
	CHECK(form_field_begin(&f, SV("a")) == URLENC_BAD);   /* not opened */
	CHECK(form_stream_open(&f, 64) == URLENC_OK);
	CHECK(form_field_begin(&f, SV("name")) == URLENC_OK);
	CHECK(form_get(&f, "name") == NULL);                  /* not visible while open */
	CHECK(form_field_data(&f, "Ala", 3) == URLENC_OK);
	CHECK(form_field_data(&f, "+%20", 4) == URLENC_OK);   /* no decoding: bytes as sent */
	CHECK(form_field_end(&f) == URLENC_OK);
	const sv_t *v = form_get(&f, "name");
	CHECK(v && sv_eq(*v, SV("Ala+%20")));
	CHECK(form_field_begin(&f, SV("e")) == URLENC_OK && form_field_end(&f) == URLENC_OK);
	v = form_get(&f, "e");
	CHECK(v && v->len == 0);
	/* a value over max_value empties the form and refuses what follows */
	CHECK(form_field_begin(&f, SV("long")) == URLENC_OK);
	CHECK(form_field_data(&f, "12345", 5) == URLENC_OK);
	CHECK(form_field_data(&f, "6789", 4) == URLENC_TOO_LONG);
	CHECK(f.count == 0 && form_get(&f, "name") == NULL);
	CHECK(form_field_begin(&f, SV("x")) == URLENC_BAD);

	CHECK(form_stream_open(&f, 64) == URLENC_OK);
	CHECK(form_field_begin(&f, SV("bad name")) == URLENC_BAD);
	CHECK(form_stream_open(&f, 64) == URLENC_OK);
	CHECK(form_field_begin(&f, SV("t")) == URLENC_OK);
	CHECK(form_field_data(&f, "a\x01", 2) == URLENC_OK);
	CHECK(form_field_end(&f) == URLENC_BAD);              /* control character */
	CHECK(form_stream_open(&f, 64) == URLENC_OK);
	CHECK(form_field_begin(&f, SV("t")) == URLENC_OK);
	CHECK(form_field_data(&f, "\xc3", 1) == URLENC_OK);
	CHECK(form_field_end(&f) == URLENC_BAD);              /* torn UTF-8 */
	/* more fields than max_fields */
	CHECK(form_stream_open(&f, 64) == URLENC_OK);
	for (int i = 0; i < 3; i++)
		CHECK(form_field_begin(&f, SV("k")) == URLENC_OK && form_field_end(&f) == URLENC_OK);
	CHECK(form_field_begin(&f, SV("k")) == URLENC_TOO_MANY);
	/* the store's bound holds across fields */
	CHECK(form_stream_open(&f, 10) == URLENC_OK);
	CHECK(form_field_begin(&f, SV("a")) == URLENC_OK && form_field_data(&f, "1234567", 7) == URLENC_OK);
	CHECK(form_field_end(&f) == URLENC_OK);
	CHECK(form_field_begin(&f, SV("b")) == URLENC_OK);
	CHECK(form_field_data(&f, "12", 2) == URLENC_TOO_LONG);
	/* a plain parse after streaming starts clean */
	CHECK(parse_cstr(&f, "a=1") == URLENC_OK && f.count == 1);
	form_free(&f);
}

int
main(void)
{
	test_stream();
	test_utf8();
	test_basic();
	test_bad();
	test_limits();
	test_uninitialised();
	return check_done("urlenc");
}
