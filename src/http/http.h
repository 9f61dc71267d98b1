/* http: what the HTTP layer hands to pages and takes back. A request arrives parsed and
 * bounded (route, language, form fields); a page fills a response; the server adds the
 * security headers, logs the route (never the path, query or client) and sends it. */
#ifndef SAVA_HTTP_H
#define SAVA_HTTP_H

#include <sodium.h>

#include "domain/app.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/lang.h"
#include "parse/multipart.h"
#include "parse/urlenc.h"

enum { HTTP_GET = 1, HTTP_HEAD = 2, HTTP_POST = 4 };

/* BODY_MULTIPART: multipart/form-data; text fields arrive in rq->form like a form's,
 * file parts go to the route's upload hooks as they stream in. */
typedef enum { BODY_NONE = 0, BODY_FORM, BODY_MULTIPART } body_kind_t;

typedef struct request request_t;
typedef struct response response_t;
typedef void (*page_fn)(request_t *rq, response_t *rs);
typedef void (*work_fn)(request_t *rq);

/* What slow work is for (http_defer). Each kind belongs to one purpose (help intake,
 * mailbox, staff), and each purpose has its own waiting places in the worker pool, so
 * that a flood of one never turns the others away (work.c says how places are shared).
 * Kinds are listed purpose by purpose, in the order of work_purpose_t. */
typedef enum {
	WORK_HELP_REQUEST,     /* help: a new request (its receipt costs an Argon2id) */
	WORK_HELP_VOLUNTEER,   /* help: a volunteer's application (the same) */
	WORK_MAILBOX_OPEN,     /* mailbox: a receipt typed in (Argon2id) */
	WORK_MAILBOX_REPLY,    /* mailbox: a requester's reply, with its files */
	WORK_STAFF_LOGIN,      /* staff: a login (Argon2id for any name typed) */
	WORK_STAFF_RECOVER,    /* staff: recovery with the recovery key (Argon2id) */
	WORK_STAFF_ENROLL,     /* staff: enrollment through an invitation (Argon2id) */
	WORK_STAFF_SESSION,    /* staff: a signed-in member's passphrase change or reply */
	WORK_KINDS
} work_kind_t;

typedef enum { WORK_FOR_HELP, WORK_FOR_MAILBOX, WORK_FOR_STAFF, WORK_PURPOSES } work_purpose_t;

/* Where a multipart route's files go. Nothing of a file is taken before the form's csrf
 * field (which must come before the first file part, as a browser sends it) has been
 * checked. Then begin makes the request's upload state (kept in rq->upload) or refuses
 * with an HTTP status (no session, intake closed, overloaded); the file hooks take each
 * file part as it streams (0 to go on, or a status to stop with: 503 when the server is
 * short of room, 500 on I/O errors), and free releases it when the request ends,
 * whatever happened. A form without files never calls begin. */
typedef struct {
	int (*begin)(request_t *rq, void **upload);
	int (*file_begin)(void *upload, const mp_part_t *part);
	int (*file_data)(void *upload, const char *p, size_t n);
	int (*file_end)(void *upload);
	void (*free)(void *upload);
	/* the largest body the route takes, from the configuration */
	uint64_t (*limit)(const request_t *rq);
} upload_ops_t;

typedef struct route {
	const char *pattern;   /* "/{lang}/guide": matched segment by segment; logged as is */
	unsigned methods;      /* HTTP_GET | HTTP_HEAD | HTTP_POST */
	body_kind_t body;      /* what a POST carries */
	size_t body_limit;     /* bytes; larger bodies get 413 before they are read */
	page_fn handler;
	bool shared;           /* same bytes for every request in a language: built once at start */
	const upload_ops_t *upload;   /* BODY_MULTIPART only */
	bool log_quiet;        /* log the route only: its status would say whether a receipt was right */
} route_t;

