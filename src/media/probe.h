/* probe: reads what ffprobe said about a file (its "-of flat" text, as ffargs_probe asks
 * for it) into a bounded struct, and checks it against sava's policy (containers and
 * codecs on allow-lists, a video stream, duration, resolution). Pure: no I/O. The text
 * is ffprobe's, about a hostile file: every value is length- and range-checked. */
#ifndef SAVA_MEDIA_PROBE_H
#define SAVA_MEDIA_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "media/media.h"

#define PROBE_MAX_STREAMS   16      /* streams described; more is refused */
#define PROBE_MAX_TEXT      (64 * 1024)
#define PROBE_NAME_BYTES    48      /* codec, profile, pix_fmt names */
#define PROBE_FORMAT_BYTES  64

typedef enum {
	PROBE_OTHER = 0, PROBE_VIDEO, PROBE_AUDIO, PROBE_SUBTITLE, PROBE_DATA, PROBE_ATTACHMENT
} probe_kind_t;

typedef struct {
	bool ps_seen;
	probe_kind_t ps_kind;
	char ps_codec[PROBE_NAME_BYTES];
	char ps_profile[PROBE_NAME_BYTES];
	char ps_pix_fmt[PROBE_NAME_BYTES];
	uint32_t ps_width, ps_height;
	int32_t ps_rotation;            /* degrees, from the display matrix */
	bool ps_has_rotation;
	bool ps_attached_pic;           /* cover art: not the video */
} probe_stream_t;

typedef struct {
	char pr_format[PROBE_FORMAT_BYTES];  /* "mov,mp4,m4a,3gp,3g2,mj2" */
	bool pr_has_duration;
	uint32_t pr_duration_ms;
	unsigned pr_nstreams;                /* highest index seen + 1 */
	bool pr_too_many_streams;
	probe_stream_t pr_stream[PROBE_MAX_STREAMS];
} probe_t;

/* Parses ffprobe's flat text. Lines it does not know are skipped; a known field with a
 * malformed or oversized value fails the whole parse. Returns 0 or -1. */
int probe_parse(const char *p, size_t len, probe_t *out) WUR;

/* The streams the cleaning will use: ffmpeg's 0:V:0 and 0:a:0. */
typedef struct {
	int pc_video;        /* index into pr_stream */
	int pc_audio;        /* -1: none; the copy gets a silent track */
} probe_choice_t;

/* Checks the policy. Returns MEDIA_REFUSAL_NONE and fills *choice, or the first refusal
 * with its detail in English ("too long: 734 s (limit 600 s)") in detail. */
media_refusal_t probe_check(const probe_t *pr, uint32_t max_seconds, probe_choice_t *choice,
	char *detail, size_t detaillen);

/* What a cleaned copy must look like (ffprobe of sava's own output): one H.264 High
 * yuv420p video, longest side <= MEDIA_OUT_SIDE, no rotation; one AAC audio; nothing else.
 * Returns 0, or -1 with the first difference in detail. */
int probe_check_output(const probe_t *pr, char *detail, size_t detaillen) WUR;

#endif
