/* subaids: the cue editor's timing aids (issue 12), made by the media worker once per
 * clean video (subaids_job.c): the sound's waveform, shown under the cues of the page, and
 * the pauses, from which a first draft of the transcription's cues can be made. Both are
 * sealed files of the appeal's case, opened only through the subtitle pages' own way in:
 * a staff-only appeal never leaks through them. */
#include "domain/subtitles_private.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/mediajobs.h"
#include "domain/view.h"
#include "media/ffargs.h"
#include "parse/silence.h"
#include "parse/webvtt.h"
#include "store/blobs.h"

#define AIDS_CUE_MAX_MS  7000     /* a cue made from a pause is split to this at most */
#define AIDS_CUE_MIN_MS  300      /* speech shorter than this between pauses: none */
#define AIDS_PAUSES_READ 4000
_Static_assert(SUBS_WAVE_W == FFARGS_WAVE_W && SUBS_WAVE_H == FFARGS_WAVE_H, "the page draws on the picture's size");

int
subs_aids_ensure(const app_t *app, struct access *a, const store_appeal_t *ap)
{
	store_subaids_t x;
	store_attachment_t at;
	case_file_keys_t *keys = NULL;
	int rc = store_subaids_get(app->store, ap->id, &x);
	if (rc == STORE_NOT_FOUND && store_subaids_want(app->store, ap->id, clock_hour()) == STORE_OK)
		rc = store_subaids_get(app->store, ap->id, &x);
	if (rc != STORE_OK)
		return -1;
	if (x.state != STORE_BURN_WAITING || mediajobs_aids_queued(ap->id))
		return x.state;
	/* waiting, and not in the queue (new, or after a restart): queued with her keys */
	if (!ap->has_clean || store_attachment_get(app->store, ap->clean, &at) != STORE_OK || !access_keys(app, a) ||
	    case_file_keys_new(access_keys(app, a), at.id, at.fk_wrap, &keys) != VAULT_OK ||
	    !mediajobs_enqueue_aids(app, ap->id, keys))
		log_warnx("the cue editor's waveform could not be queued; the editor's page tries again");
	return x.state;
}

/* A sealed file of the aids, decrypted whole into out (within the files' budget). */
static subs_status_t
aids_file(const app_t *app, struct access *a, const staff_t *s, const uint8_t appeal[16], bool wave, sv_t range,
    case_file_out_t *out)
{
	store_subaids_t x;
	store_attachment_t at;
	if (store_subaids_get(app->store, appeal, &x) != STORE_OK || x.state != STORE_BURN_DONE || !x.has_files ||
	    store_attachment_get(app->store, wave ? x.wave : x.pauses, &at) != STORE_OK)
		return SUBS_NOT_FOUND;
	intake_status_t is = view_file_part(app, a, &at, range, s->acct.id, out);
	return is == INTAKE_OK ? SUBS_OK : is == INTAKE_BUSY ? SUBS_BUSY : is == INTAKE_NOT_FOUND ? SUBS_NOT_FOUND : SUBS_ERROR;
}

subs_status_t
subtitles_waveform(const app_t *app, const staff_t *s, const uint8_t appeal[16], case_file_out_t *out)
{
	struct subs_open o;
	memset(out, 0, sizeof(*out));
	subs_status_t st = subs_open(app, s, appeal, NULL, &o);
	if (st == SUBS_OK)
		st = aids_file(app, o.a, s, appeal, true, SV_NULL, out);
	subs_close(&o);
	return st;
}

/* Speech from..to as cues of at most AIDS_CUE_MAX_MS, in equal parts. */
static int
aids_speech(sub_doc_t *d, uint32_t from, uint32_t to)
{
	if (to <= from || to - from < AIDS_CUE_MIN_MS)
		return 0;
	uint32_t len = to - from, parts = (len + AIDS_CUE_MAX_MS - 1) / AIDS_CUE_MAX_MS;
	for (uint32_t i = 0; i < parts; i++) {
		uint32_t a = from + (uint32_t)((uint64_t)len * i / parts), b = from + (uint32_t)((uint64_t)len * (i + 1) / parts);
		if (sub_doc_add(d, a, b, SV_NULL, SV_NULL, SV("")) != SUB_OK)
			return -1;
	}
	return 0;
}

/* Cues for the stretches of sound between the pauses p (ordered), up to duration_ms. */
static int
subs_cues_from_pauses(const silence_t *p, size_t n, uint32_t duration_ms, sub_doc_t *out)
{
	uint32_t at = 0;
	for (size_t i = 0; i < n && at < duration_ms; i++) {
		uint32_t start = p[i].start_ms < duration_ms ? p[i].start_ms : duration_ms;
		if (aids_speech(out, at, start) != 0)
			return -1;
		at = p[i].end_ms;
	}
	/* the duration is whole seconds, rounded up: up to 999 ms past the last pause may be
	 * no sound at all, so the last stretch counts only from a second on */
	return at + 1000 <= duration_ms ? aids_speech(out, at, duration_ms) : 0;
}

