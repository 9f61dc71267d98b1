/* box: the few constructions every vault file shares: the versioned AEAD box
 * (01 | nonce | AEAD), opening a session's X25519 key from its cookie secret, and
 * opening a sealed group copy. Trusted with keys; wipes its temporaries. */
#include <sodium.h>
#include <string.h>

#include "vault/vault_private.h"

#define NPUB crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define ATAG crypto_aead_xchacha20poly1305_ietf_ABYTES

void
vault_box_seal(uint8_t *out, const uint8_t key[32], const uint8_t *pt, size_t n, const uint8_t *ad, size_t adlen)
{
	out[0] = 1;
	randombytes_buf(out + 1, NPUB);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 1 + NPUB, NULL, pt, n, ad, adlen, NULL, out + 1, key);
}

int
vault_box_open(uint8_t *pt, size_t n, const uint8_t *box, const uint8_t key[32], const uint8_t *ad, size_t adlen)
{
	if (box[0] != 1)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, box + 1 + NPUB, n + ATAG, ad, adlen, box + 1,
	    key);
}

size_t
vault_sess_ad(uint8_t ad[96], uint8_t kind, const uint8_t owner[16], const uint8_t sid[32])
{
	memcpy(ad, "sava-sess-v1", 12);
	ad[12] = kind;
	memcpy(ad + 13, owner, 16);
	memcpy(ad + 29, sid, 32);
	return 61;
}

void
vault_sess_new(uint8_t kind, const uint8_t owner[16], const uint8_t sk[32], sess_new_t *out)
{
	uint8_t kek[32], ad[96];
	memset(out, 0, sizeof(*out));
	randombytes_buf(out->c, sizeof(out->c));
	crypto_kdf_derive_from_key(out->sid, 32, 1, "savaSESS", out->c);
	crypto_kdf_derive_from_key(kek, 32, 2, "savaSESS", out->c);
	vault_box_seal(out->box, kek, sk, 32, ad, vault_sess_ad(ad, kind, owner, out->sid));
	sodium_memzero(kek, sizeof(kek));
	sodium_bin2base64(out->cookie, sizeof(out->cookie), out->c, sizeof(out->c), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
vault_sess_key(const sess_t *ss, uint8_t sk[32], uint8_t pk[32])
{
	uint8_t sid[32], kek[32], ad[96];
	crypto_kdf_derive_from_key(sid, 32, 1, "savaSESS", ss->c);
	if (sodium_memcmp(sid, ss->sid, 32) != 0)
		return -1;
	crypto_kdf_derive_from_key(kek, 32, 2, "savaSESS", ss->c);
	int rc = vault_box_open(sk, 32, ss->box, kek, ad, vault_sess_ad(ad, ss->kind, ss->owner, ss->sid));
	sodium_memzero(kek, sizeof(kek));
	if (rc != 0)
		return -1;
	crypto_scalarmult_curve25519_base(pk, sk);
	return 0;
}

int
vault_group_seal_open(const uint8_t sealed[GROUP_SEAL_BYTES], uint8_t tag, const uint8_t group_id[16], uint32_t epoch,
    const uint8_t pk[32], const uint8_t sk[32], uint8_t gsk[32])
{
	uint8_t plain[53];
	int rc = -1;
	if (crypto_box_seal_open(plain, sealed, GROUP_SEAL_BYTES, pk, sk) == 0 && plain[0] == tag &&
	    sodium_memcmp(plain + 1, group_id, 16) == 0 &&
	    ((uint32_t)plain[17] | (uint32_t)plain[18] << 8 | (uint32_t)plain[19] << 16 | (uint32_t)plain[20] << 24) == epoch) {
		memcpy(gsk, plain + 21, 32);
		rc = 0;
	}
	sodium_memzero(plain, sizeof(plain));
	return rc;
}
