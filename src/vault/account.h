/* account: staff account secrets (CRYPTO.md "Accounts", "Sessions", "Groups"). Every
 * function takes and returns fixed-size byte records, never pointers into vault
 * memory, so the vault can later run in its own process. Private keys (an account's
 * X25519 key, group keys, K_acct) exist only inside these functions. */
#ifndef SAVA_ACCOUNT_H
#define SAVA_ACCOUNT_H

#include "vault/vault.h"

#define ACCT_ID_BYTES        16
#define ACCT_PK_BYTES        32
#define ACCT_WRAP_PW_BYTES   (1 + 4 + 4 + 16 + 24 + 32 + 16)   /* 97 */
#define ACCT_WRAP_REC_BYTES  (1 + 24 + 32 + 16)                /* 73 */
#define ACCT_SK_BOX_BYTES    (1 + 24 + 32 + 16)                /* 73 */
#define ACCT_TOTP_BOX_BYTES  (1 + 24 + 20 + 16)                /* 61 */
#define ACCT_RECOVERY_CHARS  26                                /* 16 bytes in base32 */
#define SESS_COOKIE_CHARS    43                                /* 32 bytes, base64url */
#define SESS_BOX_BYTES       (1 + 24 + 32 + 16)                /* 73 */
#define GROUP_SEAL_BYTES     (48 + 1 + 16 + 4 + 32)            /* 101 */
#define PASSPHRASE_MIN_CHARS 16
#define PASSPHRASE_MAX_BYTES 1024

enum { SESS_KIND_STAFF = 1, SESS_KIND_MAILBOX = 2 };

/* What the store keeps of an account's secrets. */
typedef struct {
	uint8_t id[ACCT_ID_BYTES];
	uint8_t pk[ACCT_PK_BYTES];
	uint8_t wrap_pw[ACCT_WRAP_PW_BYTES];
	uint8_t wrap_rec[ACCT_WRAP_REC_BYTES];
	uint8_t sk_box[ACCT_SK_BOX_BYTES];
	uint8_t totp_box[ACCT_TOTP_BOX_BYTES];
} acct_blobs_t;

/* Shown to the person once during enrollment, then wiped. */
typedef struct {
	char recovery[ACCT_RECOVERY_CHARS + 1];
	uint8_t totp_secret[20];
} acct_shown_t;

/* A session as the request knows it: the cookie's secret and the stored row. */
typedef struct {
	uint8_t c[32];
	uint8_t sid[32];
	uint8_t kind;
	uint8_t owner[ACCT_ID_BYTES];
	uint8_t box[SESS_BOX_BYTES];
} sess_t;

/* A new session, to store (sid, box) and to send (cookie). */
typedef struct {
	char cookie[SESS_COOKIE_CHARS + 1];
	uint8_t c[32];           /* the cookie's secret, for a caller that acts in the session at once */
	uint8_t sid[32];
	uint8_t box[SESS_BOX_BYTES];
	uint64_t totp_step;      /* the step that was accepted; a code works once */
	bool code_wrong;         /* acct_login: the passphrase opened the account, the code did not hold */
} sess_new_t;

/* Creates an account: K_acct, an X25519 key pair, a recovery key and a TOTP secret,
 * wrapped as CRYPTO.md says. passphrase must be NFC already. Runs Argon2id: call it
 * from the worker pool. Returns 0 or -1. */
int acct_create(vault_t *v, const char *passphrase, size_t len, acct_blobs_t *out, acct_shown_t *shown) WUR;

/* Checks handle, passphrase and TOTP code and, when all hold, opens a session.
 * acct is NULL for an unknown or revoked handle: the same derivation then runs
 * against a fake salt and a dummy box, so the answer and its time are the same.
 * last_step is the last accepted TOTP step for this account (0: none). Returns
 * VAULT_OK or VAULT_NOT_FOUND (for any failure, whichever part failed), or VAULT_BUSY.
 * out->code_wrong tells the caller (never the person) that the passphrase was right
 * and the code was not, so that guessing codes can be limited per account. */
vault_status_t acct_login(vault_t *v, const char *handle, const acct_blobs_t *acct, const char *passphrase,
    size_t len, const char *code, size_t code_len, uint64_t now, uint64_t last_step, sess_new_t *out) WUR;

/* Re-wraps K_acct under a new passphrase after checking the old one (or, with
 * use_recovery, the recovery key). On success *new_wrap_pw replaces wrap_pw. acct is
 * NULL for an unknown or revoked handle's recovery: it then takes a place at the gate
 * and tries a dummy box, so that it is answered (VAULT_BUSY or VAULT_NOT_FOUND) and
 * timed like a wrong recovery key for a real account. */
vault_status_t acct_rewrap(vault_t *v, const acct_blobs_t *acct, const char *secret, size_t secret_len,
    bool use_recovery, const char *new_passphrase, size_t new_len, uint8_t new_wrap_pw[ACCT_WRAP_PW_BYTES]) WUR;

/* Reads a recovery key as typed: 26 base32 characters in any case, with any spaces or
 * dashes. Returns 0 and the 16 bytes, or -1. */
int acct_recovery_decode(const char *in, size_t len, uint8_t rec[16]) WUR;

/* The session id and CSRF token for a cookie value; -1 when it is not a cookie. */
int sess_from_cookie(sv_t cookie, uint8_t c[32], uint8_t sid[32]) WUR;
void sess_csrf(const uint8_t c[32], uint8_t csrf[32]);

/* Groups. A group key pair's secret half exists only inside these calls. */
/* A new group key (epoch 0 or the next one), sealed to the session's own account. */
int group_key_create(const sess_t *s, const uint8_t group_id[16], uint32_t epoch, uint8_t pk_g[32],
    uint8_t sealed_for_me[GROUP_SEAL_BYTES]) WUR;
/* Seals the group secret the session holds (my_sealed) to another member's key. */
int group_key_grant(const sess_t *s, const uint8_t my_sealed[GROUP_SEAL_BYTES], const uint8_t group_id[16],
    uint32_t epoch, const uint8_t member_pk[32], uint8_t sealed_out[GROUP_SEAL_BYTES]) WUR;
/* Rotation: a new key pair for epoch + 1, the link that lets the new key open the old
 * one, and the new secret sealed to the session itself (the caller grants it to the
 * remaining members with group_key_grant). */
int group_key_rotate(const sess_t *s, const uint8_t my_sealed[GROUP_SEAL_BYTES], const uint8_t group_id[16],
    uint32_t epoch, uint8_t new_pk[32], uint8_t new_sealed_for_me[GROUP_SEAL_BYTES],
    uint8_t link_out[GROUP_SEAL_BYTES]) WUR;

/* Invitations: a random token (shown once, base64url) whose hash is stored, and a note
 * sealed under a key derived from the token, so only the token's holder can read it. */
#define INVITE_NOTE_BOX_EXTRA (1 + 24 + 16)
void invite_token_new(char token[44], uint8_t hash[32]);
/* The stored hash of a token typed back; -1 when it is not a token. */
int invite_token_hash(sv_t token, uint8_t hash[32]) WUR;
/* out holds len + INVITE_NOTE_BOX_EXTRA bytes. */
int invite_note_seal(sv_t token, const char *note, size_t len, uint8_t *out) WUR;

/* Whether a passphrase wrap was made at more than libsodium's minimum Argon2id cost (a
 * production instance's wraps are; a test instance's are not). Reads only its cost fields,
 * no secret. */
bool acct_wrap_above_minimum(const uint8_t wrap_pw[ACCT_WRAP_PW_BYTES]);

#endif
