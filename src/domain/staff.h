/* staff: the rules for staff accounts. Who may enroll (a live invitation), how a login
 * is checked and slowed down after failures, how long a session lives, what revocation
 * does, and who holds a group key. Calls the vault for every secret and the store for
 * every row; keeps in memory only what must never reach disk (idle timers, the last
 * TOTP step, failure counts, enrollments in progress). */
#ifndef SAVA_STAFF_H
#define SAVA_STAFF_H

#include "app/app.h"
#include "domain/domain.h"
#include "vault/account.h"

#define INVITE_TOKEN_CHARS  43        /* 32 random bytes, base64url */
#define INVITE_HOURS        72
#define INVITE_NOTE_MAX     200
#define SESSION_IDLE_S      (30 * 60)
#define SESSION_ABSOLUTE_S  (12 * 3600)
#define HANDLE_MIN          3

/* "coordinator" -> ROLE_COORDINATOR; 0 when unknown. */
uint32_t role_parse(const char *name);
const char *role_name(uint32_t bit);   /* English, lower case */

/* Creates an invitation; token receives the part of /staff/enroll/TOKEN. The note is
 * kept only encrypted under a key derived from the token. */
staff_status_t staff_invite(const app_t *app, uint32_t roles, const char *note, char token[INVITE_TOKEN_CHARS + 1]) WUR;
/* The roles a live invitation grants, or STAFF_DENIED. */
staff_status_t staff_invite_check(const app_t *app, sv_t token, uint32_t *roles) WUR;

/* An open invitation as the operator sees it (`sava invite --list`). Its id is the first
 * INVITE_ID_BYTES of the token's stored hash, in hex: the audit entries "invitation made"
 * and "invitation withdrawn" name it by the same bytes. The token is stored nowhere. */
#define INVITE_ID_BYTES     16
#define INVITE_ID_SHOWN     8         /* hex digits a list shows, as the audit page does */
#define INVITE_ID_MIN       6         /* hex digits a withdrawal needs */
typedef struct {
	char id[2 * INVITE_ID_BYTES + 1];
	uint32_t roles;
	int64_t created_hour, expires_hour;   /* hours since 1970 */
} staff_invite_info_t;
/* Every invitation not yet expired, the soonest to expire first. */
staff_status_t staff_invites_list(const app_t *app, void (*fn)(void *ctx, const staff_invite_info_t *inv),
    void *ctx) WUR;
/* Withdraws the open invitation whose id starts with prefix (INVITE_ID_MIN to 64 hex
 * digits): its link then answers exactly like one never issued, and an enrollment in
 * progress with it cannot finish. Audited ("invitation withdrawn"). *matches: how many
 * open invitations the prefix names; only exactly one is withdrawn. STAFF_INVALID for a
 * prefix that is not hex digits of that length, STAFF_DENIED when none or several match. */
staff_status_t staff_invite_withdraw(const app_t *app, const char *prefix, size_t *matches,
    char id[2 * INVITE_ID_BYTES + 1]) WUR;
/* Deletes every invitation past its time (the hourly purge, `sava purge`); *n: how many.
 * 0, or -1 (logged). */
int staff_invites_purge(const app_t *app, size_t *n) WUR;

/* Enrollment in three steps, held in memory (never on disk) for 30 minutes:
 * begin checks the handle and passphrase and makes the keys (Argon2id: run it on the
 * worker pool); the recovery key and TOTP secret are then shown; confirm checks the
 * part of the recovery key asked for; finish checks a TOTP code and only then stores
 * the account and uses up the invitation. */
/* An enrollment belongs to the browser that began it: begin hands out a random secret
 * for a cookie (browser_out), and every later step needs it back (browser). Someone else
 * holding the same link sees neither the recovery key nor the TOTP secret, and cannot
 * restart the enrollment while it is in progress (STAFF_DENIED). */
#define ENROLL_COOKIE_CHARS 43
staff_status_t staff_enroll_begin(const app_t *app, sv_t token, sv_t browser, sv_t handle, sv_t passphrase,
    char browser_out[ENROLL_COOKIE_CHARS + 1]) WUR;
/* What the enrollment shows, copied out: 0, or -1 when none is in progress for this
 * browser (*foreign set when one is in progress for another). */
int staff_enroll_shown(sv_t token, sv_t browser, acct_shown_t *shown, char handle[STORE_HANDLE_MAX + 1], int *step,
    bool *foreign) WUR;
staff_status_t staff_enroll_confirm(sv_t token, sv_t browser, sv_t recovery_part) WUR;
staff_status_t staff_enroll_finish(const app_t *app, sv_t token, sv_t browser, sv_t code) WUR;

/* Starts and stops the thread that writes failed logins to the audit log (serve only;
 * without it, failures are counted but not logged). */
