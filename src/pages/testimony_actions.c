/* testimony_actions: the forms of a testimony's page, each one decision: a note, a
 * consent recorded or withdrawn, a version of the copy, the first approval, the second
 * (which publishes), a story taken down, the original shredded. The domain decides; a
 * refusal comes back on the testimony's page with what was typed and why. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/testimonies.h"
#include "pages/staff_common.h"

static void
done(request_t *rq, response_t *rs, const uint8_t id[16], const char *what)
{
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	http_redirectf(rs, 303, "/%s/staff/testimonies/%s?done=%s", lang_code(rq->lang), hex, what);
}

/* A status the forms share: 404, 500, or the page again with msgid and status. */
static void
refused(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], intake_status_t st, const char *msgid,
    int status)
{
	if (st == INTAKE_NOT_FOUND)
		rs->status = 404;
	else if (st == INTAKE_INVALID || st == INTAKE_FULL)
		page_testimony_render(rq, rs, s, id, NULL, NULL,
		    st == INTAKE_FULL ? N_("The disk is full: nothing was saved. What you typed is below.") : msgid,
		    st == INTAKE_FULL ? 503 : status);
	else
		page_testimony_render(rq, rs, s, id, NULL, NULL, N_("It could not be saved just now. What you typed is below."), 500);
}

void
page_staff_testimony_note(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	sv_t text = page_field(rq, "note");
	page_problems_t p = { .n = 0 };
	page_rule_problem(rq, &p, "note", sv_is_blank(text) ? RULE_EMPTY : rule_length(text, TESTIMONY_NOTE_MAX_CHARS),
	    N_("Write the note first."), TESTIMONY_NOTE_MAX_CHARS, NULL);
	if (p.n) {
		page_testimony_render(rq, rs, s, id, &p, NULL, NULL, 400);
		return;
	}
	intake_status_t st = testimony_note(rq->app, s, id, text);
	if (st == INTAKE_OK)
		done(rq, rs, id, "note");
	else
		refused(rq, rs, s, id, st, N_("The note could not be saved."), 400);
}

void
page_staff_testimony_consent(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	uint8_t what = 0, where = 0;
	uint64_t ago = 0, days = 0;
	sv_t how = page_field(rq, "how"), days_f = page_field(rq, "days");
	what |= sv_eq(page_field(rq, "text"), SV("yes")) ? CONSENT_TEXT : 0;
	what |= sv_eq(page_field(rq, "voice"), SV("yes")) ? CONSENT_VOICE : 0;
	what |= sv_eq(page_field(rq, "face"), SV("yes")) ? CONSENT_FACE : 0;
	where |= sv_eq(page_field(rq, "site"), SV("yes")) ? CONSENT_SITE : 0;
	where |= sv_eq(page_field(rq, "social"), SV("yes")) ? CONSENT_SOCIAL : 0;
	page_problems_t p = { .n = 0 };
	if (!what)
		page_problem_add(&p, "c_text", i18n(rq->lang, N_("Tick what he agreed may be published.")));
	if (!where)
		page_problem_add(&p, "c_site", i18n(rq->lang, N_("Tick where he agreed it may be published.")));
	if (num_parse_u64(page_field(rq, "ago"), 0, 365, &ago) != 0)
		page_problem_add(&p, "ago", i18n(rq->lang, N_("Write how many days ago he gave it: a number from 0 (today) to 365.")));
	if (days_f.len && num_parse_u64(days_f, 1, CONSENT_DAYS_MAX, &days) != 0)
		page_problem_add(&p, "days", i18n(rq->lang, N_("Write for how many days it holds: a number from 1 to 3650, or nothing for the usual.")));
	page_rule_problem(rq, &p, "how", sv_is_blank(how) ? RULE_EMPTY : rule_length(how, CONSENT_HOW_MAX / 3),
	    N_("Write how he gave his consent, so that others can check it."), CONSENT_HOW_MAX / 3, NULL);
	if (p.n) {
		page_testimony_render(rq, rs, s, id, &p, NULL, NULL, 400);
		return;
	}
	uint32_t today = (uint32_t)clock_day();
	intake_status_t st = testimony_consent(rq->app, s, id, what, where, today - (uint32_t)ago, (unsigned)days, how);
	if (st == INTAKE_OK)
		done(rq, rs, id, "consent");
	else
		refused(rq, rs, s, id, st, N_("The consent could not be recorded. Only the Owl of his request or a coordinator records it."),
		    400);
}

void
page_staff_testimony_withdraw(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (!sv_eq(page_field(rq, "confirm"), SV("yes"))) {
		page_problems_t p = { .n = 0 };
		page_problem_add(&p, "w_confirm", i18n(rq->lang, N_("Tick the box to confirm that he withdrew his consent.")));
		page_testimony_render(rq, rs, s, id, &p, NULL, NULL, 400);
		return;
	}
	intake_status_t st = testimony_withdraw(rq->app, s, id, page_field(rq, "w_how"));
	if (st == INTAKE_OK)
		done(rq, rs, id, "withdraw");
	else
		refused(rq, rs, s, id, st, N_("The withdrawal could not be recorded."), 400);
}

