/* case: the vault side of anonymous help requests (CRYPTO.md "Receipts", "Cases", "Files").
 * Fixed-size records in and out: receipts are produced here and shown once; z, s_e, n_e,
 * sk_req, group and file keys exist only inside these calls and are wiped before return. */
#ifndef SAVA_CASE_H
#define SAVA_CASE_H

#include "vault/account.h"
#include "vault/vault.h"

#define CASE_ID_BYTES       16
/* Staff keys a case is sealed to: one (the triage key) as a rule, but while the triage key
 * waits for rotation a new case is sealed to each remaining holder, so this bounds the
 * triage group (as GROUP_MEMBERS_MAX in domain/groups.c does). */
#define CASE_HOLDERS_MAX    512
#define CASE_COPY_PLAIN     (1 + 1 + 16 + 4 + 32)            /* 01 | kind | case_id | e | secret */
#define CASE_COPY_BYTES     (48 + CASE_COPY_PLAIN)           /* 102: crypto_box_seal */
#define CASE_LINK_BYTES     (1 + 24 + 32 + 16)               /* 73 */
#define CASE_FKWRAP_BYTES   (1 + 4 + 24 + 32 + 16)           /* 77 */
#define CASE_ITEM_OVERHEAD  (1 + 4 + 24 + 16)                /* plus padme(len + 1) */
#define CASE_ITEM_PT_MAX    (256u * 1024)                    /* one text field */
#define CASE_PKREQ_ITEM_BYTES (CASE_ITEM_OVERHEAD + 256)     /* pk_req: padme(33) = 256 */
#define CASE_FRAME          65536                            /* plaintext bytes per blob frame */
#define CASE_FRAME_CT       (CASE_FRAME + 17)                /* secretstream ABYTES */
#define CASE_BLOB_HEAD      (1 + 24)                         /* 01 | secretstream header */
#define CASE_BLOB_MAX       ((uint64_t)1 << 36)              /* 64 GiB of real content */
#define CASE_NAME_MAX       1024
#define CASE_MIME_MAX       255

/* copy and item kinds: 0 what the requester may read (s_e), 1 staff only (n_e) */
enum { CASE_KIND_CASE = 0, CASE_KIND_NOTES = 1 };
/* author_role in an item's AD */
enum { CASE_ROLE_SYSTEM = 0, CASE_ROLE_REQUESTER = 1, CASE_ROLE_STAFF = 2 };
/* the field every case has from creation: pk_req, under s_0, role SYSTEM */
enum { CASE_FIELD_PK_REQ = 0 };

/* Who opens the case, and with what secret. The vault derives the key inside the call.
 *  CASE_BY_RECEIPT  the requester's receipt (runs Argon2id: once per request at most)
 *  CASE_BY_SESSION  a session whose own X25519 key a copy is sealed to: the requester's
 *                   mailbox session (owner = case id, key sk_req), or a staff account the
 *                   case was sealed to directly (assigned, or fan-out while rotation_pending)
 *  CASE_BY_GROUP    a staff session holding a member copy of the group key; when the case
 *                   copy is sealed to an older group epoch, glinks lead back to it: glinks[0]
 *                   is glink_{g-1} (sealed to pk_g), glinks[1] glink_{g-2}, ... */
enum { CASE_BY_RECEIPT = 1, CASE_BY_SESSION = 2, CASE_BY_GROUP = 3 };
typedef struct {
	uint8_t by;
	char receipt[RECEIPT_DIGITS_MAX];
	size_t receipt_len;
	sess_t sess;
	uint8_t group_id[16];
	uint32_t group_epoch;                       /* the epoch of group_copy */
	uint8_t group_copy[GROUP_SEAL_BYTES];
	const uint8_t (*glinks)[GROUP_SEAL_BYTES];  /* borrowed; may be NULL when nglinks is 0 */
	uint32_t nglinks;
	const struct group_key *gkey;               /* borrowed, may be NULL: this group copy already
	                                             * opened (group_key_open), for many cases */
} case_opener_t;

