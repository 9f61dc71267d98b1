/* Unit tests for totp: the RFC 6238 Appendix B SHA-1 vectors, the ±1 window, replay
 * refusal through last_step, malformed codes, base32 and the otpauth:// URI. */
#include <sodium.h>
#include <stdint.h>

#include "check.h"
#include "vault/totp.h"

/* RFC 6238 Appendix B uses the ASCII secret "12345678901234567890" for SHA-1. */
static const uint8_t *const rfc_secret = (const uint8_t *)"12345678901234567890";

/* Accepts code (a C string) at now with last_step; returns the step accepted, or 0 for
 * a refusal (step 0 is never accepted, so 0 cannot be a real answer). */
static uint64_t
try_code(uint64_t now, const char *code, uint64_t last_step)
{
	uint64_t got = 0;
	if (totp_check(rfc_secret, now, code, strlen(code), last_step, &got) != 0)
		return 0;
	return got;
}

static void
test_rfc_vectors(void)
{
	/* The RFC lists 8-digit codes; a 6-digit code is their last 6 digits. */
	static const struct {
		uint64_t t;
		const char *code8;
	} v[] = {
		{ 59, "94287082" },
		{ 1111111109, "07081804" },
		{ 1111111111, "14050471" },
		{ 1234567890, "89005924" },
		{ 2000000000, "69279037" },
		{ 20000000000ull, "65353130" },
	};
	char out[TOTP_DIGITS + 1];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(out, 'x', sizeof(out));
		totp_code(rfc_secret, v[i].t / TOTP_PERIOD_S, out);
		CHECK(strcmp(out, v[i].code8 + 2) == 0);
		if (strcmp(out, v[i].code8 + 2) != 0)
			fprintf(stderr, "t=%llu: got %s, want %s\n", (unsigned long long)v[i].t, out, v[i].code8 + 2);
		/* and the same code is accepted by totp_check at that time */
		CHECK(try_code(v[i].t, v[i].code8 + 2, 0) == v[i].t / TOTP_PERIOD_S);
		/* the 8-digit form is not */
		CHECK(try_code(v[i].t, v[i].code8, 0) == 0);
	}
	/* Leading zeros are kept: 1111111109 gives 081804, not 81804. */
	totp_code(rfc_secret, 1111111109 / TOTP_PERIOD_S, out);
	CHECK(out[0] == '0' && strlen(out) == 6);
}

static void
test_window(void)
{
	const uint64_t now = 1234567890;            /* step 41152263, 0 s into it */
	const uint64_t step = now / TOTP_PERIOD_S;
	char c[5][TOTP_DIGITS + 1];                 /* steps - 2 .. + 2 */

	for (int i = 0; i < 5; i++)
		totp_code(rfc_secret, step + (uint64_t)i - 2, c[i]);
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++)
			CHECK(strcmp(c[i], c[j]) != 0);    /* else the tests below prove nothing */

	CHECK(try_code(now, c[0], 0) == 0);          /* step - 2 */
	CHECK(try_code(now, c[1], 0) == step - 1);
	CHECK(try_code(now, c[2], 0) == step);
	CHECK(try_code(now, c[3], 0) == step + 1);
	CHECK(try_code(now, c[4], 0) == 0);          /* step + 2 */

	/* The step is now / 30: the last second of a step and the first of the next. */
	CHECK(try_code(step * TOTP_PERIOD_S + 29, c[4], 0) == 0);
	CHECK(try_code(step * TOTP_PERIOD_S + 30, c[4], 0) == step + 2);
	CHECK(try_code(step * TOTP_PERIOD_S - 1, c[0], 0) == step - 2);
	CHECK(try_code(step * TOTP_PERIOD_S - 1, c[3], 0) == 0);

	/* A refusal leaves *accepted_step alone. */
	uint64_t got = 77;
	CHECK(totp_check(rfc_secret, now, c[0], 6, 0, &got) == -1 && got == 77);

	/* Another secret: none of these codes work. */
	uint8_t other[TOTP_SECRET_BYTES];
	memcpy(other, rfc_secret, sizeof(other));
	other[19] ^= 1;
	int any = 0;
	for (int i = 1; i <= 3; i++)
		any |= totp_check(other, now, c[i], 6, 0, &got) == 0;
	CHECK(!any);
}

