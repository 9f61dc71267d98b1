/* test_media_scan: the MP4 and JPEG scanners on hand-built files (the box tree our
 * ffmpeg writes, then each thing that must be refused: a marker, a box, a handler, a
 * date, a matrix, a lying size, a cut) and on a real copy from the worker; every file is
 * also fed split at every byte, and must get the same answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "media/scan.h"

/* ---- an MP4 builder ------------------------------------------------------------------- */

typedef struct {
	uint8_t b[16384];
	size_t n;
	size_t open[16];
	int depth;
} mk_t;

static void
put(mk_t *m, const void *p, size_t n)
{
	if (m->n + n > sizeof(m->b))
		abort();
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
put32(mk_t *m, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	put(m, b, 4);
}

static void
zeros(mk_t *m, size_t n)
{
	static const uint8_t z[128];
	while (n) {
		size_t k = n < sizeof(z) ? n : sizeof(z);
		put(m, z, k);
		n -= k;
	}
}

static void
box(mk_t *m, const char *type)
{
	m->open[m->depth++] = m->n;
	put32(m, 0);
	put(m, type, 4);
}

static void
end(mk_t *m)
{
	size_t at = m->open[--m->depth];
	uint32_t size = (uint32_t)(m->n - at);
	m->b[at] = (uint8_t)(size >> 24);
	m->b[at + 1] = (uint8_t)(size >> 16);
	m->b[at + 2] = (uint8_t)(size >> 8);
	m->b[at + 3] = (uint8_t)size;
}

static void
matrix(mk_t *m, bool rotated)
{
	uint32_t id[9] = { 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000 };
	if (rotated) {   /* 90 degrees, as a phone writes it */
		id[0] = 0;
		id[1] = 0x00010000;
		id[3] = 0xFFFF0000;
		id[4] = 0;
	}
	for (int i = 0; i < 9; i++)
		put32(m, id[i]);
}

/* What to spoil in the file; NULL: nothing. */
typedef struct {
	const char *bad;
} spoil_t;

static bool
is(const char *bad, const char *what)
{
	return bad && strcmp(bad, what) == 0;
}

static void
hdlr(mk_t *m, const char *type, const char *name)
{
	box(m, "hdlr");
	zeros(m, 8);
	put(m, type, 4);
	zeros(m, 12);
	put(m, name, strlen(name) + 1);
	end(m);
}

static void
track(mk_t *m, const char *bad, bool video)
{
	box(m, "trak");
	box(m, "tkhd");
	put32(m, 3);
	put32(m, is(bad, "tkhd-date") && video ? 0xE0000000u : 0);   /* creation */
	put32(m, 0);
	put32(m, video ? 1 : 2);
	zeros(m, 4 + 4 + 8 + 8);
	matrix(m, is(bad, "rotation") && video);
	put32(m, video ? 320u << 16 : 0);
	put32(m, video ? 240u << 16 : 0);
	end(m);
	box(m, "edts");
	box(m, "elst");
	put32(m, 0);
	put32(m, 1);
	zeros(m, 12);
	end(m);
	end(m);
	if (is(bad, "tref") && video) {
		box(m, "tref");
		put32(m, 12);
		put(m, "tmcd", 4);
		put32(m, 4);
		end(m);
	}
	box(m, "mdia");
	box(m, "mdhd");
	put32(m, 0);
	put32(m, 0);
	put32(m, is(bad, "mdhd-date") && video ? 1 : 0);   /* modification */
	put32(m, 15360);
	put32(m, 15360);
	zeros(m, 4);
	end(m);
	hdlr(m, is(bad, "gpmd") && !video ? "meta" : video ? "vide" : "soun",
		is(bad, "hdlr-name") && video ? "Core Media iPhone" : video ? "VideoHandler" : "SoundHandler");
	if (is(bad, "two-hdlr") && video)
		hdlr(m, "vide", "VideoHandler");
	box(m, "minf");
	box(m, video ? "vmhd" : "smhd");
	zeros(m, video ? 12 : 8);
	end(m);
	box(m, "dinf");
	box(m, "dref");
	put32(m, 0);
	put32(m, 1);
	put32(m, 12);
	put(m, "url ", 4);
	put32(m, 1);
	end(m);
	end(m);
	box(m, "stbl");
	box(m, "stsd");
	put32(m, 0);
	put32(m, 1);
	if (video) {
		box(m, "avc1");
		zeros(m, 6);
		put32(m, is(bad, "dataref") ? 2u << 16 : 1u << 16);   /* data reference index, then zeros */
		zeros(m, 78 - 10);
		box(m, "avcC");
		put(m, "\x01\x64\x00\x0c\xff\xe1\x00\x04\x67\x64\x00\x0c", 12);
		end(m);
		box(m, "pasp");
		put32(m, 1);
		put32(m, 1);
		end(m);
		if (is(bad, "uuid-in-avc1")) {
			box(m, "uuid");
			zeros(m, 16);
			end(m);
		}
		end(m);
	} else {
		box(m, "mp4a");
		zeros(m, 6);
		put(m, "\x00\x01", 2);
		put(m, is(bad, "mp4a-v1") ? "\x00\x01" : "\x00\x00", 2);
		zeros(m, 28 - 10);
		box(m, "esds");
		zeros(m, 20);
		end(m);
		end(m);
	}
	end(m);
	const char *tables[] = { "stts", "stsc", "stsz", "stco" };
	for (int i = 0; i < 4; i++) {
		box(m, tables[i]);
		zeros(m, 12);
		end(m);
	}
	end(m);   /* stbl */
	end(m);   /* minf */
	end(m);   /* mdia */
	end(m);   /* trak */
}

/* The file our ffmpeg writes, in miniature; `bad` spoils one thing. */
static void
build_mp4(mk_t *m, const char *bad)
{
	memset(m, 0, sizeof(*m));
	box(m, "ftyp");
	put(m, "isom\x00\x00\x02\x00isomiso2avc1mp41", 20);
	end(m);
	if (is(bad, "mdat-first")) {
		box(m, "mdat");
		zeros(m, 8);
		end(m);
	}
	box(m, "moov");
	box(m, "mvhd");
	put32(m, 0);
	put32(m, is(bad, "mvhd-date") ? 0xE1234567u : 0);
	zeros(m, 4);
	put32(m, 1000);
	put32(m, 2000);
	put32(m, 0x00010000);
	put(m, "\x01\x00", 2);
	zeros(m, 10);
	matrix(m, is(bad, "mvhd-matrix"));
	zeros(m, 24 + 4);
	end(m);
	track(m, bad, true);
	if (!is(bad, "no-audio"))
		track(m, bad, false);
	if (is(bad, "video-twice"))
		track(m, bad, true);
	box(m, "udta");
	box(m, "meta");
	put32(m, 0);
	hdlr(m, is(bad, "meta-hdlr") ? "ID32" : "mdir", "");
	box(m, "ilst");
	if (is(bad, "ilst-item")) {
		box(m, "\xa9too");
		zeros(m, 8);
		end(m);
	}
	end(m);
	end(m);   /* meta */
	if (is(bad, "xyz")) {
		box(m, "\xa9xyz");
		put(m, "\x00\x12\x15\xc7", 4);
		end(m);
	}
	if (is(bad, "loci")) {
		box(m, "loci");
		zeros(m, 16);
		end(m);
	}
	if (is(bad, "xmp")) {
		box(m, "XMP_");
		zeros(m, 16);
		end(m);
	}
	end(m);   /* udta */
	if (is(bad, "moov-meta")) {
		box(m, "meta");
		put32(m, 0);
		end(m);
	}
	end(m);   /* moov */
	if (is(bad, "uuid")) {
		box(m, "uuid");
		put(m, "\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac", 16);
		end(m);
	}
	if (is(bad, "jumb")) {
		box(m, "jumb");
		zeros(m, 8);
		end(m);
	}
	box(m, "free");
	if (is(bad, "marker-xmp"))
		put(m, "<x:xmpmeta xmlns:x='adobe:ns:meta/'>", 36);
	else if (is(bad, "marker-iso"))
		put(m, "\x00\x00+52.2297+021.0122/\x00", 21);
	else if (is(bad, "marker-apple"))
		put(m, "com.apple.quicktime.make", 24);
	else if (is(bad, "marker-android"))
		put(m, "\x01\x02" "ANDROID 14\x00", 14);
	else if (is(bad, "marker-ctime"))
		put(m, "creation_time", 13);
	end(m);
	box(m, "mdat");
	/* media payload is not scanned: these bytes are frames, not metadata */
	put(m, "iPhone +52.2297+021.0122/ <x:xmpmeta", 36);
	zeros(m, 64);
	end(m);
	if (is(bad, "trailing-box")) {
		box(m, "free");
		end(m);
	}
}

/* -1 or 0, whole; and the same answer split at every byte, and byte by byte */
static int
scan_mp4_stride(const uint8_t *p, size_t n, char *reason, size_t rlen, size_t stride)
{
	scan_mp4_t s;
	scan_mp4_init(&s);
	int whole = scan_mp4_feed(&s, p, n) == 0 && scan_mp4_end(&s) == 0 ? 0 : -1;
	if (reason)
		snprintf_cut(reason, rlen, "%s", scan_mp4_reason(&s));
	for (size_t k = 0; k <= n; k += stride) {
		scan_mp4_init(&s);
		int a = scan_mp4_feed(&s, p, k) == 0 && scan_mp4_feed(&s, p + k, n - k) == 0 && scan_mp4_end(&s) == 0 ? 0 : -1;
		if (a != whole) {
			fprintf(stderr, "scan_mp4: split at %zu answers %d, whole %d\n", k, a, whole);
			return -2;
		}
	}
	scan_mp4_init(&s);
	int ok = 0;
	for (size_t i = 0; i < n && ok == 0; i++)
		ok = scan_mp4_feed(&s, p + i, 1);
	int bytes = ok == 0 && scan_mp4_end(&s) == 0 ? 0 : -1;
	return bytes == whole ? whole : -2;
}

/* every split for the files that pass; every 7th for those refused (the test's time) */
static int
scan_mp4(const uint8_t *p, size_t n, char *reason, size_t rlen)
{
	char r[SCAN_REASON_BYTES];
	int rc = scan_mp4_stride(p, n, r, sizeof(r), 7);
	if (rc == 0)
		rc = scan_mp4_stride(p, n, r, sizeof(r), 1);
	if (reason)
		snprintf_cut(reason, rlen, "%s", r);
	return rc;
}

static void
expect_bad(const char *bad, const char *reason_part)
{
	mk_t m;
	char reason[SCAN_REASON_BYTES];
	build_mp4(&m, bad);
	int rc = scan_mp4(m.b, m.n, reason, sizeof(reason));
	CHECK(rc == -1);
	CHECK(strstr(reason, reason_part) != NULL);
	if (rc != -1 || !strstr(reason, reason_part))
		fprintf(stderr, "  %s: rc %d, reason \"%s\"\n", bad, rc, reason);
}

static void
test_mp4_handmade(void)
{
	mk_t m;
	char reason[SCAN_REASON_BYTES];
	build_mp4(&m, NULL);
	CHECK(scan_mp4(m.b, m.n, reason, sizeof(reason)) == 0);
	if (reason[0])
		fprintf(stderr, "  good file: %s\n", reason);

	expect_bad("mvhd-date", "creation or modification time");
	expect_bad("tkhd-date", "creation or modification time");
	expect_bad("mdhd-date", "creation or modification time");
	expect_bad("rotation", "matrix");
	expect_bad("mvhd-matrix", "matrix");
	expect_bad("gpmd", "track handler not allowed: meta");
	expect_bad("two-hdlr", "exactly one handler");
	expect_bad("hdlr-name", "metadata marker: iPhone");
	expect_bad("tref", "box not allowed: tref");
	expect_bad("dataref", "another file");
	expect_bad("mp4a-v1", "version");
	expect_bad("uuid-in-avc1", "box not allowed: uuid");
	expect_bad("no-audio", "one video and one audio");
	expect_bad("video-twice", "one video and one audio");
	expect_bad("meta-hdlr", "metadata handler not allowed: ID32");
	expect_bad("ilst-item", "metadata items present");
	expect_bad("xyz", "xyz");
	expect_bad("loci", "box not allowed: loci");
	expect_bad("xmp", "box not allowed: XMP_");
	expect_bad("moov-meta", "box not allowed: meta");
	expect_bad("uuid", "box not allowed: uuid");
	expect_bad("jumb", "box not allowed: jumb");
	expect_bad("mdat-first", "before the index");
	expect_bad("marker-xmp", "metadata marker");
	expect_bad("marker-iso", "ISO 6709");
	expect_bad("marker-apple", "com.apple.quicktime");
	expect_bad("marker-android", "Android");
	expect_bad("marker-ctime", "creation_time");
	expect_bad("trailing-box", "after the media data");
}

static void
test_mp4_sizes(void)
{
	mk_t m;
	char reason[SCAN_REASON_BYTES];
	build_mp4(&m, NULL);

	/* cut anywhere: never accepted */
	int accepted = 0;
	for (size_t k = 0; k < m.n; k++) {
		scan_mp4_t s;
		scan_mp4_init(&s);
		if (scan_mp4_feed(&s, m.b, k) == 0 && scan_mp4_end(&s) == 0)
			accepted++;
	}
	CHECK(accepted == 0);
	/* one byte more after the end: a box header that never completes */
	uint8_t more[sizeof(m.b) + 1];
	memcpy(more, m.b, m.n);
	more[m.n] = 0;
	CHECK(scan_mp4(more, m.n + 1, reason, sizeof(reason)) == -1);
	CHECK(strcmp(reason, "truncated") == 0);

	/* moov's size lies: larger than the file, smaller than its header, zero */
	size_t moov = 32;   /* ftyp is 28 bytes: moov starts at 28 */
	CHECK(memcmp(m.b + 28 + 4, "moov", 4) == 0);
	(void)moov;
	mk_t l = m;
	l.b[28] = 0x7f;
	CHECK(scan_mp4(l.b, l.n, reason, sizeof(reason)) == -1);
	l = m;
	memset(l.b + 28, 0, 4);
	l.b[31] = 4;
	CHECK(scan_mp4(l.b, l.n, reason, sizeof(reason)) == -1);
	CHECK(strstr(reason, "size lies") != NULL);
	l = m;
	memset(l.b + 28, 0, 4);
	CHECK(scan_mp4(l.b, l.n, reason, sizeof(reason)) == -1);
	CHECK(strstr(reason, "without a size") != NULL);
	/* mvhd (at 36) claims more than moov holds */
	l = m;
	CHECK(memcmp(l.b + 36 + 4, "mvhd", 4) == 0);
	l.b[37] = 0x10;
	CHECK(scan_mp4(l.b, l.n, reason, sizeof(reason)) == -1);
	CHECK(strstr(reason, "overruns its parent") != NULL);

	/* a 64-bit size (size 1 + largesize) on the top-level free box is read right */
	mk_t w;
	memset(&w, 0, sizeof(w));
	size_t free_at = 0;
	for (size_t i = 28; i + 8 <= m.n; i++)
		if (memcmp(m.b + i + 4, "free", 4) == 0 && m.b[i] == 0 && m.b[i + 1] == 0) {
			free_at = i;
			break;
		}
	CHECK(free_at > 0);
	put(&w, m.b, free_at);
	put32(&w, 1);
	put(&w, "free", 4);
	put32(&w, 0);
	put32(&w, 16);
	put(&w, m.b + free_at + 8, m.n - free_at - 8);
	CHECK(scan_mp4(w.b, w.n, reason, sizeof(reason)) == 0);
	/* ... and a 64-bit size that lies */
	w.b[free_at + 15] = 15;
	CHECK(scan_mp4(w.b, w.n, reason, sizeof(reason)) == -1);

	/* nesting too deep */
	mk_t d;
	memset(&d, 0, sizeof(d));
	box(&d, "ftyp");
	zeros(&d, 8);
	end(&d);
	box(&d, "moov");
	for (int i = 0; i < 12; i++)
		box(&d, "trak");
	for (int i = 0; i < 13; i++)
		end(&d);
	CHECK(scan_mp4(d.b, d.n, reason, sizeof(reason)) == -1);

	/* not an MP4 at all */
	static const char html[] = "<!doctype html><html><body>hi</body></html>";
	CHECK(scan_mp4((const uint8_t *)html, sizeof(html) - 1, reason, sizeof(reason)) == -1);
	CHECK(scan_mp4((const uint8_t *)"", 0, reason, sizeof(reason)) == -1);
}

static uint8_t *
read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *p = malloc(1 << 20);
	*n = p ? fread(p, 1, 1 << 20, f) : 0;
	fclose(f);
	return p;
}