/* A case as the store keeps it, seen from one opener. copy/ncopy are the opener's copies of
 * s_e and n_e for the current epoch e; links lead from e back to older epochs: links[0] is
 * link_{e-1} (opened with k_link_e), links[1] link_{e-2}, ... (same for nlinks and n). */
typedef struct {
	uint8_t case_id[CASE_ID_BYTES];
	uint32_t slot;                              /* index in shred.kf */
	uint32_t e;
	uint8_t copy[CASE_COPY_BYTES];
	uint8_t ncopy[CASE_COPY_BYTES];             /* staff only; ignored for the requester */
	const uint8_t (*links)[CASE_LINK_BYTES];    /* borrowed */
	uint32_t nlinks_s;
	const uint8_t (*nlinks)[CASE_LINK_BYTES];   /* borrowed */
	uint32_t nlinks_n;
} case_ref_t;

/* A new case, to store (everything but receipt) and to show (receipt, once). */
typedef struct {
	uint8_t case_id[CASE_ID_BYTES];
	uint32_t slot;
	char receipt[RECEIPT_DIGITS_MAX + 1];       /* shown once, then wiped by the caller */
	uint8_t req_copy[CASE_COPY_BYTES];          /* s_0 sealed to pk_req */
	uint8_t copies[CASE_HOLDERS_MAX][CASE_COPY_BYTES];    /* s_0 sealed to holders[i] */
	uint8_t ncopies[CASE_HOLDERS_MAX][CASE_COPY_BYTES];   /* n_0 sealed to holders[i] */
	uint8_t pk_req_item_id[16];
	uint8_t pk_req_item[CASE_PKREQ_ITEM_BYTES];           /* kind 0, role SYSTEM, field PK_REQ */
	uint8_t audit_id[16];
	sess_new_t mailbox;                         /* a mailbox session for the requester (owner =
	                                             * case id): the intake seals his words through it,
	                                             * and may store it; wiped by the caller */
} case_new_t;

/* A new epoch e + 1, to store in one transaction with the deletion of older copies. */
typedef struct {
	uint32_t e;                                 /* the new epoch */
	uint8_t req_copy[CASE_COPY_BYTES];
	uint8_t copies[CASE_HOLDERS_MAX][CASE_COPY_BYTES];
	uint8_t ncopies[CASE_HOLDERS_MAX][CASE_COPY_BYTES];
	uint8_t link[CASE_LINK_BYTES];              /* link_{e-1}: s_{e-1} under k_link_e */
	uint8_t nlink[CASE_LINK_BYTES];             /* n_{e-1} under k_nlink_e */
} case_epoch_t;

/* Every call returns VAULT_OK; VAULT_NOT_FOUND when something does not open or is refused
 * (wrong secret, tampered record, shredded case, wrong role); VAULT_BUSY when the Argon2id
 * queue is full; VAULT_ERROR for I/O or memory failures. */

/* A new case sealed to the staff keys holders[0..n) (the triage group's current key, or its
 * members during rotation_pending) and to the requester. Writes the shred.kf slot and
 * fdatasyncs before returning, so call it before the COMMIT of the case's rows; when the
 * COMMIT fails, call case_shred. digits is 16 or 20. Runs Argon2id. */
vault_status_t case_create(vault_t *v, unsigned digits, const uint8_t (*holders)[32], size_t nholders,
    case_new_t *out) WUR;

/* The requester's receipt: finds the case (scanning every slot) and opens a mailbox session
 * (kind SESS_KIND_MAILBOX, owner = case id) whose box holds sk_req, so that later requests
 * need no Argon2id. Returns VAULT_NOT_FOUND for a receipt of no live case. */
vault_status_t case_receipt_login(vault_t *v, const char *digits, size_t n, uint8_t case_id[CASE_ID_BYTES],
    uint32_t *slot, sess_new_t *out) WUR;

