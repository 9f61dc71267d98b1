/* routes: the routing table, in one place. A pattern is matched segment by segment;
 * "{lang}" matches a language sava speaks. Each route says its methods and how large
 * a body it takes. */
#include <string.h>

#include "http/http.h"
#include "pages/pages.h"

static const route_t routes[] = {
	{ "/", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_root, false },
	{ "/{lang}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_lang_root, false },
	{ "/{lang}/", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_landing, true },
	{ "/{lang}/guide", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_guide, true },
	{ "/{lang}/about", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_about, true },
	{ "/{lang}/help", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_help, false },
	{ "/{lang}/mailbox", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 4096, page_mailbox, false },
	{ "/static/sava.css", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_static_css, false },
};

const route_t *
routes_table(size_t *count)
{
	*count = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

/* Matches one pattern against path; on a match fills the language and the rest. */
static bool
routes_try(const route_t *r, request_t *rq, sv_t path)
{
	sv_t pat = sv_from_cstr(r->pattern);
	if (!sv_starts_with(pat, SV("/{lang}")))
		return sv_eq(pat, path);
	/* "/xx" then exactly the rest of the pattern */
	if (path.len < 3 || path.p[0] != '/')
		return false;
	lang_t lang;
	if (lang_parse((sv_t){ path.p + 1, 2 }, &lang) != 0)
		return false;
	sv_t rest = { path.p + 3, path.len - 3 };
	sv_t want = { pat.p + 7, pat.len - 7 };
	if (!sv_eq(rest, want))
		return false;
	rq->lang = lang;
	rq->lang_from_url = true;
	rq->rest = rest;
	return true;
}

const route_t *
routes_match(request_t *rq, sv_t path)
{
	size_t n = sizeof(routes) / sizeof(routes[0]);
	for (size_t i = 0; i < n; i++)
		if (routes_try(&routes[i], rq, path))
			return &routes[i];
	/* Not found: still answer in the language the path asked for, if any. */
	lang_t lang;
	if (path.len >= 3 && (path.len == 3 || path.p[3] == '/') && lang_parse((sv_t){ path.p + 1, 2 }, &lang) == 0)
		rq->lang = lang;
	return NULL;
}

void
http_redirect(response_t *rs, int status, const char *location)
{
	rs->status = status;
	snprintf(rs->location, sizeof(rs->location), "%s", location);
}

void
http_defer(request_t *rq, work_fn fn)
{
	rq->work = fn;
	rq->work_done = false;
}
