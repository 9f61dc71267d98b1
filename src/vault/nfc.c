/* nfc: NFC normalization through libunistring's u8_normalize, after u8_check refuses
 * invalid UTF-8. Trusted with passphrases: the result is built in one block of ours,
 * sized so that libunistring never reallocates it, and wiped before it is freed. */
#include "vault/nfc.h"

#include <stdint.h>
#include <stdlib.h>

#include <sodium.h>
#include <uninorm.h>
#include <unistr.h>

/* In UTF-8, NFC at most triples the length of a string (Unicode's normalization FAQ),
 * and composition at most shrinks it to a third (three Hangul jamo, 9 bytes, become one
 * 3-byte syllable); the shrinking bound here is 4 to leave a margin. */
#define NFC_GROWTH 3
#define NFC_SHRINK 4

int
text_nfc(sv_t in, buf_t *out)
{
	const uint8_t *s = (const uint8_t *)in.p;

	if (in.len == 0)
		return buf_append(out, "", 0);
	size_t room = out->max >= out->len ? out->max - out->len : 0;
	if (s == NULL || in.len > SIZE_MAX / NFC_GROWTH || in.len / NFC_SHRINK > room || u8_check(s, in.len) != NULL) {
		buf_free(out);
		return -1;
	}
	/* A result that fits in ours is written there and nowhere else: with resultbuf NULL,
	 * u8_normalize grows its result with realloc, leaving unwiped copies on the heap. */
	size_t cap = in.len * NFC_GROWTH;
	uint8_t *mine = malloc(cap);
	if (mine == NULL) {
		buf_free(out);
		return -1;
	}
	size_t n = cap;
	uint8_t *norm = u8_normalize(UNINORM_NFC, s, in.len, mine, &n);
	int rc = norm ? buf_append(out, norm, n) : -1;
	if (norm == NULL)
		buf_free(out);
	if (norm != NULL && norm != mine) {   /* not expected: the bound above held */
		sodium_memzero(norm, n);
		free(norm);
	}
	sodium_memzero(mine, cap);
	free(mine);
	return rc;
}
