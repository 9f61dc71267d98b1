/* cmd_subtitles: `sava subtitles import` and `export`, for scripts and tests. An appeal's
 * subtitles are sealed to the editors' key, which the operator does not hold: the
 * command acts as a staff member (--as HANDLE), who signs in with her passphrase and a
 * six-digit code read from standard input (never from the command line, which other
 * users of the machine can see), and signs out when it is done. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "domain/staff.h"
#include "domain/subtitles.h"
#include "parse/srt.h"

static const char usage_subtitles[] =
"usage: sava subtitles import DIR APPEAL LANG FILE --as HANDLE [--format vtt|srt]\n"
"                             [--encoding windows-1251|windows-1252]\n"
"       sava subtitles export DIR APPEAL LANG --as HANDLE [--format vtt|srt] [--version N]\n"
"\n"
"Subtitles are sealed to the editors' key: the command signs in as HANDLE (an editor,\n"
"or a translator who holds the key and has taken the task), reading two lines from\n"
"standard input: her passphrase, then a current six-digit code. It signs out at the end.\n"
"\n"
"import reads FILE (WebVTT, or SRT with --format srt or a name ending in .srt) as a new\n"
"version of the appeal's LANG subtitles and prints \"version N, M cues\"; or, when the\n"
"file does not parse, \"FILE:LINE: what is wrong\" on standard error and exits 1. An SRT\n"
"file that is not UTF-8 needs --encoding. In a translation, each cue is linked to the\n"
"source cue it overlaps most.\n"
"\n"
"export writes version N (default: the newest) to standard output, WebVTT by default.\n";

#define CLI_SUB_SECRET_MAX 1024

/* Two lines from standard input: the passphrase and the code. 0 or -1. */
static int
read_secrets(char pass[CLI_SUB_SECRET_MAX], char code[16])
{
	char buf[CLI_SUB_SECRET_MAX + 32];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(0, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf) - 1)
			break;
	}
	buf[len] = '\0';
	char *nl = memchr(buf, '\n', len);
	int rc = -1;
	if (nl) {
		size_t pl = (size_t)(nl - buf), rest = len - pl - 1;
		char *c = nl + 1;
		while (rest && (c[rest - 1] == '\n' || c[rest - 1] == '\r'))
			rest--;
		if (pl && buf[pl - 1] == '\r')
			pl--;
		if (pl < CLI_SUB_SECRET_MAX && rest > 0 && rest < 16) {
			memcpy(pass, buf, pl);
			pass[pl] = '\0';
			memcpy(code, c, rest);
			code[rest] = '\0';
			rc = 0;
		}
	}
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

static int
sign_in(const app_t *app, const char *cmd, const char *handle, staff_t *s, sess_new_t *sn)
{
	char pass[CLI_SUB_SECRET_MAX], code[16];
	if (read_secrets(pass, code) != 0) {
		fprintf(stderr, "sava subtitles %s: give the passphrase and a six-digit code on standard input, one a line\n",
		    cmd);
		return -1;
	}
	staff_status_t st = staff_login(app, sv_from_cstr(handle), sv_from_cstr(pass), sv_from_cstr(code), sn);
	sodium_memzero(pass, sizeof(pass));
	sodium_memzero(code, sizeof(code));
	if (st == STAFF_OK && staff_session(app, sv_from_cstr(sn->cookie), s) == STAFF_OK)
		return 0;
	fprintf(stderr, "sava subtitles %s: %s could not sign in (name, passphrase or code)\n", cmd, handle);
	return -1;
}

static const char *
status_words(subs_status_t st)
{
	switch (st) {
	case SUBS_NOT_FOUND: return "no such appeal or language for this account (or no version yet)";
	case SUBS_TAKEN: return "the task is taken by someone else (a translator must take it first)";
	case SUBS_STEP: return "the work is in review or approval: it cannot change now";
	case SUBS_TOO_LARGE: return "it is larger than a version may be";
	default: return "it could not be done (see the log above)";
	}
}

static const char *
parse_words(sub_err_t e)
{
	switch (e) {
	case SUB_ERR_SIGNATURE: return "a WebVTT file begins with WEBVTT";
	case SUB_ERR_TIMING: return "this timing line does not parse (00:00:01.000 --> 00:00:02.000)";
	case SUB_ERR_ENCODING: return "this line is not UTF-8: give --encoding windows-1251 or windows-1252";
	case SUB_ERR_TOO_LARGE: return "over a limit (file, cue text, identifier or settings)";
	case SUB_ERR_TOO_MANY: return "too many cues";
	case SUB_ERR_TEXT: return "words where a cue should begin (a timing line is missing)";
	default: return "the file could not be read";
	}
}

