/* case_life: a case's life in the vault: creation with its receipt, the requester's login,
 * new epochs, grants, shredding and the list of live cases (CRYPTO.md "Cases"). Trusted
 * with z, s_e, n_e and sk_req, in sodium_malloc memory, wiped on return. */
#include "vault/case.h"

#include <sodium.h>
#include <string.h>

#include "vault/case_private.h"
#include "vault/shredkf.h"
#include "vault/vault_private.h"

#define box_seal vault_box_seal

/* ---- creation, epochs, shredding ---- */

static void
audit_id_of(const uint8_t z[32], uint8_t out[16])
{
	uint8_t h[32];
	crypto_generichash(h, 32, (const uint8_t *)"sava-audit-v1", 13, z, 32);
	memcpy(out, h, 16);
	sodium_memzero(h, sizeof(h));
}

/* Seals secret (kind) of epoch e to each holder. */
static int
copies_seal(uint8_t (*out)[CASE_COPY_BYTES], const uint8_t (*holders)[32], size_t n, uint8_t kind,
    const uint8_t case_id[16], uint32_t e, const uint8_t secret[32], struct case_secrets *s)
{
	for (size_t i = 0; i < n; i++)
		if (case_copy_seal(out[i], holders[i], kind, case_id, e, secret, s) != 0)
			return -1;
	return 0;
}

vault_status_t
case_create(vault_t *v, unsigned digits, const uint8_t (*holders)[32], size_t nholders, case_new_t *out)
{
	uint8_t lookup[32];
	if (digits < RECEIPT_DIGITS_MIN || digits > RECEIPT_DIGITS_MAX || nholders == 0 || nholders > CASE_HOLDERS_MAX)
		return VAULT_ERROR;
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	memset(out, 0, sizeof(*out));
	randombytes_buf(out->case_id, 16);
	randombytes_buf(s->slot.z, 32);
	vault_status_t st = case_receipt_new(digits, out->receipt) == 0 ? VAULT_OK : VAULT_ERROR;
	if (st == VAULT_OK)
		st = case_receipt_derive_gated(v, KDF_FOR_HELP, out->receipt, digits, s, lookup);
	if (st != VAULT_OK)
		goto done;
	case_receipt_keypair(s->slot.z, s);
	memcpy(s->pk_req, s->hpk, 32);
	vault_sess_new(SESS_KIND_MAILBOX, out->case_id, s->hsk, &out->mailbox);   /* box holds sk_req */
	sodium_memzero(s->hsk, sizeof(s->hsk));

	st = VAULT_ERROR;
	randombytes_buf(s->old_s, 32);   /* s_0 */
	randombytes_buf(s->old_n, 32);   /* n_0 */
	if (case_copy_seal(out->req_copy, s->pk_req, CASE_KIND_CASE, out->case_id, 0, s->old_s, s) != 0 ||
	    copies_seal(out->copies, holders, nholders, CASE_KIND_CASE, out->case_id, 0, s->old_s, s) != 0 ||
	    copies_seal(out->ncopies, holders, nholders, CASE_KIND_NOTES, out->case_id, 0, s->old_n, s) != 0)
		goto done;
	/* pk_req is kept only as an item under s_0, for resealing at later epochs */
	size_t item_len = 0;
	randombytes_buf(out->pk_req_item_id, 16);
	case_root(s->root, s->slot.z, CASE_KIND_CASE, out->case_id, 0, s->old_s);
	case_subkey(s->key, s->root, CASE_KIND_CASE, 1);
	if (case_item_seal_key(s->key, CASE_KIND_CASE, out->case_id, out->pk_req_item_id, 0, CASE_ROLE_SYSTEM,
	        CASE_FIELD_PK_REQ, s->pk_req, 32, out->pk_req_item, sizeof(out->pk_req_item), &item_len) != VAULT_OK ||
	    item_len != CASE_PKREQ_ITEM_BYTES)
		goto done;
	s->slot.kind = KF_KIND_CASE;
	s->slot.e = 0;
	memcpy(s->slot.object_id, out->case_id, 16);
	memcpy(s->slot.lookup, lookup, 32);
	if (shredkf_alloc(v, &s->slot, &out->slot) != 0)
		goto done;
	audit_id_of(s->slot.z, out->audit_id);
	st = VAULT_OK;
done:
	sodium_memzero(lookup, sizeof(lookup));
	if (st != VAULT_OK)
		sodium_memzero(out, sizeof(*out));
	case_secrets_free(s);
	return st;
}