/* A real copy from the worker (64x48, 1 s, made by ffargs_clean's argv). */
static void
test_mp4_real(void)
{
	size_t n;
	uint8_t *p = read_file("fuzz/corpus/mp4scan/ffmpeg-clean.mp4", &n);
	CHECK(p != NULL && n > 1000);
	if (!p)
		return;
	char reason[SCAN_REASON_BYTES];
	scan_mp4_t s;
	scan_mp4_init(&s);
	CHECK(scan_mp4_feed(&s, p, n) == 0 && scan_mp4_end(&s) == 0);
	/* in every chunk size up to 100 */
	for (size_t c = 1; c <= 100; c++) {
		scan_mp4_init(&s);
		int rc = 0;
		for (size_t i = 0; i < n && rc == 0; i += c)
			rc = scan_mp4_feed(&s, p + i, n - i < c ? n - i : c);
		CHECK(rc == 0 && scan_mp4_end(&s) == 0);
	}
	/* a location written into its udta's free space would be found */
	uint8_t *q = malloc(n);
	memcpy(q, p, n);
	uint8_t *hd = memmem(q, n, "VideoHandler", 12);
	CHECK(hd != NULL);
	if (hd) {
		memcpy(hd, "+52.22+021.0", 12);
		CHECK(scan_mp4(q, n, reason, sizeof(reason)) == -1);
		CHECK(strstr(reason, "ISO 6709") != NULL);
	}
	free(q);
	free(p);
}

