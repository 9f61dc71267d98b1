/* subtitles: the subtitle work on video appeals (issue 12), in the Amara manner: per
 * appeal and language a task goes transcribe (the spoken language) or translate, then
 * review, then approve; every save is a version, kept, any of which can be restored.
 * Versions are sealed items of the appeal's case, so only holders of the editors' key
 * open them: editors, and translators an editor gave the key to. Two people, always: the
 * reviewer is not the version's author, the approver (an editor) neither author nor
 * reviewer, and quality errors (subqc.h) block approval. An approved version of a
 * published appeal is public, at media/<slug>/<lang>.vtt, and goes with the appeal. */
#ifndef SAVA_SUBTITLES_H
#define SAVA_SUBTITLES_H

#include "domain/domain.h"
#include "domain/subqc.h"
#include "domain/subversion.h"
#include "domain/view.h"
#include "store/subtitles.h"

#define SUBS_LANGS_MAX (CONFIG_SUB_TARGETS_MAX + 1)   /* tasks of one appeal */
#define SUBS_QUEUE_PAGE 20
#define SUBS_VERSIONS_MAX 200                         /* versions listed */

typedef enum {
	SUBS_OK = 0,
	SUBS_NOT_FOUND,     /* no such appeal (or not this person's to open), task or version */
	SUBS_TAKEN,         /* someone else has taken this task */
	SUBS_STEP,          /* the task is not at the step this needs (or the version not in that state) */
	SUBS_TWO_PERSON,    /* the reviewer would be the author, or the approver author or reviewer */
	SUBS_QC_ERRORS,     /* the version has quality errors: it cannot be approved */
	SUBS_BAD_FILE,      /* an imported file does not parse (err and line say where) */
	SUBS_TOO_LARGE,     /* a version over its limit */
	SUBS_EDITOR_ONLY,   /* an editor's action (start the work, approve) */
	SUBS_BUSY,          /* too many decrypted files wait in memory: try again */
	SUBS_ERROR,
} subs_status_t;

typedef enum { SUBS_VTT = 0, SUBS_SRT = 1 } subs_format_t;

/* The account may do subtitle work: a translator or editor who holds the editors' key. */
bool subtitles_allowed(const app_t *app, const staff_t *s);

/* ---- tasks ---- */
typedef struct {
	uint8_t id[16], appeal[16];
	char src[4], lang[4];
	int kind;                   /* STORE_SUBTASK_* */
	bool taken, taken_by_me;
	int64_t created_hour, claimed_until;
	uint32_t version;
} subs_task_t;
/* An editor starts an appeal's subtitle work (it must have its clean video): a task for
 * the spoken language and one for each of [subtitles] targets. */
subs_status_t subtitles_start(const app_t *app, const staff_t *s, const uint8_t appeal[16]) WUR;
/* Open tasks (mine: those she has taken), filtered by language pair ("" for any), oldest first. */
subs_status_t subtitles_queue(const app_t *app, const staff_t *s, const char *src, const char *lang, bool mine,
    size_t offset, subs_task_t rows[SUBS_QUEUE_PAGE], size_t *n, size_t *total) WUR;
subs_status_t subtitles_tasks_of(const app_t *app, const staff_t *s, const uint8_t appeal[16],
    subs_task_t rows[SUBS_LANGS_MAX], size_t *n) WUR;
/* Takes a task for [subtitles] claim_hours; hands it back. */
subs_status_t subtitles_take(const app_t *app, const staff_t *s, const uint8_t task[16]) WUR;
subs_status_t subtitles_hand_back(const app_t *app, const staff_t *s, const uint8_t task[16]) WUR;

/* ---- a version, as the editor shows it ---- */
typedef struct {
	uint8_t appeal[16];
	char lang[4], src[4];
	bool is_source;             /* the spoken language: its own times */
	bool exists;                /* there is a version yet */
	uint32_t version, newest;
	int state;                  /* STORE_SUBVER_* */
	char author[33], reviewer[33], approver[33];
	sub_doc_t doc;              /* the cues; a translation's times from its source */
	sub_doc_t source;           /* a translation's source cues (their words beside hers) */
	unsigned *problems;         /* per cue, SUBQC_* bits */
	size_t errors, warnings, orphans;
	bool has_task;
	subs_task_t task;
	bool may_edit, may_submit, may_review, may_approve;
	uint32_t duration;          /* of the clean video, seconds */
	int aids;                   /* the timing aids: STORE_BURN_* (STORE_BURN_DONE: shown), or -1 */
	bool transcriber;           /* [subtitles] transcribe_cmd is set */
	int transcribing;           /* 0 none, 1 under way, 2 ready to use, 3 the last try failed */
} subs_view_t;
/* Version version (0: the newest) of lang; audited. */
subs_status_t subtitles_view(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    uint32_t version, subs_view_t *out) WUR;
void subtitles_view_free(subs_view_t *v);

typedef struct {
	uint32_t version;
	int state;
	char author[33];
	int64_t hour;
} subs_version_row_t;
subs_status_t subtitles_versions(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    subs_version_row_t rows[SUBS_VERSIONS_MAX], size_t *n) WUR;

/* The appeal's clean video, decrypted for the editor's preview (media fragments): the
 * part a Range header names (view_file_part), or the whole when it names none. */
subs_status_t subtitles_video(const app_t *app, const staff_t *s, const uint8_t appeal[16], sv_t range,
    case_file_out_t *out) WUR;

