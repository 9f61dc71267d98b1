/* style: the one stylesheet, served from a URL that carries its version (a hash of its
 * bytes), so that browsers may keep it for a year; the layout links it. */
#include <sodium.h>

#include "core/embed.h"
#include "pages/pages.h"

static const embedded_file_t *css_file;
static char css_etag[40];
static char css_href[64];

int
pages_style_init(char *err, size_t errlen)
{
	css_file = embedded_find("static/sava.css");
	if (!css_file) {
		snprintf_cut(err, errlen, "static/sava.css is not built in");
		return -1;
	}
	unsigned char h[8];
	char hex[17];
	crypto_generichash(h, sizeof(h), (const unsigned char *)css_file->data, css_file->len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if (!snprintf_ok(css_etag, sizeof(css_etag), "\"%s\"", hex) ||
	    !snprintf_ok(css_href, sizeof(css_href), "/static/sava.css?v=%s", hex)) {
		snprintf_cut(err, errlen, "the stylesheet's version does not fit");
		return -1;
	}
	return 0;
}

const char *
pages_css_href(void)
{
	return css_href;
}

/* The stylesheet is served from a versioned URL, so it can be cached for a year; the
 * server answers a revalidation with the current ETag with 304 (a shared route: both
 * answers are built at start). */
void
page_static_css(request_t *rq, response_t *rs)
{
	(void)rq;
	rs->content_type = "text/css; charset=utf-8";
	rs->static_body = (sv_t){ css_file->data, css_file->len };
	rs->etag = css_etag;
}
