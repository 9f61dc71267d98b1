/* store: the only module that speaks SQL. SQLite in WAL mode with secure_delete and
 * full fsync on commit; schema migrations run forward at open, and a database written
 * by a newer sava is refused. Prepared statements with bound parameters only. */
#ifndef SAVA_STORE_H
#define SAVA_STORE_H

#include "core/buf.h"
#include "core/profile.h"

typedef struct store store_t;


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
/* For the seed generator only: commits of this thread's connection without fsync
 * (false), and back to synchronous = FULL (true). */
int store_set_durable(store_t *st, bool durable) WUR;
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
	char languages[64];       /* language codes, comma-separated ("ru,be,en") */
	char location[8];         /* a country code, or empty: prefer not to say */
	unsigned capacity;        /* active cases at most */
	uint32_t training;        /* training checklist: bit i = item i done */
	unsigned active_cases;    /* cases assigned to her and not closed */
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
	bool has_reset_for;       /* an operator allowed reset_for to re-create the key */
	uint8_t reset_for[16];
	int64_t recreated_hour;   /* when the key was last re-created by a reset; 0: never */
	uint8_t recreated_by[16];
} store_group_t;

enum { STORE_OK = 0, STORE_ERROR = -1, STORE_NOT_FOUND = -2, STORE_CONFLICT = -3 };

int store_invite_add(store_t *st, const uint8_t token_hash[32], uint32_t roles, const uint8_t *note, size_t note_len,
    int64_t expires_hour) WUR;
/* The roles of a live invitation (not expired at now_hour), or STORE_NOT_FOUND. */
int store_invite_get(store_t *st, const uint8_t token_hash[32], int64_t now_hour, uint32_t *roles) WUR;
/* An invitation as the operator's list shows it: its token is stored nowhere. */
typedef struct {
	uint8_t token_hash[32];
	uint32_t roles;
	int64_t expires_hour;
} store_invite_t;
/* Every invitation not expired at now_hour, the soonest to expire first. */
int store_invites_each(store_t *st, int64_t now_hour, void (*fn)(void *ctx, const store_invite_t *inv), void *ctx) WUR;
/* Deletes one invitation (withdrawn): STORE_OK, or STORE_NOT_FOUND when it is gone. */
int store_invite_delete(store_t *st, const uint8_t token_hash[32]) WUR;
/* Deletes every invitation expired at now_hour (the row and its encrypted note); *n: how many. */
int store_invites_delete_expired(store_t *st, int64_t now_hour, size_t *n) WUR;
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
/* Every session (at start: their timers were in memory, so none is alive). */
int store_sessions_delete_all(store_t *st) WUR;
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

/* The operator's explicit reset of a group whose every holder is gone: allows account_id
 * to make a new key at its next login. STORE_CONFLICT when someone still holds a copy. */
int store_group_reset_allow(store_t *st, const uint8_t group_id[16], const uint8_t account_id[16]) WUR;
/* The reset itself, in one transaction, only when account_id was allowed and nobody holds
 * a copy: the new epoch and key with no link, the account's copy, the time and the
 * account recorded, the allowance cleared. STORE_CONFLICT otherwise. */
int store_group_recreate(store_t *st, const uint8_t group_id[16], uint32_t new_epoch, const uint8_t new_pk[32],
    const uint8_t account_id[16], const uint8_t sealed[101], int64_t hour) WUR;

/* The links of a group from epoch `from` down: out[0] = glink_{from-1}, out[1] =
 * glink_{from-2}, ... down to glink_{to}; *n of them (fewer when one is missing). */
int store_group_links(store_t *st, const uint8_t group_id[16], uint32_t from, uint32_t to, uint8_t (*out)[101],
    size_t max, size_t *n) WUR;

/* ---- help requests (cases.c) ---- */

#define STORE_PKREQ_ITEM_BYTES 301
#define STORE_COPY_BYTES       102
#define STORE_LINK_BYTES       73
#define STORE_FKWRAP_BYTES     77

enum { HOLDER_REQUESTER = 0, HOLDER_GROUP = 1, HOLDER_ACCOUNT = 2 };
/* Stages as the store counts them (the domain names them): 0..8, and from 7 on a case
 * is no longer open (closed, rejected). */
