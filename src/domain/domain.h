/* domain: the words every file of the domain shares: a staff member's roles and session
 * (staff_t), a case's stages and item fields, the status codes the rules answer with. Types
 * only, no secret: each rule lives in the file of its job. */
#ifndef SAVA_DOMAIN_H
#define SAVA_DOMAIN_H

#include "domain/app.h"
#include "core/limits.h"
#include "store/store.h"
#include "vault/account.h"

/* ---- staff ---- */

enum {
	ROLE_ADMIN = 1 << 0,
	ROLE_COORDINATOR = 1 << 1,
	ROLE_OWL = 1 << 2,
	ROLE_VERIFIER = 1 << 3,
	ROLE_TRANSLATOR = 1 << 4,
	ROLE_EDITOR = 1 << 5,
	ROLE_VIEWER = 1 << 6,      /* reads the campaign dashboard, nothing else (issue 13) */
	ROLE_ANALYST = 1 << 7,     /* reads the secure drop in online mode (drop.h) */
	ROLE_ALL = (1 << 8) - 1,
};

typedef enum {
	STAFF_OK = 0,
	STAFF_DENIED,      /* wrong details, expired invitation, no such account: one answer */
	STAFF_BUSY,        /* the key-derivation queue is full */
	STAFF_TAKEN,       /* the handle is in use */
	STAFF_INVALID,     /* input that breaks a rule (handle characters, passphrase length) */
	STAFF_ERROR,
} staff_status_t;

/* A logged-in staff member, as a request sees her (session.h makes one from a cookie). */
typedef struct {
	sess_t sess;
	store_account_t acct;
} staff_t;

/* ---- cases ---- */

/* Stages (DESIGN.md section 5); stored as these numbers. */
enum {
	STAGE_NEW = 0,
	STAGE_TRIAGE = 1,
	STAGE_VERIFICATION = 2,
	STAGE_PLANNING = 3,
	STAGE_EXIT = 4,
	STAGE_SAFE = 5,
	STAGE_AFTERCARE = 6,
	STAGE_CLOSED = 7,
	STAGE_REJECTED = 8,
	STAGE_APPLICATION = 100,   /* not a request: a volunteer's application (casework.h) */
	STAGE_APPEAL = 101,        /* not a request: a video appeal (appeals.h) */
	STAGE_TESTIMONY = 102,     /* not a request: a testimony's original (testimonies.h) */
	STAGE_DROP = 103,          /* not a request: a secure-drop submission (drop.h) */
};
/* What the requester sees of a stage (intake_status_of, view.h). */
enum { STATUS_RECEIVED = 0, STATUS_IN_PROGRESS = 1, STATUS_CLOSED = 2 };

/* Item fields (the field byte of an item's AD); CASE_FIELD_PK_REQ is 0. */
enum {
	FIELD_MESSAGE = 1, FIELD_SITUATION = 2, FIELD_REGION = 3, FIELD_CONTACT = 4,   /* under s_e */
	FIELD_NOTE = 5, FIELD_ASSIGN = 6, FIELD_STAGE = 7, FIELD_VERIFY = 8, FIELD_CHECK = 9,   /* under n_e */
	FIELD_LANGUAGES = 10, FIELD_VOUCHERS = 11,   /* an application's, under s_e */
	FIELD_VOUCH = 12,                            /* a vouch recorded by a coordinator, under n_e */
	FIELD_SHOWN_NAME = 13, FIELD_CONSENT = 14,   /* an appeal's, under s_e (with MESSAGE, LANGUAGES) */
	/* a testimony's: its original text is a MESSAGE and its ORIGIN is under s_e; notes are
	 * NOTEs; the rest under n_e: */
	FIELD_T_CONSENT = 15,   /* one version of the consent record (testimony_rules.h) */
	FIELD_T_TITLE = 16,     /* one version of the published copy: its title, */
	FIELD_T_COPY = 17,      /* its text */
	FIELD_T_STRIKE = 18,    /* and the names and places struck from it, one a line */
	FIELD_T_ORIGIN = 19,    /* how it was made (under s_e): "editor HANDLE" or "request HANDLE" */
	FIELD_SUBTITLES = 20,   /* a subtitle version of an appeal, under n_e (subtitles.h) */
	FIELD_DROP_REPLY = 21,     /* an offline drop's reply written offline: SEAL(pk_req, ...), not under s_e */
	FIELD_WRITER = 22,      /* a request's: who is writing (intake_writers), under s_e */
};

typedef enum {
	INTAKE_OK = 0,
	INTAKE_CLOSED,       /* no triage key yet: nobody could read a request */
	INTAKE_OVERLOADED,   /* a flood limit (new requests, untriaged, receipt attempts) */
	INTAKE_BUSY,         /* the key-derivation queue is full */
	INTAKE_NOT_FOUND,    /* no such request, or not this person's to open */
	INTAKE_INVALID,      /* a value that names nothing (a member's name, for example) */
	INTAKE_SHRED_LATER,  /* a shred was asked for but could not finish: the next purge does it */
	INTAKE_ERROR,
	INTAKE_FULL,         /* no room: the disk is full (files: nearly full, or too many at once);
	                      * nothing was stored, and the log says so (core/diskfull.h) */
	INTAKE_NO_OWL,       /* an assignment to an account that is not an active Owl (casework.h) */
} intake_status_t;

#endif
