/* fuzz_multipart: the streaming multipart parser, fed the same body whole, byte by byte
 * and in random chunks; all three must give the same status and events, and the events
 * must obey the parser's promises. Input: one byte choosing the chunking, one choosing
 * max_files, a Content-Type line ending in '\n', then the body. abort() on a breach. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "parse/multipart.h"
#include "parse/urlenc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Everything a sink saw, serialised without ambiguity; data runs are coalesced so the
 * log does not depend on how the parser cut its calls. */
typedef struct {
	buf_t log;
	size_t data_len_at;  /* offset of the current data run's length field, or 0 */
	size_t bytes, begins, ends, files, calls;
	size_t max_files;
	size_t fail_at;      /* fail this callback (1-based); 0 never */
	bool in_part, failed;
	form_t form;         /* text parts streamed into a form, as the server does */
	bool text, form_dead;
} rec_t;

static void
rec_put(rec_t *r, const void *p, size_t n)
{
	if (buf_append(&r->log, p, n) != 0)
		abort();
}

static void
rec_put_sv(rec_t *r, sv_t s)
{
	uint32_t n = (uint32_t)s.len;
	rec_put(r, &n, sizeof(n));
	rec_put(r, s.p, s.len);
}

static int
rec_call(rec_t *r)
{
	if (r->failed)
		abort();     /* no callback after one failed */
	r->calls++;
	if (r->fail_at != 0 && r->calls == r->fail_at) {
		r->failed = true;
		return 1;
	}
	return 0;
}

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '.' || c == '-' || c == '[' || c == ']';
}

static int
rec_begin(void *ctx, const mp_part_t *part)
{
	rec_t *r = ctx;
	if (r->in_part || part->name.len == 0 || part->name.len > LIMIT_FIELD_NAME_BYTES ||
	    part->filename.len > LIMIT_FILENAME_BYTES || part->name.p == NULL ||
	    part->filename.p == NULL || part->content_type.p == NULL)
		abort();
	for (size_t i = 0; i < part->name.len; i++)
		if (!name_char(part->name.p[i]))
			abort();
	if (!text_is_clean_utf8(part->filename) || !text_is_clean_utf8(part->content_type))
		abort();
	if (!part->is_file && part->filename.len != 0)
		abort();
	if (part->is_file && ++r->files > r->max_files)
		abort();
	if (++r->begins > LIMIT_MP_PARTS)
		abort();
	r->in_part = true;
	r->data_len_at = 0;
	r->text = !part->is_file;
	if (r->text && !r->form_dead && form_field_begin(&r->form, part->name) != URLENC_OK)
		r->form_dead = true;
	rec_put(r, "B", 1);
	rec_put_sv(r, part->name);
	rec_put(r, part->is_file ? "F" : "T", 1);
	rec_put_sv(r, part->filename);
	rec_put_sv(r, part->content_type);
	return rec_call(r);
}

static int
rec_data(void *ctx, const char *p, size_t n)
{
	rec_t *r = ctx;
	if (!r->in_part || n == 0 || p == NULL)
		abort();
	r->bytes += n;
	if (r->text && !r->form_dead && form_field_data(&r->form, p, n) != URLENC_OK)
		r->form_dead = true;
	if (r->data_len_at == 0) {
		uint64_t zero = 0;
		rec_put(r, "D", 1);
		r->data_len_at = r->log.len;
		rec_put(r, &zero, sizeof(zero));
	}
	uint64_t run;
	memcpy(&run, r->log.data + r->data_len_at, sizeof(run));
	run += n;
	memcpy(r->log.data + r->data_len_at, &run, sizeof(run));
	rec_put(r, p, n);
	return rec_call(r);
}

static int
rec_end(void *ctx)
{
	rec_t *r = ctx;
	if (!r->in_part)
		abort();
	r->in_part = false;
	r->data_len_at = 0;
	r->ends++;
	if (r->text && !r->form_dead && form_field_end(&r->form) != URLENC_OK)
		r->form_dead = true;
	rec_put(r, "E", 1);
	return rec_call(r);
}

static const mp_sink_t rec_sink = { rec_begin, rec_data, rec_end };

