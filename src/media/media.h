/* media: the one header the domain includes. media_clean() runs one untrusted video
 * through the sandboxed worker (bubblewrap + rlimits, no keys, no database, no network)
 * and streams back a re-encoded copy and a poster, both checked byte by byte first.
 * Bytes move only through the callbacks: nothing here touches the instance's disk. */
#ifndef SAVA_MEDIA_H
#define SAVA_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define MEDIA_DEFAULT_MAX_SECONDS 600     /* longest video accepted */
#define MEDIA_DEFAULT_POSTER_MS   1000    /* poster frame when the editor chose none */
#define MEDIA_MAX_SIDE            4096    /* largest width or height accepted */
#define MEDIA_MIN_SIDE            16      /* smallest */
#define MEDIA_OUT_SIDE            1280    /* longest side of the cleaned video and poster */
#define MEDIA_REASON_BYTES        160

typedef enum {
	MEDIA_OK = 0,
	MEDIA_REFUSED,     /* the file was bad, or its cleaned copy failed the check: see reason */
	MEDIA_LIMIT,       /* killed at a CPU, memory, size or wall-clock limit */
	MEDIA_NO_SANDBOX,  /* bubblewrap could not build the sandbox (reason says why) */
	MEDIA_ERROR,       /* sava's own failure: pipes, fork, a callback */
} media_status_t;

/* Why a file was refused: a stable code; media_refusal_text() gives its English msgid. */
typedef enum {
	MEDIA_REFUSAL_NONE = 0,
	MEDIA_REFUSAL_NOT_VIDEO,       /* ffprobe could not read it (HTML, text, truncated) */
	MEDIA_REFUSAL_CONTAINER,       /* a container not on the allow-list */
	MEDIA_REFUSAL_NO_VIDEO,        /* no video stream */
	MEDIA_REFUSAL_VIDEO_CODEC,
	MEDIA_REFUSAL_AUDIO_CODEC,
	MEDIA_REFUSAL_TOO_LONG,
	MEDIA_REFUSAL_TOO_SMALL,       /* resolution below MEDIA_MIN_SIDE */
	MEDIA_REFUSAL_TOO_LARGE,       /* resolution above MEDIA_MAX_SIDE */
	MEDIA_REFUSAL_TOO_MANY_STREAMS,
	MEDIA_REFUSAL_DAMAGED,         /* read, but could not be converted, or ends early */
	MEDIA_REFUSAL_OUTPUT_CHECK,    /* the cleaned copy failed sava's own check: never published */
	MEDIA_REFUSAL_COUNT
} media_refusal_t;

/* The English text of a refusal code, marked N_() for the catalogs; never NULL. */
const char *media_refusal_text(media_refusal_t code);

typedef enum {
	MEDIA_LIMIT_NONE = 0,
	MEDIA_LIMIT_CPU,
	MEDIA_LIMIT_MEMORY,
	MEDIA_LIMIT_SIZE,     /* a file in the job, the job's tmpfs, the input or an output */
	MEDIA_LIMIT_WALL,
} media_limit_t;

/* The bounds of one job. media_limits_default() fills sensible ones. */
typedef struct {
	uint32_t ml_cpu_seconds;    /* RLIMIT_CPU of every process in the job (soft; hard +5 s) */
	uint64_t ml_memory_bytes;   /* RLIMIT_AS of every process */
	uint64_t ml_file_bytes;     /* RLIMIT_FSIZE; also the cap on the input and the video out */
	uint64_t ml_tmpfs_bytes;    /* size of the job's /job tmpfs (input + outputs live there) */
	uint32_t ml_wall_seconds;   /* the whole job, enforced by the parent with SIGKILL */
	uint32_t ml_processes;      /* RLIMIT_NPROC (threads count) */
	uint32_t ml_open_files;     /* RLIMIT_NOFILE */
	/* [media] sandbox = none: test instances only. The same job runs without bubblewrap
	 * (rlimits still apply, in a fresh directory under /dev/shm); a warning is logged. */
	bool ml_no_sandbox;
	/* Tests only, never from sava.conf: runs the job without the seccomp filter, so that
	 * a test can show what the filter stops. */
	bool ml_no_seccomp;
	/* A folder the job may read besides /usr, bound read-only at the same path (the
	 * operator's transcriber and its model: [subtitles] transcribe_cmd's); NULL: none. */
	const char *ml_extra_ro;
} media_limits_t;

void media_limits_default(media_limits_t *l);

typedef enum { MEDIA_KIND_VIDEO = 0 } media_kind_t;

/* What a testimony's redacted copy hides (issue 14), on top of the clean: a box is a
 * solid rectangle over the picture from from_ms to to_ms, its place and size in
 * thousandths of the picture's width and height (so an editor places it without knowing
 * the pixels), drawn after the scaling; the poster is taken from the copy, boxes and all. */
