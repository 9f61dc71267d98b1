/* subtasks: the subtitle tasks and their steps (subtitles.h): the queue, taking and
 * handing back, sending to review, review and approval with the two-person rules, and
 * the public files of approved versions. The store's conditional updates make each
 * step happen once even when two people press at once. */
#include "domain/subtitles_private.h"

#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"

int
subs_tasks_ensure(const app_t *app, const store_appeal_t *ap)
{
	char langs[SUBS_LANGS_MAX][4];
	uint8_t ids[SUBS_LANGS_MAX][16];
	size_t n = 0;
	snprintf(langs[n++], 4, "%s", ap->language);
	for (size_t i = 0; i < app->config.sub_ntargets && n < SUBS_LANGS_MAX; i++)
		if (strcmp(app->config.sub_targets[i], ap->language) != 0)
			snprintf(langs[n++], 4, "%s", app->config.sub_targets[i]);
	randombytes_buf(ids, sizeof(ids));
	if (store_subtasks_create(app->store, ap->id, ap->language, (const char(*)[4])langs, (const uint8_t(*)[16])ids, n,
	        clock_hour()) != STORE_OK)
		return -1;
	/* a transcription approved before (the work restarted): translations may begin */
	store_subtask_t t;
	if (store_subtask_of(app->store, ap->id, ap->language, &t) == STORE_OK && t.kind == STORE_SUBTASK_DONE &&
	    store_subtasks_unblock(app->store, ap->id) != STORE_OK)
		return -1;
	return 0;
}

subs_status_t
subtitles_start(const app_t *app, const staff_t *s, const uint8_t appeal[16])
{
	struct subs_open o;
	if (!subs_is_editor(s))
		return SUBS_EDITOR_ONLY;
	subs_status_t st = subs_open(app, s, appeal, NULL, &o);
	if (st == SUBS_OK)
		st = subs_tasks_ensure(app, &o.ap) == 0 ? SUBS_OK : SUBS_ERROR;
	if (st == SUBS_OK)
		audit_case(app, o.a, s->acct.id, AUDIT_SUB_START);
	subs_close(&o);
	return st;
}

static void
task_of(const staff_t *s, const store_subtask_t *t, subs_task_t *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->id, t->id, 16);
	memcpy(r->appeal, t->appeal, 16);
	snprintf(r->src, sizeof(r->src), "%s", t->src);
	snprintf(r->lang, sizeof(r->lang), "%s", t->lang);
	r->kind = t->kind;
	r->taken = t->has_claimant && t->claimed_until > clock_hour();
	r->taken_by_me = r->taken && sodium_memcmp(t->claimant, s->acct.id, 16) == 0;
	r->created_hour = t->created_hour;
	r->claimed_until = t->claimed_until;
	r->version = t->version;
}

struct tasks_ctx {
	const staff_t *s;
	subs_task_t *rows;
	size_t n, max;
};

static int
task_take_row(void *ctx, const store_subtask_t *t)
{
	struct tasks_ctx *x = ctx;
	if (x->n >= x->max)
		return 1;
	task_of(x->s, t, &x->rows[x->n++]);
	return 0;
}

subs_status_t
subtitles_queue(const app_t *app, const staff_t *s, const char *src, const char *lang, bool mine, size_t offset,
    subs_task_t rows[SUBS_QUEUE_PAGE], size_t *n, size_t *total)
{
	*n = *total = 0;
	if (!subtitles_allowed(app, s))
		return SUBS_NOT_FOUND;
	struct tasks_ctx x = { s, rows, 0, SUBS_QUEUE_PAGE };
	if (store_subtasks_queue(app->store, src, lang, mine ? s->acct.id : NULL, clock_hour(), offset, SUBS_QUEUE_PAGE,
	        task_take_row, &x, total) != STORE_OK)
		return SUBS_ERROR;
	*n = x.n;
	return SUBS_OK;
}

subs_status_t
subtitles_tasks_of(const app_t *app, const staff_t *s, const uint8_t appeal[16], subs_task_t rows[SUBS_LANGS_MAX],
    size_t *n)
{
	struct subs_open o;
	*n = 0;
	subs_status_t st = subs_open(app, s, appeal, NULL, &o);
	if (st == SUBS_OK) {
		struct tasks_ctx x = { s, rows, 0, SUBS_LANGS_MAX };
		st = store_subtasks_each(app->store, appeal, task_take_row, &x) == STORE_OK ? SUBS_OK : SUBS_ERROR;
		*n = x.n;
	}
	subs_close(&o);
	return st;
}

