/* media: one cleaning job, end to end, in ONE sandbox run. The job's script first copies
 * stdin into its tmpfs and runs ffprobe (fd 3); the parent parses that and checks the
 * policy, then sends the second half of the script on the control pipe: the clean, an
 * ffprobe of the copy (fd 6), the poster, and the two files back (fds 4, 5), which
 * scan.c checks as they stream. Holds no keys and touches no disk. */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "media/ffargs.h"
#include "media/media.h"
#include "media/probe.h"
#include "media/sandbox.h"
#include "media/scan.h"

/* The job's outputs, as sandbox.h numbers them (fd = 3 + index). */
enum { OUT_PROBE = 0, OUT_VIDEO = 1, OUT_POSTER = 2, OUT_CHECK = 3 };

#define MEDIA_POSTER_CAP   (16u << 20)
#define MEDIA_SCRIPT_CAP   (64 * 1024)

/* Names inside the job's tmpfs; "file:" so that no name is read as a protocol. */
#define MEDIA_IN      "file:in"
#define MEDIA_OUT     "file:out.mp4"
#define MEDIA_POSTER  "file:poster.jpg"

typedef struct {
	const media_job_t *job;
	const media_io_t *io;
	media_result_t *out;
	buf_t probe_text, check_text;
	probe_t in, copy;
	probe_choice_t choice;
	bool probed;               /* ffprobe's text parsed */
	bool policy_ok;
	bool refused;
	bool caller_stop;
	bool video_ok, poster_ok, check_ok;
	scan_mp4_t mp4;
	scan_jpeg_t jpeg;
} media_run_t;

static void
media_refuse(media_run_t *m, media_refusal_t code, const char *detail)
{
	if (m->refused)
		return;
	m->refused = true;
	m->out->mr_refusal = code;
	snprintf_cut(m->out->mr_reason, sizeof(m->out->mr_reason), "%s",
		detail && detail[0] ? detail : media_refusal_text(code));
}

/* Appends one command, its redirections, and "stop the job if it failed". */
static int
media_script_cmd(buf_t *b, const ffargs_t *a, const char *redirect)
{
	if (ffargs_sh(b, a) || buf_append_cstr(b, redirect) || buf_append_cstr(b, " || exit $?\n"))
		return -1;
	return 0;
}

/* The first half, run at once: the input into the tmpfs, then ffprobe to fd 3, then the
 * rest of the script from the control pipe (fd 7). */
static int
media_script_probe(buf_t *b)
{
	ffargs_t a;
	if (ffargs_probe(&a, MEDIA_IN) != 0)
		return -1;
	if (buf_append_cstr(b, "cat >in || exit $?\nexec 0</dev/null\n"))
		return -1;
	if (ffargs_sh(b, &a) || buf_append_cstr(b, ">&3 4>&- 5>&- 6>&- 7<&-; rc=$?\nexec 3>&-\n[ $rc -eq 0 ] || exit $rc\n"
		"exec /bin/sh -s <&7 7<&-\n"))
		return -1;
	return 0;
}

/* The second half, sent once the policy passed: the numbers in it are ours. */
static int
media_script_clean(media_run_t *m, buf_t *b)
{
	ffargs_t a;
	uint32_t max = m->job->mj_max_seconds ? m->job->mj_max_seconds : MEDIA_DEFAULT_MAX_SECONDS;
	uint32_t dur = m->in.pr_has_duration ? m->in.pr_duration_ms : 0;
	uint32_t at = ffargs_poster_at(m->job->mj_poster_ms, dur);
	const char *quiet = "</dev/null 4>&- 5>&- 6>&-";
	if (ffargs_clean(&a, MEDIA_IN, MEDIA_OUT, m->choice.pc_audio >= 0, max) != 0 || media_script_cmd(b, &a, quiet))
		return -1;
	/* the original leaves the tmpfs as soon as it is no longer needed */
	if (buf_append_cstr(b, "rm -f in\n"))
		return -1;
	if (ffargs_probe(&a, MEDIA_OUT) != 0 || media_script_cmd(b, &a, ">&6 </dev/null 4>&- 5>&-") ||
		buf_append_cstr(b, "exec 6>&-\n"))
		return -1;
	/* The poster comes from the clean copy: upright, scaled, and our own bitstream. If
	 * the chosen time held no frame, the first frame. */
	if (ffargs_poster(&a, MEDIA_OUT, MEDIA_POSTER, at) != 0 || media_script_cmd(b, &a, quiet))
		return -1;
	if (buf_append_cstr(b, "[ -s poster.jpg ] || "))
		return -1;
	if (ffargs_poster(&a, MEDIA_OUT, MEDIA_POSTER, 0) != 0 || media_script_cmd(b, &a, quiet))
		return -1;
	if (buf_append_cstr(b, "cat out.mp4 >&4 || exit $?\nexec 4>&-\nrm -f out.mp4\n"
		"cat poster.jpg >&5 || exit $?\nexec 5>&-\nexit 0\n"))
		return -1;
	return 0;
}