/* ---- changes: each makes or changes a draft of hers ---- */
enum { SUBS_OP_SAVE = 0, SUBS_OP_ADD = SUBV_ADD, SUBS_OP_SPLIT = SUBV_SPLIT, SUBS_OP_MERGE = SUBV_MERGE,
	SUBS_OP_DELETE = SUBV_DELETE, SUBS_OP_SHIFT = 10 };
typedef struct {
	int op;                     /* SUBS_OP_*: the cues of the form are saved first */
	uint32_t cid;               /* the cue acted on */
	int32_t shift_ms;
	const subv_edit_t *edits;   /* the cues on the form */
	size_t nedits;
} subs_edit_t;
subs_status_t subtitles_edit(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    const subs_edit_t *e, uint32_t *version) WUR;
typedef struct {
	uint32_t version;
	size_t ncues;
	sub_err_t err;              /* SUBS_BAD_FILE: why, and at which line */
	size_t line;
} subs_import_t;
/* A file as a new version (encoding: SRT_* when the bytes are not UTF-8). An editor's
 * import starts the appeal's work when it has not started. */
subs_status_t subtitles_import(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    sv_t bytes, subs_format_t format, int encoding, subs_import_t *out) WUR;
/* Version version (0: newest) as a file; audited. */
subs_status_t subtitles_export(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    uint32_t version, subs_format_t format, buf_t *out) WUR;
/* An earlier version as her new draft. */
subs_status_t subtitles_restore(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    uint32_t version, uint32_t *new_version) WUR;

/* ---- the steps ---- */
/* Her newest draft to review. */
subs_status_t subtitles_submit(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang) WUR;
/* Review: accept (on to approval) or send back to its author's step. */
subs_status_t subtitles_review(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    bool accept) WUR;
/* Approval (an editor): accept (public at once when the appeal is) or send back. */
subs_status_t subtitles_approve(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    bool accept) WUR;

/* The newest approved version of lang as WebVTT (for the burned-in renders). */
subs_status_t subtitles_approved_webvtt(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    buf_t *out) WUR;

/* ---- captions burned in (subburn.c): 16:9 and 9:16 renders of ru and be ---- */
enum { SUBS_BURN_WIDE = 0, SUBS_BURN_TALL = 1, SUBS_BURN_TEXT = 2 };
#define SUBS_BURN_NAME_BYTES 24
typedef struct {
	char lang[4];
	uint32_t version;           /* the approved version rendered */
	int state;                  /* STORE_BURN_* */
	uint64_t wide_bytes, tall_bytes;
	char reason[STORE_BURN_REASON_MAX + 1];   /* a failed render's, English */
	int64_t hour;
} subs_burn_t;
/* The appeal's renders (those waiting after a restart queued again with s's keys). */
subs_status_t subtitles_burns(const app_t *app, const staff_t *s, const uint8_t appeal[16],
    subs_burn_t rows[SUBS_LANGS_MAX], size_t *n) WUR;
/* A render's file (shape SUBS_BURN_WIDE or _TALL) decrypted into out, the part range
 * names; SUBS_BURN_TEXT: the captions' words into text. Audited. */
subs_status_t subtitles_burn_file(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    int shape, sv_t range, case_file_out_t *out, buf_t *text) WUR;

/* ---- the cue editor's timing aids (subaids.c) ---- */
/* The waveform of the appeal's clean video (a JPEG, SUBS_WAVE_W x SUBS_WAVE_H, the whole
 * duration), decrypted into out. */
#define SUBS_WAVE_W 1600
#define SUBS_WAVE_H 120
subs_status_t subtitles_waveform(const app_t *app, const staff_t *s, const uint8_t appeal[16], case_file_out_t *out) WUR;
/* The transcription's first draft made from the pauses: a cue (no words yet) for each
 * stretch of sound between them, split to 7 s at most; as an import (res). SUBS_STEP
 * when lang is not the spoken language or it has cues already. */
subs_status_t subtitles_from_pauses(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    subs_import_t *res) WUR;

/* A machine transcription of the spoken language ([subtitles] transcribe_cmd), asked by
 * someone who may change it: SUBS_STEP when none is set up, or one is under way. */
subs_status_t subtitles_transcribe(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang) WUR;
/* The machine's transcription, once made, as her new draft (an import, res). */
subs_status_t subtitles_transcript_use(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    subs_import_t *res) WUR;

/* ---- the public ---- */
/* The languages of a published appeal's burned-in files (media/<slug>/<lang>-16x9.mp4,
 * <lang>-9x16.mp4, <lang>-captions.txt). */
size_t subtitles_public_burns(const app_t *app, const char *slug, char langs[][4], size_t max);
/* The languages of a published appeal's public subtitle files (media/<slug>/<lang>.vtt). */
size_t subtitles_public_langs(const app_t *app, const char *slug, char langs[][4], size_t max);

/* ---- for appeals.c ---- */
struct access;
/* At publication: each approved language's file into the appeal's public folder. 0 or -1. */
int subtitles_publish_all(const app_t *app, struct access *a, const uint8_t appeal[16], const char *slug);
/* Once it is published: the finished renders decrypted into its public folder, those
 * still rendering made again (they write their public files as they finish). 0 or -1. */
int subtitles_publish_burns(const app_t *app, struct access *a, const uint8_t appeal[16]);

#endif
