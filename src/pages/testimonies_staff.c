/* testimonies_staff: the staff's pages of testimonies: the list (with the testimonies'
 * key given on by a holder, and the stories on the site), a testimony entered by an
 * editor, one made from a request, and one testimony's page: original and copy side by
 * side, consent, approvals, notes (its actions are in testimony_actions.c). */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/casework.h"
#include "domain/roster.h"
#include "domain/testimonies.h"
#include "domain/triage.h"
#include "pages/staff_common.h"

static void
key_member(void *ctx, const roster_entry_t *e, bool holds)
{
	tvars_t *v = ctx;
	char hex[33];
	if (holds)
		return;
	tvars_t *it = tvars_add_item(v, "keyless");
	if (!it)
		return;
	sodium_bin2hex(hex, sizeof(hex), e->id, 16);
	tvars_set_cstr(it, "id", hex);
	tvars_set_cstr(it, "name", e->handle);
}

void
page_staff_testimonies(request_t *rq, response_t *rs)
{
	testimony_row_t rows[TESTIMONIES_PAGE];
	story_t stories[STORIES_PAGE];
	size_t n = 0, total = 0, ns = 0, stotal = 0;
	char hex[33], when[32], q[8];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	const char *l = lang_code(rq->lang);
	if (rq->method == HTTP_POST) {
		/* giving the testimonies' key: an explicit approval by a member who holds it */
		uint8_t id[16];
		if (page_id_from_hex(page_field(rq, "account"), id) != 0 ||
		    staff_group_grant(rq->app, s, "testimonies", id) != STAFF_OK) {
			rs->status = 404;
			return;
		}
		page_staff_redirect(rq, rs, "/staff/testimonies?granted=1");
		return;
	}
	uint64_t page = page_number(rq, 100000);
	intake_status_t st = testimonies_list(rq->app, s, (size_t)(page - 1) * TESTIMONIES_PAGE, rows, &n, &total);
	roster_key_t key;
	bool member = (s->acct.roles & (ROLE_EDITOR | ROLE_COORDINATOR)) != 0;
	if (st == INTAKE_NOT_FOUND && !member) {
		rs->status = 404;   /* neither an editor, a coordinator nor an Owl */
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	if (member && roster_group_key(rq->app, s, "testimonies", &key, key_member, v) == STAFF_OK) {
		if (!key.exists)
			tvars_set_cstr(v, "no_key", "1");
		else if (!key.viewer_holds)
			tvars_set_cstr(v, "not_holder", "1");
		else
			tvars_set_cstr(v, "holder", "1");
	}
	for (size_t i = 0; st == INTAKE_OK && i < n; i++) {
		tvars_t *it = tvars_add_item(v, "testimonies");
		if (!it)
			break;
		sodium_bin2hex(hex, sizeof(hex), rows[i].id, 16);
		tvars_setf(it, "href", "/%s/staff/testimonies/%s", l, hex);
		tvars_set_cstr(it, "language", rows[i].language);
		page_when(rq->lang, rows[i].created_hour, when);
		tvars_set_cstr(it, "when", when);
		tvars_set_cstr(it, "state", i18n(rq->lang, rows[i].published ? N_("published")
		                                        : rows[i].approved    ? N_("approved once")
		                                        : rows[i].has_copy    ? N_("copy being edited")
		                                                              : N_("no copy yet")));
	}
	char path[32];
	snprintf_cut(path, sizeof(path), "/staff/testimonies");
	page_nav_vars(rq, v, path, NULL, page, page * TESTIMONIES_PAGE < total);
	if (stories_all(rq->app, s, 0, stories, &ns, &stotal) == INTAKE_OK) {
		for (size_t i = 0; i < ns; i++) {
			tvars_t *it = tvars_add_item(v, "stories");
			if (it) {
				tvars_set(it, "title", buf_sv(&stories[i].title));
				tvars_setf(it, "href", "/%s/stories/%s", l, stories[i].slug);
				tvars_setf(it, "takedown_action", "/%s/staff/stories/%s/takedown", l, stories[i].slug);
				if (!stories[i].has_testimony)
					tvars_set_cstr(it, "orphan", "1");
			}
			story_free(&stories[i]);
		}
	}
	if (testimonies_allowed(rq->app, s) && (s->acct.roles & ROLE_EDITOR))
		tvars_setf(v, "new_href", "/%s/staff/testimonies/new", l);
	tvars_setf(v, "grant_action", "/%s/staff/testimonies", l);
	if (http_query(rq, "granted", q, sizeof(q)) == 0)
		tvars_set_cstr(v, "notice", i18n(rq->lang, N_("She now holds the testimonies' key.")));
	else if (http_query(rq, "done", q, sizeof(q)) == 0)
		tvars_set_cstr(v, "notice", i18n(rq->lang, strcmp(q, "shred") == 0 ? N_("The original was shredded.")
		                                                                 : N_("The story was taken down.")));
	page_render(rq, rs, "staff_testimonies", N_("Testimonies"), v);
}

/* ---- an editor enters one ---- */

static void
new_page(request_t *rq, response_t *rs, const page_problems_t *p, const char *notice, int status)
{
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		char sel[4] = "";
		sv_t chosen = page_field(rq, "language");
		if (rq->method == HTTP_POST && chosen.len < sizeof(sel))
			snprintf_cut(sel, sizeof(sel), "%.*s", (int)chosen.len, chosen.p);
		page_language_options(v, "languages", sel, true);
		tvars_setf(v, "action", "/%s/staff/testimonies/new", lang_code(rq->lang));
		tvars_setf(v, "back_href", "/%s/staff/testimonies", lang_code(rq->lang));
		tvars_setf(v, "text_max", "%u", TESTIMONY_TEXT_MAX_CHARS);
		if (rq->method == HTTP_POST)
			tvars_set(v, "text", page_field(rq, "text"));
	}
	page_form_render(rq, rs, "staff_testimony_new", N_("Enter a testimony"), v, p, notice, status);
}

