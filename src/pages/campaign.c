/* campaign: the campaign dashboard at /staff/campaign (editors, viewers, coordinators,
 * admins): the three goals with the pace each needs, and three charts drawn as SVG, each
 * beside a table of its numbers; every table as CSV at /staff/campaign/export; and the
 * optional public page of rounded figures ([campaign] public_counters). Aggregates only:
 * no post, person or case is named here but the appeals' short ids and items' names. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/reach.h"
#include "pages/charts.h"
#include "pages/staff_common.h"

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

/* An appeal's short id or an item's name, or "not linked yet". */
static void
group_label(const request_t *rq, const store_reach_group_t *g, char *out, size_t cap)
{
	char hex[33];
	if (g->has_appeal) {
		sodium_bin2hex(hex, sizeof(hex), g->appeal, 16);
		snprintf_cut(out, cap, "%s %.8s", i18n(rq->lang, N_("appeal")), hex);
	} else if (g->item[0]) {
		snprintf_cut(out, cap, "%s", g->item);
	} else {
		snprintf_cut(out, cap, "%s", i18n(rq->lang, N_("not linked to an appeal yet")));
	}
}

/* A number in groups of three digits, parted by narrow no-break spaces (U+202F), which
 * read the same in Belarusian, Russian and English: 40 000 000. */
static void
grouped(uint64_t n, char out[48])
{
	char digits[24];
	snprintf_cut(digits, sizeof(digits), "%" PRIu64, n);
	size_t len = strlen(digits), k = 0;
	for (size_t i = 0; i < len && k + 4 < 48; i++) {
		if (i && (len - i) % 3 == 0) {
			memcpy(out + k, "\xe2\x80\xaf", 3);
			k += 3;
		}
		out[k++] = digits[i];
	}
	out[k] = '\0';
}

static void
goal_vars(const request_t *rq, tvars_t *v, const char *name, const reach_goal_t *g)
{
	char by[16], n[48];
	tvars_t *it = tvars_add_item(v, "goals");
	if (!it)
		return;
	tvars_set_cstr(it, "name", i18n(rq->lang, name));
	grouped(g->done, n);
	tvars_set_cstr(it, "done_text", n);
	grouped(g->goal, n);
	tvars_set_cstr(it, "goal_text", n);
	tvars_setf(it, "goal", "%" PRIu64, g->goal);
	tvars_setf(it, "percent", "%u", g->percent);
	tvars_setf(it, "progress", "%" PRIu64, g->done < g->goal ? g->done : g->goal);
	if (g->by >= 0) {
		day_text(g->by, by);
		tvars_set_cstr(it, "by", by);
		tvars_setf(it, "days_left", "%" PRId64, g->days_left);
	}
	if (g->done >= g->goal)
		tvars_set_cstr(it, "reached", "1");
	else if (g->per_day) {
		grouped(g->per_day, n);
		tvars_set_cstr(it, "per_day", n);
		grouped(g->per_week, n);
		tvars_set_cstr(it, "per_week", n);
	} else if (g->by >= 0) {
		tvars_set_cstr(it, "late", "1");
	}
}

static void
export_vars(const request_t *rq, tvars_t *v, const char *name, const char *table)
{
	tvars_setf(v, name, "/%s/staff/campaign/export?table=%s", lang_code(rq->lang), table);
}

