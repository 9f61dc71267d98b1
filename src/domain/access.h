/* access: the way into a case (who opens it, with which copy and links) and the audit entry
 * of an action on it. Private to src/domain: holds session secrets; pages go through intake.h
 * and casework.h, which answer "not found" to anyone else. */
#ifndef SAVA_ACCESS_H
#define SAVA_ACCESS_H

#include "domain/audit.h"
#include "domain/domain.h"
#include "vault/case.h"

#define LINKS_MAX 64          /* epochs a case (or group) key may be followed back */

/* A case opened by someone: its row, the opener and the reference the vault needs. In
 * guarded memory (the opener holds a session's cookie secret). */
struct access {
	store_case_t row;
	case_opener_t who;
	case_ref_t ref;
	uint8_t glinks[LINKS_MAX][GROUP_SEAL_BYTES];
	uint8_t links[LINKS_MAX][CASE_LINK_BYTES];
	uint8_t nlinks[LINKS_MAX][CASE_LINK_BYTES];
	uint8_t audit_id[16];
	case_keys_t *keys;        /* opened once, on the first item sealed (access_keys), freed with it */
};

struct access *access_new(void);
void access_free(struct access *a);
/* The case's keys, opened on the first call (the shred.kf read and the X25519 step) and
 * kept for every later item or file of this write; NULL when they cannot be opened. */
case_keys_t *access_keys(const app_t *app, struct access *a);
/* Call when a->ref changes (a new epoch): the keys opened before are dropped. */
void access_forget_keys(struct access *a);
/* The requester's way into a case just made (case_create), through the mailbox session
 * it opened: what intake and seed act as when they seal his first items. */
void access_new_requester(struct access *a, const case_new_t *cn);
/* Empties a for another case (its keys freed). */
void access_reset(struct access *a);
/* The requester's way into his case, through the mailbox session sess (owner: the case). */
intake_status_t access_requester(const app_t *app, const sess_t *sess, const uint8_t case_id[16], struct access *a);
/* A staff member's way into a case: a copy sealed to her own key, or the triage key. */
intake_status_t access_staff(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a);
/* The same through the key of group (an appeal: "editors"). */
intake_status_t access_staff_in(const app_t *app, const staff_t *s, const uint8_t case_id[16], const char *group,
    struct access *a);
/* The same, but a group path only for members of triage (others: NOT_FOUND), and
 * requests only (an application: NOT_FOUND); staff_access_any takes applications too. */
intake_status_t staff_access(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a);
intake_status_t staff_access_any(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a);

/* Appends an audit entry for an action on the opened case (its object: the case's audit
 * id); a failure is logged, never fatal. */
void audit_case(const app_t *app, const struct access *a, const uint8_t *actor, audit_action_t action);

#endif