vault_status_t
case_receipt_login(vault_t *v, const char *digits, size_t n, uint8_t case_id[CASE_ID_BYTES], uint32_t *slot,
    sess_new_t *out)
{
	uint8_t lookup[32];
	uint32_t at = 0;
	bool found = false;
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = case_receipt_derive_gated(v, KDF_FOR_MAILBOX, digits, n, s, lookup);
	if (st == VAULT_OK)
		st = shredkf_find(v, lookup, &at, &found) != 0 ? VAULT_ERROR : found ? VAULT_OK : VAULT_NOT_FOUND;
	if (st == VAULT_OK) {
		kf_status_t kr = shredkf_read(v, at, &s->slot);
		if (kr == KF_ERROR)
			st = VAULT_ERROR;
		else if (kr != KF_OK || s->slot.kind != KF_KIND_CASE)
			st = VAULT_NOT_FOUND;
	}
	if (st == VAULT_OK) {
		case_receipt_keypair(s->slot.z, s);
		vault_sess_new(SESS_KIND_MAILBOX, s->slot.object_id, s->hsk, out);
		memcpy(case_id, s->slot.object_id, 16);
		*slot = at;
	}
	sodium_memzero(lookup, sizeof(lookup));
	case_secrets_free(s);
	return st;
}

vault_status_t
case_epoch_next(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t pk_req_item_id[16],
    const uint8_t *pk_req_item, size_t pk_req_item_len, const uint8_t (*holders)[32], size_t nholders,
    case_epoch_t *out)
{
	uint8_t ad[80];
	if (case_opener_is_requester(who) || ref->e == UINT32_MAX || nholders == 0 || nholders > CASE_HOLDERS_MAX)
		return VAULT_NOT_FOUND;
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	memset(out, 0, sizeof(*out));
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK)
		st = case_item_open_unlocked(ref, CASE_KIND_CASE, pk_req_item_id, CASE_ROLE_SYSTEM, CASE_FIELD_PK_REQ,
		    pk_req_item, pk_req_item_len, s->pk_req, sizeof(s->pk_req), &s->pk_req_len, s);
	if (st == VAULT_OK && s->pk_req_len != 32)
		st = VAULT_NOT_FOUND;
	/* s_e and n_e: case_copy_open leaves them in s->secret, which case_root_at wipes; so open
	 * each copy on its own here. */
	if (st == VAULT_OK && case_copy_open(ref->copy, CASE_KIND_CASE, ref->case_id, ref->e, s) == 0) {
		memcpy(s->old_s, s->secret, 32);
		if (case_copy_open(ref->ncopy, CASE_KIND_NOTES, ref->case_id, ref->e, s) == 0)
			memcpy(s->old_n, s->secret, 32);
		else
			st = VAULT_NOT_FOUND;
	} else if (st == VAULT_OK) {
		st = VAULT_NOT_FOUND;
	}
	if (st != VAULT_OK)
		goto done;

	uint32_t e1 = ref->e + 1;
	out->e = e1;
	st = VAULT_ERROR;
	/* new s into s->secret, sealed and linked; then the same for n */
	randombytes_buf(s->secret, 32);
	if (case_copy_seal(out->req_copy, s->pk_req, CASE_KIND_CASE, ref->case_id, e1, s->secret, s) != 0 ||
	    copies_seal(out->copies, holders, nholders, CASE_KIND_CASE, ref->case_id, e1, s->secret, s) != 0)
		goto done;
	case_root(s->root, s->slot.z, CASE_KIND_CASE, ref->case_id, e1, s->secret);
	case_subkey(s->key, s->root, CASE_KIND_CASE, 3);
	box_seal(out->link, s->key, s->old_s, 32, ad, case_ad_label(ad, "sava-case-link-v1", ref->case_id, NULL, ref->e));

	randombytes_buf(s->secret, 32);
	if (copies_seal(out->ncopies, holders, nholders, CASE_KIND_NOTES, ref->case_id, e1, s->secret, s) != 0)
		goto done;
	case_root(s->root, s->slot.z, CASE_KIND_NOTES, ref->case_id, e1, s->secret);
	case_subkey(s->key, s->root, CASE_KIND_NOTES, 3);
	box_seal(out->nlink, s->key, s->old_n, 32, ad, case_ad_label(ad, "sava-note-link-v1", ref->case_id, NULL, ref->e));

	/* informational: may run one epoch ahead of the database after a crash */
	if (shredkf_set_epoch(v, ref->slot, ref->case_id, e1) != 0)
		goto done;
	st = VAULT_OK;
