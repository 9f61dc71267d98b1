/* session: session timers in one fixed table in memory (a restart ends every session),
 * and a staff session checked from its cookie: its row, its timer, an active account.
 * Holds session ids and times only; the cookie's secret stays with the request. */
#include "domain/session.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/audit.h"

#define TIMERS_MAX      16384

static void
audit(const app_t *app, const uint8_t *actor, audit_action_t action, const uint8_t *object)
{
	if (audit_append(app->vault, app->store, actor, action, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
}

/* Times are of the monotonic clock (core/clock.h): a wall clock set back or forward must
 * neither end sessions nor keep them alive. */
struct timer {
	uint8_t sid[32];
	uint64_t created_ms, last_ms;
	unsigned idle_s, absolute_s;   /* staff: SESSION_IDLE_S and SESSION_ABSOLUTE_S */
	bool used;
};

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static struct timer timers[TIMERS_MAX];

static size_t
timer_slot(const uint8_t sid[32])
{
	size_t h = 0;
	memcpy(&h, sid, sizeof(h));
	return h % TIMERS_MAX;
}

/* Finds sid's timer, or (with create) a free slot for it. Linear probing; a table
 * full of live sessions refuses new ones. Caller holds session_lock. */
static struct timer *
timer_find(const uint8_t sid[32], bool create)
{
	size_t i = timer_slot(sid);
	struct timer *free_slot = NULL;
	uint64_t now = clock_mono_ms();
	for (size_t n = 0; n < TIMERS_MAX; n++, i = (i + 1) % TIMERS_MAX) {
		struct timer *t = &timers[i];
		if (t->used &&
		    (now - t->last_ms > (uint64_t)t->idle_s * 1000u || now - t->created_ms > (uint64_t)t->absolute_s * 1000u)) {
			sodium_memzero(t, sizeof(*t));   /* expired: reclaim */
		}
		if (!t->used) {
			if (!free_slot)
				free_slot = t;
			if (!create)
				continue;
			break;
		}
		if (sodium_memcmp(t->sid, sid, 32) == 0)
			return t;
	}
	if (create && free_slot) {
		memcpy(free_slot->sid, sid, 32);
		free_slot->created_ms = free_slot->last_ms = now;
		free_slot->idle_s = SESSION_IDLE_S;
		free_slot->absolute_s = SESSION_ABSOLUTE_S;
		free_slot->used = true;
		return free_slot;
	}
	return NULL;
}

bool
session_timer_start(const uint8_t sid[32], unsigned idle_s, unsigned absolute_s)
{
	pthread_mutex_lock(&session_lock);
	struct timer *t = timer_find(sid, true);
	if (t) {
		t->idle_s = idle_s;
		t->absolute_s = absolute_s;
	}
	pthread_mutex_unlock(&session_lock);
	return t != NULL;
}

bool
session_timer_touch(const uint8_t sid[32])
{
	pthread_mutex_lock(&session_lock);
	struct timer *t = timer_find(sid, false);
	if (t)
		t->last_ms = clock_mono_ms();
	pthread_mutex_unlock(&session_lock);
	return t != NULL;
}

void
session_timer_forget(const uint8_t sid[32])
{
	pthread_mutex_lock(&session_lock);
	struct timer *t = timer_find(sid, false);
	if (t)
		sodium_memzero(t, sizeof(*t));
	pthread_mutex_unlock(&session_lock);
}

staff_status_t
staff_session(const app_t *app, sv_t cookie, staff_t *out)
{
	store_session_t row;
	memset(out, 0, sizeof(*out));
	if (sess_from_cookie(cookie, out->sess.c, out->sess.sid) != 0)
		return STAFF_DENIED;
	bool live = session_timer_touch(out->sess.sid);
	int rc = store_session_get(app->store, out->sess.sid, &row);
	if (!live || rc != STORE_OK || row.kind != SESS_KIND_STAFF ||
	    store_account_by_id(app->store, row.owner, &out->acct) != STORE_OK || out->acct.status == ACCT_REVOKED) {
		/* Stale: a restart forgot its timers, it idled out, or it was ended. */
		if (rc == STORE_OK && store_session_delete(app->store, out->sess.sid) != STORE_OK)
			log_warnx("could not delete a stale session");
		if (live)
			session_timer_forget(out->sess.sid);
		sodium_memzero(out, sizeof(*out));
		return rc == STORE_ERROR ? STAFF_ERROR : STAFF_DENIED;
	}
	out->sess.kind = (uint8_t)row.kind;
	memcpy(out->sess.owner, row.owner, 16);
	memcpy(out->sess.box, row.box, sizeof(row.box));
	return STAFF_OK;
}

void
staff_logout(const app_t *app, const staff_t *s)
{
	session_timer_forget(s->sess.sid);
	if (store_session_delete(app->store, s->sess.sid) != STORE_OK)
		log_warnx("could not delete a session at logout");
	audit(app, s->acct.id, AUDIT_LOGOUT, s->acct.id);
}

long
staff_session_idle_minutes(const uint8_t sid[32])
{
	long m = -1;
	pthread_mutex_lock(&session_lock);
	struct timer *t = timer_find(sid, false);
	if (t)
		m = (long)((clock_mono_ms() - t->last_ms) / 60000u);
	pthread_mutex_unlock(&session_lock);
	return m;
}

staff_status_t
staff_sessions_end_all(const app_t *app, const uint8_t account_id[16])
{
	/* Timers of ended sessions are orphaned and expire on their own; their rows are
	 * gone, so they can never be used again. */
	if (store_sessions_delete_owner(app->store, account_id) != STORE_OK)
		return STAFF_ERROR;
	audit(app, account_id, AUDIT_LOGOUT, account_id);
	return STAFF_OK;
}
