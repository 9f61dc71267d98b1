/* retention (DESIGN.md "Short memory"): crypto-shredding (the shred-key slot first, then the
 * rows, then the files), by a coordinator at once or by the hourly purge past [retention].
 * Trusted with ids and slots only. */
#ifndef SAVA_RETENTION_H
#define SAVA_RETENTION_H

#include "domain/audit.h"
#include "domain/domain.h"

/* A coordinator (who holds the triage key) shreds a request at once. The request is
 * marked first: when its key cannot be destroyed now (INTAKE_SHRED_LATER), the purge
 * (hourly, at start, and `sava purge`) finishes it. */
intake_status_t request_shred(const app_t *app, const staff_t *s, const uint8_t case_id[16]) WUR;
/* Shreds every request whose last activity is older than [retention] allows (days, or
 * closed_days / rejected_days by stage), then compacts the database. *n: how many.
 * Expired invitations are deleted too (staff_invites_purge).
 * Returns 0, or -1 when something could not be done (logged; the rest goes on). */
int intake_purge(const app_t *app, size_t *n) WUR;
/* The daemon's purge thread: at start, then every hour. */
int intake_start(const app_t *app) WUR;
void intake_stop(void);

/* ---- for the domain (casework.c, recover.c), not for pages ---- */
/* Crypto-shreds a case: its slot, then its rows and files; audited as action by actor
 * (action 0: audited already). 0, or -1 (logged: the next purge or start tries again). */
int case_destroy(const app_t *app, const uint8_t case_id[16], uint32_t slot, const uint8_t *actor,
    audit_action_t action);

#endif
