/* subtitles: the rows of subtitle work on video appeals (issue 12): versions per appeal
 * and language (sealed: their ciphertext is an item of the appeal's case, kept here so
 * that reading an appeal does not read every version), and one task per appeal and
 * language. In the clear: the appeal, languages, numbers, states, account ids, hours.
 * Rows go with the appeal's case (ON DELETE CASCADE) when it is shredded. */
#ifndef SAVA_STORE_SUBTITLES_H
#define SAVA_STORE_SUBTITLES_H

#include "store/store.h"

/* A task's step: what the next person does for this appeal and language. */
enum {
	STORE_SUBTASK_WAITING = 0,      /* a translation, waiting for an approved transcription */
	STORE_SUBTASK_TRANSCRIBE = 1,
	STORE_SUBTASK_TRANSLATE = 2,
	STORE_SUBTASK_REVIEW = 3,
	STORE_SUBTASK_APPROVE = 4,
	STORE_SUBTASK_DONE = 5,
};
/* A version's state. */
enum {
	STORE_SUBVER_DRAFT = 0,       /* its author may still change it in place */
	STORE_SUBVER_SUBMITTED = 1,   /* sent to review */
	STORE_SUBVER_REVIEWED = 2,
	STORE_SUBVER_APPROVED = 3,
};

typedef struct {
	uint8_t id[16];
	uint8_t appeal[16];
	char src[4], lang[4];         /* the language pair: src == lang for a transcription */
	int kind;                     /* STORE_SUBTASK_* */
	bool has_claimant;
	uint8_t claimant[16];
	int64_t claimed_until;        /* hour */
	uint32_t version;             /* under review or approval */
	int64_t created_hour;
} store_subtask_t;

typedef struct {
	uint8_t appeal[16];
	char lang[4];
	uint32_t version;
	uint8_t item[16];             /* the sealed item's id (its AD names it) */
	int kind, role, field;
	int state;                    /* STORE_SUBVER_* */
	uint8_t author[16];
	bool has_reviewer, has_approver;
	uint8_t reviewer[16], approver[16];
	int64_t created_hour;
	const uint8_t *ct;            /* borrowed; NULL in lists */
	size_t ct_len;
} store_subver_t;

/* ---- tasks ---- */
/* One task per language of langs (src's own: transcribe; others: waiting), with ids
 * ids (random), for the languages that have none yet. */
int store_subtasks_create(store_t *st, const uint8_t appeal[16], const char *src, const char (*langs)[4],
    const uint8_t (*ids)[16], size_t n, int64_t hour) WUR;
int store_subtask_get(store_t *st, const uint8_t id[16], store_subtask_t *out) WUR;
int store_subtask_of(store_t *st, const uint8_t appeal[16], const char *lang, store_subtask_t *out) WUR;
int store_subtasks_each(store_t *st, const uint8_t appeal[16], int (*fn)(void *ctx, const store_subtask_t *t),
    void *ctx) WUR;
/* Tasks someone may take now (steps 1-4, not taken or taken until before now_hour), or
 * taken by mine (when mine is not NULL, only those), filtered by src and lang ("" for
 * any), oldest first. */
int store_subtasks_queue(store_t *st, const char *src, const char *lang, const uint8_t *mine, int64_t now_hour,
    size_t offset, size_t limit, int (*fn)(void *ctx, const store_subtask_t *t), void *ctx, size_t *total) WUR;
/* Taken by who until until_hour: STORE_CONFLICT when someone else holds it still, or it
 * has no step to take. */
int store_subtask_claim(store_t *st, const uint8_t id[16], const uint8_t who[16], int64_t until_hour,
    int64_t now_hour) WUR;
/* Handed back by who: STORE_CONFLICT when it is not hers. */
int store_subtask_release(store_t *st, const uint8_t id[16], const uint8_t who[16]) WUR;
/* From step from to step to, about version, free for anyone: STORE_CONFLICT when it is
 * no longer at from. */
int store_subtask_move(store_t *st, const uint8_t id[16], int from, int to, uint32_t version) WUR;
/* The appeal's translations waiting for their source may now begin. */
int store_subtasks_unblock(store_t *st, const uint8_t appeal[16]) WUR;

/* ---- versions ---- */
/* A new version, numbered one more than the newest of its language (*version). */
int store_subver_add(store_t *st, const store_subver_t *v, uint32_t *version) WUR;
/* A draft changed in place by its author: STORE_CONFLICT when it is no longer her draft. */
int store_subver_replace(store_t *st, const store_subver_t *v) WUR;
/* One version (0: the newest; state >= 0: the newest in that state) with its ciphertext,
 * handed to fn; STORE_NOT_FOUND when there is none. */
int store_subver_get(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version, int state,
    int (*fn)(void *ctx, const store_subver_t *v), void *ctx) WUR;
/* The versions of a language, newest first, without ciphertext. */
int store_subvers_each(store_t *st, const uint8_t appeal[16], const char *lang,
    int (*fn)(void *ctx, const store_subver_t *v), void *ctx) WUR;
/* State changes, each conditional in SQL so that the two-person rules hold in a race:
 * submit (draft -> submitted, by its author), back (submitted -> draft), review
 * (submitted -> reviewed, by someone not its author), approve (reviewed -> approved, by
 * someone neither author nor reviewer). STORE_CONFLICT otherwise. */
