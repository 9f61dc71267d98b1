/* subburn: the captions burned in (issue 12). When a Russian or Belarusian version is
 * approved (or the transcription its times come from), a media job renders the clean video
 * with them, 16:9 and 9:16 (subburn_job.c); the files are sealed as the appeal's, and
 * public beside its video once it is published, with a plain-text file of the captions for
 * the post. A newer approval replaces the render; a withdrawal shreds it with the case. */
#include "domain/subtitles_private.h"

#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/mediajobs.h"
#include "domain/view.h"
#include "parse/webvtt.h"
#include "store/blobs.h"

static const char *const burn_langs[] = { "ru", "be" };
static const char *const burn_suffix[] = { "-16x9.mp4", "-9x16.mp4", "-captions.txt" };

bool
subs_burn_lang(const char *lang)
{
	for (size_t i = 0; i < sizeof(burn_langs) / sizeof(burn_langs[0]); i++)
		if (strcmp(lang, burn_langs[i]) == 0)
			return true;
	return false;
}

void
subs_burn_name(const char *lang, int shape, char out[SUBS_BURN_NAME_BYTES])
{
	snprintf(out, SUBS_BURN_NAME_BYTES, "%s%s", lang, burn_suffix[shape >= 0 && shape <= 2 ? shape : 2]);
}

int
subs_captions_text(sv_t vtt, buf_t *out)
{
	sub_doc_t doc;
	size_t line = 0;
	sub_doc_init(&doc);
	int rc = webvtt_parse(vtt, &doc, &line) == SUB_OK ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < doc.ncues; i++) {
		size_t at = out->len;
		rc = sub_text_plain(sub_cue_text(&doc, &doc.cues[i]), out);
		for (size_t k = at; rc == 0 && k < out->len; k++)
			if (out->data[k] == '\n')
				out->data[k] = ' ';   /* a cue's two lines are one sentence in a post */
		if (rc == 0 && out->len > at)
			rc = buf_append_cstr(out, "\n");
	}
	sub_doc_free(&doc);
	return rc;
}

/* The render's public files gone (a newer approval's replaces them). */
static void
burn_unpublish(const app_t *app, const char *slug, const char *lang)
{
	char name[SUBS_BURN_NAME_BYTES];
	for (int k = 0; k < 2 && slug[0]; k++) {
		subs_burn_name(lang, k, name);
		if (store_media_delete(app->store, slug, name) != STORE_OK)
			log_warnx("an older burned-in render could not be deleted from the public folder");
	}
}

/* Its job queued with keys that read the clean video, for the render run. */
static int
burn_enqueue(const app_t *app, struct access *a, const store_appeal_t *ap, const char *lang, const uint8_t run[16],
    sv_t vtt)
{
	store_attachment_t at;
	case_file_keys_t *keys = NULL;
	if (!ap->has_clean || store_attachment_get(app->store, ap->clean, &at) != STORE_OK || !access_keys(app, a) ||
	    case_file_keys_new(access_keys(app, a), at.id, at.fk_wrap, &keys) != VAULT_OK)
		return -1;
	return mediajobs_enqueue_burn(app, ap->id, lang, run, keys, vtt) ? 0 : -1;
}

