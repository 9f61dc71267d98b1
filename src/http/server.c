/* server: libmicrohttpd glue. Turns each connection's request into a bounded request_t
 * (target, headers, body within the route's limit), calls the route's page, and sends
 * the response with the security headers. Sees plaintext bodies and a page's session
 * secrets (http_request_secret) in memory only, and wipes them in one place when the
 * request ends. Logs method, route pattern, status and duration only. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "pages/pages.h"

static atomic_int server_in_flight;

static uint64_t
server_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *
server_method_name(unsigned m)
{
	switch (m) {
	case HTTP_GET: return "GET";
	case HTTP_HEAD: return "HEAD";
	case HTTP_POST: return "POST";
	default: return "OTHER";
	}
}

/* ---- one request ---- */

/* Shared answers (static pages, the stylesheet, error pages) are small: public pages
 * stay under 30 KB (UI.md). With the headers, this bounds the time a client may take to
 * read an answer (conns.c). */
#define SERVER_SHARED_BYTES (64u * 1024)
#define SERVER_HEADERS_BYTES 2048u

static enum MHD_Result
server_queue_sized(request_t *rq, struct MHD_Connection *conn, int status, struct MHD_Response *r, bool destroy,
    uint64_t size)
{
	if (!r)
		return MHD_NO;
	if (rq->csrf_set_cookie) {
		/* A per-request cookie cannot go on a shared response. */
		char cookie[200];
		if (http_csrf_cookie(rq, cookie, sizeof(cookie)) != 0 || !destroy ||
		    MHD_add_response_header(r, "Set-Cookie", cookie) != MHD_YES) {
			if (destroy)
				MHD_destroy_response(r);
			return MHD_NO;
		}
	}
	rq->status = status;
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, r);
	if (ret == MHD_YES)
		conns_sending(conn, size + SERVER_HEADERS_BYTES);
	if (destroy)
		MHD_destroy_response(r);
	return ret;
}


static enum MHD_Result
server_queue(request_t *rq, struct MHD_Connection *conn, int status, struct MHD_Response *r, bool destroy)
{
	return server_queue_sized(rq, conn, status, r, destroy, SERVER_SHARED_BYTES);
}

/* Renders status as an error page in the request's language (shared when possible). */
static enum MHD_Result
server_error(request_t *rq, struct MHD_Connection *conn, int status)
{
	struct MHD_Response *shared = prebuilt_error(status, rq->lang);
	if (shared && !rq->csrf_set_cookie)
		return server_queue(rq, conn, status, shared, false);
	response_t rs = { .status = status };
	buf_init(&rs.body, LIMIT_PAGE_BYTES);
	page_error(rq, &rs, status);
	size_t n = rs.body.len;
	return server_queue_sized(rq, conn, rs.status, server_response_build(rq->app, &rs, rq->lang, NULL), true, n);
}

/* A published media file (files.c): sent from its descriptor, timed by its size. */
static enum MHD_Result
server_run_file(request_t *rq, struct MHD_Connection *conn)
{
	int status;
	uint64_t size;
	struct MHD_Response *r = files_answer(rq, conn, &status, &size);
	if (!r)
		return server_error(rq, conn, status);
	return server_queue_sized(rq, conn, status, r, true, size);
}

static enum MHD_Result
server_run_page(request_t *rq, struct MHD_Connection *conn)
{
	if (rq->route == &files_route)
		return server_run_file(rq, conn);
	int shared_status = 200;
	struct MHD_Response *shared =
	    rq->route->shared ? prebuilt_page(rq->route, rq->lang, rq->if_none_match, &shared_status) : NULL;
	if (shared)
		return server_queue(rq, conn, shared_status, shared, false);

	response_t rs = { 0 };
	buf_init(&rs.body, LIMIT_PAGE_BYTES);
	rq->route->handler(rq, &rs);
	if (rq->work && !rq->work_done) {
		/* Suspend first, then queue: the worker may resume us at once. */
		buf_free(&rs.body);
		if (work_reserve(rq) != 0) {
			rq->work = NULL;
			return server_error(rq, conn, 503);
		}
		MHD_suspend_connection(conn);
		work_push(rq);
		return MHD_YES;
	}
	if (rs.status == 0)
		rs.status = 200;
	/* an error page, unless the answer is its headers (a 416 and its Content-Range) */
	if (rs.status >= 400 && rs.body.len == 0 && !rs.content_range[0]) {
		buf_free(&rs.body);
		if (rs.released)
			rs.released(rs.reserved);
		return server_error(rq, conn, rs.status);
	}
	/* Onion-Location names this page's path (never its query) on successful pages. */
	char path[LIMIT_URI_BYTES + 1];
	bool have_path = snprintf_ok(path, sizeof(path), "%.*s", (int)rq->path.len, rq->path.p);
	size_t n = rs.body.len;
	struct MHD_Response *r = server_response_build(rq->app, &rs, rq->lang, rs.status == 200 && have_path ? path : NULL);
	buf_free(&rs.body);
	return server_queue_sized(rq, conn, rs.status, r, true, n);
}