int staff_start(const app_t *app) WUR;
void staff_stop(void);

/* Login (Argon2id: on the worker pool). On STAFF_OK, out holds the new session. */
staff_status_t staff_login(const app_t *app, sv_t handle, sv_t passphrase, sv_t code, sess_new_t *out) WUR;
/* Checks a session cookie: row present, timers in memory alive, account active.
 * Refreshes the idle timer. STAFF_DENIED ends a stale session. */
staff_status_t staff_session(const app_t *app, sv_t cookie, staff_t *out) WUR;
void staff_logout(const app_t *app, const staff_t *s);
/* Ends every session of the account (and forgets their timers). */
staff_status_t staff_sessions_end_all(const app_t *app, const uint8_t account_id[16]) WUR;
/* How long ago (in whole minutes, or -1 when unknown) the session was last used. */
long staff_session_idle_minutes(const uint8_t sid[32]);

/* Session timers, kept in memory only (a restart ends every session): start one for a
 * new session (false when the table is full), touch it on each use (false when it has
 * expired or is unknown), forget it when the session ends. Shared by staff sessions and
 * requesters' mailbox sessions. */
bool session_timer_start(const uint8_t sid[32], unsigned idle_s, unsigned absolute_s);
bool session_timer_touch(const uint8_t sid[32]);
void session_timer_forget(const uint8_t sid[32]);

/* Passphrase change and recovery (Argon2id: on the worker pool). Recovery ends every
 * session of the account. */
staff_status_t staff_passphrase_change(const app_t *app, const staff_t *s, sv_t old_pw, sv_t new_pw) WUR;
staff_status_t staff_recover(const app_t *app, sv_t handle, sv_t recovery, sv_t new_pw) WUR;

/* Revocation, by the CLI when actor is NULL, or in the web UI by a coordinator who holds
 * the triage key and every group key the account holds (an infiltrator invited as a
 * coordinator, not yet approved, must not be able to remove the holders). STAFF_DENIED
 * when the actor may not, or the account is not an active one (revoked, unknown, self). */
staff_status_t staff_revoke(const app_t *app, const staff_t *actor, const uint8_t account_id[16]) WUR;
/* Whether actor may revoke the account (the same rule, without doing it). */
bool staff_may_revoke(const app_t *app, const staff_t *actor, const store_account_t *target);

/* `sava triage reset DIR --to HANDLE`: when every holder of the triage key is gone (each
 * revoked), allows one active coordinator to make a new key at her next login. Audited.
 * What was sealed to the old key stays closed to staff: nobody can open it any more. */
typedef enum {
	RESET_OK = 0,
	RESET_NO_ACCOUNT,   /* no active account with the coordinator role by that name */
	RESET_HOLDERS,      /* someone still holds the key: *holders of them */
	RESET_NO_GROUP,     /* no triage key yet: the first coordinator's login makes it */
	RESET_ERROR,
} staff_reset_t;
staff_reset_t staff_group_reset_allow(const app_t *app, const char *group, const char *handle, size_t *holders) WUR;

/* A re-created group key within the last `days`: when, and the handle of who made it (for
 * the banner on staff pages). Returns 1 and fills them, 0 when none, -1 on error. */
int staff_group_recreated(const app_t *app, const char *group, unsigned days, int64_t *hour, char handle[33]);

/* Groups: at a member's login, the triage key is created (first coordinator), rotated
 * (after a revocation), or re-created by the one account an operator's reset allowed.
 * A key whose holders are all gone is never re-created silently. Grant gives the key to
 * a coordinator who lacks it. */
staff_status_t staff_groups_on_login(const app_t *app, const staff_t *s) WUR;
staff_status_t staff_group_grant(const app_t *app, const staff_t *s, const char *group, const uint8_t member[16]) WUR;
/* 1 when the session's account holds the current key of group, 0 when not. */
int staff_group_holds(const app_t *app, const staff_t *s, const char *group);

/* Before the vault opens: a database that names the cheap test profile while accounts
 * were enrolled at production cost was edited (review: the upgrade of an old instance.key
 * would otherwise pin the edit for good). Returns 0, or -1 with a sentence in err. */
int staff_kdf_consistent(const app_t *app, char *err, size_t errlen) WUR;

/* Checks a passphrase against the rules: valid UTF-8 without control characters, at
 * most 1024 bytes, and at least 16 characters once NFC-normalized (into nfc). */
staff_status_t staff_passphrase_rules(sv_t pw, buf_t *nfc) WUR;
/* Handles: 3 to 32 of a-z 0-9 . _ - (lower case, so "Anna" and "anna" are one). */
bool staff_handle_ok(sv_t handle);

#endif
