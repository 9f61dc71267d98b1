/* campaign: the settings of reach and the campaign dashboard (issue 13): the three goals
 * and their dates ([campaign]), the platforms an editor may name ([reach]), and the
 * loopback listener of /metrics ([metrics]). Read by config.c; pure. */
#ifndef SAVA_CAMPAIGN_CONF_H
#define SAVA_CAMPAIGN_CONF_H

#include <stdbool.h>
#include <stdint.h>

#define CAMPAIGN_METRICS_MAX   8      /* metrics that count toward the views goal */
#define CAMPAIGN_METRIC_BYTES  32
#define CAMPAIGN_PLATFORMS_MAX 16
#define CAMPAIGN_PLATFORM_BYTES 16

typedef struct {
	uint64_t views_goal;       /* [campaign] views_goal */
	int64_t views_by;          /* [campaign] views_by = YYYY-MM-DD: days since 1970, -1 unset */
	uint64_t owls_goal;        /* [campaign] owls_goal */
	int64_t owls_by;
	uint64_t safe_goal;        /* [campaign] safe_goal */
	int64_t safe_by;
	char metrics[CAMPAIGN_METRICS_MAX][CAMPAIGN_METRIC_BYTES + 1];   /* [campaign] metrics = views */
	unsigned nmetrics;
	bool public_counters;      /* [campaign] public_counters = no */
	char platforms[CAMPAIGN_PLATFORMS_MAX][CAMPAIGN_PLATFORM_BYTES + 1];   /* [reach] platforms */
	unsigned nplatforms;
	bool metrics_on;           /* [metrics] listen set */
	char metrics_addr[64];     /* a loopback address */
	uint16_t metrics_port;
} campaign_conf_t;

/* The documented part of sava.conf that `sava init` writes. */
#define CAMPAIGN_DEFAULT_TEXT \
"\n" \
"[campaign]\n" \
"# The campaign's goals, each with the day it should be reached by (YYYY-MM-DD; empty:\n" \
"# no date, so no pace is shown). The dashboard is /staff/campaign.\n" \
"views_goal = 40000000\n" \
"views_by =\n" \
"owls_goal = 3000\n" \
"owls_by =\n" \
"safe_goal = 3000\n" \
"safe_by =\n" \
"# The metrics that count toward the views goal, as the platforms name them (YouTube's\n" \
"# \"engaged views\", Meta's older \"impressions\"...), comma-separated.\n" \
"metrics = views\n" \
"# yes: a public page /{lang}/campaign shows rounded totals (\"12.3 million views\").\n" \
"public_counters = no\n" \
"\n" \
"[reach]\n" \
"# The platforms an editor may name for a post, comma-separated (a-z, 0-9).\n" \
"platforms = youtube,tiktok,instagram,facebook,telegram,vk,x,other\n" \
"\n" \
"[metrics]\n" \
"# /metrics (Prometheus text, aggregates only) on its own listener, which must be a\n" \
"# loopback address such as 127.0.0.1:9108. Empty: off. Never on the public port.\n" \
"listen =\n"

void campaign_defaults(campaign_conf_t *c);
/* True for the sections this file reads. */
bool campaign_section(const char *section);
/* One setting: 0 when taken, 1 when its value is wrong (*want says what is wanted), -1
 * when the name is unknown. */
int campaign_setting(campaign_conf_t *c, const char *section, const char *name, const char *value,
    const char **want);
/* True when name is one of [reach] platforms. */
bool campaign_platform_known(const campaign_conf_t *c, const char *name);

#endif
