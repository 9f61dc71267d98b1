/* Unit tests for qr: the SVG's fixed frame and attributes, determinism, and the path
 * decoded back into modules, compared one by one with libqrencode's own symbol. */
#include <qrencode.h>
#include <stdlib.h>

#include "check.h"
#include "core/limits.h"
#include "pages/qr.h"

#define SVG_HEAD "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
#define SVG_TAIL "\"/></svg>"
#define URI      "otpauth://totp/sava:alice%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" \
                 "&issuer=sava&algorithm=SHA1&digits=6&period=30"

/* Reads a decimal number at *p (before end), advancing past it. */
static int
read_uint(const char **p, const char *end, long *v)
{
	const char *s = *p;
	long n = 0;
	if (s >= end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9' && n < 100000)
		n = n * 10 + (*s++ - '0');
	*p = s;
	*v = n;
	return 0;
}

static int
expect(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/* Finds lit in [p, end), or NULL. */
static const char *
find(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, lit, n) == 0)
			return p;
	return NULL;
}

static size_t
count(const char *p, const char *end, const char *lit)
{
	size_t c = 0;
	while ((p = find(p, end, lit)) != NULL) {
		c++;
		p++;
	}
	return c;
}

/* Decodes svg into a grid of dark modules (symbol coordinates, quiet zone removed).
 * Returns the symbol width, or -1 if the SVG is not exactly what qr_svg promises:
 * frame, attributes, N = width + 8, segments "Mx yhwv1h-wz" inside the symbol, runs
 * maximal and non-overlapping. *grid is malloc'd (caller frees). */
static long
decode(sv_t svg, unsigned char **grid)
{
	const char *p = svg.p, *end = svg.p + svg.len;
	long n, n2, w, h;
	char want[512];

	*grid = NULL;
	if (expect(&p, end, SVG_HEAD) || read_uint(&p, end, &n) || expect(&p, end, " ") || read_uint(&p, end, &n2) ||
	    n != n2 || n < 21 + 2 * QR_SVG_QUIET || n > 177 + 2 * QR_SVG_QUIET)
		return -1;
	snprintf(want, sizeof(want),
	    "\" width=\"%ld\" height=\"%ld\" role=\"img\" aria-label=\"QR code\" shape-rendering=\"crispEdges\">"
	    "<rect width=\"%ld\" height=\"%ld\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	    n * QR_SVG_SCALE, n * QR_SVG_SCALE, n, n);
	if (expect(&p, end, want))
		return -1;
	long width = n - 2 * QR_SVG_QUIET;
	unsigned char *g = calloc((size_t)(width * width), 1);
	if (!g)
		return -1;
	long prev_y = -1, prev_end = -1;
	while (p < end && *p == 'M') {
		long x, y, w2;
		p++;
		if (read_uint(&p, end, &x) || expect(&p, end, " ") || read_uint(&p, end, &y) || expect(&p, end, "h") ||
		    read_uint(&p, end, &w) || expect(&p, end, "v") || read_uint(&p, end, &h) || h != 1 ||
		    expect(&p, end, "h-") || read_uint(&p, end, &w2) || w2 != w || expect(&p, end, "z"))
			goto bad;
		x -= QR_SVG_QUIET;
		y -= QR_SVG_QUIET;
		if (w < 1 || x < 0 || y < 0 || y >= width || x + w > width)
			goto bad;
		/* rows in order, runs left to right, never touching (else they were not merged) */
		if (y < prev_y || (y == prev_y && x <= prev_end))
			goto bad;
		for (long i = 0; i < w; i++)
			g[y * width + x + i] = 1;
		prev_y = y;
		prev_end = x + w;
	}
	if (expect(&p, end, SVG_TAIL) || p != end)
		goto bad;
	*grid = g;
	return width;
bad:
	free(g);
	return -1;
}

/* Renders text and compares every module with libqrencode's symbol for the same text. */
static int
matches_libqrencode(const char *text, size_t *dark_out)
{
	buf_t b;
	unsigned char *g = NULL;
	int ok = 0;

	buf_init(&b, LIMIT_PAGE_BYTES);
	if (qr_svg(text, &b) != 0)
		return 0;
	long width = decode(buf_sv(&b), &g);
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr && width == qr->width) {
		size_t dark = 0, same = 0, total = (size_t)(width * width);
		for (size_t i = 0; i < total; i++) {
			dark += qr->data[i] & 1;
			same += (qr->data[i] & 1) == g[i];
		}
		ok = same == total && dark > 0;
		if (dark_out)
			*dark_out = dark;
	}
	if (qr)
		QRcode_free(qr);
	free(g);
	buf_free(&b);
	return ok;
}

