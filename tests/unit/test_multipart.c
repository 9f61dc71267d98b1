/* test_multipart: the streaming multipart/form-data parser. Every body is fed whole,
 * byte by byte, split in two at every offset and in random chunks (fixed seeds), and
 * must give the same events each way; errors, limits, hold-back and aborts. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/limits.h"
#include "parse/multipart.h"

/* The events a sink saw, as text: "<name file=F ct=T>" data "</>". */
typedef struct {
	buf_t log;
	int calls;
	int fail_at;         /* fail the fail_at-th callback (1-based); 0 never */
	int calls_after;     /* callbacks made after one failed */
	bool failed;
	size_t begins, ends, bytes;
} rec_t;

static int
rec_step(rec_t *r)
{
	if (r->failed)
		r->calls_after++;
	r->calls++;
	if (r->fail_at != 0 && r->calls == r->fail_at) {
		r->failed = true;
		return 1;
	}
	return 0;
}

static void
rec_put(rec_t *r, const char *p, size_t n)
{
	if (buf_append(&r->log, p, n) != 0)
		abort();
}

static int
rec_begin(void *ctx, const mp_part_t *part)
{
	rec_t *r = ctx;
	r->begins++;
	rec_put(r, "<", 1);
	rec_put(r, part->name.p, part->name.len);
	if (part->is_file) {
		rec_put(r, " file=", 6);
		rec_put(r, part->filename.p, part->filename.len);
	}
	if (part->content_type.len > 0) {
		rec_put(r, " ct=", 4);
		rec_put(r, part->content_type.p, part->content_type.len);
	}
	rec_put(r, ">", 1);
	return rec_step(r);
}

static int
rec_data(void *ctx, const char *p, size_t n)
{
	rec_t *r = ctx;
	if (n == 0)
		r->calls_after += 1000;   /* the parser must not hand on empty pieces */
	r->bytes += n;
	rec_put(r, p, n);
	return rec_step(r);
}

static int
rec_end(void *ctx)
{
	rec_t *r = ctx;
	r->ends++;
	rec_put(r, "</>", 3);
	return rec_step(r);
}

static const mp_sink_t rec_sink = { rec_begin, rec_data, rec_end };

static void
rec_init(rec_t *r, int fail_at)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->log, 8 * 1024 * 1024);
	r->fail_at = fail_at;
}

