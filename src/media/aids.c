/* aids: the cue editor's timing aids from a clean video, in ONE sandbox run: the sound's
 * shape as a picture (a JPEG that scan_jpeg checks as it streams, on fd 3) and what
 * ffmpeg's silencedetect says on stderr (text, on fd 4, at most MEDIA_PAUSES_MAX bytes;
 * parse/silence.c reads it). Holds no keys and touches no disk. */
#include <string.h>

#include "core/log.h"
#include "media/ffargs.h"
#include "media/media.h"
#include "media/sandbox.h"
#include "media/scan.h"

enum { OUT_WAVE = 0, OUT_PAUSES = 1 };

#define AIDS_SCRIPT_CAP (8 * 1024)
#define AIDS_FDS "</dev/null 3>&- 4>&- 5>&- 6>&- 7<&- || exit $?\n"

typedef struct {
	const media_io_t *io;
	media_aids_result_t *out;
	scan_jpeg_t scan;
	uint64_t bytes[2];
	bool ok[2];
	bool refused, caller_stop;
} aids_run_t;

static int
aids_script(buf_t *b)
{
	ffargs_t a;
	if (buf_append_cstr(b, "cat >in.mp4 || exit $?\nexec 0</dev/null\n") != 0 ||
	    ffargs_waveform(&a, "file:in.mp4", "file:wave.jpg") != 0 || ffargs_sh(b, &a) != 0 ||
	    buf_append_cstr(b, AIDS_FDS) != 0 || ffargs_silence(&a, "file:in.mp4") != 0 || ffargs_sh(b, &a) != 0 ||
	    buf_append_cstr(b, "2>pauses.txt " AIDS_FDS) != 0)
		return -1;
	return buf_append_cstr(b, "rm -f in.mp4\ncat wave.jpg >&3 || exit $?\nexec 3>&-\n"
	                          "cat pauses.txt >&4 || exit $?\nexec 4>&-\nexit 0\n");
}

static int
aids_read_input(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	aids_run_t *m = ctx;
	if (m->io->mi_read_input(m->io->mi_ctx, buf, cap, got) != 0) {
		m->caller_stop = true;
		return -1;
	}
	return 0;
}

static int
aids_write_output(void *ctx, int which, const uint8_t *p, size_t n)
{
	aids_run_t *m = ctx;
	if (which != OUT_WAVE && which != OUT_PAUSES)
		return -1;
	if (which == OUT_WAVE && scan_jpeg_feed(&m->scan, p, n) != 0) {
		m->refused = true;
		snprintf_cut(m->out->ma_reason, sizeof(m->out->ma_reason), "the waveform failed its check: %s",
		    scan_jpeg_reason(&m->scan));
		return -1;
	}
	m->bytes[which] += n;
	if (m->io->mi_write_output(m->io->mi_ctx, which == OUT_WAVE ? MEDIA_OUT_WAVE : MEDIA_OUT_PAUSES, p, n) != 0) {
		m->caller_stop = true;
		return -1;
	}
	return 0;
}

static int
aids_output_end(void *ctx, int which, buf_t *control)
{
	aids_run_t *m = ctx;
	(void)control;
	if (which == OUT_PAUSES) {
		m->ok[OUT_PAUSES] = true;   /* text, perhaps empty: the parser is the check */
		return 0;
	}
	if (which != OUT_WAVE || m->bytes[OUT_WAVE] == 0)
		return 0;
	if (scan_jpeg_end(&m->scan) != 0) {
		m->refused = true;
		snprintf_cut(m->out->ma_reason, sizeof(m->out->ma_reason), "the waveform failed its check: %s",
		    scan_jpeg_reason(&m->scan));
		return -1;
	}
	m->ok[OUT_WAVE] = true;
	return 0;
}

media_status_t
media_aids(const media_aids_t *job, const media_io_t *io, media_aids_result_t *out)
{
	memset(out, 0, sizeof(*out));
	out->ma_status = MEDIA_ERROR;
	aids_run_t m;
	memset(&m, 0, sizeof(m));
	m.io = io;
	m.out = out;
	scan_jpeg_init(&m.scan);
	buf_t script;
	buf_init(&script, AIDS_SCRIPT_CAP);
	if (aids_script(&script) != 0) {
		buf_free(&script);
		snprintf_cut(out->ma_reason, sizeof(out->ma_reason), "could not build the job");
		return out->ma_status;
	}
	const char *argv[] = { "/bin/sh", "-c", script.data, "sh", NULL };
	sandbox_io_t sio = {
		.sb_ctx = &m,
		.sb_read_input = aids_read_input,
		.sb_write_output = aids_write_output,
		.sb_output_end = aids_output_end,
		.sb_output_cap = { MEDIA_WAVE_MAX, MEDIA_PAUSES_MAX, 0, 0 },
		.sb_input_cap = job->ma_limits.ml_file_bytes,
	};
	sandbox_result_t sr;
	media_status_t st = sandbox_run(argv, &job->ma_limits, &sio, &sr);
	buf_free(&script);
	if (m.caller_stop) {
		snprintf_cut(out->ma_reason, sizeof(out->ma_reason), "stopped: the caller's input or output failed");
	} else if (m.refused) {
		out->ma_status = MEDIA_REFUSED;
	} else if (st != MEDIA_OK) {
		out->ma_status = st;
		snprintf_cut(out->ma_reason, sizeof(out->ma_reason), "%s", sr.sr_why);
	} else if (sr.sr_exit != 0 || !m.ok[OUT_WAVE] || !m.ok[OUT_PAUSES]) {
		log_info("media: the timing aids ended with exit %d", sr.sr_exit);
		snprintf_cut(out->ma_reason, sizeof(out->ma_reason), "ffmpeg could not draw the sound (exit %d)", sr.sr_exit);
	} else {
		out->ma_status = MEDIA_OK;
		out->ma_wave_bytes = m.bytes[OUT_WAVE];
		out->ma_pauses_bytes = m.bytes[OUT_PAUSES];
	}
	return out->ma_status;
}

