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

/* Before a reassignment: 1 with the handle of the active Owl who holds the request (the
 * page asks to confirm taking it from her), 0 when nobody does (or her account was
 * revoked, or s may not assign: casework_assign then answers), -1 on error. */
int assign_current(const app_t *app, const staff_t *s, const uint8_t case_id[16], char handle[STORE_HANDLE_MAX + 1]);

/* Whether s may assign the request cv shows: a coordinator holding the triage key, and
 * the request still open (casework_assign's rule). */
bool assign_offered(const app_t *app, const staff_t *s, const case_view_t *cv);
/* At most limit Owls who could take it (active, speaking its language, with room), least
 * loaded first, when assign_offered: STAFF_OK, STAFF_DENIED when not, STAFF_ERROR. */
staff_status_t assign_owls(const app_t *app, const staff_t *s, const case_view_t *cv, size_t limit, roster_fn fn,
    void *ctx) WUR;

/* The id of the account named handle, for a coordinator who may assign: 1, or 0 when
 * there is none (or it was revoked, or s may not assign), -1 on error. Whether she may
 * take the request is casework_assign's to say. */
int assign_named(const app_t *app, const staff_t *s, sv_t handle, uint8_t id[16]);

/* casework_assign to the account named handle (its statuses: INTAKE_NO_OWL when no
 * active Owl has that name). */
intake_status_t assign_by_handle(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t handle) WUR;

#endif
