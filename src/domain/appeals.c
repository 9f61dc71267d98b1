/* appeals: video appeals from the upload to the gallery and back out (appeals.h). Every
 * editor's action goes through the editors' key (access_staff_in) and is audited; the
 * uploader acts through her receipt's mailbox session. Publishing is the only step that
 * writes anything in the clear, and withdrawal undoes it first. */
#include "domain/appeals.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/casework.h"
#include "domain/groups.h"
#include "domain/mediajobs.h"
#include "domain/retention.h"
#include "domain/subtitles.h"
#include "domain/submit.h"
#include "store/blobs.h"
#include "store/reach.h"
#include "vault/secmem.h"

#define APPEAL_CONSENT_RECORD "consent v1: publish on sava's gallery and social platforms; withdraw any time"

bool
appeal_rules(const appeal_form_t *f, size_t nfiles, appeal_rules_t *out)
{
	out->language = f->language.len == 0 ? RULE_EMPTY : rule_choice(casework_languages, f->language);
	out->shown_name = rule_length(f->shown_name, APPEAL_NAME_MAX_CHARS);
	if (out->shown_name == RULE_OK && f->shown_name.len > STORE_SHOWN_NAME_MAX)
		out->shown_name = RULE_TOO_LONG;
	out->text = rule_length(f->text, APPEAL_TEXT_MAX_CHARS);
	if (out->text == RULE_OK && f->text.len > STORE_SHOWN_TEXT_MAX)
		out->text = RULE_TOO_LONG;
	out->consent = sv_eq(f->consent, SV("yes")) ? RULE_OK : RULE_EMPTY;
	out->video = nfiles == 1 ? RULE_OK : RULE_EMPTY;
	return !out->language && !out->shown_name && !out->text && !out->consent && !out->video;
}

upload_t *
appeal_upload_new(const app_t *app)
{
	return upload_new_for(app, 1, (uint64_t)app->config.appeal_max_mb << 20);
}

bool
appeals_open(const app_t *app)
{
	store_group_t g;
	return store_group_get(app->store, "editors", &g) == STORE_OK;
}

intake_status_t
appeals_admit(const app_t *app)
{
	size_t counts[6];
	if (!appeals_open(app))
		return INTAKE_CLOSED;
	if (app->config.appeal_waiting_max) {
		if (store_appeal_counts(app->store, counts) != STORE_OK)
			return INTAKE_ERROR;
		if (counts[STORE_APPEAL_WAITING] + counts[STORE_APPEAL_CLEANING] + counts[STORE_APPEAL_REVIEW] >=
		    app->config.appeal_waiting_max)
			return INTAKE_OVERLOADED;
	}
	return INTAKE_OK;
}

bool
appeals_allowed(const app_t *app, const staff_t *s)
{
	return (s->acct.roles & ROLE_EDITOR) && staff_group_holds(app, s, "editors") == 1;
}

