/* subburn_job: one burn job of the media queue (mediajobs_private.h). The approved WebVTT
 * (in the job's guarded memory) and then the clean video, decrypted as it is read, go into
 * the media worker's sandbox (media_burn); the 16:9 and 9:16 renders coming back are sealed
 * to the appeal's holders as they arrive, and, when the appeal is published, also written
 * beside its video, where they are public anyway. They are kept only if the worker's check
 * passed and the render is still the one its row asks for. */
#include "domain/mediajobs_private.h"

#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "core/lang.h"
#include "core/log.h"
#include "domain/subtitles_private.h"

struct burn_io {
	const app_t *app;
	struct job *job;
	struct input in;
	size_t vtt_off;
	struct output out[2];            /* sealed: 16:9, 9:16 */
	store_media_file_t *pub[2];      /* public: the same, when the appeal is published */
	char names[2][SUBS_BURN_NAME_BYTES];
};

static int
burn_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct burn_io *x = ctx;
	*got = 0;
	if (atomic_load(&x->job->cancelled))
		return -1;   /* withdrawn, or a newer approval: the sandbox is stopped */
	if (x->vtt_off < x->job->vtt_len) {
		size_t take = x->job->vtt_len - x->vtt_off < cap ? x->job->vtt_len - x->vtt_off : cap;
		memcpy(buf, x->job->vtt + x->vtt_off, take);
		x->vtt_off += take;
		*got = take;
		return 0;
	}
	return mediajobs_in_read(&x->in, buf, cap, got);
}

static int
burn_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	struct burn_io *x = ctx;
	if (atomic_load(&x->job->cancelled) || (which != MEDIA_OUT_WIDE && which != MEDIA_OUT_TALL))
		return -1;
	size_t k = which == MEDIA_OUT_WIDE ? 0 : 1;
	if (x->pub[k] && store_media_write(x->pub[k], p, n) != STORE_OK)
		return -1;
	return mediajobs_out_write(x->app, &x->out[k], x->names[k], "video/mp4", p, n);
}

static void
burn_pub_abort(struct burn_io *x)
{
	for (int k = 0; k < 2; k++) {
		store_media_abort(x->pub[k]);
		x->pub[k] = NULL;
	}
}

static void
burn_failed(const app_t *app, struct job *j, const store_appeal_t *ap, const char *why)
{
	store_case_t c;
	if (store_subburn_failed(app->store, j->id, j->lang, j->run, why) == STORE_OK &&
	    store_case_get(app->store, j->id, &c) == STORE_OK)
		mediajobs_audit(app, ap->id, c.slot, AUDIT_SUB_BURN_FAILED);
}

void
mediajobs_burn_run(const app_t *app, struct job *j)
{
	store_subburn_t b;
	store_appeal_t ap;
	store_case_t c;
	struct burn_io x;
	media_burn_t mb;
	media_burn_result_t res;
	memset(&x, 0, sizeof(x));
	memset(&mb, 0, sizeof(mb));
	memset(&res, 0, sizeof(res));
	x.app = app;
	x.job = j;
	if (atomic_load(&j->cancelled) || store_subburn_get(app->store, j->id, j->lang, &b) != STORE_OK ||
	    sodium_memcmp(b.run, j->run, 16) != 0 || store_appeal_get(app->store, j->id, &ap) != STORE_OK ||
	    !ap.has_clean || ap.state == STORE_APPEAL_WITHDRAWN ||
	    store_subburn_start(app->store, j->id, j->lang, j->run) != STORE_OK)
		return;   /* replaced by a newer approval, or withdrawn, meanwhile */
	subs_burn_name(j->lang, SUBS_BURN_WIDE, x.names[0]);
	subs_burn_name(j->lang, SUBS_BURN_TALL, x.names[1]);
	bool public = ap.state == STORE_APPEAL_PUBLISHED && ap.slug[0];
	for (int k = 0; k < 2 && public; k++)
		if (store_media_create(app->store, ap.slug, x.names[k], &x.pub[k]) != STORE_OK)
			public = false;
	mb.mb_captions_bytes = (uint32_t)j->vtt_len;
	media_limits_default(&mb.mb_limits);
	mb.mb_limits.ml_no_sandbox = app->config.media_no_sandbox;
	if (mb.mb_limits.ml_file_bytes < ((uint64_t)app->config.appeal_max_mb << 20) + (64u << 20))
		mb.mb_limits.ml_file_bytes = ((uint64_t)app->config.appeal_max_mb << 20) + (64u << 20);
	media_status_t st = MEDIA_ERROR;
	if ((!ap.slug[0] || ap.state != STORE_APPEAL_PUBLISHED || public) &&
	    mediajobs_in_open(app, j->keys, ap.clean, &x.in) == 0) {
		media_io_t io = { &x, burn_read, burn_write };
		st = media_burn(&mb, &io, &res);
	}
	mediajobs_in_close(&x.in);

	store_attachment_t att[2];
	if (st == MEDIA_OK && mediajobs_outs_finish(app, x.out, 2, j->keys, att, j->id) == 0) {
		int rc = store_subburn_done(app->store, j->id, j->lang, j->run, &att[0], &att[1], clock_hour());
		if (rc == STORE_OK) {
			mediajobs_outs_keep(x.out, 2);
			for (int k = 0; k < 2; k++) {
				if (x.pub[k] && store_media_commit(x.pub[k]) != STORE_OK)
					log_warnx("a burned-in render could not be written to the appeal's public folder");
				x.pub[k] = NULL;
			}
			if (store_case_get(app->store, j->id, &c) == STORE_OK)
				mediajobs_audit(app, j->id, c.slot, AUDIT_SUB_BURNED);
		}
		mediajobs_outs_drop(app, x.out, 2);
		burn_pub_abort(&x);
		/* withdrawn while it rendered: a public folder this job made again goes too */
		if (rc != STORE_OK && public && store_appeal_get(app->store, j->id, &ap) == STORE_OK &&
		    ap.state == STORE_APPEAL_WITHDRAWN && store_media_remove(app->store, ap.slug) != STORE_OK)
			log_warnx("a withdrawn appeal's public folder could not be deleted");
		return;
	}
	mediajobs_outs_drop(app, x.out, 2);
	burn_pub_abort(&x);
	if (atomic_load(&j->cancelled))
		return;   /* withdrawn or replaced: nothing to say */
	log_warnx("captions could not be burned in: %s", res.mb_reason[0] ? res.mb_reason : "the media job failed");
	burn_failed(app, j, &ap,
	    st == MEDIA_LIMIT ? N_("the render ran into the media worker's limits")
	    : st == MEDIA_REFUSED ? N_("a render failed the check for hidden data, and was not kept")
	                          : N_("the media worker could not render it"));
}
