/* scan: streaming checks of the worker's outputs before anything is published. The MP4
 * box tree must be exactly what our ffmpeg writes (allow-list per parent box, vide/soun
 * handlers only, zero dates, identity matrices) and no byte outside mdat's payload may
 * carry a metadata marker (the JPEG's check: scan_jpeg.c). Pure: no I/O, no allocation; fed in chunks of any size. */
#include <string.h>

#include "media/scan.h"
#include "media/scan_private.h"

#define FOURCC(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* ---- markers ------------------------------------------------------------------------ */

typedef struct {
	const char *sk_text;
	size_t sk_len;
	bool sk_nocase;
} scan_marker_t;

/* Text that metadata leaves behind: QuickTime keys, XMP, GPS, device makers' names. Four
 * bytes or more, so that random table bytes almost never match (a false match refuses,
 * which is the safe side). */
#define M(text, nocase) { text, sizeof(text) - 1, nocase }
static const scan_marker_t scan_markers[] = {
	M("com.apple.quicktime", false), M("ISO6709", false), M("<x:xmpmeta", false),
	M("<?xpacket", false), M("xmlns:", false), M("creation_time", false), M("Make", false),
	M("Model", false), M("location", true), M("\xa9xyz", false), M("GPSLat", false),
	M("GPSLon", false), M("GPSCoord", false), M("Exif", true), M("iPhone", true), M("iPad", true),
	M("Android", true), M("samsung", true), M("Pixel", true), M("GoPro", true), M("Huawei", true),
	M("Xiaomi", true), M("OnePlus", true), M("Motorola", true), M("Nokia", true),
};
#undef M

static uint8_t
scan_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool
scan_sign(uint8_t c)
{
	return c == '+' || c == '-';
}

static bool
scan_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