static void
appeal_audit(const app_t *app, const uint8_t id[16], uint32_t slot, const uint8_t *actor, audit_action_t action)
{
	uint8_t object[16];
	if (case_audit_id(app->vault, id, slot, object) != VAULT_OK ||
	    audit_append(app->vault, app->store, actor, action, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
}

/* ---- a new appeal ---- */

struct appeal_commit {
	const staff_t *editor;
	char language[4];
	uint8_t id[16];
	case_file_keys_t *keys;     /* for its cleaning, once stored */
};

static int
appeal_commit(const app_t *app, void *ctx, struct access *a, const store_case_t *row, const store_copy_t *copies,
    size_t ncopies, const store_item_t *items, size_t nitems, const store_attachment_t *att, size_t natt)
{
	struct appeal_commit *c = ctx;
	store_appeal_t ap;
	if (natt != 1)
		return STORE_ERROR;
	memset(&ap, 0, sizeof(ap));
	memcpy(ap.id, row->id, 16);
	snprintf(ap.language, sizeof(ap.language), "%s", c->language);
	if (c->editor) {
		/* she registered it; it is approved only once its clean copy exists, and
		 * published by someone other than whoever approved it */
		ap.has_registered_by = true;
		memcpy(ap.registered_by, c->editor->acct.id, 16);
	}
	ap.poster_at = 1;
	ap.created_hour = row->created_hour;
	int rc = store_appeal_create(app->store, row, copies, ncopies, items, nitems, &att[0], &ap);
	if (rc != STORE_OK)
		return rc;
	memcpy(c->id, row->id, 16);
	case_keys_t *k = access_keys(app, a);
	if (!k || case_file_keys_new(k, att[0].id, att[0].fk_wrap, &c->keys) != VAULT_OK) {
		c->keys = NULL;   /* stored: an editor's page queues its cleaning */
		log_warnx("an appeal's cleaning could not be queued now; an editor's page will queue it");
	}
	appeal_audit(app, row->id, row->slot, c->editor ? c->editor->acct.id : NULL, AUDIT_APPEAL_ADD);
	return STORE_OK;
}

intake_status_t
appeal_submit(const app_t *app, lang_t lang, const staff_t *editor, const appeal_form_t *f, upload_t *u,
    uint8_t id[16], char receipt[RECEIPT_DIGITS_MAX + 1])
{
	appeal_rules_t r;
	if (editor && !appeals_allowed(app, editor))
		return INTAKE_NOT_FOUND;
	if (!appeal_rules(f, upload_count(u), &r))
		return INTAKE_INVALID;
	intake_status_t admit = editor ? INTAKE_OK : appeals_admit(app);
	if (admit != INTAKE_OK)
		return admit;
	struct appeal_commit c = { .editor = editor };
	snprintf(c.language, sizeof(c.language), "%.*s", (int)f->language.len, f->language.p);
	const struct submit_target target = { .group = "editors", .stage = STAGE_APPEAL, .commit = appeal_commit, .ctx = &c };
	const struct submit_field fields[] = {
		{ FIELD_LANGUAGES, f->language }, { FIELD_SHOWN_NAME, f->shown_name }, { FIELD_MESSAGE, f->text },
		{ FIELD_CONSENT, editor ? SV("registered by an editor") : SV(APPEAL_CONSENT_RECORD) },
	};
	intake_status_t st = case_submit(app, lang, &target, fields, 4, u, receipt);
	if (st == INTAKE_OK) {
		memcpy(id, c.id, 16);
		if (c.keys)
			(void)mediajobs_enqueue(app, c.id, c.keys, 1);   /* takes the keys */
	} else if (c.keys) {
		case_file_keys_free(c.keys);
	}
	return st;
}

/* ---- withdrawal: public files first, then the row, then the case ---- */

static intake_status_t
withdraw(const app_t *app, const store_appeal_t *ap, uint32_t slot, const uint8_t *actor)
{
	if (ap->state == STORE_APPEAL_WITHDRAWN)
		return INTAKE_NOT_FOUND;
	if (ap->slug[0] && store_media_remove(app->store, ap->slug) != STORE_OK) {
		log_warnx("an appeal's public files could not all be deleted; it stays published until they are");
		return INTAKE_ERROR;
	}
	char slug[STORE_SLUG_MAX + 1];
	int rc = store_appeal_withdrawn(app->store, ap->id, slug);
	if (rc != STORE_OK)
		return rc == STORE_CONFLICT ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	mediajobs_cancel(ap->id);   /* a cleaning under way stops reading her original */
	/* published a moment ago, after the row was first read: those files go too */
	if (slug[0] && store_media_remove(app->store, slug) != STORE_OK)
		log_warnx("a withdrawn appeal's public files could not all be deleted: DIR/media/%s", slug);
	/* where it was posted, and how many saw it, go too: nothing keeps her appeal's id
	 * beside the addresses of her video */
	size_t posts = 0;
	if (store_reach_forget_appeal(app->store, ap->id, &posts) != STORE_OK)
		log_warnx("a withdrawn appeal's reach records could not be deleted; the next purge does it");
	/* audited before the key goes: a shred the purge finishes later is in the log already */
	appeal_audit(app, ap->id, slot, actor, AUDIT_APPEAL_WITHDRAW);
	if (case_destroy(app, ap->id, slot, actor, 0) != 0)
		log_warnx("a withdrawn appeal's key could not be destroyed yet; the next purge does it");
	else if (store_compact(app->store) != STORE_OK)   /* no page of it left in the WAL */
		log_warnx("the database could not be checkpointed after a withdrawal");
	return INTAKE_OK;
}

intake_status_t
appeal_status(const app_t *app, const mailbox_t *m, appeal_status_t *out)
{
	store_appeal_t ap;
	memset(out, 0, sizeof(*out));
	int rc = store_appeal_get(app->store, m->case_id, &ap);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	out->state = ap.state;
	snprintf(out->slug, sizeof(out->slug), "%s", ap.slug);
	snprintf(out->refusal, sizeof(out->refusal), "%s", ap.refusal);
	return ap.state == STORE_APPEAL_WITHDRAWN ? INTAKE_NOT_FOUND : INTAKE_OK;
}

intake_status_t
appeal_withdraw_mine(const app_t *app, const mailbox_t *m)
{
	store_appeal_t ap;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = access_requester(app, &m->sess, m->case_id, a);
	if (st == INTAKE_OK && a->row.stage != STAGE_APPEAL)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK) {
		int rc = store_appeal_get(app->store, m->case_id, &ap);
		st = rc == STORE_OK ? withdraw(app, &ap, a->row.slot, NULL) : rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	}
	access_free(a);
	return st;
}

/* ---- editors ---- */

/* An editor's way into an appeal: the editors' key; anything else is NOT_FOUND. */
static intake_status_t
editor_access(const app_t *app, const staff_t *s, const uint8_t id[16], struct access *a, store_appeal_t *ap)
{
	if (!appeals_allowed(app, s))
		return INTAKE_NOT_FOUND;
	intake_status_t st = access_staff_in(app, s, id, "editors", a);
	if (st == INTAKE_OK && a->row.stage != STAGE_APPEAL)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK) {
		int rc = store_appeal_get(app->store, id, ap);
		st = rc == STORE_OK ? INTAKE_OK : rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	}
	return st;
}