struct header_tally {
	size_t bytes;
	size_t count;
};

static enum MHD_Result
server_tally_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct header_tally *t = cls;
	(void)kind;
	t->count++;
	t->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static unsigned
server_method_parse(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	return 0;
}

static enum MHD_Result
server_answer_error(request_t *rq, struct MHD_Connection *conn)
{
	if (rq->error == 405)
		return server_method_not_allowed(rq, conn);
	return server_error(rq, conn, rq->error);
}

/* First call for a request: everything that can be decided from the request line
 * and headers. Returns 0 to go on, or an HTTP status to answer with at once. */
static int
server_begin(request_t *rq, struct MHD_Connection *conn, const char *method, const char *version)
{
	const app_t *app = rq->app;
	lang_parse(sv_from_cstr(app->config.default_lang), &rq->lang) == 0 || (rq->lang = LANG_EN);
	rq->method = server_method_parse(method);
	if (rq->target_too_long)
		return 414;
	/* libmicrohttpd hands the target over as a C string: a NUL inside it would cut
	 * "/en/\0guide" to "/en/". Its request line keeps the version right after the
	 * target, so a target shorter than that gap had a NUL in it. */
	if (version && version[0] && rq->raw_target && version > rq->raw_target &&
	    (size_t)(version - rq->raw_target) != rq->target_len + 1)
		return 400;

	struct header_tally tally = { 0, 0 };
	MHD_get_connection_values(conn, MHD_HEADER_KIND, server_tally_header, &tally);
	if (tally.bytes > LIMIT_HEADER_BYTES || tally.count > LIMIT_HEADER_COUNT)
		return 431;

	sv_t target = { rq->target, rq->target_len };
	if (target.len == 0 || target.p[0] != '/')
		return 400;
	sv_split(target, '?', &rq->path, &rq->query);
	if (sv_index(rq->path, '#') >= 0)
		return 400;

	rq->route = files_match(rq->path);
	if (!rq->route)
		rq->route = routes_match(rq, rq->path);
	if (!rq->route)
		return 404;
	if (!(rq->route->methods & rq->method))
		return 405;

	const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm && strlen(inm) < sizeof(rq->if_none_match))
		memcpy(rq->if_none_match, inm, strlen(inm) + 1);

	const char *range = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
	if (rq->method == HTTP_GET && range && strlen(range) < sizeof(rq->range) &&
	    !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_RANGE))
		memcpy(rq->range, range, strlen(range) + 1);

	const char *cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	if (cookie && strlen(cookie) <= LIMIT_COOKIE_BYTES) {
		memcpy(rq->cookies, cookie, strlen(cookie) + 1);
		http_csrf_read_cookie(rq, sv_from_cstr(rq->cookies));
	}

	if (rq->method == HTTP_POST) {
		const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
		sv_t type, params;
		sv_split(sv_from_cstr(ct ? ct : ""), ';', &type, &params);
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (form_init(&rq->form, LIMIT_FORM_FIELDS, LIMIT_FIELD_BYTES) != 0)
			return 503;
		if (rq->route->body == BODY_MULTIPART)
			return http_mp_begin(rq, sv_from_cstr(ct ? ct : ""), cl);
		if (rq->route->body == BODY_FORM && !sv_eq_nocase(sv_trim_ows(type), SV("application/x-www-form-urlencoded")))
			return 415;
		uint64_t n;
		if (cl && num_parse_u64(sv_from_cstr(cl), 0, UINT64_MAX, &n) == 0 && n > rq->route->body_limit)
			return 413;
		rq->body_max = rq->route->body_limit;
		buf_init(&rq->body, rq->route->body_limit);
	}
	return 0;
}

