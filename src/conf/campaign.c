/* campaign: [campaign], [reach] and [metrics] of sava.conf (campaign.h). Every value is
 * range-checked; the metrics listener must be a loopback address, so /metrics can never
 * be put on a public interface by a typo. */
#include "conf/campaign.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "parse/reach.h"

static const char *const default_platforms[] = { "youtube", "tiktok", "instagram", "facebook", "telegram", "vk", "x",
	"other" };

void
campaign_defaults(campaign_conf_t *c)
{
	memset(c, 0, sizeof(*c));
	c->views_goal = 40000000;
	c->owls_goal = 3000;
	c->safe_goal = 3000;
	c->views_by = c->owls_by = c->safe_by = -1;
	snprintf(c->metrics[0], sizeof(c->metrics[0]), "views");
	c->nmetrics = 1;
	for (size_t i = 0; i < sizeof(default_platforms) / sizeof(default_platforms[0]); i++)
		snprintf(c->platforms[c->nplatforms++], sizeof(c->platforms[0]), "%s", default_platforms[i]);
}

bool
campaign_section(const char *section)
{
	return strcmp(section, "campaign") == 0 || strcmp(section, "reach") == 0 || strcmp(section, "metrics") == 0;
}

static int
date_or_empty(const char *v, int64_t *out)
{
	if (!v[0]) {
		*out = -1;
		return 0;
	}
	int64_t d = reach_iso_day(sv_from_cstr(v), false);
	if (d < 0)
		return 1;
	*out = d;
	return 0;
}

/* A comma-separated list of names into out; 1 when one is not a-z, 0-9 (and space or
 * "-" inside, for metrics) or they do not fit. */
static int
name_list(const char *v, char (*out)[CAMPAIGN_METRIC_BYTES + 1], size_t width, unsigned max, unsigned *n, bool spaces)
{
	unsigned k = 0;
	sv_t rest = sv_from_cstr(v), item;
	while (rest.len) {
		(void)sv_split(rest, ',', &item, &rest);
		item = sv_trim_ows(item);
		if (item.len == 0 || item.len > width || k >= max)
			return 1;
		for (size_t i = 0; i < item.len; i++) {
			char ch = item.p[i];
			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || (spaces && (ch == ' ' || ch == '-'))))
				return 1;
		}
		memcpy(out[k], item.p, item.len);
		out[k][item.len] = '\0';
		k++;
	}
	if (k == 0)
		return 1;
	*n = k;
	return 0;
}

static int
listen_loopback(const char *v, campaign_conf_t *c)
{
	if (!v[0]) {
		c->metrics_on = false;
		return 0;
	}
	sv_t s = sv_from_cstr(v);
	const char *colon = memrchr(s.p, ':', s.len);
	if (!colon)
		return 1;
	sv_t host = { s.p, (size_t)(colon - s.p) }, port = { colon + 1, s.len - host.len - 1 };
	if (host.len >= 2 && host.p[0] == '[' && host.p[host.len - 1] == ']') {
		host.p++;
		host.len -= 2;
	}
	uint64_t p;
	char tmp[64];
	unsigned char a[16];
	if (num_parse_u64(port, 1, 65535, &p) != 0 || host.len == 0 || host.len >= sizeof(tmp))
		return 1;
	memcpy(tmp, host.p, host.len);
	tmp[host.len] = '\0';
	bool loop4 = inet_pton(AF_INET, tmp, a) == 1 && a[0] == 127;
	bool loop6 = !loop4 && inet_pton(AF_INET6, tmp, a) == 1 && memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
	if (!loop4 && !loop6)
		return 1;
	memcpy(c->metrics_addr, tmp, host.len + 1);
	c->metrics_port = (uint16_t)p;
	c->metrics_on = true;
	return 0;
}

static int
goal(const char *v, uint64_t *out)
{
	return num_parse_u64(sv_from_cstr(v), 1, 100000000000ull, out) != 0;
}

int
campaign_setting(campaign_conf_t *c, const char *section, const char *name, const char *value, const char **want)
{
	if (strcmp(section, "campaign") == 0) {
		*want = "a date such as 2026-06-30, or nothing";
		if (strcmp(name, "views_by") == 0)
			return date_or_empty(value, &c->views_by);
		if (strcmp(name, "owls_by") == 0)
			return date_or_empty(value, &c->owls_by);
		if (strcmp(name, "safe_by") == 0)
			return date_or_empty(value, &c->safe_by);
		*want = "a number from 1 to 100000000000";
		if (strcmp(name, "views_goal") == 0)
			return goal(value, &c->views_goal);
		if (strcmp(name, "owls_goal") == 0)
			return goal(value, &c->owls_goal);
		if (strcmp(name, "safe_goal") == 0)
			return goal(value, &c->safe_goal);
		if (strcmp(name, "metrics") == 0) {
			*want = "metric names (a-z, 0-9, spaces), comma-separated, at most 8";
			return name_list(value, c->metrics, CAMPAIGN_METRIC_BYTES, CAMPAIGN_METRICS_MAX, &c->nmetrics, true);
		}
		if (strcmp(name, "public_counters") == 0) {
			*want = "yes or no";
			if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0) {
				c->public_counters = value[0] == 'y';
				return 0;
			}
			return 1;
		}
		return -1;
	}
	if (strcmp(section, "reach") == 0) {
		if (strcmp(name, "platforms") != 0)
			return -1;
		*want = "platform names (a-z, 0-9), comma-separated, at most 16";
		char tmp[CAMPAIGN_PLATFORMS_MAX][CAMPAIGN_METRIC_BYTES + 1];
		unsigned n;
		if (name_list(value, tmp, CAMPAIGN_PLATFORM_BYTES, CAMPAIGN_PLATFORMS_MAX, &n, false) != 0)
			return 1;
		for (unsigned i = 0; i < n; i++)
			memcpy(c->platforms[i], tmp[i], strlen(tmp[i]) + 1);   /* at most 16 bytes and a NUL */
		c->nplatforms = n;
		return 0;
	}
	if (strcmp(name, "listen") != 0)
		return -1;
	*want = "a loopback address and port such as 127.0.0.1:9108, or nothing";
	return listen_loopback(value, c);
}

bool
campaign_platform_known(const campaign_conf_t *c, const char *name)
{
	for (unsigned i = 0; i < c->nplatforms; i++)
		if (strcmp(c->platforms[i], name) == 0)
			return true;
	return false;
}