#define MEDIA_BOXES_MAX   16
#define MEDIA_VOICE_PITCH "0.78"   /* rubberband's pitch factor; the formants move with it */
typedef struct {
	uint32_t mb_from_ms, mb_to_ms;   /* from_ms < to_ms */
	uint16_t mb_x, mb_y, mb_w, mb_h; /* 0..1000; x + w and y + h at most 1000 */
} media_box_t;
typedef struct {
	bool mr_voice;                   /* pitch and formants shifted (rubberband) */
	bool mr_still;                   /* the whole picture replaced by a plain card */
	media_box_t mr_boxes[MEDIA_BOXES_MAX];
	size_t mr_nboxes;
} media_redact_t;
/* True when every box is within the picture and its times are in order. */
bool media_redact_valid(const media_redact_t *r);

typedef struct {
	media_kind_t mj_kind;
	uint32_t mj_max_seconds;    /* 0: MEDIA_DEFAULT_MAX_SECONDS */
	uint32_t mj_poster_ms;      /* the editor's choice; clamped to the duration */
	media_limits_t mj_limits;
	const media_redact_t *mj_redact;   /* NULL: the clean only (an appeal) */
} media_job_t;

typedef enum {
	MEDIA_OUT_VIDEO = 1, MEDIA_OUT_POSTER = 2, MEDIA_OUT_WIDE = 3, MEDIA_OUT_TALL = 4,
	MEDIA_OUT_DOC_JPEG = 5, MEDIA_OUT_DOC_PDF = 6, MEDIA_OUT_WAVE = 7, MEDIA_OUT_PAUSES = 8
} media_out_t;

/* The bytes' only ways in and out. The caller owns ctx.
 * read_input: fill buf with up to cap bytes of the plaintext; *got = 0 means the end.
 *   Called exactly once through the input (one sandbox run). Return 0, or -1 to abort.
 * write_output: the next bytes of the cleaned video (an MP4) or of the poster (a JPEG),
 *   in order, as they arrive. Return 0, or -1 to abort. What was written is NOT yet
 *   verified: publish (or keep) it only if media_clean() returns MEDIA_OK; on any other
 *   status, discard it. */
typedef struct {
	void *mi_ctx;
	int (*mi_read_input)(void *ctx, uint8_t *buf, size_t cap, size_t *got);
	int (*mi_write_output)(void *ctx, media_out_t which, const uint8_t *p, size_t n);
} media_io_t;

typedef struct {
	media_status_t mr_status;
	media_refusal_t mr_refusal;         /* with MEDIA_REFUSED */
	media_limit_t mr_limit;             /* with MEDIA_LIMIT */
	char mr_reason[MEDIA_REASON_BYTES]; /* English, for staff: "too long: 734 s (limit 600 s)";
	                                     * empty with MEDIA_OK */
	/* With MEDIA_OK, what ffprobe found in the cleaned copy: */
	uint32_t mr_duration_ms;
	uint32_t mr_width, mr_height;
	bool mr_input_had_audio;            /* false: the copy carries a silent AAC track */
	uint64_t mr_video_bytes, mr_poster_bytes;
} media_result_t;

/* Cleans one video in ONE sandbox run: the input is fed into the sandbox's tmpfs, ffprobe
 * reads it there, the parent checks the policy, then ffmpeg re-encodes it (never re-muxes)
 * and makes the poster, and both stream back through write_output while scan.c checks
 * them. Returns out->mr_status. Blocks for the job's length: call it from a worker thread,
 * never a request thread. */
media_status_t media_clean(const media_job_t *job, const media_io_t *io, media_result_t *out);

/* ---- captions burned in ---- */

#define MEDIA_CAPTIONS_MAX (1u << 20)   /* bytes of WebVTT: 10,000 cues fit */

typedef struct {
	uint32_t mb_captions_bytes;  /* the input's first bytes: the WebVTT file (1..MEDIA_CAPTIONS_MAX) */
	media_limits_t mb_limits;
} media_burn_t;

typedef struct {
	media_status_t mb_status;
	char mb_reason[MEDIA_REASON_BYTES];   /* English, for staff; empty with MEDIA_OK */
	uint64_t mb_wide_bytes, mb_tall_bytes;
} media_burn_result_t;

/* Burns captions into a clean video (media_clean's output, sealed since), in ONE sandbox
 * run. The input is the WebVTT (sava's own writer's, from an approved version) and then
 * the video; the outputs, MEDIA_OUT_WIDE (16:9, 1280x720) and MEDIA_OUT_TALL (9:16,
 * 720x1280), stream back through write_output while scan.c checks them: as with
 * media_clean, keep them only if this returns MEDIA_OK. Blocks: a worker thread's. */