#define STORE_STAGES      9
/* The first final stage (closed): every stage below it is open. The store's queries and
 * partial indexes name it through this macro, and the domain asserts that it is its own
 * STAGE_CLOSED (casework.c), so no corridor rule hides in SQL as a bare number. */
#define STORE_STAGE_CLOSED 7
#define STORE_STR_(x) #x
#define STORE_STR(x) STORE_STR_(x)
#define STORE_STAGE_CLOSED 7

typedef struct {
	uint8_t id[16];
	uint32_t slot;
	char lang[3];
	int stage;
	uint32_t epoch;
	uint8_t pk_req_item_id[16];
	uint8_t pk_req_item[STORE_PKREQ_ITEM_BYTES];
	int64_t created_hour, activity_hour;
	uint32_t seq;                 /* the last message's number */
	bool has_assignee;
	uint8_t assignee[16];         /* the Owl it is assigned to */
	int64_t waiting_hour;         /* since when a requester's message waits; -1: none */
} store_case_t;

typedef struct {
	int holder_kind;              /* HOLDER_* */
	uint8_t holder[16];           /* the case id, a group id or an account id */
	uint32_t holder_epoch;        /* the group's epoch for HOLDER_GROUP, else 0 */
	uint8_t copy[STORE_COPY_BYTES];
	uint8_t ncopy[STORE_COPY_BYTES];
	bool has_ncopy;               /* staff holders have one, the requester none */
} store_copy_t;

/* An item: the ciphertext is borrowed (valid for the call it is handed to). */
typedef struct {
	uint8_t id[16];
	uint32_t seq;
	int kind, role, field;
	int64_t created_hour;
	const uint8_t *ct;
	size_t ct_len;
} store_item_t;

typedef struct {
	uint8_t id[16];
	uint8_t case_id[16];
	uint32_t seq;
	uint8_t fk_wrap[STORE_FKWRAP_BYTES];
	uint64_t blob_len;
	int64_t created_hour;
} store_attachment_t;

/* A new case with its copies, first items (seq 1) and attachments, in one transaction. */
int store_case_create(store_t *st, const store_case_t *c, const store_copy_t *copies, size_t ncopies,
    const store_item_t *items, size_t nitems, const store_attachment_t *att, size_t natt) WUR;
int store_case_get(store_t *st, const uint8_t id[16], store_case_t *out) WUR;
/* The copy of a case's current epoch for one holder, or STORE_NOT_FOUND. */
int store_case_copy(store_t *st, const uint8_t case_id[16], int holder_kind, const uint8_t holder[16],
    store_copy_t *out) WUR;
/* The case's copy for any group holder (there is one per case), or STORE_NOT_FOUND. */
int store_case_group_copy(store_t *st, const uint8_t case_id[16], store_copy_t *out) WUR;
/* The case's epoch links of kind (0 case, 1 notes) from epoch e down: out[0] = link_{e-1}. */
int store_case_links(store_t *st, const uint8_t case_id[16], int kind, uint32_t e, uint8_t (*out)[73], size_t max,
    size_t *n) WUR;
/* A new message: items and attachments numbered seq = the case's seq + 1, the case's
 * activity hour set, and its stage moved from from_stage to to_stage when it is there
 * (from_stage < 0: never). waiting 1: a requester's message, which waits from this hour
 * if nothing waited; -1: staff answered; 0: neither. *seq_out gets the number. One
 * transaction. */
int store_case_add(store_t *st, const uint8_t case_id[16], const store_item_t *items, size_t nitems,
    const store_attachment_t *att, size_t natt, int64_t hour, int from_stage, int to_stage, int waiting,
    uint32_t *seq_out) WUR;
/* Every item of a case in seq order (then field), and every attachment. fn returns 0 to go on. */
int store_case_items(store_t *st, const uint8_t case_id[16], int (*fn)(void *ctx, const store_item_t *it),
    void *ctx) WUR;
