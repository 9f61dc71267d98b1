/* respond: every response sava sends is built here: the security headers all of them
 * carry, a page's answer (its body owned and wiped when sent, its cookie, redirect and
 * disposition), and the prebuilt answers of static bytes. Used by server.c, prebuilt.c
 * and files.c; it calls none of them, so the arrows run one way. */
#include "http/server.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

struct owned_body {
	char *p;
	size_t len;
	void (*released)(size_t);
	size_t reserved;
};

static void
server_body_free(void *cls)
{
	struct owned_body *ob = cls;
	if (ob->p) {
		sodium_memzero(ob->p, ob->len);
		free(ob->p);
	}
	if (ob->released)
		ob->released(ob->reserved);
	free(ob);
}

static const char server_csp[] =
    "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/* Adds the headers every response carries. cache is the Cache-Control value. */
int
server_add_headers(struct MHD_Response *r, const char *cache, const char *content_type, const char *lang)
{
	int ok = 1;
	ok &= MHD_add_response_header(r, "Content-Security-Policy", server_csp) == MHD_YES;
	ok &= MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES;
	ok &= MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES;
	ok &= MHD_add_response_header(r, "X-Frame-Options", "DENY") == MHD_YES;
	ok &= MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin") == MHD_YES;
	ok &= MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin") == MHD_YES;
	ok &= MHD_add_response_header(r, "Permissions-Policy",
	          "camera=(), microphone=(), geolocation=(), interest-cohort=()") == MHD_YES;
	ok &= MHD_add_response_header(r, "Cache-Control", cache) == MHD_YES;
	if (content_type)
		ok &= MHD_add_response_header(r, "Content-Type", content_type) == MHD_YES;
	if (lang)
		ok &= MHD_add_response_header(r, "Content-Language", lang) == MHD_YES;
	return ok ? 0 : -1;
}

struct MHD_Response *
server_response_build(const app_t *app, response_t *rs, lang_t lang, const char *onion_path)
{
	struct owned_body *ob = calloc(1, sizeof(*ob));
	if (!ob)
		return NULL;
	ob->p = buf_detach(&rs->body, &ob->len);
	ob->released = rs->released;
	ob->reserved = rs->reserved;
	rs->released = NULL;
	struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback_cls(
	    ob->len, ob->p ? ob->p : "", server_body_free, ob);
	if (!r) {
		server_body_free(ob);
		return NULL;
	}
	const char *ct = rs->content_type ? rs->content_type : "text/html; charset=utf-8";
	int rc = server_add_headers(r, "no-store", ct, lang_code(lang));
	if (rs->location[0])
		rc |= MHD_add_response_header(r, "Location", rs->location) == MHD_YES ? 0 : -1;
	if (rs->allow)
		rc |= MHD_add_response_header(r, "Allow", rs->allow) == MHD_YES ? 0 : -1;
	if (rs->cookie[0])
		rc |= MHD_add_response_header(r, "Set-Cookie", rs->cookie) == MHD_YES ? 0 : -1;
	if (rs->disposition[0])
		rc |= MHD_add_response_header(r, "Content-Disposition", rs->disposition) == MHD_YES ? 0 : -1;
	if (rs->content_range[0])
		rc |= MHD_add_response_header(r, "Content-Range", rs->content_range) == MHD_YES ? 0 : -1;
	if (rs->accept_ranges)
		rc |= MHD_add_response_header(r, "Accept-Ranges", "bytes") == MHD_YES ? 0 : -1;
	if (rs->clear_site_data)
		rc |= MHD_add_response_header(r, "Clear-Site-Data", "\"cache\", \"cookies\", \"storage\"") == MHD_YES ? 0 : -1;
	if (rs->retry_after) {
		char v[16];
		rc |= snprintf_ok(v, sizeof(v), "%u", rs->retry_after) &&
		        MHD_add_response_header(r, "Retry-After", v) == MHD_YES ? 0 : -1;
	}
	/* a location that does not fit is left out, never sent cut */
	char onion[LIMIT_URI_BYTES + 160];
	if (onion_path && app->config.onion_address[0] &&
	    snprintf_ok(onion, sizeof(onion), "http://%s%s", app->config.onion_address, onion_path))
		rc |= MHD_add_response_header(r, "Onion-Location", onion) == MHD_YES ? 0 : -1;
	if (rc != 0) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

struct MHD_Response *
server_static_build(const char *data, size_t len, const char *content_type, const char *etag, bool not_modified)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(not_modified ? 0 : len, (void *)data,
	    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return NULL;
	if (server_add_headers(r, "public, max-age=31536000, immutable", not_modified ? NULL : content_type, NULL) != 0 ||
	    MHD_add_response_header(r, "ETag", etag) != MHD_YES) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