int store_subver_submit(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version,
    const uint8_t who[16]) WUR;
int store_subver_back(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version) WUR;
int store_subver_review(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version,
    const uint8_t who[16]) WUR;
int store_subver_approve(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version,
    const uint8_t who[16]) WUR;
/* The languages with an approved version, fn(ctx, lang). */
int store_sub_approved_langs(store_t *st, const uint8_t appeal[16], int (*fn)(void *ctx, const char *lang),
    void *ctx) WUR;

/* ---- captions burned in (subburns.c, migration 13) ---- */
enum {
	STORE_BURN_WAITING = 0,       /* queued: a media job renders it */
	STORE_BURN_RUNNING = 1,
	STORE_BURN_DONE = 2,          /* wide and tall are files of the case */
	STORE_BURN_FAILED = 3,        /* reason says why, in English */
};
#define STORE_BURN_REASON_MAX 160
enum { STORE_JOB_BURN = 3 };   /* a media job's kind (STORE_JOB_CLEAN's), durable as its sub_burns row */
typedef struct {
	char lang[4];
	uint32_t version;             /* the approved version rendered */
	uint8_t run[16];              /* this render's job: a newer approval makes a new one */
	int state;                    /* STORE_BURN_* */
	bool has_files;
	uint8_t wide[16], tall[16];   /* attachment ids, with STORE_BURN_DONE */
	uint64_t wide_bytes, tall_bytes;
	char reason[STORE_BURN_REASON_MAX + 1];
	int64_t hour;
} store_subburn_t;
/* A render of lang's approved version queued as job run (replacing any before it), in
 * one transaction: the older render's attachment rows are deleted and their ids go to
 * old (*nold of them, at most 2): the caller deletes their blobs. */
int store_subburn_queue(store_t *st, const uint8_t appeal[16], const char *lang, uint32_t version,
    const uint8_t run[16], int64_t hour, uint8_t old[2][16], size_t *nold) WUR;
int store_subburn_get(store_t *st, const uint8_t appeal[16], const char *lang, store_subburn_t *out) WUR;
/* Every render of appeal, by language. */
int store_subburns_each(store_t *st, const uint8_t appeal[16], int (*fn)(void *ctx, const store_subburn_t *b),
    void *ctx) WUR;
/* Job run starts: STORE_CONFLICT unless it is still the row's job and waiting. */
int store_subburn_start(store_t *st, const uint8_t appeal[16], const char *lang, const uint8_t run[16]) WUR;
/* Job run's files, in one transaction: the attachments stored with the case, the row
 * done. STORE_CONFLICT when run is no longer the row's job, or the appeal was withdrawn. */
int store_subburn_done(store_t *st, const uint8_t appeal[16], const char *lang, const uint8_t run[16],
    const store_attachment_t *wide, const store_attachment_t *tall, int64_t hour) WUR;
int store_subburn_failed(store_t *st, const uint8_t appeal[16], const char *lang, const uint8_t run[16],
    const char *reason) WUR;
/* At start: renders (and timing aids) left running by a stop wait again (an editor's
 * page queues them). */
int store_subburns_requeue(store_t *st) WUR;

/* ---- the cue editor's timing aids (subburns.c, migration 13) ---- */
enum { STORE_JOB_AIDS = 4, STORE_JOB_TRANSCRIBE = 5 };   /* media jobs' kinds, durable as sub_aids rows */
typedef struct {
	int state;                    /* STORE_BURN_* (waiting, running, done, failed) */
	bool has_files;
	uint8_t wave[16], pauses[16]; /* attachment ids, once done */
	int64_t hour;
	int transcribing;             /* 0 none, 1 asked (a job runs), 2 done: transcript waits, 3 failed */
	bool has_transcript;
	uint8_t transcript[16];       /* the machine's WebVTT, a sealed file of the case */
} store_subaids_t;
int store_subaids_get(store_t *st, const uint8_t appeal[16], store_subaids_t *out) WUR;
/* Wanted: a waiting row unless there is one (STORE_OK either way). */
int store_subaids_want(store_t *st, const uint8_t appeal[16], int64_t hour) WUR;
/* Waiting to running: STORE_CONFLICT when it is not waiting. */
int store_subaids_start(store_t *st, const uint8_t appeal[16]) WUR;
/* Its two files stored with the case and the row done, in one transaction;
 * STORE_CONFLICT when it is not running or the appeal was withdrawn. */
int store_subaids_done(store_t *st, const uint8_t appeal[16], const store_attachment_t *wave,
    const store_attachment_t *pauses, int64_t hour) WUR;
int store_subaids_failed(store_t *st, const uint8_t appeal[16]) WUR;
/* A machine transcription asked for: STORE_CONFLICT when one is asked already. */
int store_subaids_transcribe(store_t *st, const uint8_t appeal[16]) WUR;
/* Its file (t NULL: it failed), in one transaction with its attachment row. */
int store_subaids_transcribed(store_t *st, const uint8_t appeal[16], const store_attachment_t *t) WUR;
/* The waiting transcript taken (used or dropped): its attachment row deleted, its id to
 * id (the caller deletes its blob), the row back to none. STORE_NOT_FOUND: none waits. */
int store_subaids_transcript_take(store_t *st, const uint8_t appeal[16], uint8_t id[16]) WUR;

#endif
