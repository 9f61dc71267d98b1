/* case: receipts, case and notes secrets per epoch, copies, links, items and file blobs,
 * byte for byte as CRYPTO.md lays them out. Trusted with everything of a case: z, s_e, n_e,
 * sk_req, group and file keys pass through here in sodium_malloc memory, wiped on return. */
#include "vault/case.h"

#include <sodium.h>
#include <string.h>

#include "core/le.h"
#include "core/log.h"
#include "vault/secmem.h"
#include "vault/shredkf.h"
#include "vault/vault_private.h"

#define NPUB crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define ATAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SS_TAG_MESSAGE crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define SS_TAG_FINAL   crypto_secretstream_xchacha20poly1305_TAG_FINAL

/* Secrets that live for one call: one locked, guarded block, wiped on free. */
struct case_secrets {
	kf_slot_t slot;          /* z and the lookup of the case */
	uint8_t a[32];           /* receipt A */
	uint8_t sub[32];         /* a subkey being used */
	uint8_t hpk[32], hsk[32];   /* the key pair a copy is sealed to */
	uint8_t gsk[32];
	uint8_t group_plain[53];
	uint8_t copy_plain[CASE_COPY_PLAIN];
	uint8_t secret[32];      /* s or n of some epoch */
	uint8_t old_s[32], old_n[32];
	uint8_t root[32];
	uint8_t key[32];
	uint8_t fk[32];
	uint8_t pk_req[32];
	size_t pk_req_len;
};

static struct case_secrets *
secrets_new(void)
{
	return secmem_alloc(sizeof(struct case_secrets));
}

static void
secrets_free(struct case_secrets *s)
{
	secmem_free(s);   /* wiped */
}


/* ad = label | case_id 16 | [id 16] | e u32 */
static size_t
ad_label(uint8_t ad[80], const char *label, const uint8_t case_id[16], const uint8_t *id, uint32_t e)
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
static void
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
static void
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
static void
receipt_keypair(const uint8_t z[32], struct case_secrets *s)
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
	struct case_secrets *s = secrets_new();
	int rc = -1;
	if (!s)
		return -1;
	if (receipt_derive(salt, digits, n, ops, mem, s, lookup) == 0) {
		receipt_keypair(z, s);
		memcpy(pk_req, s->hpk, 32);
		rc = 0;
	}
	secrets_free(s);
	return rc;
}

/* Runs the receipt derivation at the instance's cost inside the bounded gate, waiting
 * (when it must) among the derivations of the same purpose. */
