/* Unit tests for conf/campaign through config_parse: the goals and their dates, the
 * metrics that count, the platforms, and a /metrics listener that must be loopback. */
#include <string.h>

#include "check.h"
#include "conf/config.h"

static int
parse(config_t *c, const char *text, char *err, size_t errlen)
{
	config_defaults(c);
	return config_parse(c, text, strlen(text), err, errlen);
}

int
main(void)
{
	config_t c;
	char err[256];
	CHECK(parse(&c, "", err, sizeof(err)) == 0);
	CHECK(c.campaign.views_goal == 40000000 && c.campaign.views_by == -1 && !c.campaign.public_counters);
	CHECK(c.campaign.nmetrics == 1 && strcmp(c.campaign.metrics[0], "views") == 0);
	CHECK(!c.campaign.metrics_on && campaign_platform_known(&c.campaign, "telegram"));
	CHECK(parse(&c, config_default_text, err, sizeof(err)) == 0 && !c.campaign.metrics_on);

	CHECK(parse(&c, "[campaign]\nviews_goal = 1000\nviews_by = 2026-06-30\nmetrics = views, engaged views\n"
	                "public_counters = yes\n[reach]\nplatforms = youtube, rutube\n[metrics]\nlisten = 127.0.0.1:9108\n",
	          err, sizeof(err)) == 0);
	CHECK(c.campaign.views_goal == 1000 && c.campaign.views_by == 20634 && c.campaign.public_counters);
	CHECK(c.campaign.nmetrics == 2 && strcmp(c.campaign.metrics[1], "engaged views") == 0);
	CHECK(c.campaign.nplatforms == 2 && campaign_platform_known(&c.campaign, "rutube") &&
	      !campaign_platform_known(&c.campaign, "telegram"));
	CHECK(c.campaign.metrics_on && c.campaign.metrics_port == 9108 && strcmp(c.campaign.metrics_addr, "127.0.0.1") == 0);
	CHECK(parse(&c, "[metrics]\nlisten = [::1]:9200\n", err, sizeof(err)) == 0 && c.campaign.metrics_on);

	/* never a public address, never a typo that falls back to a default */
	CHECK(parse(&c, "[metrics]\nlisten = 0.0.0.0:9108\n", err, sizeof(err)) != 0 && strstr(err, "loopback"));
	CHECK(parse(&c, "[metrics]\nlisten = 192.168.1.5:9108\n", err, sizeof(err)) != 0);
	CHECK(parse(&c, "[metrics]\nlisten = [::]:9108\n", err, sizeof(err)) != 0);
	CHECK(parse(&c, "[campaign]\nviews_by = 30/06/2026\n", err, sizeof(err)) != 0 && strstr(err, "views_by"));
	CHECK(parse(&c, "[campaign]\nviews_goal = 0\n", err, sizeof(err)) != 0);
	CHECK(parse(&c, "[campaign]\nmetrics = Views!\n", err, sizeof(err)) != 0);
	CHECK(parse(&c, "[campaign]\npublic_counter = yes\n", err, sizeof(err)) != 0 && strstr(err, "unknown"));
	CHECK(parse(&c, "[reach]\nplatforms = You Tube\n", err, sizeof(err)) != 0);
	return check_done("campaign_conf");
}
