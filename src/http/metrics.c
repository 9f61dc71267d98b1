/* metrics: /metrics in the Prometheus text format, with aggregates only (requests per
 * route class and status class, requests in flight, work waiting per purpose, appeals
 * per state, campaign views), answered by a second libmicrohttpd daemon that listens
 * only on the loopback address of [metrics] listen. The public daemon has no route for
 * it (a 404 like any unknown path), so no proxy in front can ever expose it. A request
 * whose Host is not the loopback name and port is refused (DNS rebinding: a page in the
 * operator's browser cannot read it). Routes marked log_quiet (a receipt checked, a
 * help request sent) are not counted at all, and the numbers of Owls and of men safe
 * are not here: a scraper, or a seized Prometheus, would learn them day by day. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "domain/reach.h"
#include "http/server.h"

enum { CLASS_PUBLIC, CLASS_STAFF, CLASS_STATIC, CLASS_NONE, CLASSES };
static const char *const class_names[CLASSES] = { "public", "staff", "static", "none" };
static atomic_ullong requests[CLASSES][6];   /* status 1xx..5xx, and other */
static atomic_int in_flight;
static struct MHD_Daemon *metrics_daemon;

void
metrics_in_flight(int n)
{
	atomic_fetch_add(&in_flight, n);
}

void
metrics_count(const route_t *route, int status)
{
	unsigned c = CLASS_NONE;
	if (route && route->log_quiet)
		return;   /* their statuses would say whether a receipt was right */
	if (route) {
		const char *p = route->pattern;
		c = strncmp(p, "/staff", 6) == 0 ? CLASS_STAFF
		    : strncmp(p, "/static", 7) == 0 || strncmp(p, "/media", 6) == 0 ? CLASS_STATIC
		                                                                     : CLASS_PUBLIC;
	}
	unsigned s = status >= 100 && status < 600 ? (unsigned)(status / 100) : 0;
	atomic_fetch_add(&requests[c][s], 1);
}

struct lines {
	buf_t *b;
	bool bad;
};

static void
platform_line(void *ctx, const char *platform, uint64_t views, uint64_t posts)
{
	struct lines *l = ctx;
	(void)posts;
	/* platform names are a-z and 0-9 ([reach] platforms): nothing to escape */
	if (!l->bad && buf_appendf(l->b, "sava_campaign_views{platform=\"%s\"} %" PRIu64 "\n", platform, views) != 0)
		l->bad = true;
}

/* The whole text; 0 or -1. */
static int
metrics_text(const app_t *app, buf_t *b)
{
	static const char *const purposes[WORK_PURPOSES] = { "help", "mailbox", "staff" };
	static const char *const states[6] = { "waiting", "cleaning", "review", "published", "withdrawn", "refused" };
	reach_figures_t f;
	unsigned waiting[WORK_PURPOSES];
	int bad = buf_append_cstr(b, "# HELP sava_http_requests_total Requests answered, by route class and status class.\n"
	                             "# TYPE sava_http_requests_total counter\n");
	for (unsigned c = 0; c < CLASSES && !bad; c++)
		for (unsigned s = 1; s < 6 && !bad; s++)
			bad = buf_appendf(b, "sava_http_requests_total{class=\"%s\",status=\"%uxx\"} %llu\n", class_names[c], s,
			    (unsigned long long)atomic_load(&requests[c][s]));
	work_waiting(waiting);
	bad = bad || buf_appendf(b, "# HELP sava_http_in_flight Requests being answered now.\n# TYPE sava_http_in_flight gauge\n"
	                            "sava_http_in_flight %d\n# HELP sava_work_waiting Slow work waiting or running, by purpose.\n"
	                            "# TYPE sava_work_waiting gauge\n",
	                 atomic_load(&in_flight));
	for (unsigned p = 0; p < WORK_PURPOSES && !bad; p++)
		bad = buf_appendf(b, "sava_work_waiting{purpose=\"%s\"} %u\n", purposes[p], waiting[p]);
	bad = bad || buf_append_cstr(b, "# HELP sava_campaign_views Latest views of every post, by platform.\n"
	                                "# TYPE sava_campaign_views gauge\n");
	struct lines l = { b, false };
	if (bad || reach_figures(app, &f, platform_line, &l) != INTAKE_OK || l.bad)
		return -1;
	bad = buf_appendf(b, "# TYPE sava_campaign_views_total gauge\nsava_campaign_views_total %" PRIu64 "\n"
	                     "# TYPE sava_campaign_views_goal gauge\nsava_campaign_views_goal %" PRIu64 "\n"
	                     "# TYPE sava_reach_posts gauge\nsava_reach_posts %" PRIu64 "\n"
	                     "# TYPE sava_reach_snapshots gauge\nsava_reach_snapshots %" PRIu64 "\n"
	                     "# TYPE sava_reach_flagged gauge\nsava_reach_flagged %" PRIu64 "\n"
	                     "# HELP sava_appeals Video appeals by state (the media jobs' work).\n# TYPE sava_appeals gauge\n",
	    f.views, app->config.campaign.views_goal, f.posts, f.snapshots, f.flagged);
	for (unsigned i = 0; i < 6 && !bad; i++)
		bad = buf_appendf(b, "sava_appeals{state=\"%s\"} %zu\n", states[i], f.appeals[i]);
	return bad ? -1 : 0;
}