static vault_status_t
receipt_derive_gated(vault_t *v, kdf_purpose_t purpose, const char *digits, size_t n, struct case_secrets *s,
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
static int
copy_seal(uint8_t out[CASE_COPY_BYTES], const uint8_t pk[32], uint8_t kind, const uint8_t case_id[16], uint32_t e,
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
static int
copy_open(const uint8_t copy[CASE_COPY_BYTES], uint8_t kind, const uint8_t case_id[16], uint32_t e,
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

#define box_seal vault_box_seal
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

static bool
opener_is_requester(const case_opener_t *who)
{
	return who->by == CASE_BY_RECEIPT || (who->by == CASE_BY_SESSION && who->sess.kind == SESS_KIND_MAILBOX);
}

/* Loads the case's slot and the opener's key pair (the one its copies are sealed to). */
static vault_status_t
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
		vault_status_t st = receipt_derive_gated(v, KDF_FOR_MAILBOX, who->receipt, who->receipt_len, s, lookup);
		if (st != VAULT_OK)
			return st;
		int same = sodium_memcmp(lookup, s->slot.lookup, 32) == 0;
		sodium_memzero(lookup, sizeof(lookup));
		if (!same)
			return VAULT_NOT_FOUND;
		receipt_keypair(s->slot.z, s);
		return VAULT_OK;
	}
	case CASE_BY_SESSION:
		if (who->sess.kind == SESS_KIND_MAILBOX && sodium_memcmp(who->sess.owner, ref->case_id, 16) != 0)
			return VAULT_NOT_FOUND;
		return sess_key(&who->sess, s) == 0 ? VAULT_OK : VAULT_NOT_FOUND;
	case CASE_BY_GROUP: {
		if (who->sess.kind != SESS_KIND_STAFF || who->nglinks > who->group_epoch ||
		    (who->nglinks && !who->glinks) || sess_key(&who->sess, s) != 0 ||
		    group_seal_open(who->group_copy, 2, who->group_id, who->group_epoch, s) != 0)
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
static int
case_root_at(const case_ref_t *ref, uint8_t kind, uint32_t t, struct case_secrets *s)
{
	const uint8_t (*links)[CASE_LINK_BYTES] = kind == CASE_KIND_CASE ? ref->links : ref->nlinks;
	uint32_t nlinks = kind == CASE_KIND_CASE ? ref->nlinks_s : ref->nlinks_n;
	const char *label = kind == CASE_KIND_CASE ? "sava-case-link-v1" : "sava-note-link-v1";
	uint8_t ad[80];
	if (t > ref->e || ref->e - t > nlinks || (ref->e != t && !links))
		return -1;
	if (copy_open(kind == CASE_KIND_CASE ? ref->copy : ref->ncopy, kind, ref->case_id, ref->e, s) != 0)
		return -1;
	for (uint32_t ep = ref->e; ep > t; ep--) {
		case_root(s->root, s->slot.z, kind, ref->case_id, ep, s->secret);
		case_subkey(s->key, s->root, kind, 3);
		size_t adlen = ad_label(ad, label, ref->case_id, NULL, ep - 1);
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
static vault_status_t
item_seal_key(const uint8_t key[32], uint8_t kind, const uint8_t case_id[16], const uint8_t item_id[16], uint32_t e,
    uint8_t role, uint8_t field, const uint8_t *pt, size_t len, uint8_t *out, size_t cap, size_t *out_len)
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

static vault_status_t
item_open_unlocked(const case_ref_t *ref, uint8_t kind, const uint8_t item_id[16], uint8_t role, uint8_t field,
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
role_ok(const case_opener_t *who, uint8_t kind, uint8_t role)
{
	if (kind != CASE_KIND_CASE && kind != CASE_KIND_NOTES)
		return false;
	if (opener_is_requester(who))
		return kind == CASE_KIND_CASE && role == CASE_ROLE_REQUESTER;
	return role == CASE_ROLE_STAFF || role == CASE_ROLE_SYSTEM;
}

vault_status_t
case_item_seal(vault_t *v, const case_opener_t *who, const case_ref_t *ref, uint8_t kind, const uint8_t item_id[16],
    uint8_t role, uint8_t field, const uint8_t *pt, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	if (!role_ok(who, kind, role) || len > CASE_ITEM_PT_MAX)
		return VAULT_NOT_FOUND;
	struct case_secrets *s = secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK && case_root_at(ref, kind, ref->e, s) != 0)
		st = VAULT_NOT_FOUND;
	if (st == VAULT_OK) {
		case_subkey(s->key, s->root, kind, 1);
		st = item_seal_key(s->key, kind, ref->case_id, item_id, ref->e, role, field, pt, len, out, cap, out_len);
	}
	secrets_free(s);
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
	k->requester = opener_is_requester(who);
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
	if (opener_is_requester(who) && kind != CASE_KIND_CASE)
		return VAULT_NOT_FOUND;
	struct case_secrets *s = secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK)
		st = item_open_unlocked(ref, kind, item_id, role, field, item, len, pt, cap, pt_len, s);
	secrets_free(s);
	return st;
}

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
		if (copy_seal(out[i], holders[i], kind, case_id, e, secret, s) != 0)
			return -1;
	return 0;
}

/* A mailbox session (kind MAILBOX, owner = case id) whose box holds s->hsk = sk_req. */
static void
mailbox_sess_new(struct case_secrets *s, const uint8_t case_id[16], sess_new_t *out)
{
	uint8_t c[32], ad[96];
	memset(out, 0, sizeof(*out));
	randombytes_buf(c, sizeof(c));
	crypto_kdf_derive_from_key(out->sid, 32, 1, "savaSESS", c);
	crypto_kdf_derive_from_key(s->sub, 32, 2, "savaSESS", c);
	box_seal(out->box, s->sub, s->hsk, 32, ad, vault_sess_ad(ad, SESS_KIND_MAILBOX, case_id, out->sid));
	sodium_bin2base64(out->cookie, sizeof(out->cookie), c, sizeof(c), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(c, sizeof(c));
	sodium_memzero(s->sub, sizeof(s->sub));
}

vault_status_t
case_create(vault_t *v, unsigned digits, const uint8_t (*holders)[32], size_t nholders, case_new_t *out)
{
	uint8_t lookup[32];
	if (digits < RECEIPT_DIGITS_MIN || digits > RECEIPT_DIGITS_MAX || nholders == 0 || nholders > CASE_HOLDERS_MAX)
		return VAULT_ERROR;
	struct case_secrets *s = secrets_new();
	if (!s)
		return VAULT_ERROR;
	memset(out, 0, sizeof(*out));
	randombytes_buf(out->case_id, 16);
	randombytes_buf(s->slot.z, 32);
	vault_status_t st = case_receipt_new(digits, out->receipt) == 0 ? VAULT_OK : VAULT_ERROR;
	if (st == VAULT_OK)
		st = receipt_derive_gated(v, KDF_FOR_HELP, out->receipt, digits, s, lookup);
	if (st != VAULT_OK)
		goto done;
	receipt_keypair(s->slot.z, s);
	memcpy(s->pk_req, s->hpk, 32);
	mailbox_sess_new(s, out->case_id, &out->mailbox);
	sodium_memzero(s->hsk, sizeof(s->hsk));

	st = VAULT_ERROR;
	randombytes_buf(s->old_s, 32);   /* s_0 */
	randombytes_buf(s->old_n, 32);   /* n_0 */
	if (copy_seal(out->req_copy, s->pk_req, CASE_KIND_CASE, out->case_id, 0, s->old_s, s) != 0 ||
	    copies_seal(out->copies, holders, nholders, CASE_KIND_CASE, out->case_id, 0, s->old_s, s) != 0 ||
	    copies_seal(out->ncopies, holders, nholders, CASE_KIND_NOTES, out->case_id, 0, s->old_n, s) != 0)
		goto done;
	/* pk_req is kept only as an item under s_0, for resealing at later epochs */
	size_t item_len = 0;
	randombytes_buf(out->pk_req_item_id, 16);
	case_root(s->root, s->slot.z, CASE_KIND_CASE, out->case_id, 0, s->old_s);
	case_subkey(s->key, s->root, CASE_KIND_CASE, 1);
	if (item_seal_key(s->key, CASE_KIND_CASE, out->case_id, out->pk_req_item_id, 0, CASE_ROLE_SYSTEM,
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
	secrets_free(s);
	return st;
}

vault_status_t
case_receipt_login(vault_t *v, const char *digits, size_t n, uint8_t case_id[CASE_ID_BYTES], uint32_t *slot,
    sess_new_t *out)
{
	uint8_t lookup[32];
	uint32_t at = 0;
	bool found = false;
	struct case_secrets *s = secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = receipt_derive_gated(v, KDF_FOR_MAILBOX, digits, n, s, lookup);
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
		receipt_keypair(s->slot.z, s);
		mailbox_sess_new(s, s->slot.object_id, out);
		memcpy(case_id, s->slot.object_id, 16);
		*slot = at;
	}
	sodium_memzero(lookup, sizeof(lookup));
	secrets_free(s);
	return st;
}

vault_status_t
case_epoch_next(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t pk_req_item_id[16],
    const uint8_t *pk_req_item, size_t pk_req_item_len, const uint8_t (*holders)[32], size_t nholders,
    case_epoch_t *out)
{
	uint8_t ad[80];
	if (opener_is_requester(who) || ref->e == UINT32_MAX || nholders == 0 || nholders > CASE_HOLDERS_MAX)
		return VAULT_NOT_FOUND;
	struct case_secrets *s = secrets_new();
	if (!s)
		return VAULT_ERROR;
	memset(out, 0, sizeof(*out));
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK)
		st = item_open_unlocked(ref, CASE_KIND_CASE, pk_req_item_id, CASE_ROLE_SYSTEM, CASE_FIELD_PK_REQ,
		    pk_req_item, pk_req_item_len, s->pk_req, sizeof(s->pk_req), &s->pk_req_len, s);
	if (st == VAULT_OK && s->pk_req_len != 32)
		st = VAULT_NOT_FOUND;
	/* s_e and n_e: copy_open leaves them in s->secret, which case_root_at wipes; so open
	 * each copy on its own here. */
	if (st == VAULT_OK && copy_open(ref->copy, CASE_KIND_CASE, ref->case_id, ref->e, s) == 0) {
		memcpy(s->old_s, s->secret, 32);
		if (copy_open(ref->ncopy, CASE_KIND_NOTES, ref->case_id, ref->e, s) == 0)
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
	if (copy_seal(out->req_copy, s->pk_req, CASE_KIND_CASE, ref->case_id, e1, s->secret, s) != 0 ||
	    copies_seal(out->copies, holders, nholders, CASE_KIND_CASE, ref->case_id, e1, s->secret, s) != 0)
		goto done;
	case_root(s->root, s->slot.z, CASE_KIND_CASE, ref->case_id, e1, s->secret);
	case_subkey(s->key, s->root, CASE_KIND_CASE, 3);
	box_seal(out->link, s->key, s->old_s, 32, ad, ad_label(ad, "sava-case-link-v1", ref->case_id, NULL, ref->e));

	randombytes_buf(s->secret, 32);
	if (copies_seal(out->ncopies, holders, nholders, CASE_KIND_NOTES, ref->case_id, e1, s->secret, s) != 0)
		goto done;
	case_root(s->root, s->slot.z, CASE_KIND_NOTES, ref->case_id, e1, s->secret);
	case_subkey(s->key, s->root, CASE_KIND_NOTES, 3);
	box_seal(out->nlink, s->key, s->old_n, 32, ad, ad_label(ad, "sava-note-link-v1", ref->case_id, NULL, ref->e));

	/* informational: may run one epoch ahead of the database after a crash */
	if (shredkf_set_epoch(v, ref->slot, ref->case_id, e1) != 0)
		goto done;
	st = VAULT_OK;
done:
	if (st != VAULT_OK)
		sodium_memzero(out, sizeof(*out));
	secrets_free(s);
	return st;
}

vault_status_t
case_grant(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t pk[32],
    uint8_t copy[CASE_COPY_BYTES], uint8_t ncopy[CASE_COPY_BYTES])
{
	if (opener_is_requester(who))
		return VAULT_NOT_FOUND;
	struct case_secrets *s = secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK && (copy_open(ref->copy, CASE_KIND_CASE, ref->case_id, ref->e, s) != 0 ||
	                          copy_seal(copy, pk, CASE_KIND_CASE, ref->case_id, ref->e, s->secret, s) != 0 ||
	                          copy_open(ref->ncopy, CASE_KIND_NOTES, ref->case_id, ref->e, s) != 0 ||
	                          copy_seal(ncopy, pk, CASE_KIND_NOTES, ref->case_id, ref->e, s->secret, s) != 0))
		st = VAULT_NOT_FOUND;
	if (st != VAULT_OK) {
		sodium_memzero(copy, CASE_COPY_BYTES);
		sodium_memzero(ncopy, CASE_COPY_BYTES);
	}
	secrets_free(s);
	return st;
}

vault_status_t
case_shred(vault_t *v, const uint8_t case_id[CASE_ID_BYTES], uint32_t slot)
{
	struct case_secrets *s = secrets_new();
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
	secrets_free(s);
	return st;
}

vault_status_t
case_audit_id(vault_t *v, const uint8_t case_id[CASE_ID_BYTES], uint32_t slot, uint8_t out[16])
{
	struct case_secrets *s = secrets_new();
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
	secrets_free(s);
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

/* ---- files ---- */

uint64_t
case_blob_frames(uint64_t real_len)
{
	if (real_len > CASE_BLOB_MAX)
		return 0;
	uint64_t p = vault_padme((size_t)(real_len + CASE_FRAME));
	return (p + CASE_FRAME - 1) / CASE_FRAME;
}

/* fk_wrap = 01 | e u32 | nonce | AEAD(k_fwrap_e, fk, "sava-file-v1" | case_id | attachment_id | e u32) */
static size_t
fwrap_ad(uint8_t ad[80], const uint8_t case_id[16], const uint8_t aid[16], uint32_t e)
{
	return ad_label(ad, "sava-file-v1", case_id, aid, e);
}

struct case_blob_writer {
	uint8_t fk[32], tk[32];
	uint8_t aid[16];
	uint8_t fk_wrap[CASE_FKWRAP_BYTES];
	crypto_secretstream_xchacha20poly1305_state spool;
	uint8_t spool_header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	uint8_t frame[CASE_FRAME];
	uint8_t ct[CASE_FRAME_CT];
	size_t fill;
	uint64_t real_len, spool_frames;
	char name[CASE_NAME_MAX];
	size_t name_len;
	char mime[CASE_MIME_MAX];
	size_t mime_len;
	case_pwrite_fn wr;
	case_pread_fn rd;
	void *arg;
	bool failed;
	bool bound;                 /* fk_wrap made (case_blob_writer_bind) */
};

static uint64_t
frame_off(uint64_t i)
{
	return CASE_BLOB_HEAD + i * (uint64_t)CASE_FRAME_CT;
}

int
case_blob_writer_start(const uint8_t attachment_id[16], const char *name, size_t name_len, const char *mime,
    size_t mime_len, case_pwrite_fn wr, case_pread_fn rd, void *arg, case_blob_writer_t **out)
{
	if (name_len > CASE_NAME_MAX || mime_len > CASE_MIME_MAX || !wr || !rd)
		return -1;
	case_blob_writer_t *w = sodium_malloc(sizeof(*w));
	if (!w)
		return -1;
	memset(w, 0, sizeof(*w));
	crypto_secretstream_xchacha20poly1305_keygen(w->fk);
	crypto_secretstream_xchacha20poly1305_keygen(w->tk);
	crypto_secretstream_xchacha20poly1305_init_push(&w->spool, w->spool_header, w->tk);
	memcpy(w->aid, attachment_id, 16);
	if (name_len)
		memcpy(w->name, name, name_len);
	if (mime_len)
		memcpy(w->mime, mime, mime_len);
	w->name_len = name_len;
	w->mime_len = mime_len;
	w->wr = wr;
	w->rd = rd;
	w->arg = arg;
	*out = w;
	return 0;
}

vault_status_t
case_blob_writer_bind(vault_t *v, const case_opener_t *who, const case_ref_t *ref, case_blob_writer_t *w)
{
	uint8_t ad[80];
	struct case_secrets *s = secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK && case_root_at(ref, CASE_KIND_CASE, ref->e, s) != 0)
		st = VAULT_NOT_FOUND;
	if (st == VAULT_OK) {
		case_subkey(s->key, s->root, CASE_KIND_CASE, 2);
		w->fk_wrap[0] = 1;
		le32_put(w->fk_wrap + 1, ref->e);
		randombytes_buf(w->fk_wrap + 5, NPUB);
		crypto_aead_xchacha20poly1305_ietf_encrypt(w->fk_wrap + 5 + NPUB, NULL, w->fk, 32, ad,
		    fwrap_ad(ad, ref->case_id, w->aid, ref->e), NULL, w->fk_wrap + 5, s->key);
		w->bound = true;
	}
	secrets_free(s);
	return st;
}

vault_status_t
case_blob_writer_new(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t attachment_id[16],
    const char *name, size_t name_len, const char *mime, size_t mime_len, case_pwrite_fn wr, case_pread_fn rd,
    void *arg, case_blob_writer_t **out)
{
	case_blob_writer_t *w;
	if (case_blob_writer_start(attachment_id, name, name_len, mime, mime_len, wr, rd, arg, &w) != 0)
		return VAULT_ERROR;
	vault_status_t st = case_blob_writer_bind(v, who, ref, w);
	if (st != VAULT_OK)
		case_blob_writer_free(w);
	else
		*out = w;
	return st;
}

uint64_t
case_blob_writer_length(const case_blob_writer_t *w)
{
	return w->real_len;
}

/* First pass: the full frame buffer as spool frame number spool_frames. */
static int
writer_spool(case_blob_writer_t *w)
{
	crypto_secretstream_xchacha20poly1305_push(&w->spool, w->ct, NULL, w->frame, CASE_FRAME, w->aid, 16,
	    SS_TAG_MESSAGE);
	if (w->wr(w->arg, w->ct, CASE_FRAME_CT, frame_off(w->spool_frames + 1)) != 0)
		return -1;
	w->spool_frames++;
	w->fill = 0;
	return 0;
}

int
case_blob_writer_write(case_blob_writer_t *w, const uint8_t *p, size_t n)
{
	if (w->failed || n > CASE_BLOB_MAX - w->real_len) {
		w->failed = true;
		return -1;
	}
	w->real_len += n;
	while (n) {
		size_t take = CASE_FRAME - w->fill < n ? CASE_FRAME - w->fill : n;
		memcpy(w->frame + w->fill, p, take);
		w->fill += take;
		p += take;
		n -= take;
		if (w->fill == CASE_FRAME && writer_spool(w) != 0) {
			w->failed = true;
			return -1;
		}
	}
	return 0;
}

int
case_blob_writer_finish(case_blob_writer_t *w, uint8_t fk_wrap[CASE_FKWRAP_BYTES], uint64_t *blob_len)
{
	crypto_secretstream_xchacha20poly1305_state st, pull;
	uint8_t head[CASE_BLOB_HEAD], tag = 0;
	int rc = -1;
	if (w->failed || !w->bound)
		goto done;
	if (w->fill) {
		memset(w->frame + w->fill, 0, CASE_FRAME - w->fill);
		if (writer_spool(w) != 0)
			goto done;
	}
	uint64_t nframes = case_blob_frames(w->real_len);
	if (nframes < w->spool_frames + 1)
		goto done;
	head[0] = 1;
	crypto_secretstream_xchacha20poly1305_init_push(&st, head + 1, w->fk);
	if (w->wr(w->arg, head, sizeof(head), 0) != 0)
		goto done;
	/* frame 0: real_len u64 | name_len u16 | name | mime_len u8 | mime, zero-filled */
	memset(w->frame, 0, CASE_FRAME);
	le64_put(w->frame, w->real_len);
	w->frame[8] = (uint8_t)w->name_len;
	w->frame[9] = (uint8_t)(w->name_len >> 8);
	memcpy(w->frame + 10, w->name, w->name_len);
	w->frame[10 + w->name_len] = (uint8_t)w->mime_len;
	memcpy(w->frame + 11 + w->name_len, w->mime, w->mime_len);
	crypto_secretstream_xchacha20poly1305_push(&st, w->ct, NULL, w->frame, CASE_FRAME, w->aid, 16,
	    nframes == 1 ? SS_TAG_FINAL : SS_TAG_MESSAGE);
	if (w->wr(w->arg, w->ct, CASE_FRAME_CT, frame_off(0)) != 0)
		goto done;
	/* second pass: each spool frame read back, opened, sealed under fk over itself */
	if (crypto_secretstream_xchacha20poly1305_init_pull(&pull, w->spool_header, w->tk) != 0)
		goto done;
	for (uint64_t i = 1; i < nframes; i++) {
		if (i <= w->spool_frames) {
			if (w->rd(w->arg, w->ct, CASE_FRAME_CT, frame_off(i)) != 0 ||
			    crypto_secretstream_xchacha20poly1305_pull(&pull, w->frame, NULL, &tag, w->ct, CASE_FRAME_CT,
			        w->aid, 16) != 0 ||
			    tag != SS_TAG_MESSAGE)
				goto done;
		} else {
			memset(w->frame, 0, CASE_FRAME);
		}
		crypto_secretstream_xchacha20poly1305_push(&st, w->ct, NULL, w->frame, CASE_FRAME, w->aid, 16,
		    i == nframes - 1 ? SS_TAG_FINAL : SS_TAG_MESSAGE);
		if (w->wr(w->arg, w->ct, CASE_FRAME_CT, frame_off(i)) != 0)
			goto done;
	}
	memcpy(fk_wrap, w->fk_wrap, CASE_FKWRAP_BYTES);
	*blob_len = frame_off(nframes);
	rc = 0;
done:
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(&pull, sizeof(pull));
	case_blob_writer_free(w);
	return rc;
}

void
case_blob_writer_free(case_blob_writer_t *w)
{
	if (w)
		sodium_free(w);
}

enum { RD_HEAD = 0, RD_FRAMES, RD_DONE, RD_FAILED };

struct case_blob_reader {
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t fk[32];
	uint8_t aid[16];
	uint8_t in[CASE_FRAME_CT];
	size_t fill;
	uint8_t pt[CASE_FRAME];
	uint64_t index, nframes, real_len;
	int state;
	case_blob_sink_t sink;
};

int
case_blob_reader_new_raw(const uint8_t fk[32], const uint8_t attachment_id[16], const case_blob_sink_t *sink,
    case_blob_reader_t **out)
{
	case_blob_reader_t *r = sodium_malloc(sizeof(*r));
	if (!r)
		return -1;
	memset(r, 0, sizeof(*r));
	memcpy(r->fk, fk, 32);
	memcpy(r->aid, attachment_id, 16);
	r->sink = *sink;
	r->state = RD_HEAD;
	*out = r;
	return 0;
}

vault_status_t
case_blob_reader_new(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t attachment_id[16],
    const uint8_t fk_wrap[CASE_FKWRAP_BYTES], const case_blob_sink_t *sink, case_blob_reader_t **out)
{
	uint8_t ad[80];
	if (fk_wrap[0] != 1)
		return VAULT_NOT_FOUND;
	struct case_secrets *s = secrets_new();
	if (!s)
		return VAULT_ERROR;
	uint32_t e = le32_get(fk_wrap + 1);
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK && case_root_at(ref, CASE_KIND_CASE, e, s) != 0)
		st = VAULT_NOT_FOUND;
	if (st == VAULT_OK) {
		case_subkey(s->key, s->root, CASE_KIND_CASE, 2);
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(s->fk, NULL, NULL, fk_wrap + 5 + NPUB, 32 + ATAG, ad,
		        fwrap_ad(ad, ref->case_id, attachment_id, e), fk_wrap + 5, s->key) != 0)
			st = VAULT_NOT_FOUND;
	}
	if (st == VAULT_OK && case_blob_reader_new_raw(s->fk, attachment_id, sink, out) != 0)
		st = VAULT_ERROR;
	secrets_free(s);
	return st;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* One whole frame in r->in: opens it, checks its tag and padding, passes on its content. */
static int
reader_frame(case_blob_reader_t *r)
{
	uint8_t tag = 0xff;
	if (crypto_secretstream_xchacha20poly1305_pull(&r->st, r->pt, NULL, &tag, r->in, CASE_FRAME_CT, r->aid, 16) != 0)
		return -1;
	if (r->index == 0) {
		r->real_len = le64_get(r->pt);
		size_t name_len = (size_t)r->pt[8] | (size_t)r->pt[9] << 8;
		if (r->real_len > CASE_BLOB_MAX || name_len > CASE_NAME_MAX)
			return -1;
		size_t mime_len = r->pt[10 + name_len];
		size_t used = 11 + name_len + mime_len;
		if (mime_len > CASE_MIME_MAX || !all_zero(r->pt + used, CASE_FRAME - used))
			return -1;
		r->nframes = case_blob_frames(r->real_len);
		if (r->nframes == 0)
			return -1;
		if (r->sink.meta &&
		    r->sink.meta(r->sink.arg, r->real_len, (const char *)r->pt + 10, name_len,
		        (const char *)r->pt + 11 + name_len, mime_len) != 0)
			return -1;
	} else {
		uint64_t off = (r->index - 1) * (uint64_t)CASE_FRAME;
		size_t take = off >= r->real_len ? 0 : r->real_len - off < CASE_FRAME ? (size_t)(r->real_len - off) : CASE_FRAME;
		if (!all_zero(r->pt + take, CASE_FRAME - take))
			return -1;
		if (take && r->sink.data && r->sink.data(r->sink.arg, r->pt, take) != 0)
			return -1;
	}
	bool last = r->index == r->nframes - 1;
	if (tag != (last ? SS_TAG_FINAL : SS_TAG_MESSAGE))
		return -1;
	r->index++;
	r->state = last ? RD_DONE : RD_FRAMES;
	return 0;
}

int
case_blob_reader_feed(case_blob_reader_t *r, const uint8_t *p, size_t n)
{
	while (n && r->state != RD_FAILED) {
		if (r->state == RD_DONE) {
			r->state = RD_FAILED;   /* a byte after TAG_FINAL */
			break;
		}
		size_t want = r->state == RD_HEAD ? CASE_BLOB_HEAD : CASE_FRAME_CT;
		size_t take = want - r->fill < n ? want - r->fill : n;
		memcpy(r->in + r->fill, p, take);
		r->fill += take;
		p += take;
		n -= take;
		if (r->fill < want)
			break;
		r->fill = 0;
		if (r->state == RD_HEAD) {
			if (r->in[0] != 1 || crypto_secretstream_xchacha20poly1305_init_pull(&r->st, r->in + 1, r->fk) != 0)
				r->state = RD_FAILED;
			else
				r->state = RD_FRAMES;
		} else if (reader_frame(r) != 0) {
			r->state = RD_FAILED;
		}
	}
	if (r->state == RD_FAILED) {
		sodium_memzero(r->pt, sizeof(r->pt));
		return -1;
	}
	return 0;
}

int
case_blob_reader_end(case_blob_reader_t *r)
{
	return r->state == RD_DONE && r->fill == 0 ? 0 : -1;
}

void
case_blob_reader_free(case_blob_reader_t *r)
{
	if (r)
		sodium_free(r);
}