/* The whole body has arrived: parse it and check the CSRF token. */
static int
server_finish_body(request_t *rq)
{
	if (rq->mp) {
		int st = http_mp_finish(rq);   /* the text fields are in rq->form already */
		if (st != 0)
			return st;
	} else {
		int st = http_form_status(urlenc_parse(&rq->form, rq->body.data ? rq->body.data : "", rq->body.len));
		if (st != 0)
			return st;
		buf_free(&rq->body);
	}
	if (!http_csrf_ok(rq))
		return 403;
	return 0;
}

/* A request carries a body when it says so: a Content-Length above zero, or any
 * Transfer-Encoding (chunked). */
static bool
server_has_body(struct MHD_Connection *conn)
{
	const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (te)
		return true;
	if (!cl)
		return false;
	for (const char *p = cl; *p; p++)
		if (*p >= '1' && *p <= '9')
			return true;   /* any non-zero digit: not "0" or "00" */
	return false;
}

static enum MHD_Result
server_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	request_t *rq = *con_cls;
	(void)cls;
	(void)url;

	/* Whether a body follows comes from the headers, never from the method: libmicrohttpd
	 * reads a body after a GET too (review: a GET with a body dripping a byte a second
	 * escaped every deadline). */
	bool body = server_has_body(conn);
	if (!rq || !rq->begun)   /* its headers are complete: off the slow list, onto the body's clock */
		conns_headers_done(conn, body);
	if (!rq)
		return MHD_NO;   /* out of memory when the request began: drop the connection */
	if (!rq->begun) {
		/* First call: headers only. Answers are queued on the next call, once the
		 * request is complete, so the connection can stay open; a request that carries
		 * a body we refuse is answered now (libmicrohttpd then drops the body and closes
		 * the connection), so nobody can make us read a body we discard. A GET or HEAD
		 * never has a body here. */
		rq->begun = true;
		rq->error = server_begin(rq, conn, method, version);
		if (rq->error == 0 && body && (rq->method == HTTP_GET || rq->method == HTTP_HEAD))
			rq->error = 400;
		if (rq->error != 0 && (body || (rq->method != HTTP_GET && rq->method != HTTP_HEAD)))
			return server_answer_error(rq, conn);
		return MHD_YES;
	}
	if (rq->status != 0)   /* answered; libmicrohttpd discards the rest of the body */
		return MHD_YES;
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		conns_body_data(conn, n);
		if (rq->error == 0 && rq->mp)
			rq->error = http_mp_feed(rq, upload_data, n);
		else if (rq->error == 0 && buf_append(&rq->body, upload_data, n) != 0)
			rq->error = 413;
		if (rq->error != 0) {
			/* libmicrohttpd cannot answer in the middle of a body (a chunked one, whose
			 * length we could not refuse up front, or an upload refused part way), so
			 * the rest is read and dropped, up to a bound; past it the connection is
			 * closed without an answer. */
			rq->discarded += n;
			return rq->discarded > LIMIT_DISCARD_BYTES ? MHD_NO : MHD_YES;
		}
		return MHD_YES;
	}
	conns_body_done(conn);   /* the whole body is in (or there was none) */
	if (rq->error == 0 && rq->method == HTTP_POST && !rq->body_done) {
		rq->body_done = true;   /* a resumed request comes back here: parse once */
		rq->error = server_finish_body(rq);
	}
	if (rq->error != 0)
		return server_answer_error(rq, conn);
	return server_run_page(rq, conn);
}

void *
http_request_secret(request_t *rq, size_t size)
{
	if (rq->secret)
		return rq->secret_len == size ? rq->secret : NULL;
	rq->secret = sodium_malloc(size);
	if (!rq->secret)
		return NULL;
	sodium_memzero(rq->secret, size);
	rq->secret_len = size;
	return rq->secret;
}

enum MHD_Result
server_method_not_allowed(request_t *rq, struct MHD_Connection *conn)
{
	response_t rs = { .status = 405 };
	buf_init(&rs.body, LIMIT_PAGE_BYTES);
	unsigned m = rq->route->methods;
	rs.allow = (m & HTTP_GET) ? ((m & HTTP_POST) ? "GET, HEAD, POST" : "GET, HEAD") : "POST";
	page_error(rq, &rs, 405);
	size_t n = rs.body.len;
	return server_queue_sized(rq, conn, 405, server_response_build(rq->app, &rs, rq->lang, NULL), true, n);
}