/* The cleaning of ap, queued with this editor's keys (after a restart, or a retry). */
static bool
rearm(const app_t *app, const staff_t *s, const store_appeal_t *ap)
{
	store_attachment_t at;
	case_file_keys_t *keys = NULL;
	struct access *a = access_new();
	bool ok = false;
	if (a && ap->has_original && !mediajobs_queued(ap->id) &&
	    access_staff_in(app, s, ap->id, "editors", a) == INTAKE_OK &&
	    store_attachment_get(app->store, ap->original, &at) == STORE_OK && access_keys(app, a) &&
	    case_file_keys_new(access_keys(app, a), at.id, at.fk_wrap, &keys) == VAULT_OK)
		ok = mediajobs_enqueue(app, ap->id, keys, ap->poster_at);
	access_free(a);
	return ok;
}

struct rows_ctx {
	const staff_t *s;
	appeal_row_t *rows;
	size_t n;
};

static void
row_of(const staff_t *s, const store_appeal_t *ap, appeal_row_t *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->id, ap->id, 16);
	r->state = ap->state;
	snprintf(r->language, sizeof(r->language), "%s", ap->language);
	snprintf(r->refusal, sizeof(r->refusal), "%s", ap->refusal);
	r->duration = ap->duration;
	r->width = ap->width;
	r->height = ap->height;
	r->approved = ap->has_approved_by;
	r->mine_to_publish = ap->state == STORE_APPEAL_REVIEW && ap->has_approved_by &&
	    sodium_memcmp(ap->approved_by, s->acct.id, 16) != 0;
	r->created_hour = ap->created_hour;
}

static int
rows_take(void *ctx, const store_appeal_t *ap)
{
	struct rows_ctx *x = ctx;
	if (x->n < APPEALS_PAGE)
		row_of(x->s, ap, &x->rows[x->n++]);
	return 0;
}

struct rearm_ctx {
	const app_t *app;
	const staff_t *s;
	size_t tried;
};

