/* totp: RFC 6238 codes with nettle's HMAC-SHA1 (libsodium has no SHA-1), the ±1-step
 * check with replay refusal, and the otpauth:// enrollment URI. Trusted with the TOTP
 * secret: every HMAC state, digest and candidate code is wiped before returning. */
#include "vault/totp.h"

#include <string.h>

#include <nettle/hmac.h>
#include <sodium.h>

#define TOTP_MODULUS 1000000u   /* 10^TOTP_DIGITS */

void
totp_code(const uint8_t secret[TOTP_SECRET_BYTES], uint64_t step, char out[TOTP_DIGITS + 1])
{
	struct hmac_sha1_ctx ctx;
	uint8_t msg[8], mac[SHA1_DIGEST_SIZE];

	for (int i = 0; i < 8; i++)
		msg[i] = (uint8_t)(step >> (8 * (7 - i)));   /* big-endian counter (RFC 4226) */
	hmac_sha1_set_key(&ctx, TOTP_SECRET_BYTES, secret);
	hmac_sha1_update(&ctx, sizeof(msg), msg);
	hmac_sha1_digest(&ctx, sizeof(mac), mac);

	/* Dynamic truncation (RFC 4226 section 5.3). */
	unsigned off = mac[SHA1_DIGEST_SIZE - 1] & 0x0f;
	uint32_t bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	    (uint32_t)mac[off + 2] << 8 | (uint32_t)mac[off + 3];
	uint32_t v = bin % TOTP_MODULUS;
	for (int i = TOTP_DIGITS - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[TOTP_DIGITS] = '\0';

	sodium_memzero(&ctx, sizeof(ctx));
	sodium_memzero(mac, sizeof(mac));
	sodium_memzero(&bin, sizeof(bin));
	sodium_memzero(&off, sizeof(off));
}

int
totp_check(const uint8_t secret[TOTP_SECRET_BYTES], uint64_t now_unix, const char *code, size_t code_len,
    uint64_t last_step, uint64_t *accepted_step)
{
	char cand[3][TOTP_DIGITS + 1];
	uint64_t step = now_unix / TOTP_PERIOD_S;   /* at most UINT64_MAX / 30: step + 1 cannot wrap */
	uint64_t found = 0, accepted = 0;

	/* The code's shape is not secret: refuse anything but 6 ASCII digits at once. */
	if (code == NULL || code_len != TOTP_DIGITS)
		return -1;
	for (size_t i = 0; i < code_len; i++)
		if (code[i] < '0' || code[i] > '9')
			return -1;

	/* Later steps last, so that a (1 in 10^6) collision records the later step. */
	for (int i = 0; i < 3; i++) {
		/* step - 1 does not exist at step 0: compute step 0's code anyway, never accept it. */
		uint64_t s = step + (uint64_t)i - 1;
		uint64_t exists = (uint64_t)(i > 0 || step > 0);
		if (exists == 0)
			s = 0;
		totp_code(secret, s, cand[i]);
		uint64_t same = (uint64_t)(sodium_memcmp(cand[i], code, TOTP_DIGITS) == 0);
		uint64_t fresh = (uint64_t)(s > last_step);
		uint64_t mask = (uint64_t)0 - (same & fresh & exists);
		accepted = (accepted & ~mask) | (s & mask);
		found |= mask;
	}
	sodium_memzero(cand, sizeof(cand));
	if (found == 0)
		return -1;
	*accepted_step = accepted;
	return 0;
}

void
totp_secret_base32(const uint8_t secret[TOTP_SECRET_BYTES], char out[TOTP_BASE32_CHARS + 1])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	/* 160 bits are exactly 32 groups of 5: no partial group, no padding. */
	for (size_t i = 0; i < TOTP_SECRET_BYTES; i++) {
		acc = (acc << 8) | secret[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = alphabet[(acc >> bits) & 0x1f];
		}
		acc &= (1u << bits) - 1;
	}
	out[o] = '\0';
	sodium_memzero(&acc, sizeof(acc));
}

/* A bounded writer into the caller's array: once it overflows, it stays failed. */
typedef struct {
	char *p;
	size_t len, cap;
	int failed;
} totp_out_t;

static void
totp_out_bytes(totp_out_t *w, const char *s, size_t n)
{
	if (w->failed || n >= w->cap - w->len) {   /* room for the NUL too */
		w->failed = 1;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void
totp_out_cstr(totp_out_t *w, const char *s)
{
	totp_out_bytes(w, s, strlen(s));
}

/* RFC 3986 percent-encoding: unreserved (ALPHA DIGIT - . _ ~) kept, every other byte %XX. */
static void
totp_out_pct(totp_out_t *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			totp_out_bytes(w, (const char *)&c, 1);
		} else {
			char esc[3] = { '%', hex[c >> 4], hex[c & 0x0f] };
			totp_out_bytes(w, esc, sizeof(esc));
		}
	}
}

int
totp_uri(const uint8_t secret[TOTP_SECRET_BYTES], const char *issuer, const char *account, char *out,
    size_t outlen)
{
	char b32[TOTP_BASE32_CHARS + 1];
	totp_out_t w = { out, 0, outlen, 0 };

	if (out == NULL || outlen == 0)
		return -1;
	if (issuer == NULL || account == NULL || issuer[0] == '\0' || account[0] == '\0') {
		sodium_memzero(out, outlen);
		return -1;
	}
	totp_secret_base32(secret, b32);
	totp_out_cstr(&w, "otpauth://totp/");
	totp_out_pct(&w, issuer);
	totp_out_cstr(&w, ":");
	totp_out_pct(&w, account);
	totp_out_cstr(&w, "?secret=");
	totp_out_bytes(&w, b32, TOTP_BASE32_CHARS);
	totp_out_cstr(&w, "&issuer=");
	totp_out_pct(&w, issuer);
	totp_out_cstr(&w, "&algorithm=SHA1&digits=6&period=30");
	sodium_memzero(b32, sizeof(b32));
	if (w.failed) {
		sodium_memzero(out, outlen);
		return -1;
	}
	out[w.len] = '\0';
	return 0;
}
