/* confirm: the checks behind the confirmation pages of shredding a request and rejecting
 * an application (confirm.h). They read the case row only; they decide nothing the
 * action itself does not decide again. */
#include "domain/confirm.h"

/* A coordinator who holds the triage key: who may shred and review. */
static bool
confirm_coordinator(const app_t *app, const staff_t *s)
{
	return (s->acct.roles & ROLE_COORDINATOR) && requests_allowed(app, s);
}

intake_status_t
confirm_shred(const app_t *app, const staff_t *s, const uint8_t case_id[16], int64_t *created_hour)
{
	store_case_t row;
	if (!confirm_coordinator(app, s))
		return INTAKE_NOT_FOUND;
	int rc = store_case_get(app->store, case_id, &row);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	/* the same cases request_shred takes: requests only */
	if (row.stage == STAGE_APPLICATION || row.stage == STAGE_APPEAL || row.stage == STAGE_DROP)
		return INTAKE_NOT_FOUND;
	*created_hour = row.created_hour;
	return INTAKE_OK;
}

intake_status_t
confirm_reject(const app_t *app, const staff_t *s, const uint8_t app_id[16])
{
	store_case_t row;
	if (!confirm_coordinator(app, s))
		return INTAKE_NOT_FOUND;
	int rc = store_case_get(app->store, app_id, &row);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	return row.stage == STAGE_APPLICATION ? INTAKE_OK : INTAKE_NOT_FOUND;
}