static int
rearm_one(void *ctx, int kind, const uint8_t object[16], unsigned attempts)
{
	struct rearm_ctx *x = ctx;
	store_appeal_t ap;
	(void)attempts;
	if (kind != STORE_JOB_CLEAN || mediajobs_queued(object) || store_appeal_get(x->app->store, object, &ap) != STORE_OK ||
	    ap.state != STORE_APPEAL_WAITING)
		return 0;
	(void)rearm(x->app, x->s, &ap);
	return ++x->tried >= 4;   /* a few per page: the page stays quick */
}

intake_status_t
appeals_list(const app_t *app, const staff_t *s, int state, size_t offset, appeal_row_t rows[APPEALS_PAGE], size_t *n,
    size_t *total, size_t counts[6])
{
	*n = 0;
	if (!appeals_allowed(app, s))
		return INTAKE_NOT_FOUND;
	struct rearm_ctx r = { app, s, 0 };
	if (store_jobs_each(app->store, rearm_one, &r) != STORE_OK)
		log_warnx("the media jobs could not be read");
	struct rows_ctx x = { s, rows, 0 };
	if (store_appeal_counts(app->store, counts) != STORE_OK ||
	    store_appeals_list(app->store, state, offset, APPEALS_PAGE, rows_take, &x, total) != STORE_OK)
		return INTAKE_ERROR;
	*n = x.n;
	return INTAKE_OK;
}

static void
handle_of(const app_t *app, bool has, const uint8_t id[16], char out[33])
{
	store_account_t acct;
	out[0] = '\0';
	if (has && store_account_by_id(app->store, id, &acct) == STORE_OK)
		snprintf(out, 33, "%s", acct.handle);
	sodium_memzero(&acct, sizeof(acct));
}

struct items_ctx {
	const app_t *app;
	struct access *a;
	appeal_view_t *v;
};

static int
item_take(void *ctx, const store_item_t *it)
{
	struct items_ctx *x = ctx;
	buf_t *dst = it->field == FIELD_SHOWN_NAME ? &x->v->shown_name
	    : it->field == FIELD_MESSAGE           ? &x->v->text
	    : it->field == FIELD_CONSENT           ? &x->v->consent
	    : it->field == FIELD_LANGUAGES         ? &x->v->language
	                                           : NULL;
	if (!dst || it->kind != CASE_KIND_CASE || dst->data)
		return 0;
	if (view_item_text(x->app, x->a, it, dst) != 0)
		buf_free(dst);
	return 0;
}

intake_status_t
appeal_view(const app_t *app, const staff_t *s, const uint8_t id[16], appeal_view_t *out)
{
	store_appeal_t ap;
	memset(out, 0, sizeof(*out));
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = editor_access(app, s, id, a, &ap);
	if (st == INTAKE_OK) {
		struct items_ctx x = { app, a, out };
		row_of(s, &ap, &out->row);
		out->registered_by_editor = ap.has_registered_by;
		out->approved_by_me = ap.has_approved_by && sodium_memcmp(ap.approved_by, s->acct.id, 16) == 0;
		handle_of(app, ap.has_approved_by, ap.approved_by, out->approved_by);
		handle_of(app, ap.has_published_by, ap.published_by, out->published_by);
		handle_of(app, ap.has_registered_by, ap.registered_by, out->registered_by);
		snprintf(out->slug, sizeof(out->slug), "%s", ap.slug);
		out->has_original = ap.has_original;
		out->has_clean = ap.has_clean;
		if (store_case_items(app->store, id, item_take, &x) != STORE_OK)
			st = INTAKE_ERROR;
		else
			audit_case(app, a, s->acct.id, AUDIT_APPEAL_READ);
	}
	if (st != INTAKE_OK)
		appeal_view_free(out);
	access_free(a);
	return st;
}

void
appeal_view_free(appeal_view_t *v)
{
	buf_free(&v->shown_name);
	buf_free(&v->text);
	buf_free(&v->consent);
	buf_free(&v->language);
}

