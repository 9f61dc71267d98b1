/* Unit tests for text_nfc: composition, canonical ordering, singletons, Hangul, what
 * NFC leaves alone (compatibility forms, exclusions), invalid UTF-8, bounds. */
#include "check.h"
#include "vault/nfc.h"

/* Normalizes (p, len) with a generous maximum and compares with (want, want_len). */
static int
nfc_is(const char *p, size_t len, const char *want, size_t want_len)
{
	buf_t b;
	buf_init(&b, 1 << 20);
	if (text_nfc((sv_t){ p, len }, &b) != 0)
		return 0;
	int ok = b.len == want_len && memcmp(b.data, want, want_len) == 0 && b.data[b.len] == '\0';
	buf_free(&b);
	return ok;
}

#define NFC_IS(in, want) CHECK(nfc_is((in), sizeof(in) - 1, (want), sizeof(want) - 1))
#define NFC_SAME(in)     NFC_IS(in, in)

/* Refused, and out freed like any failed append. */
static int
refused(const char *p, size_t len)
{
	buf_t b;
	buf_init(&b, 1 << 20);
	if (buf_append_cstr(&b, "before") != 0)
		return 0;
	return text_nfc((sv_t){ p, len }, &b) == -1 && b.data == NULL && b.len == 0;
}

#define REFUSED(in) CHECK(refused((in), sizeof(in) - 1))

static void
test_compose(void)
{
	NFC_IS("e\xcc\x81", "\xc3\xa9");                            /* e + U+0301 -> U+00E9 */
	NFC_IS("cafe\xcc\x81 ole\xcc\x81", "caf\xc3\xa9 ol\xc3\xa9");
	NFC_IS("\xd0\xb8\xcc\x86", "\xd0\xb9");                     /* и + U+0306 -> й */
	NFC_IS("\xd1\x83\xcc\x86", "\xd1\x9e");                     /* у + U+0306 -> ў (Belarusian) */
	NFC_IS("\xd0\x95\xcc\x88", "\xd0\x81");                     /* Е + U+0308 -> Ё */
	NFC_IS("u\xcc\x88\xcc\x84", "\xc7\x96");                    /* u + U+0308 + U+0304 -> U+01D6 */
	/* Hangul: the jamo U+1112 U+1161 U+11AB compose to U+D55C, and U+1100 U+1161 to U+AC00. */
	NFC_IS("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", "\xed\x95\x9c");
	NFC_IS("\xe1\x84\x80\xe1\x85\xa1", "\xea\xb0\x80");
	NFC_IS("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\xe1\x84\x80\xe1\x85\xb3\xe1\x86\xaf",
	    "\xed\x95\x9c\xea\xb8\x80");                           /* 한글 */
	/* Canonical ordering: a + U+0301 (ccc 230) + U+0323 (ccc 220) sorts the dot below
	 * first, composes a + U+0323 to U+1EA1 and keeps U+0301 after it. */
	NFC_IS("a\xcc\x81\xcc\xa3", "\xe1\xba\xa1\xcc\x81");
	NFC_IS("a\xcc\xa3\xcc\x81", "\xe1\xba\xa1\xcc\x81");
	/* Singletons: ANGSTROM SIGN -> U+00C5, OHM SIGN -> U+03A9. */
	NFC_IS("\xe2\x84\xab", "\xc3\x85");
	NFC_IS("\xe2\x84\xa6", "\xce\xa9");
	/* Growth: U+1D160 (4 bytes) decomposes to three code points (12 bytes), the most
	 * NFC can grow a UTF-8 string; many of them in a row. */
	NFC_IS("\xf0\x9d\x85\xa0", "\xf0\x9d\x85\x98\xf0\x9d\x85\xa5\xf0\x9d\x85\xae");
	{
		char in[4 * 200], want[12 * 200];
		for (int i = 0; i < 200; i++) {
			memcpy(in + 4 * i, "\xf0\x9d\x85\xa0", 4);
			memcpy(want + 12 * i, "\xf0\x9d\x85\x98\xf0\x9d\x85\xa5\xf0\x9d\x85\xae", 12);
		}
		CHECK(nfc_is(in, sizeof(in), want, sizeof(want)));
	}
	/* More than 64 combining marks in a row (libunistring's sort buffer grows). */
	{
		char in[1 + 2 * 100], want[2 + 2 * 99];
		in[0] = 'a';
		for (int i = 0; i < 100; i++)
			memcpy(in + 1 + 2 * i, "\xcc\x81", 2);
		memcpy(want, "\xc3\xa1", 2);
		for (int i = 0; i < 99; i++)
			memcpy(want + 2 + 2 * i, "\xcc\x81", 2);
		CHECK(nfc_is(in, sizeof(in), want, sizeof(want)));
	}
}

