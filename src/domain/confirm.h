/* confirm: what the confirmation page of a destructive action may show before the button
 * (UI.md: never a one-click destructive action): whether the action would be allowed,
 * by the same rule the action applies, and what the page names. */
#ifndef SAVA_CONFIRM_H
#define SAVA_CONFIRM_H

#include "domain/intake.h"

/* Shredding a request (request_shred's rule: a coordinator holding the triage key, a
 * request that exists and is not an application): INTAKE_OK with when it was created,
 * INTAKE_NOT_FOUND to anyone else or for anything else, INTAKE_ERROR. */
intake_status_t confirm_shred(const app_t *app, const staff_t *s, const uint8_t case_id[16],
    int64_t *created_hour) WUR;
/* Rejecting a volunteer's application (casework_application_reject's rule: a coordinator
 * holding the triage key, an application that is waiting): INTAKE_OK, INTAKE_NOT_FOUND,
 * INTAKE_ERROR. */
intake_status_t confirm_reject(const app_t *app, const staff_t *s, const uint8_t app_id[16]) WUR;

#endif
