/* volunteer: the public application form for volunteers, and the coordinators' review of
 * applications: vouches from existing members, acceptance (an enrollment link to pass on
 * out of band) or rejection (the application is shredded either way). */
#include <stdio.h>
#include <string.h>

#include "domain/casework.h"
#include "domain/confirm.h"
#include "pages/staff_common.h"


static tvars_t *
volunteer_vars(request_t *rq)
{
	tvars_t *v = page_form_vars(rq);
	if (!v)
		return NULL;
	tvars_setf(v, "action", "/%s/volunteer", lang_code(rq->lang));
	tvars_setf(v, "guide_href", "/%s/guide", lang_code(rq->lang));
	return v;
}

static void
volunteer_form(request_t *rq, response_t *rs, const page_problems_t *p, const char *notice, int status)
{
	tvars_t *v = volunteer_vars(rq);
	if (v) {
		if (intake_open(rq->app))
			tvars_set_cstr(v, "open", "1");
		if (rq->method == HTTP_POST) {
			tvars_set(v, "about", page_field(rq, "about"));
			tvars_set(v, "languages", page_field(rq, "languages"));
			tvars_set(v, "contact", page_field(rq, "contact"));
			tvars_set(v, "vouchers", page_field(rq, "vouchers"));
		}
	}
	page_form_render(rq, rs, "volunteer", N_("Become a volunteer"), v, p, notice, status);
}

static void
volunteer_work(request_t *rq)
{
	application_form_t f = { page_field(rq, "about"), page_field(rq, "languages"), page_field(rq, "contact"),
		page_field(rq, "vouchers") };
	rq->work_status = application_submit(rq->app, rq->lang, &f);
}

void
page_volunteer(request_t *rq, response_t *rs)
{
	if (rq->method != HTTP_POST) {
		volunteer_form(rq, rs, NULL, NULL, 0);
		return;
	}
	if (!rq->work_done) {
		if (!intake_open(rq->app)) {
			volunteer_form(rq, rs, NULL, NULL, 503);
			return;
		}
		page_problems_t p = { .n = 0 };
		application_rules_t r;
		(void)application_rules(&(application_form_t){ page_field(rq, "about"), page_field(rq, "languages"),
		                            page_field(rq, "contact"), page_field(rq, "vouchers") },
		    &r);
		page_rule_problem(rq, &p, "about", r.about, N_("Tell us a little about yourself."), RULE_ABOUT_MAX_CHARS, NULL);
		page_rule_problem(rq, &p, "contact", r.contact, N_("Say how a coordinator can reach you."), RULE_SHORT_MAX_CHARS,
		    NULL);
		page_rule_problem(rq, &p, "languages", r.languages, NULL, RULE_SHORT_MAX_CHARS, NULL);
		page_rule_problem(rq, &p, "vouchers", r.vouchers, NULL, RULE_SHORT_MAX_CHARS, NULL);
		if (p.n) {
			volunteer_form(rq, rs, &p, NULL, 400);
			return;
		}
		http_defer(rq, volunteer_work, WORK_HELP_VOLUNTEER);
		return;
	}
	switch ((intake_status_t)rq->work_status) {
	case INTAKE_OK: {
		tvars_t *v = volunteer_vars(rq);
		if (v)
			tvars_set_cstr(v, "sent", "1");
		page_render(rq, rs, "volunteer", N_("Become a volunteer"), v);
		return;
	}
	case INTAKE_OVERLOADED:
	case INTAKE_BUSY:
		volunteer_form(rq, rs, NULL,
		    N_("We are overloaded right now, and your application was not saved. Please try again in a few minutes."), 503);
		return;
	case INTAKE_CLOSED:
		volunteer_form(rq, rs, NULL, NULL, 503);
		return;
	case INTAKE_FULL:   /* the disk is full: what she typed is given back */
		volunteer_form(rq, rs, NULL,
		    N_("We cannot take applications right now. Nothing was sent. Your text is below: copy it, and try again later."),
		    503);
		return;
	default:
		volunteer_form(rq, rs, NULL,
		    N_("Something went wrong on our side, and your application was not saved. Please try again later."), 500);
		return;
	}
}

/* ---- review ---- */

void
page_staff_applications(request_t *rq, response_t *rs)
{
	request_row_t rows[CASES_PAGE];
	size_t n = 0, total = 0;
	char q[16];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	uint64_t page = page_number(rq, 100000);
	intake_status_t st = casework_applications(rq->app, s, (size_t)(page - 1) * CASES_PAGE, rows, &n, &total);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		tvars_setf(v, "total", "%zu", total);
		page_rows_vars(rq, v, "applications", rows, n, "/staff/applications/", false, NULL);
		page_nav_vars(rq, v, "/staff/applications", NULL, page, page * CASES_PAGE < total);
		if (http_query(rq, "done", q, sizeof(q)) == 0)
			page_banner(rq, N_("The application was shredded."));
	}
	sodium_memzero(rows, sizeof(rows));
	page_render(rq, rs, "staff_applications", N_("Applications"), v);
}

