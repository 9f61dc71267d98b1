/* triage: requests as staff see them: the queue, a request's page, a reply, a staff-only
 * note, a file. Anyone else, and any case the account cannot open, gets INTAKE_NOT_FOUND at
 * the same cost (access.c). Plaintext is handed out for one response only. */
#ifndef SAVA_TRIAGE_H
#define SAVA_TRIAGE_H

#include "domain/domain.h"
#include "domain/upload.h"
#include "domain/view.h"

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
	char holder[STORE_HANDLE_MAX + 1];   /* the assignee's handle ("" when nobody, or gone) */
} request_row_t;

/* What a list of requests shows: all, or only those in one language, that nobody holds,
 * or whose requester waits for an answer (at all, or longer than [cases] response_hours). */
typedef struct {
	char lang[3];
	bool only_new;            /* stage "new" alone, not triage */
	bool unassigned;
	bool waiting, waiting_long;
} requests_filter_t;

#define REQUESTS_PAGE 25
/* The queue (stages new and triage) as f filters it, those waiting longest first, then
 * the newest: rows[0..*n), and the total. */
intake_status_t requests_list(const app_t *app, const staff_t *s, const requests_filter_t *f, size_t offset,
    request_row_t rows[REQUESTS_PAGE], size_t *n, size_t *total) WUR;
/* Rows for cases, with the first line and the situation decrypted when s can open them. */
void request_rows(const app_t *app, const staff_t *s, const store_case_t *cases, size_t n, request_row_t *rows);
/* The same through the key of group (the drop: "analysts"). */
void request_rows_in(const app_t *app, const staff_t *s, const char *group, const store_case_t *cases, size_t n,
    request_row_t *rows);
intake_status_t request_view(const app_t *app, const staff_t *s, const uint8_t case_id[16], case_view_t *out) WUR;
/* request_view, or (application) the same for a volunteer's application. */
intake_status_t staff_view(const app_t *app, const staff_t *s, const uint8_t case_id[16], bool application,
    case_view_t *out) WUR;
intake_status_t request_reply(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t message,
    upload_t *u) WUR;
intake_status_t request_file(const app_t *app, const staff_t *s, const uint8_t aid[16], case_file_out_t *out) WUR;
/* A note for staff only, sealed under the notes key with its author inside. */
intake_status_t request_note(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t text) WUR;

/* ---- for casework.c, not for pages ---- */
/* staff_view, with or without its "request read" audit entry (a rule that reads the
 * case to decide, such as a stage move, writes its own entry instead). */
intake_status_t staff_view_audited(const app_t *app, const staff_t *s, const uint8_t case_id[16], bool application,
    bool audited, case_view_t *out) WUR;

#endif
