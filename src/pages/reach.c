/* reach: the editors' pages of reach (issue 13): the posts of every appeal and campaign
 * item with their latest counts, the form that registers a post, the form that enters a
 * count (the import of a file is reach_import.c). The rules and the counting are the domain's (domain/reach.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/reach.h"
#include "pages/staff_common.h"

/* ---- the list and its forms ---- */

struct posts_ctx {
	const request_t *rq;
	tvars_t *v;
	const char *list;
};

static void
day_text(int64_t day, char out[16])
{
	int y, m, d;
	if (day < 0) {
		out[0] = '\0';
		return;
	}
	reach_civil(day, &y, &m, &d);
	snprintf_cut(out, 16, "%04d-%02d-%02d", y, m, d);
}

static int
post_item(void *ctx, const store_reach_post_t *p)
{
	struct posts_ctx *x = ctx;
	char hex[33], day[16];
	tvars_t *it = tvars_add_item(x->v, x->list);
	if (!it)
		return -1;
	tvars_setf(it, "id", "%" PRId64, p->id);
	if (p->has_appeal) {
		sodium_bin2hex(hex, sizeof(hex), p->appeal, 16);
		tvars_setf(it, "target", "%.8s", hex);
		tvars_setf(it, "target_href", "/%s/staff/reach?appeal=%s", lang_code(x->rq->lang), hex);
	} else if (p->item[0]) {
		tvars_set_cstr(it, "target", p->item);
	} else if (!p->account) {
		tvars_set_cstr(it, "target", i18n(x->rq->lang, N_("not linked to an appeal yet")));
	}
	tvars_set_cstr(it, "platform", p->platform);
	tvars_set_cstr(it, "platform_id", p->platform_id);
	/* an address from a file is hostile: a link only when it is a web address */
	if (strncmp(p->url, "https://", 8) == 0 || strncmp(p->url, "http://", 7) == 0)
		tvars_set_cstr(it, "url", p->url);
	tvars_set_cstr(it, "channel", p->channel);
	tvars_set_cstr(it, "language", p->language);
	day_text(p->posted_day, day);
	tvars_set_cstr(it, "posted", day);
	if (p->account)
		tvars_set_cstr(it, "account", "1");
	tvars_setf(it, "views", "%" PRIu64, p->views);
	day_text(p->measured_day, day);
	tvars_set_cstr(it, "measured", day);
	if (p->lower)
		tvars_set_cstr(it, "lower", "1");
	return 0;
}

/* The filter of the list: ?appeal=HEX or ?item=NAME. */
static void
reach_filter(const request_t *rq, uint8_t appeal[16], bool *has_appeal, char item[STORE_REACH_ITEM_MAX + 1],
    bool *has_item, char hex[33])
{
	*has_appeal = *has_item = false;
	hex[0] = '\0';
	if (http_query(rq, "appeal", hex, 33) == 0 && page_id_from_hex(sv_from_cstr(hex), appeal) == 0)
		*has_appeal = true;
	else
		hex[0] = '\0';
	if (!*has_appeal && http_query(rq, "item", item, STORE_REACH_ITEM_MAX + 1) == 0 && item[0])
		*has_item = true;
}