/* ---- a machine transcription ---- */

typedef struct {
	const media_io_t *io;
	uint64_t bytes;
	bool caller_stop;
} tr_run_t;

static int
tr_read_input(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	tr_run_t *m = ctx;
	if (m->io->mi_read_input(m->io->mi_ctx, buf, cap, got) != 0) {
		m->caller_stop = true;
		return -1;
	}
	return 0;
}

static int
tr_write_output(void *ctx, int which, const uint8_t *p, size_t n)
{
	tr_run_t *m = ctx;
	if (which != 0)
		return -1;
	m->bytes += n;
	if (m->io->mi_write_output(m->io->mi_ctx, MEDIA_OUT_PAUSES, p, n) != 0) {
		m->caller_stop = true;
		return -1;
	}
	return 0;
}

static int
tr_output_end(void *ctx, int which, buf_t *control)
{
	(void)ctx, (void)which, (void)control;
	return 0;
}

/* The command's words are checked: an absolute path of [A-Za-z0-9._/-], no "..". */
static bool
tr_cmd_ok(const char *cmd)
{
	size_t n = strlen(cmd);
	if (n < 2 || n > 200 || cmd[0] != '/' || strstr(cmd, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = cmd[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		        c == '/' || c == '-'))
			return false;
	}
	return true;
}

media_status_t
media_transcribe(const media_transcribe_t *job, const media_io_t *io, media_transcribe_result_t *out)
{
	memset(out, 0, sizeof(*out));
	out->mt_status = MEDIA_ERROR;
	tr_run_t m = { io, 0, false };
	buf_t script;
	ffargs_t a;
	buf_init(&script, AIDS_SCRIPT_CAP);
	bool lang_ok = job->mt_lang[0] >= 'a' && job->mt_lang[0] <= 'z' && job->mt_lang[1] >= 'a' && job->mt_lang[1] <= 'z' &&
	    job->mt_lang[2] == '\0';
	if (!lang_ok || !job->mt_cmd || !tr_cmd_ok(job->mt_cmd) ||
	    buf_append_cstr(&script, "cat >in.mp4 || exit $?\nexec 0</dev/null\n") != 0 ||
	    ffargs_wav(&a, "file:in.mp4", "file:audio.wav") != 0 || ffargs_sh(&script, &a) != 0 ||
	    buf_append_cstr(&script, "</dev/null 3>&- 4>&- 5>&- 6>&- 7<&- || exit $?\nrm -f in.mp4\n") != 0 ||
	    buf_appendf(&script, "'%s' audio.wav %s </dev/null 4>&- 5>&- 6>&- 7<&- >&3 || exit $?\nexec 3>&-\nexit 0\n",
	        job->mt_cmd, job->mt_lang) != 0) {
		buf_free(&script);
		snprintf_cut(out->mt_reason, sizeof(out->mt_reason), "could not build the job");
		return out->mt_status;
	}
	const char *argv[] = { "/bin/sh", "-c", script.data, "sh", NULL };
	sandbox_io_t sio = {
		.sb_ctx = &m,
		.sb_read_input = tr_read_input,
		.sb_write_output = tr_write_output,
		.sb_output_end = tr_output_end,
		.sb_output_cap = { MEDIA_CAPTIONS_MAX, 0, 0, 0 },
		.sb_input_cap = job->mt_limits.ml_file_bytes,
	};
	sandbox_result_t sr;
	media_status_t st = sandbox_run(argv, &job->mt_limits, &sio, &sr);
	buf_free(&script);
	if (m.caller_stop) {
		snprintf_cut(out->mt_reason, sizeof(out->mt_reason), "stopped: the caller's input or output failed");
	} else if (st != MEDIA_OK) {
		out->mt_status = st;
		snprintf_cut(out->mt_reason, sizeof(out->mt_reason), "%s", sr.sr_why);
	} else if (sr.sr_exit != 0 || m.bytes == 0) {
		snprintf_cut(out->mt_reason, sizeof(out->mt_reason), "the transcriber ended with exit %d and %llu bytes",
		    sr.sr_exit, (unsigned long long)m.bytes);
	} else {
		out->mt_status = MEDIA_OK;
		out->mt_bytes = m.bytes;
	}
	return out->mt_status;
}
