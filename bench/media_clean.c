/* media_clean: the benchmark's driver (built by bench/media_clean.sh against build/obj).
 *   media_clean sandboxed IN OUT.mp4 OUT.jpg   media_clean() as the domain calls it: the
 *                                              whole job in bubblewrap, outputs scanned
 *   media_clean bare IN OUT.mp4 OUT.jpg        the same ffprobe, clean and poster argv
 *                                              (ffargs.c), run directly, no sandbox
 * Prints "MODE SECONDS" (wall clock) on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "media/ffargs.h"
#include "media/media.h"

typedef struct {
	FILE *in, *video, *poster;
} files_t;

static int
bench_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	files_t *f = ctx;
	*got = fread(buf, 1, cap, f->in);
	return ferror(f->in) ? -1 : 0;
}

static int
bench_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	files_t *f = ctx;
	return fwrite(p, 1, n, which == MEDIA_OUT_VIDEO ? f->video : f->poster) == n ? 0 : -1;
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
run(const ffargs_t *a, const char *out)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (out && !freopen(out, "w", stdout))
			_exit(127);
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
	if (argc != 5) {
		fprintf(stderr, "usage: media_clean sandboxed|bare IN OUT.mp4 OUT.jpg\n");
		return 2;
	}
	double t0 = now();
	if (strcmp(argv[1], "sandboxed") == 0) {
		files_t f = { fopen(argv[2], "rb"), fopen(argv[3], "wb"), fopen(argv[4], "wb") };
		if (!f.in || !f.video || !f.poster)
			return 1;
		media_job_t job = { .mj_kind = MEDIA_KIND_VIDEO, .mj_poster_ms = MEDIA_DEFAULT_POSTER_MS };
		media_limits_default(&job.mj_limits);
		media_io_t io = { &f, bench_read, bench_write };
		media_result_t r;
		media_status_t st = media_clean(&job, &io, &r);
		fclose(f.in);
		fclose(f.video);
		fclose(f.poster);
		if (st != MEDIA_OK) {
			fprintf(stderr, "media_clean: status %d: %s\n", st, r.mr_reason);
			return 1;
		}
	} else if (strcmp(argv[1], "bare") == 0) {
		char in[4096], out[4096], poster[4096];
		ffargs_t a;
		if (!snprintf_ok(in, sizeof(in), "file:%s", argv[2]) || !snprintf_ok(out, sizeof(out), "file:%s", argv[3]) ||
			!snprintf_ok(poster, sizeof(poster), "file:%s", argv[4]))
			return 1;
		/* the job's three commands: ffprobe, the clean (the input has audio), the poster */
		if (ffargs_probe(&a, in) != 0 || run(&a, "/dev/null") != 0)
			return 1;
		if (ffargs_clean(&a, in, out, true, MEDIA_DEFAULT_MAX_SECONDS, NULL) != 0 || run(&a, NULL) != 0)
			return 1;
		if (ffargs_poster(&a, out, poster, MEDIA_DEFAULT_POSTER_MS) != 0 || run(&a, NULL) != 0)
			return 1;
	} else {
		return 2;
	}
	printf("%s %.2f\n", argv[1], now() - t0);
	return 0;
}
