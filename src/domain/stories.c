/* stories: a testimony's way to the public and back (testimonies.h): consent recorded,
 * renewed and withdrawn (by its Owl or a coordinator), the redacted copy (an editor's),
 * two approvals by two people other than its redactor, the story published in the clear,
 * taken down by any holder of the key, by a withdrawal, or when its consent runs out;
 * the original shredded (its story stays unless asked). Every step is audited. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/mediajobs.h"
#include "domain/retention.h"
#include "domain/rules.h"
#include "domain/testimony_private.h"
#include "store/appeals.h"

/* A story's public files (its video and poster): before its row goes, so that a
 * failure leaves the row (and the way to try again); -1 when they could not all go. */
static int
story_files_remove(const app_t *app, const char *slug)
{
	if (slug[0] && store_media_remove(app->store, slug) != STORE_OK) {
		log_warnx("a story's public files could not all be deleted: DIR/media/%s", slug);
		return -1;
	}
	return 0;
}

/* ---- consent ---- */

struct latest_ctx {
	const app_t *app;
	struct access *a;
	consent_t *out;
	bool *found;
	bool failed;
};

static int
latest_take(void *ctx, const store_item_t *it)
{
	struct latest_ctx *x = ctx;
	buf_t b;
	if (it->kind != CASE_KIND_NOTES || it->field != FIELD_T_CONSENT || it->role != CASE_ROLE_STAFF)
		return 0;
	/* items come in seq order: the last one that opens holds */
	if (view_item_text(x->app, x->a, it, &b) != 0 || consent_decode((const uint8_t *)b.data, b.len, x->out) != 0) {
		x->failed = true;   /* a record that does not open allows nothing */
		*x->found = false;
	} else {
		x->failed = false;
		*x->found = true;
	}
	buf_free(&b);
	return 0;
}

intake_status_t
testimony_consent_latest(const app_t *app, struct access *a, consent_t *out, bool *found)
{
	struct latest_ctx x = { app, a, out, found, false };
	*found = false;
	memset(out, 0, sizeof(*out));
	if (store_case_items(app->store, a->row.id, latest_take, &x) != STORE_OK)
		return INTAKE_ERROR;
	return INTAKE_OK;
}

static intake_status_t
consent_record(const app_t *app, const staff_t *s, const uint8_t id[16], const consent_t *c, audit_action_t action)
{
	store_testimony_t t;
	struct testimony_who who;
	uint8_t rec[CONSENT_RECORD_MAX];
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st == INTAKE_OK && !who.owl && !who.coordinator)
		st = INTAKE_NOT_FOUND;   /* the Owl records his consent, or a coordinator */
	if (st == INTAKE_OK) {
		size_t n = consent_encode(c, rec);
		/* a story the new record does not allow goes down in the same transaction; a
		 * withdrawal takes down whatever is up when it commits, not what was read before */
		char gone[STORE_STORY_SLUG_MAX + 1] = "";
		bool down = c->withdrawn || (t.slug[0] && !consent_allows(c, (uint32_t)clock_day(), CONSENT_TEXT, CONSENT_SITE));
		static const int fields[] = { FIELD_T_CONSENT };
		sv_t texts[] = { { (const char *)rec, n } };
		/* and one it still allows keeps only what the record allows: its video (as the
		 * publish checked it, testimony_media.c), and its end no later than the record's */
		store_consent_bound_t bound = { .until_hour = (int64_t)c->until_day * 24,
			.media_ok = consent_allows(c, (uint32_t)clock_day(), testimony_media_needs(&t), CONSENT_SITE) };
		st = testimony_add(app, a, s, down ? STORE_T_CONSENT_DOWN : STORE_T_CONSENT, fields, texts, 1, gone, &bound);
		if (st == INTAKE_OK) {
			audit_case(app, a, s->acct.id, action);
			if (gone[0]) {
				(void)story_files_remove(app, gone);   /* its row went in the record's transaction */
				audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_TAKEDOWN);
			}
		}
	}
	sodium_memzero(rec, sizeof(rec));
	access_free(a);
	return st;
}