/* An item: 01 | e | nonce | AEAD(k_item or k_note, padded pt, AD). Seals at ref->e; out
 * must hold CASE_ITEM_OVERHEAD + vault_padme(len + 1) bytes (cap says how many it has).
 * The requester may seal only kind CASE_KIND_CASE with role CASE_ROLE_REQUESTER; staff
 * may not use that role. */
vault_status_t case_item_seal(vault_t *v, const case_opener_t *who, const case_ref_t *ref, uint8_t kind,
    const uint8_t item_id[16], uint8_t role, uint8_t field, const uint8_t *pt, size_t len, uint8_t *out,
    size_t cap, size_t *out_len) WUR;
/* Opens an item of any epoch up to ref->e (older ones through the links). pt must hold
 * len - CASE_ITEM_OVERHEAD bytes; *pt_len is the real length. */
vault_status_t case_item_open(vault_t *v, const case_opener_t *who, const case_ref_t *ref, uint8_t kind,
    const uint8_t item_id[16], uint8_t role, uint8_t field, const uint8_t *item, size_t len, uint8_t *pt,
    size_t cap, size_t *pt_len) WUR;

/* Many items of one case: the opener's keys are opened once (the X25519 work), then each
 * item's key is derived per kind and epoch as needed. The handle lives in guarded memory;
 * ref's links are borrowed and must outlive it. */
typedef struct case_keys case_keys_t;
vault_status_t case_keys_open(vault_t *v, const case_opener_t *who, const case_ref_t *ref, case_keys_t **out) WUR;
vault_status_t case_keys_item_open(case_keys_t *k, uint8_t kind, const uint8_t item_id[16], uint8_t role,
    uint8_t field, const uint8_t *item, size_t len, uint8_t *pt, size_t cap, size_t *pt_len) WUR;
/* Seals an item at the epoch the handle was opened at, as case_item_seal does, with the
 * same role rules; the keys are not opened again. */
vault_status_t case_keys_item_seal(case_keys_t *k, uint8_t kind, const uint8_t item_id[16], uint8_t role,
    uint8_t field, const uint8_t *pt, size_t len, uint8_t *out, size_t cap, size_t *out_len) WUR;
void case_keys_free(case_keys_t *k);

/* A staff opener's group key (CASE_BY_GROUP: her session key, then her copy of the group's
 * key at who->group_epoch), opened once for the many cases of one page; put it in
 * who->gkey so that case_unlock skips those two steps. Guarded memory, wiped on free. */
typedef struct group_key group_key_t;
vault_status_t group_key_open(const case_opener_t *who, group_key_t **out) WUR;
void group_key_free(group_key_t *k);

/* Starts epoch ref->e + 1 (staff only): new s and n, sealed to holders[0..n) and to pk_req
 * (read from the pk_req item, of any epoch), and the links to the current epoch. Records
 * the new epoch in the shred.kf slot. */
vault_status_t case_epoch_next(vault_t *v, const case_opener_t *who, const case_ref_t *ref,
    const uint8_t pk_req_item_id[16], const uint8_t *pk_req_item, size_t pk_req_item_len,
    const uint8_t (*holders)[32], size_t nholders, case_epoch_t *out) WUR;

/* Seals the current epoch's secrets (s_e and n_e) to one more staff key (an Owl the case
 * is assigned to), from an opener that holds them (staff only). */
vault_status_t case_grant(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t pk[32],
    uint8_t copy[CASE_COPY_BYTES], uint8_t ncopy[CASE_COPY_BYTES]) WUR;

/* Destroys the case's shred key. Afterwards nothing of the case opens, and no receipt can be
 * linked to it; only then may its rows be deleted. VAULT_OK: destroyed now; VAULT_NOT_FOUND:
 * the slot is free or another object's (gone before: the rows may go too, and a slot
 * reused by a newer case is never touched); VAULT_ERROR: shred.kf could not be read or
 * written, so nothing is known: keep the rows and try again later. */