void
page_staff_campaign(request_t *rq, response_t *rs)
{
	static __thread reach_dashboard_t d;
	char day[16], label[160];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!reach_can_view(s)) {
		rs->status = 404;
		return;
	}
	if (reach_dashboard(rq->app, &d) != INTAKE_OK) {
		rs->status = 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	day_text(d.today, day);
	tvars_set_cstr(v, "today", day);
	goal_vars(rq, v, N_("Views of the appeals"), &d.views);
	goal_vars(rq, v, N_("Owls (active volunteers)"), &d.owls);
	goal_vars(rq, v, N_("Men safe (requests now at the stage safe or after it)"), &d.safe);
	tvars_setf(v, "posts", "%" PRIu64, d.posts);
	tvars_setf(v, "flagged", "%" PRIu64, d.flagged);
	const campaign_conf_t *c = &rq->app->config.campaign;
	buf_t metrics;
	buf_init(&metrics, 512);
	for (unsigned i = 0; i < c->nmetrics; i++)
		if ((i && buf_append_cstr(&metrics, ", ") != 0) || buf_append_cstr(&metrics, c->metrics[i]) != 0)
			break;
	tvars_set(v, "metrics", buf_sv(&metrics));
	buf_free(&metrics);

	/* cumulative views against the goal */
	int64_t days[REACH_DASH_WEEKS], cum[REACH_DASH_WEEKS];
	static __thread int64_t gained[REACH_DASH_WEEKS][CHART_SERIES_MAX];
	for (size_t i = 0; i < d.nweeks; i++) {
		days[i] = d.weeks[i].start;
		cum[i] = d.weeks[i].cumulative;
		for (size_t k = 0; k < CHART_SERIES_MAX; k++)
			gained[i][k] = k < d.nplatforms ? d.weeks[i].gained[k] : 0;
		tvars_t *it = tvars_add_item(v, "weeks");
		if (!it)
			break;
		day_text(d.weeks[i].start, day);
		tvars_set_cstr(it, "week", day);
		tvars_setf(it, "cumulative", "%" PRId64, d.weeks[i].cumulative);
		for (size_t k = 0; k < d.nplatforms; k++) {
			tvars_t *cell = tvars_add_item(it, "cells");
			if (cell)
				tvars_setf(cell, "n", "%" PRId64, d.weeks[i].gained[k]);
		}
	}
	if (d.has_earlier) {
		tvars_set_cstr(v, "has_earlier", "1");
		for (size_t k = 0; k < d.nplatforms; k++) {
			tvars_t *cell = tvars_add_item(v, "earlier");
			if (cell)
				tvars_setf(cell, "n", "%" PRId64, d.earlier[k]);
		}
	}
	buf_t svg;
	buf_init(&svg, 256 * 1024);
	if (chart_cumulative(&svg, i18n(rq->lang, N_("Views so far, week by week, against the goal")), days, cum, d.nweeks,
	        d.views.goal, d.views.by) == 0)
		tvars_set_html(v, "chart_cumulative", buf_sv(&svg));
	buf_reset(&svg);
	const char *names[REACH_DASH_PLATFORMS];
	for (size_t k = 0; k < d.nplatforms; k++) {
		names[k] = d.platforms[k].name;
		tvars_t *it = tvars_add_item(v, "platforms");
		if (!it)
			break;
		tvars_set_cstr(it, "name", d.platforms[k].name);
		tvars_setf(it, "views", "%" PRIu64, d.platforms[k].views);
		tvars_setf(it, "posts", "%" PRIu64, d.platforms[k].posts);
	}
	if (chart_weekly(&svg, i18n(rq->lang, N_("Views gained per platform, week by week")), days, d.nweeks, names,
	        d.nplatforms, (const int64_t(*)[CHART_SERIES_MAX])gained) == 0)
		tvars_set_html(v, "chart_weekly", buf_sv(&svg));
	buf_reset(&svg);
	static __thread char labels[REACH_TOP][160];
	const char *lp[REACH_TOP];
	uint64_t vals[REACH_TOP];
	for (size_t i = 0; i < d.ntop; i++) {
		group_label(rq, &d.top[i], labels[i], sizeof(labels[i]));
		lp[i] = labels[i];
		vals[i] = d.top[i].views;
		tvars_t *it = tvars_add_item(v, "top");
		if (!it)
			break;
		tvars_set_cstr(it, "label", labels[i]);
		if (d.top[i].has_appeal) {
			char hex[33];
			sodium_bin2hex(hex, sizeof(hex), d.top[i].appeal, 16);
			if (s->acct.roles & ROLE_EDITOR)
				tvars_setf(it, "href", "/%s/staff/reach?appeal=%s", lang_code(rq->lang), hex);
		}
		tvars_setf(it, "views", "%" PRIu64, d.top[i].views);
		tvars_setf(it, "posts", "%" PRIu64, d.top[i].posts);
	}
	if (d.ntop && chart_bars(&svg, i18n(rq->lang, N_("The most viewed appeals")), lp, vals, d.ntop) == 0)
		tvars_set_html(v, "chart_top", buf_sv(&svg));
	buf_free(&svg);
	for (size_t i = 0; i < d.nlanguages; i++) {
		tvars_t *it = tvars_add_item(v, "languages");
		if (!it)
			break;
		tvars_set_cstr(it, "code", d.languages[i].code[0] ? d.languages[i].code : i18n(rq->lang, N_("not said")));
		tvars_setf(it, "views", "%" PRIu64, d.languages[i].views);
	}
	export_vars(rq, v, "csv_goals", "goals");
	export_vars(rq, v, "csv_weeks", "weeks");
	export_vars(rq, v, "csv_platforms", "platforms");
	export_vars(rq, v, "csv_top", "top");
	export_vars(rq, v, "csv_languages", "languages");
	if (s->acct.roles & ROLE_EDITOR)
		tvars_setf(v, "reach_href", "/%s/staff/reach", lang_code(rq->lang));
	(void)label;
	page_render(rq, rs, "staff_campaign", N_("Campaign"), v);
}