/* True when host is the loopback name or address with the listener's port:
 * 127.0.0.1:P, localhost:P, [::1]:P, or the configured address itself. */
static bool
host_ok(const campaign_conf_t *c, const char *host)
{
	char want[80];
	static const char *const names[] = { "127.0.0.1", "localhost", "[::1]" };
	if (!host)
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (snprintf_ok(want, sizeof(want), "%s:%u", names[i], c->metrics_port) && strcasecmp(host, want) == 0)
			return true;
	bool v6 = strchr(c->metrics_addr, ':') != NULL;
	return snprintf_ok(want, sizeof(want), v6 ? "[%s]:%u" : "%s:%u", c->metrics_addr, c->metrics_port) &&
	    strcasecmp(host, want) == 0;
}

static enum MHD_Result
metrics_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method, const char *version,
    const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	const app_t *app = cls;
	(void)version;
	(void)upload_data;
	(void)con_cls;
	if (*upload_data_size)
		return MHD_NO;   /* no request here has a body */
	buf_t b;
	buf_init(&b, 1 << 20);
	unsigned status = MHD_HTTP_OK;
	static char not_found[] = "not found\n", failed[] = "error\n", misdirected[] = "wrong host\n";
	char *body = not_found;
	size_t len = sizeof(not_found) - 1;
	bool own = false;
	if (!host_ok(&app->config.campaign, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"))) {
		status = MHD_HTTP_MISDIRECTED_REQUEST;   /* 421: another name (DNS rebinding) */
		body = misdirected;
		len = sizeof(misdirected) - 1;
	} else if (strcmp(method, "GET") != 0 || strcmp(url, "/metrics") != 0) {
		status = MHD_HTTP_NOT_FOUND;
	} else if (metrics_text(app, &b) != 0 || !(body = buf_detach(&b, &len))) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		body = failed;
		len = sizeof(failed) - 1;
	} else {
		own = true;
	}
	buf_free(&b);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, own ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (own)
			free(body);
		return MHD_NO;
	}
	(void)MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	(void)MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

int
metrics_start(const app_t *app)
{
	const campaign_conf_t *c = &app->config.campaign;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	if (!c->metrics_on)
		return 0;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, c->metrics_addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(c->metrics_port);
	} else if (inet_pton(AF_INET6, c->metrics_addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(c->metrics_port);
		flags |= MHD_USE_IPv6;
	} else {
		return -1;
	}
	metrics_daemon = MHD_start_daemon(flags, 0, NULL, NULL, metrics_access, (void *)app, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (!metrics_daemon) {
		log_warnx("cannot listen for /metrics on %s port %u: is another program using it?", c->metrics_addr,
		    c->metrics_port);
		return -1;
	}
	log_info("/metrics on http://%s%s%s:%u/metrics (loopback only)", strchr(c->metrics_addr, ':') ? "[" : "",
	    c->metrics_addr, strchr(c->metrics_addr, ':') ? "]" : "", c->metrics_port);
	return 0;
}

void
metrics_stop(void)
{
	if (metrics_daemon)
		MHD_stop_daemon(metrics_daemon);
	metrics_daemon = NULL;
}