static void *
server_uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
	request_t *rq = calloc(1, sizeof(*rq));
	if (!rq)
		return NULL;
	atomic_fetch_add(&server_in_flight, 1);
	metrics_in_flight(1);
	rq->app = cls;
	rq->conn = conn;
	rq->raw_target = uri;
	rq->started_ns = server_now_ns();
	size_t n = strnlen(uri, LIMIT_URI_BYTES + 1);
	if (n > LIMIT_URI_BYTES) {
		rq->target_too_long = true;
	} else {
		memcpy(rq->target, uri, n);
		rq->target_len = n;
	}
	return rq;
}

static void
server_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	request_t *rq = *con_cls;
	const app_t *app = cls;
	conns_request_done(conn);   /* a kept-alive connection waits for headers again */
	if (!rq)
		return;
	metrics_count(rq->route, rq->status);
	if (app->config.log_requests && rq->route && rq->route->log_quiet) {
		log_info("%s %s", server_method_name(rq->method), rq->route->pattern);
	} else if (app->config.log_requests) {
		uint64_t us = (server_now_ns() - rq->started_ns) / 1000;
		log_info("%s %s %d %llu.%03llums%s", server_method_name(rq->method),
		    rq->route ? rq->route->pattern : "-", rq->status,
		    (unsigned long long)(us / 1000), (unsigned long long)(us % 1000),
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (not completed)");
	}
	http_mp_end(rq);
	buf_free(&rq->body);
	form_free(&rq->form);
	if (rq->secret) {   /* the one place a request's session secrets are wiped */
		sodium_memzero(rq->secret, rq->secret_len);
		sodium_free(rq->secret);
	}
	sodium_memzero(rq, sizeof(*rq));
	free(rq);
	*con_cls = NULL;
	atomic_fetch_sub(&server_in_flight, 1);
	metrics_in_flight(-1);
}

int
http_serve(app_t *app)
{
	const config_t *c = &app->config;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, c->listen_addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(c->listen_port);
	} else if (inet_pton(AF_INET6, c->listen_addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(c->listen_port);
		flags |= MHD_USE_IPv6;
	} else {
		log_warnx("listen address %s is not numeric", c->listen_addr);
		return 1;
	}

	/* Signals are taken by this thread only, with sigwait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (conns_start(c->max_connections, c->header_timeout_s, c->timeout_s) != 0) {
		log_warnx("cannot start the connection sweeper");
		return 1;
	}
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, server_access, app,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(c->threads > 1 ? c->threads : 0),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_MHD_POOL_BYTES,
	    MHD_OPTION_URI_LOG_CALLBACK, server_uri_log, app,
	    MHD_OPTION_NOTIFY_COMPLETED, server_completed, app,
	    MHD_OPTION_NOTIFY_CONNECTION, conns_notify, NULL,
	    MHD_OPTION_END);
	if (!d) {
		log_warnx("cannot listen on %s port %u: is another program using it?", c->listen_addr, c->listen_port);
		conns_stop();
		return 1;
	}
	const unsigned room[WORK_PURPOSES] = { c->kdf_queue_help, c->kdf_queue_mailbox, c->kdf_queue_staff };
	if (work_start(c->kdf_threads, room) != 0) {
		log_warnx("cannot start the worker threads");
		MHD_stop_daemon(d);
		conns_stop();
		return 1;
	}
	if (metrics_start(app) != 0) {
		work_stop();
		MHD_stop_daemon(d);
		conns_stop();
		return 1;
	}
	log_info("listening on http://%s%s%s:%u/", strchr(c->listen_addr, ':') ? "[" : "", c->listen_addr,
	    strchr(c->listen_addr, ':') ? "]" : "", c->listen_port);
	if (app->test_instance)
		log_warnx("this is a TEST instance (--insecure-fast-kdf): keys are cheap to guess; never use it for real people");

	int sig = 0;
	sigwait(&set, &sig);
	log_info("stopping (signal %d): finishing requests in flight", sig);
	/* No MHD_quiesce_daemon: in libmicrohttpd 0.9.75 it races the pool threads, which
	 * remove the listening socket from their epoll sets too, and one of them aborts the
	 * process ("Failed to remove listen FD from epoll set"). Requests that arrive while
	 * the ones in flight finish are served as well; the daemon stops at the first moment
	 * nothing is in flight, or after 10 s. */
	for (int i = 0; i < 100 && atomic_load(&server_in_flight) > 0; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	metrics_stop();
	work_stop();   /* finishes queued work and resumes its requests */
	MHD_stop_daemon(d);
	files_stop();
	conns_stop();   /* after the daemon: its last NOTIFY_CLOSED calls use the table */
	log_info("stopped");
	return 0;
}
