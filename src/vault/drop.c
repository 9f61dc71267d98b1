/* drop: the secure drop's keys: a submission's f and root, sealed to the offline public
 * key and wrapped under the case's shred key; the offline key pair and its file; the
 * opening of a bundle's box on the offline machine (vault/drop.h). */
#include "vault/drop.h"

#include <string.h>

#include "vault/case_private.h"

#define WRAP_LABEL "sava-drop-wrap-v1"
#define KEYFILE_MAGIC "SAVADKEY"

struct drop_keys {
	uint8_t f[32];
	uint8_t root[32];
	uint8_t plain[64];          /* f | root, while it is sealed or opened */
};

drop_keys_t *
drop_keys_new(void)
{
	/* sodium memory, not secmem's per-thread blocks: an upload's keys are made on the
	 * thread that receives it and may be freed on another */
	drop_keys_t *k = sodium_malloc(sizeof(*k));
	if (!k)
		return NULL;
	sodium_memzero(k, sizeof(*k));
	crypto_secretstream_xchacha20poly1305_keygen(k->f);
	randombytes_buf(k->root, sizeof(k->root));
	return k;
}

void
drop_keys_free(drop_keys_t *k)
{
	if (k)
		sodium_free(k);   /* wiped */
}

int
drop_writer_start(const drop_keys_t *k, const uint8_t id[16], const char *name, size_t name_len, const char *mime,
    size_t mime_len, case_pwrite_fn wr, case_pread_fn rd, void *arg, case_blob_writer_t **out)
{
	return case_blob_writer_start_raw(k->f, id, name, name_len, mime, mime_len, wr, rd, arg, out);
}

/* ad = "sava-drop-wrap-v1" | case_id; key = H(z, ad) */
static size_t
wrap_ad(uint8_t ad[40], const uint8_t case_id[16])
{
	memcpy(ad, WRAP_LABEL, sizeof(WRAP_LABEL) - 1);
	memcpy(ad + sizeof(WRAP_LABEL) - 1, case_id, 16);
	return sizeof(WRAP_LABEL) - 1 + 16;
}

/* The wrap key of a case, from its shred-key slot: VAULT_NOT_FOUND once shredded. */
static vault_status_t
wrap_key(vault_t *v, const uint8_t case_id[16], uint32_t slot, struct case_secrets *s, uint8_t ad[40], size_t *adlen)
{
	kf_status_t kr = shredkf_read(v, slot, &s->slot);
	if (kr == KF_ERROR)
		return VAULT_ERROR;
	if (kr != KF_OK || s->slot.kind != KF_KIND_CASE || sodium_memcmp(s->slot.object_id, case_id, 16) != 0)
		return VAULT_NOT_FOUND;
	*adlen = wrap_ad(ad, case_id);
	crypto_generichash(s->key, 32, ad, *adlen, s->slot.z, 32);
	return VAULT_OK;
}

vault_status_t
drop_seal(vault_t *v, const uint8_t case_id[16], uint32_t slot, const drop_keys_t *k, const uint8_t pk_off[32],
    uint8_t wrap[DROP_WRAP_BYTES])
{
	uint8_t ad[40], sealed[DROP_SEALED_BYTES];
	size_t adlen = 0;
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = wrap_key(v, case_id, slot, s, ad, &adlen);
	if (st == VAULT_OK && drop_keys_seal(k, pk_off, sealed) != 0)
		st = VAULT_ERROR;
	if (st == VAULT_OK) {
		wrap[0] = 1;
		randombytes_buf(wrap + 1, NPUB);
		crypto_aead_xchacha20poly1305_ietf_encrypt(wrap + 1 + NPUB, NULL, sealed, sizeof(sealed), ad, adlen, NULL,
		    wrap + 1, s->key);
	}
	case_secrets_free(s);
	return st;
}

int
drop_keys_seal(const drop_keys_t *k, const uint8_t pk_off[32], uint8_t sealed[DROP_SEALED_BYTES])
{
	drop_keys_t *t = drop_keys_new();   /* locked room for f | root */
	if (!t)
		return -1;
	memcpy(t->plain, k->f, 32);
	memcpy(t->plain + 32, k->root, 32);
	int rc = crypto_box_seal(sealed, t->plain, 64, pk_off);
	drop_keys_free(t);
	return rc == 0 ? 0 : -1;
}

vault_status_t
drop_unwrap(vault_t *v, const uint8_t case_id[16], uint32_t slot, const uint8_t wrap[DROP_WRAP_BYTES],
    uint8_t sealed[DROP_SEALED_BYTES])
{
	uint8_t ad[40];
	size_t adlen = 0;
	if (wrap[0] != 1)
		return VAULT_NOT_FOUND;
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = wrap_key(v, case_id, slot, s, ad, &adlen);
	if (st == VAULT_OK && crypto_aead_xchacha20poly1305_ietf_decrypt(sealed, NULL, NULL, wrap + 1 + NPUB,
	                          DROP_SEALED_BYTES + ATAG, ad, adlen, wrap + 1, s->key) != 0)
		st = VAULT_NOT_FOUND;
	case_secrets_free(s);
	return st;
}

vault_status_t
drop_pk_req(vault_t *v, const case_opener_t *who, const case_ref_t *ref, uint8_t pk[32])
{
	if (!case_opener_is_requester(who))
		return VAULT_NOT_FOUND;
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK)
		memcpy(pk, s->hpk, 32);
	case_secrets_free(s);
	return st;
}