intake_status_t
appeal_file(const app_t *app, const staff_t *s, const uint8_t id[16], int which, sv_t range, case_file_out_t *out)
{
	store_appeal_t ap;
	store_attachment_t at;
	memset(out, 0, sizeof(*out));
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = editor_access(app, s, id, a, &ap);
	const uint8_t *aid = which == 0 ? ap.clean : ap.poster;
	if (st == INTAKE_OK && !(which == 0 ? ap.has_clean : ap.has_poster))
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK)
		st = store_attachment_get(app->store, aid, &at) == STORE_OK ? view_file_part(app, a, &at, range, s->acct.id, out) :
		                                                                INTAKE_NOT_FOUND;
	access_free(a);
	return st;
}

intake_status_t
appeal_approve(const app_t *app, const staff_t *s, const uint8_t id[16])
{
	store_appeal_t ap;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = editor_access(app, s, id, a, &ap);
	if (st == INTAKE_OK) {
		int rc = store_appeal_approve(app->store, id, s->acct.id);
		st = rc == STORE_OK ? INTAKE_OK : rc == STORE_CONFLICT ? INTAKE_INVALID : INTAKE_ERROR;
	}
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_APPEAL_APPROVE);
	access_free(a);
	return st;
}

intake_status_t
appeal_publish(const app_t *app, const staff_t *s, const uint8_t id[16])
{
	store_appeal_t ap;
	appeal_view_t v;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	memset(&v, 0, sizeof(v));
	intake_status_t st = editor_access(app, s, id, a, &ap);
	if (st == INTAKE_OK && (ap.state != STORE_APPEAL_REVIEW || !ap.has_approved_by || !ap.has_clean || !ap.has_poster ||
	                           sodium_memcmp(ap.approved_by, s->acct.id, 16) == 0))
		st = INTAKE_INVALID;   /* two people, always: the approval was someone else's */
	char slug[STORE_SLUG_MAX + 1];
	uint8_t rnd[16];   /* 32 hex digits: unguessable until it is published */
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(slug, sizeof(slug), rnd, sizeof(rnd));
	if (st == INTAKE_OK) {
		struct items_ctx x = { app, a, &v };
		if (store_case_items(app->store, id, item_take, &x) != STORE_OK ||
		    view_publish_file(app, a, ap.clean, slug, "video.mp4") != 0 ||
		    view_publish_file(app, a, ap.poster, slug, "poster.jpg") != 0)
			st = INTAKE_ERROR;
		/* subtitles approved before publication go public with it */
		else if (subtitles_publish_all(app, a, id, slug) != 0)
			log_warnx("an appeal's approved subtitles could not all be published with it");
	}
	if (st == INTAKE_OK) {
		char name[STORE_SHOWN_NAME_MAX + 1], text[STORE_SHOWN_TEXT_MAX + 1];
		snprintf(name, sizeof(name), "%.*s", (int)v.shown_name.len, v.shown_name.data ? v.shown_name.data : "");
		snprintf(text, sizeof(text), "%.*s", (int)v.text.len, v.text.data ? v.text.data : "");
		int rc = store_appeal_publish(app->store, id, s->acct.id, slug, name, text, clock_hour());
		st = rc == STORE_OK ? INTAKE_OK : rc == STORE_CONFLICT ? INTAKE_INVALID : INTAKE_ERROR;
	}
	if (st == INTAKE_OK) {
		audit_case(app, a, s->acct.id, AUDIT_APPEAL_PUBLISH);
		if (subtitles_publish_burns(app, a, id) != 0)   /* the burned-in captions beside it */
			log_warnx("an appeal's burned-in captions could not all be published with it");
	} else if (store_media_remove(app->store, slug) != STORE_OK)
		log_warnx("an appeal's half-published files could not be deleted");
	appeal_view_free(&v);
	access_free(a);
	return st;
}

intake_status_t
appeal_withdraw(const app_t *app, const staff_t *s, const uint8_t id[16])
{
	store_appeal_t ap;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = editor_access(app, s, id, a, &ap);
	if (st == INTAKE_OK)
		st = withdraw(app, &ap, a->row.slot, s->acct.id);
	access_free(a);
	return st;
}

