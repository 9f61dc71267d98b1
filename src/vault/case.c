/* case: receipts, case and notes secrets per epoch, copies, links and items, byte for byte
 * as CRYPTO.md lays them out. Trusted with everything of a case: z, s_e, n_e, sk_req and
 * group keys pass through here in sodium_malloc memory, wiped on return. */
#include "vault/case.h"

#include <sodium.h>
#include <string.h>

#include "core/le.h"
#include "core/log.h"
#include "vault/case_private.h"
#include "vault/secmem.h"
#include "vault/shredkf.h"
#include "vault/vault_private.h"

struct case_secrets *
case_secrets_new(void)
{
	return secmem_alloc(sizeof(struct case_secrets));
}

void
case_secrets_free(struct case_secrets *s)
{
	secmem_free(s);   /* wiped */
}


/* ad = label | case_id 16 | [id 16] | e u32 */
size_t
case_ad_label(uint8_t ad[80], const char *label, const uint8_t case_id[16], const uint8_t *id, uint32_t e)
{
	size_t n = strlen(label);
	memcpy(ad, label, n);
	memcpy(ad + n, case_id, 16);
	n += 16;
	if (id) {
		memcpy(ad + n, id, 16);
		n += 16;
	}
	le32_put(ad + n, e);
	return n + 4;
}

/* H(z, label | case_id | e u32 | secret): root_e or nroot_e. */
void
case_root(uint8_t out[32], const uint8_t z[32], uint8_t kind, const uint8_t case_id[16], uint32_t e,
    const uint8_t secret[32])
{
	crypto_generichash_state h;
	uint8_t le[4];
	const char *label = kind == CASE_KIND_CASE ? "sava-case-v1" : "sava-note-v1";
	le32_put(le, e);
	crypto_generichash_init(&h, z, 32, 32);
	crypto_generichash_update(&h, (const uint8_t *)label, 12);
	crypto_generichash_update(&h, case_id, 16);
	crypto_generichash_update(&h, le, 4);
	crypto_generichash_update(&h, secret, 32);
	crypto_generichash_final(&h, out, 32);
	sodium_memzero(&h, sizeof(h));
}

/* k_item/k_fwrap/k_link = KDF(root, 1/2/3, "savaCASE"); k_note/k_nlink with "savaNOTE". */
void
case_subkey(uint8_t out[32], const uint8_t root[32], uint8_t kind, uint64_t id)
{
	crypto_kdf_derive_from_key(out, 32, id, kind == CASE_KIND_CASE ? "savaCASE" : "savaNOTE", root);
}

static void
instance_cost(const vault_t *v, unsigned long long *ops, size_t *mem)
{
	*ops = v->kdf == KDF_INSECURE_FAST ? crypto_pwhash_OPSLIMIT_MIN : 3;
	*mem = v->kdf == KDF_INSECURE_FAST ? crypto_pwhash_MEMLIMIT_MIN : 256u * 1024 * 1024;
}

