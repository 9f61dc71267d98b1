/* store: the only module that speaks SQL. SQLite in WAL mode with secure_delete and
 * full fsync on commit; schema migrations run forward at open, and a database written
 * by a newer sava is refused. Prepared statements with bound parameters only. */
#ifndef SAVA_STORE_H
#define SAVA_STORE_H

#include "core/buf.h"

typedef struct store store_t;

typedef enum {
	KDF_PRODUCTION = 0,
	KDF_INSECURE_FAST = 1,   /* libsodium's minimum Argon2id cost: tests and demos only */
} kdf_profile_t;

typedef struct {
	kdf_profile_t kdf;
	int64_t created_day;     /* days since 1970-01-01, UTC */
} store_instance_t;

/* The schema version this sava writes and understands. */
int store_schema_version(void);

/* Creates DIR/sava.db (mode 0600; it must not exist), migrates it to the current
 * schema and records the instance row. Returns 0, or -1 with a sentence in err. */
int store_create(const char *dir, kdf_profile_t kdf, store_t **out, char *err, size_t errlen) WUR;
/* Opens an existing DIR/sava.db, runs forward migrations, refuses a newer schema. */
int store_open(const char *dir, store_t **out, char *err, size_t errlen) WUR;
/* Opens an existing DIR/sava.db read-only, for inspection (`sava audit verify`): no
 * migration and no pragma that writes; a newer schema is refused. */
int store_open_readonly(const char *dir, store_t **out, char *err, size_t errlen) WUR;
void store_close(store_t *st);

int store_instance_get(store_t *st, store_instance_t *out) WUR;
/* PRAGMA integrity_check; 0 when "ok". */
int store_check(store_t *st) WUR;

/* ---- staff accounts, invitations, sessions, groups (accounts.c) ---- */

#define STORE_HANDLE_MAX 32

enum { ACCT_ACTIVE = 0, ACCT_PAUSED = 1, ACCT_REVOKED = 2 };

typedef struct {
	uint8_t id[16];
	char handle[STORE_HANDLE_MAX + 1];
	uint32_t roles;           /* bit set of ROLE_* (domain/staff.h) */
	int status;               /* ACCT_* */
	uint8_t pk[32];
	bool has_secrets;         /* false once revoked: the boxes are gone */
	uint8_t wrap_pw[97];
	uint8_t wrap_rec[73];
	uint8_t sk_box[73];
	uint8_t totp_box[61];
	int64_t created_day;
} store_account_t;

typedef struct {
	uint8_t sid[32];
	int kind;
	uint8_t owner[16];
	uint8_t box[73];
	int64_t created_hour;
} store_session_t;

typedef struct {
	uint8_t id[16];
	uint32_t epoch;
	uint8_t pk[32];
	bool rotation_pending;
} store_group_t;

enum { STORE_OK = 0, STORE_ERROR = -1, STORE_NOT_FOUND = -2, STORE_CONFLICT = -3 };

int store_invite_add(store_t *st, const uint8_t token_hash[32], uint32_t roles, const uint8_t *note, size_t note_len,
    int64_t expires_hour) WUR;
/* The roles of a live invitation (not expired at now_hour), or STORE_NOT_FOUND. */
int store_invite_get(store_t *st, const uint8_t token_hash[32], int64_t now_hour, uint32_t *roles) WUR;
/* Uses up the invitation and creates the account, in one transaction.
 * STORE_CONFLICT when the handle is taken, STORE_NOT_FOUND when the invitation is. */
int store_account_create(store_t *st, const uint8_t token_hash[32], int64_t now_hour, const store_account_t *a) WUR;
int store_account_by_handle(store_t *st, const char *handle, store_account_t *out) WUR;
int store_account_by_id(store_t *st, const uint8_t id[16], store_account_t *out) WUR;
int store_account_set_wrap_pw(store_t *st, const uint8_t id[16], const uint8_t wrap_pw[97]) WUR;
/* Revocation, in one transaction: the boxes are deleted, sessions ended, group copies
 * deleted, and every group the account was in marked for rotation. */