static uint32_t
rng_next(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Parses body in chunks: of size fixed (when non-zero) or random from seed. */
static mp_status_t
run(rec_t *r, sv_t boundary, size_t max_files, const char *body, size_t len, size_t fixed,
    uint32_t seed, size_t fail_at)
{
	mp_parser_t mp;
	mp_status_t st = MP_OK;

	memset(r, 0, sizeof(*r));
	buf_init(&r->log, 64 * 1024 * 1024);
	r->max_files = max_files < LIMIT_MP_FILES ? max_files : LIMIT_MP_FILES;
	r->fail_at = fail_at;
	if (form_init(&r->form, LIMIT_FORM_FIELDS, LIMIT_FIELD_BYTES) != 0 ||
	    form_stream_open(&r->form, 4096) != URLENC_OK)
		abort();
	mp_init(&mp, boundary, max_files, &rec_sink, r);
	if (seed == 0)
		seed = 1;
	for (size_t off = 0; off < len; ) {
		size_t n = fixed ? fixed : 1 + rng_next(&seed) % 97;
		if (n > len - off)
			n = len - off;
		mp_status_t fst = mp_feed(&mp, body + off, n);
		if (st != MP_OK && fst != st)
			abort();     /* sticky */
		st = fst;
		off += n;
	}
	mp_status_t fin = mp_finish(&mp);
	if (st != MP_OK && fin != st)
		abort();
	if (fin == MP_OK && st != MP_OK)
		abort();
	if (mp_finish(&mp) != fin)
		abort();
	/* Promises that hold whatever the outcome. */
	if (r->bytes > len || r->ends > r->begins || r->begins - r->ends > 1)
		abort();
	if (fin == MP_OK && (r->in_part || r->begins != r->ends))
		abort();
	if ((fin == MP_ABORTED) != r->failed)
		abort();
	/* The form holds only whole, clean, bounded fields, inside its store. */
	size_t held = 0;
	for (size_t i = 0; i < r->form.count; i++) {
		const form_field_t *f = &r->form.fields[i];
		if (f->name.len == 0 || f->name.len > LIMIT_FIELD_NAME_BYTES ||
		    f->value.len > r->form.max_value || !text_is_clean_utf8(f->value))
			abort();
		held += f->name.len + f->value.len;
	}
	if (held > 4096 || (r->form_dead && r->form.count != 0))
		abort();
	form_free(&r->form);
	return fin;
}

static bool
same(const rec_t *a, const rec_t *b)
{
	return a->log.len == b->log.len &&
	    (a->log.len == 0 || memcmp(a->log.data, b->log.data, a->log.len) == 0);
}

static void
check_content_type(sv_t ct)
{
	sv_t b;
	if (mp_boundary_from_content_type(ct, &b) != 0) {
		if (b.len != 0)
			abort();
		return;
	}
	if (b.len < 1 || b.len > LIMIT_MP_BOUNDARY_BYTES || b.p < ct.p ||
	    b.p + b.len > ct.p + ct.len || b.p[b.len - 1] == ' ')
		abort();
	for (size_t i = 0; i < b.len; i++) {
		char c = b.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c != '\0' && memchr("'()+_,-./:=? ", c, 13) != NULL)))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rec_t whole, bytes, chunked, failing;

	if (size < 2)
		return 0;
	uint8_t chunking = data[0];
	size_t max_files = data[1] % (LIMIT_MP_FILES + 2);
	const char *rest = (const char *)data + 2;
	size_t rest_len = size - 2;
	const char *nl = memchr(rest, '\n', rest_len);
	sv_t ct = { rest, nl ? (size_t)(nl - rest) : rest_len };
	const char *body = nl ? nl + 1 : rest + rest_len;
	size_t len = rest_len - (size_t)(body - rest);

	check_content_type((sv_t){ (const char *)data, size });
	check_content_type(ct);
	/* The raw line stands in for the boundary when it is not a Content-Type, so that
	 * mp_init's own checks are fuzzed too. */
	sv_t boundary;
	if (mp_boundary_from_content_type(ct, &boundary) != 0)
		boundary = ct;

	mp_status_t sw = run(&whole, boundary, max_files, body, len, len ? len : 1, 0, 0);
	mp_status_t sb = run(&bytes, boundary, max_files, body, len, 1, 0, 0);
	mp_status_t sc = run(&chunked, boundary, max_files, body, len, 0, chunking, 0);
	if (sw != sb || sw != sc || !same(&whole, &bytes) || !same(&whole, &chunked))
		abort();
	if (whole.bytes != bytes.bytes || whole.begins != chunked.begins)
		abort();

	/* A sink failing at some callback stops everything there. */
	if (whole.calls > 0) {
		size_t at = 1 + chunking % whole.calls;
		if (run(&failing, boundary, max_files, body, len, 1 + chunking % 13, chunking, at) !=
		    MP_ABORTED)
			abort();
		buf_free(&failing.log);
	}
	buf_free(&whole.log);
	buf_free(&bytes.log);
	buf_free(&chunked.log);
	return 0;
}
