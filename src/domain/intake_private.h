/* intake_private: what the files of the case domain (intake.c, casework.c) share: the
 * way into a case (who opens it, with which copy and links), sealing items, and the audit
 * entry of a case action. Not for pages: they go through intake.h and casework.h. */
#ifndef SAVA_INTAKE_PRIVATE_H
#define SAVA_INTAKE_PRIVATE_H

#include "domain/audit.h"
#include "domain/clock.h"
#include "domain/intake.h"
#include "store/store.h"

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
	case_keys_t *keys;        /* opened on the first item read (item_text), freed with it */
};

struct access *access_new(void);
void access_free(struct access *a);
/* Empties a for another case (its keys freed). */
void access_reset(struct access *a);
/* A staff member's way into a case: a copy sealed to her own key, or the triage key. */
intake_status_t access_staff(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a);
/* The same, but a group path only for members of triage (others: NOT_FOUND), and
 * requests only (an application: NOT_FOUND); staff_access_any takes applications too. */
intake_status_t staff_access(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a);
intake_status_t staff_access_any(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a);

/* Items sealed for one write: ciphertexts owned here. */
struct sealed {
	store_item_t items[8];
	uint8_t *buf[8];
	size_t n;
};

int seal_item_kind(const app_t *app, const struct access *a, struct sealed *out, int kind, int role, int field, sv_t text,
    int64_t hour);
void sealed_free(struct sealed *s);

void audit_case(const app_t *app, const struct access *a, const uint8_t *actor, audit_action_t action);
/* staff_view, with or without its "request read" audit entry (a rule that reads the
 * case to decide, such as a stage move, writes its own entry instead). */
intake_status_t staff_view_audited(const app_t *app, const staff_t *s, const uint8_t case_id[16], bool application,
    bool audited, case_view_t *out);
/* Crypto-shreds a case: its slot, then its rows and files; audited as action by actor. */
int case_destroy(const app_t *app, const uint8_t case_id[16], uint32_t slot, const uint8_t *actor,
    audit_action_t action);

#endif