static void
test_frame(void)
{
	buf_t b;
	buf_init(&b, LIMIT_PAGE_BYTES);
	CHECK(qr_svg(URI, &b) == 0);
	sv_t s = buf_sv(&b);
	const char *end = s.p + s.len;
	CHECK(sv_starts_with(s, SV(SVG_HEAD)));
	CHECK(s.len > strlen(SVG_TAIL) && memcmp(end - strlen(SVG_TAIL), SVG_TAIL, strlen(SVG_TAIL)) == 0);
	CHECK(b.data && s.len == strlen(b.data));   /* no NUL inside, NUL-terminated */
	/* One svg, one rect, one path, nothing else that could fetch, run or style. */
	CHECK(count(s.p, end, "<") == 4);
	CHECK(count(s.p, end, "<svg ") == 1 && count(s.p, end, "</svg>") == 1);
	CHECK(count(s.p, end, "<rect ") == 1 && count(s.p, end, "<path ") == 1);
	CHECK(count(s.p, end, "style") == 0 && count(s.p, end, "script") == 0 && count(s.p, end, "href") == 0 &&
	      count(s.p, end, "url(") == 0 && count(s.p, end, "&") == 0 && count(s.p, end, "\n") == 0);
	CHECK(count(s.p, end, " role=\"img\" aria-label=\"QR code\"") == 1);
	CHECK(count(s.p, end, "fill=\"#fff\"") == 1 && count(s.p, end, "fill=\"#000\"") == 1);
	/* The text itself (a secret, here) never appears in the markup. */
	CHECK(count(s.p, end, "GEZDGNBVGY3TQOJQ") == 0);
	/* A 123-byte URI at level M needs version 7: 45 modules, 53 with the quiet zone. */
	CHECK(count(s.p, end, "viewBox=\"0 0 53 53\" width=\"265\" height=\"265\"") == 1);
	unsigned char *g;
	CHECK(decode(s, &g) == 45);
	free(g);
	buf_free(&b);

	/* It appends: what was in out stays in front. */
	buf_init(&b, LIMIT_PAGE_BYTES);
	CHECK(buf_append_cstr(&b, "<p>") == 0);
	CHECK(qr_svg("x", &b) == 0);
	CHECK(sv_starts_with(buf_sv(&b), SV("<p>" SVG_HEAD)));
	buf_free(&b);
}

static void
test_modules(void)
{
	size_t dark = 0;
	CHECK(matches_libqrencode(URI, &dark));
	CHECK(dark > 45 * 45 / 4 && dark < 45 * 45 * 3 / 4);
	CHECK(matches_libqrencode("a", NULL));                 /* version 1 */
	CHECK(matches_libqrencode("Hello, World! 123", NULL));
	CHECK(matches_libqrencode("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", NULL));   /* UTF-8 */
	char big[QR_SVG_TEXT_MAX + 2];
	memset(big, 'Z', QR_SVG_TEXT_MAX);
	big[QR_SVG_TEXT_MAX] = '\0';
	CHECK(matches_libqrencode(big, &dark));                /* 2000 bytes: version 38 or so */
	CHECK(dark > 1000);
}

static void
test_deterministic(void)
{
	buf_t a, b, c, d;
	buf_init(&a, LIMIT_PAGE_BYTES);
	buf_init(&b, LIMIT_PAGE_BYTES);
	buf_init(&c, LIMIT_PAGE_BYTES);
	buf_init(&d, LIMIT_PAGE_BYTES);
	CHECK(qr_svg(URI, &a) == 0);
	CHECK(qr_svg(URI, &b) == 0);
	CHECK(sv_eq(buf_sv(&a), buf_sv(&b)));
	/* One character apart (and only case apart: case-sensitive) gives another symbol. */
	CHECK(qr_svg("otpauth://totp/sava:alice%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR"
	             "&issuer=sava&algorithm=SHA1&digits=6&period=30", &c) == 0);
	CHECK(!sv_eq(buf_sv(&a), buf_sv(&c)));
	CHECK(qr_svg("otpauth://totp/sava:alice%40example.org?secret=gezdgnbvgy3tqojqgezdgnbvgy3tqojq"
	             "&issuer=sava&algorithm=SHA1&digits=6&period=30", &d) == 0);
	CHECK(!sv_eq(buf_sv(&a), buf_sv(&d)));
	CHECK(!sv_eq(buf_sv(&c), buf_sv(&d)));
	buf_free(&a);
	buf_free(&b);
	buf_free(&c);
	buf_free(&d);
}

static void
test_limits(void)
{
	char big[QR_SVG_TEXT_MAX + 2];
	buf_t b;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';                  /* 2001 bytes */
	buf_init(&b, LIMIT_PAGE_BYTES);
	CHECK(buf_append_cstr(&b, "kept?") == 0);
	CHECK(qr_svg(big, &b) == -1);
	CHECK(b.data == NULL && b.len == 0);           /* freed, like any failed append */
	big[QR_SVG_TEXT_MAX] = '\0';                   /* 2000 bytes */
	buf_init(&b, LIMIT_PAGE_BYTES);
	CHECK(qr_svg(big, &b) == 0);
	size_t need = b.len;
	buf_free(&b);

	/* The maximum is respected to the byte. */
	buf_init(&b, need);
	CHECK(qr_svg(big, &b) == 0 && b.len == need);
	buf_free(&b);
	buf_init(&b, need - 1);
	CHECK(qr_svg(big, &b) == -1 && b.data == NULL);
	buf_init(&b, 100);                             /* smaller than the frame alone */
	CHECK(qr_svg("x", &b) == -1 && b.data == NULL);
	buf_init(&b, 400);                             /* frame fits, path does not */
	CHECK(qr_svg("x", &b) == -1 && b.data == NULL);

	buf_init(&b, LIMIT_PAGE_BYTES);
	CHECK(qr_svg("", &b) == -1);
	buf_init(&b, LIMIT_PAGE_BYTES);
	CHECK(qr_svg(NULL, &b) == -1);
}

int
main(void)
{
	test_frame();
	test_modules();
	test_deterministic();
	test_limits();
	return check_done("qr");
}