void
scan_fail(bool *failed, char *reason, const char *why, uint32_t fourcc)
{
	if (*failed)
		return;
	*failed = true;
	if (fourcc) {
		char t[5];
		for (int i = 0; i < 4; i++) {
			uint8_t c = (uint8_t)(fourcc >> (24 - 8 * i));
			t[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
		t[4] = '\0';
		snprintf_cut(reason, SCAN_REASON_BYTES, "%s: %s", why, t);
	} else {
		snprintf_cut(reason, SCAN_REASON_BYTES, "%s", why);
	}
}

/* An ISO 6709 point, "+52.2297+021.0122": sign, 2-6 digits, '.', digits, sign, 3-7
 * digits, '.', a digit. Returns true when one completes at c. */
static bool
scan_iso6709(scan_marks_t *m, uint8_t c)
{
	switch (m->sm_iso) {
	case 1:   /* latitude, whole part */
		if (scan_digit(c) && m->sm_iso_digits < 6) {
			m->sm_iso_digits++;
			return false;
		}
		if (c == '.' && m->sm_iso_digits >= 2) {
			m->sm_iso = 2;
			m->sm_iso_digits = 0;
			return false;
		}
		break;
	case 2:   /* latitude, fraction */
		if (scan_digit(c)) {
			m->sm_iso_digits++;
			return false;
		}
		if (scan_sign(c) && m->sm_iso_digits >= 1) {
			m->sm_iso = 3;
			m->sm_iso_digits = 0;
			return false;
		}
		break;
	case 3:   /* longitude, whole part */
		if (scan_digit(c) && m->sm_iso_digits < 7) {
			m->sm_iso_digits++;
			return false;
		}
		if (c == '.' && m->sm_iso_digits >= 3) {
			m->sm_iso = 4;
			return false;
		}
		break;
	case 4:
		if (scan_digit(c))
			return true;
		break;
	default:
		break;
	}
	m->sm_iso = scan_sign(c) ? 1 : 0;
	m->sm_iso_digits = 0;
	return false;
}

/* Feeds bytes to the markers; returns the marker found, or NULL. */
const char *
scan_marks_feed(scan_marks_t *m, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (m->sm_have < SCAN_WINDOW) {
			m->sm_win[m->sm_have++] = c;
		} else {
			memmove(m->sm_win, m->sm_win + 1, SCAN_WINDOW - 1);
			m->sm_win[SCAN_WINDOW - 1] = c;
		}
		if (scan_iso6709(m, c))
			return "ISO 6709 coordinates";
		for (size_t k = 0; k < sizeof(scan_markers) / sizeof(*scan_markers); k++) {
			const scan_marker_t *mk = &scan_markers[k];
			size_t len = mk->sk_len;
			uint8_t last = (uint8_t)mk->sk_text[len - 1];
			if (len > m->sm_have || (mk->sk_nocase ? scan_lower(c) != scan_lower(last) : c != last))
				continue;
			const uint8_t *w = m->sm_win + m->sm_have - len;
			bool same = true;
			for (size_t j = len; j-- > 0 && same;) {
				uint8_t a = w[j], b = (uint8_t)mk->sk_text[j];
				same = mk->sk_nocase ? scan_lower(a) == scan_lower(b) : a == b;
			}
			if (same)
				return mk->sk_text;
		}
	}
	return NULL;
}

static void
scan_marks_reset(scan_marks_t *m)
{
	memset(m, 0, sizeof(*m));
}

/* ---- MP4 ---------------------------------------------------------------------------- */

enum { MP4_HDR = 0, MP4_PREFIX, MP4_KEEP, MP4_LEAF, MP4_SKIP };
enum { K_NO = 0, K_CONTAINER, K_KEEP, K_LEAF, K_MDAT };

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* What a box of this type may be under this parent (0: the file's top level), as our
 * ffmpeg (5.1, -f mp4 +faststart +bitexact) writes it. *prefix: the bytes of a container
 * before its children. */
static int
scan_mp4_kind(uint32_t parent, uint32_t type, size_t *prefix)
{
	*prefix = 0;
	switch (parent) {
	case 0:
		if (type == FOURCC('f', 't', 'y', 'p') || type == FOURCC('f', 'r', 'e', 'e'))
			return K_LEAF;
		if (type == FOURCC('m', 'o', 'o', 'v'))
			return K_CONTAINER;
		if (type == FOURCC('m', 'd', 'a', 't'))
			return K_MDAT;
		return K_NO;
	case FOURCC('m', 'o', 'o', 'v'):
		if (type == FOURCC('m', 'v', 'h', 'd'))
			return K_KEEP;
		if (type == FOURCC('t', 'r', 'a', 'k') || type == FOURCC('u', 'd', 't', 'a'))
			return K_CONTAINER;
		return K_NO;
	case FOURCC('t', 'r', 'a', 'k'):
		if (type == FOURCC('t', 'k', 'h', 'd'))
			return K_KEEP;
		if (type == FOURCC('e', 'd', 't', 's') || type == FOURCC('m', 'd', 'i', 'a'))
			return K_CONTAINER;
		return K_NO;
	case FOURCC('e', 'd', 't', 's'):
		return type == FOURCC('e', 'l', 's', 't') ? K_LEAF : K_NO;
	case FOURCC('m', 'd', 'i', 'a'):
		if (type == FOURCC('m', 'd', 'h', 'd') || type == FOURCC('h', 'd', 'l', 'r'))
			return K_KEEP;
		return type == FOURCC('m', 'i', 'n', 'f') ? K_CONTAINER : K_NO;
	case FOURCC('m', 'i', 'n', 'f'):
		if (type == FOURCC('v', 'm', 'h', 'd') || type == FOURCC('s', 'm', 'h', 'd'))
			return K_LEAF;
		if (type == FOURCC('d', 'i', 'n', 'f') || type == FOURCC('s', 't', 'b', 'l'))
			return K_CONTAINER;
		return K_NO;
	case FOURCC('d', 'i', 'n', 'f'):
		return type == FOURCC('d', 'r', 'e', 'f') ? K_LEAF : K_NO;
	case FOURCC('s', 't', 'b', 'l'):
		if (type == FOURCC('s', 't', 's', 'd')) {
			*prefix = 8;   /* version, flags, entry count */
			return K_CONTAINER;
		}
		switch (type) {
		case FOURCC('s', 't', 't', 's'): case FOURCC('s', 't', 's', 's'): case FOURCC('c', 't', 't', 's'):
		case FOURCC('c', 's', 'l', 'g'): case FOURCC('s', 't', 's', 'c'): case FOURCC('s', 't', 's', 'z'):
		case FOURCC('s', 't', 'c', 'o'): case FOURCC('c', 'o', '6', '4'): case FOURCC('s', 'g', 'p', 'd'):
		case FOURCC('s', 'b', 'g', 'p'):
			return K_LEAF;
		default:
			return K_NO;
		}
	case FOURCC('s', 't', 's', 'd'):
		if (type == FOURCC('a', 'v', 'c', '1')) {
			*prefix = 78;   /* visual sample entry */
			return K_CONTAINER;
		}
		if (type == FOURCC('m', 'p', '4', 'a')) {
			*prefix = 28;   /* audio sample entry, version 0 */
			return K_CONTAINER;
		}
		return K_NO;
	case FOURCC('a', 'v', 'c', '1'):
		if (type == FOURCC('a', 'v', 'c', 'C') || type == FOURCC('p', 'a', 's', 'p') ||
			type == FOURCC('b', 't', 'r', 't') || type == FOURCC('c', 'o', 'l', 'r'))
			return K_LEAF;
		return K_NO;
	case FOURCC('m', 'p', '4', 'a'):
		return type == FOURCC('e', 's', 'd', 's') || type == FOURCC('b', 't', 'r', 't') ? K_LEAF : K_NO;
	case FOURCC('u', 'd', 't', 'a'):
		/* ffmpeg's mp4 muxer always writes udta/meta (hdlr "mdir", an empty ilst), even
		 * with no tags: that one form is allowed, nothing else. */
		if (type == FOURCC('m', 'e', 't', 'a')) {
			*prefix = 4;
			return K_CONTAINER;
		}
		return K_NO;
	case FOURCC('m', 'e', 't', 'a'):
		if (type == FOURCC('h', 'd', 'l', 'r'))
			return K_KEEP;
		if (type == FOURCC('i', 'l', 's', 't'))
			return K_LEAF;   /* must be empty: checked on its header */
		return K_NO;
	default:
		return K_NO;
	}
}

static uint32_t
scan_mp4_parent(const scan_mp4_t *s)
{
	return s->ms_depth ? s->ms_stack[s->ms_depth - 1].type : 0;
}

static void
scan_mp4_fail(scan_mp4_t *s, const char *why, uint32_t fourcc)
{
	scan_fail(&s->ms_failed, s->ms_reason, why, fourcc);
}

static bool
scan_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The unity matrix { 1, 0, 0,  0, 1, 0,  0, 0, 1 } in 16.16 / 2.30: no rotation. */
static bool
scan_identity(const uint8_t *m)
{
	static const uint32_t id[9] = { 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000 };
	for (int i = 0; i < 9; i++)
		if (be32(m + 4 * i) != id[i])
			return false;
	return true;
}

/* A box's whole body, kept (mvhd, tkhd, mdhd, hdlr): its fields checked. */
static void
scan_mp4_kept(scan_mp4_t *s)
{
	const uint8_t *b = s->ms_keep;
	size_t n = s->ms_keep_have;
	uint32_t t = s->ms_type;
	if (n < 4) {
		scan_mp4_fail(s, "box too short", t);
		return;
	}
	int v = b[0];
	if (v > 1) {
		scan_mp4_fail(s, "unknown box version", t);
		return;
	}
	if (t == FOURCC('m', 'v', 'h', 'd') || t == FOURCC('t', 'k', 'h', 'd') || t == FOURCC('m', 'd', 'h', 'd')) {
		/* creation and modification times: 0 in a bitexact copy */
		size_t dates = v ? 16 : 8;
		size_t matrix = 0;
		if (t == FOURCC('m', 'v', 'h', 'd'))
			matrix = v ? 48 : 36;
		else if (t == FOURCC('t', 'k', 'h', 'd'))
			matrix = v ? 52 : 40;
		if (n < 4 + dates || (matrix && n < matrix + 36)) {
			scan_mp4_fail(s, "box too short", t);
			return;
		}
		if (!scan_zero(b + 4, dates)) {
			scan_mp4_fail(s, "a creation or modification time is set", t);
			return;
		}
		if (matrix && !scan_identity(b + matrix))
			scan_mp4_fail(s, "a rotation or transform matrix is set", t);
		return;
	}
	if (t == FOURCC('h', 'd', 'l', 'r')) {
		if (n < 12) {
			scan_mp4_fail(s, "box too short", t);
			return;
		}
		uint32_t h = be32(b + 8);
		if (scan_mp4_parent(s) == FOURCC('m', 'e', 't', 'a')) {
			if (h != FOURCC('m', 'd', 'i', 'r'))
				scan_mp4_fail(s, "metadata handler not allowed", h);
			return;
		}
		s->ms_trak_hdlr++;
		if (h == FOURCC('v', 'i', 'd', 'e'))
			s->ms_vide++;
		else if (h == FOURCC('s', 'o', 'u', 'n'))
			s->ms_soun++;
		else
			scan_mp4_fail(s, "track handler not allowed", h);
	}
}

/* A container's prefix (sample entry or full-box header), checked before its children. */
static void
scan_mp4_prefix(scan_mp4_t *s)
{
	const uint8_t *b = s->ms_keep;
	uint32_t t = s->ms_type;
	if (t == FOURCC('s', 't', 's', 'd') && (b[0] != 0 || be32(b + 4) != 1))
		scan_mp4_fail(s, "sample descriptions: not exactly one", t);
	else if (t == FOURCC('m', 'p', '4', 'a') && (b[8] != 0 || b[9] != 0))
		scan_mp4_fail(s, "audio sample entry version not 0", t);
	else if ((t == FOURCC('a', 'v', 'c', '1') || t == FOURCC('m', 'p', '4', 'a')) && (b[6] != 0 || b[7] != 1))
		scan_mp4_fail(s, "sample entry refers to another file", t);
	else if (t == FOURCC('m', 'e', 't', 'a') && b[0] != 0)
		scan_mp4_fail(s, "unknown box version", t);
}

static void
scan_mp4_push(scan_mp4_t *s)
{
	if (s->ms_depth >= SCAN_MP4_DEPTH) {
		scan_mp4_fail(s, "boxes nested too deep", s->ms_type);
		return;
	}
	if (s->ms_type == FOURCC('t', 'r', 'a', 'k')) {
		s->ms_tracks++;
		s->ms_trak_hdlr = 0;
	}
	s->ms_stack[s->ms_depth].end = s->ms_end;
	s->ms_stack[s->ms_depth].type = s->ms_type;
	s->ms_depth++;
}

/* After a box (or a container's header): close the containers that end here. */
static void
scan_mp4_pop(scan_mp4_t *s)
{
	s->ms_mode = MP4_HDR;
	s->ms_hdr_have = 0;
	while (s->ms_depth > 0 && s->ms_off == s->ms_stack[s->ms_depth - 1].end) {
		uint32_t t = s->ms_stack[s->ms_depth - 1].type;
		if (t == FOURCC('t', 'r', 'a', 'k') && s->ms_trak_hdlr != 1)
			scan_mp4_fail(s, "a track without exactly one handler", t);
		s->ms_depth--;
	}
}

/* A box header is complete: check it and choose how to read the body. */
static void
scan_mp4_header(scan_mp4_t *s, size_t hlen)
{
	uint64_t size = be32(s->ms_hdr);
	uint32_t type = be32(s->ms_hdr + 4);
	uint64_t start = s->ms_off - hlen;
	uint32_t parent = scan_mp4_parent(s);
	s->ms_type = type;
	if (hlen == 16)
		size = be64(s->ms_hdr + 8);
	if (size == 0) {
		scan_mp4_fail(s, "box without a size", type);
		return;
	}
	if (size < hlen || size > UINT64_MAX - start) {
		scan_mp4_fail(s, "box size lies", type);
		return;
	}
	s->ms_end = start + size;
	if (s->ms_depth > 0 && s->ms_end > s->ms_stack[s->ms_depth - 1].end) {
		scan_mp4_fail(s, "box overruns its parent", type);
		return;
	}
	if (++s->ms_boxes > SCAN_MP4_BOXES) {
		scan_mp4_fail(s, "too many boxes", 0);
		return;
	}
	if (s->ms_boxes == 1 && type != FOURCC('f', 't', 'y', 'p')) {
		scan_mp4_fail(s, "the file does not start with ftyp", type);
		return;
	}
	if (s->ms_mdat > 0) {
		scan_mp4_fail(s, "a box after the media data", type);
		return;
	}
	size_t prefix;
	int kind = scan_mp4_kind(parent, type, &prefix);
	if (kind == K_NO) {
		scan_mp4_fail(s, "box not allowed", type);
		return;
	}
	uint64_t body = size - hlen;
	if (type == FOURCC('f', 't', 'y', 'p'))
		s->ms_ftyp++;
	if (type == FOURCC('m', 'o', 'o', 'v') && ++s->ms_moov > 1) {
		scan_mp4_fail(s, "more than one", type);
		return;
	}
	if (type == FOURCC('i', 'l', 's', 't') && body != 0) {
		scan_mp4_fail(s, "metadata items present", type);
		return;
	}
	if (kind == K_MDAT) {
		/* +faststart: the index comes first; one mdat */
		if (s->ms_moov == 0 || ++s->ms_mdat > 1) {
			scan_mp4_fail(s, "media data before the index, or twice", type);
			return;
		}
		s->ms_mode = MP4_SKIP;
	} else if (kind == K_CONTAINER && prefix == 0) {
		scan_mp4_push(s);
		if (!s->ms_failed)
			scan_mp4_pop(s);
		return;
	} else if (kind == K_CONTAINER || kind == K_KEEP) {
		size_t need = kind == K_CONTAINER ? prefix : (size_t)(body <= SCAN_MP4_KEEP ? body : 0);
		if (body < prefix || (kind == K_KEEP && body > SCAN_MP4_KEEP)) {
			scan_mp4_fail(s, kind == K_KEEP ? "box too large" : "box too short", type);
			return;
		}
		s->ms_mode = kind == K_CONTAINER ? MP4_PREFIX : MP4_KEEP;
		s->ms_keep_have = 0;
		s->ms_keep_need = need;
	} else {
		s->ms_mode = MP4_LEAF;
	}
	if (s->ms_off == s->ms_end || (s->ms_mode == MP4_KEEP && s->ms_keep_need == 0)) {
		if (s->ms_mode == MP4_KEEP)
			scan_mp4_kept(s);
		scan_mp4_pop(s);
	}
}

void
scan_mp4_init(scan_mp4_t *s)
{
	memset(s, 0, sizeof(*s));
}

int
scan_mp4_feed(scan_mp4_t *s, const uint8_t *p, size_t n)
{
	while (n > 0 && !s->ms_failed) {
		size_t k;
		if (s->ms_mode == MP4_HDR) {
			size_t want = s->ms_hdr_have < 8 ? 8 : 16;
			k = want - s->ms_hdr_have < n ? want - s->ms_hdr_have : n;
			memcpy(s->ms_hdr + s->ms_hdr_have, p, k);
			s->ms_hdr_have += k;
		} else if (s->ms_mode == MP4_PREFIX || s->ms_mode == MP4_KEEP) {
			k = s->ms_keep_need - s->ms_keep_have < n ? s->ms_keep_need - s->ms_keep_have : n;
			memcpy(s->ms_keep + s->ms_keep_have, p, k);
			s->ms_keep_have += k;
		} else {
			uint64_t left = s->ms_end - s->ms_off;
			k = left < n ? (size_t)left : n;
		}
		if (s->ms_mode != MP4_SKIP) {
			const char *m = scan_marks_feed(&s->ms_marks, p, k);
			if (m) {
				scan_fail(&s->ms_failed, s->ms_reason, "metadata marker", 0);
				snprintf_cut(s->ms_reason, sizeof(s->ms_reason), "metadata marker: %s",
					m[0] == '\xa9' ? "(c)xyz" : m);
				return -1;
			}
		}
		s->ms_off += k;
		p += k;
		n -= k;
		switch (s->ms_mode) {
		case MP4_HDR:
			if (s->ms_hdr_have == 8 && be32(s->ms_hdr) != 1)
				scan_mp4_header(s, 8);
			else if (s->ms_hdr_have == 16)
				scan_mp4_header(s, 16);
			break;
		case MP4_PREFIX:
			if (s->ms_keep_have == s->ms_keep_need) {
				scan_mp4_prefix(s);
				if (!s->ms_failed)
					scan_mp4_push(s);
				if (!s->ms_failed)
					scan_mp4_pop(s);
			}
			break;
		case MP4_KEEP:
			if (s->ms_keep_have == s->ms_keep_need) {
				scan_mp4_kept(s);
				scan_mp4_pop(s);
			}
			break;
		default:
			if (s->ms_off == s->ms_end) {
				if (s->ms_mode == MP4_SKIP)
					scan_marks_reset(&s->ms_marks);   /* no marker spans the payload */
				scan_mp4_pop(s);
			}
			break;
		}
	}
	return s->ms_failed ? -1 : 0;
}

int
scan_mp4_end(scan_mp4_t *s)
{
	if (s->ms_failed)
		return -1;
	if (s->ms_mode != MP4_HDR || s->ms_hdr_have != 0 || s->ms_depth != 0)
		scan_mp4_fail(s, "truncated", 0);
	else if (s->ms_ftyp != 1 || s->ms_moov != 1 || s->ms_mdat != 1)
		scan_mp4_fail(s, "incomplete: not one ftyp, moov and mdat", 0);
	else if (s->ms_vide != 1 || s->ms_soun != 1)
		scan_mp4_fail(s, "not exactly one video and one audio track", 0);
	return s->ms_failed ? -1 : 0;
}

const char *
scan_mp4_reason(const scan_mp4_t *s)
{
	return s->ms_failed ? s->ms_reason : "";
}