static void
reach_page(request_t *rq, response_t *rs, const staff_t *s, const page_problems_t *p, const char *notice,
    int status)
{
	uint8_t appeal[16];
	char item[STORE_REACH_ITEM_MAX + 1], hex[33], today[16], qs[160];
	bool has_appeal, has_item;
	size_t total = 0;
	const char *l = lang_code(rq->lang);
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	reach_filter(rq, appeal, &has_appeal, item, &has_item, hex);
	uint64_t page = page_number(rq, 100000);
	struct posts_ctx x = { rq, v, "posts" };
	if (reach_posts(rq->app, s, has_appeal ? appeal : NULL, has_item ? item : NULL, (size_t)(page - 1) * REACH_PAGE,
	        post_item, &x, &total) != INTAKE_OK) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	x.list = "lower";
	if (page == 1 && !has_appeal && !has_item && reach_posts_lower(rq->app, s, post_item, &x) != INTAKE_OK) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	qs[0] = '\0';
	if (has_appeal) {
		tvars_set_cstr(v, "filter", hex);
		snprintf_cut(qs, sizeof(qs), "appeal=%s", hex);
	} else if (has_item) {
		tvars_set_cstr(v, "filter", item);
	}
	page_nav_vars(rq, v, "/staff/reach", qs[0] ? qs : NULL, page, page * REACH_PAGE < total);
	tvars_setf(v, "total", "%zu", total);
	tvars_setf(v, "post_action", "/%s/staff/reach/post", l);
	tvars_setf(v, "count_action", "/%s/staff/reach/count", l);
	tvars_setf(v, "import_href", "/%s/staff/reach/import", l);
	tvars_setf(v, "campaign_href", "/%s/staff/campaign", l);
	tvars_setf(v, "all_href", "/%s/staff/reach", l);
	/* the forms' values: what was sent (given back on a problem), else the filter's */
	bool posted = rq->method == HTTP_POST;
	tvars_set(v, "f_appeal", posted ? page_field(rq, "appeal") : sv_from_cstr(hex));
	tvars_set(v, "f_item", posted ? page_field(rq, "item") : has_item ? sv_from_cstr(item) : SV(""));
	tvars_set(v, "f_url", page_field(rq, "url"));
	tvars_set(v, "f_platform_id", page_field(rq, "platform_id"));
	tvars_set(v, "f_channel", page_field(rq, "channel"));
	tvars_set(v, "f_posted", page_field(rq, "posted"));
	tvars_set(v, "f_views", page_field(rq, "views"));
	day_text(clock_day(), today);
	sv_t day = page_field(rq, "day");
	tvars_set(v, "f_day", day.len || posted ? day : sv_from_cstr(today));
	sv_t platform = page_field(rq, "platform"), by = page_field(rq, "posted_by"), lang = page_field(rq, "language");
	sv_t post = page_field(rq, "post");
	const campaign_conf_t *c = &rq->app->config.campaign;
	for (unsigned i = 0; i < c->nplatforms; i++) {
		tvars_t *it = tvars_add_item(v, "platforms");
		if (!it)
			break;
		tvars_set_cstr(it, "name", c->platforms[i]);
		if (sv_eq_cstr(platform, c->platforms[i]))
			tvars_set_cstr(it, "selected", "1");
	}
	char lsel[8] = "";
	if (lang.len < sizeof(lsel)) {
		memcpy(lsel, lang.p, lang.len);
		lsel[lang.len] = '\0';
	}
	page_language_options(v, "languages", lsel, true);
	if (sv_eq(by, SV("staff")))
		tvars_set_cstr(v, "by_staff", "1");
	else if (sv_eq(by, SV("partner")))
		tvars_set_cstr(v, "by_partner", "1");
	tvars_set(v, "f_post", post);
	if (sv_eq(page_field(rq, "move"), SV("yes")))
		tvars_set_cstr(v, "f_move", "1");
	page_form_render(rq, rs, "staff_reach", N_("Reach"), v, p, notice, status);
}

void
page_staff_reach(request_t *rq, response_t *rs)
{
	char q[16];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!reach_can_edit(s)) {
		rs->status = 404;
		return;
	}
	const char *notice = NULL;
	if (http_query(rq, "done", q, sizeof(q)) == 0)
		notice = strcmp(q, "post") == 0 ? N_("The post is registered.")
		    : strcmp(q, "count") == 0   ? N_("The count is saved.")
		    : strcmp(q, "lower") == 0   ? N_("The count is saved. It is lower than the count before it, so it is flagged below.")
		    : strcmp(q, "known") == 0   ? N_("This count was already saved: nothing changed.")
		                                : NULL;
	reach_page(rq, rs, s, NULL, notice, 0);
}

static void
reach_done(request_t *rq, response_t *rs, const char *done)
{
	char hex[33];
	uint8_t id[16];
	sv_t a = page_field(rq, "appeal");
	if (a.len == 32 && page_id_from_hex(a, id) == 0) {
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		http_redirectf(rs, 303, "/%s/staff/reach?appeal=%s&done=%s", lang_code(rq->lang), hex, done);
	} else {
		http_redirectf(rs, 303, "/%s/staff/reach?done=%s", lang_code(rq->lang), done);
	}
}

