/* subtitles_private: what subtitles.c (versions) and subtasks.c (tasks and steps) share:
 * the way into an appeal for subtitle work, and loading, checking and sealing versions.
 * Private to those two files; holds an opened case (access.h). */
#ifndef SAVA_SUBTITLES_PRIVATE_H
#define SAVA_SUBTITLES_PRIVATE_H

#include "domain/access.h"
#include "domain/subtitles.h"
#include "store/appeals.h"

/* An appeal opened for subtitle work by s. */
struct subs_open {
	struct access *a;
	store_appeal_t ap;
};
/* SUBS_NOT_FOUND unless s may do subtitle work and the appeal has its clean video and
 * lang is its spoken language or one of [subtitles] targets (lang NULL: not checked). */
subs_status_t subs_open(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    struct subs_open *o) WUR;
void subs_close(struct subs_open *o);
bool subs_is_editor(const staff_t *s);
/* The step of the work for lang: transcribe (the spoken language) or translate. */
int subs_work_step(const store_appeal_t *ap, const char *lang);
/* Someone other than s holds the task now. */
bool subs_taken_by_other(const store_subtask_t *t, const staff_t *s);
/* The appeal's tasks, made when they do not exist yet. */
int subs_tasks_ensure(const app_t *app, const store_appeal_t *ap);

/* Version version (0: newest; state >= 0: the newest in that state) into doc (which
 * the caller inits and frees), its next cid and its row (ciphertext not kept). */
subs_status_t subs_load(const app_t *app, struct access *a, const uint8_t appeal[16], const char *lang,
    uint32_t version, int state, sub_doc_t *doc, uint32_t *next, store_subver_t *meta) WUR;
/* For a translation: the source cues its times come from (the newest approved
 * transcription, else the newest); empty when there is none. */
subs_status_t subs_load_source(const app_t *app, struct access *a, const store_appeal_t *ap, sub_doc_t *src) WUR;
/* The problems of each cue (problems: ncues of them, or NULL), and counts. */
void subs_check(const app_t *app, const char *lang, const sub_doc_t *d, unsigned *problems, size_t *errors,
    size_t *warnings);
/* Seals doc as version: replaces draft `replace` (0: a new version). */
subs_status_t subs_save(const app_t *app, const staff_t *s, struct access *a, const uint8_t appeal[16],
    const char *lang, const sub_doc_t *doc, uint32_t next, uint32_t replace, uint32_t *version) WUR;
/* The newest approved version of lang as WebVTT (a translation timed by its source). */
subs_status_t subs_approved_vtt(const app_t *app, struct access *a, const store_appeal_t *ap, const char *lang,
    buf_t *out) WUR;
/* The approved lang of a published appeal written to media/<slug>/<lang>.vtt. */
int subs_publish_lang(const app_t *app, struct access *a, const store_appeal_t *ap, const char *lang);
/* ---- captions burned in (subburn.c) ---- */
/* lang is burned in (ru, be). */
bool subs_burn_lang(const char *lang);
/* The public file of lang's render: SUBS_BURN_WIDE, _TALL or _TEXT ("ru-16x9.mp4"). */
void subs_burn_name(const char *lang, int shape, char out[SUBS_BURN_NAME_BYTES]);
/* The cues' words, one cue a line, without markup: the text for the post. 0 or -1. */
int subs_captions_text(sv_t vtt, buf_t *out) WUR;
/* The render of lang's newest approved version queued (a language not burned in, or
 * none approved: nothing to do, 0), the older render's files deleted. 0 or -1. */
int subs_burn_queue(const app_t *app, struct access *a, const store_appeal_t *ap, const char *lang);
/* After lang was approved: its render, or every render when it is the transcription. */
int subs_burn_after_approval(const app_t *app, struct access *a, const store_appeal_t *ap, const char *lang);
/* ---- the cue editor's timing aids (subaids.c) ---- */
/* Its waveform and pauses wanted, queued with a's keys when they are waiting; their
 * state (STORE_BURN_*), or -1. */
int subs_aids_ensure(const app_t *app, struct access *a, const store_appeal_t *ap);
void subs_handle(const app_t *app, bool has, const uint8_t id[16], char out[33]);

#endif
