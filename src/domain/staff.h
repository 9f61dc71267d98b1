/* staff: the rules for staff accounts: enrollment with a live invitation, login and its
 * slowing down, passphrases, revocation, the group keys at login. The one header pages include
 * for staff: it brings session.h, groups.h and invites.h. Secrets stay in the vault. */
#ifndef SAVA_STAFF_H
#define SAVA_STAFF_H

#include "core/lang.h"
#include "domain/domain.h"
#include "domain/groups.h"
#include "domain/invites.h"
#include "domain/session.h"

/* Calls the vault for every secret and the store for every row; keeps in memory only what
 * must never reach disk (enrollments in progress here; session timers in session.c, TOTP
 * steps and failure counts in throttle.c). */

#define HANDLE_MIN          3

/* "coordinator" -> ROLE_COORDINATOR; 0 when unknown. */
uint32_t role_parse(const char *name);
const char *role_name(uint32_t bit);   /* English, lower case */

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
/* What the enrollment shows, ready to print: the recovery key in groups of four, the
 * TOTP secret in base32 and as an otpauth:// address (for the QR code). Wiped by the
 * caller. */
typedef struct {
	char handle[STORE_HANDLE_MAX + 1];
	int step;                        /* 1: the recovery key; 2: the TOTP secret */
	char recovery[ACCT_RECOVERY_CHARS + ACCT_RECOVERY_CHARS / 4 + 1];
	char totp_secret[32 + 1];
	char totp_uri[256];
} enroll_shown_t;
/* 0, or -1 when none is in progress for this browser (*foreign set when one is in
 * progress for another). */
int staff_enroll_shown(sv_t token, sv_t browser, enroll_shown_t *out, bool *foreign) WUR;
/* A passphrase to suggest, in the words of lang's list (vault/words.h: English six words,
 * Russian and Belarusian seven; at least 66 bits either way), spaced. */
int staff_passphrase_suggest(buf_t *out, lang_t lang) WUR;
staff_status_t staff_enroll_confirm(sv_t token, sv_t browser, sv_t recovery_part) WUR;
staff_status_t staff_enroll_finish(const app_t *app, sv_t token, sv_t browser, sv_t code) WUR;

/* Starts and stops the thread that writes failed logins to the audit log (serve only;
 * without it, failures are counted but not logged). */
int staff_start(const app_t *app) WUR;
void staff_stop(void);

/* Login (Argon2id: on the worker pool). On STAFF_OK, out holds the new session. */
staff_status_t staff_login(const app_t *app, sv_t handle, sv_t passphrase, sv_t code, sess_new_t *out) WUR;

/* Passphrase change and recovery (Argon2id: on the worker pool). Recovery ends every
 * session of the account. */
staff_status_t staff_passphrase_change(const app_t *app, const staff_t *s, sv_t old_pw, sv_t new_pw) WUR;
staff_status_t staff_recover(const app_t *app, sv_t handle, sv_t recovery, sv_t new_pw) WUR;

/* Revocation, by the CLI when actor is NULL, or in the web UI by a coordinator who holds
 * the triage key and every group key the account holds (an infiltrator invited as a
 * coordinator, not yet approved, must not be able to remove the holders; the rule is
 * staff_may_revoke, groups.h). STAFF_DENIED when the actor may not, or the account is not
 * an active one (revoked, unknown, self). */
staff_status_t staff_revoke(const app_t *app, const staff_t *actor, const uint8_t account_id[16]) WUR;

/* At a member's login (and after a coordinator's revocation, in her session): the triage
 * key is created (first coordinator), rotated (after a revocation), or re-created by the
 * one account an operator's reset allowed (groups_maintain); then, once she holds the
 * current key, requests still sealed to an older one move to a new epoch (epoch.h). */
staff_status_t staff_groups_on_login(const app_t *app, const staff_t *s) WUR;

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