static int
media_read_input(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	media_run_t *m = ctx;
	if (m->io->mi_read_input(m->io->mi_ctx, buf, cap, got) != 0) {
		m->caller_stop = true;
		return -1;
	}
	return 0;
}

static int
media_write_output(void *ctx, int which, const uint8_t *p, size_t n)
{
	media_run_t *m = ctx;
	switch (which) {
	case OUT_PROBE:
		return buf_append(&m->probe_text, p, n);
	case OUT_CHECK:
		return buf_append(&m->check_text, p, n);
	case OUT_VIDEO:
		if (scan_mp4_feed(&m->mp4, p, n) != 0) {
			media_refuse(m, MEDIA_REFUSAL_OUTPUT_CHECK, NULL);
			snprintf_cut(m->out->mr_reason, sizeof(m->out->mr_reason), "the cleaned copy failed its check: %s",
				scan_mp4_reason(&m->mp4));
			return -1;
		}
		m->out->mr_video_bytes += n;
		break;
	case OUT_POSTER:
		if (scan_jpeg_feed(&m->jpeg, p, n) != 0) {
			media_refuse(m, MEDIA_REFUSAL_OUTPUT_CHECK, NULL);
			snprintf_cut(m->out->mr_reason, sizeof(m->out->mr_reason), "the poster failed its check: %s",
				scan_jpeg_reason(&m->jpeg));
			return -1;
		}
		m->out->mr_poster_bytes += n;
		break;
	default:
		return -1;
	}
	media_out_t w = which == OUT_VIDEO ? MEDIA_OUT_VIDEO : MEDIA_OUT_POSTER;
	if (m->io->mi_write_output(m->io->mi_ctx, w, p, n) != 0) {
		m->caller_stop = true;
		return -1;
	}
	return 0;
}

/* ffprobe of the input has ended: the policy decides whether the clean runs at all. */
static int
media_probe_end(media_run_t *m, buf_t *control)
{
	sv_t t = buf_sv(&m->probe_text);
	if (t.len == 0 || probe_parse(t.p, t.len, &m->in) != 0)
		return 1;   /* ffprobe failed: the job ends; media_clean says why */
	m->probed = true;
	char detail[MEDIA_REASON_BYTES];
	media_refusal_t r = probe_check(&m->in, m->job->mj_max_seconds, &m->choice, detail, sizeof(detail));
	if (r != MEDIA_REFUSAL_NONE) {
		media_refuse(m, r, detail);
		return -1;
	}
	m->policy_ok = true;
	if (media_script_clean(m, control) != 0) {
		log_warnx("media: could not build the cleaning script");
		return -1;
	}
	return 1;
}

/* ffprobe of the copy has ended: the copy must be what ffargs_clean asked for. */
static int
media_check_end(media_run_t *m)
{
	sv_t t = buf_sv(&m->check_text);
	char detail[MEDIA_REASON_BYTES - 40];
	uint32_t max = m->job->mj_max_seconds ? m->job->mj_max_seconds : MEDIA_DEFAULT_MAX_SECONDS;
	if (t.len == 0)
		return 0;   /* the clean failed before: the exit code says so */
	if (probe_parse(t.p, t.len, &m->copy) != 0 || probe_check_output(&m->copy, detail, sizeof(detail)) != 0) {
		if (!m->copy.pr_format[0])
			snprintf_cut(detail, sizeof(detail), "ffprobe could not read it");
		media_refuse(m, MEDIA_REFUSAL_OUTPUT_CHECK, NULL);
		snprintf_cut(m->out->mr_reason, sizeof(m->out->mr_reason), "the cleaned copy failed its check: %s", detail);
		return -1;
	}
	uint32_t got = m->copy.pr_has_duration ? m->copy.pr_duration_ms : 0;
	if (got > max * 1000 + 500) {
		snprintf_cut(detail, sizeof(detail), "too long: more than %u s (limit %u s)", max, max);
		media_refuse(m, MEDIA_REFUSAL_TOO_LONG, detail);
		return -1;
	}
	/* A file cut short but with its index intact (moov first) decodes to a short copy. */
	if (m->in.pr_has_duration && (uint64_t)got + 1000 + m->in.pr_duration_ms / 10 < m->in.pr_duration_ms) {
		snprintf_cut(detail, sizeof(detail), "damaged: it ends after %u s of %u s", got / 1000,
			(m->in.pr_duration_ms + 999) / 1000);
		media_refuse(m, MEDIA_REFUSAL_DAMAGED, detail);
		return -1;
	}
	m->check_ok = true;
	return 0;
}

