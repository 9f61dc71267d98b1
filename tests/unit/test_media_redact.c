/* test_media_redact: a testimony's redaction through the real media worker (issue 14):
 * the voice comes out at another pitch (measured on the decoded sound), a box covers its
 * region of the picture while it shows and only then (measured on decoded pixels), the
 * card covers everything, the poster is taken from the covered copy, and the copy still
 * passes the worker's metadata scan (media_clean answers MEDIA_OK only then). Runs in
 * the sandbox, or without it (saying so) where bubblewrap cannot make namespaces. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "media/media.h"

static char dir[] = "/tmp/sava-redact-test.XXXXXX";
static bool no_sandbox;

/* Runs argv (ffmpeg, outside any sandbox: fixtures and measurements); stdout into out. */
static int
run_capture(const char *const *argv, buf_t *out)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		close(p[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	char b[65536];
	ssize_t k;
	while ((k = read(p[0], b, sizeof(b))) > 0)
		if (out && buf_append(out, b, (size_t)k) != 0)
			break;
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
path_of(char *out, size_t len, const char *name)
{
	if (!snprintf_ok(out, len, "%s/%s", dir, name))
		abort();
}

static bool
write_file(const char *path, const buf_t *b)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(b->data, 1, b->len, f) == b->len;
	return fclose(f) == 0 && ok;
}

/* ---- one job ---- */

typedef struct {
	FILE *in;
	buf_t video, poster;
} job_t;

static int
job_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	job_t *j = ctx;
	*got = fread(buf, 1, cap, j->in);
	return ferror(j->in) ? -1 : 0;
}

static int
job_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	job_t *j = ctx;
	return buf_append(which == MEDIA_OUT_VIDEO ? &j->video : &j->poster, p, n);
}

static media_status_t
redact(const char *input, const media_redact_t *r, job_t *j, media_result_t *res)
{
	media_job_t job = { .mj_kind = MEDIA_KIND_VIDEO, .mj_poster_ms = 1000, .mj_redact = r };
	media_limits_default(&job.mj_limits);
	job.mj_limits.ml_no_sandbox = no_sandbox;
	job.mj_limits.ml_wall_seconds = 120;
	buf_init(&j->video, 64 << 20);
	buf_init(&j->poster, 16 << 20);
	j->in = fopen(input, "rb");
	if (!j->in)
		return MEDIA_ERROR;
	media_io_t io = { j, job_read, job_write };
	media_status_t st = media_clean(&job, &io, res);
	fclose(j->in);
	return st;
}

static void
job_free(job_t *j)
{
	buf_free(&j->video);
	buf_free(&j->poster);
}

/* ---- measurements ---- */

/* The sound's main frequency, in Hz, from zero crossings of the decoded mono samples
 * between 0.5 s and 2.5 s (a sine stays a sine through the pitch shift). */
static double
pitch_of(const char *file)
{
	const char *argv[] = { "/usr/bin/ffmpeg", "-v", "error", "-i", file, "-vn", "-ac", "1", "-ar", "48000", "-ss",
		"0.5", "-t", "2", "-f", "s16le", "-", NULL };
	buf_t pcm;
	buf_init(&pcm, 16 << 20);
	double hz = -1;
	if (run_capture(argv, &pcm) == 0 && pcm.len >= 48000 * 2) {
		size_t n = pcm.len / 2, crossings = 0;
		const int16_t *s = (const int16_t *)(const void *)pcm.data;
		for (size_t i = 1; i < n; i++)
			crossings += (s[i - 1] < 0) != (s[i] < 0);
		hz = (double)crossings / 2.0 / ((double)n / 48000.0);
	}
	buf_free(&pcm);
	return hz;
}

/* The frame at at_s, decoded to RGB24 (w x h of the copy). */
static bool
frame_of(const char *file, const char *at_s, buf_t *rgb)
{
	const char *seek[] = { "/usr/bin/ffmpeg", "-v", "error", "-ss", at_s, "-i", file, "-frames:v", "1", "-f", "rawvideo",
		"-pix_fmt", "rgb24", "-", NULL };
	const char *still[] = { "/usr/bin/ffmpeg", "-v", "error", "-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt",
		"rgb24", "-", NULL };   /* a picture (the poster): no seeking */
	buf_init(rgb, 16 << 20);
	return run_capture(at_s ? seek : still, rgb) == 0 && rgb->len > 0;
}

/* Share of the pixels in [x0,x1) x [y0,y1) within 40 of colour c on every channel. */
static double
share_near(const buf_t *rgb, unsigned w, unsigned h, unsigned x0, unsigned y0, unsigned x1, unsigned y1, const uint8_t c[3])
{
	size_t near = 0, all = 0;
	if (rgb->len != (size_t)w * h * 3)
		return -1;
	for (unsigned y = y0; y < y1; y++)
		for (unsigned x = x0; x < x1; x++) {
			const uint8_t *p = (const uint8_t *)rgb->data + ((size_t)y * w + x) * 3;
			all++;
			near += abs(p[0] - c[0]) < 40 && abs(p[1] - c[1]) < 40 && abs(p[2] - c[2]) < 40;
		}
	return all ? (double)near / (double)all : -1;
}

