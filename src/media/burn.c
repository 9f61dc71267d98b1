/* burn: captions burned into a clean video, both shapes, in ONE sandbox run. The job's
 * script takes the WebVTT off the front of stdin (dd, one byte at a time, so not a byte
 * of the video is swallowed with it), then the video, renders the 16:9 and the 9:16 copy
 * with libass, and sends them back on fds 3 and 4, which scan.c checks as they stream.
 * Holds no keys and touches no disk. */
#include <string.h>

#include "core/log.h"
#include "media/ffargs.h"
#include "media/media.h"
#include "media/sandbox.h"
#include "media/scan.h"

enum { OUT_WIDE = 0, OUT_TALL = 1 };

#define BURN_SCRIPT_CAP (16 * 1024)
#define BURN_IN         "file:in.mp4"
#define BURN_CAPTIONS   "captions.vtt"
#define BURN_WIDE       "file:wide.mp4"
#define BURN_TALL       "file:tall.mp4"

typedef struct {
	const media_io_t *io;
	media_burn_result_t *out;
	scan_mp4_t scan[2];
	uint64_t bytes[2];
	bool ok[2];
	bool refused, caller_stop;
} burn_run_t;

static int
burn_cmd(buf_t *b, const ffargs_t *a)
{
	return ffargs_sh(b, a) || buf_append_cstr(b, "</dev/null 3>&- 4>&- 5>&- 6>&- 7<&- || exit $?\n") ? -1 : 0;
}

static int
burn_script(buf_t *b, uint32_t captions_bytes)
{
	char head[160];
	ffargs_t a;
	if (!snprintf_ok(head, sizeof(head),
	        "dd of=" BURN_CAPTIONS " bs=1 count=%u status=none || exit $?\ncat >in.mp4 || exit $?\nexec 0</dev/null\n",
	        captions_bytes) ||
	    buf_append_cstr(b, head))
		return -1;
	if (ffargs_burn(&a, BURN_IN, BURN_CAPTIONS, BURN_WIDE, false) != 0 || burn_cmd(b, &a) ||
	    ffargs_burn(&a, BURN_IN, BURN_CAPTIONS, BURN_TALL, true) != 0 || burn_cmd(b, &a))
		return -1;
	return buf_append_cstr(b, "rm -f in.mp4\ncat wide.mp4 >&3 || exit $?\nexec 3>&-\nrm -f wide.mp4\n"
	                          "cat tall.mp4 >&4 || exit $?\nexec 4>&-\nexit 0\n");
}

static int
burn_read_input(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	burn_run_t *m = ctx;
	if (m->io->mi_read_input(m->io->mi_ctx, buf, cap, got) != 0) {
		m->caller_stop = true;
		return -1;
	}
	return 0;
}

static void
burn_refuse(burn_run_t *m, int which)
{
	m->refused = true;
	snprintf_cut(m->out->mb_reason, sizeof(m->out->mb_reason), "the %s copy failed its check: %s",
		which == OUT_WIDE ? "16:9" : "9:16", scan_mp4_reason(&m->scan[which]));
}

static int
burn_write_output(void *ctx, int which, const uint8_t *p, size_t n)
{
	burn_run_t *m = ctx;
	if (which != OUT_WIDE && which != OUT_TALL)
		return -1;
	if (scan_mp4_feed(&m->scan[which], p, n) != 0) {
		burn_refuse(m, which);
		return -1;
	}
	m->bytes[which] += n;
	if (m->io->mi_write_output(m->io->mi_ctx, which == OUT_WIDE ? MEDIA_OUT_WIDE : MEDIA_OUT_TALL, p, n) != 0) {
		m->caller_stop = true;
		return -1;
	}
	return 0;
}

static int
burn_output_end(void *ctx, int which, buf_t *control)
{
	burn_run_t *m = ctx;
	(void)control;
	if ((which != OUT_WIDE && which != OUT_TALL) || m->bytes[which] == 0)
		return 0;   /* nothing came: the exit code says why */
	if (scan_mp4_end(&m->scan[which]) != 0) {
		burn_refuse(m, which);
		return -1;
	}
	m->ok[which] = true;
	return 0;
}

media_status_t
media_burn(const media_burn_t *job, const media_io_t *io, media_burn_result_t *out)
{
	memset(out, 0, sizeof(*out));
	out->mb_status = MEDIA_ERROR;
	burn_run_t m;
	memset(&m, 0, sizeof(m));
	m.io = io;
	m.out = out;
	scan_mp4_init(&m.scan[0]);
	scan_mp4_init(&m.scan[1]);
	buf_t script;
	buf_init(&script, BURN_SCRIPT_CAP);
	if (job->mb_captions_bytes == 0 || job->mb_captions_bytes > MEDIA_CAPTIONS_MAX ||
	    burn_script(&script, job->mb_captions_bytes) != 0) {
		buf_free(&script);
		snprintf_cut(out->mb_reason, sizeof(out->mb_reason), "could not build the job");
		return out->mb_status;
	}
	const char *argv[] = { "/bin/sh", "-c", script.data, "sh", NULL };
	sandbox_io_t sio = {
		.sb_ctx = &m,
		.sb_read_input = burn_read_input,
		.sb_write_output = burn_write_output,
		.sb_output_end = burn_output_end,
		.sb_output_cap = { job->mb_limits.ml_file_bytes, job->mb_limits.ml_file_bytes, 0, 0 },
		.sb_input_cap = job->mb_limits.ml_file_bytes + MEDIA_CAPTIONS_MAX,
	};
	sandbox_result_t sr;
	media_status_t st = sandbox_run(argv, &job->mb_limits, &sio, &sr);
	buf_free(&script);
	if (m.caller_stop) {
		snprintf_cut(out->mb_reason, sizeof(out->mb_reason), "stopped: the caller's input or output failed");
	} else if (m.refused) {
		out->mb_status = MEDIA_REFUSED;
	} else if (st != MEDIA_OK) {
		out->mb_status = st;
		snprintf_cut(out->mb_reason, sizeof(out->mb_reason), "%s", sr.sr_why);
	} else if (sr.sr_exit != 0 || !m.ok[0] || !m.ok[1]) {
		log_info("media: the burn-in ended with exit %d", sr.sr_exit);
		snprintf_cut(out->mb_reason, sizeof(out->mb_reason), "ffmpeg could not render the captions (exit %d)",
			sr.sr_exit);
	} else {
		out->mb_status = MEDIA_OK;
		out->mb_wide_bytes = m.bytes[0];
		out->mb_tall_bytes = m.bytes[1];
	}
	return out->mb_status;
}