static int
read_file(const char *path, buf_t *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size > (off_t)SUB_INPUT_MAX) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n > 0 && buf_append(out, chunk, (size_t)n) != 0)) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
	}
	close(fd);
	return buf_append(out, "", 0);
}

int
cmd_subtitles(int argc, char **argv)
{
	static const struct option opts[] = { { "as", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' }, { "encoding", required_argument, NULL, 'e' },
		{ "version", required_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	const char *handle = NULL, *format = NULL, *encoding = NULL, *version = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'a')
			handle = optarg;
		else if (c == 'f')
			format = optarg;
		else if (c == 'e')
			encoding = optarg;
		else if (c == 'v')
			version = optarg;
		else {
			fputs(usage_subtitles, c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	int left = argc - optind;
	char **arg = argv + optind;
	bool import = left == 5 && strcmp(arg[0], "import") == 0, export = left == 4 && strcmp(arg[0], "export") == 0;
	uint8_t appeal[16];
	size_t n = 0;
	uint64_t ver = 0;
	if ((!import && !export) || !handle || strlen(arg[2]) != 32 ||
	    sodium_hex2bin(appeal, 16, arg[2], 32, NULL, &n, NULL) != 0 || n != 16 || strlen(arg[3]) != 2 ||
	    (format && strcmp(format, "vtt") != 0 && strcmp(format, "srt") != 0) ||
	    (encoding && strcmp(encoding, "windows-1251") != 0 && strcmp(encoding, "windows-1252") != 0) ||
	    (version && num_parse_u64(sv_from_cstr(version), 1, UINT32_MAX, &ver) != 0)) {
		fputs(usage_subtitles, stderr);
		return 2;
	}
	const char *cmd = import ? "import" : "export";
	size_t fl = import ? strlen(arg[4]) : 0;
	subs_format_t fmt = format ? (strcmp(format, "srt") == 0 ? SUBS_SRT : SUBS_VTT)
	    : import && fl > 4 && strcmp(arg[4] + fl - 4, ".srt") == 0 ? SUBS_SRT
	                                                            : SUBS_VTT;
	int enc = !encoding ? SRT_UTF8_ONLY : strcmp(encoding, "windows-1251") == 0 ? SRT_CP1251 : SRT_CP1252;
	buf_t in, out;
	buf_init(&in, SUB_INPUT_MAX + 1);
	buf_init(&out, (size_t)SUB_INPUT_MAX * 2);
	if (import && read_file(arg[4], &in) != 0) {
		fprintf(stderr, "sava subtitles import: cannot read %s (or it is over %u MiB)\n", arg[4], SUB_INPUT_MAX >> 20);
		return 1;
	}
	app_t app;
	staff_t s;
	sess_new_t sn;
	if (cli_open(arg[1], &app, import ? "subtitles import" : "subtitles export") != 0) {
		buf_free(&in);
		return 1;
	}
	int rc = 1;
	if (sign_in(&app, cmd, handle, &s, &sn) != 0)
		goto done;
	if (import) {
		subs_import_t r;
		subs_status_t st = subtitles_import(&app, &s, appeal, arg[3], (sv_t){ in.data, in.len }, fmt, enc, &r);
		if (st == SUBS_OK) {
			printf("version %u, %zu cues\n", r.version, r.ncues);
			rc = 0;
		} else if (st == SUBS_BAD_FILE) {
			fprintf(stderr, "%s:%zu: %s\n", arg[4], r.line, parse_words(r.err));
		} else {
			fprintf(stderr, "sava subtitles import: %s\n", status_words(st));
		}
	} else {
		subs_status_t st = subtitles_export(&app, &s, appeal, arg[3], (uint32_t)ver, fmt, &out);
		if (st == SUBS_OK && fwrite(out.data, 1, out.len, stdout) == out.len && fflush(stdout) == 0)
			rc = 0;
		else if (st != SUBS_OK)
			fprintf(stderr, "sava subtitles export: %s\n", status_words(st));
	}
	staff_logout(&app, &s);
	sodium_memzero(&s, sizeof(s));
	sodium_memzero(&sn, sizeof(sn));
done:
	buf_free(&in);
	buf_free(&out);
	cli_close(&app);
	return rc;
}