int store_account_revoke(store_t *st, const uint8_t id[16]) WUR;
/* Accounts in handle order: calls fn for each of at most limit from offset. */
int store_accounts_list(store_t *st, size_t offset, size_t limit,
    void (*fn)(void *ctx, const store_account_t *a), void *ctx) WUR;
int store_accounts_count(store_t *st, size_t *count) WUR;

int store_session_add(store_t *st, const store_session_t *s) WUR;
int store_session_get(store_t *st, const uint8_t sid[32], store_session_t *out) WUR;
int store_session_delete(store_t *st, const uint8_t sid[32]) WUR;
int store_sessions_delete_owner(store_t *st, const uint8_t owner[16]) WUR;
/* Every session of owner but keep. */
int store_sessions_delete_others(store_t *st, const uint8_t owner[16], const uint8_t keep[32]) WUR;
int store_sessions_list(store_t *st, const uint8_t owner[16], void (*fn)(void *ctx, const store_session_t *s),
    void *ctx) WUR;

int store_group_get(store_t *st, const char *name, store_group_t *out) WUR;
/* Creates the group at epoch 0 with its first member's copy. STORE_CONFLICT if it exists. */
int store_group_create(store_t *st, const char *name, const store_group_t *g, const uint8_t account_id[16],
    const uint8_t sealed[101]) WUR;
/* A member's copy of the current epoch, or STORE_NOT_FOUND. */
int store_group_copy(store_t *st, const uint8_t group_id[16], const uint8_t account_id[16], uint32_t *epoch,
    uint8_t sealed[101]) WUR;
int store_group_grant(store_t *st, const uint8_t group_id[16], const uint8_t account_id[16], uint32_t epoch,
    const uint8_t sealed[101]) WUR;
/* Members of the group that hold a copy, and accounts with one of role_mask that do
 * not: fn(ctx, account, has_copy). */
int store_group_members(store_t *st, const uint8_t group_id[16], uint32_t role_mask,
    void (*fn)(void *ctx, const store_account_t *a, bool has_copy), void *ctx) WUR;
/* Rotation in one transaction: the new epoch and key, the link from the old secret (NULL
 * when nobody could open the old one), the
 * rotating member's new copy; all older copies deleted; rotation_pending cleared. */
int store_group_rotate(store_t *st, const uint8_t group_id[16], uint32_t new_epoch, const uint8_t new_pk[32],
    const uint8_t link[101], const uint8_t account_id[16], const uint8_t sealed[101]) WUR;


/* ---- audit (audit.c): the append-only audit table, entry i with its links h and u ---- */

#define STORE_AUDIT_ENTRY_MAX 64   /* bytes of an entry copied out; entries are 42 */

/* One row, copied into bounded buffers. The *_len fields are the stored lengths, so a
 * wrong length is visible even when it exceeds the buffer (only the buffer is filled). */
typedef struct {
	int64_t idx;
	size_t entry_len, h_len, u_len;
	unsigned char entry[STORE_AUDIT_ENTRY_MAX];
	unsigned char h[32];
	unsigned char u[32];
} store_audit_row_t;

/* Appends entry idx with its chain links, committed (synchronous = FULL) on return.
 * Fails when row idx exists. */
int store_audit_append(store_t *st, uint64_t idx, const unsigned char *entry, size_t len, const unsigned char h[32],
    const unsigned char u[32]) WUR;
/* The row with the highest idx: 1 and *row filled, 0 when the log is empty, -1 on error. */
int store_audit_last(store_t *st, store_audit_row_t *row) WUR;
/* Row idx: 1 and *row filled, 0 when there is none, -1 on error. */
int store_audit_get(store_t *st, uint64_t idx, store_audit_row_t *row) WUR;

/* Called for each row; returns 0 to go on, anything else to stop. It must not call the
 * store (the read is still open). */
typedef int (*store_audit_fn)(void *ctx, const store_audit_row_t *row);
/* Every row in idx order, as one consistent snapshot. Returns 0 after the last row, 1
 * when fn stopped, -1 on error. */
int store_audit_each(store_t *st, store_audit_fn fn, void *ctx) WUR;

#endif
