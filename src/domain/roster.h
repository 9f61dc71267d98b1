/* roster: the team as staff pages show it: the roster (admins and coordinators), one
 * account, the account a revocation would remove, and who holds or waits for the triage
 * key. Each function applies its own rule of who may see, and answers STAFF_DENIED to
 * anyone else, so a page has no rule of its own to keep. Read-only: changes go through
 * staff.h and casework.h. */
#ifndef SAVA_ROSTER_H
#define SAVA_ROSTER_H

#include "domain/staff.h"

/* An account as the roster shows it: never its keys or boxes. */
typedef struct {
	uint8_t id[16];
	char handle[STORE_HANDLE_MAX + 1];
	uint32_t roles;           /* ROLE_* */
	int status;               /* ACCT_* */
	char languages[64];       /* codes, comma-separated */
	char location[8];         /* a country code, or "": prefer not to say */
	unsigned capacity, active_cases;
	uint32_t training;        /* bit i: training item i done */
	bool revocable;           /* the viewer may revoke it (staff_may_revoke): roster_list
	                           * and roster_revocation fill it */
} roster_entry_t;

typedef struct {
	const char *language;     /* one of casework_languages, or "" for any */
	int status;               /* ACCT_*, or -1 for any */
	bool free_only;           /* active, with room for another case */
} roster_filter_t;

typedef void (*roster_fn)(void *ctx, const roster_entry_t *e);

/* Who may see the roster and its accounts: admins and coordinators. */
bool roster_visible(const staff_t *viewer);

/* The accounts matching f, by handle: fn for each of at most limit from offset; *more
 * says whether others follow; *total counts every account when nothing filters, else is
 * SIZE_MAX. STAFF_DENIED for a viewer who may not see it, STAFF_INVALID for a language
 * not in the list. */
staff_status_t roster_list(const app_t *app, const staff_t *viewer, const roster_filter_t *f, size_t offset,
    size_t limit, roster_fn fn, void *ctx, size_t *total, bool *more) WUR;
/* One account, for a viewer who may see the roster; STAFF_DENIED when there is none. */
staff_status_t roster_account(const app_t *app, const staff_t *viewer, const uint8_t id[16], roster_entry_t *out) WUR;
/* The account viewer would revoke, when she may (staff_may_revoke); STAFF_DENIED when she
 * may not or there is none: the confirmation page names it, and staff_revoke does it. */
staff_status_t roster_revocation(const app_t *app, const staff_t *viewer, const uint8_t id[16],
    roster_entry_t *out) WUR;

/* The triage key as its members (the coordinators) see it. */
typedef struct {
	bool exists;              /* none until the first coordinator's login */
	uint32_t epoch;
	bool rotation_pending;    /* a member left: the next holder's login rotates it */
	bool viewer_holds;
} roster_key_t;
/* The key, and each coordinator with whether she holds its current copy (fn). STAFF_DENIED
 * for a viewer who is not a coordinator. */
staff_status_t roster_triage_key(const app_t *app, const staff_t *viewer, roster_key_t *out,
    void (*fn)(void *ctx, const roster_entry_t *e, bool holds), void *ctx) WUR;
/* The same for any group (its members: the accounts of groups_role(group)). */
staff_status_t roster_group_key(const app_t *app, const staff_t *viewer, const char *group, roster_key_t *out,
    void (*fn)(void *ctx, const roster_entry_t *e, bool holds), void *ctx) WUR;

/* Fills e from an account row (for the other views of the team). */
void roster_entry_from(roster_entry_t *e, const store_account_t *a);

#endif