/* ---- CSV ---- */

/* One cell: quoted when it holds a comma, a quote or a line end; a cell that a
 * spreadsheet would read as a formula starts with an apostrophe. */
static int
csv_cell(buf_t *b, const char *s, bool last)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t';
	if (quote && buf_putc(b, '"') != 0)
		return -1;
	if (formula && buf_putc(b, '\'') != 0)
		return -1;
	for (const char *p = s; *p; p++)
		if ((*p == '"' && buf_putc(b, '"') != 0) || buf_putc(b, *p) != 0)
			return -1;
	if (quote && buf_putc(b, '"') != 0)
		return -1;
	return buf_append_cstr(b, last ? "\r\n" : ",");
}

static int
csv_goal(buf_t *b, const char *name, const reach_goal_t *g)
{
	char by[16], n[3][24];
	day_text(g->by, by);
	snprintf_cut(n[0], 24, "%" PRIu64, g->done);
	snprintf_cut(n[1], 24, "%" PRIu64, g->goal);
	snprintf_cut(n[2], 24, "%" PRIu64, g->per_day);
	return csv_cell(b, name, false) || csv_cell(b, n[0], false) || csv_cell(b, n[1], false) ||
	    csv_cell(b, by, false) || csv_cell(b, n[2], true);
}

void
page_staff_campaign_export(request_t *rq, response_t *rs)
{
	static __thread reach_dashboard_t d;
	char table[16], day[16], n[24], label[160];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!reach_can_view(s) || http_query(rq, "table", table, sizeof(table)) != 0) {
		rs->status = 404;
		return;
	}
	if (reach_dashboard(rq->app, &d) != INTAKE_OK) {
		rs->status = 500;
		return;
	}
	buf_t *b = &rs->body;
	buf_init(b, LIMIT_PAGE_BYTES);
	int bad = 0;
	if (strcmp(table, "goals") == 0) {
		bad = buf_append_cstr(b, "goal,done,target,by,needed_per_day\r\n") || csv_goal(b, "views", &d.views) ||
		    csv_goal(b, "owls", &d.owls) || csv_goal(b, "safe", &d.safe);
	} else if (strcmp(table, "platforms") == 0) {
		bad = buf_append_cstr(b, "platform,posts,views\r\n");
		for (size_t i = 0; i < d.nplatforms && !bad; i++)
			bad = buf_appendf(b, "%s,%" PRIu64 ",%" PRIu64 "\r\n", d.platforms[i].name, d.platforms[i].posts,
			    d.platforms[i].views);
	} else if (strcmp(table, "weeks") == 0) {
		bad = buf_append_cstr(b, "week");
		for (size_t k = 0; k < d.nplatforms && !bad; k++)
			bad = buf_appendf(b, ",%s", d.platforms[k].name);
		bad = bad || buf_append_cstr(b, ",cumulative\r\n");
		if (d.has_earlier) {
			bad = bad || buf_append_cstr(b, "earlier");
			for (size_t k = 0; k < d.nplatforms && !bad; k++)
				bad = buf_appendf(b, ",%" PRId64, d.earlier[k]);
			bad = bad || buf_append_cstr(b, ",\r\n");
		}
		for (size_t i = 0; i < d.nweeks && !bad; i++) {
			day_text(d.weeks[i].start, day);
			bad = buf_append_cstr(b, day);
			for (size_t k = 0; k < d.nplatforms && !bad; k++)
				bad = buf_appendf(b, ",%" PRId64, d.weeks[i].gained[k]);
			bad = bad || buf_appendf(b, ",%" PRId64 "\r\n", d.weeks[i].cumulative);
		}
	} else if (strcmp(table, "top") == 0) {
		bad = buf_append_cstr(b, "appeal_or_item,posts,views\r\n");
		for (size_t i = 0; i < d.ntop && !bad; i++) {
			group_label(rq, &d.top[i], label, sizeof(label));
			snprintf_cut(n, sizeof(n), "%" PRIu64, d.top[i].posts);
			bad = csv_cell(b, label, false) || csv_cell(b, n, false);
			snprintf_cut(n, sizeof(n), "%" PRIu64, d.top[i].views);
			bad = bad || csv_cell(b, n, true);
		}
	} else if (strcmp(table, "languages") == 0) {
		bad = buf_append_cstr(b, "language,views\r\n");
		for (size_t i = 0; i < d.nlanguages && !bad; i++)
			bad = buf_appendf(b, "%s,%" PRIu64 "\r\n", d.languages[i].code, d.languages[i].views);
	} else {
		buf_free(b);
		rs->status = 404;
		return;
	}
	if (bad) {
		buf_free(b);
		rs->status = 500;
		return;
	}
	rs->content_type = "text/csv; charset=utf-8";
	snprintf_cut(rs->disposition, sizeof(rs->disposition), "attachment; filename=\"campaign-%s.csv\"", table);
}

