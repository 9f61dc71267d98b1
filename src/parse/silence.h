/* silence: ffmpeg's silencedetect report (the text it writes on stderr, from the media
 * worker's sandbox) as a list of pauses, and the same list written back in that form.
 * Pure, with named limits; fuzzed (fuzz/fuzz_silence.c). */
#ifndef SAVA_PARSE_SILENCE_H
#define SAVA_PARSE_SILENCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define SILENCE_INPUT_MAX  (256u * 1024)     /* bytes of a report */
#define SILENCE_MAX        4000              /* pauses kept; later ones are dropped */
#define SILENCE_SECONDS_MAX 86400            /* a time past this: the line is not read */
#define SILENCE_OPEN       UINT32_MAX        /* a pause still open when the report ended */

typedef struct {
	uint32_t start_ms, end_ms;               /* start_ms < end_ms, or end_ms SILENCE_OPEN */
} silence_t;

/* Reads every "silence_start: S" and "silence_end: E" in in (lines end with LF or CR;
 * any other words on a line are ignored, as are lines without them). A start without an
 * end is open (SILENCE_OPEN); an end without a start begins at 0; a negative time is 0;
 * a pause that does not begin after the one before ends is dropped, so the list is
 * ordered and disjoint. out has room for max; *n is how many were kept. -1 only when in
 * is over SILENCE_INPUT_MAX. */
int silence_parse(sv_t in, silence_t *out, size_t max, size_t *n) WUR;
/* The list in the report's own form ("silence_start: 1.25\nsilence_end: 2.5\n"), which
 * silence_parse reads back to the same list. 0, or -1 when out is full. */
int silence_write(const silence_t *s, size_t n, buf_t *out) WUR;

#endif
