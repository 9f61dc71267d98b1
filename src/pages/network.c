/* network: the volunteer network's pages: her own profile (languages, location,
 * capacity, pause), an account's page with its training checklist (coordinators), "My
 * cases" with the coordinators' board, and on a request's page its assignment to an
 * Owl, its stage with the checklist, and the verifications. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/assign.h"
#include "domain/casework.h"
#include "domain/roster.h"
#include "pages/staff_common.h"

/* Coarse locations, in the page's language (casework_locations' order). */
static const char *const location_names[] = { N_("Belarus"), N_("Russia"), N_("Ukraine"), N_("Poland"),
	N_("Lithuania"), N_("Latvia"), N_("Estonia"), N_("Georgia"), N_("Armenia"), N_("Kazakhstan"), N_("Germany"),
	N_("Finland"), N_("Czechia"), N_("Another country") };

const char *
page_stage_name(const request_t *rq, int stage)
{
	return stage >= 0 && stage < STAGES_COUNT ? i18n(rq->lang, stages_ids[stage]) : "?";
}

/* ---- her own profile ---- */

static void
profile_page(request_t *rq, response_t *rs, const staff_t *s, const char *error, bool saved, int status)
{
	/* the field a problem is about: the number, or the lists */
	const char *anchor = error && strstr(error, "number") ? "capacity" : "location";
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		tvars_setf(v, "action", "/%s/staff/profile", lang_code(rq->lang));
		page_language_options(v, "languages", s->acct.languages, false);
		for (size_t i = 0; casework_locations[i]; i++) {
			tvars_t *it = tvars_add_item(v, "locations");
			if (!it)
				break;
			tvars_set_cstr(it, "code", casework_locations[i]);
			tvars_set_cstr(it, "name", i18n(rq->lang, location_names[i]));
			if (strcmp(s->acct.location, casework_locations[i]) == 0)
				tvars_set_cstr(it, "selected", "1");
		}
		if (error)
			tvars_set(v, "capacity", page_field(rq, "capacity"));   /* as typed, to correct */
		else
			tvars_setf(v, "capacity", "%u", s->acct.capacity);
		tvars_setf(v, "capacity_max", "%u", CASEWORK_CAPACITY_MAX);
		tvars_setf(v, "active_cases", "%u", s->acct.active_cases);
		if (s->acct.status == ACCT_PAUSED)
			tvars_set_cstr(v, "paused", "1");
		for (size_t i = 0; casework_training[i]; i++) {
			tvars_t *it = tvars_add_item(v, "training");
			if (!it)
				break;
			tvars_set_cstr(it, "label", i18n(rq->lang, casework_training[i]));
			if (s->acct.training & (1u << i))
				tvars_set_cstr(it, "done", "1");
		}
		if (error) {
			tvars_set_cstr(v, "error", i18n(rq->lang, error));
			tvars_set_cstr(v, "error_anchor", anchor);
			tvars_set_cstr(v, strcmp(anchor, "capacity") == 0 ? "capacity_error" : "location_error", "1");
		}
		if (saved)
			page_banner(rq, N_("Your profile was saved."));
	}
	page_render(rq, rs, "staff_profile", N_("Your profile"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

void
page_staff_profile(request_t *rq, response_t *rs)
{
	char q[8];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (rq->method != HTTP_POST) {
		profile_page(rq, rs, s, NULL, http_query(rq, "saved", q, sizeof(q)) == 0, 0);
		return;
	}
	casework_profile_t p;
	memset(&p, 0, sizeof(p));
	/* every checked language arrives as its own "language" field */
	for (size_t i = 0; i < rq->form.count; i++) {
		const form_field_t *f = &rq->form.fields[i];
		if (!sv_eq(f->name, SV("language")))
			continue;
		size_t used = strlen(p.languages);
		if (f->value.len > 3 || used + f->value.len + 2 > sizeof(p.languages)) {
			profile_page(rq, rs, s, N_("Choose the languages from the list."), false, 400);
			return;
		}
		if (!snprintf_ok(p.languages + used, sizeof(p.languages) - used, "%s%.*s", used ? "," : "",
		        (int)f->value.len, f->value.p)) {
			profile_page(rq, rs, s, N_("Choose the languages from the list."), false, 400);
			return;
		}
	}
	sv_t loc = page_field(rq, "location"), cap = page_field(rq, "capacity");
	uint64_t capacity;
	if (loc.len >= sizeof(p.location)) {
		profile_page(rq, rs, s, N_("Choose the languages and the country from the lists."), false, 400);
		return;
	}
	if (num_parse_u64(cap, 0, CASEWORK_CAPACITY_MAX, &capacity) != 0) {
		profile_page(rq, rs, s, N_("The number of cases must be between 0 and 50."), false, 400);
		return;
	}
	memcpy(p.location, loc.p, loc.len);
	p.capacity = (unsigned)capacity;
	p.paused = sv_eq(page_field(rq, "paused"), SV("1"));
	staff_status_t st = casework_profile_set(rq->app, s, &p);
	if (st == STAFF_INVALID)
		profile_page(rq, rs, s, N_("Choose the languages and the country from the lists."), false, 400);
	else if (st != STAFF_OK)
		rs->status = 500;
	else {
		http_redirectf(rs, 303, "/%s/staff/profile?saved=1", lang_code(rq->lang));
	}
}

/* ---- an account's page: profile and training (coordinators) ---- */

void
page_staff_account(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	roster_entry_t a;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	bool coordinator = (s->acct.roles & ROLE_COORDINATOR) != 0;
	staff_status_t got = page_id_param(rq, id) == 0 ? roster_account(rq->app, s, id, &a) : STAFF_DENIED;
	if (got != STAFF_OK) {
		rs->status = got == STAFF_ERROR ? 500 : 404;
		return;
	}
	if (rq->method == HTTP_POST) {
		uint32_t bits = 0;
		for (size_t i = 0; i < rq->form.count; i++) {
			uint64_t b;
			if (sv_eq(rq->form.fields[i].name, SV("done")) &&
			    num_parse_u64(rq->form.fields[i].value, 0, CASEWORK_TRAINING_ITEMS - 1, &b) == 0)
				bits |= 1u << b;
		}
		staff_status_t st = casework_training_set(rq->app, s, id, bits);
		if (st != STAFF_OK) {
			rs->status = st == STAFF_DENIED ? 404 : 500;
			return;
		}
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		http_redirectf(rs, 303, "/%s/staff/accounts/%s?done=training", lang_code(rq->lang), hex);
		return;
	}
	char q[16];
	if (http_query(rq, "done", q, sizeof(q)) == 0)
		page_banner(rq, N_("The training was saved."));
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		tvars_set_cstr(v, "name", a.handle);
		tvars_set_cstr(v, "languages", a.languages);
		tvars_set_cstr(v, "location", a.location);
		tvars_setf(v, "load", "%u / %u", a.active_cases, a.capacity);
		tvars_set_cstr(v, "status", page_account_status(rq, a.status));
		tvars_setf(v, "action", "/%s/staff/accounts/%s", lang_code(rq->lang), hex);
		if (coordinator)
			tvars_set_cstr(v, "can_train", "1");
		roster_entry_t target;   /* revocation is offered here, on the account's own page */
		if (roster_revocation(rq->app, s, id, &target) == STAFF_OK) {
			tvars_set_cstr(v, "revocable", "1");
			tvars_set_cstr(v, "id", hex);
		}
		for (size_t i = 0; casework_training[i]; i++) {
			tvars_t *it = tvars_add_item(v, "training");
			if (!it)
				break;
			tvars_setf(it, "index", "%zu", i);
			tvars_set_cstr(it, "label", i18n(rq->lang, casework_training[i]));
			if (a.training & (1u << i))
				tvars_set_cstr(it, "done", "1");
		}
	}
	page_render(rq, rs, "staff_account", N_("Account"), v);
}

/* ---- my cases, and the board ---- */

void
page_rows_vars(const request_t *rq, tvars_t *v, const char *list, const request_row_t *rows, size_t n,
    const char *base, bool by_activity, void (*extra)(const request_t *rq, tvars_t *it, const request_row_t *r))
{
	char hex[33], when[32];
	for (size_t i = 0; i < n; i++) {
		tvars_t *it = tvars_add_item(v, list);
		if (!it)
			return;
		sodium_bin2hex(hex, sizeof(hex), rows[i].id, 16);
		tvars_setf(it, "href", "/%s%s%s", lang_code(rq->lang), base, hex);
		tvars_set_cstr(it, "lang", rows[i].lang);
		tvars_set_cstr(it, "stage", page_stage_name(rq, rows[i].stage));
		if (rows[i].stage == STAGE_NEW)
			tvars_set_cstr(it, "new", "1");
		page_when(rq->lang, by_activity ? rows[i].activity_hour : rows[i].created_hour, when);
		tvars_set_cstr(it, "when", when);
		if (rows[i].waiting_hour >= 0) {
			page_when(rq->lang, rows[i].waiting_hour, when);
			tvars_set_cstr(it, "waiting", when);
		}
		if (rows[i].unreadable)
			tvars_set_cstr(it, "unreadable", "1");
		tvars_set_cstr(it, "first_line", rows[i].first_line);
		/* who wrote last: the requester waits, or we answered */
		tvars_set_cstr(it, "last", i18n(rq->lang, rows[i].waiting_hour >= 0 ? N_("the requester") : N_("us")));
		if (rows[i].holder[0])
			tvars_set_cstr(it, "holder", rows[i].holder);
		if (extra)
			extra(rq, it, &rows[i]);
	}
}

void
page_staff_cases(request_t *rq, response_t *rs)
{
	request_row_t rows[CASES_PAGE], board[CASES_PAGE];
	size_t n = 0, total = 0, nb = 0, btotal = 0, counts[STAGES_COUNT];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	uint64_t page = page_number(rq, 100000);
	bool coordinator = staff_coordinates(rq->app, s);
	intake_status_t st = casework_my_cases(rq->app, s, (size_t)(page - 1) * CASES_PAGE, rows, &n, &total);
	if (st == INTAKE_OK && coordinator)
		st = casework_board(rq->app, s, counts, 0, board, &nb, &btotal);
	if (st != INTAKE_OK) {
		rs->status = 500;
		return;
	}
	casework_counts_t c;
	if (casework_counts(rq->app, s, &c) != INTAKE_OK) {
		rs->status = 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		tvars_setf(v, "mine_waiting", "%ld", c.mine_waiting);
		page_rows_vars(rq, v, "cases", rows, n, "/staff/requests/", true, NULL);
		tvars_setf(v, "total", "%zu", total);
		page_nav_vars(rq, v, "/staff/cases", NULL, page, page * CASES_PAGE < total);
		if (coordinator) {
			tvars_set_cstr(v, "coordinator", "1");
			for (int i = 0; i < STAGES_COUNT; i++) {
				tvars_t *it = tvars_add_item(v, "stages");
				if (!it)
					break;
				tvars_set_cstr(it, "name", page_stage_name(rq, i));
				tvars_setf(it, "count", "%zu", counts[i]);
			}
			page_rows_vars(rq, v, "waiting", board, nb, "/staff/requests/", true, NULL);
			tvars_setf(v, "waiting_total", "%zu", btotal);
			tvars_setf(v, "response_hours", "%u", rq->app->config.response_hours);
		}
	}
	sodium_memzero(rows, sizeof(rows));
	sodium_memzero(board, sizeof(board));
	page_render(rq, rs, "staff_cases", N_("My cases"), v);
}

/* ---- assignment ---- */

struct suggest_ctx {
	tvars_t *v;
	const request_t *rq;
};

static void
suggest_each(void *ctx, const roster_entry_t *a)
{
	struct suggest_ctx *x = ctx;
	char hex[33];
	tvars_t *it = tvars_add_item(x->v, "owls");
	if (!it)
		return;
	sodium_bin2hex(hex, sizeof(hex), a->id, 16);
	tvars_set_cstr(it, "id", hex);
	tvars_set_cstr(it, "name", a->handle);
	tvars_setf(it, "load", "%u / %u", a->active_cases, a->capacity);
}

void
page_assign_vars(request_t *rq, tvars_t *v, const staff_t *s, const case_view_t *cv, const uint8_t case_id[16])
{
	char hex[33], holder[STORE_HANDLE_MAX + 1];
	bool revoked = false;
	if (assign_holder(rq->app, cv, holder, &revoked) == 1) {
		tvars_set_cstr(v, "assignee", holder);
		if (revoked)
			tvars_set_cstr(v, "assignee_revoked", "1");
	}
	struct suggest_ctx x = { v, rq };
	staff_status_t st = assign_owls(rq->app, s, cv, 10, suggest_each, &x);
	if (st == STAFF_DENIED)
		return;   /* no form: she may not assign, or the request is closed */
	sodium_bin2hex(hex, sizeof(hex), case_id, 16);
	tvars_setf(v, "assign_action", "/%s/staff/requests/%s/assign", lang_code(rq->lang), hex);
	if (st != STAFF_OK)
		tvars_set_cstr(v, "owls_failed", "1");
}

static void back_to_request(request_t *rq, response_t *rs, const uint8_t id[16], const char *what);

/* Taking a request from the Owl who holds it: a page that says so, with the button. */
static void
assign_confirm(request_t *rq, response_t *rs, const uint8_t id[16], const char *holder, const char *to)
{
	char hex[33], ref[PAGE_CASE_REF];
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		page_case_ref(id, ref);
		tvars_set_cstr(v, "ref", ref);
		tvars_set_cstr(v, "holder", holder);
		tvars_set_cstr(v, "to", to);
		tvars_set(v, "owl", page_field(rq, "owl"));
		tvars_set(v, "handle", page_field(rq, "handle"));
		tvars_setf(v, "action", "/%s/staff/requests/%s/assign", lang_code(rq->lang), hex);
		tvars_setf(v, "back_href", "/%s/staff/requests/%s", lang_code(rq->lang), hex);
	}
	page_render(rq, rs, "staff_assign_confirm", N_("Take this request from her?"), v);
}

