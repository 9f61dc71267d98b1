/* testimony_page: one testimony as staff see it (the original beside its redacted copy,
 * the consent history, the approvals, the notes) and every action on it: a note, a
 * consent recorded or withdrawn, a new version of the copy, the two approvals, a story
 * taken down, the original shredded. Each answer says at the top what happened, and a
 * form that was refused comes back with what was typed. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "domain/testimonies.h"
#include "pages/staff_common.h"

static void
day_text(uint32_t day, char out[16])
{
	time_t t = (time_t)day * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	if (strftime(out, 16, "%Y-%m-%d", &tm) == 0)
		out[0] = '\0';
}

struct bit_name {
	uint8_t bit;
	const char *msgid;
};
static const struct bit_name consent_what[] = { { CONSENT_TEXT, N_("text") }, { CONSENT_VOICE, N_("voice") },
	{ CONSENT_FACE, N_("face") } };
static const struct bit_name consent_where[] = { { CONSENT_SITE, N_("this site") },
	{ CONSENT_SOCIAL, N_("social platforms") } };

/* The names of the bits set, in the page's language, joined by commas, as var. */
static void
bits_text(const request_t *rq, uint8_t bits, const struct bit_name *names, size_t n, tvars_t *it, const char *var)
{
	char buf[200] = "";
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(bits & names[i].bit))
			continue;
		if (!snprintf_ok(buf + used, sizeof(buf) - used, "%s%s", used ? ", " : "", i18n(rq->lang, names[i].msgid)))
			break;
		used = strlen(buf);
	}
	tvars_set_cstr(it, var, buf);
}

/* A field given back when the form was sent (and refused), else the stored value. */
static sv_t
back_or(const request_t *rq, const char *name, sv_t stored)
{
	const sv_t *f = rq->method == HTTP_POST ? form_get(&rq->form, name) : NULL;
	return f ? *f : stored;
}

static void
consent_vars(request_t *rq, tvars_t *v, const testimony_view_t *tv)
{
	char d[16];
	for (size_t i = tv->nconsents; i-- > 0;) {   /* newest first */
		const testimony_consent_t *c = &tv->consents[i];
		tvars_t *it = tvars_add_item(v, "consents");
		if (!it)
			break;
		if (c->c.withdrawn) {
			tvars_set_cstr(it, "withdrawn", "1");
		} else {
			bits_text(rq, c->c.scope, consent_what, 3, it, "what");
			bits_text(rq, c->c.where, consent_where, 2, it, "where");
			day_text(c->c.until_day, d);
			tvars_set_cstr(it, "until", d);
		}
		day_text(c->c.given_day, d);
		tvars_set_cstr(it, "given", d);
		tvars_set_cstr(it, "how", c->c.how);
		tvars_set_cstr(it, "by", c->by[0] ? c->by : "?");
		if (i == tv->nconsents - 1)
			tvars_set_cstr(it, "current", "1");
	}
	if (tv->consent_now)
		tvars_set_cstr(v, "consent_now", "1");
	if (!tv->owl && !tv->coordinator)
		return;
	const char *l = lang_code(rq->lang);
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), tv->id, 16);
	tvars_setf(v, "consent_action", "/%s/staff/testimonies/%s/consent", l, hex);
	tvars_setf(v, "withdraw_action", "/%s/staff/testimonies/%s/withdraw", l, hex);
	tvars_setf(v, "consent_days", "%u", rq->app->config.consent_days);
	bool sent = rq->method == HTTP_POST && form_get(&rq->form, "how") != NULL;
	static const char *const boxes[] = { "text", "voice", "face", "site", "social" };
	for (size_t i = 0; i < 5; i++) {
		char name[24];
		snprintf_cut(name, sizeof(name), "%s_checked", boxes[i]);
		if (sent && sv_eq(page_field(rq, boxes[i]), SV("yes")))
			tvars_set_cstr(v, name, "1");
	}
	tvars_set(v, "how", sent ? page_field(rq, "how") : SV(""));
	tvars_set(v, "ago", sent ? page_field(rq, "ago") : SV("0"));
	tvars_set(v, "days", sent ? page_field(rq, "days") : SV(""));
}