intake_status_t
testimony_consent(const app_t *app, const staff_t *s, const uint8_t id[16], uint8_t what, uint8_t where,
    uint32_t given_day, unsigned days, sv_t how)
{
	consent_t c;
	uint32_t today = (uint32_t)clock_day();
	if (days == 0)
		days = app->config.consent_days;
	if (what == 0 || (what & ~CONSENT_SCOPE_ALL) || where == 0 || (where & ~CONSENT_WHERE_ALL) || given_day > today ||
	    today - given_day > CONSENT_DAYS_MAX || days > CONSENT_DAYS_MAX || sv_is_blank(how) || how.len > CONSENT_HOW_MAX ||
	    rule_length(how, CONSENT_HOW_MAX / 3) != RULE_OK || memchr(how.p, '\0', how.len))
		return INTAKE_INVALID;
	memset(&c, 0, sizeof(c));
	c.scope = what;
	c.where = where;
	c.given_day = given_day;
	c.until_day = given_day + days;
	memcpy(c.by, s->acct.id, 16);
	memcpy(c.how, how.p, how.len);
	intake_status_t st = consent_record(app, s, id, &c, AUDIT_TESTIMONY_CONSENT);
	sodium_memzero(&c, sizeof(c));
	return st;
}

intake_status_t
testimony_withdraw(const app_t *app, const staff_t *s, const uint8_t id[16], sv_t how)
{
	consent_t c;
	if (how.len > CONSENT_HOW_MAX || rule_length(how, CONSENT_HOW_MAX / 3) != RULE_OK || memchr(how.p, '\0', how.len))
		return INTAKE_INVALID;
	memset(&c, 0, sizeof(c));
	c.withdrawn = true;
	c.given_day = c.until_day = (uint32_t)clock_day();
	memcpy(c.by, s->acct.id, 16);
	memcpy(c.how, how.p, how.len);
	intake_status_t st = consent_record(app, s, id, &c, AUDIT_TESTIMONY_WITHDRAW);
	sodium_memzero(&c, sizeof(c));
	return st;
}

/* ---- the copy and its two approvals ---- */

intake_status_t
testimony_copy(const app_t *app, const staff_t *s, const uint8_t id[16], sv_t title, sv_t text, sv_t strike)
{
	store_testimony_t t;
	struct testimony_who who;
	if (sv_is_blank(title) || sv_is_blank(text) || rule_length(title, TESTIMONY_TITLE_MAX_CHARS) != RULE_OK ||
	    rule_length(text, TESTIMONY_TEXT_MAX_CHARS) != RULE_OK || rule_length(strike, TESTIMONY_STRIKE_MAX_CHARS) != RULE_OK ||
	    title.len > STORE_STORY_TITLE_MAX || text.len > STORE_STORY_BODY_MAX)
		return INTAKE_INVALID;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st == INTAKE_OK && !who.editor)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK && t.slug[0])
		st = INTAKE_INVALID;   /* published: take it down first, then edit */
	if (st == INTAKE_OK) {
		static const int fields[] = { FIELD_T_TITLE, FIELD_T_COPY, FIELD_T_STRIKE };
		sv_t texts[] = { title, text, strike };
		st = testimony_add(app, a, s, STORE_T_COPY, fields, texts, 3, NULL, NULL);
	}
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_COPY);
	access_free(a);
	return st;
}

intake_status_t
testimony_approve(const app_t *app, const staff_t *s, const uint8_t id[16], uint32_t copy_seq)
{
	store_testimony_t t;
	struct testimony_who who;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st == INTAKE_OK && !who.holder)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK) {
		/* the store refuses her own version, another version, and a second first approval */
		int rc = store_testimony_approve(app->store, id, s->acct.id, copy_seq);
		st = rc == STORE_OK ? INTAKE_OK : rc == STORE_CONFLICT ? INTAKE_INVALID : INTAKE_ERROR;
	}
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_APPROVE);
	access_free(a);
	return st;
}

/* The version copy_seq of the copy, opened into title, text and strike. */
struct copy_ctx {
	const app_t *app;
	struct access *a;
	uint32_t seq;
	buf_t *title, *text, *strike;
	bool failed;
};

static int
copy_take(void *ctx, const store_item_t *it)
{
	struct copy_ctx *x = ctx;
	if (it->kind != CASE_KIND_NOTES || it->seq != x->seq || it->role != CASE_ROLE_STAFF)
		return 0;
	buf_t *dst = it->field == FIELD_T_TITLE ? x->title : it->field == FIELD_T_COPY ? x->text
	    : it->field == FIELD_T_STRIKE                                              ? x->strike
	                                                                               : NULL;
	if (dst && !dst->data && view_item_text(x->app, x->a, it, dst) != 0)
		x->failed = true;
	return 0;
}

