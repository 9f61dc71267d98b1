/* cookie: sava's cookies, read from the request and set on the response. Every
 * Set-Cookie header is built by http_cookie_format alone: HttpOnly, SameSite=Strict,
 * Path=/, and Secure with a __Host- name behind TLS. Values are secrets (sessions, the
 * form secret): they are checked to be plain cookie octets and never logged. */
#include <stdio.h>
#include <string.h>

#include "http/server.h"
#include "parse/cookie.h"

const char *
http_cookie_name(const request_t *rq, char which)
{
	bool tls = rq->app->config.tls;
	switch (which) {
	case HTTP_COOKIE_STAFF: return tls ? "__Host-s" : "sava_s";
	case HTTP_COOKIE_ENROLL: return tls ? "__Host-e" : "sava_e";
	case HTTP_COOKIE_MAILBOX: return tls ? "__Host-m" : "sava_m";
	default: return tls ? "__Host-a" : "sava_a";
	}
}

int
http_cookie(const request_t *rq, char which, sv_t *value)
{
	return cookie_find(sv_from_cstr(rq->cookies), sv_from_cstr(http_cookie_name(rq, which)), value);
}

/* RFC 6265 cookie-octet: no controls, spaces, quotes, commas, semicolons or backslashes. */
static bool
cookie_value_ok(sv_t v)
{
	for (size_t i = 0; i < v.len; i++) {
		unsigned char c = (unsigned char)v.p[i];
		if (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\')
			return false;
	}
	return true;
}

int
http_cookie_format(const request_t *rq, char which, sv_t value, long max_age, char *out, size_t outlen)
{
	char age[32] = "";
	bool ok = value.len <= INT32_MAX && cookie_value_ok(value) &&
	    (max_age < 0 || snprintf_ok(age, sizeof(age), "; Max-Age=%ld", max_age)) &&
	    snprintf_ok(out, outlen, "%s=%.*s; Path=/%s; HttpOnly; SameSite=Strict%s", http_cookie_name(rq, which),
	        (int)value.len, value.p, age, rq->app->config.tls ? "; Secure" : "");
	return ok ? 0 : -1;
}

int
http_cookie_set(const request_t *rq, response_t *rs, char which, sv_t value, long max_age)
{
	rs->cookie_which = 0;
	if (http_cookie_format(rq, which, value, max_age, rs->cookie, sizeof(rs->cookie)) != 0) {
		http_cookie_unset(rs);
		return -1;
	}
	rs->cookie_which = which;
	rs->cookie_value = strlen(http_cookie_name(rq, which)) + 1;
	rs->cookie_value_len = value.len;
	return 0;
}

int
http_cookie_clear(const request_t *rq, response_t *rs, char which)
{
	return http_cookie_set(rq, rs, which, SV(""), 0);
}

void
http_cookie_unset(response_t *rs)
{
	sodium_memzero(rs->cookie, sizeof(rs->cookie));
	rs->cookie_which = 0;
}

int
http_cookie_after(const request_t *rq, const response_t *rs, char which, sv_t *value)
{
	if (rs->cookie_which != which || !rs->cookie[0])
		return http_cookie(rq, which, value);
	if (rs->cookie_value_len == 0)
		return -1;   /* being removed */
	*value = (sv_t){ rs->cookie + rs->cookie_value, rs->cookie_value_len };
	return 0;
}
