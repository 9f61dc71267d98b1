/* subaids_job: the media jobs that help the cue editor (mediajobs_private.h): a machine
 * transcription when the operator set one up (below), and the timing aids once per clean
 * video: the clean video, decrypted as it is read, goes into the sandbox
 * (media_aids); the waveform picture is sealed to the appeal's holders as it comes back,
 * and silencedetect's report is read here by the pure parser (parse/silence.h) and sealed
 * in its own plain form. Nothing in the clear reaches the disk. */
#include "domain/mediajobs_private.h"

#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "parse/silence.h"
#include "parse/webvtt.h"
#include "store/appeals.h"
#include "store/subtitles.h"

#define AIDS_PAUSES_KEPT 4000

struct aids_io {
	const app_t *app;
	struct job *job;
	struct input in;
	struct output out[2];       /* waveform.jpg, pauses.txt */
	buf_t report;               /* silencedetect's words, at most MEDIA_PAUSES_MAX */
};

static int
aids_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct aids_io *x = ctx;
	*got = 0;
	if (atomic_load(&x->job->cancelled))
		return -1;
	return mediajobs_in_read(&x->in, buf, cap, got);
}

static int
aids_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	struct aids_io *x = ctx;
	if (atomic_load(&x->job->cancelled))
		return -1;
	if (which == MEDIA_OUT_PAUSES)
		return buf_append(&x->report, p, n) == 0 ? 0 : -1;
	if (which != MEDIA_OUT_WAVE)
		return -1;
	return mediajobs_out_write(x->app, &x->out[0], "waveform.jpg", "image/jpeg", p, n);
}

/* The report read and sealed as the second output. 0 or -1. */
static int
aids_pauses(struct aids_io *x)
{
	silence_t *pauses = calloc(AIDS_PAUSES_KEPT, sizeof(*pauses));   /* two workers: never static */
	size_t n = 0;
	buf_t plain;
	buf_init(&plain, MEDIA_PAUSES_MAX);
	int rc = pauses && silence_parse(buf_sv(&x->report), pauses, AIDS_PAUSES_KEPT, &n) == 0 &&
	        silence_write(pauses, n, &plain) == 0 &&
	        mediajobs_out_write(x->app, &x->out[1], "pauses.txt", "text/plain", (const uint8_t *)plain.data, plain.len) == 0
	    ? 0
	    : -1;
	buf_free(&plain);
	free(pauses);
	return rc;
}

void
mediajobs_aids_run(const app_t *app, struct job *j)
{
	store_appeal_t ap;
	struct aids_io x;
	media_aids_t ma;
	media_aids_result_t res;
	memset(&x, 0, sizeof(x));
	memset(&ma, 0, sizeof(ma));
	x.app = app;
	x.job = j;
	buf_init(&x.report, MEDIA_PAUSES_MAX);
	if (atomic_load(&j->cancelled) || store_appeal_get(app->store, j->id, &ap) != STORE_OK || !ap.has_clean ||
	    ap.state == STORE_APPEAL_WITHDRAWN || store_subaids_start(app->store, j->id) != STORE_OK) {
		buf_free(&x.report);
		return;
	}
	media_limits_default(&ma.ma_limits);
	ma.ma_limits.ml_no_sandbox = app->config.media_no_sandbox;
	if (ma.ma_limits.ml_file_bytes < ((uint64_t)app->config.appeal_max_mb << 20) + (64u << 20))
		ma.ma_limits.ml_file_bytes = ((uint64_t)app->config.appeal_max_mb << 20) + (64u << 20);
	media_status_t st = MEDIA_ERROR;
	if (mediajobs_in_open(app, j->keys, ap.clean, &x.in) == 0) {
		media_io_t io = { &x, aids_read, aids_write };
		st = media_aids(&ma, &io, &res);
	}
	mediajobs_in_close(&x.in);
	store_attachment_t att[2];
	if (st == MEDIA_OK && aids_pauses(&x) == 0 && mediajobs_outs_finish(app, x.out, 2, j->keys, att, j->id) == 0 &&
	    store_subaids_done(app->store, j->id, &att[0], &att[1], clock_hour()) == STORE_OK) {
		mediajobs_outs_keep(x.out, 2);
	} else {
		if (st != MEDIA_OK)
			log_warnx("the cue editor's waveform could not be made: %s", res.ma_reason[0] ? res.ma_reason : "failed");
		if (store_subaids_failed(app->store, j->id) != STORE_OK)
			log_warnx("a failed waveform job could not be marked so");
	}
	mediajobs_outs_drop(app, x.out, 2);
	buf_free(&x.report);
}

/* ---- a machine transcription ([subtitles] transcribe_cmd) ---- */

struct tr_io {
	const app_t *app;
	struct job *job;
	struct input in;
	buf_t vtt;                  /* what the command wrote, at most MEDIA_CAPTIONS_MAX */
};

static int
tr_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct tr_io *x = ctx;
	*got = 0;
	if (atomic_load(&x->job->cancelled))
		return -1;
	return mediajobs_in_read(&x->in, buf, cap, got);
}

static int
tr_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	struct tr_io *x = ctx;
	if (atomic_load(&x->job->cancelled) || which != MEDIA_OUT_PAUSES)
		return -1;
	return buf_append(&x->vtt, p, n) == 0 ? 0 : -1;
}

