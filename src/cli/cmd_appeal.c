/* cmd_appeal: `sava appeal add` registers a video found elsewhere and cleans it here, in
 * the media worker's sandbox, before it returns; `sava appeal show` prints an appeal's
 * state and, once cleaned, its files under DIR. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "domain/appeals.h"

static const char usage_appeal[] =
"usage: sava appeal add DIR FILE [--language CODE] [--title TEXT]\n"
"       sava appeal show DIR ID\n"
"\n"
"add registers a video appeal found elsewhere (already posted, or sent by a partner with\n"
"the woman's consent): FILE is encrypted into the instance as it is read, then cleaned\n"
"in the media worker's sandbox (no location, device or date survives) before the\n"
"command returns. It prints the new appeal's id. Two editors then publish it on the\n"
"web (one approves, another publishes). --language is the language spoken (default\n"
"ru); --title, words shown with it.\n"
"\n"
"show prints the appeal's state: waiting, cleaning, review, published, withdrawn, or\n"
"refused: REASON; and, once cleaned, the paths of its files under DIR, one per line\n"
"(sealed: they open only with an editor's key; published ones in the clear).\n";

static int
file_read(void *ctx, uint8_t *p, size_t cap, size_t *got)
{
	int fd = *(int *)ctx;
	ssize_t n;
	do
		n = read(fd, p, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	*got = (size_t)n;
	return 0;
}

static int
appeal_add_cmd(const char *dir, const char *file, const char *language, const char *title)
{
	app_t app;
	uint8_t id[16];
	char receipt[RECEIPT_DIGITS_MAX + 1], hex[33];
	uint8_t buf[65536];
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "sava appeal add: cannot read %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (cli_open(dir, &app, "appeal add") != 0) {
		close(fd);
		return 1;
	}
	int rc = 1;
	upload_t *u = appeal_upload_new(&app);
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	struct stat fst;
	uint64_t size = fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode) ? (uint64_t)fst.st_size : 0;
	if (!u || upload_file_begin(u, sv_from_cstr(base), SV("video/mp4"), size) != 0)
		goto done;
	for (;;) {
		size_t got = 0;
		if (file_read(&fd, buf, sizeof(buf), &got) != 0) {
			fprintf(stderr, "sava appeal add: cannot read %s: %s\n", file, strerror(errno));
			goto done;
		}
		if (got == 0)
			break;
		if (upload_file_data(u, (const char *)buf, got) != 0)
			goto done;
	}
	if (upload_file_end(u) != 0)
		goto done;
	if (upload_too_large(u)) {
		fprintf(stderr, "sava appeal add: %s is larger than [appeals] max_mb (%u MiB)\n", file, app.config.appeal_max_mb);
		goto done;
	}
	appeal_form_t f = { sv_from_cstr(language), SV(""), sv_from_cstr(title), SV("yes") };
	appeal_rules_t r;
	if (!appeal_rules(&f, upload_count(u), &r)) {
		fprintf(stderr, "sava appeal add: %s\n", r.language ? "--language must be a code sava knows (be, ru, uk, en, ...)"
		                                        : r.text    ? "--title is too long (500 characters at most)"
		                                                    : "the file could not be read");
		goto done;
	}
	intake_status_t st = appeal_submit(&app, LANG_EN, NULL, &f, u, id, receipt);
	sodium_memzero(receipt, sizeof(receipt));
	if (st == INTAKE_CLOSED) {
		fprintf(stderr, "sava appeal add: there is no editors' key yet: the first editor makes it when she signs in\n");
		goto done;
	}
	if (st != INTAKE_OK) {
		fprintf(stderr, "sava appeal add: the appeal could not be stored (see the log above)\n");
		goto done;
	}
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	printf("%s\n", hex);
	fflush(stdout);
	if (appeals_clean_here(&app) != 0) {
		fprintf(stderr, "sava appeal add: %s was stored but not cleaned; `sava appeal show %s %s` says why\n", hex, dir,
		    hex);
		rc = 1;
		goto done;
	}
	rc = 0;
done:
	upload_free(u);
	close(fd);
	cli_close(&app);
	return rc;
}

static int
appeal_show_cmd(const char *dir, const char *idhex)
{
	app_t app;
	uint8_t id[16];
	size_t n = 0;
	appeal_info_t info;
	if (strlen(idhex) != 32 || sodium_hex2bin(id, 16, idhex, 32, NULL, &n, NULL) != 0 || n != 16) {
		fprintf(stderr, "sava appeal show: an id has 32 hex digits\n");
		return 2;
	}
	if (cli_open(dir, &app, "appeal show") != 0)
		return 1;
	intake_status_t st = appeal_info(&app, id, &info);
	cli_close(&app);
	if (st != INTAKE_OK) {
		fprintf(stderr, "sava appeal show: %s\n", st == INTAKE_NOT_FOUND ? "there is no such appeal" : "it could not be read");
		return 1;
	}
	if (info.state == STORE_APPEAL_REFUSED)
		printf("refused: %s\n", info.refusal);
	else
		printf("%s\n", info.state_word);
	for (size_t i = 0; i < info.nfiles; i++)
		printf("%s/%s\n", dir, info.files[i]);
	return 0;
}

int
cmd_appeal(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "language", required_argument, NULL, 'l' },
		{ "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *language = "ru", *title = "";
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_appeal, stdout);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "show") != 0)) {
		fputs(usage_appeal, stderr);
		return 2;
	}
	bool add = strcmp(argv[1], "add") == 0;
	argc--;
	argv++;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'l' && add)
			language = optarg;
		else if (c == 't' && add)
			title = optarg;
		else {
			fputs(usage_appeal, c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc - 2) {
		fputs(usage_appeal, stderr);
		return 2;
	}
	return add ? appeal_add_cmd(argv[optind], argv[optind + 1], language, title)
	           : appeal_show_cmd(argv[optind], argv[optind + 1]);
}
