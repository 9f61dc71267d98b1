/* seal: items sealed by the vault, through a case opened once per write (access_keys): each with a
 * random id, padded (padme) so its length says little, as ciphertext the store keeps
 * as it is. Trusted with plaintext only for the length of the call. */
#include "domain/seal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int
seal_item_kind(const app_t *app, struct access *a, struct sealed *out, int kind, int role, int field, sv_t text,
    int64_t hour)
{
	case_keys_t *k;
	if (out->n >= 8 || (k = access_keys(app, a)) == NULL)
		return -1;
	size_t cap = CASE_ITEM_OVERHEAD + vault_padme(text.len + 1), len = 0;
	uint8_t *b = malloc(cap);
	if (!b)
		return -1;
	store_item_t *it = &out->items[out->n];
	memset(it, 0, sizeof(*it));
	randombytes_buf(it->id, 16);
	if (case_keys_item_seal(k, (uint8_t)kind, it->id, (uint8_t)role, (uint8_t)field, (const uint8_t *)text.p, text.len,
	        b, cap, &len) != VAULT_OK) {
		free(b);
		return -1;
	}
	it->kind = kind;
	it->role = role;
	it->field = field;
	it->created_hour = hour;
	it->ct = b;
	it->ct_len = len;
	out->buf[out->n++] = b;
	return 0;
}

int
seal_item(const app_t *app, struct access *a, struct sealed *out, int role, int field, sv_t text, int64_t hour)
{
	return seal_item_kind(app, a, out, CASE_KIND_CASE, role, field, text, hour);
}

void
sealed_free(struct sealed *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->buf[i]);   /* ciphertext: nothing to wipe */
	s->n = 0;
}
