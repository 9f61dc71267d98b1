/* testimonies: making a testimony (entered by an editor, or copied from a request by a
 * coordinator or its Owl after the man agreed), the staff's list, one testimony read
 * with its notes, consent history and current copy, and its notes (testimonies.h). The
 * original exists in the clear only in memory, for the request that seals or shows it. */
#include "domain/testimonies.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/casework.h"
#include "domain/groups.h"
#include "domain/rules.h"
#include "domain/seal.h"
#include "domain/submit.h"
#include "domain/testimony_private.h"
#include "vault/secmem.h"

bool
testimonies_open(const app_t *app)
{
	store_group_t g;
	return store_group_get(app->store, "testimonies", &g) == STORE_OK;
}

bool
testimonies_allowed(const app_t *app, const staff_t *s)
{
	return (s->acct.roles & groups_role("testimonies")) && staff_group_holds(app, s, "testimonies") == 1;
}

intake_status_t
testimony_open(const app_t *app, const staff_t *s, const uint8_t id[16], struct access *a, store_testimony_t *t,
    struct testimony_who *who)
{
	memset(who, 0, sizeof(*who));
	who->holder = testimonies_allowed(app, s);
	intake_status_t st = access_staff_in(app, s, id, "testimonies", a);
	if (st == INTAKE_OK && a->row.stage != STAGE_TESTIMONY)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK) {
		int rc = store_testimony_get(app->store, id, t);
		st = rc == STORE_OK ? INTAKE_OK : rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	}
	if (st != INTAKE_OK)
		return st;
	who->owl = t->has_owl && sodium_memcmp(t->owl, s->acct.id, 16) == 0 && (s->acct.roles & ROLE_OWL);
	who->editor = who->holder && (s->acct.roles & ROLE_EDITOR);
	who->coordinator = who->holder && (s->acct.roles & ROLE_COORDINATOR);
	/* a member sealed to while the key waited for rotation, who no longer holds it, and
	 * anyone else: not hers */
	return who->holder || who->owl ? INTAKE_OK : INTAKE_NOT_FOUND;
}

intake_status_t
testimony_add(const app_t *app, struct access *a, const staff_t *s, int what, const int *fields, const sv_t *texts,
    size_t n, char *slug_out, const store_consent_bound_t *bound)
{
	struct sealed items = { .n = 0 };
	int64_t hour = clock_hour();
	uint32_t seq;
	intake_status_t st = INTAKE_ERROR;
	for (size_t i = 0; i < n; i++)
		if (seal_item_kind(app, a, &items, CASE_KIND_NOTES, CASE_ROLE_STAFF, fields[i], texts[i], hour) != 0)
			goto done;
	int rc = store_testimony_add(app->store, a->row.id, items.items, items.n, hour, what, s->acct.id, &seq, slug_out, bound);
	st = rc == STORE_OK ? INTAKE_OK : rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
done:
	sealed_free(&items);
	return st;
}

/* ---- making one ---- */

struct make_ctx {
	const staff_t *s;
	char language[4];
	const uint8_t *owl;
	uint8_t id[16];
};

static int
make_commit(const app_t *app, void *ctx, struct access *a, const store_case_t *row, const store_copy_t *copies,
    size_t ncopies, const store_item_t *items, size_t nitems, const store_attachment_t *att, size_t natt)
{
	struct make_ctx *c = ctx;
	(void)a, (void)att, (void)natt;
	int rc = store_testimony_create(app->store, row, copies, ncopies, items, nitems, c->language, c->owl);
	if (rc != STORE_OK)
		return rc;
	memcpy(c->id, row->id, 16);
	uint8_t object[16];
	if (case_audit_id(app->vault, row->id, row->slot, object) != VAULT_OK ||
	    audit_append(app->vault, app->store, c->s->acct.id, AUDIT_TESTIMONY_ADD, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)AUDIT_TESTIMONY_ADD);
	return STORE_OK;
}

