/* cmd_reach: `sava reach import DIR FILE [--platform P]` reads one platform export file
 * into the instance (all of it, or nothing: the first bad line is named), `sava reach
 * totals DIR` prints the latest views per platform and their total, `sava reach imports
 * DIR` lists the files imported, and `sava reach remove DIR HASH` takes one back. */
#include <errno.h>
#include <sodium.h>
#include <stdint.h>
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
"       sava reach imports DIR\n"
"       sava reach remove DIR HASH\n"
"\n"
"import reads one export file of view counts, its layout told from its bytes: sava's\n"
"generic CSV (docs/formats.md), YouTube Studio's Table data, Chart data and Totals,\n"
"TikTok Studio's Content and Overview, Meta Business Suite's per-post exports and daily\n"
"metric files. It prints the rows read, the counts added and those already known;\n"
"or the first bad line with its number, and then nothing is imported. --platform names\n"
"the platform of a file that does not say (Meta's daily files).\n"
"\n"
"totals prints the latest views of every post per platform, one \"PLATFORM VIEWS\" line\n"
"each, then \"total VIEWS\" (the metrics of [campaign] metrics in sava.conf).\n"
"\n"
"imports lists the files imported, the latest first: \"HASH DAY LAYOUT\" a line (HASH is\n"
"the file's BLAKE2b, 64 hex digits). remove deletes every count the file HASH gave, and\n"
"the posts only it made; the file can be imported again later.\n";

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

static int
import_print(void *ctx, const store_reach_import_t *i)
{
	char hex[65];
	int y, m, d;
	(void)ctx;
	sodium_bin2hex(hex, sizeof(hex), i->source, 32);
	reach_civil(i->day, &y, &m, &d);
	printf("%s %04d-%02d-%02d %s\n", hex, y, m, d,
	    i->layout > 0 && i->layout < REACH_LAYOUTS ? reach_layout_name((reach_layout_t)i->layout) : "?");
	return 0;
}

static int
reach_imports_cmd(const char *dir)
{
	app_t app;
	if (cli_open(dir, &app, "reach imports") != 0)
		return 1;
	int rc = store_reach_imports_list(app.store, SIZE_MAX, import_print, NULL);
	cli_close(&app);
	if (rc != STORE_OK) {
		fprintf(stderr, "sava reach imports: the database could not be read\n");
		return 1;
	}
	return 0;
}

static int
reach_remove_cmd(const char *dir, const char *hex)
{
	app_t app;
	uint8_t source[32];
	uint64_t n = 0;
	if (strlen(hex) != 64 || sodium_hex2bin(source, 32, hex, 64, NULL, NULL, NULL) != 0) {
		fprintf(stderr, "sava reach remove: HASH is the file's 64 hex digits, as `sava reach imports` prints them\n");
		return 2;
	}
	if (cli_open(dir, &app, "reach remove") != 0)
		return 1;
	intake_status_t st = reach_import_remove_cli(&app, source, &n);
	cli_close(&app);
	if (st == INTAKE_NOT_FOUND) {
		fprintf(stderr, "sava reach remove: no file with this hash was imported\n");
		return 1;
	}
	if (st != INTAKE_OK) {
		fprintf(stderr, "sava reach remove: the database failed part of the way (%" PRIu64 " counts deleted); "
		                "run it again\n", n);
		return 1;
	}
	printf("removed: %" PRIu64 " counts deleted\n", n);
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
	static const char *const subs[] = { "import", "totals", "imports", "remove" };
	size_t sub = 0;
	while (argc >= 2 && sub < 4 && strcmp(argv[1], subs[sub]) != 0)
		sub++;
	if (argc < 2 || sub == 4) {
		fputs(usage_reach, stderr);
		return 2;
	}
	bool import = sub == 0;
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
	if (optind != argc - (import || sub == 3 ? 2 : 1)) {
		fputs(usage_reach, stderr);
		return 2;
	}
	switch (sub) {
	case 0:
		return reach_import_cmd(argv[optind], argv[optind + 1], platform);
	case 1:
		return reach_totals_cmd(argv[optind]);
	case 2:
		return reach_imports_cmd(argv[optind]);
	default:
		return reach_remove_cmd(argv[optind], argv[optind + 1]);
	}
}
