/* scan_jpeg: the streaming check of the worker's poster (scan.h): SOI, plain JFIF, tables,
 * frame, scans, EOI, and nothing else: no Exif, ICC, IPTC or other APPn, no comment, no
 * thumbnail, no bytes after EOI. Pure: no I/O, no allocation; fed in chunks of any size. */
#include <string.h>

#include "media/scan.h"
#include "media/scan_private.h"

/* ---- JPEG --------------------------------------------------------------------------- */

enum { J_SOI0 = 0, J_SOI1, J_MARK0, J_MARK1, J_LEN0, J_LEN1, J_SEG, J_ENT, J_ENTFF, J_AFTER };

static void
scan_jpeg_fail(scan_jpeg_t *s, const char *why)
{
	scan_fail(&s->js_failed, s->js_reason, why, 0);
}

/* A marker byte m (after 0xFF) outside entropy data. */
static void
scan_jpeg_marker(scan_jpeg_t *s, uint8_t m)
{
	s->js_marker = m;
	switch (m) {
	case 0xD8:
		scan_jpeg_fail(s, "a second image inside (thumbnail)");
		return;
	case 0xD9:
		s->js_eoi = true;
		s->js_state = J_AFTER;
		return;
	case 0xC0: case 0xC1: case 0xC2:   /* frames: baseline, extended, progressive */
	case 0xC4:                         /* Huffman tables */
	case 0xDB:                         /* quantisation tables */
	case 0xDD:                         /* restart interval */
	case 0xDA:                         /* start of scan */
	case 0xE0:                         /* APP0: plain JFIF only, checked below */
		s->js_state = J_LEN0;
		return;
	case 0xFE:
		scan_jpeg_fail(s, "comment segment");
		return;
	default:
		if (m >= 0xE1 && m <= 0xEF)
			scan_jpeg_fail(s, m == 0xE1 ? "APP1 segment (Exif or XMP)" : m == 0xE2 ? "APP2 segment (ICC profile)"
				: m == 0xED ? "APP13 segment (IPTC)" : "APPn segment");
		else
			scan_jpeg_fail(s, "marker not allowed");
		return;
	}
}

/* A segment's body has been read. */
static void
scan_jpeg_segment(scan_jpeg_t *s)
{
	uint8_t m = s->js_marker;
	if (m == 0xE0) {
		/* "JFIF\0", version, units, densities, and a 0x0 thumbnail: 14 bytes exactly */
		if (++s->js_app0_count > 1 || s->js_len != 16 || memcmp(s->js_app0, "JFIF\0", 5) != 0 ||
			s->js_app0[12] != 0 || s->js_app0[13] != 0) {
			scan_jpeg_fail(s, "APP0 is not plain JFIF");
			return;
		}
	} else if (m >= 0xC0 && m <= 0xC2) {
		if (++s->js_sof > 1) {
			scan_jpeg_fail(s, "more than one frame");
			return;
		}
	} else if (m == 0xDA) {
		if (s->js_sof == 0) {
			scan_jpeg_fail(s, "scan before the frame");
			return;
		}
		s->js_sos++;
		s->js_state = J_ENT;
		return;
	}
	s->js_state = J_MARK0;
}

void
scan_jpeg_init(scan_jpeg_t *s)
{
	memset(s, 0, sizeof(*s));
}

int
scan_jpeg_feed(scan_jpeg_t *s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && !s->js_failed; i++) {
		uint8_t c = p[i];
		s->js_off++;
		switch (s->js_state) {
		case J_SOI0:
			if (c != 0xFF)
				scan_jpeg_fail(s, "not a JPEG");
			s->js_state = J_SOI1;
			break;
		case J_SOI1:
			if (c != 0xD8)
				scan_jpeg_fail(s, "not a JPEG");
			s->js_state = J_MARK0;
			break;
		case J_MARK0:
			if (c != 0xFF)
				scan_jpeg_fail(s, "bytes between segments");
			s->js_state = J_MARK1;
			break;
		case J_MARK1:
			if (c != 0xFF)   /* 0xFF: fill */
				scan_jpeg_marker(s, c);
			break;
		case J_LEN0:
			s->js_len = (uint16_t)(c << 8);
			s->js_state = J_LEN1;
			break;
		case J_LEN1:
			s->js_len |= c;
			if (s->js_len < 2) {
				scan_jpeg_fail(s, "segment length lies");
				break;
			}
			s->js_left = s->js_len - 2u;
			s->js_app0_have = 0;
			s->js_state = J_SEG;
			if (s->js_left == 0)
				scan_jpeg_segment(s);
			break;
		case J_SEG: {
			size_t k = s->js_left < n - i ? s->js_left : n - i;
			if (s->js_marker == 0xE0)
				for (size_t j = 0; j < k && s->js_app0_have < sizeof(s->js_app0); j++)
					s->js_app0[s->js_app0_have++] = p[i + j];
			if (s->js_marker >= 0xC0 && s->js_marker <= 0xC2 && s->js_sof == 0)
				for (size_t j = 0; j < k && s->js_sof_have < sizeof(s->js_sof_head); j++)
					s->js_sof_head[s->js_sof_have++] = p[i + j];
			if (scan_marks_feed(&s->js_marks, p + i, k)) {
				scan_jpeg_fail(s, "metadata marker in a segment");
				break;
			}
			s->js_left -= (uint32_t)k;
			s->js_off += k - 1;
			i += k - 1;
			if (s->js_left == 0)
				scan_jpeg_segment(s);
			break;
		}
		case J_ENT:
			if (c == 0xFF)
				s->js_state = J_ENTFF;
			break;
		case J_ENTFF:
			if (c == 0x00 || (c >= 0xD0 && c <= 0xD7))
				s->js_state = J_ENT;   /* stuffed byte, or a restart marker */
			else if (c != 0xFF)
				scan_jpeg_marker(s, c);
			break;
		case J_AFTER:
		default:
			scan_jpeg_fail(s, "bytes after the end of the image");
			break;
		}
	}
	return s->js_failed ? -1 : 0;
}

int
scan_jpeg_end(scan_jpeg_t *s)
{
	if (s->js_failed)
		return -1;
	if (!s->js_eoi)
		scan_jpeg_fail(s, "truncated");
	else if (s->js_sof != 1 || s->js_sos < 1)
		scan_jpeg_fail(s, "no frame or no scan");
	return s->js_failed ? -1 : 0;
}

const char *
scan_jpeg_reason(const scan_jpeg_t *s)
{
	return s->js_failed ? s->js_reason : "";
}

int
scan_jpeg_frame(const scan_jpeg_t *s, uint16_t *width, uint16_t *height, unsigned *components)
{
	const uint8_t *h = s->js_sof_head;
	if (s->js_failed || !s->js_eoi || s->js_sof_have < sizeof(s->js_sof_head) || h[0] != 8 || (h[5] != 1 && h[5] != 3))
		return -1;
	*height = (uint16_t)(h[1] << 8 | h[2]);
	*width = (uint16_t)(h[3] << 8 | h[4]);
	*components = h[5];
	return *width && *height ? 0 : -1;
}
