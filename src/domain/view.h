/* view: a case as its reader may see it, decrypted, and one file in memory within an
 * instance-wide budget. What does not open is shown as such (incomplete), never hidden;
 * every buffer is wiped when freed. */
#ifndef SAVA_VIEW_H
#define SAVA_VIEW_H

#include "domain/domain.h"
#include "parse/range.h"
#include "vault/case.h"

/* What the requester sees of a stage (STATUS_*). */
int intake_status_of(int stage);

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
	char situation[24], region[24], writer[24];   /* values of intake.h's lists, or "" */
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

void case_view_free(case_view_t *v);

/* A file, decrypted in memory for one response: data is wiped by whoever frees it. */
typedef struct {
	char name[CASE_NAME_MAX + 1];
	buf_t data;
	size_t reserved;          /* give back with intake_file_release once data is gone */
	/* asked for by a Range (view_file_part): RANGE_ONE: data holds bytes first.. of a
	 * file of total bytes; RANGE_UNSATISFIABLE: data is empty; RANGE_NONE: data is whole */
	range_t range;
	uint64_t first, total;
} case_file_out_t;
/* The most of a file one ranged answer carries: a player asks for the rest as it needs it,
 * and no request holds a whole video in memory. */
#define VIEW_PART_MAX ((uint64_t)8 << 20)
/* Decrypted files wait in memory for their clients, within an instance-wide budget
 * (LIMIT_FILES_IN_MEMORY_MB); past it, opening a file answers INTAKE_BUSY. */
void intake_file_release(size_t reserved);

/* ---- for the domain's readers (mailbox.c, triage.c), not for pages ---- */
struct access;
/* Fills v with what a opens (staff: notes and records too); out is freed by the caller. */
intake_status_t view_fill(const app_t *app, struct access *a, bool staff, case_view_t *v);
/* Attachment at of the case a opens, whole, into out (within the budget). */
intake_status_t view_file_read(const app_t *app, struct access *a, const store_attachment_t *at,
    case_file_out_t *out);
/* As view_file_read, for a Range header (parse/range.h): the bytes it names, at most
 * VIEW_PART_MAX of them; a Range that is empty or names no single range: the whole file.
 * A sealed file can only be read from its start, so the reader where the last part ended
 * is kept a while for its owner (a staff account), and a player that asks for part after
 * part costs one pass over the file, not one per part (viewpart.c). INTAKE_BUSY: another
 * far seek is being decrypted, or the budget is spent (503: try again in a second). */
intake_status_t view_file_part(const app_t *app, struct access *a, const store_attachment_t *at, sv_t range,
    const uint8_t owner[16], case_file_out_t *out);
/* Takes n bytes of the budget of decrypted files in memory: false when it is spent. */
bool view_file_reserve(uint64_t n);
/* Reads blob id's file (at most max bytes) into the reader r, frame by frame; whole: to
 * its end, checked (0, or -1); else until r stops itself (0). */
int view_blob_feed(const app_t *app, const uint8_t id[16], uint64_t max, case_blob_reader_t *r, bool whole);
/* Attachment aid of the case a opens, decrypted into DIR/media/<slug>/<name> (in the
 * clear: only what is being published): 0, or -1 (nothing left behind but what the
 * caller removes with store_media_remove). */
int view_publish_file(const app_t *app, struct access *a, const uint8_t aid[16], const char *slug, const char *name);
/* Opens one item into out (wiped and freed by the caller): 0, or -1. */
int view_item_text(const app_t *app, const struct access *a, const store_item_t *it, buf_t *out);

#endif
