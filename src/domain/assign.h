/* assign: assignment as a request's page shows and does it: who holds the request, the
 * Owls who could take it, and assigning to an Owl named by her handle. The rule itself
 * (who may assign, to whom, what it seals) is casework_assign's. */
#ifndef SAVA_ASSIGN_H
#define SAVA_ASSIGN_H

#include "domain/casework.h"
#include "domain/roster.h"

/* The Owl who holds the request cv shows (a view the caller opened with request_view):
 * 1 with her handle, and whether her account was revoked since; 0 when nobody holds it;
 * -1 on error. */
int assign_holder(const app_t *app, const case_view_t *cv, char handle[STORE_HANDLE_MAX + 1], bool *revoked);

/* Whether s may assign the request cv shows: a coordinator holding the triage key, and
 * the request still open (casework_assign's rule). */
bool assign_offered(const app_t *app, const staff_t *s, const case_view_t *cv);
/* At most limit Owls who could take it (active, speaking its language, with room), least
 * loaded first, when assign_offered: STAFF_OK, STAFF_DENIED when not, STAFF_ERROR. */
staff_status_t assign_owls(const app_t *app, const staff_t *s, const case_view_t *cv, size_t limit, roster_fn fn,
    void *ctx) WUR;

/* casework_assign to the account named handle (its statuses: INTAKE_NO_OWL when no
 * active Owl has that name). */
intake_status_t assign_by_handle(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t handle) WUR;

#endif
