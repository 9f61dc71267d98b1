/* Fuzz target for vault/account's acct_recovery_decode: arbitrary bytes as a typed
 * recovery key. Whatever it accepts must hold exactly 26 base32 characters (A-Z, a-z,
 * 2-7) with nothing else but separators (space, dash, tab), and its 16 bytes must
 * re-encode (RFC 4648 base32, written here) to a canonical key that decodes to the same
 * 16 bytes and agrees with the typed characters in all 128 bits. Whatever such a plain
 * reading accepts, the decoder must accept too. Traps otherwise. */
#include <stdint.h>
#include <string.h>

#include "vault/account.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fz_b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* 16 bytes -> 26 characters and a NUL (the last one carries 3 bits and 2 zero bits). */
static void
fz_encode(const uint8_t in[16], char out[27])
{
	unsigned acc = 0, bits = 0;
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		acc = ((acc << 8) | in[i]) & 0xfffu;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = fz_b32[(acc >> bits) & 31];
		}
	}
	out[o++] = fz_b32[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

/* The value of a base32 character in either case, or -1. */
static int
fz_value(uint8_t c)
{
	if (c >= 'a' && c <= 'z')
		c = (uint8_t)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return 26 + (c - '2');
	return -1;
}

/* The plain reading: the values of the characters typed, or -1 when the input is not a
 * recovery key (a character that is neither base32 nor a separator, or not 26 of them). */
static int
fz_read(const uint8_t *data, size_t size, uint8_t vals[26])
{
	size_t n = 0;
	for (size_t i = 0; i < size; i++) {
		if (data[i] == ' ' || data[i] == '-' || data[i] == '\t')
			continue;
		int v = fz_value(data[i]);
		if (v < 0 || n == 26)
			return -1;
		vals[n++] = (uint8_t)v;
	}
	return n == 26 ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t rec[16], again[16], vals[26];
	char canon[27];

	memset(rec, 0xa5, sizeof(rec));
	int rc = acct_recovery_decode((const char *)data, size, rec);
	int want = fz_read(data, size, vals);
	if (rc != want)
		__builtin_trap();
	if (rc != 0)
		return 0;

	fz_encode(rec, canon);
	if (strlen(canon) != ACCT_RECOVERY_CHARS)
		__builtin_trap();
	memset(again, 0x5a, sizeof(again));
	if (acct_recovery_decode(canon, ACCT_RECOVERY_CHARS, again) != 0 || memcmp(again, rec, 16) != 0)
		__builtin_trap();
	/* The 128 bits typed are the 128 bits decoded: the first 25 characters exactly, and
	 * the top 3 bits of the last one (its low 2 bits carry nothing). */
	for (int i = 0; i < 25; i++)
		if (fz_b32[vals[i]] != canon[i])
			__builtin_trap();
	if ((vals[25] >> 2) != (fz_value((uint8_t)canon[25]) >> 2) || (fz_value((uint8_t)canon[25]) & 3) != 0)
		__builtin_trap();
	return 0;
}