static const uint8_t black[3] = { 0, 0, 0 };
static const uint8_t card[3] = { 0x2f, 0x5f, 0x4f };

static void
test_voice_and_boxes(const char *input)
{
	char out[256], poster[256];
	job_t j;
	media_result_t res;
	path_of(out, sizeof(out), "voice.mp4");
	path_of(poster, sizeof(poster), "voice.jpg");
	/* the top-left quarter covered for the whole clip; the bottom-right quarter only
	 * from 2 s on */
	media_redact_t r = { .mr_voice = true, .mr_nboxes = 2 };
	r.mr_boxes[0] = (media_box_t){ 0, 60000, 0, 0, 500, 500 };
	r.mr_boxes[1] = (media_box_t){ 2000, 60000, 500, 500, 500, 500 };
	media_status_t st = redact(input, &r, &j, &res);
	CHECK(st == MEDIA_OK);
	if (st != MEDIA_OK) {
		fprintf(stderr, "redact: %d %s\n", (int)st, res.mr_reason);
		job_free(&j);
		return;
	}
	CHECK(res.mr_width == 320 && res.mr_height == 240);
	CHECK(write_file(out, &j.video) && write_file(poster, &j.poster));
	double before = pitch_of(input), after = pitch_of(out);
	printf("pitch: original %.1f Hz, redacted %.1f Hz\n", before, after);
	CHECK(before > 430 && before < 450);
	CHECK(after > 0 && (after - before * 0.78 < 15 && before * 0.78 - after < 15));   /* his voice is not his voice */
	buf_t f;
	CHECK(frame_of(out, "1.0", &f));
	CHECK(share_near(&f, 320, 240, 0, 0, 160, 120, black) > 0.99);     /* covered */
	CHECK(share_near(&f, 320, 240, 160, 120, 320, 240, black) < 0.5);  /* not yet */
	CHECK(share_near(&f, 320, 240, 160, 0, 320, 120, black) < 0.5);    /* never */
	buf_free(&f);
	CHECK(frame_of(out, "2.5", &f));
	CHECK(share_near(&f, 320, 240, 0, 0, 160, 120, black) > 0.99);
	CHECK(share_near(&f, 320, 240, 160, 120, 320, 240, black) > 0.99); /* now covered */
	buf_free(&f);
	/* the poster comes from the covered copy */
	CHECK(j.poster.len > 0 && frame_of(poster, NULL, &f));
	CHECK(share_near(&f, 320, 240, 0, 0, 160, 120, black) > 0.98);
	buf_free(&f);
	job_free(&j);
}

static void
test_card(const char *input)
{
	char out[256];
	job_t j;
	media_result_t res;
	path_of(out, sizeof(out), "card.mp4");
	media_redact_t r = { .mr_still = true };
	media_status_t st = redact(input, &r, &j, &res);
	CHECK(st == MEDIA_OK);
	if (st == MEDIA_OK) {
		CHECK(write_file(out, &j.video));
		double before = pitch_of(input), after = pitch_of(out);
		CHECK((after - before < 10 && before - after < 10));   /* the card alone leaves the voice as it was */
		buf_t f;
		CHECK(frame_of(out, "1.5", &f));
		CHECK(share_near(&f, 320, 240, 0, 0, 320, 240, card) > 0.99);
		buf_free(&f);
	}
	job_free(&j);
	/* a box outside the picture never reaches ffmpeg */
	r.mr_still = false;
	r.mr_nboxes = 1;
	r.mr_boxes[0] = (media_box_t){ 0, 1000, 800, 0, 300, 100 };
	CHECK(redact(input, &r, &j, &res) != MEDIA_OK);
	job_free(&j);
}

int
main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char input[256];
	path_of(input, sizeof(input), "told.mp4");
	const char *make[] = { "/usr/bin/ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
		"testsrc=duration=3:size=320x240:rate=15", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:v",
		"libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-metadata",
		"location=+52.2297+021.0122/", input, NULL };
	CHECK(run_capture(make, NULL) == 0);
	/* bubblewrap where it can run; else the same job without it, said plainly */
	job_t j;
	media_result_t res;
	media_redact_t none = { .mr_voice = false };
	if (redact(input, &none, &j, &res) == MEDIA_NO_SANDBOX) {
		printf("test_media_redact: bubblewrap cannot make namespaces here: running without the sandbox\n");
		no_sandbox = true;
	}
	job_free(&j);
	test_voice_and_boxes(input);
	test_card(input);
	const char *const names[] = { "told.mp4", "voice.mp4", "voice.jpg", "card.mp4", NULL };
	for (size_t i = 0; names[i]; i++) {
		char p[256];
		path_of(p, sizeof(p), names[i]);
		unlink(p);
	}
	rmdir(dir);
	return check_done("media_redact");
}
