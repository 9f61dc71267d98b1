/* buf: growable NUL-terminated buffers with a hard maximum, and string views.
 * Trusted with anything: buffers are wiped before their memory is released. */
#include "core/buf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

sv_t
sv_from_cstr(const char *s)
{
	return (sv_t){ s, s ? strlen(s) : 0 };
}

bool
sv_eq(sv_t a, sv_t b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool
sv_eq_cstr(sv_t a, const char *s)
{
	return sv_eq(a, sv_from_cstr(s));
}

static unsigned char
ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

bool
sv_eq_nocase(sv_t a, sv_t b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++)
		if (ascii_lower((unsigned char)a.p[i]) != ascii_lower((unsigned char)b.p[i]))
			return false;
	return true;
}

bool
sv_starts_with(sv_t s, sv_t prefix)
{
	return s.len >= prefix.len && (prefix.len == 0 || memcmp(s.p, prefix.p, prefix.len) == 0);
}

ptrdiff_t
sv_index(sv_t s, char c)
{
	if (s.len == 0)
		return -1;
	const char *hit = memchr(s.p, c, s.len);
	return hit ? hit - s.p : -1;
}

bool
sv_split(sv_t s, char c, sv_t *head, sv_t *tail)
{
	ptrdiff_t i = sv_index(s, c);
	if (i < 0) {
		*head = s;
		*tail = (sv_t){ s.p ? s.p + s.len : NULL, 0 };
		return false;
	}
	*head = (sv_t){ s.p, (size_t)i };
	*tail = (sv_t){ s.p + i + 1, s.len - (size_t)i - 1 };
	return true;
}

sv_t
sv_trim_ows(sv_t s)
{
	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	return s;
}

bool
sv_is_blank(sv_t s)
{
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != '\r' && s.p[i] != '\n')
			return false;
	return true;
}

int
num_parse_u64(sv_t s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s.len == 0 || s.len > 20)
		return -1;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c < '0' || c > '9')
			return -1;
		uint64_t d = (uint64_t)(c - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void
buf_init(buf_t *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_free(buf_t *b)
{
	if (b->data) {
		sodium_memzero(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_reset(buf_t *b)
{
	if (b->data) {
		sodium_memzero(b->data, b->len);
		b->data[0] = '\0';
	}
	b->len = 0;
}

/* Makes room for n more bytes plus the NUL. Grows by doubling, never past max + 1;
 * the old block is wiped before it is released. */
static int
buf_reserve(buf_t *b, size_t n)
{
	if (n > b->max || b->len > b->max - n) {
		buf_free(b);
		return -1;
	}
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = malloc(cap);
	if (!p) {
		buf_free(b);
		return -1;
	}
	if (b->data) {
		memcpy(p, b->data, b->len);
		sodium_memzero(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int
buf_append(buf_t *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_append_sv(buf_t *b, sv_t s)
{
	return buf_append(b, s.p, s.len);
}

int
buf_append_cstr(buf_t *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_putc(buf_t *b, char c)
{
	return buf_append(b, &c, 1);
}

int
buf_vappendf(buf_t *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || buf_reserve(b, (size_t)n) != 0) {
		if (n < 0)
			buf_free(b);
		return -1;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_appendf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vappendf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int
buf_append_html(buf_t *b, sv_t s)
{
	size_t run = 0;
	for (size_t i = 0; i < s.len; i++) {
		const char *rep;
		switch (s.p[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (buf_append(b, s.p + run, i - run) != 0 || buf_append_cstr(b, rep) != 0)
			return -1;
		run = i + 1;
	}
	return buf_append(b, s.p + run, s.len - run);
}

sv_t
buf_sv(const buf_t *b)
{
	return (sv_t){ b->data ? b->data : "", b->len };
}

char *
buf_detach(buf_t *b, size_t *len)
{
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

int
buf_append_pct(buf_t *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char chunk[768];
	size_t k = 0;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			chunk[k++] = (char)c;
		} else {
			chunk[k++] = '%';
			chunk[k++] = hex[c >> 4];
			chunk[k++] = hex[c & 15];
		}
		if (k > sizeof(chunk) - 3) {
			rc = buf_append(b, chunk, k);
			k = 0;
		}
	}
	if (rc == 0 && k)
		rc = buf_append(b, chunk, k);
	sodium_memzero(chunk, sizeof(chunk));   /* it may have held a requester's words */
	return rc;
}

bool
vsnprintf_ok(char *out, size_t outlen, const char *fmt, va_list ap)
{
	if (outlen == 0)
		return false;
	int n = vsnprintf(out, outlen, fmt, ap);
	if (n >= 0 && (size_t)n < outlen)
		return true;
	sodium_memzero(out, outlen);   /* the part that fit may be half of a secret */
	return false;
}

bool
snprintf_ok(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = vsnprintf_ok(out, outlen, fmt, ap);
	va_end(ap);
	return ok;
}

void
snprintf_cut(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;
	if (outlen == 0)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(out, outlen, fmt, ap);
	va_end(ap);
	if (n < 0) {
		out[0] = '\0';
	} else if ((size_t)n >= outlen && outlen > 3) {
		size_t at = outlen - 4;   /* never half of a UTF-8 character before the dots */
		while (at > 0 && ((unsigned char)out[at] & 0xC0) == 0x80)
			at--;
		memcpy(out + at, "...", 4);
	}
}
