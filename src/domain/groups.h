/* groups: who holds a group key (the triage key, so far) and its life: made, rotated after
 * a revocation, re-created only after an operator's reset, granted. Every key operation is
 * the vault's, in a holder's session; rows hold sealed copies only. */
#ifndef SAVA_GROUPS_H
#define SAVA_GROUPS_H

#include "domain/domain.h"

/* 1 when the session's account holds the current key of group, 0 when not. */
int staff_group_holds(const app_t *app, const staff_t *s, const char *group);
/* True when the account may see the triage queue: it holds the triage key. */
bool requests_allowed(const app_t *app, const staff_t *s);
/* True for a coordinator who holds the triage key: the board, assignments, volunteers'
 * applications and a request's final stages are hers. */
bool staff_coordinates(const app_t *app, const staff_t *s);

/* Whether actor may revoke the account (staff_revoke's rule, staff.h, without doing it):
 * a coordinator who holds the triage key and every group key the account holds, and the
 * account an active one other than her own. */
bool staff_may_revoke(const app_t *app, const staff_t *actor, const store_account_t *target);

/* Gives the key to a coordinator who lacks it. */
staff_status_t staff_group_grant(const app_t *app, const staff_t *s, const char *group, const uint8_t member[16]) WUR;

/* `sava triage reset DIR --to HANDLE`: when every holder of the triage key is gone (each
 * revoked), allows one active coordinator to make a new key at her next login. Audited.
 * What was sealed to the old key stays closed to staff: nobody can open it any more. */
typedef enum {
	RESET_OK = 0,
	RESET_NO_ACCOUNT,   /* no active account with the coordinator role by that name */
	RESET_HOLDERS,      /* someone still holds the key: *holders of them */
	RESET_NO_GROUP,     /* no triage key yet: the first coordinator's login makes it */
	RESET_ERROR,
} staff_reset_t;
staff_reset_t staff_group_reset_allow(const app_t *app, const char *group, const char *handle, size_t *holders) WUR;

/* A re-created group key within the last `days`: when, and the handle of who made it (for
 * the banner on staff pages). Returns 1 and fills them, 0 when none, -1 on error. */
int staff_group_recreated(const app_t *app, const char *group, unsigned days, int64_t *hour, char handle[33]);

/* ---- for staff.c (staff_groups_on_login), not for pages ---- */
/* The role that makes an account a member of group (0: none). */
uint32_t groups_role(const char *group);
/* The role that may make the group's first key and grant it (editors: editor only). */
uint32_t groups_grantor_role(const char *group);
/* In the session of a member: creates the group's first key, re-creates it for the one
 * account an operator's reset allowed, or rotates a key marked for rotation and gives the
 * new key to every remaining member. A key whose holders are all gone is never
 * re-created silently. */
staff_status_t groups_maintain(const app_t *app, const staff_t *s, const char *group) WUR;

#endif
