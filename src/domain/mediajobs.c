/* mediajobs: the queue of appeals to clean and the threads that clean them (mediajobs.h).
 * A job: the original, decrypted as it is read, goes into the media worker's sandbox
 * (media/media.h); the clean video and poster coming back are sealed as they arrive,
 * under a one-time spool key first and under the case's file keys once the worker has
 * checked them; then one transaction swaps the original for them, and the original's blob
 * is deleted. Nothing in the clear ever reaches the instance's disk. */
#include "domain/mediajobs_private.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/lang.h"
#include "core/log.h"
#include "domain/audit.h"
#include "domain/drop_private.h"
#include "media/media.h"
#include "store/appeals.h"
#include "store/blobs.h"
#include "store/drops.h"
#include "store/subtitles.h"
#include "store/testimonies.h"

#define JOBS_QUEUED_MAX 64
#define JOB_KIND_DOC 1000           /* a drop file's cleaned copy (drop_clean.c); no job row */
#define JOBS_THREADS_MAX 2
#define JOB_ATTEMPTS_MAX 3

static struct {
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct job q[JOBS_QUEUED_MAX];
	pthread_t threads[JOBS_THREADS_MAX];
	size_t nthreads;
	bool stopping;
	const app_t *app;
} jobs = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

static bool enqueue(int kind, const uint8_t id[16], case_file_keys_t *keys, uint32_t poster_at,
    const media_redact_t *redact, const struct job *burn);

bool
mediajobs_enqueue(const app_t *app, const uint8_t id[16], case_file_keys_t *keys, uint32_t poster_at)
{
	(void)app;
	return enqueue(STORE_JOB_CLEAN, id, keys, poster_at, NULL, NULL);
}

bool
mediajobs_enqueue_redact(const app_t *app, const uint8_t id[16], case_file_keys_t *keys, const media_redact_t *r)
{
	(void)app;
	return enqueue(STORE_JOB_REDACT, id, keys, 1, r, NULL);
}

bool
mediajobs_enqueue_burn(const app_t *app, const uint8_t appeal[16], const char *lang, const uint8_t run[16],
    case_file_keys_t *keys, sv_t vtt)
{
	struct job b;
	(void)app;
	memset(&b, 0, sizeof(b));
	if (vtt.len == 0 || vtt.len > MEDIA_CAPTIONS_MAX || !(b.vtt = sodium_malloc(vtt.len))) {
		case_file_keys_free(keys);
		return false;
	}
	memcpy(b.vtt, vtt.p, vtt.len);
	b.vtt_len = vtt.len;
	snprintf(b.lang, sizeof(b.lang), "%s", lang);
	memcpy(b.run, run, 16);
	return enqueue(STORE_JOB_BURN, appeal, keys, 0, NULL, &b);
}

/* A job's own memory, wiped: its keys and its captions. */
static void
job_clear(struct job *j)
{
	case_file_keys_free(j->keys);
	if (j->vtt)
		sodium_free(j->vtt);
	memset(j, 0, sizeof(*j));
}

/* The same job: a burn is one per appeal and language, the others one per id. */
static bool
job_same(const struct job *j, int kind, const uint8_t id[16], const struct job *burn)
{
	if (!j->used || j->kind != kind || sodium_memcmp(j->id, id, 16) != 0)
		return false;
	return kind != STORE_JOB_BURN || strcmp(j->lang, burn->lang) == 0;
}

bool
mediajobs_enqueue_doc(const app_t *app, const uint8_t id[16], case_file_keys_t *keys)
{
	(void)app;
	return enqueue(JOB_KIND_DOC, id, keys, 0, NULL, NULL);
}