/* A new testimony case: its original and where it came from, sealed to the testimonies'
 * key (and to owl); the receipt case_create makes is never shown to anyone. */
static intake_status_t
make(const app_t *app, const staff_t *s, lang_t lang, const char *language, sv_t original, sv_t origin,
    const store_account_t *owl, uint8_t id[16])
{
	char receipt[RECEIPT_DIGITS_MAX + 1];
	struct make_ctx c = { .s = s, .owl = owl ? owl->id : NULL };
	snprintf(c.language, sizeof(c.language), "%s", language);
	struct submit_target target = { .group = "testimonies", .stage = STAGE_TESTIMONY, .commit = make_commit, .ctx = &c };
	if (owl) {
		target.owl_id = owl->id;
		target.owl_pk = owl->pk;
	}
	const struct submit_field fields[] = { { FIELD_MESSAGE, original }, { FIELD_T_ORIGIN, origin } };
	intake_status_t st = case_submit(app, lang, &target, fields, 2, NULL, receipt);
	sodium_memzero(receipt, sizeof(receipt));
	if (st == INTAKE_OK)
		memcpy(id, c.id, 16);
	return st;
}

intake_status_t
testimony_enter(const app_t *app, const staff_t *s, sv_t language, sv_t text, uint8_t id[16])
{
	if (!testimonies_allowed(app, s) || !(s->acct.roles & ROLE_EDITOR))
		return INTAKE_NOT_FOUND;
	if (language.len == 0 || rule_choice(casework_languages, language) != RULE_OK || sv_is_blank(text) ||
	    rule_length(text, TESTIMONY_TEXT_MAX_CHARS) != RULE_OK)
		return INTAKE_INVALID;
	char code[4], origin[64];
	snprintf(code, sizeof(code), "%.*s", (int)language.len, language.p);
	snprintf(origin, sizeof(origin), "editor %s", s->acct.handle);
	lang_t lang;
	if (lang_parse(language, &lang) != 0)
		lang = LANG_RU;
	return make(app, s, lang, code, text, sv_from_cstr(origin), NULL, id);
}

bool
testimony_may_make(const app_t *app, const staff_t *s, const uint8_t case_id[16])
{
	store_case_t row;
	if (!testimonies_open(app) || store_case_get(app->store, case_id, &row) != STORE_OK || row.stage >= STAGE_APPLICATION)
		return false;
	return staff_coordinates(app, s) ||
	    ((s->acct.roles & ROLE_OWL) && row.has_assignee && sodium_memcmp(row.assignee, s->acct.id, 16) == 0);
}

static bool
picked(uint32_t seq, const uint32_t *seqs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (seqs[i] == seq)
			return true;
	return false;
}