subs_status_t
subtitles_take(const app_t *app, const staff_t *s, const uint8_t task[16])
{
	store_subtask_t t;
	struct subs_open o;
	if (store_subtask_get(app->store, task, &t) != STORE_OK)
		return SUBS_NOT_FOUND;
	subs_status_t st = subs_open(app, s, t.appeal, t.lang, &o);
	if (st == SUBS_OK && t.kind == STORE_SUBTASK_APPROVE && !subs_is_editor(s))
		st = SUBS_EDITOR_ONLY;
	if (st == SUBS_OK && (t.kind < STORE_SUBTASK_TRANSCRIBE || t.kind > STORE_SUBTASK_APPROVE))
		st = SUBS_STEP;
	if (st == SUBS_OK) {
		int64_t now = clock_hour();
		int rc = store_subtask_claim(app->store, task, s->acct.id, now + (int64_t)app->config.sub_claim_hours * 3600, now);
		st = rc == STORE_OK ? SUBS_OK : rc == STORE_CONFLICT ? SUBS_TAKEN : SUBS_ERROR;
	}
	if (st == SUBS_OK)
		audit_case(app, o.a, s->acct.id, AUDIT_SUB_TAKE);
	subs_close(&o);
	return st;
}

subs_status_t
subtitles_hand_back(const app_t *app, const staff_t *s, const uint8_t task[16])
{
	store_subtask_t t;
	struct subs_open o;
	if (store_subtask_get(app->store, task, &t) != STORE_OK)
		return SUBS_NOT_FOUND;
	subs_status_t st = subs_open(app, s, t.appeal, t.lang, &o);
	if (st == SUBS_OK) {
		int rc = store_subtask_release(app->store, task, s->acct.id);
		st = rc == STORE_OK ? SUBS_OK : rc == STORE_CONFLICT ? SUBS_TAKEN : SUBS_ERROR;
	}
	if (st == SUBS_OK)
		audit_case(app, o.a, s->acct.id, AUDIT_SUB_HANDBACK);
	subs_close(&o);
	return st;
}

/* ---- the steps ---- */

/* The task of lang at step, free for s, and the version it is about (its row). */
static subs_status_t
step_begin(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, struct subs_open *o,
    store_subtask_t *t, int step, store_subver_t *meta, sub_doc_t *doc)
{
	uint32_t next;
	subs_status_t st = subs_open(app, s, appeal, lang, o);
	if (st != SUBS_OK)
		return st;
	int rc = store_subtask_of(app->store, appeal, lang, t);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? SUBS_STEP : SUBS_ERROR;
	if (t->kind != step)
		return SUBS_STEP;
	if (subs_taken_by_other(t, s))
		return SUBS_TAKEN;
	/* sending to review is about her newest; review and approval about the task's version */
	bool work = step == STORE_SUBTASK_TRANSCRIBE || step == STORE_SUBTASK_TRANSLATE;
	st = subs_load(app, o->a, appeal, lang, work ? 0 : t->version, -1, doc, &next, meta);
	return st == SUBS_NOT_FOUND ? SUBS_STEP : st;
}

subs_status_t
subtitles_submit(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang)
{
	struct subs_open o;
	store_subtask_t t;
	store_subver_t meta;
	sub_doc_t doc;
	sub_doc_init(&doc);
	subs_status_t st = subs_open(app, s, appeal, lang, &o);
	int step = st == SUBS_OK ? subs_work_step(&o.ap, lang) : 0;
	subs_close(&o);
	if (st == SUBS_OK)
		st = step_begin(app, s, appeal, lang, &o, &t, step, &meta, &doc);
	if (st == SUBS_OK && (meta.state != STORE_SUBVER_DRAFT || sodium_memcmp(meta.author, s->acct.id, 16) != 0))
		st = SUBS_STEP;   /* her own draft only */
	if (st == SUBS_OK) {
		int rc = store_subver_submit(app->store, appeal, lang, meta.version, s->acct.id);
		if (rc == STORE_OK)
			rc = store_subtask_move(app->store, t.id, step, STORE_SUBTASK_REVIEW, meta.version);
		st = rc == STORE_OK ? SUBS_OK : rc == STORE_CONFLICT ? SUBS_STEP : SUBS_ERROR;
	}
	if (st == SUBS_OK)
		audit_case(app, o.a, s->acct.id, AUDIT_SUB_SUBMIT);
	sub_doc_free(&doc);
	subs_close(&o);
	return st;
}