/* The command's output kept (sealed) only when it reads as WebVTT with cues. */
static int
tr_keep(const app_t *app, struct tr_io *x, struct output *o, store_attachment_t *att)
{
	sub_doc_t doc;
	size_t line = 0;
	sub_doc_init(&doc);
	int rc = webvtt_parse(buf_sv(&x->vtt), &doc, &line) == SUB_OK && doc.ncues > 0 ? 0 : -1;
	sub_doc_free(&doc);
	if (rc != 0) {
		log_warnx("the transcriber's output is not a WebVTT file with cues (line %zu)", line);
		return -1;
	}
	if (mediajobs_out_write(app, o, "transcript.vtt", "text/vtt", (const uint8_t *)x->vtt.data, x->vtt.len) != 0 ||
	    mediajobs_outs_finish(app, o, 1, x->job->keys, att, x->job->id) != 0)
		return -1;
	return 0;
}

/* The transcriber's folder is bound into the sandbox, readable: it must be its own,
 * never a system folder (all of /etc), a home, nor the instance's folder or one holding
 * it (its keys). Resolved first, so a link cannot point elsewhere. */
static bool
tr_dir_ok(const app_t *app, const char *dir)
{
	/* nothing under these; these others themselves (/home/op/whisper is its own) */
	static const char *const under[] = { "/etc", "/proc", "/sys", "/dev", "/root", "/boot", "/run", "/job", NULL };
	static const char *const itself[] = { "/home", "/var", "/var/lib", "/tmp", "/srv", "/mnt", "/media", "/opt", "/usr",
		"/usr/bin", "/usr/local", "/usr/local/bin", NULL };
	char real[PATH_MAX], inst[PATH_MAX];
	if (!realpath(dir, real) || strcmp(real, "/") == 0 || !realpath(app->dir, inst))
		return false;
	size_t rl = strlen(real), il = strlen(inst);
	for (size_t i = 0; under[i]; i++) {
		size_t n = strlen(under[i]);
		if (strncmp(real, under[i], n) == 0 && (real[n] == '\0' || real[n] == '/'))
			return false;
	}
	for (size_t i = 0; itself[i]; i++)
		if (strcmp(real, itself[i]) == 0)
			return false;
	/* the instance inside it, or it inside the instance */
	if (strncmp(inst, real, rl) == 0 && (inst[rl] == '\0' || inst[rl] == '/'))
		return false;
	if (strncmp(real, inst, il) == 0 && (real[il] == '\0' || real[il] == '/'))
		return false;
	return true;
}

void
mediajobs_transcribe_run(const app_t *app, struct job *j)
{
	store_appeal_t ap;
	struct tr_io x;
	struct output out;
	media_transcribe_t mt;
	media_transcribe_result_t res;
	char dir[sizeof(app->config.sub_transcribe_cmd)];
	memset(&x, 0, sizeof(x));
	memset(&out, 0, sizeof(out));
	memset(&mt, 0, sizeof(mt));
	memset(&res, 0, sizeof(res));
	x.app = app;
	x.job = j;
	if (atomic_load(&j->cancelled) || store_appeal_get(app->store, j->id, &ap) != STORE_OK || !ap.has_clean ||
	    ap.state == STORE_APPEAL_WITHDRAWN)
		return;
	buf_init(&x.vtt, MEDIA_CAPTIONS_MAX);
	/* the command's own folder is all the sandbox adds to /usr: its program and model */
	snprintf(dir, sizeof(dir), "%s", app->config.sub_transcribe_cmd);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	media_limits_default(&mt.mt_limits);
	mt.mt_limits.ml_no_sandbox = app->config.media_no_sandbox;
	mt.mt_limits.ml_extra_ro = slash && slash != dir ? dir : NULL;
	if (mt.mt_limits.ml_file_bytes < ((uint64_t)app->config.appeal_max_mb << 20) + (64u << 20))
		mt.mt_limits.ml_file_bytes = ((uint64_t)app->config.appeal_max_mb << 20) + (64u << 20);
	/* a speech model needs more memory and time than ffmpeg */
	if (mt.mt_limits.ml_memory_bytes < ((uint64_t)6 << 30))
		mt.mt_limits.ml_memory_bytes = (uint64_t)6 << 30;
	if (mt.mt_limits.ml_wall_seconds < 3600)
		mt.mt_limits.ml_wall_seconds = 3600;
	if (mt.mt_limits.ml_cpu_seconds < 7200)
		mt.mt_limits.ml_cpu_seconds = 7200;
	mt.mt_cmd = app->config.sub_transcribe_cmd;
	snprintf(mt.mt_lang, sizeof(mt.mt_lang), "%s", ap.language);
	media_status_t st = MEDIA_ERROR;
	if (mt.mt_limits.ml_extra_ro && !tr_dir_ok(app, dir)) {
		log_warnx("[subtitles] transcribe_cmd's folder %s is not its own (a system folder, or the instance's): "
		          "no machine transcription",
		    dir);
	} else if (app->config.sub_transcribe_cmd[0] && mediajobs_in_open(app, j->keys, ap.clean, &x.in) == 0) {
		media_io_t io = { &x, tr_read, tr_write };
		st = media_transcribe(&mt, &io, &res);
	}
	mediajobs_in_close(&x.in);
	store_attachment_t att;
	if (st == MEDIA_OK && tr_keep(app, &x, &out, &att) == 0 &&
	    store_subaids_transcribed(app->store, j->id, &att) == STORE_OK) {
		mediajobs_outs_keep(&out, 1);
	} else {
		if (st != MEDIA_OK)
			log_warnx("the machine transcription failed: %s", res.mt_reason[0] ? res.mt_reason : "failed");
		if (store_subaids_transcribed(app->store, j->id, NULL) != STORE_OK)
			log_warnx("a failed machine transcription could not be marked so");
	}
	mediajobs_outs_drop(app, &out, 1);
	buf_free(&x.vtt);
}
