/* subtitles: subtitle versions of appeals (subtitles.h): opened through the editors' key,
 * sealed as items of the appeal's case under its staff-only secret, checked by subqc.h.
 * Every write is audited; plaintext lives only in wiped buffers for one call. */
#include "domain/subtitles_private.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/groups.h"
#include "domain/seal.h"
#include "domain/view.h"
#include "parse/srt.h"
#include "parse/webvtt.h"

bool
subtitles_allowed(const app_t *app, const staff_t *s)
{
	return (s->acct.roles & (ROLE_TRANSLATOR | ROLE_EDITOR)) && staff_group_holds(app, s, "editors") == 1;
}

bool
subs_is_editor(const staff_t *s)
{
	return (s->acct.roles & ROLE_EDITOR) != 0;
}

static bool
lang_ok(const app_t *app, const store_appeal_t *ap, const char *lang)
{
	if (strcmp(lang, ap->language) == 0)
		return true;
	for (size_t i = 0; i < app->config.sub_ntargets; i++)
		if (strcmp(lang, app->config.sub_targets[i]) == 0)
			return true;
	return false;
}

subs_status_t
subs_open(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, struct subs_open *o)
{
	memset(&o->ap, 0, sizeof(o->ap));
	o->a = NULL;
	if (!subtitles_allowed(app, s))
		return SUBS_NOT_FOUND;
	if (!(o->a = access_new()))
		return SUBS_ERROR;
	intake_status_t st = access_staff_in(app, s, appeal, "editors", o->a);
	if (st != INTAKE_OK)
		return st == INTAKE_NOT_FOUND ? SUBS_NOT_FOUND : SUBS_ERROR;
	if (o->a->row.stage != STAGE_APPEAL || store_appeal_get(app->store, appeal, &o->ap) != STORE_OK ||
	    !o->ap.has_clean || (o->ap.state != STORE_APPEAL_REVIEW && o->ap.state != STORE_APPEAL_PUBLISHED))
		return SUBS_NOT_FOUND;
	if (lang && !lang_ok(app, &o->ap, lang))
		return SUBS_NOT_FOUND;
	return SUBS_OK;
}

void
subs_close(struct subs_open *o)
{
	access_free(o->a);
	o->a = NULL;
}

int
subs_work_step(const store_appeal_t *ap, const char *lang)
{
	return strcmp(lang, ap->language) == 0 ? STORE_SUBTASK_TRANSCRIBE : STORE_SUBTASK_TRANSLATE;
}

bool
subs_taken_by_other(const store_subtask_t *t, const staff_t *s)
{
	return t->has_claimant && t->claimed_until > clock_hour() && sodium_memcmp(t->claimant, s->acct.id, 16) != 0;
}

void
subs_handle(const app_t *app, bool has, const uint8_t id[16], char out[33])
{
	store_account_t acct;
	out[0] = '\0';
	if (has && store_account_by_id(app->store, id, &acct) == STORE_OK)
		snprintf(out, 33, "%s", acct.handle);
	sodium_memzero(&acct, sizeof(acct));
}

/* ---- loading and saving ---- */

struct load_ctx {
	const app_t *app;
	struct access *a;
	sub_doc_t *doc;
	uint32_t next;
	store_subver_t meta;
	bool ok;
};

static int
load_one(void *ctx, const store_subver_t *v)
{
	struct load_ctx *x = ctx;
	buf_t pt;
	store_item_t it;
	memset(&it, 0, sizeof(it));
	memcpy(it.id, v->item, 16);
	it.kind = v->kind;
	it.role = v->role;
	it.field = v->field;
	it.ct = v->ct;
	it.ct_len = v->ct_len;
	x->meta = *v;
	x->meta.ct = NULL;
	x->meta.ct_len = 0;
	if (view_item_text(x->app, x->a, &it, &pt) == 0)
		x->ok = subv_decode((sv_t){ pt.data, pt.len }, x->doc, &x->next) == 0;
	buf_free(&pt);   /* wipes */
	return 0;
}

subs_status_t
subs_load(const app_t *app, struct access *a, const uint8_t appeal[16], const char *lang, uint32_t version, int state,
    sub_doc_t *doc, uint32_t *next, store_subver_t *meta)
{
	struct load_ctx x = { app, a, doc, 0, { { 0 } }, false };
	int rc = store_subver_get(app->store, appeal, lang, version, state, load_one, &x);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? SUBS_NOT_FOUND : SUBS_ERROR;
	if (!x.ok) {
		log_warnx("a subtitle version did not open");
		return SUBS_ERROR;
	}
	*next = x.next;
	if (meta)
		*meta = x.meta;
	return SUBS_OK;
}