vault_status_t case_shred(vault_t *v, const uint8_t case_id[CASE_ID_BYTES], uint32_t slot) WUR;

/* The audit object for a case: the first 16 bytes of H(z, "sava-audit-v1"). */
vault_status_t case_audit_id(vault_t *v, const uint8_t case_id[CASE_ID_BYTES], uint32_t slot,
    uint8_t out[16]) WUR;

/* Every live case slot, for collecting slots without rows at start (then case_shred them).
 * A non-zero return from fn stops the walk. */
typedef int (*case_live_fn)(void *arg, uint32_t slot, const uint8_t case_id[CASE_ID_BYTES]);
int case_live_list(vault_t *v, case_live_fn fn, void *arg) WUR;

/* Clears the slots a crash left half-shredded (neither free nor live), at start. *n is
 * how many. Returns 0, or -1 when shred.kf could not be read or written (logged). */
int case_slots_sweep(vault_t *v, size_t *n) WUR;

/* ---- files ----
 * The blob is written through offset-based callbacks on the destination (a file opened for
 * reading and writing), never held whole, and without knowing its length up front. Frame 0
 * carries real_len but must be the first frame of the stream (secretstream chains every
 * frame's state through the previous one's MAC, so it cannot be encrypted last). So the
 * writer streams in two passes over the same file: first each 64 KiB of content is sealed
 * under a one-time spool key that exists only in vault memory and written at the offset its
 * final frame will take (frame 0's place left empty); at finish, frame 0 is sealed with the
 * now known real_len, and each spool frame is read back, opened, sealed under fk and written
 * over itself, followed by the zero frames of the padding. The destination never holds
 * plaintext; once the spool key is wiped the first-pass frames are unreadable. A writer
 * told the length up front (case_blob_writer_expect) skips the spool and the second pass.
 * Both
 * callbacks return 0 when all n bytes were written or read, else -1. */
typedef int (*case_pwrite_fn)(void *arg, const uint8_t *p, size_t n, uint64_t off);
typedef int (*case_pread_fn)(void *arg, uint8_t *p, size_t n, uint64_t off);
typedef struct case_blob_writer case_blob_writer_t;

/* Opens the case at ref->e, makes fk and its wrap. Caller ends with finish or free. */
vault_status_t case_blob_writer_new(vault_t *v, const case_opener_t *who, const case_ref_t *ref,
    const uint8_t attachment_id[16], const char *name, size_t name_len, const char *mime, size_t mime_len,
    case_pwrite_fn wr, case_pread_fn rd, void *arg, case_blob_writer_t **out) WUR;
/* The same in two steps, for an upload that streams in before its case exists (a new
 * request): start needs no case and runs the first pass only; bind opens the case and
 * wraps fk, and must come before finish. */
int case_blob_writer_start(const uint8_t attachment_id[16], const char *name, size_t name_len, const char *mime,
    size_t mime_len, case_pwrite_fn wr, case_pread_fn rd, void *arg, case_blob_writer_t **out) WUR;
vault_status_t case_blob_writer_bind(vault_t *v, const case_opener_t *who, const case_ref_t *ref,
    case_blob_writer_t *w) WUR;
/* Content bytes written so far. */
/* The same, through keys already opened (case_keys_open): no second unlock. */
vault_status_t case_blob_writer_bind_keys(case_keys_t *k, case_blob_writer_t *w) WUR;
uint64_t case_blob_writer_length(const case_blob_writer_t *w);
/* When the length is known (a file's size) or well guessed (the last part of a body
 * whose Content-Length is known), before the first byte: the writer then writes the final
 * stream as the content comes, under fk, and finish reads nothing back if exactly len
 * bytes came. If another number came, finish makes the second pass, as without it (the
 * stream so far is then its input). 0, or -1 (already written to, len 0 or too large:
 * nothing changed). */
