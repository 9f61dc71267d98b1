/* testimonies: the rows of testimonies and of their published stories (migration 8). A
 * testimony's keys, items and files are those of its case (store.h); here is only what
 * the two-person rule and the public pages need in the clear. Every change that the rule
 * depends on is one statement or one transaction, conditional on what it saw, so that an
 * edit, an approval, a publication and a withdrawal of consent never cross. */
#ifndef SAVA_STORE_TESTIMONIES_H
#define SAVA_STORE_TESTIMONIES_H

#include "store/store.h"

#define STORE_STORY_SLUG_MAX 40
#define STORE_STORY_TITLE_MAX 600        /* bytes: 200 characters of any script */
#define STORE_STORY_BODY_MAX (60 * 1024)  /* bytes: 20,000 characters of any script */

typedef struct {
	uint8_t id[16];                    /* its case's id */
	char language[4];
	uint32_t copy_seq;                 /* the current version of the copy (0: none yet) */
	bool has_redacted_by, has_approved_by;
	uint8_t redacted_by[16];           /* who saved that version */
	uint8_t approved_by[16];           /* the first approval of that version */
	uint32_t consent_seq;              /* the latest consent record (0: none) */
	bool has_owl;
	uint8_t owl[16];                   /* the Owl who holds her own copy (from a request) */
	int64_t created_hour;
	char slug[STORE_STORY_SLUG_MAX + 1];   /* its story, while published */
	int64_t until_hour;                /* its story's end */
	/* its video (optional): the sealed original, the redaction's state, what it hides
	 * (the domain's bytes, testimony_rules.h), the sealed redacted copy and poster */
	bool has_media_original, has_media_video, has_media_poster;
	uint8_t media_original[16], media_video[16], media_poster[16];
	int media_state;                   /* STORE_TMEDIA_* */
	uint8_t media_redact[258];
	size_t media_redact_len;
	char media_refusal[160];
	bool has_media_by;
	uint8_t media_by[16];              /* who set its video's redaction */
} store_testimony_t;

enum {
	STORE_TMEDIA_NONE = 0,      /* no video */
	STORE_TMEDIA_WAITING = 1,   /* its redaction is to be made (a job is queued) */
	STORE_TMEDIA_RUNNING = 2,   /* the media worker is on it */
	STORE_TMEDIA_DONE = 3,      /* the redacted copy and poster exist */
	STORE_TMEDIA_REFUSED = 4,   /* the video was refused (media_refusal says why) */
};
enum { STORE_JOB_REDACT = 2 };  /* a media job's kind (store/appeals.h has 1, the clean) */

typedef struct {
	char slug[STORE_STORY_SLUG_MAX + 1];
	bool has_testimony;
	uint8_t testimony[16];
	char language[4];
	char *title, *body;                /* owned: store_story_free */
	uint32_t copy_seq;
	uint8_t redacted_by[16], approved_by[16], published_by[16];
	int64_t published_hour, until_hour;
	bool has_media;                    /* DIR/media/<slug>/video.mp4 and poster.jpg */
} store_story_t;
void store_story_free(store_story_t *s);

/* A new testimony: its case (copies, first items) and this row, in one transaction. */
int store_testimony_create(store_t *st, const store_case_t *c, const store_copy_t *copies, size_t ncopies,
    const store_item_t *items, size_t nitems, const char *language, const uint8_t *owl) WUR;
int store_testimony_get(store_t *st, const uint8_t id[16], store_testimony_t *out) WUR;
/* Testimonies (owl not NULL: only hers), newest first; *total counts them. */
int store_testimonies_list(store_t *st, const uint8_t *owl, size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_testimony_t *t), void *ctx, size_t *total) WUR;

/* What a new version of items changes, in the same transaction as the items (numbered
 * as a message of the case, *seq_out): */
enum {
	STORE_T_NOTE = 0,       /* nothing more */
	STORE_T_COPY = 1,       /* the copy's current version, its redactor actor, no approval */
	STORE_T_CONSENT = 2,    /* the latest consent record */
	STORE_T_CONSENT_DOWN = 3,   /* the same, and its story goes down (consent withdrawn or narrowed) */
};
/* What a new consent record still allows of a published story (STORE_T_CONSENT):
 * its video or not, and its end at the latest. */
typedef struct {
	bool media_ok;
	int64_t until_hour;
} store_consent_bound_t;

/* slug_out (NULL when not wanted) gets the slug of a story deleted in the same
 * transaction (STORE_T_CONSENT_DOWN, or STORE_T_CONSENT when bound no longer allows
 * its video), or "" when there was none; bound (STORE_T_CONSENT, may be NULL) also
 * lowers the story's end to its until_hour. */