static bool
enqueue(int kind, const uint8_t id[16], case_file_keys_t *keys, uint32_t poster_at, const media_redact_t *redact,
    const struct job *burn)
{
	bool ok = false;
	struct job old;
	memset(&old, 0, sizeof(old));
	pthread_mutex_lock(&jobs.lock);
	struct job *free_slot = NULL;
	bool dup = false;
	for (size_t i = 0; i < JOBS_QUEUED_MAX; i++) {
		if (job_same(&jobs.q[i], kind, id, burn) && kind == STORE_JOB_BURN && !jobs.q[i].running) {
			old = jobs.q[i];   /* a newer approval's render takes the waiting one's place */
			memset(&jobs.q[i], 0, sizeof(jobs.q[i]));
			if (!free_slot)
				free_slot = &jobs.q[i];
		} else if (job_same(&jobs.q[i], kind, id, burn) && kind == STORE_JOB_BURN) {
			atomic_store(&jobs.q[i].cancelled, true);   /* rendering an older version: stop it */
		} else if (job_same(&jobs.q[i], kind, id, burn)) {
			dup = true;
		} else if (!jobs.q[i].used && !free_slot) {
			free_slot = &jobs.q[i];
		}
	}
	if (!dup && free_slot) {
		free_slot->used = true;
		free_slot->running = false;
		memcpy(free_slot->id, id, 16);
		free_slot->kind = kind;
		free_slot->keys = keys;
		free_slot->poster_at = poster_at;
		if (redact)
			free_slot->redact = *redact;
		if (burn) {
			memcpy(free_slot->lang, burn->lang, sizeof(free_slot->lang));
			memcpy(free_slot->run, burn->run, 16);
			free_slot->vtt = burn->vtt;
			free_slot->vtt_len = burn->vtt_len;
			burn = NULL;
		}
		keys = NULL;
		ok = true;
		pthread_cond_signal(&jobs.more);
	}
	pthread_mutex_unlock(&jobs.lock);
	case_file_keys_free(keys);
	if (burn && burn->vtt)
		sodium_free(burn->vtt);
	job_clear(&old);
	return ok;
}

void
mediajobs_cancel(const uint8_t id[16])
{
	pthread_mutex_lock(&jobs.lock);
	for (size_t i = 0; i < JOBS_QUEUED_MAX; i++)
		if (jobs.q[i].used && sodium_memcmp(jobs.q[i].id, id, 16) == 0)
			atomic_store(&jobs.q[i].cancelled, true);
	pthread_mutex_unlock(&jobs.lock);
}

bool
mediajobs_queued(const uint8_t id[16])
{
	bool found = false;
	pthread_mutex_lock(&jobs.lock);
	for (size_t i = 0; i < JOBS_QUEUED_MAX && !found; i++)
		found = jobs.q[i].used && (jobs.q[i].kind == STORE_JOB_CLEAN || jobs.q[i].kind == STORE_JOB_REDACT) &&
		    sodium_memcmp(jobs.q[i].id, id, 16) == 0;
	pthread_mutex_unlock(&jobs.lock);
	return found;
}

bool
mediajobs_enqueue_aids(const app_t *app, const uint8_t appeal[16], case_file_keys_t *keys)
{
	(void)app;
	return enqueue(STORE_JOB_AIDS, appeal, keys, 0, NULL, NULL);
}

bool
mediajobs_enqueue_transcribe(const app_t *app, const uint8_t appeal[16], case_file_keys_t *keys)
{
	(void)app;
	return enqueue(STORE_JOB_TRANSCRIBE, appeal, keys, 0, NULL, NULL);
}

bool
mediajobs_aids_queued(const uint8_t appeal[16])
{
	bool found = false;
	pthread_mutex_lock(&jobs.lock);
	for (size_t i = 0; i < JOBS_QUEUED_MAX && !found; i++)
		found = jobs.q[i].used && jobs.q[i].kind == STORE_JOB_AIDS && sodium_memcmp(jobs.q[i].id, appeal, 16) == 0;
	pthread_mutex_unlock(&jobs.lock);
	return found;
}

bool
mediajobs_burn_queued(const uint8_t appeal[16], const char *lang, const uint8_t run[16])
{
	bool found = false;
	pthread_mutex_lock(&jobs.lock);
	for (size_t i = 0; i < JOBS_QUEUED_MAX && !found; i++)
		found = jobs.q[i].used && jobs.q[i].kind == STORE_JOB_BURN && sodium_memcmp(jobs.q[i].id, appeal, 16) == 0 &&
		    strcmp(jobs.q[i].lang, lang) == 0 && sodium_memcmp(jobs.q[i].run, run, 16) == 0 &&
		    !atomic_load(&jobs.q[i].cancelled);
	pthread_mutex_unlock(&jobs.lock);
	return found;
}