static void
test_replay(void)
{
	const uint64_t now = 2000000000;
	const uint64_t step = now / TOTP_PERIOD_S;
	char prev[TOTP_DIGITS + 1], cur[TOTP_DIGITS + 1], next[TOTP_DIGITS + 1];

	totp_code(rfc_secret, step - 1, prev);
	totp_code(rfc_secret, step, cur);
	totp_code(rfc_secret, step + 1, next);

	uint64_t last = try_code(now, cur, 0);
	CHECK(last == step);
	CHECK(try_code(now, cur, last) == 0);           /* the same code twice */
	CHECK(try_code(step * TOTP_PERIOD_S + 29, cur, last) == 0);   /* later in the same step */
	CHECK(try_code(now, prev, last) == 0);          /* an older code, still in the window */
	CHECK(try_code(now, next, last) == step + 1);   /* the next one is fine */
	CHECK(try_code(now, next, step + 1) == 0);      /* once */
	CHECK(try_code(now, next, step + 5) == 0);      /* anything at or below last_step */
	CHECK(try_code(now, prev, step - 2) == step - 1);

	/* Step 0 is never accepted (last_step 0 means "none yet"), and step - 1 at step 0
	 * does not wrap round to step 2^64 - 1. */
	char s0[TOTP_DIGITS + 1], s1[TOTP_DIGITS + 1], smax[TOTP_DIGITS + 1];
	totp_code(rfc_secret, 0, s0);
	totp_code(rfc_secret, 1, s1);
	totp_code(rfc_secret, UINT64_MAX, smax);
	CHECK(try_code(0, s0, 0) == 0);
	CHECK(try_code(0, s1, 0) == 1);
	CHECK(try_code(0, smax, 0) == 0);
	CHECK(try_code(59, "287082", 0) == 1);
	/* The far end of time: now / 30 + 1 does not wrap either. */
	char top[TOTP_DIGITS + 1];
	totp_code(rfc_secret, UINT64_MAX / TOTP_PERIOD_S + 1, top);
	CHECK(try_code(UINT64_MAX, top, 0) == UINT64_MAX / TOTP_PERIOD_S + 1);
}

/* Steps 910737 and 910738 share the code 911617 under the RFC secret (found by search):
 * the later step is the one recorded, so neither can be replayed. */
static void
test_collision(void)
{
	char a[TOTP_DIGITS + 1], b[TOTP_DIGITS + 1];
	totp_code(rfc_secret, 910737, a);
	totp_code(rfc_secret, 910738, b);
	CHECK(strcmp(a, "911617") == 0 && strcmp(b, "911617") == 0);
	CHECK(try_code(910737 * 30ull, "911617", 0) == 910738);
	CHECK(try_code(910738 * 30ull, "911617", 0) == 910738);
	CHECK(try_code(910738 * 30ull, "911617", 910737) == 910738);
	CHECK(try_code(910738 * 30ull, "911617", 910738) == 0);
	CHECK(try_code(910739 * 30ull, "911617", 0) == 910738);
}

static void
test_malformed(void)
{
	const uint64_t now = 59;   /* code 287082 at step 1 */
	uint64_t got = 0;

	CHECK(try_code(now, "287082", 0) == 1);
	CHECK(try_code(now, "87082", 0) == 0);      /* 5 digits */
	CHECK(try_code(now, "2870820", 0) == 0);    /* 7 digits, the first 6 right */
	CHECK(try_code(now, "0287082", 0) == 0);    /* 7 digits, the last 6 right */
	CHECK(try_code(now, "", 0) == 0);
	CHECK(try_code(now, "28708a", 0) == 0);
	CHECK(try_code(now, " 87082", 0) == 0);
	CHECK(try_code(now, "28708 ", 0) == 0);
	CHECK(try_code(now, "+87082", 0) == 0);
	CHECK(try_code(now, "-87082", 0) == 0);
	CHECK(try_code(now, "2870/2", 0) == 0);     /* '/' and ':' border the digits */
	CHECK(try_code(now, "2870:2", 0) == 0);
	CHECK(try_code(now, "\xef\xbc\x92""87082", 0) == 0);   /* fullwidth 2 */
	/* Lengths, not NULs, bound the code. */
	CHECK(totp_check(rfc_secret, now, "287082\0", 7, 0, &got) == -1);
	CHECK(totp_check(rfc_secret, now, "28708\0" "2", 6, 0, &got) == -1);
	CHECK(totp_check(rfc_secret, now, "2870829", 6, 0, &got) == 0 && got == 1);
	CHECK(totp_check(rfc_secret, now, NULL, 6, 0, &got) == -1);
	/* Every one-digit change to the right code is refused. */
	char code[TOTP_DIGITS + 1] = "287082";
	int accepted = 0;
	for (int pos = 0; pos < 6; pos++) {
		for (char d = '0'; d <= '9'; d++) {
			if (d == "287082"[pos])
				continue;
			code[pos] = d;
			accepted += try_code(now, code, 0) != 0;
			code[pos] = "287082"[pos];
		}
	}
	CHECK(accepted == 0);
}

