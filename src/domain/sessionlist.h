/* sessionlist: a staff member's own sessions as her "Your sessions" page lists them: when
 * each began, how long ago it was used, and which one is this browser's. Nobody sees
 * another member's sessions. */
#ifndef SAVA_SESSIONLIST_H
#define SAVA_SESSIONLIST_H

#include "domain/staff.h"

typedef struct {
	int64_t created_hour;     /* hours since 1970 */
	long idle_minutes;        /* since last used; -1: unknown (sava restarted since) */
	bool current;             /* the session of the request that asks */
} sessionlist_entry_t;

/* Her sessions, to fn. STAFF_OK or STAFF_ERROR. */
staff_status_t sessionlist_own(const app_t *app, const staff_t *s,
    void (*fn)(void *ctx, const sessionlist_entry_t *e), void *ctx) WUR;

#endif