subs_status_t
subs_load_source(const app_t *app, struct access *a, const store_appeal_t *ap, sub_doc_t *src)
{
	uint32_t next;
	subs_status_t st = subs_load(app, a, ap->id, ap->language, 0, STORE_SUBVER_APPROVED, src, &next, NULL);
	if (st == SUBS_NOT_FOUND)
		st = subs_load(app, a, ap->id, ap->language, 0, -1, src, &next, NULL);
	return st == SUBS_NOT_FOUND ? SUBS_OK : st;
}

void
subs_check(const app_t *app, const char *lang, const sub_doc_t *d, unsigned *problems, size_t *errors, size_t *warnings)
{
	subqc_rules_t r;
	subqc_rules_for(&app->config, lang, &r);
	*errors = *warnings = 0;
	for (size_t i = 0; i < d->ncues; i++) {
		const sub_cue_t *c = &d->cues[i];
		unsigned p = subqc_cue(&r, sub_cue_text(d, c), c->start, c->end, i > 0, i > 0 ? d->cues[i - 1].end : 0);
		if (problems)
			problems[i] = p;
		if (p & SUBQC_ERRORS)
			(*errors)++;
		else if (p)
			(*warnings)++;
	}
}

subs_status_t
subs_save(const app_t *app, const staff_t *s, struct access *a, const uint8_t appeal[16], const char *lang,
    const sub_doc_t *doc, uint32_t next, uint32_t replace, uint32_t *version)
{
	buf_t plain;
	struct sealed sd = { .n = 0 };
	buf_init(&plain, CASE_ITEM_PT_MAX);
	if (subv_encode(doc, next, &plain) != 0)
		return SUBS_TOO_LARGE;
	int64_t hour = clock_hour();
	int rc = seal_item_kind(app, a, &sd, CASE_KIND_NOTES, CASE_ROLE_STAFF, FIELD_SUBTITLES,
	    (sv_t){ plain.data, plain.len }, hour);
	buf_free(&plain);
	if (rc != 0)
		return SUBS_ERROR;
	store_subver_t v;
	memset(&v, 0, sizeof(v));
	memcpy(v.appeal, appeal, 16);
	snprintf(v.lang, sizeof(v.lang), "%s", lang);
	memcpy(v.item, sd.items[0].id, 16);
	v.kind = CASE_KIND_NOTES;
	v.role = CASE_ROLE_STAFF;
	v.field = FIELD_SUBTITLES;
	memcpy(v.author, s->acct.id, 16);
	v.created_hour = hour;
	v.ct = sd.items[0].ct;
	v.ct_len = sd.items[0].ct_len;
	v.version = replace;
	if (replace)
		rc = store_subver_replace(app->store, &v);
	else
		rc = store_subver_add(app->store, &v, &v.version);
	sealed_free(&sd);
	if (rc != STORE_OK)
		return rc == STORE_CONFLICT ? SUBS_STEP : SUBS_ERROR;
	*version = v.version;
	return SUBS_OK;
}

/* ---- the editor's view ---- */