struct response {
	int status;                /* 200 when left 0 */
	const char *content_type;  /* text/html; charset=utf-8 when NULL */
	buf_t body;
	char location[LIMIT_URI_BYTES + 16];   /* for 3xx */
	const char *allow;         /* for 405 */
	char cookie[200];          /* one Set-Cookie to send, or empty: written by http_cookie_set only */
	char cookie_which;         /* which cookie it sets (HTTP_COOKIE_*), and where its value is */
	size_t cookie_value, cookie_value_len;
	bool clear_site_data;      /* logout: ask the browser to forget this site */
	unsigned retry_after;      /* seconds for a Retry-After header (a 503 of a limit), or 0 */
	char disposition[1200];    /* a Content-Disposition to send (downloads), or empty */
	char content_range[80];    /* a Content-Range to send (with 206 or 416), or empty */
	bool accept_ranges;        /* say "Accept-Ranges: bytes" (a body the page can send in parts) */
	/* Called with reserved once the body is released (sent, or dropped): lets a page
	 * bound how much decrypted content waits in memory for slow clients. */
	void (*released)(size_t reserved);
	size_t reserved;
	/* A static file (the stylesheet): its bytes, not copied, live as long as the process;
	 * the server sends them with etag, a year's cache, and a 304 to a matching
	 * If-None-Match. Only for a route marked shared: its response is built at start. */
	sv_t static_body;
	const char *etag;
};

struct request {
	const app_t *app;
	const route_t *route;
	unsigned method;           /* one of HTTP_* */
	lang_t lang;               /* from the URL prefix, else the configured default */
	bool lang_from_url;
	char target[LIMIT_URI_BYTES + 1];   /* raw request target; never logged */
	size_t target_len;
	bool target_too_long;
	sv_t path;                 /* views into target */
	sv_t query;
	sv_t rest;                 /* the path after "/{lang}", e.g. "/guide" */
	sv_t param;                /* the {token} or {id} segment of the route, if any */
	char cookies[LIMIT_COOKIE_BYTES + 1];   /* the Cookie header, when within its limit */
	/* A GET's Range header (parse/range.h); empty when there was none, when it was longer
	 * than this, or when an If-Range came with it (a page has no validator to check it
	 * against, so the whole body is the answer) */
	char range[64];
	buf_t body;                /* a form body while it arrives */
	form_t form;               /* parsed form fields (POST with BODY_FORM or BODY_MULTIPART) */
	void *upload;              /* BODY_MULTIPART: the route's upload state */
	mp_parser_t *mp;           /* BODY_MULTIPART: the parser, while the body arrives */
	uint64_t body_bytes;       /* body bytes received */
	uint64_t body_max;         /* the route's limit for this request */
	bool mp_text;              /* the current part is a text field (else a file) */
	bool mp_csrf_ok;           /* the csrf field came, and matched, before any file */
	bool begun;                /* the headers have been seen */
	bool body_done;            /* the body has been parsed and checked */
	size_t discarded;          /* body bytes dropped after an error */
	const char *raw_target;    /* libmicrohttpd's copy, to detect a NUL inside it */
	int error;                 /* an error status decided while reading the request */
	/* CSRF: the anonymous form secret from the cookie, or a new one to set */
	unsigned char csrf_key[32];
	bool csrf_have;
	bool csrf_set_cookie;
	char if_none_match[80];    /* for static files; empty when absent or too long */
	/* Slow work (see http_defer): the page's input and output live in scratch. */
	work_fn work;
	work_kind_t work_kind;
	bool work_done;
	int work_status;
	char scratch[64];
	bool staff_page;           /* set once a staff session is verified: the layout adds staff notices */
	const char *banner;        /* an msgid: what an action just did, shown under the H1 (page_banner) */
	bool exit_leaves;          /* an open mailbox: "Exit this page" also ends its session */
	void *secret;              /* http_request_secret's memory, and its size */
	size_t secret_len;
	int status;                /* what was sent, for the log */
	uint64_t started_ns;
	void *conn;                /* struct MHD_Connection * */
};