void
page_staff_reach_post(request_t *rq, response_t *rs)
{
	reach_post_rules_t r;
	page_problems_t p = { .n = 0 };
	int64_t id;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	reach_post_form_t f = { .appeal = sv_trim_ows(page_field(rq, "appeal")), .item = page_field(rq, "item"),
		.platform = page_field(rq, "platform"), .url = sv_trim_ows(page_field(rq, "url")),
		.platform_id = sv_trim_ows(page_field(rq, "platform_id")), .channel = page_field(rq, "channel"),
		.language = page_field(rq, "language"), .posted = sv_trim_ows(page_field(rq, "posted")),
		.posted_by = page_field(rq, "posted_by"), .move = page_field(rq, "move") };
	intake_status_t st = reach_post_add(rq->app, s, &f, &r, &id);
	if (st == INTAKE_OK) {
		reach_done(rq, rs, "post");
		return;
	}
	if (st == INTAKE_NOT_FOUND) {
		rs->status = 404;
		return;
	}
	if (st != INTAKE_INVALID) {
		reach_page(rq, rs, s, NULL, N_("The post could not be saved. Try again; the operator's log says more."), 500);
		return;
	}
	if (r.target == RULE_NOT_LISTED)
		page_problem_add(&p, "appeal", i18n(rq->lang, N_("The appeal's id is 32 letters and digits, from its page's address.")));
	page_rule_problem(rq, &p, "item", r.target == RULE_EMPTY ? RULE_EMPTY : r.item,
	    N_("Give the appeal's id, or name the campaign item."), REACH_ITEM_MAX_CHARS, NULL);
	page_rule_problem(rq, &p, "platform", r.platform, N_("Choose the platform."), 0, NULL);
	if (r.url == RULE_NOT_LISTED)
		page_problem_add(&p, "url", i18n(rq->lang, N_("The address must start with https:// and have no spaces.")));
	else
		page_rule_problem(rq, &p, "url", r.url, N_("Give the post's address."), REACH_URL_MAX, NULL);
	page_rule_problem(rq, &p, "platform_id", r.platform_id,
	    N_("Give the platform's id of the post: the address is too long to stand for it."), REACH_ID_MAX, NULL);
	page_rule_problem(rq, &p, "channel", r.channel, NULL, REACH_CHANNEL_MAX, NULL);
	page_rule_problem(rq, &p, "language", r.language, NULL, 0, NULL);
	if (r.posted)
		page_problem_add(&p, "posted", i18n(rq->lang, N_("Write the date as year-month-day, for example 2026-03-01.")));
	page_rule_problem(rq, &p, "posted_by", r.posted_by, NULL, 0, NULL);
	if (r.taken)
		page_problem_add(&p, "move", i18n(rq->lang, N_("This post is already registered for another appeal or item. "
		                                               "To move it here, with its counts, tick the box and send again.")));
	reach_page(rq, rs, s, &p, NULL, 400);
}

void
page_staff_reach_count(request_t *rq, response_t *rs)
{
	reach_count_rules_t r;
	page_problems_t p = { .n = 0 };
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	reach_count_form_t f = { .post = sv_trim_ows(page_field(rq, "post")), .day = page_field(rq, "day"),
		.views = page_field(rq, "views") };
	intake_status_t st = reach_count_add(rq->app, s, &f, &r);
	if (st == INTAKE_OK) {
		reach_done(rq, rs, r.known ? "known" : r.lower ? "lower" : "count");
		return;
	}
	if (st == INTAKE_NOT_FOUND) {
		rs->status = 404;
		return;
	}
	if (st != INTAKE_INVALID) {
		reach_page(rq, rs, s, NULL, N_("The count could not be saved. Try again; the operator's log says more."), 500);
		return;
	}
	page_rule_problem(rq, &p, "post", r.post, N_("Choose the post."), 0, NULL);
	if (r.day)
		page_problem_add(&p, "day", i18n(rq->lang, r.day == RULE_EMPTY ? N_("Give the day of the count.")
		                                                             : N_("Write the date as year-month-day, for example 2026-03-01; not a day to come.")));
	if (r.views)
		page_problem_add(&p, "views", i18n(rq->lang, r.views == RULE_EMPTY ? N_("Give the number of views.")
		                                                                 : N_("The views are a whole number, digits only.")));
	reach_page(rq, rs, s, &p, NULL, 400);
}
