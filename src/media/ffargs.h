/* ffargs: the argv of every ffprobe and ffmpeg command the media worker runs, filled
 * into a fixed array. Nothing untrusted goes into an argv: the words are constants, the
 * file names are the caller's, and the numbers (poster time, duration cap) are formatted
 * here from integers. The same builders serve the sandbox and the benchmark's bare run. */
#ifndef SAVA_MEDIA_FFARGS_H
#define SAVA_MEDIA_FFARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "media/media.h"

#define FFARGS_MAX      96
#define FFARGS_NUMS     4
#define FFARGS_FILTER_BYTES 4096
#define FFARGS_FFMPEG   "/usr/bin/ffmpeg"
#define FFARGS_FFPROBE  "/usr/bin/ffprobe"

typedef struct {
	const char *fa_argv[FFARGS_MAX];   /* NULL-terminated */
	int fa_argc;
	char fa_num[FFARGS_NUMS][24];      /* the numbers the argv points into */
	int fa_nums;
	char fa_vf[FFARGS_FILTER_BYTES];   /* a redaction's filters, built here from integers */
	char fa_af[64];
} ffargs_t;

/* Appends a's words to a shell script, each single-quoted and followed by a space. The
 * words are sava's own, never a file's bytes; the quoting only keeps sh from reading a
 * filter's parentheses and quotes. 0, or -1 when it does not fit. */
int ffargs_sh(buf_t *b, const ffargs_t *a) WUR;
/* ffprobe of a file, "-of flat", the fields probe_parse reads. input: "file:in". */
int ffargs_probe(ffargs_t *a, const char *input) WUR;
/* The clean: re-encode to H.264 High yuv420p (longest side 1280) + AAC-LC 48 kHz
 * stereo, rotation applied to the pixels, no metadata, MP4 with the index first.
 * has_audio false: a silent stereo track is generated instead. Stops at max_seconds + 1.
 * redact (may be NULL): the voice shifted, the picture covered by boxes or by a card. */
int ffargs_clean(ffargs_t *a, const char *input, const char *output, bool has_audio,
	uint32_t max_seconds, const media_redact_t *redact) WUR;
/* One frame at at_ms, scaled like the video, as a baseline JPEG without metadata. */
int ffargs_poster(ffargs_t *a, const char *input, const char *output, uint32_t at_ms) WUR;

/* Captions burned in (libass, through ffmpeg's subtitles filter) from the WebVTT file
 * captions, into a clean video: tall false: 1280x720 (16:9); true: 720x1280 (9:16), the
 * picture scaled to fit and the captions in the lower third, clear of the platforms'
 * buttons. Same encoder settings and the same metadata rules as the clean; the audio
 * (the clean's own AAC) is copied. */
int ffargs_burn(ffargs_t *a, const char *input, const char *captions, const char *output, bool tall) WUR;
/* The font the captions are set in (fonts-dejavu-core): its folder, for the sandbox. */
#define FFARGS_FONTS_DIR "/usr/share/fonts/truetype/dejavu"

/* The editor's timing aids (issue 12): the sound's shape as a FFARGS_WAVE_SIZE JPEG
 * (showwavespic, white ground, no metadata), and the pauses (silencedetect: quieter than
 * FFARGS_SILENCE_DB for FFARGS_SILENCE_S seconds), which ffmpeg reports on stderr. */
#define FFARGS_WAVE_W 1600
#define FFARGS_WAVE_H 120
#define FFARGS_WAVE_SIZE "1600x120"
#define FFARGS_SILENCE_DB "-32dB"
#define FFARGS_SILENCE_S "0.35"
int ffargs_waveform(ffargs_t *a, const char *input, const char *output) WUR;
int ffargs_silence(ffargs_t *a, const char *input) WUR;
/* The sound alone as 16 kHz mono 16-bit WAV, what speech recognisers read. */
int ffargs_wav(ffargs_t *a, const char *input, const char *output) WUR;

/* The poster time actually used: the editor's choice, or half the duration when the
 * choice lies at or past the end (duration_ms 0: unknown, the choice stands). */
uint32_t ffargs_poster_at(uint32_t chosen_ms, uint32_t duration_ms);

#endif