/* ---- JPEG ----------------------------------------------------------------------------- */

static void
seg(mk_t *m, uint8_t marker, const void *body, size_t n)
{
	uint8_t h[4] = { 0xFF, marker, (uint8_t)((n + 2) >> 8), (uint8_t)(n + 2) };
	put(m, h, 4);
	put(m, body, n);
}

static void
build_jpeg(mk_t *m, const char *bad)
{
	memset(m, 0, sizeof(*m));
	put(m, "\xFF\xD8", 2);
	if (is(bad, "jfxx"))
		seg(m, 0xE0, "JFXX\0\x10\x00\x00\x00\x00\x00\x00\x00\x00", 14);
	else if (is(bad, "jfif-thumb"))
		seg(m, 0xE0, "JFIF\0\x01\x02\x00\x00\x01\x00\x01\x01\x01", 14);
	else
		seg(m, 0xE0, "JFIF\0\x01\x02\x00\x00\x01\x00\x01\x00\x00", 14);
	if (is(bad, "exif"))
		seg(m, 0xE1, "Exif\0\0MM\0*", 10);
	if (is(bad, "xmp"))
		seg(m, 0xE1, "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>", 40);
	if (is(bad, "icc"))
		seg(m, 0xE2, "ICC_PROFILE\0\x01\x01", 14);
	if (is(bad, "iptc"))
		seg(m, 0xED, "Photoshop 3.0\0", 14);
	if (is(bad, "app15"))
		seg(m, 0xEF, "x", 1);
	if (is(bad, "com"))
		seg(m, 0xFE, "Lavc59", 6);
	uint8_t dqt[65] = { 0 };
	seg(m, 0xDB, dqt, sizeof(dqt));
	if (is(bad, "marker-in-dqt"))
		seg(m, 0xDB, "\x00GPSLatitude", 12);
	seg(m, 0xC0, "\x08\x00\x30\x00\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 15);
	if (is(bad, "sof-twice"))
		seg(m, 0xC0, "\x08\x00\x30\x00\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 15);
	seg(m, 0xC4, "\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 18);
	if (is(bad, "short-len"))
		put(m, "\xFF\xDB\x00\x01", 4);
	seg(m, 0xDA, "\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00", 10);
	/* entropy data: stuffed FF00, a restart marker, fill bytes */
	put(m, "\x12\x34\xFF\x00\x56\xFF\xD0\x78\x9a", 9);
	if (is(bad, "thumbnail"))
		put(m, "\xFF\xD8\xFF\xE0", 4);
	if (is(bad, "rst-outside")) {
		put(m, "\xFF\xD9", 2);
		return;
	}
	put(m, "\xFF\xFF\xD9", 3);
	if (is(bad, "after-eoi"))
		put(m, "Exif", 4);
}

static int
scan_jpeg(const uint8_t *p, size_t n, char *reason, size_t rlen)
{
	scan_jpeg_t s;
	scan_jpeg_init(&s);
	int whole = scan_jpeg_feed(&s, p, n) == 0 && scan_jpeg_end(&s) == 0 ? 0 : -1;
	snprintf_cut(reason, rlen, "%s", scan_jpeg_reason(&s));
	for (size_t k = 0; k <= n; k++) {
		scan_jpeg_init(&s);
		int a = scan_jpeg_feed(&s, p, k) == 0 && scan_jpeg_feed(&s, p + k, n - k) == 0 && scan_jpeg_end(&s) == 0 ? 0 : -1;
		if (a != whole)
			return -2;
	}
	return whole;
}

static void
jpeg_bad(const char *bad, const char *reason_part)
{
	mk_t m;
	char reason[SCAN_REASON_BYTES];
	build_jpeg(&m, bad);
	int rc = scan_jpeg(m.b, m.n, reason, sizeof(reason));
	CHECK(rc == -1 && strstr(reason, reason_part) != NULL);
	if (rc != -1 || !strstr(reason, reason_part))
		fprintf(stderr, "  jpeg %s: rc %d, reason \"%s\"\n", bad, rc, reason);
}

static void
test_jpeg(void)
{
	mk_t m;
	char reason[SCAN_REASON_BYTES];
	build_jpeg(&m, NULL);
	CHECK(scan_jpeg(m.b, m.n, reason, sizeof(reason)) == 0);
	jpeg_bad("exif", "APP1");
	jpeg_bad("xmp", "APP1");
	jpeg_bad("icc", "APP2");
	jpeg_bad("iptc", "APP13");
	jpeg_bad("app15", "APPn");
	jpeg_bad("com", "comment");
	jpeg_bad("jfxx", "not plain JFIF");
	jpeg_bad("jfif-thumb", "not plain JFIF");
	jpeg_bad("thumbnail", "second image");
	jpeg_bad("sof-twice", "more than one frame");
	jpeg_bad("short-len", "length lies");
	jpeg_bad("after-eoi", "after the end");
	jpeg_bad("marker-in-dqt", "metadata marker");
	/* cut anywhere: never accepted */
	int accepted = 0;
	for (size_t k = 0; k + 1 < m.n; k++) {
		scan_jpeg_t s;
		scan_jpeg_init(&s);
		if (scan_jpeg_feed(&s, m.b, k) == 0 && scan_jpeg_end(&s) == 0)
			accepted++;
	}
	CHECK(accepted == 0);
	CHECK(scan_jpeg((const uint8_t *)"GIF89a", 6, reason, sizeof(reason)) == -1);

	size_t n;
	uint8_t *p = read_file("fuzz/corpus/jpegscan/ffmpeg-poster.jpg", &n);
	CHECK(p != NULL && n > 100);
	if (p) {
		CHECK(scan_jpeg(p, n, reason, sizeof(reason)) == 0);
		free(p);
	}
}

int
main(void)
{
	test_mp4_handmade();
	test_mp4_sizes();
	test_mp4_real();
	test_jpeg();
	return check_done("media_scan");
}
