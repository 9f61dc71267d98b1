/* intake: help requests, from the form to the requester's mailbox and the triage queue
 * (DESIGN.md sections 2, 4 and 5; CRYPTO.md "Receipts", "Cases", "Files"). Everything a
 * requester or an Owl writes is sealed by the vault before the store sees it; uploads are
 * encrypted as they stream in. The rules here: who may open a request (its requester's
 * mailbox session, members of triage, staff it is sealed to; nobody else, with the same
 * answer as for a request that does not exist), the flood limits, and the order of
 * durable writes (shred-key slot, then blobs, then the commit; only then a receipt). */
#ifndef SAVA_INTAKE_H
#define SAVA_INTAKE_H

#include "app/app.h"
#include "core/limits.h"
#include "domain/staff.h"
#include "pages/i18n.h"
#include "vault/case.h"

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
};
/* What the requester sees of a stage. */
enum { STATUS_RECEIVED = 0, STATUS_IN_PROGRESS = 1, STATUS_CLOSED = 2 };
int intake_status_of(int stage);

/* Item fields (the field byte of an item's AD); CASE_FIELD_PK_REQ is 0. */
enum {
	FIELD_MESSAGE = 1, FIELD_SITUATION = 2, FIELD_REGION = 3, FIELD_CONTACT = 4,   /* under s_e */
	FIELD_NOTE = 5, FIELD_ASSIGN = 6, FIELD_STAGE = 7, FIELD_VERIFY = 8, FIELD_CHECK = 9,   /* under n_e */
	FIELD_LANGUAGES = 10, FIELD_VOUCHERS = 11,   /* an application's, under s_e */
	FIELD_VOUCH = 12,                            /* a vouch recorded by a coordinator, under n_e */
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

/* The choices of the form's lists, as stored (encrypted) and as the form sends them;
 * NULL-terminated. */
extern const char *const intake_situations[];
extern const char *const intake_regions[];
bool intake_choice_ok(const char *const *list, sv_t value);   /* empty is allowed */

/* ---- uploads: files of one form, encrypted as they arrive ---- */
typedef struct upload upload_t;
/* Limits come from [intake] max_files and max_file_mb. NULL when out of memory. */
upload_t *upload_new(const app_t *app);
/* One file part: name and type as the browser sent them (cleaned here). An empty part
 * (a file input left empty) makes no file. Each returns 0, UPLOAD_NO_ROOM when too many
 * files are being uploaded at once or the disk is nearly full, or UPLOAD_IO_ERROR. */
enum { UPLOAD_IO_ERROR = -1, UPLOAD_NO_ROOM = -2 };
int upload_file_begin(upload_t *u, sv_t filename, sv_t content_type) WUR;
int upload_file_data(upload_t *u, const char *p, size_t n) WUR;
int upload_file_end(upload_t *u) WUR;
/* What went wrong while the files streamed in (the files concerned are already gone). */
bool upload_too_many(const upload_t *u);
bool upload_too_large(const upload_t *u);
/* No room for the files (the disk is full or nearly, or too many are on their way): every
 * file was dropped and the form's text still read. Such a form must not be submitted
 * without its files: submitting it answers INTAKE_FULL. */
bool upload_refused(const upload_t *u);
size_t upload_count(const upload_t *u);
/* Frees the upload and deletes every file of it that no committed row names. */
void upload_free(upload_t *u);

/* ---- the requester ---- */
typedef struct {
	sv_t message, situation, region, contact;   /* checked by the caller: clean UTF-8, in the lists */
} intake_form_t;

/* A volunteer's application (public form): stored like a request, sealed to triage,
 * with nothing to come back with; coordinators review it (casework.h). */
typedef struct {
	sv_t about, languages, contact, vouchers;
} application_form_t;
intake_status_t application_submit(const app_t *app, lang_t lang, const application_form_t *f) WUR;

/* True when requests can be taken: a triage key exists. */
bool intake_open(const app_t *app);
/* Whether a request would be taken now (INTAKE_OK, INTAKE_CLOSED or INTAKE_OVERLOADED),
 * without using up anything: checked before an upload writes its first byte. */
intake_status_t intake_admit(const app_t *app);
/* A new request (Argon2id: on the worker pool). On INTAKE_OK everything is durable and
 * receipt holds its digits, to show once. */
intake_status_t intake_submit(const app_t *app, lang_t lang, const intake_form_t *f, upload_t *u,
    char receipt[RECEIPT_DIGITS_MAX + 1]) WUR;

typedef struct {
	sess_t sess;
	uint8_t case_id[16];
} mailbox_t;

/* A receipt typed back (canonical digits): a mailbox session (Argon2id: worker pool).
 * INTAKE_OVERLOADED past [mailbox] attempts_per_minute (a token bucket, core/bucket.h). */
intake_status_t mailbox_open(const app_t *app, const char *digits, size_t n, char cookie[SESS_COOKIE_CHARS + 1]) WUR;
/* Seconds until the mailbox takes a receipt again (0: now), to tell whoever was refused. */
unsigned mailbox_wait_s(const app_t *app);
/* The mailbox session of a cookie, or INTAKE_NOT_FOUND (ended, idle, or its request gone). */
intake_status_t mailbox_session(const app_t *app, sv_t cookie, mailbox_t *out) WUR;
void mailbox_leave(const app_t *app, const mailbox_t *m);
intake_status_t mailbox_reply(const app_t *app, const mailbox_t *m, sv_t message, upload_t *u) WUR;

/* ---- reading a request ---- */
typedef struct {
	uint8_t id[16];
	char name[CASE_NAME_MAX + 1];
	uint64_t size;
} case_file_t;

typedef struct {
	uint32_t seq;
	int role;                 /* CASE_ROLE_REQUESTER or CASE_ROLE_STAFF */
	int64_t hour;
	buf_t text;               /* wiped when the view is freed */
	case_file_t *files;       /* nfiles of them; names wiped when the view is freed */
	size_t nfiles;
} case_msg_t;

/* A staff note: never readable by the requester (sealed under the notes key n_e). */
typedef struct {
	char author[STORE_HANDLE_MAX + 1];   /* empty when the account is gone */
	int64_t hour;
	buf_t text;
} case_note_t;

/* A stage change or a verification, as staff see it (sealed under the notes key). */
typedef struct {
	char author[STORE_HANDLE_MAX + 1];
	uint8_t author_id[16];
	int64_t hour;
	int from, to;             /* stage changes */
	char member[STORE_HANDLE_MAX + 1];   /* vouches: the member who vouches */
	buf_t text;               /* the reason, or the verifier's note */
} case_event_t;

typedef struct {
	uint8_t id[16];
	char lang[3];
	int stage, status;
	int64_t created_hour, activity_hour;
	char situation[24], region[24];
	buf_t contact;
	case_msg_t *msgs;
	size_t nmsgs;
	case_note_t *notes;       /* staff views only */
	size_t nnotes;
	case_event_t *history;    /* stage changes, oldest first (staff) */
	size_t nhistory;
	case_event_t *verifications;   /* (staff) */
	size_t nverifications;
	uint32_t checklist[STAGES_COUNT];   /* per stage: the items ticked, as last saved (staff) */
	case_event_t *vouches;    /* applications: vouches recorded (staff) */
	size_t nvouches;
	buf_t languages, vouchers;   /* applications (staff) */
	bool incomplete;          /* something did not open (shown as such, never hidden) */
} case_view_t;

intake_status_t mailbox_view(const app_t *app, const mailbox_t *m, case_view_t *out) WUR;
void case_view_free(case_view_t *v);

/* A file, decrypted in memory for one response: data is wiped by whoever frees it. */
typedef struct {
	char name[CASE_NAME_MAX + 1];
	buf_t data;
	size_t reserved;          /* give back with intake_file_release once data is gone */
} case_file_out_t;
/* Decrypted files wait in memory for their clients, within an instance-wide budget
 * (LIMIT_FILES_IN_MEMORY_MB); past it, opening a file answers INTAKE_BUSY. */
void intake_file_release(size_t reserved);
intake_status_t mailbox_file(const app_t *app, const mailbox_t *m, const uint8_t aid[16], case_file_out_t *out) WUR;

/* ---- triage ---- */
/* True when the account may see the triage queue: it holds the triage key. */
bool requests_allowed(const app_t *app, const staff_t *s);

typedef struct {
	uint8_t id[16];
	char lang[3];
	int stage;
	int64_t created_hour, activity_hour;
	char situation[24];
	char first_line[200];     /* UTF-8, cut at a character boundary */
	size_t nfiles;
	bool unreadable;          /* sealed to a key this account cannot reach */
	int64_t waiting_hour;     /* since when the requester waits for an answer; -1: he does not */
	bool has_assignee;
	uint8_t assignee[16];
} request_row_t;

#define REQUESTS_PAGE 25
/* The queue (stages new and triage), newest first: rows[0..*n), and the total. */
intake_status_t requests_list(const app_t *app, const staff_t *s, size_t offset, request_row_t rows[REQUESTS_PAGE],
    size_t *n, size_t *total) WUR;
/* Rows for cases, with the first line and the situation decrypted when s can open them. */
void request_rows(const app_t *app, const staff_t *s, const store_case_t *cases, size_t n, request_row_t *rows);
intake_status_t request_view(const app_t *app, const staff_t *s, const uint8_t case_id[16], case_view_t *out) WUR;
/* request_view, or (application) the same for a volunteer's application. */
intake_status_t staff_view(const app_t *app, const staff_t *s, const uint8_t case_id[16], bool application,
    case_view_t *out) WUR;
intake_status_t request_reply(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t message,
    upload_t *u) WUR;
intake_status_t request_file(const app_t *app, const staff_t *s, const uint8_t aid[16], case_file_out_t *out) WUR;
/* A note for staff only, sealed under the notes key with its author inside. */
intake_status_t request_note(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t text) WUR;

/* After a member left triage and its key was rotated (in the session s of a remaining
 * member), every case still sealed to an older triage key, or to single members, starts
 * a new epoch sealed to the current key and the requester only (CRYPTO.md "Cases"): a
 * removed member's old key opens nothing written from then on. Returns how many cases
 * could not be moved (opened with no key this member holds), or -1 on error. */
long intake_rekey(const app_t *app, const staff_t *s);

/* ---- retention (DESIGN.md "Short memory") ----
 * A request is crypto-shredded in this order: its shred-key slot is destroyed (random
 * bytes, zeros, fdatasync), so no copy of anything can open it any more; then its rows
 * (sealed copies first, then items and attachments) and its files are deleted. */
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

/* At start (serve): shred-key slots without a case and blobs without a row, left by a
 * crash between the durable steps of a submission, are destroyed. Returns 0 or -1. */
int intake_recover(const app_t *app) WUR;

#endif