void
page_staff_request_assign(request_t *rq, response_t *rs)
{
	uint8_t id[16], owl[16];
	char holder[STORE_HANDLE_MAX + 1];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	/* the Owl: chosen from the suggestions (her id), or named; neither is a problem */
	bool by_id = page_id_from_hex(page_field(rq, "owl"), owl) == 0;
	sv_t handle = page_field(rq, "handle");
	if (!by_id && handle.len == 0) {
		back_to_request(rq, rs, id, "empty");
		return;
	}
	if (!by_id) {
		int named = assign_named(rq->app, s, handle, owl);
		if (named < 0) {
			rs->status = 500;
			return;
		}
		if (named == 0) {   /* casework_assign says what that is: no such Owl, or not hers to do */
			intake_status_t st = assign_by_handle(rq->app, s, id, handle);
			if (st == INTAKE_NO_OWL || st == INTAKE_OK)
				back_to_request(rq, rs, id, st == INTAKE_OK ? "assigned" : "none");
			else
				rs->status = st == INTAKE_CLOSED ? 503 : st == INTAKE_NOT_FOUND ? 404 : 500;
			return;
		}
	}
	if (!sv_eq(page_field(rq, "confirm"), SV("yes"))) {
		int held = assign_current(rq->app, s, id, holder);
		roster_entry_t a;
		if (held < 0) {
			rs->status = 500;
			return;
		}
		if (held == 1 && roster_account(rq->app, s, owl, &a) == STAFF_OK && strcmp(a.handle, holder) != 0) {
			assign_confirm(rq, rs, id, holder, a.handle);   /* to the one who holds it: nothing to take */
			return;
		}
	}
	intake_status_t st = casework_assign(rq->app, s, id, owl);
	bool no_owl = st == INTAKE_NO_OWL;   /* the request page says so */
	if (st != INTAKE_OK && !no_owl) {
		rs->status = st == INTAKE_CLOSED ? 503 : st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	back_to_request(rq, rs, id, no_owl ? "none" : "assigned");
}

/* ---- stages, verifications and checklists on a request's page ---- */

static const char *
stage_label(const request_t *rq, int stage)
{
	const stage_def_t *d = &rq->app->stages.stage[stage];
	return d->label[0] ? d->label : page_stage_name(rq, stage);
}

void
page_stage_vars(request_t *rq, tvars_t *v, const staff_t *s, const case_view_t *cv, const uint8_t case_id[16])
{
	char hex[33], when[32];
	sodium_bin2hex(hex, sizeof(hex), case_id, 16);
	int stage = cv->stage >= 0 && cv->stage < STAGES_COUNT ? cv->stage : 0;
	const stage_def_t *d = &rq->app->stages.stage[stage];
	tvars_set_cstr(v, "stage", stage_label(rq, stage));
	tvars_setf(v, "stage_from", "%d", stage);
	tvars_setf(v, "stage_action", "/%s/staff/requests/%s/stage", lang_code(rq->lang), hex);
	tvars_setf(v, "checklist_action", "/%s/staff/requests/%s/checklist", lang_code(rq->lang), hex);
	tvars_setf(v, "verify_action", "/%s/staff/requests/%s/verify", lang_code(rq->lang), hex);
	bool open = stage < STAGE_CLOSED, may_end = casework_may_end(rq->app, s);
	if (open) {
		tvars_set_cstr(v, "stage_open", "1");
		if (stage + 1 < STAGE_CLOSED || may_end) {
			tvars_setf(v, "next_stage", "%d", stage + 1);
			tvars_set_cstr(v, "next_label", stage_label(rq, stage + 1));
		}
		if (stage > STAGE_NEW) {
			tvars_setf(v, "prev_stage", "%d", stage - 1);
			tvars_set_cstr(v, "prev_label", stage_label(rq, stage - 1));
		}
		if (may_end)
			tvars_setf(v, "rejected_stage", "%d", STAGE_REJECTED);
		else
			tvars_set_cstr(v, "end_by_coordinator", "1");
	}
	for (unsigned i = 0; i < d->nitems; i++) {
		tvars_t *it = tvars_add_item(v, "checklist");
		if (!it)
			break;
		tvars_setf(it, "index", "%u", i);
		tvars_set_cstr(it, "label", i18n(rq->lang, d->items[i]));
		if (cv->checklist[stage] & (1u << i))
			tvars_set_cstr(it, "done", "1");
	}
	for (size_t i = 0; i < cv->nhistory; i++) {
		const case_event_t *e = &cv->history[i];
		tvars_t *it = tvars_add_item(v, "history");
		if (!it)
			break;
		page_when(rq->lang, e->hour, when);
		tvars_set_cstr(it, "when", when);
		tvars_set_cstr(it, "author", e->author[0] ? e->author : "?");
		tvars_set_cstr(it, "from", e->from >= 0 && e->from < STAGES_COUNT ? stage_label(rq, e->from) : "?");
		tvars_set_cstr(it, "to", e->to >= 0 && e->to < STAGES_COUNT ? stage_label(rq, e->to) : "?");
		tvars_set(it, "reason", buf_sv(&e->text));
	}
	for (size_t i = 0; i < cv->nverifications; i++) {
		const case_event_t *e = &cv->verifications[i];
		tvars_t *it = tvars_add_item(v, "verifications");
		if (!it)
			break;
		page_when(rq->lang, e->hour, when);
		tvars_set_cstr(it, "when", when);
		tvars_set_cstr(it, "author", e->author[0] ? e->author : "?");
		tvars_set(it, "note", buf_sv(&e->text));
	}
	if (open && (s->acct.roles & ROLE_VERIFIER))
		tvars_set_cstr(v, "can_verify", "1");
}

/* Back to the request page: what was done (a banner) or the problem (the summary). */
static void
back_to_request(request_t *rq, response_t *rs, const uint8_t id[16], const char *what)
{
	char hex[33];
	static const char *const done[] = { "moved", "verified", "checked", "assigned", NULL };
	bool ok = false;
	for (size_t i = 0; done[i]; i++)
		ok |= strcmp(what, done[i]) == 0;
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	http_redirectf(rs, 303, "/%s/staff/requests/%s?%s=%s#%s", lang_code(rq->lang), hex, ok ? "done" : "problem", what,
	    strcmp(what, "assigned") == 0 || strcmp(what, "none") == 0 || strcmp(what, "empty") == 0 ? "assign" : "stage");
}

/* The ticked items of the form's checklist (its "done" fields) as bits. */
static uint32_t
checklist_bits(const request_t *rq)
{
	uint32_t bits = 0;
	for (size_t i = 0; i < rq->form.count; i++) {
		uint64_t b;
		if (sv_eq(rq->form.fields[i].name, SV("done")) &&
		    num_parse_u64(rq->form.fields[i].value, 0, STAGES_ITEMS_MAX - 1, &b) == 0)
			bits |= 1u << b;
	}
	return bits;
}

const char *
page_stage_apply(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16])
{
	uint64_t from, to = 0;
	bool verify = sv_eq(page_field(rq, "verify"), SV("1"));
	if (num_parse_u64(page_field(rq, "from"), 0, STAGES_COUNT - 1, &from) != 0 ||
	    (!verify && num_parse_u64(page_field(rq, "to"), 0, STAGES_COUNT - 1, &to) != 0)) {
		rs->status = 404;
		return NULL;
	}
	/* the ticks ride with "Save the checklist" and the moves along the corridor only:
	 * a verification or a rejection never writes the page's (perhaps old) ticks over a
	 * colleague's */
	if (sv_eq(page_field(rq, "checklist"), SV("1")) && !verify && to != STAGE_REJECTED) {
		intake_status_t st = casework_checklist(rq->app, s, id, (int)from, checklist_bits(rq));
		if (st == INTAKE_NOT_FOUND)
			return "invalid";   /* moved by someone else first: said, with the texts given back */
		if (st != INTAKE_OK) {
			rs->status = 500;
			return NULL;
		}
		if (!verify && to == from)
			return "checked";
	}
	if (verify) {
		intake_status_t st = casework_verify(rq->app, s, id, page_field(rq, "vnote"));
		if (st == INTAKE_OK)
			return "verified";
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return NULL;
	}
	/* the reason is for a rejection only: a note typed there never rides on another move */
	sv_t reason = to == STAGE_REJECTED ? page_field(rq, "reason") : SV("");
	switch (casework_stage_move(rq->app, s, id, (int)from, (int)to, reason)) {
	case STAGE_MOVE_OK: return "moved";
	case STAGE_MOVE_INVALID: return "invalid";
	case STAGE_MOVE_NEED_REASON: return "reason";
	case STAGE_MOVE_NEED_VERIFIERS: return "verifiers";
	case STAGE_MOVE_STALE: return "stale";
	case STAGE_MOVE_COORDINATOR: return "coordinator";
	case STAGE_MOVE_NOT_FOUND: rs->status = 404; return NULL;
	default: rs->status = 500; return NULL;
	}
}

/* The stage's own address (older pages, and forms without the reply's). */
void
page_staff_request_stage(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	const char *key = page_stage_apply(rq, rs, s, id);
	if (key)
		back_to_request(rq, rs, id, key);
}

/* The verification's own address (the form of older pages). */
void
page_staff_request_verify(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	intake_status_t st = page_id_param(rq, id) == 0 ? casework_verify(rq->app, s, id, page_field(rq, "note"))
	                                                : INTAKE_NOT_FOUND;
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	back_to_request(rq, rs, id, "verified");
}

/* The checklist's own address (the form of older pages). */
void
page_staff_request_checklist(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	uint64_t stage;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	intake_status_t st = page_id_param(rq, id) != 0 ||
	        num_parse_u64(page_field(rq, "stage"), 0, STAGES_COUNT - 1, &stage) != 0
	    ? INTAKE_NOT_FOUND
	    : casework_checklist(rq->app, s, id, (int)stage, checklist_bits(rq));
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	back_to_request(rq, rs, id, "checked");
}