static char *
cstr_of(const buf_t *b)
{
	char *p = malloc(b->len + 1);
	if (p) {
		if (b->len)
			memcpy(p, b->data, b->len);
		p[b->len] = '\0';
	}
	return p;
}

publish_status_t
testimony_publish(const app_t *app, const staff_t *s, const uint8_t id[16], uint32_t copy_seq)
{
	store_testimony_t t;
	struct testimony_who who;
	consent_t c;
	bool found = false;
	buf_t title, text, strike, both;
	buf_init(&title, 0);
	buf_init(&text, 0);
	buf_init(&strike, 0);
	buf_init(&both, 0);
	struct access *a = access_new();
	if (!a)
		return PUBLISH_ERROR;
	publish_status_t ps = PUBLISH_OK;
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st != INTAKE_OK || !who.holder)
		ps = st == INTAKE_ERROR ? PUBLISH_ERROR : PUBLISH_NOT_FOUND;
	else if (t.slug[0] || t.copy_seq != copy_seq || copy_seq == 0)
		ps = PUBLISH_STALE;
	else if (!t.has_approved_by || !t.has_redacted_by || sodium_memcmp(t.approved_by, s->acct.id, 16) == 0 ||
	    sodium_memcmp(t.redacted_by, s->acct.id, 16) == 0 ||
	    (t.has_media_by && sodium_memcmp(t.media_by, s->acct.id, 16) == 0))
		ps = PUBLISH_TWO_PEOPLE;   /* two people, neither of them its redactor (of the copy or the video) */
	else if (testimony_consent_latest(app, a, &c, &found) != INTAKE_OK)
		ps = PUBLISH_ERROR;
	else if (!found || !consent_allows(&c, (uint32_t)clock_day(), CONSENT_TEXT, CONSENT_SITE))
		ps = PUBLISH_NO_CONSENT;
	else if (t.media_state == STORE_TMEDIA_WAITING || t.media_state == STORE_TMEDIA_RUNNING)
		ps = PUBLISH_MEDIA_BUSY;   /* what would be published is not made yet */
	else if (t.media_state == STORE_TMEDIA_DONE &&
	    !consent_allows(&c, (uint32_t)clock_day(), testimony_media_needs(&t), CONSENT_SITE))
		ps = PUBLISH_NO_MEDIA_CONSENT;
	struct copy_ctx x = { app, a, copy_seq, &title, &text, &strike, false };
	if (ps == PUBLISH_OK && (store_case_items(app->store, id, copy_take, &x) != STORE_OK || x.failed || !text.data))
		ps = PUBLISH_ERROR;
	sv_t hit;
	if (ps == PUBLISH_OK) {
		buf_init(&both, title.len + text.len + 2);
		int rc = -1;
		if (buf_append(&both, title.data ? title.data : "", title.len) == 0 && buf_append(&both, "\n", 1) == 0 &&
		    buf_append(&both, text.data, text.len) == 0)
			rc = strike_find(buf_sv(&both), buf_sv(&strike), &hit);
		ps = rc == 0 ? PUBLISH_OK : rc == 1 ? PUBLISH_STRUCK : PUBLISH_ERROR;
	}
	if (ps == PUBLISH_OK) {
		store_story_t story;
		uint8_t rnd[16];   /* 32 hex digits: nothing about the man in the address */
		memset(&story, 0, sizeof(story));
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(story.slug, sizeof(story.slug), rnd, sizeof(rnd));
		story.has_testimony = true;
		memcpy(story.testimony, id, 16);
		story.title = cstr_of(&title);
		story.body = cstr_of(&text);
		story.copy_seq = copy_seq;
		memcpy(story.published_by, s->acct.id, 16);
		story.published_hour = clock_hour();
		story.until_hour = (int64_t)c.until_day * 24;
		story.has_media = t.media_state == STORE_TMEDIA_DONE;
		/* its redacted video first, in the clear under DIR/media/<slug>/: only then the row
		 * that shows it; if the row is refused, the files go */
		int rc = story.title && story.body ? STORE_OK : STORE_ERROR;
		if (rc == STORE_OK && story.has_media &&
		    (!t.has_media_video || !t.has_media_poster ||
		        view_publish_file(app, a, t.media_video, story.slug, "video.mp4") != 0 ||
		        view_publish_file(app, a, t.media_poster, story.slug, "poster.jpg") != 0))
			rc = STORE_ERROR;
		if (rc == STORE_OK)
			rc = store_story_publish(app->store, &story, t.consent_seq);
		if (rc != STORE_OK)
			(void)story_files_remove(app, story.slug);
		/* the copy, its approval or the consent changed since they were read */
		ps = rc == STORE_OK ? PUBLISH_OK : rc == STORE_CONFLICT ? PUBLISH_STALE : PUBLISH_ERROR;
		store_story_free(&story);
	}
	if (ps == PUBLISH_OK)
		audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_PUBLISH);
	sodium_memzero(&c, sizeof(c));
	buf_free(&title);
	buf_free(&text);
	buf_free(&strike);
	buf_free(&both);
	access_free(a);
	return ps;
}

