/* test_media_burn: captions burned in for real, through the sandbox. A frame inside the
 * cue differs from the clean video's same frame in the lower third (the text is there),
 * a frame outside any cue matches it (nothing else changed); both shapes have their
 * sizes, one video and one audio stream, and pass the metadata checks. Runs without
 * bubblewrap (and says so) only where it cannot make namespaces. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "media/ffargs.h"
#include "media/media.h"
#include "media/scan.h"

static char dir[] = "/tmp/sava-burn-test.XXXXXX";

static const char captions[] = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nТы можаш адмовіцца. Ўсё будзе добра.\n";

/* argv's stdout into out (NULL: thrown away); its exit code. */
static int
run(const char *const *argv, buf_t *out)
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

typedef struct {
	FILE *in;
	size_t cap_off;
	buf_t wide, tall;
} io_t;

static int
io_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	io_t *c = ctx;
	if (c->cap_off < strlen(captions)) {   /* the captions first, then the video */
		size_t n = strlen(captions) - c->cap_off < cap ? strlen(captions) - c->cap_off : cap;
		memcpy(buf, captions + c->cap_off, n);
		c->cap_off += n;
		*got = n;
		return 0;
	}
	*got = fread(buf, 1, cap, c->in);
	return ferror(c->in) ? -1 : 0;
}

static int
io_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	io_t *c = ctx;
	return buf_append(which == MEDIA_OUT_WIDE ? &c->wide : &c->tall, p, n);
}

/* One frame at second t (the graph first, if any), as raw yuv420p: the luma plane
 * first, untouched by any range conversion. */
