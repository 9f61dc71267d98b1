/* sessionlist: a member's own sessions (sessionlist.h): the rows of her account only,
 * with the idle time the session timers keep in memory. Hands out no session id. */
#include "domain/sessionlist.h"

#include <sodium.h>
#include <string.h>

struct sessionlist_walk {
	const staff_t *s;
	void (*fn)(void *ctx, const sessionlist_entry_t *e);
	void *ctx;
};

static void
sessionlist_each(void *ctx, const store_session_t *row)
{
	struct sessionlist_walk *w = ctx;
	sessionlist_entry_t e = {
		.created_hour = row->created_hour,
		.idle_minutes = staff_session_idle_minutes(row->sid),
		.current = sodium_memcmp(row->sid, w->s->sess.sid, 32) == 0,
	};
	w->fn(w->ctx, &e);
}

staff_status_t
sessionlist_own(const app_t *app, const staff_t *s, void (*fn)(void *ctx, const sessionlist_entry_t *e), void *ctx)
{
	struct sessionlist_walk w = { s, fn, ctx };
	return store_sessions_list(app->store, s->acct.id, sessionlist_each, &w) == STORE_OK ? STAFF_OK : STAFF_ERROR;
}