intake_status_t
appeal_reclean(const app_t *app, const staff_t *s, const uint8_t id[16])
{
	store_appeal_t ap;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = editor_access(app, s, id, a, &ap);
	if (st == INTAKE_OK && (!ap.has_original || store_appeal_retry(app->store, id, clock_hour()) != STORE_OK))
		st = INTAKE_INVALID;   /* only while its original exists, before it was cleaned */
	if (st == INTAKE_OK) {
		audit_case(app, a, s->acct.id, AUDIT_APPEAL_RECLEAN);
		ap.state = STORE_APPEAL_WAITING;
		(void)rearm(app, s, &ap);
	}
	access_free(a);
	return st;
}

/* ---- the public ---- */

static void
public_of(const store_appeal_t *ap, appeal_public_t *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->slug, sizeof(p->slug), "%s", ap->slug);
	snprintf(p->language, sizeof(p->language), "%s", ap->language);
	snprintf(p->shown_name, sizeof(p->shown_name), "%s", ap->shown_name);
	snprintf(p->shown_text, sizeof(p->shown_text), "%s", ap->shown_text);
	p->duration = ap->duration;
	p->width = ap->width;
	p->height = ap->height;
	p->published_hour = ap->published_hour;
}

struct gallery_ctx {
	appeal_public_t *rows;
	size_t n;
};

static int
gallery_take(void *ctx, const store_appeal_t *ap)
{
	struct gallery_ctx *g = ctx;
	if (g->n < APPEALS_PAGE)
		public_of(ap, &g->rows[g->n++]);
	return 0;
}

intake_status_t
appeals_gallery(const app_t *app, size_t offset, appeal_public_t rows[APPEALS_PAGE], size_t *n, size_t *total)
{
	struct gallery_ctx g = { rows, 0 };
	*n = 0;
	if (store_appeals_published(app->store, offset, APPEALS_PAGE, gallery_take, &g, total) != STORE_OK)
		return INTAKE_ERROR;
	*n = g.n;
	return INTAKE_OK;
}

intake_status_t
appeal_public(const app_t *app, const char *slug, appeal_public_t *out)
{
	store_appeal_t ap;
	int rc = store_appeal_by_slug(app->store, slug, &ap);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	public_of(&ap, out);
	return INTAKE_OK;
}

void
appeals_media_problem(char out[APPEALS_PROBLEM_BYTES])
{
	_Static_assert(APPEALS_PROBLEM_BYTES == MEDIA_REASON_BYTES_OUT, "one size for the media problem");
	mediajobs_last_error(out);
}

size_t
appeals_clean_here(const app_t *app)
{
	return mediajobs_run_here(app);
}

intake_status_t
appeal_info(const app_t *app, const uint8_t id[16], appeal_info_t *out)
{
	static const char *const words[] = { "waiting", "cleaning", "review", "published", "withdrawn", "refused" };
	store_appeal_t ap;
	char hex[33];
	memset(out, 0, sizeof(*out));
	int rc = store_appeal_get(app->store, id, &ap);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	out->state = ap.state;
	out->state_word = ap.state >= 0 && ap.state < 6 ? words[ap.state] : "unknown";
	snprintf(out->refusal, sizeof(out->refusal), "%s", ap.refusal);
	if (ap.has_clean) {
		sodium_bin2hex(hex, sizeof(hex), ap.clean, 16);
		snprintf(out->files[out->nfiles++], sizeof(out->files[0]), "blobs/%s", hex);
	}
	if (ap.has_poster) {
		sodium_bin2hex(hex, sizeof(hex), ap.poster, 16);
		snprintf(out->files[out->nfiles++], sizeof(out->files[0]), "blobs/%s", hex);
	}
	if (ap.state == STORE_APPEAL_PUBLISHED && ap.slug[0]) {
		snprintf(out->files[out->nfiles++], sizeof(out->files[0]), "media/%s/video.mp4", ap.slug);
		snprintf(out->files[out->nfiles++], sizeof(out->files[0]), "media/%s/poster.jpg", ap.slug);
	}
	return INTAKE_OK;
}

int
appeals_start(const app_t *app)
{
	return mediajobs_start(app);
}

void
appeals_stop(void)
{
	mediajobs_stop();
}
