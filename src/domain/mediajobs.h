/* mediajobs: the appeals' cleaning, in the background. What is to be done is durable (the
 * store's media_jobs, one row per appeal); the keys to do it live only in this queue's
 * memory (case_file_keys_t), handed over by whoever held them: the upload itself, an
 * editor's page after a restart (appeals_list), or `sava appeal add`. A job decrypts the
 * original into the media worker's sandbox (src/media), seals the clean video and poster
 * it gives back to the same holders, and then shreds the original. The same queue runs a
 * testimony's redaction, and for subtitles (issue 12) the captions burned in, the cue
 * editor's timing aids and a machine transcription, each durable as its own row
 * (store/subtitles.h: sub_burns, sub_aids). Private to the domain. */
#ifndef SAVA_MEDIAJOBS_H
#define SAVA_MEDIAJOBS_H

#include "domain/app.h"
#include "media/media.h"
#include "vault/case.h"

/* Queues the cleaning of appeal id, with the keys that read its original and seal its
 * outputs (taken over: freed by the queue, also on failure). poster_at: the poster's
 * second. False when it is queued already or the queue is full (the keys are freed; an
 * editor's page queues it again later). */
bool mediajobs_enqueue(const app_t *app, const uint8_t id[16], case_file_keys_t *keys, uint32_t poster_at);
/* The same for a testimony's video (issue 14): its redacted copy made with r (copied). */
bool mediajobs_enqueue_redact(const app_t *app, const uint8_t id[16], case_file_keys_t *keys, const media_redact_t *r);
/* The same for a drop file's cleaned copy (issue 14): id is the file's attachment id. */
bool mediajobs_enqueue_doc(const app_t *app, const uint8_t id[16], case_file_keys_t *keys);
/* Captions burned into appeal's clean video (keys: those that read it), for lang's
 * approved WebVTT vtt (copied), as render run of its sub_burns row. A waiting render of
 * the same language is replaced, a running one stopped. False when the queue is full. */
bool mediajobs_enqueue_burn(const app_t *app, const uint8_t appeal[16], const char *lang, const uint8_t run[16],
    case_file_keys_t *keys, sv_t vtt);
/* Whether render run of appeal's lang is in the queue (or running) now. */
bool mediajobs_burn_queued(const uint8_t appeal[16], const char *lang, const uint8_t run[16]);
/* The cue editor's timing aids of appeal's clean video (keys: those that read it). */
bool mediajobs_enqueue_aids(const app_t *app, const uint8_t appeal[16], case_file_keys_t *keys);
bool mediajobs_aids_queued(const uint8_t appeal[16]);
/* A machine transcription of appeal's clean video ([subtitles] transcribe_cmd). */
bool mediajobs_enqueue_transcribe(const app_t *app, const uint8_t appeal[16], case_file_keys_t *keys);
/* Appeal id was withdrawn: its job, queued or running, stops (its sandbox is killed at
 * the next read or write) and keeps nothing. */
void mediajobs_cancel(const uint8_t id[16]);
/* Whether appeal id is in the queue (or being cleaned) now (a burn not counted). */
bool mediajobs_queued(const uint8_t id[16]);
/* The daemon's workers ([media] jobs of them); stop waits for the running jobs' ends. */
int mediajobs_start(const app_t *app) WUR;
void mediajobs_stop(void);
/* Without the daemon (`sava appeal add`): runs every queued job in this thread. The
 * number that failed. */
size_t mediajobs_run_here(const app_t *app);
/* Why the last job that could not run failed (the sandbox, a limit), for the editors'
 * page: a msgid (i18n it), never file content; empty when none did. */
#define MEDIA_REASON_BYTES_OUT 160
void mediajobs_last_error(char out[MEDIA_REASON_BYTES_OUT]);

#endif