done:
	if (st != VAULT_OK)
		sodium_memzero(out, sizeof(*out));
	case_secrets_free(s);
	return st;
}

vault_status_t
case_grant(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t pk[32],
    uint8_t copy[CASE_COPY_BYTES], uint8_t ncopy[CASE_COPY_BYTES])
{
	if (case_opener_is_requester(who))
		return VAULT_NOT_FOUND;
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK && (case_copy_open(ref->copy, CASE_KIND_CASE, ref->case_id, ref->e, s) != 0 ||
	                          case_copy_seal(copy, pk, CASE_KIND_CASE, ref->case_id, ref->e, s->secret, s) != 0 ||
	                          case_copy_open(ref->ncopy, CASE_KIND_NOTES, ref->case_id, ref->e, s) != 0 ||
	                          case_copy_seal(ncopy, pk, CASE_KIND_NOTES, ref->case_id, ref->e, s->secret, s) != 0))
		st = VAULT_NOT_FOUND;
	if (st != VAULT_OK) {
		sodium_memzero(copy, CASE_COPY_BYTES);
		sodium_memzero(ncopy, CASE_COPY_BYTES);
	}
	case_secrets_free(s);
	return st;
}

vault_status_t
case_shred(vault_t *v, const uint8_t case_id[CASE_ID_BYTES], uint32_t slot)
{
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	/* The kind is checked on a read, and the object again under the file's lock by the
	 * shred itself: a slot freed and reused in between is another object's, left alone. */
	vault_status_t st = VAULT_NOT_FOUND;
	kf_status_t kr = shredkf_read(v, slot, &s->slot);
	if (kr == KF_ERROR)
		st = VAULT_ERROR;
	else if (kr == KF_OK && s->slot.kind == KF_KIND_CASE && sodium_memcmp(s->slot.object_id, case_id, 16) == 0) {
		kr = shredkf_shred(v, slot, case_id);
		st = kr == KF_OK ? VAULT_OK : kr == KF_GONE ? VAULT_NOT_FOUND : VAULT_ERROR;
	}
	case_secrets_free(s);
	return st;
}

vault_status_t
case_audit_id(vault_t *v, const uint8_t case_id[CASE_ID_BYTES], uint32_t slot, uint8_t out[16])
{
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = VAULT_NOT_FOUND;
	kf_status_t kr = shredkf_read(v, slot, &s->slot);
	if (kr == KF_ERROR)
		st = VAULT_ERROR;
	else if (kr == KF_OK && s->slot.kind == KF_KIND_CASE && sodium_memcmp(s->slot.object_id, case_id, 16) == 0) {
		audit_id_of(s->slot.z, out);
		st = VAULT_OK;
	}
	case_secrets_free(s);
	return st;
}

struct live_walk {
	case_live_fn fn;
	void *arg;
};

static int
live_one(void *arg, uint32_t index, uint8_t kind, const uint8_t object_id[16])
{
	struct live_walk *w = arg;
	return kind == KF_KIND_CASE ? w->fn(w->arg, index, object_id) : 0;
}

int
case_live_list(vault_t *v, case_live_fn fn, void *arg)
{
	struct live_walk w = { fn, arg };
	return shredkf_list(v, live_one, &w);
}

int
case_slots_sweep(vault_t *v, size_t *n)
{
	return shredkf_sweep_torn(v, n);
}
