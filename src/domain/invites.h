/* invites: invitations to enroll: a token shown once and stored nowhere (only its hash),
 * alive INVITE_HOURS, listed and withdrawn by the operator, used up by its enrollment
 * (staff.h). Its note is kept only sealed under a key derived from the token. */
#ifndef SAVA_INVITES_H
#define SAVA_INVITES_H

#include "domain/domain.h"

#define INVITE_TOKEN_CHARS  43        /* 32 random bytes, base64url */
#define INVITE_HOURS        72
#define INVITE_NOTE_MAX     200

/* Creates an invitation; token receives the part of /staff/enroll/TOKEN. The note is
 * kept only encrypted under a key derived from the token. */
staff_status_t staff_invite(const app_t *app, uint32_t roles, const char *note, char token[INVITE_TOKEN_CHARS + 1]) WUR;
/* The roles a live invitation grants, or STAFF_DENIED. */
staff_status_t staff_invite_check(const app_t *app, sv_t token, uint32_t *roles) WUR;

/* An open invitation as the operator sees it (`sava invite --list`). Its id is the first
 * INVITE_ID_BYTES of the token's stored hash, in hex: the audit entries "invitation made"
 * and "invitation withdrawn" name it by the same bytes. The token is stored nowhere. */
#define INVITE_ID_BYTES     16
#define INVITE_ID_SHOWN     8         /* hex digits a list shows, as the audit page does */
#define INVITE_ID_MIN       6         /* hex digits a withdrawal needs */
typedef struct {
	char id[2 * INVITE_ID_BYTES + 1];
	uint32_t roles;
	int64_t created_hour, expires_hour;   /* hours since 1970 */
} staff_invite_info_t;
/* Every invitation not yet expired, the soonest to expire first. */
staff_status_t staff_invites_list(const app_t *app, void (*fn)(void *ctx, const staff_invite_info_t *inv),
    void *ctx) WUR;
/* Withdraws the open invitation whose id starts with prefix (INVITE_ID_MIN to 64 hex
 * digits): its link then answers exactly like one never issued, and an enrollment in
 * progress with it cannot finish. Audited ("invitation withdrawn"). *matches: how many
 * open invitations the prefix names; only exactly one is withdrawn. STAFF_INVALID for a
 * prefix that is not hex digits of that length, STAFF_DENIED when none or several match. */
staff_status_t staff_invite_withdraw(const app_t *app, const char *prefix, size_t *matches,
    char id[2 * INVITE_ID_BYTES + 1]) WUR;
/* Deletes every invitation past its time (the hourly purge, `sava purge`); *n: how many.
 * 0, or -1 (logged). */
int staff_invites_purge(const app_t *app, size_t *n) WUR;

#endif