/* Back to its author's step: the version a draft again. */
static subs_status_t
send_back(const app_t *app, struct subs_open *o, const store_subtask_t *t, const char *lang, int from,
    const store_subver_t *meta)
{
	int rc = store_subver_back(app->store, o->ap.id, lang, meta->version);
	if (rc == STORE_OK)
		rc = store_subtask_move(app->store, t->id, from, subs_work_step(&o->ap, lang), 0);
	return rc == STORE_OK ? SUBS_OK : rc == STORE_CONFLICT ? SUBS_STEP : SUBS_ERROR;
}

subs_status_t
subtitles_review(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, bool accept)
{
	struct subs_open o;
	store_subtask_t t;
	store_subver_t meta;
	sub_doc_t doc;
	sub_doc_init(&doc);
	subs_status_t st = step_begin(app, s, appeal, lang, &o, &t, STORE_SUBTASK_REVIEW, &meta, &doc);
	if (st == SUBS_OK && sodium_memcmp(meta.author, s->acct.id, 16) == 0)
		st = SUBS_TWO_PERSON;   /* never her own */
	if (st == SUBS_OK && accept) {
		int rc = store_subver_review(app->store, appeal, lang, meta.version, s->acct.id);
		if (rc == STORE_OK)
			rc = store_subtask_move(app->store, t.id, STORE_SUBTASK_REVIEW, STORE_SUBTASK_APPROVE, meta.version);
		st = rc == STORE_OK ? SUBS_OK : rc == STORE_CONFLICT ? SUBS_STEP : SUBS_ERROR;
	} else if (st == SUBS_OK) {
		st = send_back(app, &o, &t, lang, STORE_SUBTASK_REVIEW, &meta);
	}
	if (st == SUBS_OK)
		audit_case(app, o.a, s->acct.id, accept ? AUDIT_SUB_REVIEW : AUDIT_SUB_RETURN);
	sub_doc_free(&doc);
	subs_close(&o);
	return st;
}

subs_status_t
subtitles_approve(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, bool accept)
{
	struct subs_open o;
	store_subtask_t t;
	store_subver_t meta;
	sub_doc_t doc, source;
	size_t errors = 0, warnings = 0;
	sub_doc_init(&doc);
	sub_doc_init(&source);
	if (!subs_is_editor(s))
		return SUBS_EDITOR_ONLY;
	subs_status_t st = step_begin(app, s, appeal, lang, &o, &t, STORE_SUBTASK_APPROVE, &meta, &doc);
	if (st == SUBS_OK && (sodium_memcmp(meta.author, s->acct.id, 16) == 0 ||
	                         (meta.has_reviewer && sodium_memcmp(meta.reviewer, s->acct.id, 16) == 0)))
		st = SUBS_TWO_PERSON;   /* neither its author nor its reviewer */
	if (st == SUBS_OK && accept) {
		if (strcmp(lang, o.ap.language) != 0 && (st = subs_load_source(app, o.a, &o.ap, &source)) == SUBS_OK)
			(void)subv_follow(&doc, &source);
		subs_check(app, lang, &doc, NULL, &errors, &warnings);
		if (st == SUBS_OK && errors)
			st = SUBS_QC_ERRORS;
	}
	if (st == SUBS_OK && accept) {
		int rc = store_subver_approve(app->store, appeal, lang, meta.version, s->acct.id);
		if (rc == STORE_OK)
			rc = store_subtask_move(app->store, t.id, STORE_SUBTASK_APPROVE, STORE_SUBTASK_DONE, meta.version);
		st = rc == STORE_OK ? SUBS_OK : rc == STORE_CONFLICT ? SUBS_STEP : SUBS_ERROR;
		if (st == SUBS_OK && strcmp(lang, o.ap.language) == 0 && store_subtasks_unblock(app->store, appeal) != STORE_OK)
			log_warnx("the translations of an appeal could not be opened for work");
		/* public at once when the appeal is; a new transcription re-times every translation */
		bool is_source = strcmp(lang, o.ap.language) == 0;
		if (st == SUBS_OK && o.ap.state == STORE_APPEAL_PUBLISHED &&
		    (is_source ? subtitles_publish_all(app, o.a, appeal, o.ap.slug) : subs_publish_lang(app, o.a, &o.ap, lang)) != 0)
			log_warnx("approved subtitles could not be written to the appeal's public folder");
		/* the burned-in renders of this version (of every translation, for a transcription) */
		if (st == SUBS_OK && subs_burn_after_approval(app, o.a, &o.ap, lang) != 0)
			log_warnx("the captions of an approved version could not all be queued to be burned in");
	} else if (st == SUBS_OK) {
		st = send_back(app, &o, &t, lang, STORE_SUBTASK_APPROVE, &meta);
	}
	if (st == SUBS_OK)
		audit_case(app, o.a, s->acct.id, accept ? AUDIT_SUB_APPROVE : AUDIT_SUB_RETURN);
	sub_doc_free(&doc);
	sub_doc_free(&source);
	subs_close(&o);
	return st;
}

