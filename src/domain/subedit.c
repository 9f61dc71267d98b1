/* subedit: changes to subtitle versions (subtitles.h): the cue editor's actions, imports,
 * restores, and exports. A change is allowed to whoever has taken the task (an editor
 * also without taking it, while nobody else holds it), never while it is in review or
 * approval; it changes her own newest draft in place, or makes a new version. */
#include "domain/subtitles_private.h"

#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "parse/srt.h"
#include "parse/webvtt.h"

static subs_status_t
change_begin(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, struct subs_open *o,
    store_subtask_t *t)
{
	subs_status_t st = subs_open(app, s, appeal, lang, o);
	if (st != SUBS_OK)
		return st;
	int rc = store_subtask_of(app->store, appeal, lang, t);
	if (rc == STORE_NOT_FOUND && subs_is_editor(s)) {
		if (subs_tasks_ensure(app, &o->ap) != 0)
			return SUBS_ERROR;
		rc = store_subtask_of(app->store, appeal, lang, t);
	}
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? SUBS_STEP : SUBS_ERROR;
	if (t->kind == STORE_SUBTASK_REVIEW || t->kind == STORE_SUBTASK_APPROVE)
		return SUBS_STEP;
	if (subs_taken_by_other(t, s))
		return SUBS_TAKEN;
	bool mine = t->has_claimant && t->claimed_until > clock_hour() && sodium_memcmp(t->claimant, s->acct.id, 16) == 0;
	if (!mine && !subs_is_editor(s))
		return SUBS_TAKEN;   /* a translator takes the task first */
	return SUBS_OK;
}

/* After a change to an approved language, its work starts again. */
static void
change_end(const app_t *app, const store_appeal_t *ap, const store_subtask_t *t, const char *lang)
{
	if (t->kind == STORE_SUBTASK_DONE &&
	    store_subtask_move(app->store, t->id, STORE_SUBTASK_DONE, subs_work_step(ap, lang), 0) != STORE_OK)
		log_warnx("a subtitle task could not start again after a change");
}

subs_status_t
subtitles_edit(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, const subs_edit_t *e,
    uint32_t *version)
{
	struct subs_open o;
	store_subtask_t t;
	store_subver_t meta;
	sub_doc_t cur, source, mid, out;
	uint32_t next = 0;
	bool exists = false;
	sub_doc_init(&cur);
	sub_doc_init(&source);
	sub_doc_init(&mid);
	sub_doc_init(&out);
	subs_status_t st = change_begin(app, s, appeal, lang, &o, &t);
	if (st != SUBS_OK)
		goto done;
	bool is_source = strcmp(lang, o.ap.language) == 0;
	if (!is_source && e->op != SUBS_OP_SAVE) {
		st = SUBS_STEP;   /* a translation's cues are its source's */
		goto done;
	}
	if (!is_source && (st = subs_load_source(app, o.a, &o.ap, &source)) != SUBS_OK)
		goto done;
	st = subs_load(app, o.a, appeal, lang, 0, -1, &cur, &next, &meta);
	if (st == SUBS_OK)
		exists = true;
	else if (st == SUBS_NOT_FOUND)
		st = is_source || subv_blank(&source, &cur) == 0 ? SUBS_OK : SUBS_ERROR;
	if (st != SUBS_OK)
		goto done;
	if (!exists)
		subv_number(&cur, &next);   /* as subtitles_view numbered the empty page she filled */
	if (!is_source)
		(void)subv_follow(&cur, &source);
	st = SUBS_TOO_LARGE;
	if (subv_set(&cur, e->edits, e->nedits, !is_source, &mid) != 0)
		goto done;
	if (e->op == SUBS_OP_SHIFT ? subv_shift(&mid, e->shift_ms, &out) != 0
	    : e->op != SUBS_OP_SAVE ? subv_apply(&mid, &next, (subv_op_t)e->op, e->cid, &out) != 0
	                            : subv_set(&mid, NULL, 0, true, &out) != 0) {
		st = e->op == SUBS_OP_SAVE || e->op == SUBS_OP_SHIFT ? SUBS_TOO_LARGE : SUBS_NOT_FOUND;
		goto done;
	}
	subv_number(&out, &next);
	bool her_draft = exists && meta.state == STORE_SUBVER_DRAFT && sodium_memcmp(meta.author, s->acct.id, 16) == 0;
	st = subs_save(app, s, o.a, appeal, lang, &out, next, her_draft ? meta.version : 0, version);
	if (st == SUBS_OK) {
		change_end(app, &o.ap, &t, lang);
		audit_case(app, o.a, s->acct.id, AUDIT_SUB_SAVE);
	}
done:
	sub_doc_free(&cur);
	sub_doc_free(&source);
	sub_doc_free(&mid);
	sub_doc_free(&out);
	subs_close(&o);
	return st;
}

