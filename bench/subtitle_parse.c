/* subtitle_parse: times parse/webvtt (and parse/srt) over one file, N rounds, and prints
 * the best and median MB/s. Built by bench/subtitle_parse.sh against build/obj.
 *   subtitle_parse vtt|srt FILE ROUNDS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "parse/srt.h"
#include "parse/webvtt.h"

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	FILE *f = fopen(argv[2], "rb");
	if (!f)
		return 1;
	static char data[SUB_INPUT_MAX];
	size_t n = fread(data, 1, sizeof(data), f);
	fclose(f);
	uint64_t r64;
	if (num_parse_u64(sv_from_cstr(argv[3]), 1, 100000, &r64) != 0) {
		fprintf(stderr, "ROUNDS: a number from 1 to 100000\n");
		return 2;
	}
	int rounds = (int)r64;
	bool srt = strcmp(argv[1], "srt") == 0;
	double *t = calloc((size_t)rounds, sizeof(double));
	size_t cues = 0;
	for (int r = 0; r < rounds; r++) {
		sub_doc_t d;
		size_t line;
		sub_doc_init(&d);
		double t0 = now();
		sub_err_t e = srt ? srt_parse((sv_t){ data, n }, 0, &d, &line) : webvtt_parse((sv_t){ data, n }, &d, &line);
		t[r] = now() - t0;
		if (e != SUB_OK)
			return 1;
		cues = d.ncues;
		sub_doc_free(&d);
	}
	qsort(t, (size_t)rounds, sizeof(double), cmp);
	printf("sava %s: %zu bytes, %zu cues; best %.1f MB/s, median %.1f MB/s (%.2f ms)\n", argv[1], n, cues,
	    (double)n / t[0] / 1e6, (double)n / t[rounds / 2] / 1e6, t[rounds / 2] * 1e3);
	free(t);
	return 0;
}