/* ---- public files ---- */

int
subs_publish_lang(const app_t *app, struct access *a, const store_appeal_t *ap, const char *lang)
{
	buf_t vtt;
	char name[16];
	store_media_file_t *f = NULL;
	int rc = -1;
	buf_init(&vtt, (size_t)SUB_INPUT_MAX * 2);
	snprintf(name, sizeof(name), "%s.vtt", lang);
	if (ap->slug[0] && subs_approved_vtt(app, a, ap, lang, &vtt) == SUBS_OK &&
	    store_media_create(app->store, ap->slug, name, &f) == STORE_OK &&
	    store_media_write(f, (const uint8_t *)vtt.data, vtt.len) == STORE_OK) {
		rc = store_media_commit(f) == STORE_OK ? 0 : -1;
		f = NULL;
	}
	store_media_abort(f);
	f = NULL;
	/* a burned-in language: its words as plain text, for the post */
	if (rc == 0 && subs_burn_lang(lang)) {
		buf_t text;
		char tname[SUBS_BURN_NAME_BYTES];
		buf_init(&text, (size_t)SUB_INPUT_MAX * 2);
		subs_burn_name(lang, SUBS_BURN_TEXT, tname);
		rc = subs_captions_text(buf_sv(&vtt), &text) == 0 && store_media_create(app->store, ap->slug, tname, &f) == STORE_OK &&
		        store_media_write(f, (const uint8_t *)text.data, text.len) == STORE_OK
		    ? (store_media_commit(f) == STORE_OK ? 0 : -1)
		    : -1;
		if (rc != 0)
			store_media_abort(f);
		buf_free(&text);
	}
	buf_free(&vtt);
	return rc;
}

struct pub_ctx {
	const app_t *app;
	struct access *a;
	const store_appeal_t *ap;
	int rc;
};

static int
publish_one(void *ctx, const char *lang)
{
	struct pub_ctx *x = ctx;
	if (subs_publish_lang(x->app, x->a, x->ap, lang) != 0)
		x->rc = -1;
	return 0;
}

int
subtitles_publish_all(const app_t *app, struct access *a, const uint8_t appeal[16], const char *slug)
{
	store_appeal_t ap;
	if (store_appeal_get(app->store, appeal, &ap) != STORE_OK)
		return -1;
	snprintf(ap.slug, sizeof(ap.slug), "%s", slug);
	struct pub_ctx x = { app, a, &ap, 0 };
	if (store_sub_approved_langs(app->store, appeal, publish_one, &x) != STORE_OK)
		return -1;
	return x.rc;
}

struct langs_ctx {
	char (*langs)[4];
	size_t n, max;
};

static int
lang_take(void *ctx, const char *lang)
{
	struct langs_ctx *x = ctx;
	if (x->n >= x->max)
		return 1;
	snprintf(x->langs[x->n++], 4, "%s", lang);
	return 0;
}

size_t
subtitles_public_langs(const app_t *app, const char *slug, char langs[][4], size_t max)
{
	store_appeal_t ap;
	if (store_appeal_by_slug(app->store, slug, &ap) != STORE_OK || ap.state != STORE_APPEAL_PUBLISHED)
		return 0;
	struct langs_ctx x = { langs, 0, max };
	if (store_sub_approved_langs(app->store, ap.id, lang_take, &x) != STORE_OK)
		return 0;
	return x.n;
}