static bool
digits_ok(const char *d, size_t n)
{
	if (n < RECEIPT_DIGITS_MIN || n > RECEIPT_DIGITS_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (d[i] < '0' || d[i] > '9')
			return false;
	return true;
}

int
case_receipt_new(unsigned digits, char out[RECEIPT_DIGITS_MAX + 1])
{
	if (digits < RECEIPT_DIGITS_MIN || digits > RECEIPT_DIGITS_MAX)
		return -1;
	for (unsigned i = 0; i < digits; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[digits] = '\0';
	return 0;
}

/* s->a = Argon2id(r, salt); s->sub = KDF(A, 2); lookup = KDF(A, 1). */
static int
receipt_derive(const uint8_t salt[16], const char *digits, size_t n, unsigned long long ops, size_t mem,
    struct case_secrets *s, uint8_t lookup[32])
{
	if (!digits_ok(digits, n) ||
	    crypto_pwhash(s->a, 32, digits, n, salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	crypto_kdf_derive_from_key(lookup, 32, 1, "savaRCPT", s->a);
	crypto_kdf_derive_from_key(s->sub, 32, 2, "savaRCPT", s->a);
	return 0;
}

/* seed = H(z, "sava-req-seed-v1" | s->sub); (pk, sk) = seed keypair, into s->hpk, s->hsk. */
void
case_receipt_keypair(const uint8_t z[32], struct case_secrets *s)
{
	crypto_generichash_state h;
	uint8_t seed[32];
	crypto_generichash_init(&h, z, 32, 32);
	crypto_generichash_update(&h, (const uint8_t *)"sava-req-seed-v1", 16);
	crypto_generichash_update(&h, s->sub, 32);
	crypto_generichash_final(&h, seed, 32);
	crypto_box_seed_keypair(s->hpk, s->hsk, seed);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(&h, sizeof(h));
}

int
case_receipt_keys(const uint8_t salt[16], const char *digits, size_t n, unsigned long long ops, size_t mem,
    const uint8_t z[32], uint8_t lookup[32], uint8_t pk_req[32])
{
	struct case_secrets *s = case_secrets_new();
	int rc = -1;
	if (!s)
		return -1;
	if (receipt_derive(salt, digits, n, ops, mem, s, lookup) == 0) {
		case_receipt_keypair(z, s);
		memcpy(pk_req, s->hpk, 32);
		rc = 0;
	}
	case_secrets_free(s);
	return rc;
}

/* Runs the receipt derivation at the instance's cost inside the bounded gate, waiting
 * (when it must) among the derivations of the same purpose. */
vault_status_t
case_receipt_derive_gated(vault_t *v, kdf_purpose_t purpose, const char *digits, size_t n, struct case_secrets *s,
    uint8_t lookup[32])
{
	unsigned long long ops;
	size_t mem;
	if (!digits_ok(digits, n))
		return VAULT_NOT_FOUND;
	instance_cost(v, &ops, &mem);
	if (vault_kdf_enter(v, purpose) != 0)
		return VAULT_BUSY;
	int rc = receipt_derive(v->ik + IK_OFF_SALT, digits, n, ops, mem, s, lookup);
	vault_kdf_leave(v);
	return rc == 0 ? VAULT_OK : VAULT_ERROR;
}

/* copy = SEAL(pk, 01 | kind | case_id | e u32 | secret) */
int
case_copy_seal(uint8_t out[CASE_COPY_BYTES], const uint8_t pk[32], uint8_t kind, const uint8_t case_id[16], uint32_t e,
    const uint8_t secret[32], struct case_secrets *s)
{
	s->copy_plain[0] = 1;
	s->copy_plain[1] = kind;
	memcpy(s->copy_plain + 2, case_id, 16);
	le32_put(s->copy_plain + 18, e);
	memcpy(s->copy_plain + 22, secret, 32);
	int rc = crypto_box_seal(out, s->copy_plain, CASE_COPY_PLAIN, pk);
	sodium_memzero(s->copy_plain, sizeof(s->copy_plain));
	return rc;
}

/* Opens a copy with (s->hpk, s->hsk) and checks format, kind, case and epoch. */
int
case_copy_open(const uint8_t copy[CASE_COPY_BYTES], uint8_t kind, const uint8_t case_id[16], uint32_t e,
    struct case_secrets *s)
{
	int rc = -1;
	if (crypto_box_seal_open(s->copy_plain, copy, CASE_COPY_BYTES, s->hpk, s->hsk) == 0 && s->copy_plain[0] == 1 &&
	    s->copy_plain[1] == kind && sodium_memcmp(s->copy_plain + 2, case_id, 16) == 0 &&
	    le32_get(s->copy_plain + 18) == e) {
		memcpy(s->secret, s->copy_plain + 22, 32);
		rc = 0;
	}
	sodium_memzero(s->copy_plain, sizeof(s->copy_plain));
	return rc;
}

#define box_open vault_box_open

/* ---- openers ---- */

/* The session's X25519 key into s->hsk, s->hpk (CRYPTO.md "Sessions"). */
static int
sess_key(const sess_t *ss, struct case_secrets *s)
{
	return vault_sess_key(ss, s->hsk, s->hpk);
}

/* Opens a group seal (tag | group_id | epoch | sk) with (s->hpk, s->hsk) into s->gsk. */
static int
group_seal_open(const uint8_t sealed[GROUP_SEAL_BYTES], uint8_t tag, const uint8_t group_id[16], uint32_t epoch,
    struct case_secrets *s)
{
	return vault_group_seal_open(sealed, tag, group_id, epoch, s->hpk, s->hsk, s->gsk);
}

bool
case_opener_is_requester(const case_opener_t *who)
{
	return who->by == CASE_BY_RECEIPT || (who->by == CASE_BY_SESSION && who->sess.kind == SESS_KIND_MAILBOX);
}

struct group_key {
	uint8_t group_id[16];
	uint32_t epoch;
	uint8_t sk[32];
};

vault_status_t
group_key_open(const case_opener_t *who, group_key_t **out)
{
	*out = NULL;
	if (who->by != CASE_BY_GROUP || who->sess.kind != SESS_KIND_STAFF)
		return VAULT_NOT_FOUND;
	struct case_secrets *s = case_secrets_new();
	group_key_t *k = secmem_alloc(sizeof(*k));
	vault_status_t st = VAULT_ERROR;
	if (s && k) {
		st = VAULT_NOT_FOUND;
		if (sess_key(&who->sess, s) == 0 && group_seal_open(who->group_copy, 2, who->group_id, who->group_epoch, s) == 0) {
			memcpy(k->group_id, who->group_id, 16);
			k->epoch = who->group_epoch;
			memcpy(k->sk, s->gsk, 32);
			*out = k;
			k = NULL;
			st = VAULT_OK;
		}
	}
	secmem_free(k);
	if (s)
		case_secrets_free(s);
	return st;
}

void
group_key_free(group_key_t *k)
{
	secmem_free(k);   /* wiped */
}

/* who's group key at who->group_epoch into s->gsk: the one already opened when it is for
 * this group and epoch, else through her session key and her copy. */
static int
group_key_load(const case_opener_t *who, struct case_secrets *s)
{
	if (who->gkey && who->gkey->epoch == who->group_epoch && sodium_memcmp(who->gkey->group_id, who->group_id, 16) == 0) {
		memcpy(s->gsk, who->gkey->sk, 32);
		return 0;
	}
	if (sess_key(&who->sess, s) != 0)
		return -1;
	return group_seal_open(who->group_copy, 2, who->group_id, who->group_epoch, s);
}

/* Loads the case's slot and the opener's key pair (the one its copies are sealed to). */
vault_status_t
case_unlock(vault_t *v, const case_opener_t *who, const case_ref_t *ref, struct case_secrets *s)
{
	kf_status_t kr = shredkf_read(v, ref->slot, &s->slot);
	if (kr == KF_ERROR)
		return VAULT_ERROR;
	if (kr != KF_OK || s->slot.kind != KF_KIND_CASE || sodium_memcmp(s->slot.object_id, ref->case_id, 16) != 0)
		return VAULT_NOT_FOUND;
	switch (who->by) {
	case CASE_BY_RECEIPT: {
		uint8_t lookup[32];
		vault_status_t st = case_receipt_derive_gated(v, KDF_FOR_MAILBOX, who->receipt, who->receipt_len, s, lookup);
		if (st != VAULT_OK)
			return st;
		int same = sodium_memcmp(lookup, s->slot.lookup, 32) == 0;
		sodium_memzero(lookup, sizeof(lookup));
		if (!same)
			return VAULT_NOT_FOUND;
		case_receipt_keypair(s->slot.z, s);
		return VAULT_OK;
	}
	case CASE_BY_SESSION:
		if (who->sess.kind == SESS_KIND_MAILBOX && sodium_memcmp(who->sess.owner, ref->case_id, 16) != 0)
			return VAULT_NOT_FOUND;
		return sess_key(&who->sess, s) == 0 ? VAULT_OK : VAULT_NOT_FOUND;
	case CASE_BY_GROUP: {
		if (who->sess.kind != SESS_KIND_STAFF || who->nglinks > who->group_epoch ||
		    (who->nglinks && !who->glinks) || group_key_load(who, s) != 0)
			return VAULT_NOT_FOUND;
		/* from epoch g down to the one the case copy is sealed to */
		for (uint32_t i = 0; i < who->nglinks; i++) {
			memcpy(s->hsk, s->gsk, 32);
			crypto_scalarmult_curve25519_base(s->hpk, s->hsk);
			if (group_seal_open(who->glinks[i], 3, who->group_id, who->group_epoch - 1 - i, s) != 0)
				return VAULT_NOT_FOUND;
		}
		memcpy(s->hsk, s->gsk, 32);
		crypto_scalarmult_curve25519_base(s->hpk, s->hsk);
		sodium_memzero(s->gsk, sizeof(s->gsk));
		return VAULT_OK;
	}
	default:
		return VAULT_NOT_FOUND;
	}
}

/* After case_unlock: s->root = root_t (kind 0) or nroot_t (kind 1) for epoch t <= ref->e,
 * opening the opener's copy at ref->e and then the links back to t. */
int
case_root_at(const case_ref_t *ref, uint8_t kind, uint32_t t, struct case_secrets *s)
{
	const uint8_t (*links)[CASE_LINK_BYTES] = kind == CASE_KIND_CASE ? ref->links : ref->nlinks;
	uint32_t nlinks = kind == CASE_KIND_CASE ? ref->nlinks_s : ref->nlinks_n;
	const char *label = kind == CASE_KIND_CASE ? "sava-case-link-v1" : "sava-note-link-v1";
	uint8_t ad[80];
	if (t > ref->e || ref->e - t > nlinks || (ref->e != t && !links))
		return -1;
	if (case_copy_open(kind == CASE_KIND_CASE ? ref->copy : ref->ncopy, kind, ref->case_id, ref->e, s) != 0)
		return -1;
	for (uint32_t ep = ref->e; ep > t; ep--) {
		case_root(s->root, s->slot.z, kind, ref->case_id, ep, s->secret);
		case_subkey(s->key, s->root, kind, 3);
		size_t adlen = case_ad_label(ad, label, ref->case_id, NULL, ep - 1);
		if (box_open(s->secret, 32, links[ref->e - ep], s->key, ad, adlen) != 0)
			return -1;
	}
	case_root(s->root, s->slot.z, kind, ref->case_id, t, s->secret);
	sodium_memzero(s->secret, sizeof(s->secret));
	sodium_memzero(s->key, sizeof(s->key));
	return 0;
}

/* ---- items ---- */

/* AD = "sava" | 01 | kind | case_id | item_id | e u32 | author_role | field */
static size_t
item_ad(uint8_t ad[44], uint8_t kind, const uint8_t case_id[16], const uint8_t item_id[16], uint32_t e, uint8_t role,
    uint8_t field)
{
	memcpy(ad, "sava", 4);
	ad[4] = 1;
	ad[5] = kind;
	memcpy(ad + 6, case_id, 16);
	memcpy(ad + 22, item_id, 16);
	le32_put(ad + 38, e);
	ad[42] = role;
	ad[43] = field;
	return 44;
}

/* item = 01 | e u32 | nonce 24 | AEAD(key, sodium_pad(pt, padme(len + 1)), AD) */
vault_status_t
case_item_seal_key(const uint8_t key[32], uint8_t kind, const uint8_t case_id[16], const uint8_t item_id[16],
    uint32_t e, uint8_t role, uint8_t field, const uint8_t *pt, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t ad[44];
	size_t padded = vault_padme(len + 1), plen = 0;
	if (len > CASE_ITEM_PT_MAX || cap < CASE_ITEM_OVERHEAD + padded)
		return VAULT_ERROR;
	uint8_t *buf = secmem_alloc(padded);
	if (!buf)
		return VAULT_ERROR;
	if (len)
		memcpy(buf, pt, len);
	if (sodium_pad(&plen, buf, len, padded, padded) != 0 || plen != padded) {
		secmem_free(buf);
		return VAULT_ERROR;
	}
	out[0] = 1;
	le32_put(out + 1, e);
	randombytes_buf(out + 5, NPUB);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 5 + NPUB, NULL, buf, padded, ad,
	    item_ad(ad, kind, case_id, item_id, e, role, field), NULL, out + 5, key);
	secmem_free(buf);
	*out_len = CASE_ITEM_OVERHEAD + padded;
	return VAULT_OK;
}

/* After case_unlock: opens an item of any epoch up to ref->e. */
/* Decrypts an item of epoch e under its item key. */
static vault_status_t
item_decrypt(const uint8_t key[32], const uint8_t case_id[16], uint8_t kind, const uint8_t item_id[16], uint32_t e,
    uint8_t role, uint8_t field, const uint8_t *item, size_t len, uint8_t *pt, size_t cap, size_t *pt_len)
{
	uint8_t ad[44];
	size_t padded = len - CASE_ITEM_OVERHEAD, ulen = 0;
	uint8_t *buf = secmem_alloc(padded);
	if (!buf)
		return VAULT_ERROR;
	vault_status_t st = VAULT_NOT_FOUND;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(buf, NULL, NULL, item + 5 + NPUB, padded + ATAG, ad,
	        item_ad(ad, kind, case_id, item_id, e, role, field), item + 5, key) == 0 &&
	    sodium_unpad(&ulen, buf, padded, padded) == 0 && vault_padme(ulen + 1) == padded) {
		if (ulen <= cap) {
			if (ulen)
				memcpy(pt, buf, ulen);
			*pt_len = ulen;
			st = VAULT_OK;
		} else {
			st = VAULT_ERROR;
		}
	}
	secmem_free(buf);
	return st;
}

static bool
item_shape_ok(const uint8_t *item, size_t len)
{
	return len >= CASE_ITEM_OVERHEAD + 256 && len <= CASE_ITEM_OVERHEAD + vault_padme(CASE_ITEM_PT_MAX + 1) &&
	    item[0] == 1;
}

vault_status_t
case_item_open_unlocked(const case_ref_t *ref, uint8_t kind, const uint8_t item_id[16], uint8_t role, uint8_t field,
    const uint8_t *item, size_t len, uint8_t *pt, size_t cap, size_t *pt_len, struct case_secrets *s)
{
	if (!item_shape_ok(item, len))
		return VAULT_NOT_FOUND;
	uint32_t e = le32_get(item + 1);
	if (case_root_at(ref, kind, e, s) != 0)
		return VAULT_NOT_FOUND;
	case_subkey(s->key, s->root, kind, 1);
	vault_status_t st = item_decrypt(s->key, ref->case_id, kind, item_id, e, role, field, item, len, pt, cap, pt_len);
	sodium_memzero(s->key, sizeof(s->key));
	return st;
}

static bool
role_ok_for(bool requester, uint8_t kind, uint8_t role)
{
	if (kind != CASE_KIND_CASE && kind != CASE_KIND_NOTES)
		return false;
	if (requester)
		return kind == CASE_KIND_CASE && role == CASE_ROLE_REQUESTER;
	return role == CASE_ROLE_STAFF || role == CASE_ROLE_SYSTEM;
}

static bool
role_ok(const case_opener_t *who, uint8_t kind, uint8_t role)
{
	return role_ok_for(case_opener_is_requester(who), kind, role);
}

vault_status_t
case_item_seal(vault_t *v, const case_opener_t *who, const case_ref_t *ref, uint8_t kind, const uint8_t item_id[16],
    uint8_t role, uint8_t field, const uint8_t *pt, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	/* one item through a handle opened for it: the same rules and bytes as many */
	if (!role_ok(who, kind, role) || len > CASE_ITEM_PT_MAX)
		return VAULT_NOT_FOUND;
	case_keys_t *k = NULL;
	vault_status_t st = case_keys_open(v, who, ref, &k);
	if (st == VAULT_OK)
		st = case_keys_item_seal(k, kind, item_id, role, field, pt, len, out, cap, out_len);
	case_keys_free(k);
	return st;
}

/* ---- many items of one case: unlocked once ---- */

struct case_keys {
	struct case_secrets s;
	case_ref_t ref;              /* borrowed links: the caller keeps them while k lives */
	bool requester;
	bool have[2];
	uint32_t e[2];
	uint8_t key[2][32];          /* the item key last derived for each kind, at e[kind] */
};

vault_status_t
case_keys_open(vault_t *v, const case_opener_t *who, const case_ref_t *ref, case_keys_t **out)
{
	case_keys_t *k = secmem_alloc(sizeof(*k));
	if (!k)
		return VAULT_ERROR;
	vault_status_t st = case_unlock(v, who, ref, &k->s);
	if (st != VAULT_OK) {
		secmem_free(k);
		return st;
	}
	k->ref = *ref;
	k->requester = case_opener_is_requester(who);
	*out = k;
	return VAULT_OK;
}

vault_status_t
case_keys_item_open(case_keys_t *k, uint8_t kind, const uint8_t item_id[16], uint8_t role, uint8_t field,
    const uint8_t *item, size_t len, uint8_t *pt, size_t cap, size_t *pt_len)
{
	if ((kind != CASE_KIND_CASE && kind != CASE_KIND_NOTES) || (k->requester && kind != CASE_KIND_CASE) ||
	    !item_shape_ok(item, len))
		return VAULT_NOT_FOUND;
	uint32_t e = le32_get(item + 1);
	if (!k->have[kind] || k->e[kind] != e) {
		if (case_root_at(&k->ref, kind, e, &k->s) != 0)
			return VAULT_NOT_FOUND;
		case_subkey(k->key[kind], k->s.root, kind, 1);
		sodium_memzero(k->s.root, sizeof(k->s.root));
		k->have[kind] = true;
		k->e[kind] = e;
	}
	return item_decrypt(k->key[kind], k->ref.case_id, kind, item_id, e, role, field, item, len, pt, cap, pt_len);
}

/* The item key of kind at the epoch the handle was opened at (k->ref.e), kept while it
 * is the last one derived for that kind. */
static int
case_keys_current(case_keys_t *k, uint8_t kind, uint8_t idx, uint8_t out[32])
{
	if (case_root_at(&k->ref, kind, k->ref.e, &k->s) != 0)
		return -1;
	case_subkey(out, k->s.root, kind, idx);
	sodium_memzero(k->s.root, sizeof(k->s.root));
	return 0;
}

vault_status_t
case_keys_item_seal(case_keys_t *k, uint8_t kind, const uint8_t item_id[16], uint8_t role, uint8_t field,
    const uint8_t *pt, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	if (!role_ok_for(k->requester, kind, role) || len > CASE_ITEM_PT_MAX)
		return VAULT_NOT_FOUND;
	if (!k->have[kind] || k->e[kind] != k->ref.e) {
		if (case_keys_current(k, kind, 1, k->key[kind]) != 0)
			return VAULT_NOT_FOUND;
		k->have[kind] = true;
		k->e[kind] = k->ref.e;
	}
	return case_item_seal_key(k->key[kind], kind, k->ref.case_id, item_id, k->ref.e, role, field, pt, len, out, cap,
	    out_len);
}

int
case_keys_file_key(case_keys_t *k, uint8_t key[32], uint8_t case_id[CASE_ID_BYTES], uint32_t *e)
{
	if (case_keys_current(k, CASE_KIND_CASE, 2, key) != 0)
		return -1;
	memcpy(case_id, k->ref.case_id, CASE_ID_BYTES);
	*e = k->ref.e;
	return 0;
}

int
case_keys_file_key_at(case_keys_t *k, uint32_t e, uint8_t key[32])
{
	if (case_root_at(&k->ref, CASE_KIND_CASE, e, &k->s) != 0)
		return -1;
	case_subkey(key, k->s.root, CASE_KIND_CASE, 2);
	sodium_memzero(k->s.root, sizeof(k->s.root));
	return 0;
}

void
case_keys_free(case_keys_t *k)
{
	secmem_free(k);   /* wiped */
}

vault_status_t
case_item_open(vault_t *v, const case_opener_t *who, const case_ref_t *ref, uint8_t kind, const uint8_t item_id[16],
    uint8_t role, uint8_t field, const uint8_t *item, size_t len, uint8_t *pt, size_t cap, size_t *pt_len)
{
	if (kind != CASE_KIND_CASE && kind != CASE_KIND_NOTES)
		return VAULT_NOT_FOUND;
	if (case_opener_is_requester(who) && kind != CASE_KIND_CASE)
		return VAULT_NOT_FOUND;
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK)
		st = case_item_open_unlocked(ref, kind, item_id, role, field, item, len, pt, cap, pt_len, s);
	case_secrets_free(s);
	return st;
}