intake_status_t
testimony_from_request(const app_t *app, const staff_t *s, const uint8_t case_id[16], const uint32_t *seqs,
    size_t nseqs, bool agreed, uint8_t id[16])
{
	if (!testimony_may_make(app, s, case_id))
		return INTAKE_NOT_FOUND;
	if (!agreed || nseqs == 0 || nseqs > TESTIMONY_PICK_MAX)
		return INTAKE_INVALID;
	struct access *a = access_new();
	case_view_t v;
	buf_t text;
	store_account_t owl;
	memset(&v, 0, sizeof(v));
	buf_init(&text, 4 * TESTIMONY_TEXT_MAX_CHARS + 64);
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = staff_access(app, s, case_id, a);
	if (st == INTAKE_OK)
		st = view_fill(app, a, true, &v);
	size_t n = 0;
	for (size_t i = 0; st == INTAKE_OK && i < v.nmsgs; i++) {
		const case_msg_t *m = &v.msgs[i];
		if (m->role != CASE_ROLE_REQUESTER || !picked(m->seq, seqs, nseqs) || m->text.len == 0)
			continue;
		if ((n++ && buf_append(&text, "\n\n", 2) != 0) || buf_append(&text, m->text.data, m->text.len) != 0)
			st = INTAKE_INVALID;   /* longer than a testimony takes */
	}
	if (st == INTAKE_OK && (n == 0 || rule_length(buf_sv(&text), TESTIMONY_TEXT_MAX_CHARS) != RULE_OK))
		st = INTAKE_INVALID;
	/* the request's Owl gets her own copy: she asked him, and she keeps his consent */
	bool has_owl = st == INTAKE_OK && a->row.has_assignee &&
	    store_account_by_id(app->store, a->row.assignee, &owl) == STORE_OK && owl.status == ACCT_ACTIVE;
	if (st == INTAKE_OK) {
		lang_t lang;
		char code[4];
		snprintf(code, sizeof(code), "%.2s", a->row.lang);
		if (lang_parse(sv_from_cstr(code), &lang) != 0)
			lang = LANG_RU;
		char origin[96];
		snprintf(origin, sizeof(origin), "request %s", s->acct.handle);
		st = make(app, s, lang, code, buf_sv(&text), sv_from_cstr(origin), has_owl ? &owl : NULL, id);
	}
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_CASE_READ);
	sodium_memzero(&owl, sizeof(owl));
	buf_free(&text);
	case_view_free(&v);
	access_free(a);
	return st;
}

/* ---- the list ---- */

struct list_ctx {
	testimony_row_t *rows;
	size_t n;
};

static int
list_take(void *ctx, const store_testimony_t *t)
{
	struct list_ctx *x = ctx;
	if (x->n >= TESTIMONIES_PAGE)
		return 1;
	testimony_row_t *r = &x->rows[x->n++];
	memset(r, 0, sizeof(*r));
	memcpy(r->id, t->id, 16);
	snprintf(r->language, sizeof(r->language), "%s", t->language);
	r->created_hour = t->created_hour;
	r->published = t->slug[0] != '\0';
	r->has_copy = t->copy_seq > 0;
	r->approved = t->has_approved_by;
	return 0;
}

intake_status_t
testimonies_list(const app_t *app, const staff_t *s, size_t offset, testimony_row_t rows[TESTIMONIES_PAGE], size_t *n,
    size_t *total)
{
	struct list_ctx x = { rows, 0 };
	*n = 0;
	bool all = testimonies_allowed(app, s);
	if (!all && !(s->acct.roles & ROLE_OWL))
		return INTAKE_NOT_FOUND;
	/* an Owl who does not hold the key: the testimonies made from her requests */
	if (store_testimonies_list(app->store, all ? NULL : s->acct.id, offset, TESTIMONIES_PAGE, list_take, &x, total) !=
	    STORE_OK)
		return INTAKE_ERROR;
	*n = x.n;
	return INTAKE_OK;
}

/* ---- one testimony ---- */

struct view_ctx {
	const app_t *app;
	struct access *a;
	testimony_view_t *v;
	uint32_t copy_seq;
	bool failed;
};

static void
handle_of(const app_t *app, const uint8_t id[16], char out[STORE_HANDLE_MAX + 1])
{
	store_account_t acct;
	out[0] = '\0';
	if (store_account_by_id(app->store, id, &acct) == STORE_OK)
		snprintf(out, STORE_HANDLE_MAX + 1, "%s", acct.handle);
	sodium_memzero(&acct, sizeof(acct));
}

static int
take_note(struct view_ctx *x, const store_item_t *it, buf_t *b)
{
	testimony_view_t *v = x->v;
	if (b->len <= 16 || v->nnotes >= TESTIMONY_NOTES_MAX)
		return 0;   /* an empty one marks who added its video */
	testimony_note_t *nn = realloc(v->notes, (v->nnotes + 1) * sizeof(*nn));
	if (!nn) {
		x->failed = true;
		return 1;
	}
	v->notes = nn;
	testimony_note_t *n = &v->notes[v->nnotes++];
	memset(n, 0, sizeof(*n));
	n->hour = it->created_hour;
	handle_of(x->app, (const uint8_t *)b->data, n->author);
	buf_init(&n->text, b->len);
	if (buf_append(&n->text, b->data + 16, b->len - 16) != 0)
		v->incomplete = true;
	return 0;
}

