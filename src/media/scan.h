/* scan: the last check before anything is published. Streaming, pure scanners of sava's
 * own outputs (fed in chunks of any size, markers and headers may span chunks): the MP4
 * box tree against an allow-list of what our ffmpeg writes, and the JPEG marker list.
 * Whatever they do not expect is a finding, reported as a short English reason. */
#ifndef SAVA_MEDIA_SCAN_H
#define SAVA_MEDIA_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define SCAN_MP4_DEPTH       10     /* box nesting */
#define SCAN_MP4_BOXES       4096   /* boxes outside mdat's payload */
#define SCAN_MP4_KEEP        512    /* bytes kept of a box whose fields are checked */
#define SCAN_WINDOW          32     /* longest marker + 1 */
#define SCAN_REASON_BYTES    96

/* What both scanners share: the text markers looked for in every byte outside media
 * payload, and the first finding. */
typedef struct {
	uint8_t sm_win[SCAN_WINDOW];   /* the last bytes seen, oldest first */
	size_t sm_have;
	int sm_iso;                    /* the ISO 6709 coordinate automaton's state */
	int sm_iso_digits;
} scan_marks_t;

typedef struct {
	uint64_t ms_off;               /* bytes consumed */
	int ms_depth;
	struct {
		uint64_t end;              /* absolute offset where the box ends */
		uint32_t type;
	} ms_stack[SCAN_MP4_DEPTH];
	int ms_mode;                   /* header, prefix, kept leaf, scanned leaf, mdat payload */
	uint8_t ms_hdr[16];
	size_t ms_hdr_have;
	uint32_t ms_type;              /* the box being read */
	uint64_t ms_end;
	uint8_t ms_keep[SCAN_MP4_KEEP];
	size_t ms_keep_have, ms_keep_need;
	unsigned ms_boxes;
	unsigned ms_moov, ms_mdat, ms_ftyp;
	unsigned ms_tracks, ms_vide, ms_soun;
	unsigned ms_trak_hdlr;         /* hdlr boxes in the current trak's mdia */
	scan_marks_t ms_marks;
	bool ms_failed;
	char ms_reason[SCAN_REASON_BYTES];
} scan_mp4_t;

void scan_mp4_init(scan_mp4_t *s);
/* Feeds the next bytes. 0: nothing found so far; -1: a finding (sticky; see reason). */
int scan_mp4_feed(scan_mp4_t *s, const uint8_t *p, size_t n) WUR;
/* The end of the file: -1 if anything was found or the file is incomplete (truncated,
 * no moov, no mdat, not exactly one video track and at most one audio track). */
int scan_mp4_end(scan_mp4_t *s) WUR;
const char *scan_mp4_reason(const scan_mp4_t *s);

typedef struct {
	uint64_t js_off;
	int js_state;
	uint16_t js_len;               /* segment length field, being read */
	uint32_t js_left;              /* segment bytes left */
	uint8_t js_marker;
	uint8_t js_app0[16];           /* APP0's body, to check it is plain JFIF */
	size_t js_app0_have;
	unsigned js_sof, js_sos, js_app0_count;
	bool js_eoi;
	uint8_t js_sof_head[6];        /* the frame's precision, height, width, components */
	size_t js_sof_have;
	scan_marks_t js_marks;
	bool js_failed;
	char js_reason[SCAN_REASON_BYTES];
} scan_jpeg_t;

void scan_jpeg_init(scan_jpeg_t *s);
int scan_jpeg_feed(scan_jpeg_t *s, const uint8_t *p, size_t n) WUR;
int scan_jpeg_end(scan_jpeg_t *s) WUR;
const char *scan_jpeg_reason(const scan_jpeg_t *s);
/* After scan_jpeg_end returned 0: the frame's size and colour components (1 grey, 3
 * YCbCr); -1 when the frame is not 8-bit with 1 or 3 components. */
int scan_jpeg_frame(const scan_jpeg_t *s, uint16_t *width, uint16_t *height, unsigned *components) WUR;

#endif
