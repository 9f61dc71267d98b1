/* appeals: video appeals (issue 11), from the upload to the public gallery. An appeal is a
 * case at STAGE_APPEAL sealed to the editors' group key and to the uploader's receipt; its
 * original file is cleaned by the media worker (mediajobs.h) into a clean video and a
 * poster, sealed to the same holders, and the original is shredded. Two editors publish it
 * (one approves, another publishes): only then are the clean files written in the clear
 * under DIR/media/<slug>/. The uploader (with her receipt) or an editor withdraws it at
 * any time: the public files are deleted and the case shredded. */
#ifndef SAVA_APPEALS_H
#define SAVA_APPEALS_H

#include "core/lang.h"
#include "domain/app.h"
#include "domain/domain.h"
#include "domain/mailbox.h"
#include "domain/upload.h"
#include "domain/rules.h"
#include "domain/view.h"
#include "store/appeals.h"

#define APPEAL_NAME_MAX_CHARS 40
#define APPEAL_TEXT_MAX_CHARS 500
#define APPEALS_PAGE 12

/* The public upload's fields (clean UTF-8; the rest is checked by appeal_submit). */
typedef struct appeal_form {
	sv_t language;      /* the language spoken: a code of casework_languages */
	sv_t shown_name;    /* optional: a first name or nickname to show */
	sv_t text;          /* optional: a short text */
	sv_t consent;       /* "yes" */
} appeal_form_t;

/* What is wrong with the form, field by field (rules.h); true when nothing is. */
typedef struct {
	rule_t language, shown_name, text, consent, video;
} appeal_rules_t;
bool appeal_rules(const appeal_form_t *f, size_t nfiles, appeal_rules_t *out);

/* The upload of an appeal: one video file of at most [appeals] max_mb. */
upload_t *appeal_upload_new(const app_t *app);
/* True when appeals can be taken: the editors' key exists. */
bool appeals_open(const app_t *app);
/* Whether a public appeal would be taken now: INTAKE_OK, INTAKE_CLOSED (no editors' key)
 * or INTAKE_OVERLOADED ([appeals] waiting_max appeals wait): checked before the upload
 * writes its first byte, and again when it is stored. */
intake_status_t appeals_admit(const app_t *app);
/* A new appeal (Argon2id: on the worker pool), from the public form (editor NULL), or
 * registered by an editor or by the operator's
 * `sava appeal add` (editor NULL, title in text). On INTAKE_OK it is durable, its cleaning
 * is queued with the keys it needs (mediajobs.h), id holds its id and receipt its digits,
 * to show once to a public uploader. */
intake_status_t appeal_submit(const app_t *app, lang_t lang, const staff_t *editor, const appeal_form_t *f,
    upload_t *u, uint8_t id[16], char receipt[RECEIPT_DIGITS_MAX + 1]) WUR;

/* ---- the uploader, through her receipt (a mailbox session of the appeal's case) ---- */
typedef struct {
	int state;                          /* STORE_APPEAL_* */
	char slug[STORE_SLUG_MAX + 1];      /* once published */
	char refusal[STORE_REFUSAL_MAX + 1];
} appeal_status_t;
/* INTAKE_NOT_FOUND when the session is not an appeal's (or it was withdrawn). */
intake_status_t appeal_status(const app_t *app, const mailbox_t *m, appeal_status_t *out) WUR;
/* Withdraws it: unpublished at once, its files deleted, its case shredded. */
intake_status_t appeal_withdraw_mine(const app_t *app, const mailbox_t *m) WUR;

/* ---- editors (role editor, holding the editors' key) ---- */
bool appeals_allowed(const app_t *app, const staff_t *s);
typedef struct {
	uint8_t id[16];
	int state;
	char language[4];
	char refusal[STORE_REFUSAL_MAX + 1];
	uint32_t duration, width, height;
	bool approved, mine_to_publish;     /* approved by someone; this editor may publish it */
	int64_t created_hour;
} appeal_row_t;
/* Appeals in state (-1: all), newest first, with counts per state. Waiting appeals whose
 * cleaning a restart interrupted start again here (this editor's keys open them). */
intake_status_t appeals_list(const app_t *app, const staff_t *s, int state, size_t offset,
    appeal_row_t rows[APPEALS_PAGE], size_t *n, size_t *total, size_t counts[6]) WUR;
typedef struct {
	appeal_row_t row;
	bool registered_by_editor, approved_by_me;
	char approved_by[33], published_by[33], registered_by[33];   /* handles */
	buf_t shown_name, text, consent, language;   /* what she wrote (wiped by appeal_view_free) */
	char slug[STORE_SLUG_MAX + 1];
	bool has_original, has_clean;
} appeal_view_t;
intake_status_t appeal_view(const app_t *app, const staff_t *s, const uint8_t id[16], appeal_view_t *out) WUR;
void appeal_view_free(appeal_view_t *v);
/* Its clean video (which 0) or poster (1), decrypted for an editor's preview: the part a
 * Range header names (view_file_part), or the whole when range is empty. */
intake_status_t appeal_file(const app_t *app, const staff_t *s, const uint8_t id[16], int which, sv_t range,
    case_file_out_t *out) WUR;
/* The first editor approves; INTAKE_INVALID when not in review or approved already. */
intake_status_t appeal_approve(const app_t *app, const staff_t *s, const uint8_t id[16]) WUR;
/* A second editor publishes: INTAKE_INVALID unless it is approved by someone else. */
intake_status_t appeal_publish(const app_t *app, const staff_t *s, const uint8_t id[16]) WUR;
intake_status_t appeal_withdraw(const app_t *app, const staff_t *s, const uint8_t id[16]) WUR;
/* Cleans it again from its original (only while that exists: before it was cleaned). */
intake_status_t appeal_reclean(const app_t *app, const staff_t *s, const uint8_t id[16]) WUR;
/* For `sava appeal show`: its state as a word, the refusal, and its files under DIR
 * (sealed blobs; the public copies once published). */
typedef struct {
	int state;
	const char *state_word;      /* waiting, cleaning, review, published, withdrawn, refused */
	char refusal[STORE_REFUSAL_MAX + 1];
	char files[4][96];
	size_t nfiles;
} appeal_info_t;
intake_status_t appeal_info(const app_t *app, const uint8_t id[16], appeal_info_t *out) WUR;
/* The daemon's media workers ([media] jobs); stop waits for the running jobs. */
int appeals_start(const app_t *app) WUR;
void appeals_stop(void);
/* Without the daemon (`sava appeal add`): cleans what was queued, here; how many failed. */
size_t appeals_clean_here(const app_t *app);

/* Why the media worker could not run the last job (the sandbox could not start, a limit),
 * for the editors' page: a msgid to translate, never file content; empty when nothing
 * failed. */
#define APPEALS_PROBLEM_BYTES 160
void appeals_media_problem(char out[APPEALS_PROBLEM_BYTES]);

/* ---- the public ---- */
typedef struct {
	char slug[STORE_SLUG_MAX + 1];
	char language[4];
	char shown_name[STORE_SHOWN_NAME_MAX + 1];
	char shown_text[STORE_SHOWN_TEXT_MAX + 1];
	uint32_t duration, width, height;
	int64_t published_hour;
} appeal_public_t;
intake_status_t appeals_gallery(const app_t *app, size_t offset, appeal_public_t rows[APPEALS_PAGE], size_t *n,
    size_t *total) WUR;
intake_status_t appeal_public(const app_t *app, const char *slug, appeal_public_t *out) WUR;

#endif