int
subs_burn_queue(const app_t *app, struct access *a, const store_appeal_t *ap, const char *lang)
{
	buf_t vtt;
	sub_doc_t doc;
	store_subver_t meta;
	uint32_t next;
	uint8_t run[16], old[2][16];
	size_t nold = 0;
	int rc = -1;
	if (!subs_burn_lang(lang) || !ap->has_clean)
		return 0;
	buf_init(&vtt, MEDIA_CAPTIONS_MAX);
	sub_doc_init(&doc);
	subs_status_t st = subs_load(app, a, ap->id, lang, 0, STORE_SUBVER_APPROVED, &doc, &next, &meta);
	sub_doc_free(&doc);
	if (st == SUBS_NOT_FOUND) {
		buf_free(&vtt);
		return 0;   /* nothing approved in this language yet */
	}
	randombytes_buf(run, sizeof(run));
	if (st == SUBS_OK && subs_approved_vtt(app, a, ap, lang, &vtt) == SUBS_OK &&
	    store_subburn_queue(app->store, ap->id, lang, meta.version, run, clock_hour(), old, &nold) == STORE_OK) {
		for (size_t i = 0; i < nold; i++)
			if (store_blob_unlink(app->store, old[i]) != STORE_OK)
				log_warnx("an older burned-in render could not be deleted; the next start deletes it");
		if (ap->state == STORE_APPEAL_PUBLISHED)
			burn_unpublish(app, ap->slug, lang);
		rc = burn_enqueue(app, a, ap, lang, run, buf_sv(&vtt));
		if (rc != 0)
			log_warnx("a burned-in render could not be queued; an editor's page queues it again");
	}
	buf_free(&vtt);   /* wiped */
	return rc;
}

int
subs_burn_after_approval(const app_t *app, struct access *a, const store_appeal_t *ap, const char *lang)
{
	int rc = 0;
	if (strcmp(lang, ap->language) != 0)
		return subs_burn_queue(app, a, ap, lang);
	/* a new transcription re-times every translation: each render is made again */
	for (size_t i = 0; i < sizeof(burn_langs) / sizeof(burn_langs[0]); i++)
		if (subs_burn_queue(app, a, ap, burn_langs[i]) != 0)
			rc = -1;
	return rc;
}

struct burn_pub {
	const app_t *app;
	struct access *a;
	const store_appeal_t *ap;
	char langs[SUBS_LANGS_MAX][4];
	size_t nwaiting;
	int rc;
};

static int
burn_publish_one(void *ctx, const store_subburn_t *b)
{
	struct burn_pub *x = ctx;
	char name[SUBS_BURN_NAME_BYTES];
	if (b->state != STORE_BURN_DONE || !b->has_files) {
		/* rendering still: made again, so that this run writes the public files */
		if (b->state != STORE_BURN_FAILED && x->nwaiting < SUBS_LANGS_MAX)
			snprintf(x->langs[x->nwaiting++], 4, "%s", b->lang);
		return 0;
	}
	subs_burn_name(b->lang, 0, name);
	if (view_publish_file(x->app, x->a, b->wide, x->ap->slug, name) != 0)
		x->rc = -1;
	subs_burn_name(b->lang, 1, name);
	if (view_publish_file(x->app, x->a, b->tall, x->ap->slug, name) != 0)
		x->rc = -1;
	return 0;
}

int
subtitles_publish_burns(const app_t *app, struct access *a, const uint8_t appeal[16])
{
	store_appeal_t ap;
	struct burn_pub x;
	memset(&x, 0, sizeof(x));
	x.app = app;
	x.a = a;
	x.ap = &ap;
	if (store_appeal_get(app->store, appeal, &ap) != STORE_OK || ap.state != STORE_APPEAL_PUBLISHED ||
	    store_subburns_each(app->store, appeal, burn_publish_one, &x) != STORE_OK)
		return -1;
	for (size_t i = 0; i < x.nwaiting; i++)
		if (subs_burn_queue(app, a, &ap, x.langs[i]) != 0)
			x.rc = -1;
	return x.rc;
}

/* ---- for the staff pages ---- */

struct burn_rows {
	const app_t *app;
	struct subs_open *o;
	subs_burn_t *rows;
	size_t n;
};

