/* appeals: the rows of video appeals and of the media jobs that clean them (migration 7),
 * and the published files under DIR/media. An appeal's keys, items and sealed files are
 * those of its case (store.h); here is only what the work needs in the clear. */
#ifndef SAVA_STORE_APPEALS_H
#define SAVA_STORE_APPEALS_H

#include "store/store.h"

/* An appeal's states, in the order of its life. */
enum {
	STORE_APPEAL_WAITING = 0,     /* stored, waiting for its cleaning */
	STORE_APPEAL_CLEANING = 1,    /* a media job is on it */
	STORE_APPEAL_REVIEW = 2,      /* clean files made, waiting for two editors */
	STORE_APPEAL_PUBLISHED = 3,
	STORE_APPEAL_WITHDRAWN = 4,   /* files deleted, case shredded: this row is all that is left */
	STORE_APPEAL_REFUSED = 5,     /* the file was refused (refusal says why) */
};

#define STORE_SLUG_MAX 40
#define STORE_SHOWN_NAME_MAX 120      /* bytes: 40 characters of any script */
#define STORE_SHOWN_TEXT_MAX 1500     /* bytes: 500 characters of any script */
#define STORE_REFUSAL_MAX 160

typedef struct {
	uint8_t id[16];               /* its case's id */
	int state;                    /* STORE_APPEAL_* */
	char language[4];             /* the language spoken, a code of casework_languages */
	bool has_registered_by, has_approved_by, has_published_by;
	uint8_t registered_by[16];    /* an editor who registered it (none: a public upload) */
	uint8_t approved_by[16];      /* the first editor's approval */
	uint8_t published_by[16];     /* the second editor, who published it */
	bool has_original, has_clean, has_poster;
	uint8_t original[16], clean[16], poster[16];   /* attachment ids */
	uint32_t poster_at;           /* the poster's second */
	char refusal[STORE_REFUSAL_MAX + 1];
	uint32_t duration, width, height;   /* of the clean video */
	char slug[STORE_SLUG_MAX + 1];       /* once published */
	char shown_name[STORE_SHOWN_NAME_MAX + 1];
	char shown_text[STORE_SHOWN_TEXT_MAX + 1];
	int64_t created_hour, published_hour;
} store_appeal_t;

/* A new appeal: its case (copies, first items), its original file, this row and its
 * cleaning job, in one transaction. */
int store_appeal_create(store_t *st, const store_case_t *c, const store_copy_t *copies, size_t ncopies,
    const store_item_t *items, size_t nitems, const store_attachment_t *original, const store_appeal_t *a) WUR;
int store_appeal_get(store_t *st, const uint8_t id[16], store_appeal_t *out) WUR;
int store_appeal_by_slug(store_t *st, const char *slug, store_appeal_t *out) WUR;
/* Appeals in state (or every state: -1), newest first; *total counts them all. */
int store_appeals_list(store_t *st, int state, size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_appeal_t *a), void *ctx, size_t *total) WUR;
/* Published appeals, the latest published first. */
int store_appeals_published(store_t *st, size_t offset, size_t limit, int (*fn)(void *ctx, const store_appeal_t *a),
    void *ctx, size_t *total) WUR;
/* Counts per state (STORE_APPEAL_* as index, 6 of them). */
int store_appeal_counts(store_t *st, size_t counts[6]) WUR;

/* From state from to state to; STORE_CONFLICT when it is no longer in from. */
int store_appeal_move(store_t *st, const uint8_t id[16], int from, int to) WUR;
/* The cleaning is done, in one transaction: the clean video and poster stored as the
 * case's files, the original's row deleted (its id to *original, when there was one: the
 * caller deletes its blob), the appeal moved to review with the clean video's size, its
 * job gone. STORE_CONFLICT when it is no longer being cleaned (withdrawn meanwhile). */
int store_appeal_cleaned(store_t *st, const uint8_t id[16], const store_attachment_t *clean,
    const store_attachment_t *poster, uint32_t duration, uint32_t width, uint32_t height, uint8_t original[16],
    bool *had_original) WUR;
/* Refused, with reason; its job gone. */
int store_appeal_refused(store_t *st, const uint8_t id[16], const char *reason) WUR;
/* The first editor's approval: STORE_CONFLICT unless it is in review, not yet approved. */
int store_appeal_approve(store_t *st, const uint8_t id[16], const uint8_t editor[16]) WUR;
/* The second editor publishes: STORE_CONFLICT unless it is in review and approved by
 * someone else (two people, always). slug must be unused. */
int store_appeal_publish(store_t *st, const uint8_t id[16], const uint8_t editor[16], const char *slug,
    const char *shown_name, const char *shown_text, int64_t hour) WUR;
/* Withdrawn: the row keeps its state, language and hours; file ids, slug and shown
 * words are cleared, the job deleted and the case marked for shredding (the purge
 * finishes it if the caller cannot), in one transaction. slug gets the public folder it
 * had then (empty: none): the caller deletes it, and shreds the case. */
int store_appeal_withdrawn(store_t *st, const uint8_t id[16], char slug[STORE_SLUG_MAX + 1]) WUR;

/* Cleaned again from its original (waiting, or refused, with the original still there):
 * back to waiting with its job. STORE_CONFLICT otherwise. */
int store_appeal_retry(store_t *st, const uint8_t id[16], int64_t hour) WUR;

/* ---- media jobs: what is to be done, durable; the keys to do it never are ---- */
enum { STORE_JOB_CLEAN = 1 };
/* Every job, oldest first: fn(ctx, kind, object, attempts). */
int store_jobs_each(store_t *st, int (*fn)(void *ctx, int kind, const uint8_t object[16], unsigned attempts),
    void *ctx) WUR;
/* One more attempt counted for a job. */
int store_job_attempt(store_t *st, int kind, const uint8_t object[16]) WUR;
/* At start: appeals left "cleaning" by a stop go back to "waiting" (their jobs remain). */
int store_appeals_requeue(store_t *st, size_t *n) WUR;

/* ---- published files: DIR/media/<slug>/<name>, in the clear (only what is public) ---- */
typedef struct store_media_file store_media_file_t;
/* A new file, written beside its final name and moved there by commit (mode 0644). */
int store_media_create(store_t *st, const char *slug, const char *name, store_media_file_t **out) WUR;
int store_media_write(store_media_file_t *f, const uint8_t *p, size_t n) WUR;
/* fsync, rename into place, fsync the folder; frees f. */
int store_media_commit(store_media_file_t *f) WUR;
/* Deletes the half-written file; frees f (NULL is fine). */
void store_media_abort(store_media_file_t *f);
/* Deletes DIR/media/<slug>/<name>: STORE_OK, also when there was none. */
int store_media_delete(store_t *st, const char *slug, const char *name) WUR;
/* Deletes DIR/media/<slug> and every file in it: STORE_OK, also when there was none. */
int store_media_remove(store_t *st, const char *slug) WUR;

#endif