subs_status_t
subtitles_view(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, uint32_t version,
    subs_view_t *out)
{
	struct subs_open o;
	store_subver_t meta;
	store_subtask_t t;
	uint32_t next = 0;
	memset(out, 0, sizeof(*out));
	sub_doc_init(&out->doc);
	sub_doc_init(&out->source);
	subs_status_t st = subs_open(app, s, appeal, lang, &o);
	if (st != SUBS_OK)
		goto done;
	memcpy(out->appeal, appeal, 16);
	snprintf(out->lang, sizeof(out->lang), "%s", lang);
	snprintf(out->src, sizeof(out->src), "%s", o.ap.language);
	out->is_source = strcmp(lang, o.ap.language) == 0;
	out->duration = o.ap.duration;
	if (!out->is_source && (st = subs_load_source(app, o.a, &o.ap, &out->source)) != SUBS_OK)
		goto done;
	st = subs_load(app, o.a, appeal, lang, version, -1, &out->doc, &next, &meta);
	if (st == SUBS_NOT_FOUND && version == 0) {
		/* nothing yet: a translation starts from the source's cues, empty */
		st = out->is_source ? SUBS_OK : subv_blank(&out->source, &out->doc) == 0 ? SUBS_OK : SUBS_ERROR;
		subv_number(&out->doc, &next);   /* numbered in order, as subtitles_edit numbers it */
	} else if (st == SUBS_OK) {
		out->exists = true;
		out->version = meta.version;
		out->state = meta.state;
		subs_handle(app, true, meta.author, out->author);
		subs_handle(app, meta.has_reviewer, meta.reviewer, out->reviewer);
		subs_handle(app, meta.has_approver, meta.approver, out->approver);
		store_subver_t newest;
		sub_doc_t tmp;
		sub_doc_init(&tmp);
		out->newest = meta.version;
		if (version && subs_load(app, o.a, appeal, lang, 0, -1, &tmp, &next, &newest) == SUBS_OK)
			out->newest = newest.version;
		sub_doc_free(&tmp);
	}
	if (st != SUBS_OK)
		goto done;
	if (!out->is_source)
		out->orphans = subv_follow(&out->doc, &out->source);
	out->problems = calloc(out->doc.ncues ? out->doc.ncues : 1, sizeof(unsigned));
	if (!out->problems) {
		st = SUBS_ERROR;
		goto done;
	}
	subs_check(app, lang, &out->doc, out->problems, &out->errors, &out->warnings);
	if (store_subtask_of(app->store, appeal, lang, &t) == STORE_OK) {
		out->has_task = true;
		memcpy(out->task.id, t.id, 16);
		memcpy(out->task.appeal, appeal, 16);
		snprintf(out->task.src, sizeof(out->task.src), "%s", t.src);
		snprintf(out->task.lang, sizeof(out->task.lang), "%s", t.lang);
		out->task.kind = t.kind;
		out->task.taken = t.has_claimant && t.claimed_until > clock_hour();
		out->task.taken_by_me = out->task.taken && sodium_memcmp(t.claimant, s->acct.id, 16) == 0;
		out->task.version = t.version;
		bool free_for_me = !subs_taken_by_other(&t, s);
		bool mine = out->exists && sodium_memcmp(meta.author, s->acct.id, 16) == 0;
		bool newest = !out->exists || out->version == out->newest;
		out->may_edit = free_for_me && newest && (subs_is_editor(s) || out->task.taken_by_me) &&
		    t.kind != STORE_SUBTASK_REVIEW && t.kind != STORE_SUBTASK_APPROVE;
		out->may_submit = free_for_me && newest && mine && out->state == STORE_SUBVER_DRAFT &&
		    t.kind == subs_work_step(&o.ap, lang);
		out->may_review = free_for_me && t.kind == STORE_SUBTASK_REVIEW && out->version == t.version && !mine;
		out->may_approve = free_for_me && subs_is_editor(s) && t.kind == STORE_SUBTASK_APPROVE &&
		    out->version == t.version && !mine &&
		    !(meta.has_reviewer && sodium_memcmp(meta.reviewer, s->acct.id, 16) == 0);
	}
	out->aids = subs_aids_ensure(app, o.a, &o.ap);   /* made once per clean video */
	out->transcriber = app->config.sub_transcribe_cmd[0] != '\0';
	store_subaids_t aids;
	if (store_subaids_get(app->store, appeal, &aids) == STORE_OK)
		out->transcribing = aids.transcribing;
	audit_case(app, o.a, s->acct.id, AUDIT_SUB_READ);
done:
	subs_close(&o);
	if (st != SUBS_OK)
		subtitles_view_free(out);
	return st;
}

void
subtitles_view_free(subs_view_t *v)
{
	sub_doc_free(&v->doc);
	sub_doc_free(&v->source);
	free(v->problems);
	v->problems = NULL;
}

struct vrows_ctx {
	const app_t *app;
	subs_version_row_t *rows;
	size_t n;
};

static int
vrow_take(void *ctx, const store_subver_t *v)
{
	struct vrows_ctx *x = ctx;
	if (x->n >= SUBS_VERSIONS_MAX)
		return 1;
	subs_version_row_t *r = &x->rows[x->n++];
	r->version = v->version;
	r->state = v->state;
	r->hour = v->created_hour;
	subs_handle(x->app, true, v->author, r->author);
	return 0;
}

subs_status_t
subtitles_versions(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang,
    subs_version_row_t rows[SUBS_VERSIONS_MAX], size_t *n)
{
	struct subs_open o;
	*n = 0;
	subs_status_t st = subs_open(app, s, appeal, lang, &o);
	if (st == SUBS_OK) {
		struct vrows_ctx x = { app, rows, 0 };
		st = store_subvers_each(app->store, appeal, lang, vrow_take, &x) == STORE_OK ? SUBS_OK : SUBS_ERROR;
		*n = x.n;
	}
	subs_close(&o);
	return st;
}

subs_status_t
subtitles_video(const app_t *app, const staff_t *s, const uint8_t appeal[16], sv_t range, case_file_out_t *out)
{
	struct subs_open o;
	store_attachment_t at;
	memset(out, 0, sizeof(*out));
	subs_status_t st = subs_open(app, s, appeal, NULL, &o);
	if (st == SUBS_OK) {
		intake_status_t is = store_attachment_get(app->store, o.ap.clean, &at) == STORE_OK
		    ? view_file_part(app, o.a, &at, range, s->acct.id, out)
		    : INTAKE_NOT_FOUND;
		st = is == INTAKE_OK ? SUBS_OK : is == INTAKE_NOT_FOUND ? SUBS_NOT_FOUND : is == INTAKE_BUSY ? SUBS_BUSY : SUBS_ERROR;
	}
	subs_close(&o);
	return st;
}