int case_blob_writer_expect(case_blob_writer_t *w, uint64_t len) WUR;
int case_blob_writer_write(case_blob_writer_t *w, const uint8_t *p, size_t n) WUR;
/* Writes the final blob and returns its fk_wrap and length (the file's size). Frees w. */
int case_blob_writer_finish(case_blob_writer_t *w, uint8_t fk_wrap[CASE_FKWRAP_BYTES], uint64_t *blob_len) WUR;
void case_blob_writer_free(case_blob_writer_t *w);

/* The keys a background job (a media job) needs for one case's files, and nothing more:
 * the file key of one attachment, to read it, and the case's file-wrap key at the
 * handle's epoch, to seal the job's outputs to the same holders. Made from keys a request
 * or a command opened (case_keys_open) while it holds them; guarded memory, kept only in
 * the job's memory, never on disk (after a restart an editor's page makes them again). */
typedef struct case_file_keys case_file_keys_t;
vault_status_t case_file_keys_new(case_keys_t *k, const uint8_t attachment_id[16],
    const uint8_t fk_wrap[CASE_FKWRAP_BYTES], case_file_keys_t **out) WUR;
void case_file_keys_free(case_file_keys_t *j);
vault_status_t case_blob_writer_bind_file_keys(const case_file_keys_t *j, case_blob_writer_t *w) WUR;

/* The reader: feed the blob's bytes in any pieces; meta is called once after frame 0, data
 * for each piece of real content (padding is checked to be zero and not passed on). Content
 * is authentic as it arrives, but complete only when case_blob_reader_end returns 0: a
 * response already streaming must be cut off when it does not. Callbacks return 0 to go on. */
typedef struct {
	int (*meta)(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime,
	    size_t mime_len);
	int (*data)(void *arg, const uint8_t *p, size_t n);
	void *arg;
} case_blob_sink_t;
typedef struct case_blob_reader case_blob_reader_t;

vault_status_t case_blob_reader_new(vault_t *v, const case_opener_t *who, const case_ref_t *ref,
    const uint8_t attachment_id[16], const uint8_t fk_wrap[CASE_FKWRAP_BYTES], const case_blob_sink_t *sink,
    case_blob_reader_t **out) WUR;
/* The input file of a job's keys. */
vault_status_t case_file_keys_reader(const case_file_keys_t *j, const case_blob_sink_t *sink,
    case_blob_reader_t **out) WUR;
/* With a bare file key: for tests and the fuzzer only; pages never hold fk. */
int case_blob_reader_new_raw(const uint8_t fk[32], const uint8_t attachment_id[16], const case_blob_sink_t *sink,
    case_blob_reader_t **out) WUR;
/* 0, or -1 from then on (bad frame, wrong tag, bytes after TAG_FINAL, a callback's refusal). */
int case_blob_reader_feed(case_blob_reader_t *r, const uint8_t *p, size_t n) WUR;
/* 0 only when TAG_FINAL was read and nothing followed it. */
int case_blob_reader_end(case_blob_reader_t *r) WUR;
void case_blob_reader_free(case_blob_reader_t *r);

/* The number of frames of a blob whose content is real_len bytes:
 * ceil(padme(real_len + 65536) / 65536) (padme's steps below 2 MiB are finer than a frame). */
uint64_t case_blob_frames(uint64_t real_len);

/* A new receipt: digits (16..20) characters each randombytes_uniform(10), NUL-terminated. */
int case_receipt_new(unsigned digits, char out[RECEIPT_DIGITS_MAX + 1]) WUR;

/* Known-answer helper for tests: the requester's key pair from receipt and z at a cost. */
int case_receipt_keys(const uint8_t salt[16], const char *digits, size_t n, unsigned long long ops, size_t mem,
    const uint8_t z[32], uint8_t lookup[32], uint8_t pk_req[32]) WUR;

#endif
