/* csrf: form tokens. A visitor without a session gets a random 32-byte form secret in
 * a cookie (HttpOnly, SameSite=Strict; Secure and __Host- behind TLS or an onion). The
 * token in each form is KDF(secret, 3, "savaSESS"), as for staff sessions (CRYPTO.md),
 * checked with sodium_memcmp. The server stores nothing. */
#include <string.h>

#include "http/server.h"
#include "parse/cookie.h"
#include "vault/account.h"

#define CSRF_B64_LEN      43   /* 32 bytes, base64url without padding */

static int
csrf_decode(sv_t s, unsigned char out[32])
{
	size_t n = 0;
	if (s.len != CSRF_B64_LEN)
		return -1;
	if (sodium_base642bin(out, 32, s.p, s.len, NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != 32)
		return -1;
	return 0;
}

/* A staff session's cookie secret is the CSRF key (CRYPTO.md "Sessions"); without one,
 * the anonymous form secret is. */
void
http_csrf_read_cookie(request_t *rq, sv_t header)
{
	sv_t v;
	if (cookie_find(header, sv_from_cstr(http_cookie_name(rq, HTTP_COOKIE_STAFF)), &v) == 0 &&
	    csrf_decode(v, rq->csrf_key) == 0)
		rq->csrf_have = true;
	else if (cookie_find(header, sv_from_cstr(http_cookie_name(rq, HTTP_COOKIE_FORM)), &v) == 0 &&
	    csrf_decode(v, rq->csrf_key) == 0)
		rq->csrf_have = true;
}

void
http_csrf_use_session(request_t *rq, sv_t cookie)
{
	if (csrf_decode(cookie, rq->csrf_key) == 0) {
		rq->csrf_have = true;
		rq->csrf_set_cookie = false;
	}
}

int
http_csrf_token(request_t *rq, char out[64])
{
	unsigned char token[32];
	if (!rq->csrf_have) {
		randombytes_buf(rq->csrf_key, sizeof(rq->csrf_key));
		rq->csrf_have = true;
		rq->csrf_set_cookie = true;
	}
	sess_csrf(rq->csrf_key, token);   /* the vault's derivation, as for staff sessions */
	sodium_bin2base64(out, 64, token, sizeof(token), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(token, sizeof(token));
	return 0;
}

bool
http_csrf_ok(const request_t *rq)
{
	const sv_t *field = form_get(&rq->form, "csrf");
	return field && http_csrf_value_ok(rq, *field);
}

bool
http_csrf_value_ok(const request_t *rq, sv_t value)
{
	unsigned char want[32], got[32];
	if (!rq->csrf_have || csrf_decode(value, got) != 0)
		return false;
	sess_csrf(rq->csrf_key, want);
	bool ok = sodium_memcmp(want, got, sizeof(want)) == 0;
	sodium_memzero(want, sizeof(want));
	return ok;
}

int
http_csrf_cookie(const request_t *rq, char *out, size_t outlen)
{
	char v[64];
	sodium_bin2base64(v, sizeof(v), rq->csrf_key, sizeof(rq->csrf_key), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	int rc = http_cookie_format(rq, HTTP_COOKIE_FORM, sv_from_cstr(v), HTTP_COOKIE_SESSION, out, outlen);
	sodium_memzero(v, sizeof(v));
	return rc;
}