static int
burn_row_take(void *ctx, const store_subburn_t *b)
{
	struct burn_rows *x = ctx;
	if (x->n >= SUBS_LANGS_MAX)
		return 1;
	subs_burn_t *r = &x->rows[x->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->lang, sizeof(r->lang), "%s", b->lang);
	r->version = b->version;
	r->state = b->state;
	r->wide_bytes = b->wide_bytes;
	r->tall_bytes = b->tall_bytes;
	snprintf(r->reason, sizeof(r->reason), "%s", b->reason);
	r->hour = b->hour;
	/* after a restart the queue is empty: the render waits for a page with the keys */
	if (b->state == STORE_BURN_WAITING && !mediajobs_burn_queued(x->o->ap.id, b->lang, b->run)) {
		buf_t vtt;
		buf_init(&vtt, MEDIA_CAPTIONS_MAX);
		if (subs_approved_vtt(x->app, x->o->a, &x->o->ap, b->lang, &vtt) != SUBS_OK ||
		    burn_enqueue(x->app, x->o->a, &x->o->ap, b->lang, b->run, buf_sv(&vtt)) != 0)
			log_warnx("a burned-in render could not be queued again");
		buf_free(&vtt);
	}
	return 0;
}

subs_status_t
subtitles_burns(const app_t *app, const staff_t *s, const uint8_t appeal[16], subs_burn_t rows[SUBS_LANGS_MAX],
    size_t *n)
{
	struct subs_open o;
	*n = 0;
	subs_status_t st = subs_open(app, s, appeal, NULL, &o);
	if (st == SUBS_OK) {
		struct burn_rows x = { app, &o, rows, 0 };
		st = store_subburns_each(app->store, appeal, burn_row_take, &x) == STORE_OK ? SUBS_OK : SUBS_ERROR;
		*n = x.n;
	}
	subs_close(&o);
	return st;
}

subs_status_t
subtitles_burn_file(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, int shape,
    sv_t range, case_file_out_t *out, buf_t *text)
{
	struct subs_open o;
	store_subburn_t b;
	store_attachment_t at;
	memset(out, 0, sizeof(*out));
	subs_status_t st = subs_open(app, s, appeal, lang, &o);
	if (st == SUBS_OK && (store_subburn_get(app->store, appeal, lang, &b) != STORE_OK || b.state != STORE_BURN_DONE ||
	                         !b.has_files))
		st = SUBS_NOT_FOUND;
	if (st == SUBS_OK && shape == SUBS_BURN_TEXT) {
		buf_t vtt;
		buf_init(&vtt, MEDIA_CAPTIONS_MAX);
		if (subs_approved_vtt(app, o.a, &o.ap, lang, &vtt) != SUBS_OK || subs_captions_text(buf_sv(&vtt), text) != 0)
			st = SUBS_ERROR;
		buf_free(&vtt);
	} else if (st == SUBS_OK) {
		intake_status_t is = store_attachment_get(app->store, shape == SUBS_BURN_TALL ? b.tall : b.wide, &at) == STORE_OK
		    ? view_file_part(app, o.a, &at, range, s->acct.id, out)
		    : INTAKE_NOT_FOUND;
		st = is == INTAKE_OK ? SUBS_OK : is == INTAKE_NOT_FOUND ? SUBS_NOT_FOUND : is == INTAKE_BUSY ? SUBS_BUSY : SUBS_ERROR;
	}
	if (st == SUBS_OK)
		audit_case(app, o.a, s->acct.id, AUDIT_SUB_READ);
	subs_close(&o);
	return st;
}

/* ---- the public ---- */

size_t
subtitles_public_burns(const app_t *app, const char *slug, char langs[][4], size_t max)
{
	store_appeal_t ap;
	store_subburn_t b;
	size_t n = 0;
	if (store_appeal_by_slug(app->store, slug, &ap) != STORE_OK || ap.state != STORE_APPEAL_PUBLISHED)
		return 0;
	for (size_t i = 0; i < sizeof(burn_langs) / sizeof(burn_langs[0]) && n < max; i++)
		if (store_subburn_get(app->store, ap.id, burn_langs[i], &b) == STORE_OK && b.state == STORE_BURN_DONE)
			snprintf(langs[n++], 4, "%s", burn_langs[i]);
	return n;
}
