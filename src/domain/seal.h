/* seal: items sealed by the vault for one write, through an opened case (access.h), handed
 * to the store in the same transaction. Private to src/domain; holds ciphertext, and
 * plaintext only for the call that seals it. */
#ifndef SAVA_SEAL_H
#define SAVA_SEAL_H

#include "domain/access.h"

/* Items sealed for one write: ciphertexts owned here. */
struct sealed {
	store_item_t items[8];
	uint8_t *buf[8];
	size_t n;
};

/* Seals text as one more item of out (at most 8), of kind (CASE_KIND_CASE or _NOTES),
 * by role, in field, at hour. 0 or -1. */
int seal_item_kind(const app_t *app, struct access *a, struct sealed *out, int kind, int role, int field, sv_t text,
    int64_t hour);
/* The same, of kind CASE_KIND_CASE (what the requester may read). */
int seal_item(const app_t *app, struct access *a, struct sealed *out, int role, int field, sv_t text, int64_t hour);
void sealed_free(struct sealed *s);

#endif