static void
test_base32_uri(void)
{
	char b32[TOTP_BASE32_CHARS + 1];
	char uri[512];

	totp_secret_base32(rfc_secret, b32);
	CHECK(strcmp(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") == 0);
	/* All bits reach the output: 0x00.. and 0xff.. and the RFC 4648 "foobar" prefix. */
	uint8_t s[TOTP_SECRET_BYTES];
	memset(s, 0, sizeof(s));
	totp_secret_base32(s, b32);
	CHECK(strcmp(b32, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") == 0);
	memset(s, 0xff, sizeof(s));
	totp_secret_base32(s, b32);
	CHECK(strcmp(b32, "77777777777777777777777777777777") == 0);
	memset(s, 0, sizeof(s));
	memcpy(s, "fooba", 5);   /* RFC 4648 section 10: BASE32("fooba") = "MZXW6YTB" */
	totp_secret_base32(s, b32);
	CHECK(strncmp(b32, "MZXW6YTBAAAA", 12) == 0);
	s[19] = 1;
	totp_secret_base32(s, b32);
	CHECK(strcmp(b32 + 24, "AAAAAAAB") == 0);
	CHECK(strlen(b32) == 32);

	const char *want = "otpauth://totp/sava:alice%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	                   "&issuer=sava&algorithm=SHA1&digits=6&period=30";
	CHECK(totp_uri(rfc_secret, "sava", "alice@example.org", uri, sizeof(uri)) == 0);
	CHECK(strcmp(uri, want) == 0);
	/* Exactly enough room, and one byte less. */
	CHECK(totp_uri(rfc_secret, "sava", "alice@example.org", uri, strlen(want) + 1) == 0);
	CHECK(strcmp(uri, want) == 0);
	CHECK(totp_uri(rfc_secret, "sava", "alice@example.org", uri, strlen(want)) == -1);
	CHECK(uri[0] == '\0');   /* wiped, secret included */
	CHECK(sodium_is_zero((const unsigned char *)uri, strlen(want)));
	CHECK(totp_uri(rfc_secret, "sava", "alice@example.org", uri, 1) == -1);
	CHECK(totp_uri(rfc_secret, "sava", "alice@example.org", uri, 0) == -1);
	CHECK(totp_uri(rfc_secret, "sava", "alice@example.org", NULL, 100) == -1);

	/* Reserved, space, slash, colon, '?', '&', '#', '%', '+' and UTF-8 are escaped;
	 * the unreserved - . _ ~ are kept. */
	CHECK(totp_uri(rfc_secret, "Human Rights/Org & Co", "a:b?c#d%e+f~g.h_i-j \xd0\x96", uri, sizeof(uri)) == 0);
	CHECK(strcmp(uri, "otpauth://totp/Human%20Rights%2FOrg%20%26%20Co:a%3Ab%3Fc%23d%25e%2Bf~g.h_i-j%20%D0%96"
	                  "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Human%20Rights%2FOrg%20%26%20Co"
	                  "&algorithm=SHA1&digits=6&period=30") == 0);
	CHECK(totp_uri(rfc_secret, "a\"<>'b", "x", uri, sizeof(uri)) == 0);
	CHECK(strncmp(uri, "otpauth://totp/a%22%3C%3E%27b:x?", 32) == 0);

	CHECK(totp_uri(rfc_secret, "", "alice", uri, sizeof(uri)) == -1);
	CHECK(totp_uri(rfc_secret, "sava", "", uri, sizeof(uri)) == -1);
	CHECK(totp_uri(rfc_secret, NULL, "alice", uri, sizeof(uri)) == -1);
	CHECK(totp_uri(rfc_secret, "sava", NULL, uri, sizeof(uri)) == -1);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_rfc_vectors();
	test_window();
	test_replay();
	test_collision();
	test_malformed();
	test_base32_uri();
	return check_done("totp");
}