intake_status_t
testimony_takedown(const app_t *app, const staff_t *s, const uint8_t id[16])
{
	store_testimony_t t;
	struct testimony_who who;
	char slug[STORE_STORY_SLUG_MAX + 1];
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st == INTAKE_OK && !who.holder && !who.owl)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK && t.slug[0] && story_files_remove(app, t.slug) != 0)
		st = INTAKE_ERROR;   /* its files first: the row stays while the video is still public */
	if (st == INTAKE_OK) {
		int rc = store_story_takedown(app->store, id, slug);
		st = rc == STORE_OK ? INTAKE_OK : rc == STORE_NOT_FOUND ? INTAKE_INVALID : INTAKE_ERROR;
	}
	if (st == INTAKE_OK) {
		if (strcmp(slug, t.slug) != 0)
			(void)story_files_remove(app, slug);   /* published since it was read */
		audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_TAKEDOWN);
	}
	access_free(a);
	return st;
}

intake_status_t
testimony_shred(const app_t *app, const staff_t *s, const uint8_t id[16], bool story_too)
{
	store_testimony_t t;
	struct testimony_who who;
	char slug[STORE_STORY_SLUG_MAX + 1];
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st == INTAKE_OK && !who.holder)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK && story_too && t.slug[0]) {
		int rc = store_story_takedown(app->store, id, slug);
		if (rc == STORE_OK) {
			story_files_remove(app, slug);
			audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_TAKEDOWN);
		}
		else if (rc != STORE_NOT_FOUND)
			st = INTAKE_ERROR;   /* asked to go too, and still up: nothing is shredded */
	}
	if (st == INTAKE_OK) {
		/* audited and marked first: a shred that cannot finish now, the next purge does */
		audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_SHRED);
		mediajobs_cancel(id);   /* a redaction under way stops reading the original */
		if (store_case_shred_pending(app->store, id) != STORE_OK)
			st = INTAKE_ERROR;
		else if (case_destroy(app, id, a->row.slot, s->acct.id, 0) != 0)
			st = INTAKE_SHRED_LATER;
		else if (store_compact(app->store) != STORE_OK)
			log_warnx("the database could not be compacted after a shred");
	}
	access_free(a);
	return st;
}

/* ---- stories ---- */

void
story_free(story_t *s)
{
	buf_free(&s->title);
	buf_free(&s->body);
}

static int
story_of(const store_story_t *in, story_t *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->slug, sizeof(out->slug), "%s", in->slug);
	snprintf(out->language, sizeof(out->language), "%s", in->language);
	out->published_hour = in->published_hour;
	out->has_testimony = in->has_testimony;
	out->has_media = in->has_media;
	memcpy(out->testimony, in->testimony, 16);
	size_t tl = strlen(in->title), bl = strlen(in->body);
	buf_init(&out->title, tl + 1);
	buf_init(&out->body, bl + 1);
	if (buf_append(&out->title, in->title, tl) != 0 || buf_append(&out->body, in->body, bl) != 0) {
		story_free(out);
		return -1;
	}
	return 0;
}

struct stories_ctx {
	story_t *rows;
	size_t n;
	bool failed;
};