void
page_staff_testimony_copy(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	sv_t title = page_field(rq, "title"), text = page_field(rq, "copy"), strike = page_field(rq, "strike");
	page_problems_t p = { .n = 0 };
	page_rule_problem(rq, &p, "title", sv_is_blank(title) ? RULE_EMPTY : rule_length(title, TESTIMONY_TITLE_MAX_CHARS),
	    N_("Write a title for the story."), TESTIMONY_TITLE_MAX_CHARS, NULL);
	page_rule_problem(rq, &p, "copy", sv_is_blank(text) ? RULE_EMPTY : rule_length(text, TESTIMONY_TEXT_MAX_CHARS),
	    N_("Write the text to publish."), TESTIMONY_TEXT_MAX_CHARS, NULL);
	page_rule_problem(rq, &p, "strike", rule_length(strike, TESTIMONY_STRIKE_MAX_CHARS), NULL, TESTIMONY_STRIKE_MAX_CHARS,
	    NULL);
	if (p.n) {
		page_testimony_render(rq, rs, s, id, &p, NULL, NULL, 400);
		return;
	}
	intake_status_t st = testimony_copy(rq->app, s, id, title, text, strike);
	if (st == INTAKE_OK)
		done(rq, rs, id, "copy");
	else
		refused(rq, rs, s, id, st, N_("The copy cannot be changed while the story is published: take it down first."), 409);
}

static bool
seq_field(const request_t *rq, uint32_t *seq)
{
	uint64_t v;
	if (num_parse_u64(page_field(rq, "copy_seq"), 1, UINT32_MAX, &v) != 0)
		return false;
	*seq = (uint32_t)v;
	return true;
}

void
page_staff_testimony_approve(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	uint32_t seq;
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	intake_status_t st = seq_field(rq, &seq) ? testimony_approve(rq->app, s, id, seq) : INTAKE_INVALID;
	if (st == INTAKE_OK)
		done(rq, rs, id, "approve");
	else if (st == INTAKE_INVALID)
		page_testimony_render(rq, rs, s, id, NULL, NULL,
		    N_("It cannot be approved: whoever edited the copy cannot approve it, and the copy may have changed since you read it. Read it again below."),
		    409);
	else
		refused(rq, rs, s, id, st, NULL, 500);
}

/* Publishing may decrypt a whole video into DIR/media: never on the thread that answers
 * requests. */
static void
publish_work(request_t *rq)
{
	uint8_t id[16];
	uint32_t seq;
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	rq->work_status = !s || page_id_param(rq, id) != 0 ? PUBLISH_NOT_FOUND
	    : seq_field(rq, &seq)                          ? (int)testimony_publish(rq->app, s, id, seq)
	                                                   : PUBLISH_STALE;
}

void
page_staff_testimony_publish(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (!rq->work_done) {
		http_defer(rq, publish_work, WORK_STAFF_SESSION);
		return;
	}
	publish_status_t ps = (publish_status_t)rq->work_status;
	const char *why = NULL;
	switch (ps) {
	case PUBLISH_OK:
		done(rq, rs, id, "publish");
		return;
	case PUBLISH_NOT_FOUND:
		rs->status = 404;
		return;
	case PUBLISH_NO_CONSENT:
		why = N_("It cannot be published: his consent to publish the text on this site is missing, withdrawn or over. His Owl or a coordinator records it.");
		break;
	case PUBLISH_STRUCK:
		why = N_("It cannot be published: a name or place from the strike list is still in the copy.");
		break;
	case PUBLISH_TWO_PEOPLE:
		why = N_("It cannot be published by you: it needs two approvals by two people, and neither may be the one who edited the copy.");
		break;
	case PUBLISH_STALE:
		why = N_("It cannot be published: the copy or the consent changed since you read it. Read it again below.");
		break;
	case PUBLISH_MEDIA_BUSY:
		why = N_("It cannot be published yet: its video is still being redacted.");
		break;
	case PUBLISH_NO_MEDIA_CONSENT:
		why = N_("It cannot be published with its video: his consent must also cover his voice, and his face unless a card replaces the picture.");
		break;
	case PUBLISH_ERROR:
		why = N_("It could not be published just now. Try again in a minute.");
		break;
	}
	page_testimony_render(rq, rs, s, id, NULL, NULL, why, ps == PUBLISH_ERROR ? 500 : 409);
}

void
page_staff_testimony_takedown(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	intake_status_t st = testimony_takedown(rq->app, s, id);
	if (st == INTAKE_OK)
		done(rq, rs, id, "takedown");
	else
		refused(rq, rs, s, id, st, N_("There is no story of it on the site."), 409);
}

void
page_staff_testimony_shred(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (!sv_eq(page_field(rq, "confirm"), SV("yes"))) {
		page_problems_t p = { .n = 0 };
		page_problem_add(&p, "s_confirm", i18n(rq->lang, N_("Tick the box to confirm the shredding. It cannot be undone.")));
		page_testimony_render(rq, rs, s, id, &p, NULL, NULL, 400);
		return;
	}
	intake_status_t st = testimony_shred(rq->app, s, id, sv_eq(page_field(rq, "story_too"), SV("yes")));
	if (st == INTAKE_OK || st == INTAKE_SHRED_LATER)
		page_staff_redirect(rq, rs, "/staff/testimonies?done=shred");
	else
		refused(rq, rs, s, id, st, NULL, 500);
}

void
page_staff_story_takedown(request_t *rq, response_t *rs)
{
	char slug[33];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (rq->param.len != 32 || !snprintf_ok(slug, sizeof(slug), "%.*s", (int)rq->param.len, rq->param.p) ||
	    story_takedown(rq->app, s, slug) != INTAKE_OK) {
		rs->status = 404;
		return;
	}
	page_staff_redirect(rq, rs, "/staff/testimonies?done=takedown");
}