static void
application_page(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], const char *notice,
    const char *notice_anchor, int status)
{
	case_view_t cv;
	char hex[33], when[32];
	if (!staff_coordinates(rq->app, s)) {
		rs->status = 404;
		return;
	}
	intake_status_t st = staff_view(rq->app, s, id, true, &cv);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		const char *l = lang_code(rq->lang);
		tvars_setf(v, "vouch_action", "/%s/staff/applications/%s/vouch", l, hex);
		tvars_setf(v, "accept_action", "/%s/staff/applications/%s/accept", l, hex);
		tvars_setf(v, "reject_href", "/%s/staff/applications/%s/reject", l, hex);
		tvars_setf(v, "back_href", "/%s/staff/applications", l);
		page_when(rq->lang, cv.created_hour, when);
		tvars_set_cstr(v, "when", when);
		tvars_set_cstr(v, "lang", cv.lang);
		if (cv.nmsgs)
			tvars_set(v, "about", buf_sv(&cv.msgs[0].text));
		tvars_set(v, "languages", buf_sv(&cv.languages));
		tvars_set(v, "contact", buf_sv(&cv.contact));
		tvars_set(v, "vouchers", buf_sv(&cv.vouchers));
		for (size_t i = 0; i < cv.nvouches; i++) {
			tvars_t *it = tvars_add_item(v, "vouches");
			if (!it)
				break;
			page_when(rq->lang, cv.vouches[i].hour, when);
			tvars_set_cstr(it, "when", when);
			tvars_set_cstr(it, "member", cv.vouches[i].member[0] ? cv.vouches[i].member : "?");
			tvars_set_cstr(it, "by", cv.vouches[i].author[0] ? cv.vouches[i].author : "?");
			tvars_set(it, "note", buf_sv(&cv.vouches[i].text));
		}
		size_t vouched = 0;   /* distinct members, as casework_application_accept counts them */
		for (size_t i = 0; i < cv.nvouches; i++) {
			bool seen = false;
			for (size_t j = 0; j < i; j++)
				seen |= strcmp(cv.vouches[i].member, cv.vouches[j].member) == 0;
			vouched += !seen && cv.vouches[i].member[0];
		}
		tvars_setf(v, "vouched", "%zu", vouched);
		tvars_setf(v, "min_vouches", "%u", rq->app->config.min_vouches);
		if (vouched >= rq->app->config.min_vouches)
			tvars_set_cstr(v, "may_accept", "1");
		if (cv.incomplete)
			tvars_set_cstr(v, "incomplete", "1");
		if (notice) {
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
			tvars_set_cstr(v, "notice_anchor", notice_anchor ? notice_anchor : "member");
			if (!notice_anchor || strcmp(notice_anchor, "member") == 0)
				tvars_set_cstr(v, "member_error", "1");
		}
		tvars_set(v, "member", page_field(rq, "member"));
		tvars_set(v, "vnote", page_field(rq, "note"));
	}
	case_view_free(&cv);
	page_render(rq, rs, "staff_application", N_("Application"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

void
page_staff_application(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	char q[8];
	if (http_query(rq, "done", q, sizeof(q)) == 0)
		page_banner(rq, N_("The vouch was recorded."));
	if (page_id_param(rq, id) != 0)
		rs->status = 404;
	else
		application_page(rq, rs, s, id, NULL, NULL, 0);
}

void
page_staff_application_vouch(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	intake_status_t st = page_id_param(rq, id) == 0
	    ? casework_vouch(rq->app, s, id, page_field(rq, "member"), page_field(rq, "note"))
	    : INTAKE_NOT_FOUND;
	if (st == INTAKE_INVALID)
		application_page(rq, rs, s, id, N_("There is no active member by that name."), "member", 400);
	else if (st != INTAKE_OK)
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
	else {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		http_redirectf(rs, 303, "/%s/staff/applications/%s?done=vouch", lang_code(rq->lang), hex);
	}
}

void
page_staff_application_accept(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char token[INVITE_TOKEN_CHARS + 1];
	uint32_t roles = ROLE_OWL;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	for (size_t i = 0; i < rq->form.count; i++) {
		const form_field_t *f = &rq->form.fields[i];
		if (sv_eq(f->name, SV("role")) && f->value.len < 16) {
			char name[16];
			memcpy(name, f->value.p, f->value.len);
			name[f->value.len] = '\0';
			uint32_t bit = role_parse(name);
			if (bit & (ROLE_VERIFIER | ROLE_TRANSLATOR | ROLE_EDITOR))
				roles |= bit;
		}
	}
	intake_status_t st = page_id_param(rq, id) == 0 ? casework_application_accept(rq->app, s, id, roles, token)
	                                                : INTAKE_NOT_FOUND;
	if (st == INTAKE_INVALID) {
		application_page(rq, rs, s, id, N_("Too few members have vouched for her yet. Record their vouches first."),
		    "vouches", 400);
		return;
	}
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		tvars_setf(v, "link", "/staff/enroll/%s", token);
		tvars_setf(v, "back_href", "/%s/staff/applications", lang_code(rq->lang));
	}
	sodium_memzero(token, sizeof(token));
	page_render(rq, rs, "staff_application_done", N_("Application accepted"), v);
}

void
page_staff_application_reject(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char hex[33];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (rq->method == HTTP_POST && sv_eq(page_field(rq, "confirm"), SV("yes"))) {
		intake_status_t st = casework_application_reject(rq->app, s, id);
		if (st != INTAKE_OK) {
			rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
			return;
		}
		http_redirectf(rs, 303, "/%s/staff/applications?done=1", lang_code(rq->lang));
		return;
	}
	intake_status_t may = confirm_reject(rq->app, s, id);
	if (may != INTAKE_OK) {
		rs->status = may == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		tvars_setf(v, "action", "/%s/staff/applications/%s/reject", lang_code(rq->lang), hex);
		tvars_setf(v, "back_href", "/%s/staff/applications/%s", lang_code(rq->lang), hex);
	}
	page_render(rq, rs, "staff_application_reject", N_("Reject this application"), v);
}
