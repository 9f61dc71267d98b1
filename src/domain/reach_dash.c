/* reach_dash: the campaign's three goals and the figures of the dashboard (reach.h):
 * views from the reach aggregates, Owls from the roster (active accounts with the owl
 * role), men safe from the corridor as a count only (requests now in the stages safe and
 * aftercare: no list, no id, no date), each with the pace needed to reach it in time. */
#include "domain/reach.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "store/appeals.h"

static void
goal_set(reach_goal_t *g, uint64_t done, uint64_t goal, int64_t by, int64_t today)
{
	g->done = done;
	g->goal = goal;
	g->by = by;
	g->percent = goal ? (unsigned)(done >= goal ? 100 : done * 100 / goal) : 0;
	g->days_left = by >= 0 && by > today ? by - today : 0;
	g->per_day = g->per_week = 0;
	if (done < goal && g->days_left > 0) {
		uint64_t left = goal - done, days = (uint64_t)g->days_left;
		g->per_day = (left + days - 1) / days;
		g->per_week = g->per_day * 7 < left ? g->per_day * 7 : left;
	}
}

struct dash_ctx {
	reach_dashboard_t *d;
	int64_t first_week, last_week;
	bool failed;
};

static void
dash_platform(void *ctx, const char *platform, uint64_t views, uint64_t posts)
{
	struct dash_ctx *x = ctx;
	reach_dashboard_t *d = x->d;
	d->views.done += views;
	if (d->nplatforms >= REACH_DASH_PLATFORMS)
		return;   /* more platforms than a chart can hold: still counted in the total */
	reach_platform_sum_t *p = &d->platforms[d->nplatforms++];
	snprintf(p->name, sizeof(p->name), "%s", platform ? platform : "");
	p->views = views;
	p->posts = posts;
}

static void
dash_group(void *ctx, const store_reach_group_t *g)
{
	struct dash_ctx *x = ctx;
	if (x->d->ntop < REACH_TOP)
		x->d->top[x->d->ntop++] = *g;
}

static void
dash_language(void *ctx, const char *language, uint64_t views)
{
	struct dash_ctx *x = ctx;
	reach_dashboard_t *d = x->d;
	if (d->nlanguages >= REACH_DASH_LANGUAGES)
		return;
	snprintf(d->languages[d->nlanguages].code, sizeof(d->languages[0].code), "%s", language ? language : "");
	d->languages[d->nlanguages++].views = views;
}

/* Weeks come in order; the chart keeps the last REACH_DASH_WEEKS up to this one, and
 * the cumulative total counts every week before them too. */
static void
dash_week(void *ctx, const char *platform, int64_t week, int64_t views)
{
	struct dash_ctx *x = ctx;
	reach_dashboard_t *d = x->d;
	size_t pi = 0;
	while (pi < d->nplatforms && strcmp(d->platforms[pi].name, platform) != 0)
		pi++;
	if (week < x->first_week || week > x->last_week) {
		if (week < x->first_week) {
			d->weeks[0].cumulative += views;   /* before the chart: part of where it starts */
			if (pi < d->nplatforms)
				d->earlier[pi] += views;
			d->has_earlier = true;
		}
		return;
	}
	size_t i = (size_t)(week - x->first_week);
	if (pi < d->nplatforms)
		d->weeks[i].gained[pi] += views;
	d->weeks[i].cumulative += views;
}