static void
copy_vars(request_t *rq, tvars_t *v, const testimony_view_t *tv, const char *hex)
{
	const char *l = lang_code(rq->lang);
	/* a new copy starts from the original: the editor strikes from there */
	tvars_set(v, "title", back_or(rq, "title", buf_sv(&tv->title)));
	tvars_set(v, "copy", back_or(rq, "copy", tv->copy_seq ? buf_sv(&tv->text) : buf_sv(&tv->original)));
	tvars_set(v, "strike", back_or(rq, "strike", buf_sv(&tv->strike)));
	if (tv->copy_seq)
		tvars_set_cstr(v, "has_copy", "1");
	if (tv->editor && !tv->slug[0])
		tvars_setf(v, "copy_action", "/%s/staff/testimonies/%s/copy", l, hex);
	if (tv->struck[0])
		tvars_set_cstr(v, "struck", tv->struck);
	if (tv->redacted_by[0])
		tvars_set_cstr(v, "redacted_by", tv->redacted_by);
	if (tv->approved_by[0])
		tvars_set_cstr(v, "approved_by", tv->approved_by);
	tvars_setf(v, "copy_seq", "%u", tv->copy_seq);
	bool holder = tv->editor || tv->coordinator;
	if (holder && tv->copy_seq && !tv->slug[0] && !tv->redacted_by_me) {
		if (!tv->approved_by[0])
			tvars_setf(v, "approve_action", "/%s/staff/testimonies/%s/approve", l, hex);
		else if (!tv->approved_by_me)
			tvars_setf(v, "publish_action", "/%s/staff/testimonies/%s/publish", l, hex);
	}
	if (tv->redacted_by_me && !tv->slug[0])
		tvars_set_cstr(v, "wait_others", "1");
	if (tv->approved_by_me && !tv->slug[0])
		tvars_set_cstr(v, "wait_second", "1");
	if (tv->slug[0]) {
		tvars_setf(v, "public_href", "/%s/stories/%s", l, tv->slug);
		tvars_setf(v, "takedown_action", "/%s/staff/testimonies/%s/takedown", l, hex);
		char d[16];
		day_text((uint32_t)(tv->until_hour / 24), d);
		tvars_set_cstr(v, "story_until", d);
	}
}

void
page_testimony_render(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], const page_problems_t *p,
    const char *notice, const char *error, int status)
{
	testimony_view_t tv;
	char hex[33], when[32];
	intake_status_t st = testimony_view(rq->app, s, id, &tv);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		const char *l = lang_code(rq->lang);
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		tvars_set_cstr(v, "language", tv.language);
		page_when(rq->lang, tv.created_hour, when);
		tvars_set_cstr(v, "when", when);
		if (tv.origin_kind)
			tvars_set_cstr(v, "origin", i18n(rq->lang, tv.origin_kind == TESTIMONY_ENTERED ? N_("entered by an editor")
			                                                                             : N_("from a request, after he agreed")));
		tvars_set_cstr(v, "origin_by", tv.origin_by);
		tvars_set(v, "original", buf_sv(&tv.original));
		if (tv.incomplete)
			tvars_set_cstr(v, "incomplete", "1");
		consent_vars(rq, v, &tv);
		copy_vars(rq, v, &tv, hex);
		page_testimony_media_vars(rq, v, &tv, hex);
		for (size_t i = 0; i < tv.nnotes; i++) {
			tvars_t *it = tvars_add_item(v, "notes");
			if (!it)
				break;
			tvars_set_cstr(it, "author", tv.notes[i].author[0] ? tv.notes[i].author : "?");
			page_when(rq->lang, tv.notes[i].hour, when);
			tvars_set_cstr(it, "when", when);
			tvars_set(it, "text", buf_sv(&tv.notes[i].text));
		}
		tvars_setf(v, "note_action", "/%s/staff/testimonies/%s/note", l, hex);
		tvars_set(v, "note", rq->method == HTTP_POST ? page_field(rq, "note") : SV(""));
		if (tv.editor || tv.coordinator)
			tvars_setf(v, "shred_action", "/%s/staff/testimonies/%s/shred", l, hex);
		tvars_setf(v, "back_href", "/%s/staff/testimonies", l);
		tvars_setf(v, "title_max", "%u", TESTIMONY_TITLE_MAX_CHARS);
		tvars_setf(v, "text_max", "%u", TESTIMONY_TEXT_MAX_CHARS);
		tvars_setf(v, "strike_max", "%u", TESTIMONY_STRIKE_MAX_CHARS);
		if (p)
			page_problems_vars(rq, v, p);
		if (notice)
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
		if (error)
			tvars_set_cstr(v, "error", i18n(rq->lang, error));
	}
	testimony_view_free(&tv);
	page_render(rq, rs, "staff_testimony", N_("Testimony"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

void
page_staff_testimony(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char q[12];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	const char *notice = NULL;
	if (http_query(rq, "done", q, sizeof(q)) == 0)
		notice = strcmp(q, "made") == 0 ? N_("The testimony is saved, sealed to the testimonies' key.")
		    : strcmp(q, "note") == 0    ? N_("Your note is saved.")
		    : strcmp(q, "consent") == 0 ? N_("The consent is recorded.")
		    : strcmp(q, "withdraw") == 0 ? N_("The consent is withdrawn. If the story was on the site, it is gone.")
		    : strcmp(q, "copy") == 0    ? N_("The copy is saved. It needs two approvals, by two other people.")
		    : strcmp(q, "approve") == 0 ? N_("You approved the copy. Another person publishes it.")
		    : strcmp(q, "publish") == 0 ? N_("The story is published.")
		    : strcmp(q, "takedown") == 0 ? N_("The story was taken down.")
		    : strcmp(q, "media") == 0   ? N_("The video is saved, sealed. Its redacted copy is being made: this page shows it when it is ready.")
		                                 : NULL;
	page_testimony_render(rq, rs, s, id, NULL, notice, NULL, 0);
}
