/* server: the libmicrohttpd side of the HTTP layer, shared by the files of src/http;
 * pages never include this. */
#ifndef SAVA_SERVER_H
#define SAVA_SERVER_H

#include <microhttpd.h>

#include "http/http.h"

/* Builds a response from rs (its body is taken over and wiped when sent) with the
 * security headers, no-store, and Onion-Location for onion_path when configured. */
struct MHD_Response *server_response_build(const app_t *app, response_t *rs, lang_t lang, const char *onion_path);
/* A response for a static file, with ETag and a long cache; a 304 when not_modified. */
struct MHD_Response *server_static_build(const char *data, size_t len, const char *content_type,
    const char *etag, bool not_modified);
/* The headers every response carries (security headers, Cache-Control cache, and the
 * Content-Type and Content-Language when not NULL); 0 or -1. */
int server_add_headers(struct MHD_Response *r, const char *cache, const char *content_type, const char *lang) WUR;
enum MHD_Result server_method_not_allowed(request_t *rq, struct MHD_Connection *conn);

/* prebuilt.c: what http_init built (not owned by the caller), or NULL. A static file
 * answers a matching If-None-Match with its 304; *status says which was chosen. */
struct MHD_Response *prebuilt_page(const route_t *route, lang_t lang, const char *if_none_match, int *status);
struct MHD_Response *prebuilt_error(int status, lang_t lang);

/* work.c: the pool for slow work. room[p] is how many requests of purpose p may wait.
 * work_reserve takes a place for rq (by rq->work_kind and its browser), or returns -1;
 * once rq's connection is suspended, work_push hands it to the workers. */
int work_start(unsigned threads, const unsigned room[WORK_PURPOSES]) WUR;
void work_stop(void);
int work_reserve(request_t *rq) WUR;
void work_push(request_t *rq);
/* How many requests of each purpose wait for (or are in) the workers now: for /metrics. */
void work_waiting(unsigned out[WORK_PURPOSES]);

/* metrics.c: /metrics (Prometheus text, aggregates only) on its own loopback listener
 * ([metrics] listen), never on the public one. metrics_count tallies a finished request
 * by its route's class and its status's class; metrics_start starts the listener when
 * configured (0, or -1 when it cannot listen); metrics_stop stops it. */
void metrics_count(const route_t *route, int status);
int metrics_start(const app_t *app) WUR;
void metrics_stop(void);
void metrics_in_flight(int n);

/* conns.c: slow clients. Each connection waiting for a request's headers has
 * header_timeout_s seconds in all (a kept-alive one, the longer of that and
 * idle_timeout_s); a quarter of max_connections is kept for requests whose headers are
 * complete, and past that, or when every connection is in use, the connection that has
 * waited longest is closed first. conns_start before MHD_start_daemon (0 or -1), with
 * conns_notify as MHD_OPTION_NOTIFY_CONNECTION; conns_stop after MHD_stop_daemon.
 * conns_headers_done is called at a request's first access-handler call,
 * conns_request_done from NOTIFY_COMPLETED. */
int conns_start(unsigned max_connections, unsigned header_timeout_s, unsigned idle_timeout_s) WUR;
void conns_stop(void);
void conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code);
/* body: the request may carry one (not GET or HEAD); it is then timed by its rate until
 * conns_body_done, with conns_body_data counting what arrives. */
void conns_headers_done(struct MHD_Connection *conn, bool body);
void conns_body_data(struct MHD_Connection *conn, size_t n);
void conns_body_done(struct MHD_Connection *conn);
/* An answer of about size bytes (body and headers) was queued: timed until NOTIFY_COMPLETED. */
void conns_sending(struct MHD_Connection *conn, uint64_t size);
void conns_request_done(struct MHD_Connection *conn);

/* upload.c: multipart bodies. begin checks the type and length (0 or a status to answer
 * with), feed takes each piece (0 or a status), finish checks the closing boundary;
 * end frees the parser and the route's upload state, when the request ends. */
/* The status a form parser's result answers with: 0 (parsed), 413, 503 or 400. */
int http_form_status(urlenc_status_t st);
int http_mp_begin(request_t *rq, sv_t content_type, const char *content_length) WUR;
int http_mp_feed(request_t *rq, const char *p, size_t n) WUR;
int http_mp_finish(request_t *rq) WUR;
void http_mp_end(request_t *rq);

/* files.c: published media, GET and HEAD /media/<slug>/<name> from DIR/media. files_match
 * claims every path under /media/ (files_route; what it does not serve is a 404).
 * files_answer builds the answer (the caller queues and destroys it) with its status
 * and the bytes it sends, or returns NULL with the error status to answer with. It
 * reads no database, vault or session. files_stop closes DIR/media once the daemon
 * has stopped. */
extern const route_t files_route;
const route_t *files_match(sv_t path);
struct MHD_Response *files_answer(request_t *rq, struct MHD_Connection *conn, int *status, uint64_t *size);
void files_stop(void);

/* cookie.c: the one builder of a Set-Cookie header (see http_cookie_set), into out. */
int http_cookie_format(const request_t *rq, char which, sv_t value, long max_age, char *out, size_t outlen) WUR;

/* csrf.c */
void http_csrf_read_cookie(request_t *rq, sv_t cookie_header);
int http_csrf_cookie(const request_t *rq, char *out, size_t outlen) WUR;

#endif
