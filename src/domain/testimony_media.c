/* testimony_media: a testimony's optional video (testimonies.h): the original sealed as
 * it streams in, like an appeal's upload, and kept sealed so that an editor can place
 * the boxes again; its redacted copy made by the media worker (mediajobs.c, a job of kind
 * STORE_JOB_REDACT: voice shifted, solid boxes, or a card over the whole picture), shown
 * to staff, and published with the story only with consent for what it shows. */
#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/mediajobs.h"
#include "domain/seal.h"
#include "domain/testimony_private.h"

upload_t *
testimony_upload_new(const app_t *app)
{
	return upload_new_for(app, 1, (uint64_t)app->config.appeal_max_mb << 20);
}

uint8_t
testimony_media_needs(const store_testimony_t *t)
{
	media_redact_t r;
	bool still = t->media_redact_len && redact_decode(t->media_redact, t->media_redact_len, &r) == 0 && r.mr_still;
	/* the sound of his telling, even shifted, is his voice; the picture is his face
	 * unless a card replaced it (boxes may miss: they need his consent too) */
	return CONSENT_TEXT | CONSENT_VOICE | (still ? 0 : CONSENT_FACE);
}

/* Its redaction queued with this editor's keys (the original's file key, the case's
 * file-wrap key), in memory only. */
static void
queue(const app_t *app, struct access *a, const store_testimony_t *t, const media_redact_t *r)
{
	store_attachment_t at;
	case_file_keys_t *keys = NULL;
	case_keys_t *k = access_keys(app, a);
	if (!t->has_media_original || mediajobs_queued(t->id) || !k ||
	    store_attachment_get(app->store, t->media_original, &at) != STORE_OK ||
	    case_file_keys_new(k, at.id, at.fk_wrap, &keys) != VAULT_OK || !mediajobs_enqueue_redact(app, t->id, keys, r))
		log_warnx("a testimony's video could not be queued now; an editor's visit to its page queues it");
}

void
testimony_media_rearm(const app_t *app, struct access *a, const store_testimony_t *t)
{
	media_redact_t r;
	if (t->media_state == STORE_TMEDIA_WAITING && !mediajobs_queued(t->id) &&
	    redact_decode(t->media_redact, t->media_redact_len, &r) == 0)
		queue(app, a, t, &r);
}

intake_status_t
testimony_media_add(const app_t *app, const staff_t *s, const uint8_t id[16], upload_t *u, const media_redact_t *r)
{
	store_testimony_t t;
	struct testimony_who who;
	store_attachment_t att[LIMIT_MP_FILES_MAX];
	uint8_t rb[REDACT_BYTES_MAX];
	if (!media_redact_valid(r) || upload_count(u) != 1)
		return INTAKE_INVALID;
	if (upload_refused(u))
		return INTAKE_FULL;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st == INTAKE_OK && !who.editor)
		st = INTAKE_NOT_FOUND;
	int64_t hour = clock_hour();
	struct sealed items = { .n = 0 };
	if (st == INTAKE_OK) {
		/* one more message of the case: a staff note (who added it) and the file */
		uint8_t who_pt[16];
		memcpy(who_pt, s->acct.id, 16);
		st = seal_item_kind(app, a, &items, CASE_KIND_NOTES, CASE_ROLE_STAFF, FIELD_NOTE,
		         (sv_t){ (const char *)who_pt, 16 }, hour) == 0 &&
		        upload_seal(u, app, access_keys(app, a), id, att, hour) == 0 ?
		    INTAKE_OK :
		    INTAKE_ERROR;
	}
	if (st == INTAKE_OK) {
		size_t n = redact_encode(r, rb);
		int rc = store_testimony_media_add(app->store, id, items.items, items.n, &att[0], rb, n, hour, s->acct.id);
		st = rc == STORE_OK ? INTAKE_OK : rc == STORE_CONFLICT ? INTAKE_INVALID : INTAKE_ERROR;
	}
	if (st == INTAKE_OK) {
		upload_keep(u);
		audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_COPY);
		if (store_testimony_get(app->store, id, &t) == STORE_OK)
			queue(app, a, &t, r);
	}
	sealed_free(&items);
	access_free(a);
	return st;
}

intake_status_t
testimony_media_redo(const app_t *app, const staff_t *s, const uint8_t id[16], const media_redact_t *r)
{
	store_testimony_t t;
	struct testimony_who who;
	uint8_t rb[REDACT_BYTES_MAX];
	if (!media_redact_valid(r))
		return INTAKE_INVALID;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st == INTAKE_OK && !who.editor)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK) {
		int rc = store_testimony_media_redo(app->store, id, rb, redact_encode(r, rb), clock_hour(), s->acct.id);
		st = rc == STORE_OK ? INTAKE_OK : rc == STORE_CONFLICT ? INTAKE_INVALID : INTAKE_ERROR;
	}
	if (st == INTAKE_OK) {
		audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_COPY);
		if (store_testimony_get(app->store, id, &t) == STORE_OK)
			queue(app, a, &t, r);
	}
	access_free(a);
	return st;
}

intake_status_t
testimony_media_file(const app_t *app, const staff_t *s, const uint8_t id[16], int which, case_file_out_t *out)
{
	store_testimony_t t;
	struct testimony_who who;
	store_attachment_t at;
	memset(out, 0, sizeof(*out));
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st == INTAKE_OK && (!(which == 0 ? t.has_media_video : t.has_media_poster) || t.media_state != STORE_TMEDIA_DONE))
		st = INTAKE_NOT_FOUND;   /* t is read only once it opened */
	if (st == INTAKE_OK)
		st = store_attachment_get(app->store, which == 0 ? t.media_video : t.media_poster, &at) == STORE_OK ?
		    view_file_read(app, a, &at, out) :
		    INTAKE_NOT_FOUND;
	access_free(a);
	return st;
}