media_status_t media_burn(const media_burn_t *job, const media_io_t *io, media_burn_result_t *out);

/* ---- documents cleaned (the drop, issue 14) ---- */

#define MEDIA_DOC_DPI      150    /* a PDF's pages are rasterized at this resolution */
#define MEDIA_DOC_IMG_SIDE 8192   /* an image's longest side at most (scaled down past it) */

typedef enum { MEDIA_DOC_NONE = 0, MEDIA_DOC_JPEG, MEDIA_DOC_PNG, MEDIA_DOC_WEBP, MEDIA_DOC_PDF } media_doc_kind_t;
/* What a file is by its first bytes (n of them; 16 are enough): a JPEG, PNG, WebP or PDF
 * may be cleaned; anything else is MEDIA_DOC_NONE. */
media_doc_kind_t media_doc_sniff(const uint8_t *p, size_t n);
/* The cleaned copy's outputs: an image becomes a JPEG (MEDIA_OUT_DOC_JPEG), a PDF a PDF
 * of page images (MEDIA_OUT_DOC_PDF). */

typedef struct {
	media_status_t md_status;
	media_doc_kind_t md_kind;           /* what the input was */
	const char *md_refusal;             /* with MEDIA_REFUSED: a msgid for staff (N_) */
	char md_reason[MEDIA_REASON_BYTES]; /* English detail for the log; empty with MEDIA_OK */
	unsigned md_pages;                  /* a PDF's pages */
	uint64_t md_bytes;                  /* the cleaned copy's */
} media_doc_result_t;

/* Cleans one document in ONE sandbox run (bubblewrap, seccomp, rlimits, as a video):
 * an image is decoded and re-encoded from its pixels by ffmpeg (a JPEG, no metadata);
 * a PDF is rasterized page by page by pdftoppm, and sava itself writes a new PDF around
 * the page images (pdfout.h). Every image that comes back is checked by scan_jpeg first.
 * The cleaned bytes stream through io->mi_write_output (MEDIA_OUT_DOC_*) as they are
 * made: keep them only if this returns MEDIA_OK. Blocks: a worker thread's. */
media_status_t media_doc_clean(const media_limits_t *lim, const media_io_t *io, media_doc_result_t *out);
/* The programs a cleaning needs, present on this machine: NULL, or the first missing
 * one's path (for a clear refusal). */
const char *media_doc_missing_tool(bool sandboxed);
/* ---- the cue editor's timing aids ---- */

#define MEDIA_WAVE_MAX   (2u << 20)     /* bytes of the waveform's JPEG */
#define MEDIA_PAUSES_MAX (256u * 1024)  /* bytes of silencedetect's report */

typedef struct {
	media_limits_t ma_limits;
} media_aids_t;

typedef struct {
	media_status_t ma_status;
	char ma_reason[MEDIA_REASON_BYTES];   /* English, for the log; empty with MEDIA_OK */
	uint64_t ma_wave_bytes, ma_pauses_bytes;
} media_aids_result_t;

/* From a clean video (the input), in ONE sandbox run: MEDIA_OUT_WAVE, the sound's shape
 * (ffargs_waveform: a JPEG, checked as the poster is), and MEDIA_OUT_PAUSES, the text
 * silencedetect wrote (parse it with silence_parse; it is ffmpeg's words about sava's own
 * clean copy, yet parsed as hostile). Keep them only if this returns MEDIA_OK. Blocks. */
media_status_t media_aids(const media_aids_t *job, const media_io_t *io, media_aids_result_t *out);

/* ---- a machine transcription ([subtitles] transcribe_cmd) ---- */
typedef struct {
	media_limits_t mt_limits;    /* ml_extra_ro: the command's folder */
	const char *mt_cmd;          /* an absolute path of [a-zA-Z0-9._/-], checked by the config */
	char mt_lang[4];             /* two lowercase letters */
} media_transcribe_t;
typedef struct {
	media_status_t mt_status;
	char mt_reason[MEDIA_REASON_BYTES];
	uint64_t mt_bytes;
} media_transcribe_result_t;
/* The clean video's sound as 16 kHz mono WAV (audio.wav, in the job's folder), given to
 * the operator's command inside the sandbox as `CMD audio.wav LANG`; what it writes on its
 * standard output (a WebVTT file, at most MEDIA_CAPTIONS_MAX bytes) streams back as
 * MEDIA_OUT_PAUSES. Parse it as hostile (webvtt_parse). Blocks. */
media_status_t media_transcribe(const media_transcribe_t *job, const media_io_t *io, media_transcribe_result_t *out);

#endif