subs_status_t
subtitles_import(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, sv_t bytes,
    subs_format_t format, int encoding, subs_import_t *res)
{
	struct subs_open o;
	store_subtask_t t;
	sub_doc_t doc, old, source;
	uint32_t next = 0;
	memset(res, 0, sizeof(*res));
	sub_doc_init(&doc);
	sub_doc_init(&old);
	sub_doc_init(&source);
	subs_status_t st = change_begin(app, s, appeal, lang, &o, &t);
	if (st != SUBS_OK)
		goto done;
	res->err = format == SUBS_SRT ? srt_parse(bytes, encoding, &doc, &res->line) : webvtt_parse(bytes, &doc, &res->line);
	if (res->err == SUB_OK && doc.skipped) {
		/* a block the browser would drop: better said now than lost */
		res->err = doc.first_bad;
		res->line = doc.first_bad_line;
	}
	if (res->err != SUB_OK) {
		st = SUBS_BAD_FILE;
		goto done;
	}
	st = subs_load(app, o.a, appeal, lang, 0, -1, &old, &next, NULL);
	if (st == SUBS_NOT_FOUND)
		st = SUBS_OK;
	if (st != SUBS_OK)
		goto done;
	subv_sort(&doc);
	if (strcmp(lang, o.ap.language) != 0) {
		if ((st = subs_load_source(app, o.a, &o.ap, &source)) != SUBS_OK)
			goto done;
		subv_link(&doc, &source);
	}
	subv_number(&doc, &next);
	res->ncues = doc.ncues;
	st = subs_save(app, s, o.a, appeal, lang, &doc, next, 0, &res->version);
	if (st == SUBS_OK) {
		change_end(app, &o.ap, &t, lang);
		audit_case(app, o.a, s->acct.id, AUDIT_SUB_SAVE);
	}
done:
	sub_doc_free(&doc);
	sub_doc_free(&old);
	sub_doc_free(&source);
	subs_close(&o);
	return st;
}

subs_status_t
subtitles_restore(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, uint32_t version,
    uint32_t *new_version)
{
	struct subs_open o;
	store_subtask_t t;
	sub_doc_t doc, newest;
	uint32_t next = 0, next_newest = 0;
	sub_doc_init(&doc);
	sub_doc_init(&newest);
	subs_status_t st = change_begin(app, s, appeal, lang, &o, &t);
	if (st == SUBS_OK && version == 0)
		st = SUBS_NOT_FOUND;
	if (st == SUBS_OK)
		st = subs_load(app, o.a, appeal, lang, version, -1, &doc, &next, NULL);
	if (st == SUBS_OK)
		st = subs_load(app, o.a, appeal, lang, 0, -1, &newest, &next_newest, NULL);
	if (st == SUBS_OK) {
		/* cue ids stay unique across versions: new ones after the newest's */
		st = subs_save(app, s, o.a, appeal, lang, &doc, next > next_newest ? next : next_newest, 0, new_version);
	}
	if (st == SUBS_OK) {
		change_end(app, &o.ap, &t, lang);
		audit_case(app, o.a, s->acct.id, AUDIT_SUB_RESTORE);
	}
	sub_doc_free(&doc);
	sub_doc_free(&newest);
	subs_close(&o);
	return st;
}

/* Version version of lang, timed (a translation by its source), into doc. */
static subs_status_t
timed(const app_t *app, struct access *a, const store_appeal_t *ap, const char *lang, uint32_t version, int state,
    sub_doc_t *doc)
{
	sub_doc_t source;
	uint32_t next;
	subs_status_t st = subs_load(app, a, ap->id, lang, version, state, doc, &next, NULL);
	if (st != SUBS_OK || strcmp(lang, ap->language) == 0)
		return st;
	sub_doc_init(&source);
	/* an approved translation follows the approved source; a draft, the newest */
	st = state == STORE_SUBVER_APPROVED
	    ? subs_load(app, a, ap->id, ap->language, 0, STORE_SUBVER_APPROVED, &source, &next, NULL)
	    : subs_load_source(app, a, ap, &source);
	if (st == SUBS_NOT_FOUND)
		st = SUBS_OK;
	if (st == SUBS_OK)
		(void)subv_follow(doc, &source);
	sub_doc_free(&source);
	return st;
}

subs_status_t
subtitles_export(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, uint32_t version,
    subs_format_t format, buf_t *out)
{
	struct subs_open o;
	sub_doc_t doc;
	sub_doc_init(&doc);
	subs_status_t st = subs_open(app, s, appeal, lang, &o);
	if (st == SUBS_OK)
		st = timed(app, o.a, &o.ap, lang, version, -1, &doc);
	if (st == SUBS_OK && (format == SUBS_SRT ? srt_write(&doc, out) : webvtt_write(&doc, out)) != 0)
		st = SUBS_TOO_LARGE;
	if (st == SUBS_OK)
		audit_case(app, o.a, s->acct.id, AUDIT_SUB_READ);
	sub_doc_free(&doc);
	subs_close(&o);
	return st;
}

subs_status_t
subs_approved_vtt(const app_t *app, struct access *a, const store_appeal_t *ap, const char *lang, buf_t *out)
{
	sub_doc_t doc;
	sub_doc_init(&doc);
	subs_status_t st = timed(app, a, ap, lang, 0, STORE_SUBVER_APPROVED, &doc);
	if (st == SUBS_OK && webvtt_write(&doc, out) != 0)
		st = SUBS_TOO_LARGE;
	sub_doc_free(&doc);
	return st;
}

subs_status_t
subtitles_approved_webvtt(const app_t *app, const staff_t *s, const uint8_t appeal[16], const char *lang, buf_t *out)
{
	struct subs_open o;
	subs_status_t st = subs_open(app, s, appeal, lang, &o);
	if (st == SUBS_OK)
		st = subs_approved_vtt(app, o.a, &o.ap, lang, out);
	subs_close(&o);
	return st;
}
