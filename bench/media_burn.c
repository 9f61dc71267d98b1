/* media_burn: the burn-in benchmark's driver (built by bench/media_burn.sh against
 * build/obj).
 *   media_burn sandboxed IN.mp4 CAPTIONS.vtt WIDE.mp4 TALL.mp4   media_burn() as the
 *        domain calls it: captions and video through a pipe into the job's tmpfs, both
 *        shapes rendered in bubblewrap, streamed back and scanned
 *   media_burn bare IN.mp4 CAPTIONS.vtt WIDE.mp4 TALL.mp4        the same two ffmpeg
 *        argv (ffargs_burn), run directly in CAPTIONS' folder, no sandbox
 * Prints "MODE SECONDS" (wall clock) on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "media/ffargs.h"
#include "media/media.h"

typedef struct {
	FILE *captions, *in, *wide, *tall;
} files_t;

static int
bench_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	files_t *f = ctx;
	*got = fread(buf, 1, cap, f->captions);   /* the captions first, then the video */
	if (*got == 0)
		*got = fread(buf, 1, cap, f->in);
	return ferror(f->in) || ferror(f->captions) ? -1 : 0;
}

static int
bench_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	files_t *f = ctx;
	return fwrite(p, 1, n, which == MEDIA_OUT_WIDE ? f->wide : f->tall) == n ? 0 : -1;
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
run(const ffargs_t *a)
{
	pid_t pid = fork();
	if (pid == 0) {
		execv(a->fa_argv[0], (char *const *)a->fa_argv);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: media_burn sandboxed|bare IN.mp4 CAPTIONS.vtt WIDE.mp4 TALL.mp4\n");
		return 2;
	}
	double t0 = now();
	if (strcmp(argv[1], "sandboxed") == 0) {
		struct stat st;
		files_t f = { fopen(argv[3], "rb"), fopen(argv[2], "rb"), fopen(argv[4], "wb"), fopen(argv[5], "wb") };
		if (!f.captions || !f.in || !f.wide || !f.tall || stat(argv[3], &st) != 0)
			return 1;
		media_burn_t job = { .mb_captions_bytes = (uint32_t)st.st_size };
		media_limits_default(&job.mb_limits);
		media_io_t io = { &f, bench_read, bench_write };
		media_burn_result_t r;
		media_status_t s = media_burn(&job, &io, &r);
		fclose(f.captions);
		fclose(f.in);
		fclose(f.wide);
		fclose(f.tall);
		if (s != MEDIA_OK) {
			fprintf(stderr, "media_burn: status %d: %s\n", s, r.mb_reason);
			return 1;
		}
	} else if (strcmp(argv[1], "bare") == 0) {
		char in[4096], wide[4096], tall[4096];
		ffargs_t a;
		const char *slash = strrchr(argv[3], '/');
		if (!slash || !snprintf_ok(in, sizeof(in), "file:%s", argv[2]) ||
			!snprintf_ok(wide, sizeof(wide), "file:%s", argv[4]) || !snprintf_ok(tall, sizeof(tall), "file:%s", argv[5]))
			return 1;
		/* the captions file by its bare name, as in the job's folder */
		char folder[4096];
		if (!snprintf_ok(folder, sizeof(folder), "%.*s", (int)(slash - argv[3]), argv[3]) || chdir(folder) != 0)
			return 1;
		if (ffargs_burn(&a, in, slash + 1, wide, false) != 0 || run(&a) != 0 ||
			ffargs_burn(&a, in, slash + 1, tall, true) != 0 || run(&a) != 0)
			return 1;
	} else {
		return 2;
	}
	printf("%s %.2f\n", argv[1], now() - t0);
	return 0;
}
