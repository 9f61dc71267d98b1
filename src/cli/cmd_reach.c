/* cmd_reach: `sava reach import DIR FILE [--platform P]` reads one platform export file
 * into the instance (all of it, or nothing: the first bad line is named), and `sava
 * reach totals DIR` prints the latest views per platform and their total. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "domain/reach.h"

static const char usage_reach[] =
"usage: sava reach import DIR FILE [--platform P]\n"
"       sava reach totals DIR\n"
"\n"
"import reads one export file of view counts, its layout told from its bytes: sava's\n"
"generic CSV (docs/formats.md), YouTube Studio's Table data, Chart data and Totals,\n"
"TikTok Studio's Content and Overview, Meta Business Suite's per-post exports and daily\n"
"metric files. It prints the rows read, the counts added and those already known;\n"
"or the first bad line with its number, and then nothing is imported. --platform names\n"
"the platform of a file that does not say (Meta's daily files).\n"
"\n"
"totals prints the latest views of every post per platform, one \"PLATFORM VIEWS\" line\n"
"each, then \"total VIEWS\" (the metrics of [campaign] metrics in sava.conf).\n";

/* The whole file, at most REACH_FILE_MAX bytes (one more says it is larger). */
static uint8_t *
file_slurp(const char *path, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	uint8_t *p = malloc(cap);
	while (p) {
		if (len == cap) {
			if (cap > REACH_FILE_MAX) {
				break;
			}
			uint8_t *q = realloc(p, cap * 2);
			if (!q) {
				free(p);
				p = NULL;
				break;
			}
			p = q;
			cap *= 2;
		}
		ssize_t k = read(fd, p + len, cap - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			free(p);
			p = NULL;
			break;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	close(fd);
	*n = len;
	return p;
}

static int
reach_import_cmd(const char *dir, const char *file, const char *platform)
{
	app_t app;
	size_t n;
	reach_import_t r;
	uint8_t *p = file_slurp(file, &n);
	if (!p) {
		fprintf(stderr, "sava reach import: cannot read %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (cli_open(dir, &app, "reach import") != 0) {
		free(p);
		return 1;
	}
	reach_import_status_t st = reach_import(&app, NULL, p, n, platform, &r);
	cli_close(&app);
	free(p);
	if (st == REACH_IMPORT_OK) {
		printf("%s: %zu rows read, %zu added, %zu already known", reach_layout_name(r.layout), r.rows, r.added,
		    r.known);
		if (r.lower)
			printf(", %zu lower than the count before (kept, and flagged)", r.lower);
		putchar('\n');
		return 0;
	}
	if (st == REACH_IMPORT_PLATFORM)
		fprintf(stderr, "sava reach import: %s: line %u: the platform \"%s\" is not in [reach] platforms; nothing "
		                "was imported\n", file, r.bad_line, r.platform);
	else if (st == REACH_IMPORT_REFUSED && r.parse == REACH_E_LINE)
		fprintf(stderr, "sava reach import: %s: line %u: %s; nothing was imported\n", file, r.bad_line, r.why);
	else if (st == REACH_IMPORT_REFUSED && r.parse == REACH_E_PLATFORM)
		fprintf(stderr, "sava reach import: %s: the file does not say which platform it is from: give --platform; "
		                "nothing was imported\n", file);
	else if (st == REACH_IMPORT_REFUSED && r.parse == REACH_E_ENCODING)
		fprintf(stderr, "sava reach import: %s: line %u: %s\n", file, r.bad_line, reach_import_problem(st, &r));
	else
		fprintf(stderr, "sava reach import: %s: %s\n", file, reach_import_problem(st, &r));
	return 1;
}

static void
total_print(void *ctx, const char *platform, uint64_t views, uint64_t posts)
{
	(void)posts;
	*(uint64_t *)ctx += views;
	printf("%s %" PRIu64 "\n", platform, views);
}

static int
reach_totals_cmd(const char *dir)
{
	app_t app;
	uint64_t total = 0;
	if (cli_open(dir, &app, "reach totals") != 0)
		return 1;
	intake_status_t st = reach_by_platform(&app, total_print, &total);
	cli_close(&app);
	if (st != INTAKE_OK) {
		fprintf(stderr, "sava reach totals: the database could not be read\n");
		return 1;
	}
	printf("total %" PRIu64 "\n", total);
	return 0;
}

int
cmd_reach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *platform = NULL;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_reach, stdout);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "import") != 0 && strcmp(argv[1], "totals") != 0)) {
		fputs(usage_reach, stderr);
		return 2;
	}
	bool import = strcmp(argv[1], "import") == 0;
	argc--;
	argv++;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'p' && import) {
			platform = optarg;
		} else {
			fputs(usage_reach, c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc - (import ? 2 : 1)) {
		fputs(usage_reach, stderr);
		return 2;
	}
	return import ? reach_import_cmd(argv[optind], argv[optind + 1], platform) : reach_totals_cmd(argv[optind]);
}