/* ---- the public counters ---- */

/* A rounded figure in words: "12.3 million", "450 thousand", below a thousand rounded
 * down to hundreds, and below a hundred only "fewer than 100": a small count that moved
 * by tens would tell a watcher when a few more men were safe. */
static void
rounded(const request_t *rq, uint64_t n, char out[64])
{
	if (n < 100) {
		snprintf_cut(out, 64, "%s", i18n(rq->lang, N_("fewer than 100")));
		return;
	}
	if (n >= 1000000)
		snprintf_cut(out, 64, "%" PRIu64 ".%" PRIu64 " %s", n / 1000000, (n % 1000000) / 100000,
		    i18n(rq->lang, N_("million")));
	else if (n >= 1000)
		snprintf_cut(out, 64, "%" PRIu64 " %s", n / 1000, i18n(rq->lang, N_("thousand")));
	else
		snprintf_cut(out, 64, "%" PRIu64, n / 100 * 100);
}

/* The public figures are read once a day (the first request of the day), so that a
 * watcher who asks every minute still learns no more than the day a figure moved. */
static pthread_mutex_t public_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t public_day = -1;
static uint64_t public_views, public_owls, public_safe;

static int
public_figures(const app_t *app, uint64_t *views, uint64_t *owls, uint64_t *safe)
{
	int rc = 0;
	int64_t today = clock_day();
	pthread_mutex_lock(&public_lock);
	if (public_day != today) {
		if (reach_totals(app, &public_views, &public_owls, &public_safe) == INTAKE_OK)
			public_day = today;
		else
			rc = -1;
	}
	*views = public_views;
	*owls = public_owls;
	*safe = public_safe;
	pthread_mutex_unlock(&public_lock);
	return rc;
}

void
page_campaign(request_t *rq, response_t *rs)
{
	uint64_t views, owls, safe;
	char t[64];
	if (!rq->app->config.campaign.public_counters) {
		rs->status = 404;
		return;
	}
	if (public_figures(rq->app, &views, &owls, &safe) != 0) {
		rs->status = 500;
		return;
	}
	tvars_t *v = tvars_new();
	if (!v) {
		rs->status = 500;
		return;
	}
	rounded(rq, views, t);
	tvars_set_cstr(v, "views", t);
	rounded(rq, owls, t);
	tvars_set_cstr(v, "owls", t);
	rounded(rq, safe, t);
	tvars_set_cstr(v, "safe", t);
	rounded(rq, rq->app->config.campaign.views_goal, t);
	tvars_set_cstr(v, "views_goal", t);
	page_render(rq, rs, "campaign", N_("The campaign so far"), v);
}