/* The first item of field in message seq, or STORE_NOT_FOUND. fn is called once. */
int store_case_item(store_t *st, const uint8_t case_id[16], uint32_t seq, int field,
    int (*fn)(void *ctx, const store_item_t *it), void *ctx) WUR;
int store_case_attachments(store_t *st, const uint8_t case_id[16],
    int (*fn)(void *ctx, const store_attachment_t *a), void *ctx) WUR;
int store_attachment_get(store_t *st, const uint8_t id[16], store_attachment_t *out) WUR;
int store_attachment_exists(store_t *st, const uint8_t id[16]) WUR;   /* 1, 0 or -1 */
/* Cases in stages [lo, hi], newest first. */
int store_cases_list(store_t *st, int lo, int hi, size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_case_t *c), void *ctx) WUR;
int store_cases_count(store_t *st, int lo, int hi, size_t *n) WUR;
/* Cases that need a new epoch: without a copy for the group's current epoch (sealed to
 * an older one, or only to single members while a rotation waited), or assigned to an
 * Owl who was revoked; but not those sealed to a group epoch below min_epoch (no chain of
 * links reaches them: after a reset they can never move). In id order after `after` (16
 * zero bytes to start), so a caller pages past the ones it could not move. Up to max ids
 * into out; *n of them. A group's cases are those at stages lo to hi (the domain says
 * which are whose); a case sealed to no staff key at all is never one of them. */
int store_cases_to_rekey(store_t *st, const uint8_t group_id[16], int lo, int hi, uint32_t epoch,
    uint32_t min_epoch, const uint8_t after[16], uint8_t (*out)[16], size_t max, size_t *n) WUR;
/* A case's next epoch, in one transaction: every copy replaced by these (each of
 * epoch e), the links to epoch e - 1 added, the case moved from e - 1 to e. STORE_CONFLICT
 * when the case is no longer at e - 1. */
int store_case_epoch(store_t *st, const uint8_t case_id[16], uint32_t e, const store_copy_t *copies, size_t ncopies,
    const uint8_t link[73], const uint8_t nlink[73], bool clear_assignee) WUR;
/* Cases whose last activity is before open_before (stages new to aftercare), closed_before
 * (closed) or rejected_before (rejected), oldest first: up to max ids and slots. */
/* Marks a case that a coordinator asked to shred, so that the purge (hourly, at start and
 * `sava purge`) finishes the shred if this one cannot. */
int store_case_shred_pending(store_t *st, const uint8_t id[16]) WUR;
/* Cases past their retention, and those marked for shredding (pending[i] true). */
/* The stages of the corridor the store's queries need: the domain owns them (domain.h)
 * and hands them over; the store's SQL holds no stage number of its own. */
typedef struct {
	int closed;          /* the first final stage; every stage below it is open */
	int rejected;
	int application;     /* a volunteer's application */
	int appeal;          /* a video appeal: refused ones go after rejected_days, ones still
	                      * waiting for their cleaning after the open requests' days */
} store_stages_t;
int store_cases_expired(store_t *st, const store_stages_t *sg, int64_t open_before, int64_t closed_before,
    int64_t rejected_before,
    uint8_t (*ids)[16], uint32_t *slots, bool *pending, size_t max, size_t *n) WUR;
/* Deletes a case, in one transaction and in this order: its sealed copies and links, its
 * items, its attachments (whose ids go to att, up to max; *natt of them), its mailbox
 * sessions, and the case row. */
int store_case_delete(store_t *st, const store_stages_t *sg, const uint8_t case_id[16], uint8_t (*att)[16], size_t max,
    size_t *natt) WUR;
/* Every case's id and slot (fn must not call the store). */
int store_cases_slots(store_t *st, int (*fn)(void *ctx, const uint8_t id[16], uint32_t slot), void *ctx) WUR;
/* After deletions: the WAL truncated, and the file vacuumed when a quarter of it is free. */
int store_compact(store_t *st) WUR;
/* Items of a case by role and field, in all and since since_hour. */
int store_case_count_items(store_t *st, const uint8_t case_id[16], int role, int field, int64_t since_hour,
    size_t *all, size_t *recent) WUR;

/* ---- the volunteer network and case work (casework.c) ---- */

