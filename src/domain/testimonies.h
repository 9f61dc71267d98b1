/* testimonies: true stories of men who got out (issue 14). A testimony is a case at
 * STAGE_TESTIMONY sealed to the `testimonies` group key (editors and coordinators) and,
 * when it came from a request, to that request's Owl: its original text, staff notes,
 * each version of its consent record and each version of its redacted copy are items of
 * that case. The published story is a separate object, in the clear because it is
 * public: written only when the consent holds for text on the site, no struck name or
 * place is in the copy, and two people other than its redactor approved that very
 * version. A withdrawal of consent takes it down in the same transaction. */
#ifndef SAVA_TESTIMONIES_H
#define SAVA_TESTIMONIES_H

#include "core/lang.h"
#include "domain/app.h"
#include "domain/domain.h"
#include "domain/testimony_rules.h"
#include "domain/upload.h"
#include "domain/view.h"
#include "store/testimonies.h"

enum { TESTIMONY_ENTERED = 1, TESTIMONY_FROM_REQUEST = 2 };
#define TESTIMONY_TEXT_MAX_CHARS 20000    /* the original, and the copy's text */
#define TESTIMONY_TITLE_MAX_CHARS 200
#define TESTIMONY_STRIKE_MAX_CHARS 4000   /* the strike list */
#define TESTIMONY_NOTE_MAX_CHARS 5000
#define TESTIMONY_PICK_MAX 32             /* messages of a request copied into one testimony */
#define TESTIMONIES_PAGE 20
#define STORIES_PAGE 10

/* The testimonies' key exists (the first editor's or coordinator's login made it). */
bool testimonies_open(const app_t *app);
/* She holds the testimonies' key: she sees the list, approves and takes stories down. */
bool testimonies_allowed(const app_t *app, const staff_t *s);

/* ---- making one (Argon2id in case_create: on the worker pool) ---- */
/* An editor enters one: language a code of casework_languages, text its original. */
intake_status_t testimony_enter(const app_t *app, const staff_t *s, sv_t language, sv_t text, uint8_t id[16]) WUR;
/* A coordinator, or the request's Owl, after the man agreed: the requester's messages
 * numbered seqs (at most TESTIMONY_PICK_MAX) copied into a new testimony, sealed to the
 * testimonies' key and to the request's Owl. INTAKE_INVALID when none is picked or he did
 * not agree; INTAKE_NOT_FOUND when she may not. */
intake_status_t testimony_from_request(const app_t *app, const staff_t *s, const uint8_t case_id[16],
    const uint32_t *seqs, size_t nseqs, bool agreed, uint8_t id[16]) WUR;
/* Whether she may make a testimony from this request (for its page's button): a
 * coordinator, or its Owl, while the testimonies' key exists. */
bool testimony_may_make(const app_t *app, const staff_t *s, const uint8_t case_id[16]);

/* ---- the staff's list ---- */
typedef struct {
	uint8_t id[16];
	char language[4];
	int64_t created_hour;
	bool published, has_copy, approved;
} testimony_row_t;
/* Every testimony for a holder of the key; an Owl's own for an Owl. */
intake_status_t testimonies_list(const app_t *app, const staff_t *s, size_t offset, testimony_row_t rows[TESTIMONIES_PAGE],
    size_t *n, size_t *total) WUR;

/* ---- one testimony, as its reader may see it ---- */
typedef struct {
	char author[STORE_HANDLE_MAX + 1];
	int64_t hour;
	buf_t text;
} testimony_note_t;
typedef struct {
	consent_t c;
	char by[STORE_HANDLE_MAX + 1];
	int64_t hour;
} testimony_consent_t;
#define TESTIMONY_NOTES_MAX 200
#define TESTIMONY_CONSENTS_MAX 100
typedef struct testimony_view {
	uint8_t id[16];
	char language[4];
	int64_t created_hour;
	buf_t original, origin;
	int origin_kind;                  /* TESTIMONY_ENTERED or _FROM_REQUEST (0: unknown) */
	char origin_by[STORE_HANDLE_MAX + 1];   /* who made it */
	testimony_note_t *notes;
	size_t nnotes;
	testimony_consent_t *consents;    /* oldest first; the last one holds */
	size_t nconsents;
	bool consent_now;                 /* the last allows its text on the site today */
	buf_t title, text, strike;        /* the current version of the copy (empty: none yet) */
	uint32_t copy_seq;
	char redacted_by[STORE_HANDLE_MAX + 1], approved_by[STORE_HANDLE_MAX + 1];
	bool redacted_by_me, approved_by_me;
	char struck[STORE_STORY_TITLE_MAX + 1];   /* a struck line found in the copy, if any */
	char slug[STORE_STORY_SLUG_MAX + 1];       /* its story, while published */
	int64_t until_hour;
	int media_state;                  /* STORE_TMEDIA_*: its video */
	char media_refusal[160];          /* why it was refused (a msgid) */
	media_redact_t redact;            /* what its copy hides (or is to hide) */
	bool editor, coordinator, owl;    /* what the reader is to it */
	bool incomplete;                  /* something did not open */
} testimony_view_t;
intake_status_t testimony_view(const app_t *app, const staff_t *s, const uint8_t id[16], testimony_view_t *out) WUR;
void testimony_view_free(testimony_view_t *v);

