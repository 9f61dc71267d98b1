/* drop: the secure drop's keys (CRYPTO.md "Media, appeals and the drop", offline mode;
 * docs/formats.md "Drop bundles"). Each submission gets a fresh file key f and a fresh
 * root; the server stores SEAL(P_off, f | root), wrapped under its case's shred key so
 * that destroying the slot destroys it too, and never anything that opens it: the secret
 * half S_off lives in a key file on the offline machine (`sava drop keygen`), which alone
 * opens bundles (`sava decrypt`). Trusted with f and root (sodium memory, wiped on free)
 * on the server only while a submission is written. */
#ifndef SAVA_VAULT_DROP_H
#define SAVA_VAULT_DROP_H

#include <sodium.h>

#include "vault/case.h"

#define DROP_LABEL          "sava-drop-v1"     /* first bytes of stream 0 (the manifest) */
#define DROP_LABEL_BYTES    12
#define DROP_SEALED_BYTES   (64 + crypto_box_SEALBYTES)             /* SEAL(P_off, f | root): 112 */
#define DROP_WRAP_BYTES     (1 + 24 + DROP_SEALED_BYTES + 16)       /* 01 | nonce | AEAD(..): 153 */
#define DROP_KEYFILE_BYTES  76       /* "SAVADKEY" | 01 | 00 00 00 | S_off 32 | P_off 32 */

typedef struct drop_keys drop_keys_t;

/* ---- the server ---- */
/* A fresh f and root for one submission. NULL when out of memory. */
drop_keys_t *drop_keys_new(void);
void drop_keys_free(drop_keys_t *k);
/* A file writer under f (instead of a key wrapped to a case), from its first byte, as
 * case_blob_writer_start; finish it with case_blob_writer_finish (its fk_wrap is zeros). */
int drop_writer_start(const drop_keys_t *k, const uint8_t id[16], const char *name, size_t name_len, const char *mime,
    size_t mime_len, case_pwrite_fn wr, case_pread_fn rd, void *arg, case_blob_writer_t **out) WUR;
/* wrap = 01 | nonce 24 | AEAD(H(z, "sava-drop-wrap-v1" | case_id), SEAL(pk_off, f | root),
 * AD = "sava-drop-wrap-v1" | case_id), z the case's shred key (slot). */
vault_status_t drop_seal(vault_t *v, const uint8_t case_id[16], uint32_t slot, const drop_keys_t *k,
    const uint8_t pk_off[32], uint8_t wrap[DROP_WRAP_BYTES]) WUR;
/* For an export: the sealed box, out of its wrap (nothing on the server opens the box). */
vault_status_t drop_unwrap(vault_t *v, const uint8_t case_id[16], uint32_t slot, const uint8_t wrap[DROP_WRAP_BYTES],
    uint8_t sealed[DROP_SEALED_BYTES]) WUR;
/* The requester's public key of a case, through his own (mailbox) session. */
vault_status_t drop_pk_req(vault_t *v, const case_opener_t *who, const case_ref_t *ref, uint8_t pk[32]) WUR;

/* A reply written offline, as its requester's mailbox opens it: SEAL(pk_req, label |
 * case_id | text) opened with his session's key, the label and the case checked, v2's
 * padding removed (and checked); the text (at most sealed_len - 48 - 34 bytes) to out. VAULT_NOT_FOUND when it does not
 * open or is another case's. */
vault_status_t drop_reply_open(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t *sealed,
    size_t sealed_len, uint8_t *out, size_t cap, size_t *len) WUR;

/* ---- the offline machine ---- */
/* A reply to a submission's requester: out (drop_reply_sealed_len(n) bytes) = SEAL(pk_req,
 * "sava-drop-reply-v2" | drop_id | sodium_pad(text, padme(n + 1))). */
size_t drop_reply_sealed_len(size_t n);
int drop_reply_seal(const uint8_t pk_req[32], const uint8_t drop_id[16], const uint8_t *text, size_t n, uint8_t *out)
    WUR;
/* A new key pair: the key file's bytes (secret: the caller writes them 0600 and wipes
 * them) and the public key for `offline_key`. */
void drop_keygen(uint8_t keyfile[DROP_KEYFILE_BYTES], uint8_t pk[32]);
/* Opens a bundle's sealed box with a key file: f and root. -1 when the key file is not
 * one, or the box does not open with it. */
int drop_keys_open(const uint8_t *keyfile, size_t len, const uint8_t sealed[DROP_SEALED_BYTES], drop_keys_t **out)
    WUR;
/* SEAL(pk_off, f | root) alone (drop_seal wraps it; tests build bundles with it). */
int drop_keys_seal(const drop_keys_t *k, const uint8_t pk_off[32], uint8_t sealed[DROP_SEALED_BYTES]) WUR;

/* ---- a bundle, on the offline machine (drop_bundle.c) ---- */
/* How a bundle is read: its bytes (pread, size), and, for the second pass, where its
 * message and files go: message (once, the whole message), then for each file begin
 * (index from 1, its name as sent: untrusted), data (in order), end. Each returns 0 to
 * go on. */
typedef struct {
	int (*pread)(void *ctx, uint8_t *p, size_t n, uint64_t off);
	uint64_t size;
	int (*message)(void *ctx, const uint8_t *p, size_t n);
	int (*file_begin)(void *ctx, unsigned index, const char *name, size_t name_len);
	int (*file_data)(void *ctx, const uint8_t *p, size_t n);
	int (*file_end)(void *ctx);
	void *ctx;
} drop_bundle_io_t;
typedef struct drop_bundle drop_bundle_t;
typedef enum {
	DROP_BUNDLE_OK = 0,
	DROP_BUNDLE_NOT_BUNDLE,    /* not a bundle this version reads */
	DROP_BUNDLE_WRONG_KEY,     /* the key file is not one, or its key does not open the box */
	DROP_BUNDLE_DAMAGED,       /* a frame, a stream or the manifest does not check */
	DROP_BUNDLE_ERROR,         /* memory, or an output callback failed */
} drop_bundle_status_t;
/* Opens the header and the sealed box with the key file. */
drop_bundle_status_t drop_bundle_open(const uint8_t *keyfile, size_t kflen, const drop_bundle_io_t *io,
    drop_bundle_t **out) WUR;
/* Pass one: every frame of every stream, the manifest against the streams, the end. No
 * output callback is called. */
drop_bundle_status_t drop_bundle_check(drop_bundle_t *b) WUR;
/* Pass two, after a check: the same again, through the output callbacks. Content is
 * authentic as it is handed out; a failure part-way (the bundle changed since the
 * check) means the caller deletes what it wrote. */
drop_bundle_status_t drop_bundle_write(drop_bundle_t *b) WUR;
/* After a check: the drop's id and the requester's mailbox key (for a reply). */
void drop_bundle_ids(const drop_bundle_t *b, uint8_t drop_id[16], uint8_t pk_req[32]);
void drop_bundle_free(drop_bundle_t *b);

#endif