subs_status_t
subtitles_from_pauses(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    subs_import_t *res)
{
	silence_t *pauses = calloc(AIDS_PAUSES_READ, sizeof(*pauses));   /* request threads: never static */
	struct subs_open o;
	case_file_out_t f;
	sub_doc_t doc, cur;
	buf_t vtt;
	uint32_t next;
	size_t n = 0;
	memset(&o, 0, sizeof(o));
	memset(&f, 0, sizeof(f));
	memset(res, 0, sizeof(*res));
	sub_doc_init(&doc);
	sub_doc_init(&cur);
	buf_init(&vtt, MEDIA_CAPTIONS_MAX);
	subs_status_t st = pauses ? subs_open(app, s, appeal, lang, &o) : SUBS_ERROR;
	/* the transcription's first draft only: never over cues someone wrote */
	if (st == SUBS_OK && strcmp(lang, o.ap.language) != 0)
		st = SUBS_STEP;
	if (st == SUBS_OK) {
		subs_status_t had = subs_load(app, o.a, appeal, lang, 0, -1, &cur, &next, NULL);
		st = had == SUBS_NOT_FOUND || (had == SUBS_OK && cur.ncues == 0) ? SUBS_OK : had == SUBS_OK ? SUBS_STEP : had;
	}
	if (st == SUBS_OK)
		st = aids_file(app, o.a, s, appeal, false, SV_NULL, &f);
	if (st == SUBS_OK && silence_parse(buf_sv(&f.data), pauses, AIDS_PAUSES_READ, &n) != 0)
		st = SUBS_ERROR;
	if (st == SUBS_OK && (subs_cues_from_pauses(pauses, n, o.ap.duration * 1000, &doc) != 0 ||
	                         webvtt_write(&doc, &vtt) != 0))
		st = SUBS_TOO_LARGE;
	subs_close(&o);
	buf_free(&f.data);
	intake_file_release(f.reserved);
	/* as an import: the same rules of who may change what, a version, an audit entry */
	if (st == SUBS_OK)
		st = subtitles_import(app, s, appeal, lang, buf_sv(&vtt), SUBS_VTT, 0, res);
	buf_free(&vtt);
	sub_doc_free(&doc);
	sub_doc_free(&cur);
	free(pauses);
	return st;
}

/* ---- a machine transcription ([subtitles] transcribe_cmd) ---- */

/* She may change lang now: an editor while nobody else holds its task, or the task's
 * holder (the rule of every change, subedit.c). */
static bool
aids_may_change(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang)
{
	store_subtask_t t;
	if (store_subtask_of(app->store, appeal, lang, &t) != STORE_OK || t.kind == STORE_SUBTASK_REVIEW ||
	    t.kind == STORE_SUBTASK_APPROVE || subs_taken_by_other(&t, s))
		return false;
	return subs_is_editor(s) || (t.has_claimant && t.claimed_until > clock_hour() &&
	                                sodium_memcmp(t.claimant, s->acct.id, 16) == 0);
}

subs_status_t
subtitles_transcribe(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang)
{
	struct subs_open o;
	store_attachment_t at;
	case_file_keys_t *keys = NULL;
	subs_status_t st = subs_open(app, s, appeal, lang, &o);
	if (st == SUBS_OK && (!app->config.sub_transcribe_cmd[0] || strcmp(lang, o.ap.language) != 0 ||
	                         !aids_may_change(app, s, appeal, lang)))
		st = SUBS_STEP;
	if (st == SUBS_OK && (store_subaids_want(app->store, appeal, clock_hour()) != STORE_OK ||
	                         store_attachment_get(app->store, o.ap.clean, &at) != STORE_OK || !access_keys(app, o.a)))
		st = SUBS_ERROR;
	if (st == SUBS_OK) {
		int rc = store_subaids_transcribe(app->store, appeal);
		st = rc == STORE_OK ? SUBS_OK : rc == STORE_CONFLICT ? SUBS_STEP : SUBS_ERROR;
	}
	if (st == SUBS_OK && (case_file_keys_new(access_keys(app, o.a), at.id, at.fk_wrap, &keys) != VAULT_OK ||
	                         !mediajobs_enqueue_transcribe(app, appeal, keys))) {
		if (store_subaids_transcribed(app->store, appeal, NULL) != STORE_OK)
			log_warnx("a machine transcription that could not be queued could not be marked failed");
		st = SUBS_BUSY;
	}
	if (st == SUBS_OK)
		audit_case(app, o.a, s->acct.id, AUDIT_SUB_TRANSCRIBE);
	subs_close(&o);
	return st;
}

subs_status_t
subtitles_transcript_use(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    subs_import_t *res)
{
	struct subs_open o;
	store_subaids_t x;
	store_attachment_t at;
	case_file_out_t f;
	uint8_t id[16];
	memset(&f, 0, sizeof(f));
	memset(res, 0, sizeof(*res));
	subs_status_t st = subs_open(app, s, appeal, lang, &o);
	if (st == SUBS_OK && (strcmp(lang, o.ap.language) != 0 || store_subaids_get(app->store, appeal, &x) != STORE_OK ||
	                         !x.has_transcript || store_attachment_get(app->store, x.transcript, &at) != STORE_OK))
		st = SUBS_NOT_FOUND;
	if (st == SUBS_OK) {
		intake_status_t is = view_file_part(app, o.a, &at, SV_NULL, s->acct.id, &f);
		st = is == INTAKE_OK ? SUBS_OK : is == INTAKE_BUSY ? SUBS_BUSY : SUBS_ERROR;
	}
	subs_close(&o);
	/* as an import: her draft, by the rules of every change */
	if (st == SUBS_OK)
		st = subtitles_import(app, s, appeal, lang, buf_sv(&f.data), SUBS_VTT, 0, res);
	buf_free(&f.data);
	intake_file_release(f.reserved);
	if (st == SUBS_OK && store_subaids_transcript_take(app->store, appeal, id) == STORE_OK &&
	    store_blob_unlink(app->store, id) != STORE_OK)
		log_warnx("a used machine transcription's file could not be deleted; the next start deletes it");
	return st;
}
