/* Fuzz target for vault/totp: arbitrary codes, times and last steps into totp_check
 * with a fixed secret. Whatever it accepts must be exactly 6 ASCII digits equal to the
 * code of one of the 3 window steps that is above last_step (the latest such step),
 * and it must accept whenever such a step exists.
 * Input: mode(1) | now u64 LE | last_step u64 LE | code bytes. Short inputs use
 * now = 1111111109, last_step 0 and the whole input as the code. Mode bit 0 makes the
 * code start from a real candidate (step + ((mode >> 1) % 5) - 2) XORed with the code
 * bytes, so the accepting paths are reached; bits 4-5 then pick its length 6, 5, 7, 6. */
#include <stdint.h>
#include <string.h>

#include "vault/totp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *const fuzz_secret = (const uint8_t *)"12345678901234567890";   /* RFC 6238 */

static uint64_t
fuzz_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* The reference: the same rule as totp_check, written plainly. */
static int
fuzz_expect(uint64_t now, const char *code, size_t len, uint64_t last, uint64_t *step_out)
{
	uint64_t step = now / TOTP_PERIOD_S;
	int found = 0;

	if (len != TOTP_DIGITS)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (code[i] < '0' || code[i] > '9')
			return -1;
	for (uint64_t s = (step > 0 ? step - 1 : 0); s <= step + 1; s++) {
		char c[TOTP_DIGITS + 1];
		totp_code(fuzz_secret, s, c);
		if (c[TOTP_DIGITS] != '\0' || strspn(c, "0123456789") != TOTP_DIGITS)
			__builtin_trap();
		if (s > last && memcmp(c, code, TOTP_DIGITS) == 0) {
			*step_out = s;   /* the latest matching step wins */
			found = 1;
		}
	}
	return found ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t now = 1111111109, last = 0;
	uint8_t mode = 0;
	const uint8_t *code = data;
	size_t len = size;
	char built[8];

	if (size >= 17) {
		mode = data[0];
		now = fuzz_u64(data + 1);
		last = fuzz_u64(data + 9);
		code = data + 17;
		len = size - 17;
	}
	if (mode & 1) {
		uint64_t step = now / TOTP_PERIOD_S;
		uint64_t s = step + (uint64_t)((mode >> 1) % 5) - 2;
		static const size_t lens[4] = { 6, 5, 7, 6 };
		char c[TOTP_DIGITS + 1];
		totp_code(fuzz_secret, s, c);
		memcpy(built, c, 6);
		built[6] = '0';
		size_t blen = lens[(mode >> 4) & 3];
		for (size_t i = 0; i < blen && i < len; i++)
			built[i] = (char)(built[i] ^ code[i]);
		code = (const uint8_t *)built;
		len = blen;
	}

	uint64_t got = 0xdeadbeef, want = 0;
	int rc = totp_check(fuzz_secret, now, (const char *)code, len, last, &got);
	int expect = fuzz_expect(now, (const char *)code, len, last, &want);
	if (rc != expect)
		__builtin_trap();
	if (rc == 0) {
		char c[TOTP_DIGITS + 1];
		totp_code(fuzz_secret, got, c);
		if (got != want || got <= last || len != TOTP_DIGITS || memcmp(c, code, TOTP_DIGITS) != 0)
			__builtin_trap();
		uint64_t step = now / TOTP_PERIOD_S;
		if (got + 1 < step || got > step + 1)
			__builtin_trap();
	} else if (got != 0xdeadbeef) {
		__builtin_trap();   /* a refusal leaves *accepted_step alone */
	}
	return 0;
}