/* ---- one job ---- */

struct job_io {
	const app_t *app;
	struct job *job;
	struct input in;
	struct output out[2];       /* video, poster */
};

static int
job_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct job_io *x = ctx;
	*got = 0;
	if (atomic_load(&x->job->cancelled))
		return -1;   /* withdrawn: the sandbox is stopped, nothing more of hers goes in */
	return mediajobs_in_read(&x->in, buf, cap, got);
}

static int
job_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	static const char *const names[] = { "appeal.mp4", "poster.jpg" }, *const story[] = { "story.mp4", "poster.jpg" };
	static const char *const mimes[] = { "video/mp4", "image/jpeg" };
	struct job_io *x = ctx;
	size_t k = which == MEDIA_OUT_VIDEO ? 0 : 1;
	if (atomic_load(&x->job->cancelled))
		return -1;
	return mediajobs_out_write(x->app, &x->out[k], x->job->kind == STORE_JOB_REDACT ? story[k] : names[k], mimes[k], p,
	    n);
}

static void
outputs_drop(const app_t *app, struct job_io *x)
{
	mediajobs_outs_drop(app, x->out, 2);
}

/* Both outputs bound to the case's keys, written whole and synced. */
static int
outputs_finish(const app_t *app, struct job_io *x, const case_file_keys_t *keys, store_attachment_t att[2],
    const uint8_t case_id[16])
{
	return mediajobs_outs_finish(app, x->out, 2, keys, att, case_id);
}

static char last_error[MEDIA_REASON_BYTES];

struct attempts_ctx {
	const uint8_t *id;
	int kind;
	unsigned n;
};

static int
attempts_of(void *ctx, int kind, const uint8_t object[16], unsigned attempts)
{
	struct attempts_ctx *a = ctx;
	if (kind == a->kind && sodium_memcmp(object, a->id, 16) == 0) {
		a->n = attempts;
		return 1;
	}
	return 0;
}

/* The attempts counted for job kind of id so far. */
static unsigned
job_attempts(const app_t *app, int kind, const uint8_t id[16])
{
	struct attempts_ctx a = { id, kind, 0 };
	if (store_jobs_each(app->store, attempts_of, &a) != STORE_OK)
		return 0;
	return a.n;
}