static int
take_consent(struct view_ctx *x, const store_item_t *it, buf_t *b)
{
	testimony_view_t *v = x->v;
	consent_t c;
	if (consent_decode((const uint8_t *)b->data, b->len, &c) != 0) {
		v->incomplete = true;
		return 0;
	}
	if (v->nconsents >= TESTIMONY_CONSENTS_MAX) {   /* the oldest go from the view, never the newest */
		memmove(v->consents, v->consents + 1, (v->nconsents - 1) * sizeof(*v->consents));
		v->nconsents--;
	} else {
		testimony_consent_t *nc = realloc(v->consents, (v->nconsents + 1) * sizeof(*nc));
		if (!nc) {
			x->failed = true;
			return 1;
		}
		v->consents = nc;
	}
	testimony_consent_t *tc = &v->consents[v->nconsents++];
	memset(tc, 0, sizeof(*tc));
	tc->c = c;
	tc->hour = it->created_hour;
	handle_of(x->app, c.by, tc->by);
	sodium_memzero(&c, sizeof(c));
	return 0;
}

static int
view_take(void *ctx, const store_item_t *it)
{
	struct view_ctx *x = ctx;
	testimony_view_t *v = x->v;
	buf_t b, *dst = NULL;
	if (it->kind == CASE_KIND_CASE && it->field == FIELD_MESSAGE && !v->original.data)
		dst = &v->original;
	else if (it->kind == CASE_KIND_CASE && it->field == FIELD_T_ORIGIN && !v->origin.data)
		dst = &v->origin;
	else if (it->kind == CASE_KIND_NOTES && it->seq == x->copy_seq)
		dst = it->field == FIELD_T_TITLE ? &v->title
		    : it->field == FIELD_T_COPY  ? &v->text
		    : it->field == FIELD_T_STRIKE ? &v->strike
		                                 : NULL;
	if (dst) {
		if (view_item_text(x->app, x->a, it, dst) != 0) {
			buf_free(dst);
			v->incomplete = true;
		}
		return 0;
	}
	if (it->kind != CASE_KIND_NOTES || it->role != CASE_ROLE_STAFF ||
	    (it->field != FIELD_NOTE && it->field != FIELD_T_CONSENT))
		return 0;
	if (view_item_text(x->app, x->a, it, &b) != 0) {
		v->incomplete = true;
		return 0;
	}
	int rc = it->field == FIELD_NOTE ? take_note(x, it, &b) : take_consent(x, it, &b);
	buf_free(&b);
	return rc;
}