intake_status_t
reach_dashboard(const app_t *app, reach_dashboard_t *d)
{
	store_metrics_t m;
	const campaign_conf_t *c = &app->config.campaign;
	uint64_t owls = 0, safe = 0;
	memset(d, 0, sizeof(*d));
	d->today = clock_day();
	reach_metrics_of(app, &m);
	struct dash_ctx x = { .d = d };
	x.last_week = (d->today + 3) / 7;
	x.first_week = x.last_week - REACH_DASH_WEEKS + 1;
	d->nweeks = REACH_DASH_WEEKS;
	for (size_t i = 0; i < d->nweeks; i++)
		d->weeks[i].start = (x.first_week + (int64_t)i) * 7 - 3;
	if (store_reach_by_platform(app->store, &m, dash_platform, &x) != STORE_OK ||
	    store_reach_by_item(app->store, &m, REACH_TOP, dash_group, &x) != STORE_OK ||
	    store_reach_by_language(app->store, &m, dash_language, &x) != STORE_OK ||
	    store_reach_weeks(app->store, &m, dash_week, &x) != STORE_OK ||
	    store_reach_counts(app->store, &d->posts, &d->snapshots, &d->flagged) != STORE_OK ||
	    store_accounts_with_role(app->store, ROLE_OWL, &owls) != STORE_OK ||
	    store_cases_in_stages(app->store, STAGE_SAFE, STAGE_AFTERCARE, &safe) != STORE_OK)
		return INTAKE_ERROR;
	/* running totals: each week's cumulative is everything up to its end */
	for (size_t i = 1; i < d->nweeks; i++)
		d->weeks[i].cumulative += d->weeks[i - 1].cumulative;
	/* the chart starts at the first week with anything in it */
	size_t skip = 0;
	while (skip + 1 < d->nweeks && d->weeks[skip].cumulative == 0)
		skip++;
	if (skip) {
		memmove(d->weeks, d->weeks + skip, (d->nweeks - skip) * sizeof(d->weeks[0]));
		d->nweeks -= skip;
	}
	goal_set(&d->views, d->views.done, c->views_goal, c->views_by, d->today);
	goal_set(&d->owls, owls, c->owls_goal, c->owls_by, d->today);
	goal_set(&d->safe, safe, c->safe_goal, c->safe_by, d->today);
	return INTAKE_OK;
}

static void
sum_platform(void *ctx, const char *platform, uint64_t views, uint64_t posts)
{
	(void)platform;
	(void)posts;
	*(uint64_t *)ctx += views;
}

intake_status_t
reach_totals(const app_t *app, uint64_t *views, uint64_t *owls, uint64_t *safe)
{
	store_metrics_t m;
	reach_metrics_of(app, &m);
	*views = *owls = *safe = 0;
	if (store_reach_by_platform(app->store, &m, sum_platform, views) != STORE_OK ||
	    store_accounts_with_role(app->store, ROLE_OWL, owls) != STORE_OK ||
	    store_cases_in_stages(app->store, STAGE_SAFE, STAGE_AFTERCARE, safe) != STORE_OK)
		return INTAKE_ERROR;
	return INTAKE_OK;
}

struct figures_ctx {
	reach_figures_t *f;
	void (*fn)(void *ctx, const char *platform, uint64_t views, uint64_t posts);
	void *ctx;
};

static void
figures_platform(void *ctx, const char *platform, uint64_t views, uint64_t posts)
{
	struct figures_ctx *x = ctx;
	x->f->views += views;
	x->fn(x->ctx, platform, views, posts);
}

intake_status_t
reach_figures(const app_t *app, reach_figures_t *f,
    void (*fn)(void *ctx, const char *platform, uint64_t views, uint64_t posts), void *ctx)
{
	store_metrics_t m;
	memset(f, 0, sizeof(*f));
	reach_metrics_of(app, &m);
	struct figures_ctx x = { f, fn, ctx };
	if (store_reach_by_platform(app->store, &m, figures_platform, &x) != STORE_OK ||
	    store_reach_counts(app->store, &f->posts, &f->snapshots, &f->flagged) != STORE_OK ||
	    store_accounts_with_role(app->store, ROLE_OWL, &f->owls) != STORE_OK ||
	    store_cases_in_stages(app->store, STAGE_SAFE, STAGE_AFTERCARE, &f->safe) != STORE_OK ||
	    store_appeal_counts(app->store, f->appeals) != STORE_OK)
		return INTAKE_ERROR;
	return INTAKE_OK;
}

intake_status_t
reach_by_platform(const app_t *app, void (*fn)(void *ctx, const char *platform, uint64_t views, uint64_t posts),
    void *ctx)
{
	store_metrics_t m;
	reach_metrics_of(app, &m);
	return store_reach_by_platform(app->store, &m, fn, ctx) == STORE_OK ? INTAKE_OK : INTAKE_ERROR;
}