/* The CSRF token for forms on this page (base64url, NUL-terminated in out[64]);
 * creates the form secret, and marks its cookie to be set, when the request had none. */
int http_csrf_token(request_t *rq, char out[64]) WUR;
/* The forms of this answer are for the staff session whose cookie it sets (a page shown
 * right after a login, rather than a redirect). */
void http_csrf_use_session(request_t *rq, sv_t cookie);
/* True when the form's csrf field matches the request's cookie (constant time). */
bool http_csrf_ok(const request_t *rq);
bool http_csrf_value_ok(const request_t *rq, sv_t value);

/* Asks for fn(rq) to run on the worker pool, off the threads that serve pages; the
 * route's handler is then called again with rq->work_done set. The handler returns
 * at once after this call. When the waiting places of kind's purpose (or its share
 * of them) are taken, the server answers 503. */
void http_defer(request_t *rq, work_fn fn, work_kind_t kind);

/* sava's cookies (cookie.c). Their names: "__Host-..." behind TLS, "sava_..." otherwise. */
enum {
	HTTP_COOKIE_STAFF = 's',     /* a staff session */
	HTTP_COOKIE_MAILBOX = 'm',   /* a requester's mailbox session */
	HTTP_COOKIE_ENROLL = 'e',    /* the browser that began an enrollment */
	HTTP_COOKIE_FORM = 'a',      /* the anonymous form secret (CSRF) */
};
#define HTTP_COOKIE_SESSION (-1L)   /* max_age: kept while the browser runs, no Max-Age */
const char *http_cookie_name(const request_t *rq, char which);
/* The value of cookie which in the request (a view into it), or -1 when absent. */
int http_cookie(const request_t *rq, char which, sv_t *value) WUR;
/* The one way to set a cookie: rs sends which=value, with max_age in seconds or
 * HTTP_COOKIE_SESSION. -1 (and nothing set) when the value holds anything but plain
 * cookie octets or does not fit. A response sets one cookie; a second call replaces it. */
int http_cookie_set(const request_t *rq, response_t *rs, char which, sv_t value, long max_age) WUR;
/* Tells the browser to forget which (an empty value, Max-Age=0). */
int http_cookie_clear(const request_t *rq, response_t *rs, char which) WUR;
/* Drops the cookie rs was to set (wiped). */
void http_cookie_unset(response_t *rs);
/* The value which will have once rs is taken: the one rs sets, else the request's; -1
 * when neither has one or rs removes it. */
int http_cookie_after(const request_t *rq, const response_t *rs, char which, sv_t *value) WUR;
/* A query-string field (first of its name), decoded into out; -1 when absent or bad. */
int http_query(const request_t *rq, const char *name, char *out, size_t outlen) WUR;

/* Memory for the secrets a page holds while the request lasts (a session, once checked):
 * guarded (sodium_malloc), zeroed at first, and wiped and freed by the server when the
 * request ends, on every path, so that no page has to remember to. The first call makes
 * it; later calls (the page again after its slow work, an upload hook) get the same
 * memory back, and must ask for the same size. NULL when out of memory. */
void *http_request_secret(request_t *rq, size_t size);

/* Sets a redirect to location, or to the location fmt makes. One that does not fit
 * rs->location is never sent cut: the response is then a 500. */
void http_redirect(response_t *rs, int status, const char *location);
void http_redirectf(response_t *rs, int status, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* The routing table and its matcher. Returns the route for path (and fills rq->lang,
 * rq->rest), or NULL for 404. */
const route_t *routes_match(request_t *rq, sv_t path);
const route_t *routes_table(size_t *count);

/* Builds, once, the responses that are the same for everyone from what the pages render
 * (after pages_init): each shared route in each language, the error pages the server
 * sends itself, and the static files. Returns 0, or -1 with a sentence in err. */
int http_init(const app_t *app, char *err, size_t errlen) WUR;
void http_shutdown(void);

/* Starts the daemon and serves until SIGINT or SIGTERM. Returns a process exit code. */
int http_serve(app_t *app);

#endif