intake_status_t
testimony_view(const app_t *app, const staff_t *s, const uint8_t id[16], testimony_view_t *out)
{
	store_testimony_t t;
	struct testimony_who who;
	memset(out, 0, sizeof(*out));
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st == INTAKE_OK) {
		struct view_ctx x = { app, a, out, t.copy_seq, false };
		memcpy(out->id, id, 16);
		snprintf(out->language, sizeof(out->language), "%s", t.language);
		out->created_hour = t.created_hour;
		out->copy_seq = t.copy_seq;
		if (t.has_redacted_by) {
			handle_of(app, t.redacted_by, out->redacted_by);
			out->redacted_by_me = sodium_memcmp(t.redacted_by, s->acct.id, 16) == 0;
		}
		if (t.has_approved_by) {
			handle_of(app, t.approved_by, out->approved_by);
			out->approved_by_me = sodium_memcmp(t.approved_by, s->acct.id, 16) == 0;
		}
		snprintf(out->slug, sizeof(out->slug), "%s", t.slug);
		out->until_hour = t.until_hour;
		out->editor = who.editor;
		out->coordinator = who.coordinator;
		out->owl = who.owl;
		out->media_state = t.media_state;
		snprintf(out->media_refusal, sizeof(out->media_refusal), "%s", t.media_refusal);
		if (t.media_redact_len && redact_decode(t.media_redact, t.media_redact_len, &out->redact) != 0)
			memset(&out->redact, 0, sizeof(out->redact));
		if (who.holder)
			testimony_media_rearm(app, a, &t);
		if (store_case_items(app->store, id, view_take, &x) != STORE_OK || x.failed)
			st = INTAKE_ERROR;
	}
	if (st == INTAKE_OK) {
		/* "editor HANDLE" or "request HANDLE": who made it, and how */
		sv_t kind, by;
		if (sv_split(buf_sv(&out->origin), ' ', &kind, &by)) {
			out->origin_kind = sv_eq(kind, SV("editor")) ? TESTIMONY_ENTERED : sv_eq(kind, SV("request")) ? TESTIMONY_FROM_REQUEST : 0;
			snprintf(out->origin_by, sizeof(out->origin_by), "%.*s", (int)by.len, by.p);
		}
		out->consent_now = out->nconsents > 0 &&
		    consent_allows(&out->consents[out->nconsents - 1].c, (uint32_t)clock_day(), CONSENT_TEXT, CONSENT_SITE);
		sv_t hit;
		buf_t both;
		buf_init(&both, out->title.len + out->text.len + 2);
		if (out->strike.len && buf_append(&both, out->title.data ? out->title.data : "", out->title.len) == 0 &&
		    buf_append(&both, "\n", 1) == 0 && buf_append(&both, out->text.data ? out->text.data : "", out->text.len) == 0 &&
		    strike_find(buf_sv(&both), buf_sv(&out->strike), &hit) == 1)
			snprintf(out->struck, sizeof(out->struck), "%.*s", (int)hit.len, hit.p);
		buf_free(&both);
		audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_READ);
	} else {
		testimony_view_free(out);
	}
	access_free(a);
	return st;
}

void
testimony_view_free(testimony_view_t *v)
{
	buf_free(&v->original);
	buf_free(&v->origin);
	buf_free(&v->title);
	buf_free(&v->text);
	buf_free(&v->strike);
	for (size_t i = 0; i < v->nnotes; i++)
		buf_free(&v->notes[i].text);
	free(v->notes);
	if (v->consents)
		sodium_memzero(v->consents, v->nconsents * sizeof(*v->consents));
	free(v->consents);
	sodium_memzero(v->struck, sizeof(v->struck));
	v->notes = NULL;
	v->consents = NULL;
	v->nnotes = v->nconsents = 0;
}

intake_status_t
testimony_note(const app_t *app, const staff_t *s, const uint8_t id[16], sv_t text)
{
	store_testimony_t t;
	struct testimony_who who;
	if (sv_is_blank(text) || rule_length(text, TESTIMONY_NOTE_MAX_CHARS) != RULE_OK)
		return INTAKE_INVALID;
	struct access *a = access_new();
	buf_t pt;
	if (!a)
		return INTAKE_ERROR;
	buf_init(&pt, 16 + text.len);
	intake_status_t st = testimony_open(app, s, id, a, &t, &who);
	if (st == INTAKE_OK && (buf_append(&pt, s->acct.id, 16) != 0 || buf_append(&pt, text.p, text.len) != 0))
		st = INTAKE_ERROR;
	if (st == INTAKE_OK) {
		static const int fields[] = { FIELD_NOTE };
		sv_t texts[] = { buf_sv(&pt) };
		st = testimony_add(app, a, s, STORE_T_NOTE, fields, texts, 1, NULL, NULL);
	}
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_TESTIMONY_NOTE);
	buf_free(&pt);
	access_free(a);
	return st;
}