/* v1 (unpadded) may be stored already and still opens; v2's text is padded (padme) */
#define REPLY_LABEL_V1 "sava-drop-reply-v1"
#define REPLY_LABEL "sava-drop-reply-v2"
#define REPLY_HEAD (sizeof(REPLY_LABEL) - 1 + 16)
_Static_assert(sizeof(REPLY_LABEL) == sizeof(REPLY_LABEL_V1), "both labels are 18 bytes");

vault_status_t
drop_reply_open(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t *sealed, size_t sealed_len,
    uint8_t *out, size_t cap, size_t *len)
{
	*len = 0;
	if (!case_opener_is_requester(who) || sealed_len < crypto_box_SEALBYTES + REPLY_HEAD ||
	    sealed_len - crypto_box_SEALBYTES > REPLY_HEAD + cap)
		return VAULT_NOT_FOUND;
	size_t plen = sealed_len - crypto_box_SEALBYTES;
	struct case_secrets *s = case_secrets_new();
	uint8_t *pt = sodium_malloc(plen);
	if (!s || !pt) {
		case_secrets_free(s);
		if (pt)
			sodium_free(pt);
		return VAULT_ERROR;
	}
	vault_status_t st = case_unlock(v, who, ref, s);
	bool v1 = false;
	size_t text_len = plen - REPLY_HEAD;
	if (st == VAULT_OK && (crypto_box_seal_open(pt, sealed, sealed_len, s->hpk, s->hsk) != 0 ||
	                          (memcmp(pt, REPLY_LABEL, sizeof(REPLY_LABEL) - 1) != 0 &&
	                              !(v1 = memcmp(pt, REPLY_LABEL_V1, sizeof(REPLY_LABEL_V1) - 1) == 0)) ||
	                          sodium_memcmp(pt + sizeof(REPLY_LABEL) - 1, ref->case_id, 16) != 0))
		st = VAULT_NOT_FOUND;
	/* v2: the padding must be exactly padme's, to the byte */
	if (st == VAULT_OK && !v1 &&
	    (text_len == 0 || sodium_unpad(&text_len, pt + REPLY_HEAD, plen - REPLY_HEAD, plen - REPLY_HEAD) != 0 ||
	        vault_padme(text_len + 1) != plen - REPLY_HEAD))
		st = VAULT_NOT_FOUND;
	if (st == VAULT_OK) {
		*len = text_len;
		memcpy(out, pt + REPLY_HEAD, *len);
	}
	sodium_free(pt);   /* wiped */
	case_secrets_free(s);
	return st;
}

/* ---- the offline machine ---- */

size_t
drop_reply_sealed_len(size_t n)
{
	return crypto_box_SEALBYTES + REPLY_HEAD + vault_padme(n + 1);
}

int
drop_reply_seal(const uint8_t pk_req[32], const uint8_t drop_id[16], const uint8_t *text, size_t n, uint8_t *out)
{
	size_t padded = vault_padme(n + 1), got = 0;
	uint8_t *pt = sodium_malloc(REPLY_HEAD + padded);
	if (!pt)
		return -1;
	memcpy(pt, REPLY_LABEL, sizeof(REPLY_LABEL) - 1);
	memcpy(pt + sizeof(REPLY_LABEL) - 1, drop_id, 16);
	if (n)
		memcpy(pt + REPLY_HEAD, text, n);
	int rc = sodium_pad(&got, pt + REPLY_HEAD, n, padded, padded) == 0 && got == padded ? 0 : -1;
	if (rc == 0)
		rc = crypto_box_seal(out, pt, REPLY_HEAD + padded, pk_req) == 0 ? 0 : -1;
	sodium_free(pt);
	return rc;
}

void
drop_keygen(uint8_t keyfile[DROP_KEYFILE_BYTES], uint8_t pk[32])
{
	memcpy(keyfile, KEYFILE_MAGIC, 8);
	keyfile[8] = 1;
	keyfile[9] = keyfile[10] = keyfile[11] = 0;
	crypto_box_keypair(keyfile + 44, keyfile + 12);
	memcpy(pk, keyfile + 44, 32);
}

int
drop_keys_open(const uint8_t *keyfile, size_t len, const uint8_t sealed[DROP_SEALED_BYTES], drop_keys_t **out)
{
	uint8_t check[32];
	*out = NULL;
	if (len != DROP_KEYFILE_BYTES || memcmp(keyfile, KEYFILE_MAGIC, 8) != 0 || keyfile[8] != 1 || keyfile[9] ||
	    keyfile[10] || keyfile[11])
		return -1;
	/* the public half must be the secret half's: a damaged file is refused here */
	crypto_scalarmult_base(check, keyfile + 12);
	if (sodium_memcmp(check, keyfile + 44, 32) != 0)
		return -1;
	drop_keys_t *k = sodium_malloc(sizeof(*k));
	if (!k)
		return -1;
	if (crypto_box_seal_open(k->plain, sealed, DROP_SEALED_BYTES, keyfile + 44, keyfile + 12) != 0) {
		drop_keys_free(k);
		return -1;
	}
	memcpy(k->f, k->plain, 32);
	memcpy(k->root, k->plain + 32, 32);
	sodium_memzero(k->plain, sizeof(k->plain));
	*out = k;
	return 0;
}

int
drop_reader_new(const drop_keys_t *k, const uint8_t stream_id[16], const case_blob_sink_t *sink,
    case_blob_reader_t **out)
{
	return case_blob_reader_new_raw(k->f, stream_id, sink, out);
}