static void
new_work(request_t *rq)
{
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	rq->work_status = s ? testimony_enter(rq->app, s, page_field(rq, "language"), page_field(rq, "text"),
	                          (uint8_t *)rq->scratch)
	                    : INTAKE_NOT_FOUND;
}

/* After the worker made it: to its page, or the form back with what went wrong. */
static void
made(request_t *rq, response_t *rs, void (*form)(request_t *, response_t *, const page_problems_t *, const char *, int))
{
	char hex[33];
	intake_status_t st = (intake_status_t)rq->work_status;
	if (st == INTAKE_OK) {
		sodium_bin2hex(hex, sizeof(hex), (const uint8_t *)rq->scratch, 16);
		http_redirectf(rs, 303, "/%s/staff/testimonies/%s?done=made", lang_code(rq->lang), hex);
	} else if (st == INTAKE_NOT_FOUND) {
		rs->status = 404;
	} else {
		form(rq, rs, NULL,
		    st == INTAKE_CLOSED ? N_("There is no testimonies' key yet: an editor or a coordinator must log in first.")
		    : st == INTAKE_BUSY || st == INTAKE_OVERLOADED ? N_("The server is busy. Nothing was saved. Try again in a minute.")
		                                                   : N_("It could not be saved. Nothing was stored. Try again later."),
		    st == INTAKE_CLOSED ? 409 : 503);
	}
}

void
page_staff_testimony_new(request_t *rq, response_t *rs)
{
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!testimonies_allowed(rq->app, s) || !(s->acct.roles & ROLE_EDITOR)) {
		rs->status = 404;
		return;
	}
	if (rq->method != HTTP_POST) {
		new_page(rq, rs, NULL, NULL, 0);
		return;
	}
	if (!rq->work_done) {
		page_problems_t p = { .n = 0 };
		sv_t lang = page_field(rq, "language"), text = page_field(rq, "text");
		page_rule_problem(rq, &p, "language", lang.len ? rule_choice(casework_languages, lang) : RULE_EMPTY,
		    N_("Choose the language it is written in."), 0, NULL);
		page_rule_problem(rq, &p, "text", sv_is_blank(text) ? RULE_EMPTY : rule_length(text, TESTIMONY_TEXT_MAX_CHARS),
		    N_("Write or paste the testimony."), TESTIMONY_TEXT_MAX_CHARS, NULL);
		if (p.n) {
			new_page(rq, rs, &p, NULL, 400);
			return;
		}
		http_defer(rq, new_work, WORK_STAFF_SESSION);
		return;
	}
	made(rq, rs, new_page);
}

/* ---- from a request ---- */

