/* Unit tests for http/cookie: the one builder of Set-Cookie headers (names, attributes,
 * Max-Age, Secure behind TLS), its refusal of values that are not plain cookie octets,
 * and what a page reads back of a cookie its own response sets or removes. */
#include "check.h"
#include "http/server.h"

int
main(void)
{
	app_t app = { .dir = "/nonexistent" };
	config_defaults(&app.config);
	app.config.tls = false;
	request_t rq = { .app = &app };
	response_t rs = { 0 };
	sv_t v;

	CHECK(http_cookie_set(&rq, &rs, HTTP_COOKIE_STAFF, SV("abc-_123"), HTTP_COOKIE_SESSION) == 0);
	CHECK(strcmp(rs.cookie, "sava_s=abc-_123; Path=/; HttpOnly; SameSite=Strict") == 0);
	CHECK(http_cookie_set(&rq, &rs, HTTP_COOKIE_ENROLL, SV("xyz"), 1800) == 0);
	CHECK(strcmp(rs.cookie, "sava_e=xyz; Path=/; Max-Age=1800; HttpOnly; SameSite=Strict") == 0);
	/* what the browser will have: the new value, not the request's */
	memcpy(rq.cookies, "sava_e=old; sava_m=box", 23);
	CHECK(http_cookie_after(&rq, &rs, HTTP_COOKIE_ENROLL, &v) == 0);
	CHECK_SV(v, "xyz");
	CHECK(http_cookie_after(&rq, &rs, HTTP_COOKIE_MAILBOX, &v) == 0);
	CHECK_SV(v, "box");
	http_cookie_unset(&rs);
	CHECK(rs.cookie[0] == '\0' && http_cookie_after(&rq, &rs, HTTP_COOKIE_ENROLL, &v) == 0);
	CHECK_SV(v, "old");
	CHECK(http_cookie_clear(&rq, &rs, HTTP_COOKIE_MAILBOX) == 0);
	CHECK(strcmp(rs.cookie, "sava_m=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict") == 0);
	CHECK(http_cookie_after(&rq, &rs, HTTP_COOKIE_MAILBOX, &v) == -1);   /* being removed */

	/* values that would break the header, or that do not fit, set nothing */
	CHECK(http_cookie_set(&rq, &rs, HTTP_COOKIE_STAFF, SV("a;b"), HTTP_COOKIE_SESSION) == -1 && rs.cookie[0] == '\0');
	CHECK(http_cookie_set(&rq, &rs, HTTP_COOKIE_STAFF, SV("a b"), HTTP_COOKIE_SESSION) == -1);
	CHECK(http_cookie_set(&rq, &rs, HTTP_COOKIE_STAFF, SV("a\r\nX: y"), HTTP_COOKIE_SESSION) == -1);
	char big[300];
	memset(big, 'x', sizeof(big));
	CHECK(http_cookie_set(&rq, &rs, HTTP_COOKIE_STAFF, (sv_t){ big, sizeof(big) }, HTTP_COOKIE_SESSION) == -1);
	CHECK(rs.cookie[0] == '\0' && http_cookie_after(&rq, &rs, HTTP_COOKIE_STAFF, &v) == -1);

	/* behind TLS: __Host- names and Secure */
	app.config.tls = true;
	CHECK(http_cookie_set(&rq, &rs, HTTP_COOKIE_MAILBOX, SV("m1"), HTTP_COOKIE_SESSION) == 0);
	CHECK(strcmp(rs.cookie, "__Host-m=m1; Path=/; HttpOnly; SameSite=Strict; Secure") == 0);
	char out[200];
	CHECK(http_cookie_format(&rq, HTTP_COOKIE_FORM, SV("f"), HTTP_COOKIE_SESSION, out, sizeof(out)) == 0);
	CHECK(strcmp(out, "__Host-a=f; Path=/; HttpOnly; SameSite=Strict; Secure") == 0);
	CHECK(http_cookie_format(&rq, HTTP_COOKIE_FORM, SV("f"), HTTP_COOKIE_SESSION, out, 10) == -1);
	return check_done("http_cookie");
}
