/* casework: the green corridor's rules for staff (DESIGN.md section 5): a staff member's
 * profile (languages, coarse location, capacity, paused or active, training), assigning a
 * request to an Owl (sealing its keys to her; reassigning starts a new epoch, so the Owl
 * it leaves opens nothing new), an Owl's own cases, and the coordinators' boards. */
#ifndef SAVA_CASEWORK_H
#define SAVA_CASEWORK_H

#include "domain/intake.h"

/* The languages a staff member may list, and the coarse locations (country codes;
 * "" is "prefer not to say"). NULL-terminated. */
extern const char *const casework_languages[];
extern const char *const casework_locations[];
/* The training checklist (English msgids); bit i of an account's training is item i. */
extern const char *const casework_training[];
#define CASEWORK_TRAINING_ITEMS 5
#define CASEWORK_CAPACITY_MAX 50

typedef struct {
	char languages[64];     /* checked codes, comma-separated */
	char location[8];
	unsigned capacity;
	bool paused;
} casework_profile_t;

/* Checks and stores her own profile. STAFF_INVALID for a value outside the lists. */
staff_status_t casework_profile_set(const app_t *app, const staff_t *s, const casework_profile_t *p) WUR;
/* A coordinator records an account's training (bit set). */
staff_status_t casework_training_set(const app_t *app, const staff_t *s, const uint8_t account[16],
    uint32_t training) WUR;

/* Assigns a request to an Owl (a coordinator holding the triage key). First assignment
 * seals the current keys to her; reassignment starts a new epoch sealed to the triage
 * key, the requester and the new Owl only. INTAKE_NOT_FOUND for anyone else or an unknown
 * request; INTAKE_NO_OWL, to one who may assign, for a request that exists and an account
 * that is not an active Owl; INTAKE_CLOSED while the triage key waits to be replaced. */
intake_status_t casework_assign(const app_t *app, const staff_t *s, const uint8_t case_id[16],
    const uint8_t owl[16]) WUR;

#define CASES_PAGE 25
/* Her own cases, waiting ones first. */
intake_status_t casework_my_cases(const app_t *app, const staff_t *s, size_t offset, request_row_t rows[CASES_PAGE],
    size_t *n, size_t *total) WUR;
/* The coordinators' board: cases per stage, and open cases whose requester has waited
 * longer than [cases] response_hours, longest first. */
intake_status_t casework_board(const app_t *app, const staff_t *s, size_t counts[STAGES_COUNT], size_t offset,
    request_row_t rows[CASES_PAGE], size_t *n, size_t *total) WUR;

/* The counts of the staff home: -1 for what s may not see. New requests (triage
 * members); open cases whose requester has waited longer than [cases] response_hours
 * (coordinators: the board); her own open cases whose requester waits for her answer. */
typedef struct {
	long new_requests, waiting_long, mine_waiting;
} casework_counts_t;
intake_status_t casework_counts(const app_t *app, const staff_t *s, casework_counts_t *out) WUR;

/* Stages. Allowed: the next stage, the one before (while open), or "rejected" from any
 * open stage with a reason. Into "safe" only once two different verifiers have recorded
 * a verification. Done by the Owl who holds the case or a member of triage; but "closed"
 * and "rejected" are final and shorten retention, so only a coordinator who holds the
 * triage key moves a request there (an infiltrated Owl cannot bury her cases). Access is
 * checked first: to anyone else every move answers NOT_FOUND, valid or not. */
typedef enum {
	STAGE_MOVE_OK = 0,
	STAGE_MOVE_NOT_FOUND,      /* no such case, or not hers to move */
	STAGE_MOVE_INVALID,        /* not a move the corridor allows from here */
	STAGE_MOVE_NEED_REASON,    /* rejection without a reason */
	STAGE_MOVE_NEED_VERIFIERS, /* "safe" before two verifiers */
	STAGE_MOVE_STALE,          /* someone moved it first */
	STAGE_MOVE_COORDINATOR,    /* closing or rejecting: a coordinator's decision */
	STAGE_MOVE_ERROR,
} stage_move_t;
/* Whether s may move a request into a final stage (closed, rejected). */
bool casework_may_end(const app_t *app, const staff_t *s);
stage_move_t casework_stage_move(const app_t *app, const staff_t *s, const uint8_t case_id[16], int from, int to,
    sv_t reason) WUR;
/* A verifier (role verifier) records that she verified the requester. */
intake_status_t casework_verify(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t note) WUR;
/* The ticked items of a stage's checklist (bit i = item i). */
intake_status_t casework_checklist(const app_t *app, const staff_t *s, const uint8_t case_id[16], int stage,
    uint32_t bits) WUR;
#define CASEWORK_VERIFIERS_FOR_SAFE 2

/* ---- volunteers' applications (coordinators holding the triage key) ---- */
intake_status_t casework_applications(const app_t *app, const staff_t *s, size_t offset,
    request_row_t rows[CASES_PAGE], size_t *n, size_t *total) WUR;
/* Records that an existing member (by handle) vouches for the applicant. INTAKE_INVALID
 * when there is no active member by that name. */
intake_status_t casework_vouch(const app_t *app, const staff_t *s, const uint8_t app_id[16], sv_t member,
    sv_t note) WUR;
/* The distinct members who vouched for the applicant. */
intake_status_t casework_vouches(const app_t *app, const staff_t *s, const uint8_t app_id[16], size_t *n) WUR;
/* Accepts, once at least [network] min_vouches members have vouched (else
 * INTAKE_INVALID): an invitation with roles (token out, for the coordinator to pass on out of
 * band), then the application is shredded. Rejects: it is shredded. */
intake_status_t casework_application_accept(const app_t *app, const staff_t *s, const uint8_t app_id[16],
    uint32_t roles, char token[INVITE_TOKEN_CHARS + 1]) WUR;
intake_status_t casework_application_reject(const app_t *app, const staff_t *s, const uint8_t app_id[16]) WUR;

/* True when the account may write to the case (reply, note, files): it can open it. */
bool casework_may_write(const app_t *app, const staff_t *s, const uint8_t case_id[16]);

#endif