/* Her own profile: languages, location, capacity, and active or paused (a revoked
 * account stays revoked). */
int store_account_set_profile(store_t *st, const uint8_t id[16], const char *languages, const char *location,
    unsigned capacity, bool paused) WUR;
int store_account_set_training(store_t *st, const uint8_t id[16], uint32_t training) WUR;

typedef struct {
	const char *language;   /* "" for any */
	int status;             /* ACCT_*, or -1 for any */
	bool free_only;         /* active, with fewer active cases than her capacity */
	uint32_t role_mask;     /* 0 for any */
} store_roster_filter_t;
/* Accounts matching the filter, by handle: fn for each of at most limit from offset;
 * *more tells whether there are others after them. *total counts every account when
 * nothing filters (counting a filtered roster would read all of it), else is SIZE_MAX. */
int store_roster(store_t *st, const store_roster_filter_t *f, size_t offset, size_t limit,
    void (*fn)(void *ctx, const store_account_t *a), void *ctx, size_t *total, bool *more) WUR;
/* Owls who could take a case in language: active, speaking it, with free capacity,
 * least loaded first (then by handle). */
int store_owl_suggestions(store_t *st, const char *language, size_t limit,
    void (*fn)(void *ctx, const store_account_t *a), void *ctx) WUR;

/* Assigns a case that has no Owl to owl, at its current epoch e: her copy, the record
 * (items, a new seq), her count of active cases. STORE_CONFLICT when the case moved on
 * (another epoch, or someone assigned it first). */
int store_case_assign(store_t *st, const uint8_t case_id[16], uint32_t e, const uint8_t owl[16],
    const store_copy_t *copy, const store_item_t *items, size_t nitems, int64_t hour) WUR;
/* Reassigns to owl at a new epoch e: every copy replaced by copies (each of epoch e), the
 * links to e - 1 added, the old Owl's count down and the new one's up, and the record.
 * from is the Owl it leaves (STORE_CONFLICT when it is not the case's any more). */
int store_case_reassign(store_t *st, const uint8_t case_id[16], uint32_t e, const uint8_t from[16],
    const uint8_t owl[16], const store_copy_t *copies, size_t ncopies, const uint8_t link[73],
    const uint8_t nlink[73], const store_item_t *items, size_t nitems, int64_t hour) WUR;

/* Moves a case from stage from to stage to, with its record (items, a new seq): the
 * assignee's count of active cases goes down when it leaves the open stages.
 * STORE_CONFLICT when the case is not at from any more. */
int store_case_stage(store_t *st, const uint8_t case_id[16], int from, int to, const store_item_t *items,
    size_t nitems, int64_t hour) WUR;
/* A record alone (a verification, a checklist): items as a new seq, activity renewed. */
int store_case_record(store_t *st, const uint8_t case_id[16], const store_item_t *items, size_t nitems,
    int64_t hour) WUR;

/* An Owl's cases: those waiting for an answer first (longest first), then the rest by
 * last activity. */
int store_cases_of(store_t *st, const uint8_t owl[16], size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_case_t *c), void *ctx, size_t *total) WUR;
/* How many cases are in each stage 0..8. */
int store_stage_counts(store_t *st, size_t counts[STORE_STAGES]) WUR;
/* Open cases whose requester has waited since before before_hour, longest first. */
int store_cases_waiting(store_t *st, int64_t before_hour, size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_case_t *c), void *ctx, size_t *total) WUR;

/* A filtered list of cases (the triage queue, her own cases): stages [lo, hi]; lang
 * ("" any); only those nobody holds; only those held by owl (NULL: anyone); only those
 * whose requester has waited since before waiting_before (0: any, waiting or not). Those
 * waiting longest first, then the rest newest first. */
typedef struct {
	int lo, hi;
	char lang[3];
	bool unassigned;
	const uint8_t *owl;
	int64_t waiting_before;
	bool oldest_first;     /* the rest oldest first (applications) */
} store_case_filter_t;
int store_cases_filtered(store_t *st, const store_case_filter_t *f, size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_case_t *c), void *ctx, size_t *total) WUR;

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