static void
from_page(request_t *rq, response_t *rs, const page_problems_t *p, const char *notice, int status)
{
	uint8_t id[16];
	char hex[33], when[32];
	case_view_t cv;
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	if (!s || page_id_param(rq, id) != 0 || !testimony_may_make(rq->app, s, id) ||
	    request_view(rq->app, s, id, &cv) != INTAKE_OK) {
		rs->status = 404;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		tvars_setf(v, "action", "/%s/staff/requests/%s/testimony", lang_code(rq->lang), hex);
		tvars_setf(v, "back_href", "/%s/staff/requests/%s", lang_code(rq->lang), hex);
		for (size_t i = 0; i < cv.nmsgs; i++) {
			if (cv.msgs[i].role != CASE_ROLE_REQUESTER || cv.msgs[i].text.len == 0)
				continue;
			tvars_t *it = tvars_add_item(v, "messages");
			if (!it)
				break;
			tvars_setf(it, "seq", "%u", cv.msgs[i].seq);
			tvars_set(it, "text", buf_sv(&cv.msgs[i].text));
			page_when(rq->lang, cv.msgs[i].hour, when);
			tvars_set_cstr(it, "when", when);
			for (size_t k = 0; rq->method == HTTP_POST && k < rq->form.count; k++) {
				uint64_t seq;
				if (sv_eq(rq->form.fields[k].name, SV("pick")) &&
				    num_parse_u64(rq->form.fields[k].value, 1, UINT32_MAX, &seq) == 0 && seq == cv.msgs[i].seq)
					tvars_set_cstr(it, "checked", "1");
			}
		}
		if (rq->method == HTTP_POST && sv_eq(page_field(rq, "agreed"), SV("yes")))
			tvars_set_cstr(v, "agreed_checked", "1");
	}
	case_view_free(&cv);
	page_form_render(rq, rs, "staff_testimony_from", N_("Make a testimony from this request"), v, p, notice, status);
}

/* The picked messages' numbers, from the form: at most TESTIMONY_PICK_MAX. */
static size_t
picks(const request_t *rq, uint32_t seqs[TESTIMONY_PICK_MAX + 1])
{
	size_t n = 0;
	for (size_t k = 0; k < rq->form.count && n <= TESTIMONY_PICK_MAX; k++) {
		uint64_t seq;
		if (sv_eq(rq->form.fields[k].name, SV("pick")) && num_parse_u64(rq->form.fields[k].value, 1, UINT32_MAX, &seq) == 0)
			seqs[n++] = (uint32_t)seq;
	}
	return n;
}

static void
from_work(request_t *rq)
{
	uint8_t id[16];
	uint32_t seqs[TESTIMONY_PICK_MAX + 1];
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	size_t n = picks(rq, seqs);
	rq->work_status = s && page_id_param(rq, id) == 0 ?
	    testimony_from_request(rq->app, s, id, seqs, n, sv_eq(page_field(rq, "agreed"), SV("yes")), (uint8_t *)rq->scratch) :
	    INTAKE_NOT_FOUND;
}

void
page_staff_testimony_from(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	uint32_t seqs[TESTIMONY_PICK_MAX + 1];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (!testimony_may_make(rq->app, s, id)) {
		rs->status = 404;
		return;
	}
	if (rq->method != HTTP_POST) {
		from_page(rq, rs, NULL, NULL, 0);
		return;
	}
	if (!rq->work_done) {
		page_problems_t p = { .n = 0 };
		size_t n = picks(rq, seqs);
		if (n == 0)
			page_problem_add(&p, "messages", i18n(rq->lang, N_("Tick at least one of his messages to copy.")));
		else if (n > TESTIMONY_PICK_MAX)
			page_problem_add(&p, "messages", i18n(rq->lang, N_("Too many messages ticked: copy at most 32 into one testimony.")));
		if (!sv_eq(page_field(rq, "agreed"), SV("yes")))
			page_problem_add(&p, "agreed",
			    i18n(rq->lang, N_("Tick the box to confirm that he agreed. Without his agreement there is no testimony.")));
		if (p.n) {
			from_page(rq, rs, &p, NULL, 400);
			return;
		}
		http_defer(rq, from_work, WORK_STAFF_SESSION);
		return;
	}
	if (rq->work_status == INTAKE_INVALID) {
		from_page(rq, rs, NULL, N_("His messages are too long for one testimony: tick fewer."), 400);
		return;
	}
	made(rq, rs, from_page);
}
