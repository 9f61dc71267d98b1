/* buf: the one growable byte buffer and the one string view used across sava.
 * A buf_t is always NUL-terminated, never grows past its own maximum, and frees
 * (and wipes) itself on any failed append, so callers cannot use a half-built string. */
#ifndef SAVA_BUF_H
#define SAVA_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WUR __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* A borrowed view of bytes: never owns, never assumed NUL-terminated. */
typedef struct {
	const char *p;
	size_t len;
} sv_t;

#define SV(lit) ((sv_t){ (lit), sizeof(lit) - 1 })
#define SV_NULL ((sv_t){ NULL, 0 })

sv_t sv_from_cstr(const char *s);
bool sv_eq(sv_t a, sv_t b);
bool sv_eq_cstr(sv_t a, const char *s);
/* ASCII case-insensitive comparison, for header and token names. */
bool sv_eq_nocase(sv_t a, sv_t b);
bool sv_starts_with(sv_t s, sv_t prefix);
/* Index of the first c in s, or -1; uses memchr, never strchr. */
ptrdiff_t sv_index(sv_t s, char c);
/* Splits s at the first c: *head is before it, *tail after. Returns false (and
 * head = s, tail empty) when c is absent. */
bool sv_split(sv_t s, char c, sv_t *head, sv_t *tail);
sv_t sv_trim_ows(sv_t s); /* trims spaces and tabs at both ends */
bool sv_is_blank(sv_t s);  /* empty, or only spaces, tabs and line ends */

/* Parses a decimal unsigned integer that must fill all of s and lie in
 * [min, max]. No sign, no spaces, no leading '+'. Returns 0 or -1. */
int num_parse_u64(sv_t s, uint64_t min, uint64_t max, uint64_t *out) WUR;

typedef struct {
	char *data;   /* NUL-terminated while len > 0 or after the first append */
	size_t len;
	size_t cap;
	size_t max;   /* appends beyond this many bytes fail */
} buf_t;

void buf_init(buf_t *b, size_t max);
/* Each append returns 0, or -1 after freeing the buffer (too large, or out of memory). */
/* p percent-encoded: every byte but the RFC 3986 unreserved ones (A-Z a-z 0-9 - . _ ~). */
int buf_append_pct(buf_t *b, const char *p, size_t n) WUR;
int buf_append(buf_t *b, const void *p, size_t n) WUR;
int buf_append_sv(buf_t *b, sv_t s) WUR;
int buf_append_cstr(buf_t *b, const char *s) WUR;
int buf_putc(buf_t *b, char c) WUR;
int buf_appendf(buf_t *b, const char *fmt, ...) PRINTF_LIKE(2, 3) WUR;
int buf_vappendf(buf_t *b, const char *fmt, va_list ap) PRINTF_LIKE(2, 0) WUR;
/* Appends s with HTML escaping of & < > " ' (safe in text and quoted attributes). */
int buf_append_html(buf_t *b, sv_t s) WUR;
sv_t buf_sv(const buf_t *b);
void buf_reset(buf_t *b);        /* length 0, memory kept (and wiped) */
void buf_free(buf_t *b);         /* wipes, frees, back to empty */
/* Hands the bytes to the caller (caller frees with free()); the buffer is left empty. */
char *buf_detach(buf_t *b, size_t *len);

/* The checked snprintf into a fixed array. true: out holds all of the text. false: it did
 * not fit (or fmt failed); out is then wiped and left "", so that a cut path, header or
 * name is never used by mistake. For text of no known bound, use a buf_t. */
bool snprintf_ok(char *out, size_t outlen, const char *fmt, ...) PRINTF_LIKE(3, 4) WUR;
bool vsnprintf_ok(char *out, size_t outlen, const char *fmt, va_list ap) PRINTF_LIKE(3, 0) WUR;
/* For a sentence meant for a person (an error sentence, a message on a page): what does
 * not fit is cut at a UTF-8 character, and the end then says "...". */
void snprintf_cut(char *out, size_t outlen, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
