/* case_private: what the three files of a case (case.c, case_life.c, case_blob.c) share:
 * the per-call secrets block and the derivations, copies and openers of case.c. Included
 * only by those files; the rest of sava sees case.h alone. */
#ifndef SAVA_CASE_PRIVATE_H
#define SAVA_CASE_PRIVATE_H

#include <sodium.h>

#include "vault/case.h"
#include "vault/shredkf.h"
#include "vault/vault_private.h"

#define NPUB crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define ATAG crypto_aead_xchacha20poly1305_ietf_ABYTES

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
/* case.c: the block above, allocated locked and guarded; freed wiped. */
struct case_secrets *case_secrets_new(void);
void case_secrets_free(struct case_secrets *s);

/* ad = label | case_id 16 | [id 16] | e u32 */
size_t case_ad_label(uint8_t ad[80], const char *label, const uint8_t case_id[16], const uint8_t *id, uint32_t e);
/* H(z, label | case_id | e u32 | secret): root_e or nroot_e. */
void case_root(uint8_t out[32], const uint8_t z[32], uint8_t kind, const uint8_t case_id[16], uint32_t e,
    const uint8_t secret[32]);
/* k_item/k_fwrap/k_link = KDF(root, 1/2/3, "savaCASE"); k_note/k_nlink with "savaNOTE". */
void case_subkey(uint8_t out[32], const uint8_t root[32], uint8_t kind, uint64_t id);

/* seed = H(z, "sava-req-seed-v1" | s->sub); (pk, sk) = seed keypair, into s->hpk, s->hsk. */
void case_receipt_keypair(const uint8_t z[32], struct case_secrets *s);
/* The receipt derivation at the instance's cost, inside the bounded gate. */
vault_status_t case_receipt_derive_gated(vault_t *v, kdf_purpose_t purpose, const char *digits, size_t n,
    struct case_secrets *s, uint8_t lookup[32]);

/* copy = SEAL(pk, 01 | kind | case_id | e u32 | secret) */
int case_copy_seal(uint8_t out[CASE_COPY_BYTES], const uint8_t pk[32], uint8_t kind, const uint8_t case_id[16],
    uint32_t e, const uint8_t secret[32], struct case_secrets *s);
/* Opens a copy with (s->hpk, s->hsk) into s->secret; checks format, kind, case and epoch. */
int case_copy_open(const uint8_t copy[CASE_COPY_BYTES], uint8_t kind, const uint8_t case_id[16], uint32_t e,
    struct case_secrets *s);

bool case_opener_is_requester(const case_opener_t *who);
/* case_blob.c: a writer whose file key is fk itself, given before the first byte, with
 * no wrap (a drop's file key f, sealed to the offline key by drop.c). */
int case_blob_writer_start_raw(const uint8_t fk[32], const uint8_t attachment_id[16], const char *name, size_t name_len,
    const char *mime, size_t mime_len, case_pwrite_fn wr, case_pread_fn rd, void *arg, case_blob_writer_t **out);
/* drop.c, for drop_bundle.c: a reader of one bundle stream under the drop's f. */
struct drop_keys;
int drop_reader_new(const struct drop_keys *k, const uint8_t stream_id[16], const case_blob_sink_t *sink,
    case_blob_reader_t **out);
/* Loads the case's slot and the opener's key pair (the one its copies are sealed to). */
vault_status_t case_unlock(vault_t *v, const case_opener_t *who, const case_ref_t *ref, struct case_secrets *s);
/* After case_unlock: s->root = root_t (kind 0) or nroot_t (kind 1) for epoch t <= ref->e. */
int case_root_at(const case_ref_t *ref, uint8_t kind, uint32_t t, struct case_secrets *s);

/* The file key (subkey 2 of the case kind) at the handle's epoch, with the case id and
 * that epoch, for binding an attachment. 0 or -1. */
int case_keys_file_key(case_keys_t *k, uint8_t key[32], uint8_t case_id[CASE_ID_BYTES], uint32_t *e);
/* The file key of epoch e (e <= the handle's), to open an older file's wrap. 0 or -1. */
int case_keys_file_key_at(case_keys_t *k, uint32_t e, uint8_t key[32]);

/* item = 01 | e u32 | nonce 24 | AEAD(key, sodium_pad(pt, padme(len + 1)), AD) */
vault_status_t case_item_seal_key(const uint8_t key[32], uint8_t kind, const uint8_t case_id[16],
    const uint8_t item_id[16], uint32_t e, uint8_t role, uint8_t field, const uint8_t *pt, size_t len, uint8_t *out,
    size_t cap, size_t *out_len);
/* After case_unlock: opens an item of any epoch up to ref->e. */
vault_status_t case_item_open_unlocked(const case_ref_t *ref, uint8_t kind, const uint8_t item_id[16], uint8_t role,
    uint8_t field, const uint8_t *item, size_t len, uint8_t *pt, size_t cap, size_t *pt_len, struct case_secrets *s);

#endif