int store_testimony_add(store_t *st, const uint8_t id[16], const store_item_t *items, size_t nitems, int64_t hour,
    int what, const uint8_t actor[16], uint32_t *seq_out, char *slug_out, const store_consent_bound_t *bound) WUR;

/* The first approval of version copy_seq, by someone other than its redactor:
 * STORE_CONFLICT when that version is no longer current, is approved already, is
 * published, or actor redacted it. */
int store_testimony_approve(store_t *st, const uint8_t id[16], const uint8_t actor[16], uint32_t copy_seq) WUR;

/* Publishes s (its testimony, copy_seq and published_by set) only if, at this moment, that
 * version is current and approved by someone else than both its redactor and the
 * publisher, and the latest consent record is consent_seq: STORE_CONFLICT otherwise. */
int store_story_publish(store_t *st, const store_story_t *s, uint32_t consent_seq) WUR;
/* Takes a testimony's story down (deleted; slug gets its folder under DIR/media, which
 * the caller removes): STORE_NOT_FOUND when none is published. */
int store_story_takedown(store_t *st, const uint8_t testimony[16], char slug[STORE_STORY_SLUG_MAX + 1]) WUR;
int store_story_takedown_slug(store_t *st, const char *slug) WUR;
/* Stories whose consent ran out by hour, still there (the caller removes each one's
 * files, then its row with store_story_takedown_slug); the testimonies they came from
 * in ids (at most max, *n of them). */
int store_stories_expire(store_t *st, int64_t hour, uint8_t (*ids)[16], char (*slugs)[STORE_STORY_SLUG_MAX + 1],
    size_t max, size_t *n) WUR;

/* ---- its video ---- */
/* The original video, sealed (att, one message of the case with items), stored with
 * what its redaction hides, and the redaction's job queued; any first approval voided.
 * STORE_CONFLICT when it has a video already, or is published. */
int store_testimony_media_add(store_t *st, const uint8_t id[16], const store_item_t *items, size_t nitems,
    const store_attachment_t *att, const uint8_t *redact, size_t redact_len, int64_t hour, const uint8_t by[16]) WUR;
/* Redacts it again with other settings: waiting, job queued, approval voided.
 * STORE_CONFLICT while it is being redacted, without an original, or published. */
int store_testimony_media_redo(store_t *st, const uint8_t id[16], const uint8_t *redact, size_t redact_len,
    int64_t hour, const uint8_t by[16]) WUR;
/* From state from to state to; STORE_CONFLICT when it is no longer in from. */
int store_testimony_media_move(store_t *st, const uint8_t id[16], int from, int to) WUR;
/* The redaction is made, in one transaction: video and poster stored as the case's files,
 * the ones they replace deleted (their ids to old[0..*nold): the caller deletes the
 * blobs), done, approval voided, job gone. STORE_CONFLICT when it is not running. */
int store_testimony_media_done(store_t *st, const uint8_t id[16], const store_attachment_t *video,
    const store_attachment_t *poster, uint8_t old[2][16], size_t *nold) WUR;
int store_testimony_media_refused(store_t *st, const uint8_t id[16], const char *reason) WUR;
/* Testimonies last active before hour (at most max: ids and their shred.kf slots). */
int store_testimonies_expired(store_t *st, int64_t before_hour, uint8_t (*ids)[16], uint32_t *slots, size_t max,
    size_t *n) WUR;
/* Testimonies whose Owl's account was revoked (at most max), and one made hers no more. */
int store_testimonies_owl_revoked(store_t *st, uint8_t (*ids)[16], size_t max, size_t *n) WUR;
int store_testimony_owl_clear(store_t *st, const uint8_t id[16]) WUR;
/* At start: redactions left running by a stop go back to waiting. */
int store_testimonies_requeue(store_t *st, size_t *n) WUR;

/* Published stories still within their consent at hour, newest first. */
int store_stories_public(store_t *st, int64_t hour, size_t offset, size_t limit,
    int (*fn)(void *ctx, const store_story_t *s), void *ctx, size_t *total) WUR;
int store_story_by_slug(store_t *st, const char *slug, int64_t hour, store_story_t *out) WUR;
/* Every published story, testimony or not (for editors taking one down). */
int store_stories_all(store_t *st, size_t offset, size_t limit, int (*fn)(void *ctx, const store_story_t *s),
    void *ctx, size_t *total) WUR;

#endif
