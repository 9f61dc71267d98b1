/* prebuilt: the responses built once at start, because they are the same for everyone:
 * each shared route's page in every language (landing, guide, about, the stylesheet with
 * its 304), and the error pages the server sends itself. Pages render the bytes; only
 * the HTTP layer turns them into libmicrohttpd responses. Trusted with nothing secret. */
#include <stdio.h>
#include <string.h>

#include "http/server.h"
#include "pages/pages.h"

#define PREBUILT_MAX_ROUTES 64

/* A shared route in one language; a static file also has its 304 and ETag. */
struct prebuilt {
	struct MHD_Response *full;
	struct MHD_Response *not_modified;
	const char *etag;
};
static struct prebuilt prebuilt_pages[PREBUILT_MAX_ROUTES][LANG_COUNT];

/* The statuses the server answers with by itself, before or instead of a page. */
static const int prebuilt_error_codes[] = { 400, 403, 404, 413, 414, 415, 431, 500, 503 };
#define PREBUILT_ERRORS (sizeof(prebuilt_error_codes) / sizeof(prebuilt_error_codes[0]))
static struct MHD_Response *prebuilt_errors[PREBUILT_ERRORS][LANG_COUNT];

/* Renders route's page in lang, as a GET of its own path would, into p. */
static int
prebuilt_route(const app_t *app, const route_t *route, lang_t lang, struct prebuilt *p, char *err, size_t errlen)
{
	bool in_lang = strncmp(route->pattern, "/{lang}", 7) == 0;
	const char *rest = in_lang ? route->pattern + 7 : route->pattern;
	request_t rq = { .app = app, .route = route, .method = HTTP_GET, .lang = lang, .lang_from_url = in_lang };
	rq.rest = sv_from_cstr(rest);
	char path[128];
	if (!snprintf_ok(path, sizeof(path), "%s%s%s", in_lang ? "/" : "", in_lang ? lang_code(lang) : "", rest)) {
		snprintf_cut(err, errlen, "the route %s is too long", route->pattern);
		return -1;
	}
	response_t rs = { 0 };
	buf_init(&rs.body, LIMIT_PAGE_BYTES);
	route->handler(&rq, &rs);
	if (rq.secret) {   /* a session's memory: this page is not the same for everyone */
		sodium_free(rq.secret);
		snprintf_cut(err, errlen, "the page %s is shared but reads a session", path);
		buf_free(&rs.body);
		return -1;
	}
	if (rs.status != 0 && rs.status != 200) {
		snprintf_cut(err, errlen, "the page %s could not be built", path);
		buf_free(&rs.body);
		return -1;
	}
	if (rs.etag) {
		p->etag = rs.etag;
		const char *ct = rs.content_type ? rs.content_type : "text/html; charset=utf-8";
		p->full = server_static_build(rs.static_body.p, rs.static_body.len, ct, rs.etag, false);
		p->not_modified = server_static_build(rs.static_body.p, rs.static_body.len, ct, rs.etag, true);
	} else {
		p->full = server_response_build(app, &rs, lang, path);
	}
	buf_free(&rs.body);
	if (!p->full || (rs.etag && !p->not_modified)) {
		snprintf_cut(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
http_init(const app_t *app, char *err, size_t errlen)
{
	size_t n;
	const route_t *table = routes_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (!table[i].shared)
			continue;
		if (i >= PREBUILT_MAX_ROUTES) {
			snprintf_cut(err, errlen, "more than %d routes", PREBUILT_MAX_ROUTES);
			return -1;
		}
		for (int l = 0; l < LANG_COUNT; l++)
			if (prebuilt_route(app, &table[i], (lang_t)l, &prebuilt_pages[i][l], err, errlen) != 0)
				return -1;
	}
	for (size_t i = 0; i < PREBUILT_ERRORS; i++) {
		for (int l = 0; l < LANG_COUNT; l++) {
			request_t rq = { .app = app, .lang = (lang_t)l };
			response_t rs = { 0 };
			buf_init(&rs.body, LIMIT_PAGE_BYTES);
			page_error(&rq, &rs, prebuilt_error_codes[i]);
			prebuilt_errors[i][l] = server_response_build(app, &rs, (lang_t)l, NULL);
			buf_free(&rs.body);
			if (!prebuilt_errors[i][l]) {
				snprintf_cut(err, errlen, "out of memory");
				return -1;
			}
		}
	}
	return 0;
}

struct MHD_Response *
prebuilt_page(const route_t *route, lang_t lang, const char *if_none_match, int *status)
{
	size_t n;
	const route_t *table = routes_table(&n);
	size_t i = (size_t)(route - table);
	if (i >= n || i >= PREBUILT_MAX_ROUTES || !prebuilt_pages[i][lang].full)
		return NULL;
	const struct prebuilt *p = &prebuilt_pages[i][lang];
	bool same = p->etag && if_none_match && strcmp(if_none_match, p->etag) == 0;
	*status = same ? 304 : 200;
	return same ? p->not_modified : p->full;
}

struct MHD_Response *
prebuilt_error(int status, lang_t lang)
{
	for (size_t i = 0; i < PREBUILT_ERRORS; i++)
		if (prebuilt_error_codes[i] == status)
			return prebuilt_errors[i][lang];
	return NULL;
}

void
http_shutdown(void)
{
	for (size_t i = 0; i < PREBUILT_MAX_ROUTES; i++)
		for (int l = 0; l < LANG_COUNT; l++) {
			struct prebuilt *p = &prebuilt_pages[i][l];
			if (p->full)
				MHD_destroy_response(p->full);
			if (p->not_modified)
				MHD_destroy_response(p->not_modified);
			memset(p, 0, sizeof(*p));
		}
	for (size_t i = 0; i < PREBUILT_ERRORS; i++)
		for (int l = 0; l < LANG_COUNT; l++)
			if (prebuilt_errors[i][l]) {
				MHD_destroy_response(prebuilt_errors[i][l]);
				prebuilt_errors[i][l] = NULL;
			}
}