static uint32_t
rng_next(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

enum { CHUNK_FIXED, CHUNK_RANDOM, CHUNK_SPLIT };

/* Parses body in chunks: CHUNK_FIXED of arg bytes, CHUNK_RANDOM of 1..64 bytes from
 * seed arg, or CHUNK_SPLIT into two at offset arg. Returns the final status. */
static mp_status_t
run(const char *bnd, const char *body, size_t len, size_t max_files, int mode, uint32_t arg,
    rec_t *r)
{
	mp_parser_t mp;
	mp_status_t st = MP_OK;
	uint32_t seed = arg ? arg : 1;
	size_t off = 0;

	mp_init(&mp, sv_from_cstr(bnd), max_files, &rec_sink, r);
	while (off < len) {
		size_t n;
		if (mode == CHUNK_FIXED)
			n = arg;
		else if (mode == CHUNK_RANDOM)
			n = 1 + rng_next(&seed) % 64;
		else
			n = off < arg ? arg - off : len - off;
		if (n > len - off)
			n = len - off;
		mp_status_t fst = mp_feed(&mp, body + off, n);
		off += n;
		if (fst != MP_OK && st == MP_OK)
			st = fst;
		if (st != MP_OK && fst != st)
			r->calls_after += 1000;   /* a status must be sticky */
	}
	mp_status_t fin = mp_finish(&mp);
	if (st != MP_OK && fin != st)
		r->calls_after += 1000;
	if (mp_finish(&mp) != fin || mp_feed(&mp, "x", 1) != fin)
		r->calls_after += 1000;
	return fin;
}

static bool
same(const rec_t *r, const char *log, size_t loglen)
{
	return r->log.len == loglen && (loglen == 0 || memcmp(r->log.data, log, loglen) == 0) &&
	    r->calls_after == 0;
}

static void
show(const char *what, mp_status_t st, const rec_t *r)
{
	fprintf(stderr, "  %s: status %d, log [", what, (int)st);
	fwrite(r->log.data ? r->log.data : "", 1, r->log.len, stderr);
	fprintf(stderr, "] calls_after %d\n", r->calls_after);
}

/* Parses body every way; each must give status want and events wantlog. */
static void
expect_n(int line, const char *bnd, const char *body, size_t len, size_t max_files,
    mp_status_t want, const char *wantlog, size_t wantlen)
{
	bool ok_whole = true, ok_bytes = true, ok_split = true, ok_random = true;
	rec_t r;
	mp_status_t st;

	rec_init(&r, 0);
	st = run(bnd, body, len, max_files, CHUNK_FIXED, len ? (uint32_t)len : 1, &r);
	if (st != want || !same(&r, wantlog, wantlen)) {
		ok_whole = false;
		fprintf(stderr, "line %d:\n", line);
		show("whole", st, &r);
	}
	buf_free(&r.log);

	rec_init(&r, 0);
	st = run(bnd, body, len, max_files, CHUNK_FIXED, 1, &r);
	if (st != want || !same(&r, wantlog, wantlen)) {
		ok_bytes = false;
		fprintf(stderr, "line %d:\n", line);
		show("byte by byte", st, &r);
	}
	buf_free(&r.log);

	for (size_t at = 1; at < len && ok_split; at++) {
		rec_init(&r, 0);
		st = run(bnd, body, len, max_files, CHUNK_SPLIT, (uint32_t)at, &r);
		if (st != want || !same(&r, wantlog, wantlen)) {
			ok_split = false;
			fprintf(stderr, "line %d: split at %zu\n", line, at);
			show("split", st, &r);
		}
		buf_free(&r.log);
	}

	for (uint32_t seed = 1; seed <= 8 && ok_random; seed++) {
		rec_init(&r, 0);
		st = run(bnd, body, len, max_files, CHUNK_RANDOM, seed * 2654435761u, &r);
		if (st != want || !same(&r, wantlog, wantlen)) {
			ok_random = false;
			fprintf(stderr, "line %d: seed %u\n", line, seed);
			show("random", st, &r);
		}
		buf_free(&r.log);
	}
	CHECK(ok_whole);
	CHECK(ok_bytes);
	CHECK(ok_split);
	CHECK(ok_random);
}

#define EXPECT(bnd, body, max_files, want, log) \
	expect_n(__LINE__, bnd, body, sizeof(body) - 1, max_files, want, log, sizeof(log) - 1)
#define EXPECT_BUF(bnd, b, max_files, want, log) \
	expect_n(__LINE__, bnd, (b)->data, (b)->len, max_files, want, log, sizeof(log) - 1)

#define CD(name) "Content-Disposition: form-data; name=\"" name "\"\r\n"
#define CDF(name, file) \
	"Content-Disposition: form-data; name=\"" name "\"; filename=\"" file "\"\r\n"

static int
ct(const char *s, const char *want)
{
	sv_t b;
	int rc = mp_boundary_from_content_type(sv_from_cstr(s), &b);
	if (want == NULL)
		return rc == -1 && b.len == 0;
	return rc == 0 && b.len == strlen(want) && memcmp(b.p, want, b.len) == 0;
}

static void
test_content_type(void)
{
	CHECK(ct("multipart/form-data; boundary=abc", "abc"));
	CHECK(ct("multipart/form-data;boundary=abc", "abc"));
	CHECK(ct("  Multipart/Form-Data ;  BOUNDARY = abc  ", "abc"));
	CHECK(ct("multipart/form-data; boundary=\"abc\"", "abc"));
	CHECK(ct("multipart/form-data; boundary=\"a b:c?(d)=e,f/g'h+i_j.k\"",
	    "a b:c?(d)=e,f/g'h+i_j.k"));
	CHECK(ct("multipart/form-data; charset=utf-8; boundary=----WebKitFormBoundary7MA4YWxk",
	    "----WebKitFormBoundary7MA4YWxk"));
	CHECK(ct("multipart/form-data; x=\"a;boundary=evil\"; boundary=good", "good"));
	CHECK(ct("multipart/form-data; boundary=good; x=\"q\\\"q\"", "good"));
	CHECK(ct("multipart/form-data; ; boundary=abc;", "abc"));
	/* Length: 1 and 70 are fine; 0 and 71 are not. */
	CHECK(ct("multipart/form-data; boundary=a", "a"));
	CHECK(ct("multipart/form-data; boundary="
	    "1234567890123456789012345678901234567890123456789012345678901234567890",
	    "1234567890123456789012345678901234567890123456789012345678901234567890"));
	CHECK(ct("multipart/form-data; boundary="
	    "12345678901234567890123456789012345678901234567890123456789012345678901", NULL));
	CHECK(ct("multipart/form-data; boundary=\"\"", NULL));
	CHECK(ct("multipart/form-data; boundary=", NULL));
	/* Characters: bchars only, not ending in a space; unquoted must be a token. */
	CHECK(ct("multipart/form-data; boundary=\"abc \"", NULL));
	CHECK(ct("multipart/form-data; boundary=\"a@b\"", NULL));
	CHECK(ct("multipart/form-data; boundary=\"a\\\"b\"", NULL));
	CHECK(ct("multipart/form-data; boundary=\"a\\b\"", NULL));
	CHECK(ct("multipart/form-data; boundary=a*b", NULL));
	CHECK(ct("multipart/form-data; boundary=a:b", NULL));
	CHECK(ct("multipart/form-data; boundary=a b", NULL));
	CHECK(ct("multipart/form-data; boundary=\"a\rb\"", NULL));
	CHECK(ct("multipart/form-data; boundary=\"abc", NULL));
	/* Type, presence, and ambiguity. */
	CHECK(ct("multipart/mixed; boundary=abc", NULL));
	CHECK(ct("multipart/form-datax; boundary=abc", NULL));
	CHECK(ct("multipart/form-data/x; boundary=abc", NULL));
	CHECK(ct("text/plain; boundary=abc", NULL));
	CHECK(ct("multipart/form-data", NULL));
	CHECK(ct("multipart/form-data; charset=utf-8", NULL));
	CHECK(ct("multipart/form-data; boundaryx=abc", NULL));
	CHECK(ct("multipart/form-data; boundary=abc; boundary=abc", NULL));
	CHECK(ct("multipart/form-data; boundary", NULL));
	CHECK(ct("multipart/form-data boundary=abc", NULL));
	CHECK(ct("", NULL));
	sv_t b;
	CHECK(mp_boundary_from_content_type((sv_t){ "multipart/form-data; boundary=abcdef", 33 },
	    &b) == 0 && b.len == 3);
}

static void
test_basic(void)
{
	EXPECT("bnd",
	    "--bnd\r\n"
	    CD("a") "\r\n"
	    "1\r\n"
	    "--bnd\r\n"
	    CDF("f", "x.txt")
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "line1\r\nline2\r\n\r\n"
	    "--bnd--\r\n",
	    LIMIT_MP_FILES, MP_OK,
	    "<a>1</><f file=x.txt ct=text/plain>line1\r\nline2\r\n</>");

	/* What a browser sends, with its long dashed boundary. */
	EXPECT("----WebKitFormBoundary7MA4YWxkTrZu0gW",
	    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
	    "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
	    "tok\r\n"
	    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
	    "Content-Disposition: form-data; name=\"video\"; "
	    "filename=\"\xd1\x81\xd0\xb0\xd0\xb2\xd0\xb0.mp4\"\r\n"
	    "Content-Type: video/mp4\r\n\r\n"
	    "\x00\x01\xff\r\n-\r\n--\r\n---\r\n"
	    "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n",
	    LIMIT_MP_FILES, MP_OK,
	    "<csrf>tok</><video file=\xd1\x81\xd0\xb0\xd0\xb2\xd0\xb0.mp4 ct=video/mp4>"
	    "\x00\x01\xff\r\n-\r\n--\r\n---</>");

	/* Preamble (holding near-boundaries) ignored; epilogue ignored whatever it holds. */
	EXPECT("bnd",
	    "preamble --bnd\r\nx--bnd\r\n\r\n--bn\r\n--bnc\r\n"
	    "--bnd\r\n" CD("a") "\r\nv\r\n--bnd--\r\n"
	    "epilogue\r\n--bnd\r\n" CD("b") "\r\njunk\r\n--bnd",
	    LIMIT_MP_FILES, MP_OK, "<a>v</>");
	/* The close delimiter may end the body, and may come first. */
	EXPECT("bnd", "--bnd\r\n" CD("a") "\r\nv\r\n--bnd--", LIMIT_MP_FILES, MP_OK, "<a>v</>");
	EXPECT("bnd", "--bnd--", LIMIT_MP_FILES, MP_OK, "");
	EXPECT("bnd", "\r\n--bnd--", LIMIT_MP_FILES, MP_OK, "");
	EXPECT("bnd", "--bnd--junk", LIMIT_MP_FILES, MP_OK, "");
	/* Transport padding after a delimiter. */
	EXPECT("bnd", "--bnd \t \r\n" CD("a") "\r\nv\r\n--bnd\t\r\n" CD("b") "\r\n\r\n--bnd--",
	    LIMIT_MP_FILES, MP_OK, "<a>v</><b></>");
	/* A boundary that is a single dash, and one with spaces. */
	EXPECT("-", "---\r\n" CD("a") "\r\n--\r\n-\r\n-----", LIMIT_MP_FILES, MP_OK, "<a>--\r\n-</>");
	/* The boundary in the preamble, followed by anything but a delimiter line, is bad. */
	EXPECT("bnd", "pre\r\n--bndx\r\n--bnd--", LIMIT_MP_FILES, MP_BAD, "");
	EXPECT("a b", "--a b\r\n" CD("a") "\r\nx\r\n--a b--", LIMIT_MP_FILES, MP_OK, "<a>x</>");
}

static void
test_data(void)
{
	/* Near-delimiters in data are data, wherever they stop matching. */
	EXPECT("bnd",
	    "--bnd\r\n" CD("a") "\r\n"
	    "\r\n--\r\n--b\r\n--bn\r\n-bnd\n--bnd\r--bnd--bnd\r\r\n\r\n--bnd",
	    LIMIT_MP_FILES, MP_INCOMPLETE,
	    "<a>\r\n--\r\n--b\r\n--bn\r\n-bnd\n--bnd\r--bnd--bnd\r\r\n</>");
	/* CRLF inside and at the end of file data; CR right before the delimiter. */
	EXPECT("bnd",
	    "--bnd\r\n" CDF("f", "a.bin") "\r\n"
	    "\r\n\r\n\r\r\n\r\r\n--bnd--",
	    LIMIT_MP_FILES, MP_OK, "<f file=a.bin>\r\n\r\n\r\r\n\r</>");
	/* Empty parts, and an empty file part (a file input left empty). */
	EXPECT("bnd",
	    "--bnd\r\n" CD("a") "\r\n\r\n"
	    "--bnd\r\n" CDF("f", "") "Content-Type: application/octet-stream\r\n\r\n\r\n"
	    "--bnd\r\n" CD("b") "\r\n\r\n--bnd--\r\n",
	    LIMIT_MP_FILES, MP_OK, "<a></><f file= ct=application/octet-stream></><b></>");
	/* The boundary string inside data, not after CRLF, is data. */
	EXPECT("bnd", "--bnd\r\n" CD("a") "\r\n--bnd--bnd\r\n--bnd--", LIMIT_MP_FILES, MP_OK,
	    "<a>--bnd--bnd</>");
	/* A partial delimiter at the end is held back and never delivered. */
	EXPECT("bnd", "--bnd\r\n" CD("a") "\r\nabc\r\n--bn", LIMIT_MP_FILES, MP_INCOMPLETE,
	    "<a>abc");
	EXPECT("bnd", "--bnd\r\n" CD("a") "\r\nabc\r", LIMIT_MP_FILES, MP_INCOMPLETE, "<a>abc");
	EXPECT("bnd", "--bnd\r\n" CD("a") "\r\nabc\r\n--bnd", LIMIT_MP_FILES, MP_INCOMPLETE,
	    "<a>abc</>");
}

static void
test_headers(void)
{
	/* Header and parameter names ignore case; values are tokens or quoted. */
	EXPECT("bnd",
	    "--bnd\r\ncontent-disposition: FORM-DATA; NAME=tok\r\n"
	    "CONTENT-TYPE: text/plain; charset=utf-8\r\n\r\n"
	    "x\r\n--bnd--",
	    LIMIT_MP_FILES, MP_OK, "<tok ct=text/plain; charset=utf-8>x</>");
	EXPECT("bnd",
	    "--bnd\r\nContent-Disposition:form-data ;name = \"a\" ;\tfilename=f.txt\r\n\r\nx\r\n--bnd--",
	    LIMIT_MP_FILES, MP_OK, "<a file=f.txt>x</>");
	/* Backslash escapes in quoted strings; ';' and '=' inside quotes. */
	EXPECT("bnd",
	    "--bnd\r\nContent-Disposition: form-data; name=\"f\\ield\"; "
	    "filename=\"a\\\"b; name=c\\\\.txt\"\r\n\r\nx\r\n--bnd--",
	    LIMIT_MP_FILES, MP_OK, "<field file=a\"b; name=c\\.txt>x</>");
	/* Unknown headers and parameters are ignored; filename* alone is not a file. */
	EXPECT("bnd",
	    "--bnd\r\nX-Other: y\r\nContent-Disposition: form-data; name=\"a\"; "
	    "filename*=UTF-8''%e2%82%ac.txt; size=3\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
	    "x\r\n--bnd--",
	    LIMIT_MP_FILES, MP_OK, "<a>x</>");

	/* Malformed part headers. */
	static const char *bad[] = {
		"\r\n",                                                 /* no headers */
		"Content-Type: text/plain\r\n\r\n",                     /* no disposition */
		"Content-Disposition: attachment; name=\"a\"\r\n\r\n",
		"Content-Disposition: form-data\r\n\r\n",
		"Content-Disposition: form-data; filename=\"f\"\r\n\r\n",
		"Content-Disposition: form-data; name=\"\"\r\n\r\n",
		"Content-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\n",
		"Content-Disposition: form-data; name=a; filename=x; filename=y\r\n\r\n",
		"Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\n",
		"Content-Disposition: form-data; name=a\r\nContent-Type: a\r\nContent-Type: b\r\n\r\n",
		"Content-Disposition: form-data; name=a\n\r\n",        /* bare LF */
		"X: y\nContent-Disposition: form-data; name=a\r\n\r\n",
		"Content-Disposition: form-data; name=a\rX: y\r\n\r\n",/* bare CR */
		"Content-Disposition form-data; name=a\r\n\r\n",       /* no colon */
		"Content Disposition: form-data; name=a\r\n\r\n",
		": form-data\r\nContent-Disposition: form-data; name=a\r\n\r\n",
		"Content-Disposition: form-data;\r\n name=a\r\n\r\n", /* folded */
		"Content-Disposition: form-data; name=a\r\nX: \x01\r\n\r\n",
		"Content-Disposition: form-data; name=a\x7f\r\n\r\n",
		"Content-Disposition: form-data; name=\"a\r\n\r\n",   /* unterminated */
		"Content-Disposition: form-data; name=\"a\\\"\r\n\r\n",
		"Content-Disposition: form-data; name\r\n\r\n",
		"Content-Disposition: form-data; name=\r\n\r\n",
		"Content-Disposition: form-data; name=a b\r\n\r\n",
		"Content-Disposition: form-data name=a\r\n\r\n",
		"Content-Disposition: form-data; name=\"a b\"\r\n\r\n",
		"Content-Disposition: form-data; name=\"\xd1\x81\"\r\n\r\n",
		"Content-Disposition: form-data; name=a; filename=\"\xff.txt\"\r\n\r\n",
		"Content-Disposition: form-data; name=a; filename=\"\xc0\xae.txt\"\r\n\r\n",
		"Content-Disposition: form-data; name=a\r\nContent-Type: \xed\xa0\x80\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char body[512];
		int n = snprintf(body, sizeof(body), "--bnd\r\n%s\r\nx\r\n--bnd--", bad[i]);
		CHECK(n > 0 && (size_t)n < sizeof(body));
		rec_t r;
		rec_init(&r, 0);
		mp_status_t st = run("bnd", body, (size_t)n, LIMIT_MP_FILES, CHUNK_FIXED, 1, &r);
		if (st != MP_BAD)
			fprintf(stderr, "bad header %zu: status %d\n", i, (int)st);
		CHECK(st == MP_BAD && r.calls == 0);
		buf_free(&r.log);
	}

	/* Malformed delimiter lines. */
	EXPECT("bnd", "--bnd x\r\n" CD("a") "\r\n\r\n--bnd--", LIMIT_MP_FILES, MP_BAD, "");
	EXPECT("bnd", "--bnd \t--", LIMIT_MP_FILES, MP_BAD, "");
	EXPECT("bnd", "--bnd-x", LIMIT_MP_FILES, MP_BAD, "");
	EXPECT("bnd", "--bnd\rx", LIMIT_MP_FILES, MP_BAD, "");
	EXPECT("bnd", "--bnd\n" CD("a") "\r\n\r\n--bnd--", LIMIT_MP_FILES, MP_BAD, "");
	EXPECT("bnd", "--bnd\r\n" CD("a") "\r\nv\r\n--bndx", LIMIT_MP_FILES, MP_BAD, "<a>v</>");
	EXPECT("bnd", "--bnd\r\n" CD("a") "\r\nv\r\n--bnd--\r\n", LIMIT_MP_FILES, MP_OK, "<a>v</>");
}

static void
test_incomplete(void)
{
	EXPECT("bnd", "", LIMIT_MP_FILES, MP_INCOMPLETE, "");
	EXPECT("bnd", "no boundary here", LIMIT_MP_FILES, MP_INCOMPLETE, "");
	EXPECT("bnd", "--bnd", LIMIT_MP_FILES, MP_INCOMPLETE, "");
	EXPECT("bnd", "--bnd-", LIMIT_MP_FILES, MP_INCOMPLETE, "");
	EXPECT("bnd", "--bnd\r\n", LIMIT_MP_FILES, MP_INCOMPLETE, "");
	EXPECT("bnd", "--bnd\r\n" CD("a"), LIMIT_MP_FILES, MP_INCOMPLETE, "");
	EXPECT("bnd", "--bnd\r\n" CD("a") "\r\nval", LIMIT_MP_FILES, MP_INCOMPLETE, "<a>val");
	EXPECT("bnd", "--bnd\r\n" CD("a") "\r\nv\r\n--bnd\r\n", LIMIT_MP_FILES, MP_INCOMPLETE,
	    "<a>v</>");
	/* Another boundary's close is not ours. */
	EXPECT("bnd", "--bnd\r\n" CD("a") "\r\nv\r\n--bnc--", LIMIT_MP_FILES, MP_INCOMPLETE,
	    "<a>v\r\n--bnc--");
}

/* "--bnd\r\n" + a part whose name, filename or header block has a given size. */
static void
part_named(buf_t *b, size_t name_len, size_t file_len)
{
	if (buf_append_cstr(b, "--bnd\r\nContent-Disposition: form-data; name=\"") != 0)
		abort();
	for (size_t i = 0; i < name_len; i++)
		if (buf_putc(b, 'n') != 0)
			abort();
	if (file_len > 0) {
		if (buf_append_cstr(b, "\"; filename=\"") != 0)
			abort();
		/* One escaped quote: the limit is on the unescaped length. */
		if (buf_append_cstr(b, "\\\"") != 0)
			abort();
		for (size_t i = 1; i < file_len; i++)
			if (buf_putc(b, 'f') != 0)
				abort();
	}
	if (buf_append_cstr(b, "\"\r\n\r\nv\r\n") != 0)
		abort();
}

static void
close_body(buf_t *b)
{
	if (buf_append_cstr(b, "--bnd--\r\n") != 0)
		abort();
}

/* A part whose header block (lines with their CRLFs, not the empty line) is len bytes. */
static void
part_with_header_block(buf_t *b, size_t len)
{
	const char *cd = CD("a");
	size_t pad = len - strlen(cd) - strlen("X-Pad: \r\n");
	if (buf_append_cstr(b, "--bnd\r\n") != 0 || buf_append_cstr(b, cd) != 0 ||
	    buf_append_cstr(b, "X-Pad: ") != 0)
		abort();
	for (size_t i = 0; i < pad; i++)
		if (buf_putc(b, 'p') != 0)
			abort();
	if (buf_append_cstr(b, "\r\n\r\nv\r\n") != 0)
		abort();
}

static void
test_limits(void)
{
	buf_t b;
	buf_init(&b, 1 << 20);

	/* Name: LIMIT_FIELD_NAME_BYTES is fine, one more is too long. */
	part_named(&b, LIMIT_FIELD_NAME_BYTES, 0);
	close_body(&b);
	EXPECT_BUF("bnd", &b, LIMIT_MP_FILES, MP_OK,
	    "<nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn>v</>");
	buf_reset(&b);
	part_named(&b, LIMIT_FIELD_NAME_BYTES + 1, 0);
	close_body(&b);
	EXPECT_BUF("bnd", &b, LIMIT_MP_FILES, MP_TOO_LONG, "");
	buf_reset(&b);

	/* Filename: LIMIT_FILENAME_BYTES (after unescaping) is fine, one more is too long. */
	part_named(&b, 1, LIMIT_FILENAME_BYTES);
	close_body(&b);
	{
		rec_t r;
		rec_init(&r, 0);
		CHECK(run("bnd", b.data, b.len, 1, CHUNK_FIXED, 7, &r) == MP_OK);
		CHECK(r.log.len == strlen("<n file=>v</>") + LIMIT_FILENAME_BYTES);
		CHECK(r.log.len > 9 && memcmp(r.log.data, "<n file=\"fff", 12) == 0);
		buf_free(&r.log);
	}
	buf_reset(&b);
	part_named(&b, 1, LIMIT_FILENAME_BYTES + 1);
	close_body(&b);
	EXPECT_BUF("bnd", &b, LIMIT_MP_FILES, MP_TOO_LONG, "");
	buf_reset(&b);

	/* Header block: LIMIT_MP_PART_HEADER_BYTES is fine, one more is too long. */
	part_with_header_block(&b, LIMIT_MP_PART_HEADER_BYTES);
	close_body(&b);
	EXPECT_BUF("bnd", &b, LIMIT_MP_FILES, MP_OK, "<a>v</>");
	buf_reset(&b);
	part_with_header_block(&b, LIMIT_MP_PART_HEADER_BYTES + 1);
	close_body(&b);
	EXPECT_BUF("bnd", &b, LIMIT_MP_FILES, MP_TOO_LONG, "");
	buf_reset(&b);
	/* A header block that never ends stops at the limit, not at the end of the body. */
	if (buf_append_cstr(&b, "--bnd\r\n" CD("a")) != 0)
		abort();
	for (size_t i = 0; i < 3 * LIMIT_MP_PART_HEADER_BYTES; i++)
		if (buf_putc(&b, 'h') != 0)
			abort();
	EXPECT_BUF("bnd", &b, LIMIT_MP_FILES, MP_TOO_LONG, "");
	buf_reset(&b);

	/* Parts: LIMIT_MP_PARTS is fine, one more is too many. */
	for (int i = 0; i < LIMIT_MP_PARTS; i++)
		part_named(&b, 1, 0);
	close_body(&b);
	{
		rec_t r;
		rec_init(&r, 0);
		CHECK(run("bnd", b.data, b.len, 0, CHUNK_RANDOM, 99, &r) == MP_OK);
		CHECK(r.begins == LIMIT_MP_PARTS && r.ends == LIMIT_MP_PARTS);
		buf_free(&r.log);
	}
	buf_reset(&b);
	for (int i = 0; i < LIMIT_MP_PARTS + 1; i++)
		part_named(&b, 1, 0);
	close_body(&b);
	{
		rec_t r;
		rec_init(&r, 0);
		CHECK(run("bnd", b.data, b.len, 0, CHUNK_FIXED, 1, &r) == MP_TOO_MANY);
		CHECK(r.begins == LIMIT_MP_PARTS && r.ends == LIMIT_MP_PARTS);
		buf_free(&r.log);
	}
	buf_reset(&b);

	/* Files: max_files is fine, one more is too many; 0 allows none. */
	EXPECT("bnd",
	    "--bnd\r\n" CDF("a", "1") "\r\n\r\n--bnd\r\n" CD("t") "\r\n\r\n--bnd\r\n" CDF("b", "2")
	    "\r\n\r\n--bnd--",
	    2, MP_OK, "<a file=1></><t></><b file=2></>");
	EXPECT("bnd",
	    "--bnd\r\n" CDF("a", "1") "\r\n\r\n--bnd\r\n" CDF("b", "2") "\r\n\r\n--bnd\r\n"
	    CDF("c", "3") "\r\n\r\n--bnd--",
	    2, MP_TOO_MANY, "<a file=1></><b file=2></>");
	EXPECT("bnd", "--bnd\r\n" CD("t") "\r\n\r\n--bnd--", 0, MP_OK, "<t></>");
	EXPECT("bnd", "--bnd\r\n" CDF("a", "") "\r\n\r\n--bnd--", 0, MP_TOO_MANY, "");
	/* max_files is clamped to LIMIT_MP_FILES_MAX. */
	for (int i = 0; i < LIMIT_MP_FILES_MAX + 1; i++)
		if (buf_append_cstr(&b, "--bnd\r\n" CDF("f", "x") "\r\n\r\n") != 0)
			abort();
	close_body(&b);
	{
		rec_t r;
		rec_init(&r, 0);
		CHECK(run("bnd", b.data, b.len, 1000, CHUNK_FIXED, 3, &r) == MP_TOO_MANY);
		CHECK(r.begins == LIMIT_MP_FILES_MAX);
		buf_free(&r.log);
	}
	buf_free(&b);

	/* Boundaries mp_init refuses. */
	static const char *badb[] = {
		"", "a\r\nb", "abc ", "a\"b", "a;b",
		"12345678901234567890123456789012345678901234567890123456789012345678901",
	};
	for (size_t i = 0; i < sizeof(badb) / sizeof(badb[0]); i++) {
		rec_t r;
		rec_init(&r, 0);
		CHECK(run(badb[i], "--x--", 5, 1, CHUNK_FIXED, 5, &r) == MP_BAD && r.calls == 0);
		buf_free(&r.log);
	}
	EXPECT("1234567890123456789012345678901234567890123456789012345678901234567890",
	    "--1234567890123456789012345678901234567890123456789012345678901234567890\r\n"
	    CD("a") "\r\nv\r\n"
	    "--1234567890123456789012345678901234567890123456789012345678901234567890--",
	    1, MP_OK, "<a>v</>");
}

/* Part data is handed on as soon as it cannot be part of a delimiter. */
static void
test_streaming(void)
{
	mp_parser_t mp;
	rec_t r;

	rec_init(&r, 0);
	mp_init(&mp, SV("bnd"), 1, &rec_sink, &r);
	const char *head = "--bnd\r\n" CD("a") "\r\n";
	CHECK(mp_feed(&mp, head, strlen(head)) == MP_OK);
	CHECK(mp_feed(&mp, "hello", 5) == MP_OK);
	CHECK_SV(buf_sv(&r.log), "<a>hello");
	CHECK(mp_feed(&mp, "\r\n--bn", 6) == MP_OK);
	CHECK_SV(buf_sv(&r.log), "<a>hello");
	CHECK(mp_feed(&mp, "d", 1) == MP_OK);
	CHECK_SV(buf_sv(&r.log), "<a>hello</>");
	CHECK(mp_feed(&mp, "x", 1) == MP_BAD);
	buf_free(&r.log);

	rec_init(&r, 0);
	mp_init(&mp, SV("bnd"), 1, &rec_sink, &r);
	CHECK(mp_feed(&mp, head, strlen(head)) == MP_OK);
	CHECK(mp_feed(&mp, "ab\r", 3) == MP_OK);
	CHECK_SV(buf_sv(&r.log), "<a>ab");
	CHECK(mp_feed(&mp, "\r", 1) == MP_OK);
	CHECK_SV(buf_sv(&r.log), "<a>ab\r");
	CHECK(mp_feed(&mp, "\n--bnX", 6) == MP_OK);
	CHECK_SV(buf_sv(&r.log), "<a>ab\r\r\n--bnX");
	CHECK(mp_feed(&mp, "\r\n--bnd", 7) == MP_OK);
	CHECK_SV(buf_sv(&r.log), "<a>ab\r\r\n--bnX</>");
	CHECK(mp_feed(&mp, "--", 2) == MP_OK);
	CHECK(mp_finish(&mp) == MP_OK);
	CHECK(mp_feed(&mp, "more epilogue", 13) == MP_OK);
	CHECK(mp_feed(&mp, NULL, 0) == MP_OK);
	CHECK(mp_finish(&mp) == MP_OK);
	buf_free(&r.log);

	/* A sink may be absent, or lack callbacks. */
	mp_sink_t none = { NULL, NULL, NULL };
	const char *body = "--bnd\r\n" CDF("f", "x") "\r\ndata\r\n--bnd--";
	mp_init(&mp, SV("bnd"), 1, &none, NULL);
	CHECK(mp_feed(&mp, body, strlen(body)) == MP_OK && mp_finish(&mp) == MP_OK);
	mp_init(&mp, SV("bnd"), 1, NULL, NULL);
	CHECK(mp_feed(&mp, body, strlen(body)) == MP_OK && mp_finish(&mp) == MP_OK);
	mp_init(&mp, SV("bnd"), 0, NULL, NULL);
	CHECK(mp_feed(&mp, body, strlen(body)) == MP_TOO_MANY && mp_finish(&mp) == MP_TOO_MANY);

	/* A larger file in random chunks comes through byte for byte. */
	size_t len = 300000;
	char *file = malloc(len);
	buf_t b;
	uint32_t seed = 12345;
	if (file == NULL)
		abort();
	for (size_t i = 0; i < len; i++) {
		file[i] = (char)(rng_next(&seed) & 0xff);
		if (i % 997 == 0)
			file[i] = '\r';   /* plenty of false starts */
		if (i % 997 == 1)
			file[i] = '\n';
	}
	buf_init(&b, 1 << 20);
	if (buf_append_cstr(&b, "--0123456789abcdef\r\n" CDF("big", "big.bin") "\r\n") != 0 ||
	    buf_append(&b, file, len) != 0 || buf_append_cstr(&b, "\r\n--0123456789abcdef--") != 0)
		abort();
	for (uint32_t s = 1; s <= 3; s++) {
		rec_init(&r, 0);
		CHECK(run("0123456789abcdef", b.data, b.len, 1, CHUNK_RANDOM, s, &r) == MP_OK);
		size_t pre = strlen("<big file=big.bin>");
		CHECK(r.bytes == len && r.log.len == pre + len + 3 &&
		    memcmp(r.log.data + pre, file, len) == 0);
		buf_free(&r.log);
	}
	rec_init(&r, 0);
	CHECK(run("0123456789abcdef", b.data, b.len, 1, CHUNK_FIXED, 4096, &r) == MP_OK);
	CHECK(r.bytes == len);
	buf_free(&r.log);
	buf_free(&b);
	free(file);
}

/* A sink that fails stops the parser there, for good, however the body is chunked. */
static void
test_abort(void)
{
	const char *body =
	    "--bnd\r\n" CD("a") "\r\nvalue a\r\n"
	    "--bnd\r\n" CDF("f", "f.txt") "\r\nfile\r\ndata\r\n"
	    "--bnd--\r\n";
	size_t len = strlen(body);

	/* Whole: callbacks are begin, data, end, begin, data, end. */
	for (int at = 1; at <= 6; at++) {
		for (int mode = 0; mode < 3; mode++) {
			rec_t r;
			rec_init(&r, at);
			mp_status_t st;
			if (mode == 0)
				st = run("bnd", body, len, 1, CHUNK_FIXED, (uint32_t)len, &r);
			else if (mode == 1)
				st = run("bnd", body, len, 1, CHUNK_FIXED, 1, &r);
			else
				st = run("bnd", body, len, 1, CHUNK_RANDOM, (uint32_t)at, &r);
			if (mode == 0)
				CHECK(r.calls == at);
			CHECK(st == MP_ABORTED && r.failed && r.calls_after == 0);
			buf_free(&r.log);
		}
	}
	/* Failing at part_begin means no data for that part. */
	{
		rec_t r;
		rec_init(&r, 4);
		CHECK(run("bnd", body, len, 1, CHUNK_FIXED, (uint32_t)len, &r) == MP_ABORTED);
		CHECK_SV(buf_sv(&r.log), "<a>value a</><f file=f.txt>");
		buf_free(&r.log);
	}
	/* And with no failure, the same body parses. */
	EXPECT("bnd",
	    "--bnd\r\n" CD("a") "\r\nvalue a\r\n"
	    "--bnd\r\n" CDF("f", "f.txt") "\r\nfile\r\ndata\r\n"
	    "--bnd--\r\n",
	    1, MP_OK, "<a>value a</><f file=f.txt>file\r\ndata</>");
}

/* An error is sticky: a well-formed rest of the body changes nothing. */
static void
test_sticky(void)
{
	mp_parser_t mp;
	rec_t r;
	const char *good = "--bnd\r\n" CD("a") "\r\nv\r\n--bnd--";

	rec_init(&r, 0);
	mp_init(&mp, SV("bnd"), 1, &rec_sink, &r);
	CHECK(mp_feed(&mp, "--bnd\r\n\r\n", 9) == MP_BAD);
	CHECK(mp_feed(&mp, good, strlen(good)) == MP_BAD);
	CHECK(mp_finish(&mp) == MP_BAD);
	CHECK(r.calls == 0);
	buf_free(&r.log);

	rec_init(&r, 0);
	mp_init(&mp, SV("bnd"), 1, &rec_sink, &r);
	CHECK(mp_finish(&mp) == MP_INCOMPLETE);
	CHECK(mp_feed(&mp, good, strlen(good)) == MP_INCOMPLETE);
	CHECK(mp_finish(&mp) == MP_INCOMPLETE);
	CHECK(r.calls == 0);
	buf_free(&r.log);
}

/* length_if_last: each part's guess, fed whole and byte by byte. */
typedef struct {
	uint64_t guess[4];
	size_t n;
} guess_t;

static int
guess_begin(void *ctx, const mp_part_t *part)
{
	guess_t *g = ctx;
	if (g->n < 4)
		g->guess[g->n++] = part->length_if_last;
	return 0;
}

static int
guess_data(void *ctx, const char *p, size_t n)
{
	(void)ctx, (void)p, (void)n;
	return 0;
}

static int
guess_end(void *ctx)
{
	(void)ctx;
	return 0;
}

static void
test_length_if_last(void)
{
	static const mp_sink_t sink = { guess_begin, guess_data, guess_end };
	/* a text field, then a 10-byte file: the file's guess is right, the field's is not */
	const char *body = "--XyZ\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nru\r\n"
	                   "--XyZ\r\nContent-Disposition: form-data; name=\"video\"; filename=\"a.mp4\"\r\n"
	                   "Content-Type: video/mp4\r\n\r\n0123456789\r\n--XyZ--\r\n";
	size_t len = strlen(body);
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		mp_parser_t mp;
		guess_t g = { { 0 }, 0 };
		mp_init(&mp, SV("XyZ"), 4, &sink, &g);
		mp_set_length(&mp, len);
		if (bytewise)
			for (size_t i = 0; i < len; i++)
				CHECK(mp_feed(&mp, body + i, 1) == MP_OK);
		else
			CHECK(mp_feed(&mp, body, len) == MP_OK);
		CHECK(mp_finish(&mp) == MP_OK);
		CHECK(g.n == 2 && g.guess[1] == 10);
		CHECK(g.guess[0] != 2);
	}
	/* no length given: no guess */
	mp_parser_t mp;
	guess_t g = { { 0 }, 0 };
	mp_init(&mp, SV("XyZ"), 4, &sink, &g);
	CHECK(mp_feed(&mp, body, len) == MP_OK && g.n == 2 && g.guess[0] == 0 && g.guess[1] == 0);
	/* a length too short for the part: no guess, never a wrapped-around one */
	mp_init(&mp, SV("XyZ"), 4, &sink, &g);
	g.n = 0;
	mp_set_length(&mp, 20);
	CHECK(mp_feed(&mp, body, len) == MP_OK && g.n == 2 && g.guess[0] == 0 && g.guess[1] == 0);
}

int
main(void)
{
	test_length_if_last();
	test_content_type();
	test_basic();
	test_data();
	test_headers();
	test_incomplete();
	test_limits();
	test_streaming();
	test_abort();
	test_sticky();
	return check_done("multipart");
}