/* The media job's own steps are audited with no actor. */
void
mediajobs_audit(const app_t *app, const uint8_t id[16], uint32_t slot, audit_action_t action)
{
	uint8_t object[16];
	if (case_audit_id(app->vault, id, slot, object) != VAULT_OK ||
	    audit_append(app->vault, app->store, NULL, action, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
}

/* The original (attachment original) through the media worker with mj: its outputs
 * sealed under the spool key as they come (x->out), nothing in the clear on disk. */
static media_status_t
job_media(const app_t *app, struct job *j, const uint8_t original[16], media_job_t *mj, struct job_io *x,
    media_result_t *res)
{
	media_status_t st = MEDIA_ERROR;
	if (mediajobs_in_open(app, j->keys, original, &x->in) == 0) {
		mj->mj_kind = MEDIA_KIND_VIDEO;
		mj->mj_max_seconds = app->config.appeal_max_s;
		media_limits_default(&mj->mj_limits);
		mj->mj_limits.ml_no_sandbox = app->config.media_no_sandbox;
		if (mj->mj_limits.ml_file_bytes < ((uint64_t)app->config.appeal_max_mb << 20) + (64u << 20))
			mj->mj_limits.ml_file_bytes = ((uint64_t)app->config.appeal_max_mb << 20) + (64u << 20);
		media_io_t io = { x, job_read, job_write };
		st = media_clean(mj, &io, res);
	}
	mediajobs_in_close(&x->in);
	return st;
}

/* For the editors' page, in words the catalogs translate; the detail is in the log. */
static void
job_failed(media_status_t st, const media_result_t *res, const char *what)
{
	pthread_mutex_lock(&jobs.lock);
	snprintf(last_error, sizeof(last_error), "%s",
	    st == MEDIA_NO_SANDBOX ? N_("The media worker's sandbox cannot start on this server.")
	    : st == MEDIA_LIMIT    ? N_("A video ran into the media worker's limits. It is tried again.")
	                           : N_("The media worker failed. The video is tried again."));
	pthread_mutex_unlock(&jobs.lock);
	log_warnx("%s: %s", what, res->mr_reason[0] ? res->mr_reason : "the media job failed");
}

static void
clean_run(const app_t *app, struct job *j)
{
	store_appeal_t ap;
	store_case_t c;
	struct job_io x;
	media_job_t mj;
	media_result_t res;
	memset(&x, 0, sizeof(x));
	memset(&res, 0, sizeof(res));
	memset(&mj, 0, sizeof(mj));
	x.app = app;
	x.job = j;
	unsigned attempts = job_attempts(app, STORE_JOB_CLEAN, j->id);
	if (store_appeal_get(app->store, j->id, &ap) != STORE_OK || !ap.has_original || atomic_load(&j->cancelled) ||
	    store_appeal_move(app->store, j->id, STORE_APPEAL_WAITING, STORE_APPEAL_CLEANING) != STORE_OK)
		return;   /* withdrawn, refused or cleaned meanwhile */
	if (store_job_attempt(app->store, STORE_JOB_CLEAN, j->id) != STORE_OK)
		log_warnx("a media job's attempt could not be counted");
	mj.mj_poster_ms = j->poster_at * 1000;
	media_status_t st = job_media(app, j, ap.original, &mj, &x, &res);

	store_attachment_t att[2];
	uint8_t original[16];
	bool had_original = false;
	if (st == MEDIA_OK && outputs_finish(app, &x, j->keys, att, j->id) == 0) {
		int rc = store_appeal_cleaned(app->store, j->id, &att[0], &att[1], (res.mr_duration_ms + 999) / 1000,
		    res.mr_width, res.mr_height, original, &had_original);
		if (rc == STORE_OK) {
			mediajobs_outs_keep(x.out, 2);
			/* the original's key went with its row; its blob goes now */
			if (had_original && store_blob_unlink(app->store, original) != STORE_OK)
				log_warnx("an appeal's original file could not be deleted; the next start deletes it");
			/* its key's row is gone (secure_delete); the WAL may still hold the page: fold it
			 * into the database now, so that no copy of the WAL keeps it */
			if (store_compact(app->store) != STORE_OK)
				log_warnx("the database could not be checkpointed after an appeal was cleaned");
			if (store_case_get(app->store, j->id, &c) == STORE_OK) {
				mediajobs_audit(app, j->id, c.slot, AUDIT_APPEAL_CLEANED);
			}
			outputs_drop(app, &x);
			return;
		}
		outputs_drop(app, &x);
		return;   /* withdrawn while it was cleaned: its outputs are gone too */
	}
	outputs_drop(app, &x);
	if (st == MEDIA_OK)
		st = MEDIA_ERROR;
	if (st == MEDIA_REFUSED) {
		if (store_appeal_refused(app->store, j->id, media_refusal_text(res.mr_refusal)) == STORE_OK &&
		    store_case_get(app->store, j->id, &c) == STORE_OK) {
			mediajobs_audit(app, j->id, c.slot, AUDIT_APPEAL_REFUSED);
		}
		return;
	}
	/* a limit, or sava's own failure, JOB_ATTEMPTS_MAX times: refused, so that one video
	 * that always runs into its limits cannot hold the queue */
	if (st == MEDIA_LIMIT && attempts + 1 >= JOB_ATTEMPTS_MAX) {
		if (store_appeal_refused(app->store, j->id, N_("it could not be cleaned within the worker's limits")) ==
		        STORE_OK &&
		    store_case_get(app->store, j->id, &c) == STORE_OK)
			mediajobs_audit(app, j->id, c.slot, AUDIT_APPEAL_REFUSED);
		return;
	}
	/* a limit, the sandbox, or sava's own failure: it waits for another try */
	job_failed(st, &res, "an appeal could not be cleaned");
	if (store_appeal_move(app->store, j->id, STORE_APPEAL_CLEANING, STORE_APPEAL_WAITING) != STORE_OK)
		log_warnx("an appeal left being cleaned goes back to waiting at the next start");
}

/* A testimony's video: its redacted copy made from the original, which stays (sealed),
 * so that an editor can place the boxes again. */
static void
redact_run(const app_t *app, struct job *j)
{
	store_testimony_t t;
	store_case_t c;
	struct job_io x;
	media_job_t mj;
	media_result_t res;
	memset(&x, 0, sizeof(x));
	memset(&res, 0, sizeof(res));
	memset(&mj, 0, sizeof(mj));
	x.app = app;
	x.job = j;
	unsigned attempts = job_attempts(app, STORE_JOB_REDACT, j->id);
	if (store_testimony_get(app->store, j->id, &t) != STORE_OK || !t.has_media_original || atomic_load(&j->cancelled) ||
	    store_testimony_media_move(app->store, j->id, STORE_TMEDIA_WAITING, STORE_TMEDIA_RUNNING) != STORE_OK)
		return;   /* shredded, or done meanwhile */
	if (store_job_attempt(app->store, STORE_JOB_REDACT, j->id) != STORE_OK)
		log_warnx("a media job's attempt could not be counted");
	mj.mj_poster_ms = 1000;
	mj.mj_redact = &j->redact;
	media_status_t st = job_media(app, j, t.media_original, &mj, &x, &res);
	store_attachment_t att[2];
	uint8_t old[2][16];
	size_t nold = 0;
	if (st == MEDIA_OK && outputs_finish(app, &x, j->keys, att, j->id) == 0) {
		int rc = store_testimony_media_done(app->store, j->id, &att[0], &att[1], old, &nold);
		if (rc == STORE_OK) {
			mediajobs_outs_keep(x.out, 2);
			for (size_t i = 0; i < nold; i++)
				if (store_blob_unlink(app->store, old[i]) != STORE_OK)
					log_warnx("a testimony's older redacted file could not be deleted; the next start deletes it");
			if (store_case_get(app->store, j->id, &c) == STORE_OK)
				mediajobs_audit(app, j->id, c.slot, AUDIT_TESTIMONY_COPY);
		}
		outputs_drop(app, &x);
		return;
	}
	outputs_drop(app, &x);
	if (st == MEDIA_OK)
		st = MEDIA_ERROR;
	if (st == MEDIA_REFUSED || (st == MEDIA_LIMIT && attempts + 1 >= JOB_ATTEMPTS_MAX)) {
		if (store_testimony_media_refused(app->store, j->id,
		        st == MEDIA_REFUSED ? media_refusal_text(res.mr_refusal)
		                            : N_("it could not be cleaned within the worker's limits")) != STORE_OK)
			log_warnx("a testimony's refused video could not be marked so");
		return;
	}
	job_failed(st, &res, "a testimony's video could not be redacted");
	if (store_testimony_media_move(app->store, j->id, STORE_TMEDIA_RUNNING, STORE_TMEDIA_WAITING) != STORE_OK)
		log_warnx("a testimony's video left being redacted goes back to waiting at the next start");
}

static void
job_run(const app_t *app, struct job *j)
{
	if (j->kind == JOB_KIND_DOC)
		drop_clean_run(app, j->id, j->keys, &j->cancelled);
	else if (j->kind == STORE_JOB_REDACT)
		redact_run(app, j);
	else if (j->kind == STORE_JOB_BURN)
		mediajobs_burn_run(app, j);
	else if (j->kind == STORE_JOB_AIDS)
		mediajobs_aids_run(app, j);
	else if (j->kind == STORE_JOB_TRANSCRIBE)
		mediajobs_transcribe_run(app, j);
	else
		clean_run(app, j);
}

/* The next job not yet running, marked running; NULL when there is none. */
static struct job *
job_take(void)
{
	for (size_t i = 0; i < JOBS_QUEUED_MAX; i++)
		if (jobs.q[i].used && !jobs.q[i].running) {
			jobs.q[i].running = true;
			return &jobs.q[i];
		}
	return NULL;
}

static void
job_done(struct job *j)
{
	pthread_mutex_lock(&jobs.lock);
	job_clear(j);
	pthread_mutex_unlock(&jobs.lock);
}

static void *
worker(void *arg)
{
	const app_t *app = arg;
	for (;;) {
		pthread_mutex_lock(&jobs.lock);
		struct job *j = NULL;
		while (!jobs.stopping && (j = job_take()) == NULL)
			pthread_cond_wait(&jobs.more, &jobs.lock);
		if (!j) {   /* stopping */
			pthread_mutex_unlock(&jobs.lock);
			return NULL;
		}
		pthread_mutex_unlock(&jobs.lock);
		job_run(app, j);
		job_done(j);
	}
}

int
mediajobs_start(const app_t *app)
{
	size_t n = 0;
	if (app->config.media_no_sandbox)
		log_warnx("[media] sandbox = none: media jobs run without bubblewrap (a test instance only)");
	if (store_appeals_requeue(app->store, &n) != STORE_OK)
		return -1;
	size_t nt = 0;
	if (store_testimonies_requeue(app->store, &nt) != STORE_OK)
		return -1;
	size_t nd = 0;
	if (store_cleans_forget_making(app->store, &nd) != STORE_OK)
		return -1;
	if (nd)
		log_warnx("%zu drop file cleaning(s) cut short by a stop are to be asked again", nd);
	if (nt)
		log_warnx("%zu testimony video(s) left being redacted by a stop wait for an editor's page to start again", nt);
	if (n)
		log_warnx("%zu appeal(s) left being cleaned by a stop wait for an editor's page to start again", n);
	if (store_subburns_requeue(app->store) != STORE_OK)
		return -1;
	jobs.app = app;
	jobs.stopping = false;
	unsigned want = app->config.media_jobs ? app->config.media_jobs : 1;
	for (jobs.nthreads = 0; jobs.nthreads < want && jobs.nthreads < JOBS_THREADS_MAX; jobs.nthreads++)
		if (pthread_create(&jobs.threads[jobs.nthreads], NULL, worker, (void *)app) != 0)
			return -1;
	return 0;
}

void
mediajobs_stop(void)
{
	pthread_mutex_lock(&jobs.lock);
	jobs.stopping = true;
	pthread_cond_broadcast(&jobs.more);
	pthread_mutex_unlock(&jobs.lock);
	for (size_t i = 0; i < jobs.nthreads; i++)
		pthread_join(jobs.threads[i], NULL);
	jobs.nthreads = 0;
	pthread_mutex_lock(&jobs.lock);
	for (size_t i = 0; i < JOBS_QUEUED_MAX; i++)
		job_clear(&jobs.q[i]);
	pthread_mutex_unlock(&jobs.lock);
}

size_t
mediajobs_run_here(const app_t *app)
{
	size_t failed = 0;
	for (;;) {
		pthread_mutex_lock(&jobs.lock);
		struct job *j = job_take();
		pthread_mutex_unlock(&jobs.lock);
		if (!j)
			return failed;
		job_run(app, j);
		store_appeal_t ap;
		if (j->kind == STORE_JOB_CLEAN &&
		    (store_appeal_get(app->store, j->id, &ap) != STORE_OK || ap.state != STORE_APPEAL_REVIEW))
			failed++;
		job_done(j);
	}
}

void
mediajobs_last_error(char out[MEDIA_REASON_BYTES_OUT])
{
	pthread_mutex_lock(&jobs.lock);
	snprintf(out, MEDIA_REASON_BYTES_OUT, "%s", last_error);
	pthread_mutex_unlock(&jobs.lock);
}