static void
test_unchanged(void)
{
	NFC_SAME("correct horse battery staple");
	NFC_SAME("\xc3\xa9t\xc3\xa9");                              /* été, precomposed */
	NFC_SAME("\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c \xd0\x81\xd0\xbb\xd0\xba\xd0\xb0");   /* пароль Ёлка */
	NFC_SAME("\xd1\x9e\xd1\x96");                               /* ўі */
	NFC_SAME("\xed\x95\x9c\xea\xb8\x80");                       /* 한글 */
	NFC_SAME("\xf0\x9f\x94\x91 key");                           /* emoji */
	/* NFC, not NFKC: compatibility characters stay. */
	NFC_SAME("\xef\xac\x81");                                   /* U+FB01 LATIN SMALL LIGATURE FI */
	NFC_SAME("\xef\xbc\xa1");                                   /* U+FF21 FULLWIDTH A */
	NFC_SAME("x\xc2\xb2");                                      /* SUPERSCRIPT TWO */
	/* Composition exclusions: U+0958 decomposes and does not recompose. */
	NFC_IS("\xe0\xa5\x98", "\xe0\xa4\x95\xe0\xa4\xbc");
	NFC_SAME("\xe0\xa4\x95\xe0\xa4\xbc");
	/* A leading combining mark has nothing to compose with. */
	NFC_SAME("\xcc\x81" "e");
	/* U+0000 is valid UTF-8 and is kept, with the lengths. */
	CHECK(nfc_is("a\0b", 3, "a\0b", 3));

	/* Idempotent: NFC(NFC(x)) = NFC(x). */
	buf_t a, b;
	buf_init(&a, 1024);
	buf_init(&b, 1024);
	CHECK(text_nfc(SV("a\xcc\x81\xcc\xa3 \xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab \xe2\x84\xab"), &a) == 0);
	CHECK(text_nfc(buf_sv(&a), &b) == 0);
	CHECK(sv_eq(buf_sv(&a), buf_sv(&b)));
	buf_free(&a);
	buf_free(&b);
}

static void
test_invalid(void)
{
	REFUSED("\xff");
	REFUSED("\x80");                                            /* lone continuation byte */
	REFUSED("\xc3");                                            /* truncated */
	REFUSED("abc\xc3");
	REFUSED("caf\xe9");                                         /* Latin-1 é */
	REFUSED("\xc0\xaf");                                        /* overlong '/' */
	REFUSED("\xe0\x80\xaf");                                    /* overlong, 3 bytes */
	REFUSED("\xc0\x80");                                        /* overlong NUL */
	REFUSED("\xed\xa0\x80");                                    /* surrogate U+D800 */
	REFUSED("\xed\xbf\xbf");                                    /* surrogate U+DFFF */
	REFUSED("\xf4\x90\x80\x80");                                /* U+110000 */
	REFUSED("\xf8\x88\x80\x80\x80");                            /* 5-byte form */
	REFUSED("e\xcc");                                           /* truncated combining mark */
	CHECK(refused(NULL, 3));
	/* The bytes just inside the limits are fine. */
	NFC_SAME("\xed\x9f\xbf");                                   /* U+D7FF */
	NFC_SAME("\xee\x80\x80");                                   /* U+E000 */
	NFC_SAME("\xf4\x8f\xbf\xbf");                               /* U+10FFFF */
}

static void
test_bounds(void)
{
	buf_t b;

	/* Empty input: 0, nothing appended, still a valid empty string. */
	buf_init(&b, 16);
	CHECK(text_nfc(SV(""), &b) == 0 && b.len == 0 && b.data && b.data[0] == '\0');
	CHECK(text_nfc(SV_NULL, &b) == 0 && b.len == 0);
	buf_free(&b);
	buf_init(&b, 0);
	CHECK(text_nfc(SV(""), &b) == 0 && b.len == 0);
	buf_free(&b);

	/* It appends. */
	buf_init(&b, 64);
	CHECK(buf_append_cstr(&b, "pw:") == 0);
	CHECK(text_nfc(SV("e\xcc\x81"), &b) == 0);
	CHECK_SV(buf_sv(&b), "pw:\xc3\xa9");
	buf_free(&b);

	/* The maximum applies to the normalized result: 3 bytes in, 2 out. */
	buf_init(&b, 2);
	CHECK(text_nfc(SV("e\xcc\x81"), &b) == 0 && b.len == 2);
	buf_free(&b);
	buf_init(&b, 1);
	CHECK(text_nfc(SV("e\xcc\x81"), &b) == -1 && b.data == NULL);
	/* Growth counts too: 4 bytes in, 12 out. */
	buf_init(&b, 11);
	CHECK(text_nfc(SV("\xf0\x9d\x85\xa0"), &b) == -1 && b.data == NULL);
	buf_init(&b, 12);
	CHECK(text_nfc(SV("\xf0\x9d\x85\xa0"), &b) == 0 && b.len == 12);
	buf_free(&b);
	/* Input far beyond the maximum is refused before any work. */
	{
		static char big[4096];
		memset(big, 'a', sizeof(big));
		buf_init(&b, 100);
		CHECK(text_nfc((sv_t){ big, sizeof(big) }, &b) == -1 && b.data == NULL);
		buf_init(&b, sizeof(big));
		CHECK(text_nfc((sv_t){ big, sizeof(big) }, &b) == 0 && b.len == sizeof(big));
		buf_free(&b);
	}
}

int
main(void)
{
	test_compose();
	test_unchanged();
	test_invalid();
	test_bounds();
	return check_done("nfc");
}