static int
stories_take(void *ctx, const store_story_t *s)
{
	struct stories_ctx *x = ctx;
	if (x->n >= STORIES_PAGE)
		return 1;
	if (story_of(s, &x->rows[x->n]) != 0) {
		x->failed = true;
		return 1;
	}
	x->n++;
	return 0;
}

static intake_status_t
stories_done(struct stories_ctx *x, int rc, size_t *n)
{
	if (rc != STORE_OK || x->failed) {
		for (size_t i = 0; i < x->n; i++)
			story_free(&x->rows[i]);
		*n = 0;
		return INTAKE_ERROR;
	}
	*n = x->n;
	return INTAKE_OK;
}

intake_status_t
stories_public(const app_t *app, size_t offset, story_t rows[STORIES_PAGE], size_t *n, size_t *total)
{
	struct stories_ctx x = { rows, 0, false };
	int rc = store_stories_public(app->store, clock_hour(), offset, STORIES_PAGE, stories_take, &x, total);
	return stories_done(&x, rc, n);
}

intake_status_t
stories_all(const app_t *app, const staff_t *s, size_t offset, story_t rows[STORIES_PAGE], size_t *n, size_t *total)
{
	struct stories_ctx x = { rows, 0, false };
	*n = 0;
	if (!testimonies_allowed(app, s))
		return INTAKE_NOT_FOUND;
	int rc = store_stories_all(app->store, offset, STORIES_PAGE, stories_take, &x, total);
	return stories_done(&x, rc, n);
}

intake_status_t
story_public(const app_t *app, const char *slug, story_t *out)
{
	store_story_t s;
	memset(out, 0, sizeof(*out));
	int rc = store_story_by_slug(app->store, slug, clock_hour(), &s);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	intake_status_t st = story_of(&s, out) == 0 ? INTAKE_OK : INTAKE_ERROR;
	store_story_free(&s);
	return st;
}

intake_status_t
story_takedown(const app_t *app, const staff_t *s, const char *slug)
{
	if (!testimonies_allowed(app, s))
		return INTAKE_NOT_FOUND;
	store_story_t story;
	int rc = store_story_by_slug(app->store, slug, INT64_MIN, &story);   /* ended or not */
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	store_story_free(&story);
	/* its files first: if they cannot go, its row stays and the takedown can be tried again */
	if (story_files_remove(app, slug) != 0)
		return INTAKE_ERROR;
	rc = store_story_takedown_slug(app->store, slug);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	/* its original may be gone: the entry names who, and no object */
	if (audit_append(app->vault, app->store, s->acct.id, AUDIT_TESTIMONY_TAKEDOWN, NULL) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)AUDIT_TESTIMONY_TAKEDOWN);
	return INTAKE_OK;
}

#define EXPIRE_BATCH 64

size_t
stories_expire(const app_t *app)
{
	uint8_t ids[EXPIRE_BATCH][16];
	char slugs[EXPIRE_BATCH][STORE_STORY_SLUG_MAX + 1];
	static const uint8_t none[16];
	size_t n = 0, all = 0;
	bool stuck = false;
	do {
		if (store_stories_expire(app->store, clock_hour(), ids, slugs, EXPIRE_BATCH, &n) != STORE_OK) {
			log_warnx("stories whose consent ran out could not be taken down; the next purge tries again");
			return all;
		}
		for (size_t i = 0; i < n; i++) {
			store_case_t row;
			uint8_t object[16];
			/* its files first; if they cannot go its row stays, and the next purge tries again */
			if (story_files_remove(app, slugs[i]) != 0) {
				stuck = true;
				continue;
			}
			int rc = store_story_takedown_slug(app->store, slugs[i]);
			if (rc == STORE_NOT_FOUND)
				continue;   /* taken down meanwhile */
			if (rc != STORE_OK) {
				stuck = true;
				continue;
			}
			all++;
			bool have = memcmp(ids[i], none, 16) != 0 && store_case_get(app->store, ids[i], &row) == STORE_OK &&
			    case_audit_id(app->vault, ids[i], row.slot, object) == VAULT_OK;
			if (audit_append(app->vault, app->store, NULL, AUDIT_TESTIMONY_TAKEDOWN, have ? object : NULL) != 0)
				log_warnx("could not append to the audit log (action %d)", (int)AUDIT_TESTIMONY_TAKEDOWN);
		}
	} while (n == EXPIRE_BATCH && !stuck);
	return all;
}