static bool
frame(const char *path, const char *t, const char *graph, buf_t *out)
{
	const char *argv[] = { FFARGS_FFMPEG, "-v", "error", "-i", path, "-ss", t, "-frames:v", "1",
		graph ? "-vf" : "-sn", graph ? graph : "-dn", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-", NULL };
	return run(argv, out) == 0;
}

/* Mean absolute difference of the lower third of two w x h luma frames. */
static double
lower_third_diff(const buf_t *a, const buf_t *b, unsigned w, unsigned h)
{
	if (a->len != (size_t)w * h * 3 / 2 || b->len != (size_t)w * h * 3 / 2)
		return -1;
	uint64_t sum = 0, n = 0;
	for (size_t i = (size_t)w * (h * 2 / 3); i < (size_t)w * h; i++, n++)
		sum += (uint64_t)abs((int)(uint8_t)a->data[i] - (int)(uint8_t)b->data[i]);
	return (double)sum / (double)n;
}

static void
check_shape(const char *path, const char *clean, unsigned w, unsigned h, const char *fit)
{
	/* one video of w x h and one audio, nothing that dates or locates it */
	const char *probe[] = { FFARGS_FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "flat", path, NULL };
	buf_t o;
	buf_init(&o, 1 << 20);
	CHECK(run(probe, &o) == 0);
	char want[64];
	CHECK(snprintf_ok(want, sizeof(want), "width=%u\n", w) && memmem(o.data, o.len, want, strlen(want)));
	CHECK(snprintf_ok(want, sizeof(want), "height=%u\n", h) && memmem(o.data, o.len, want, strlen(want)));
	CHECK(memmem(o.data, o.len, "streams.stream.2.", 17) == NULL && memmem(o.data, o.len, "codec_type=\"audio\"", 18));
	CHECK(memmem(o.data, o.len, "tags.creation_time", 18) == NULL && memmem(o.data, o.len, "tags.location", 13) == NULL);
	buf_free(&o);
	const char *exif[] = { "/usr/bin/exiftool", "-a", "-G1", "-ee", "-j", path, NULL };
	buf_init(&o, 1 << 20);
	CHECK(run(exif, &o) == 0 && o.len > 100);
	CHECK(memmem(o.data, o.len, "GPS", 3) == NULL && memmem(o.data, o.len, "\"Make\"", 6) == NULL);
	buf_free(&o);

	/* inside the cue the captions are in the lower third; outside, the same picture */
	buf_t in_b, in_c, out_b, out_c;
	buf_init(&in_b, 8 << 20);
	buf_init(&in_c, 8 << 20);
	buf_init(&out_b, 8 << 20);
	buf_init(&out_c, 8 << 20);
	CHECK(frame(path, "1.5", NULL, &in_b) && frame(clean, "1.5", fit, &in_c));
	CHECK(frame(path, "2.6", NULL, &out_b) && frame(clean, "2.6", fit, &out_c));
	double inside = lower_third_diff(&in_b, &in_c, w, h);
	double outside = lower_third_diff(&out_b, &out_c, w, h);
	printf("burn %ux%u: lower third differs by %.2f inside the cue, %.2f outside\n", w, h, inside, outside);
	CHECK(inside > 3.0);
	CHECK(outside >= 0 && outside < 1.5);
	buf_free(&in_b);
	buf_free(&in_c);
	buf_free(&out_b);
	buf_free(&out_c);
}

static bool
write_ok(const char *path, const buf_t *b)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(b->data, 1, b->len, f) == b->len;
	return fclose(f) == 0 && ok;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int
main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char clean[600], wide[600], tall[600];
	CHECK(snprintf_ok(clean, sizeof(clean), "%s/clean.mp4", dir) && snprintf_ok(wide, sizeof(wide), "%s/w.mp4", dir) &&
	      snprintf_ok(tall, sizeof(tall), "%s/t.mp4", dir));
	/* a clean video as media_clean makes them: H.264 and AAC, nothing else */
	const char *mk[] = { FFARGS_FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=duration=3:size=640x360:rate=25",
		"-f", "lavfi", "-i", "sine=duration=3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-shortest", "-map_metadata", "-1", "-fflags", "+bitexact", clean, NULL };
	CHECK(run(mk, NULL) == 0);

	media_burn_t job = { .mb_captions_bytes = (uint32_t)strlen(captions) };
	media_limits_default(&job.mb_limits);
	media_burn_result_t r;
	io_t c = { 0 };
	media_io_t io = { &c, io_read, io_write };
	media_status_t st = MEDIA_ERROR;
	for (int attempt = 0; attempt < 2; attempt++) {
		c.in = fopen(clean, "rb");
		c.cap_off = 0;
		buf_init(&c.wide, 64 << 20);
		buf_init(&c.tall, 64 << 20);
		CHECK(c.in != NULL);
		if (!c.in)
			break;
		st = media_burn(&job, &io, &r);
		fclose(c.in);
		if (st != MEDIA_NO_SANDBOX)
			break;
		printf("test_media_burn: bubblewrap cannot make namespaces here (%s): without it\n", r.mb_reason);
		buf_free(&c.wide);
		buf_free(&c.tall);
		job.mb_limits.ml_no_sandbox = true;
	}
	CHECK(r.mb_reason[0] == '\0');
	CHECK(st == MEDIA_OK && r.mb_wide_bytes == c.wide.len && r.mb_tall_bytes == c.tall.len);
	CHECK(write_ok(wide, &c.wide) && write_ok(tall, &c.tall));
	if (st == MEDIA_OK) {
		check_shape(wide, clean, 1280, 720,
			"scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1");
		check_shape(tall, clean, 720, 1280,
			"scale=720:1280:force_original_aspect_ratio=decrease,pad=720:1280:(ow-iw)/2:(oh-ih)/2,setsar=1");
	}
	buf_free(&c.wide);
	buf_free(&c.tall);

	/* a length past the limit, or none: no job at all */
	job.mb_captions_bytes = 0;
	CHECK(media_burn(&job, &io, &r) == MEDIA_ERROR);
	job.mb_captions_bytes = MEDIA_CAPTIONS_MAX + 1;
	CHECK(media_burn(&job, &io, &r) == MEDIA_ERROR);

	if (!getenv("KEEP"))
		nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return check_done("media_burn");
}
