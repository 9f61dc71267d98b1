/* session: session timers in memory (a restart ends every session), shared by staff and
 * mailbox sessions, and a staff session checked from its cookie. Sees session ids and
 * cookies; the session's keys stay sealed in the vault's box. */
#ifndef SAVA_SESSION_H
#define SAVA_SESSION_H

#include "domain/domain.h"

#define SESSION_IDLE_S      (30 * 60)
#define SESSION_ABSOLUTE_S  (12 * 3600)

/* Session timers: start one for a new session (false when the table is full), touch it on
 * each use (false when it has expired or is unknown), forget it when the session ends. */
bool session_timer_start(const uint8_t sid[32], unsigned idle_s, unsigned absolute_s);
bool session_timer_touch(const uint8_t sid[32]);
void session_timer_forget(const uint8_t sid[32]);

/* Checks a session cookie: row present, timers in memory alive, account active.
 * Refreshes the idle timer. STAFF_DENIED ends a stale session. */
staff_status_t staff_session(const app_t *app, sv_t cookie, staff_t *out) WUR;
void staff_logout(const app_t *app, const staff_t *s);
/* Ends every session of the account: its rows are deleted, so their timers (left to
 * expire on their own) open nothing any more. */
staff_status_t staff_sessions_end_all(const app_t *app, const uint8_t account_id[16]) WUR;
/* How long ago (in whole minutes, or -1 when unknown) the session was last used. */
long staff_session_idle_minutes(const uint8_t sid[32]);

#endif