/* ---- actions; each audited ---- */
intake_status_t testimony_note(const app_t *app, const staff_t *s, const uint8_t id[16], sv_t text) WUR;
/* A new version of the consent record, by the Owl or a coordinator: what (CONSENT_*
 * scope), where, given on given_day, for days (0: [testimonies] consent_days), how.
 * INTAKE_INVALID for a day in the future or out of range. When the new record no longer
 * allows the published text on the site, the story goes down in the same transaction. */
intake_status_t testimony_consent(const app_t *app, const staff_t *s, const uint8_t id[16], uint8_t what,
    uint8_t where, uint32_t given_day, unsigned days, sv_t how) WUR;
/* Withdrawn, at once, by the Owl or a coordinator: the story goes down with it. */
intake_status_t testimony_withdraw(const app_t *app, const staff_t *s, const uint8_t id[16], sv_t how) WUR;
/* A new version of the copy, by an editor: any approval of the last one is void. */
intake_status_t testimony_copy(const app_t *app, const staff_t *s, const uint8_t id[16], sv_t title, sv_t text,
    sv_t strike) WUR;
/* The first approval of version copy_seq (the one she read): not by its redactor. */
intake_status_t testimony_approve(const app_t *app, const staff_t *s, const uint8_t id[16], uint32_t copy_seq) WUR;
/* The second approval, which publishes version copy_seq: not by its redactor nor by the
 * first approver, with consent valid now for its text on the site, and no struck line in
 * it. Distinct answers for the page: */
typedef enum {
	PUBLISH_OK = 0,
	PUBLISH_NOT_FOUND,
	PUBLISH_NO_CONSENT,     /* none, withdrawn, run out, or not for text on the site */
	PUBLISH_STRUCK,         /* a struck name or place is in the copy */
	PUBLISH_TWO_PEOPLE,     /* not approved by someone else first, or she redacted it */
	PUBLISH_STALE,          /* the copy or the consent changed since she read it */
	PUBLISH_MEDIA_BUSY,     /* its video's redaction is not made yet */
	PUBLISH_NO_MEDIA_CONSENT,   /* with its video: no consent for his voice (or his face,
	                             * unless a card replaced the picture) */
	PUBLISH_ERROR,
} publish_status_t;
publish_status_t testimony_publish(const app_t *app, const staff_t *s, const uint8_t id[16], uint32_t copy_seq) WUR;
/* Any holder of the key takes its story down at once. */
intake_status_t testimony_takedown(const app_t *app, const staff_t *s, const uint8_t id[16]) WUR;
/* Shreds the original (an editor or coordinator holding the key); its story stays up
 * unless story_too. */
intake_status_t testimony_shred(const app_t *app, const staff_t *s, const uint8_t id[16], bool story_too) WUR;

/* ---- its video (an editor's): the original sealed, a redacted copy made by the media
 * worker (voice shifted, boxes or a card), shown to staff, published with the story ---- */
upload_t *testimony_upload_new(const app_t *app);
/* The original video, with what its copy hides: INTAKE_INVALID when it has one already, is
 * published, or r is not valid. Its redaction is queued with this editor's keys. */
intake_status_t testimony_media_add(const app_t *app, const staff_t *s, const uint8_t id[16], upload_t *u,
    const media_redact_t *r) WUR;
/* Made again with other settings (INTAKE_INVALID while one is being made). */
intake_status_t testimony_media_redo(const app_t *app, const staff_t *s, const uint8_t id[16],
    const media_redact_t *r) WUR;
/* The redacted video (which 0) or poster (1), decrypted for staff's preview. */
intake_status_t testimony_media_file(const app_t *app, const staff_t *s, const uint8_t id[16], int which,
    case_file_out_t *out) WUR;
/* What publishing its video needs consent for: voice, and face unless a card hides it. */
uint8_t testimony_media_needs(const store_testimony_t *t);

/* ---- stories ---- */
typedef struct {
	char slug[STORE_STORY_SLUG_MAX + 1];
	char language[4];
	buf_t title, body;
	int64_t published_hour;
	bool has_testimony, has_media;    /* has_media: /media/<slug>/video.mp4 and poster.jpg */
	uint8_t testimony[16];
} story_t;
void story_free(story_t *s);
/* The public list (within consent now), newest first. rows are freed with story_free. */
intake_status_t stories_public(const app_t *app, size_t offset, story_t rows[STORIES_PAGE], size_t *n, size_t *total) WUR;
intake_status_t story_public(const app_t *app, const char *slug, story_t *out) WUR;
/* For holders of the key: every published story (those whose original was shredded too). */
intake_status_t stories_all(const app_t *app, const staff_t *s, size_t offset, story_t rows[STORIES_PAGE], size_t *n,
    size_t *total) WUR;
intake_status_t story_takedown(const app_t *app, const staff_t *s, const char *slug) WUR;
/* The hourly purge: stories whose consent ran out go down (audited); how many. */
size_t stories_expire(const app_t *app);

#endif