static int
media_output_end(void *ctx, int which, buf_t *control)
{
	media_run_t *m = ctx;
	switch (which) {
	case OUT_PROBE:
		return media_probe_end(m, control);
	case OUT_CHECK:
		return media_check_end(m);
	case OUT_VIDEO:
		if (m->out->mr_video_bytes == 0)
			return 0;   /* nothing came: the clean failed, and the exit code says so */
		if (scan_mp4_end(&m->mp4) != 0) {
			media_refuse(m, MEDIA_REFUSAL_OUTPUT_CHECK, NULL);
			snprintf_cut(m->out->mr_reason, sizeof(m->out->mr_reason), "the cleaned copy failed its check: %s",
				scan_mp4_reason(&m->mp4));
			return -1;
		}
		m->video_ok = true;
		return 0;
	case OUT_POSTER:
		if (m->out->mr_poster_bytes == 0)
			return 0;
		if (scan_jpeg_end(&m->jpeg) != 0) {
			media_refuse(m, MEDIA_REFUSAL_OUTPUT_CHECK, NULL);
			snprintf_cut(m->out->mr_reason, sizeof(m->out->mr_reason), "the poster failed its check: %s",
				scan_jpeg_reason(&m->jpeg));
			return -1;
		}
		m->poster_ok = true;
		return 0;
	default:
		return 0;
	}
}

media_status_t
media_clean(const media_job_t *job, const media_io_t *io, media_result_t *out)
{
	memset(out, 0, sizeof(*out));
	out->mr_status = MEDIA_ERROR;
	media_run_t m;
	memset(&m, 0, sizeof(m));
	m.job = job;
	m.io = io;
	m.out = out;
	m.choice.pc_video = m.choice.pc_audio = -1;
	buf_init(&m.probe_text, PROBE_MAX_TEXT);
	buf_init(&m.check_text, PROBE_MAX_TEXT);
	scan_mp4_init(&m.mp4);
	scan_jpeg_init(&m.jpeg);

	buf_t script;
	buf_init(&script, MEDIA_SCRIPT_CAP);
	if (job->mj_kind != MEDIA_KIND_VIDEO || media_script_probe(&script) != 0) {
		buf_free(&script);
		snprintf_cut(out->mr_reason, sizeof(out->mr_reason), "could not build the job");
		return out->mr_status;
	}
	const char *argv[] = { "/bin/sh", "-c", script.data, "sh", NULL };
	sandbox_io_t sio = {
		.sb_ctx = &m,
		.sb_read_input = media_read_input,
		.sb_write_output = media_write_output,
		.sb_output_end = media_output_end,
		.sb_output_cap = { PROBE_MAX_TEXT, job->mj_limits.ml_file_bytes, MEDIA_POSTER_CAP, PROBE_MAX_TEXT },
		.sb_input_cap = job->mj_limits.ml_file_bytes,
	};
	sandbox_result_t sr;
	media_status_t st = sandbox_run(argv, &job->mj_limits, &sio, &sr);
	buf_free(&script);

	if (m.caller_stop) {
		out->mr_status = MEDIA_ERROR;
		snprintf_cut(out->mr_reason, sizeof(out->mr_reason), "stopped: the caller's input or output failed");
	} else if (m.refused) {
		out->mr_status = MEDIA_REFUSED;
	} else if (st != MEDIA_OK) {
		out->mr_status = st;
		out->mr_limit = sr.sr_limit;
		snprintf_cut(out->mr_reason, sizeof(out->mr_reason), "%s", sr.sr_why);
	} else if (!m.probed) {
		media_refuse(&m, MEDIA_REFUSAL_NOT_VIDEO, NULL);
		out->mr_status = MEDIA_REFUSED;
	} else if (sr.sr_exit != 0 || !m.check_ok) {
		/* ffprobe read it, the policy let it through, and ffmpeg could not convert it */
		log_info("media: the clean ended with exit %d", sr.sr_exit);
		media_refuse(&m, MEDIA_REFUSAL_DAMAGED, NULL);
		out->mr_status = MEDIA_REFUSED;
	} else if (!m.video_ok || !m.poster_ok) {
		out->mr_status = MEDIA_ERROR;
		snprintf_cut(out->mr_reason, sizeof(out->mr_reason), "the job ended without both outputs");
	} else {
		out->mr_status = MEDIA_OK;
		out->mr_reason[0] = '\0';
		out->mr_duration_ms = m.copy.pr_has_duration ? m.copy.pr_duration_ms : 0;
		for (unsigned i = 0; i < m.copy.pr_nstreams; i++)
			if (m.copy.pr_stream[i].ps_kind == PROBE_VIDEO) {
				out->mr_width = m.copy.pr_stream[i].ps_width;
				out->mr_height = m.copy.pr_stream[i].ps_height;
			}
		out->mr_input_had_audio = m.choice.pc_audio >= 0;
	}
	if (out->mr_status == MEDIA_REFUSED && out->mr_refusal == MEDIA_REFUSAL_NONE)
		out->mr_refusal = MEDIA_REFUSAL_DAMAGED;
	buf_free(&m.probe_text);
	buf_free(&m.check_text);
	return out->mr_status;
}
