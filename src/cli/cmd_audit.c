/* cmd_audit: `sava audit verify [--key K0] DIR`, the check of the audit log's chains
 * (CRYPTO.md "Audit"). Changes nothing: the database is opened read-only. Trusted with
 * K_0 when given: it is kept in guarded memory and wiped, and its argv copy overwritten. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "domain/audit.h"
#include "store/store.h"
#include "vault/vault.h"

#define CMD_AUDIT_KEY_HEX   (2 * VAULT_AUDIT_KEY_BYTES)
#define CMD_AUDIT_STDIN_MAX 256   /* bytes read for --key -: one line, with room for spaces */

static const char usage_audit[] =
"usage: sava audit verify [--key K0] DIR\n"
"\n"
"Checks the audit log of the instance in DIR. Changes nothing: the database is opened\n"
"read-only and no migration runs; it may run while sava serve does.\n"
"\n"
"Without --key: the entries are numbered 0, 1, 2, ... with none missing, each is 42\n"
"bytes, and each entry's unkeyed link chains to the one before it, so an entry edited,\n"
"deleted or reordered by anyone who did not recompute the whole chain shows.\n"
"\n"
"  --key K0   the 64 hexadecimal digits `sava init` printed once. Also checks every\n"
"             keyed link, ratcheting the key forward from K0, which proves the history\n"
"             was not rewritten even by whoever holds this server; and that\n"
"             keys/instance.key holds the key for the next entry, so that no entry was\n"
"             cut from the end of the log.\n"
"  --key -    reads K0 from standard input instead, which keeps it out of the process\n"
"             list and the shell history.\n"
"\n"
"Prints \"audit log intact: ...\" and exits 0, or names the first bad entry on stderr and\n"
"exits 1. Usage errors exit 2.\n";

static bool
cmd_audit_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Exactly 64 hexadecimal digits, after trimming spaces, tabs and line ends. */
static int
cmd_audit_key_parse(const char *s, size_t n, unsigned char k0[VAULT_AUDIT_KEY_BYTES])
{
	size_t bin_len = 0;
	while (n > 0 && (s[0] == ' ' || s[0] == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n != CMD_AUDIT_KEY_HEX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!cmd_audit_is_hex(s[i]))
			return -1;
	if (sodium_hex2bin(k0, VAULT_AUDIT_KEY_BYTES, s, n, NULL, &bin_len, NULL) != 0 ||
	    bin_len != VAULT_AUDIT_KEY_BYTES)
		return -1;
	return 0;
}

/* One line from standard input, read unbuffered into guarded memory. */
static int
cmd_audit_key_stdin(unsigned char k0[VAULT_AUDIT_KEY_BYTES])
{
	char *line = sodium_malloc(CMD_AUDIT_STDIN_MAX);
	size_t n = 0;
	int rc = -1;
	if (!line)
		return -1;
	while (n < CMD_AUDIT_STDIN_MAX) {
		ssize_t r = read(STDIN_FILENO, line + n, 1);
		if (r < 0)
			goto out;
		if (r == 0 || line[n] == '\n')
			break;
		n++;
	}
	if (n < CMD_AUDIT_STDIN_MAX)
		rc = cmd_audit_key_parse(line, n, k0);
out:
	sodium_free(line);
	return rc;
}

/* The first problem, as one sentence on stderr. */
static void
cmd_audit_report(const audit_verify_t *r)
{
	unsigned long long bad = r->bad_idx, n = r->entries, at = r->key_index;
	fputs("sava audit verify: ", stderr);
	switch (r->status) {
	case AUDIT_VERIFY_OK:
		fputs("the audit log is intact\n", stderr);
		break;
	case AUDIT_VERIFY_EMPTY:
		fputs("the audit log is empty: entry 0 (instance created) is missing, so every entry was deleted\n", stderr);
		break;
	case AUDIT_VERIFY_MISSING:
		if (r->found_idx < 0 || (unsigned long long)r->found_idx < bad)
			fprintf(stderr, "entry %llu: an entry numbered %lld stands in its place (edited)\n", bad,
			    (long long)r->found_idx);
		else if (bad == 0)
			fprintf(stderr, "entry 0 is missing: the log starts at entry %lld (deleted)\n", (long long)r->found_idx);
		else
			fprintf(stderr, "entry %llu is missing: the log jumps from entry %llu to entry %lld (deleted)\n", bad,
			    bad - 1, (long long)r->found_idx);
		break;
	case AUDIT_VERIFY_LENGTH:
		if (r->bad_len != AUDIT_ENTRY_BYTES)
			fprintf(stderr, "entry %llu is %zu bytes long, not %d (edited)\n", bad, r->bad_len, AUDIT_ENTRY_BYTES);
		else
			fprintf(stderr, "entry %llu: its links are not 32 bytes each (edited)\n", bad);
		break;
	case AUDIT_VERIFY_UNKEYED:
		fprintf(stderr, "entry %llu: unkeyed link does not match (edited, deleted or reordered)\n", bad);
		break;
	case AUDIT_VERIFY_KEYED:
		if (bad == 0)
			fputs("entry 0: keyed link does not match: this is not the K0 that `sava init` printed for this "
			      "instance, or the log was rewritten from its first entry\n",
			    stderr);
		else
			fprintf(stderr,
			    "entry %llu: keyed link does not match: the log was rewritten from this entry on, "
			    "with its unkeyed links recomputed\n",
			    bad);
		break;
	case AUDIT_VERIFY_KEY_AHEAD:
		fprintf(stderr,
		    "keys/instance.key is at entry %llu, but the log's last entry is %llu: entries were cut from the end "
		    "of the log\n",
		    at, n - 1);
		break;
	case AUDIT_VERIFY_KEY_BEHIND:
		fprintf(stderr,
		    "the log's last entry is %llu, but keys/instance.key is only at entry %llu: if sava serve is writing "
		    "entries right now, run this again; otherwise the key file was replaced by an older copy\n",
		    n - 1, at);
		break;
	case AUDIT_VERIFY_KEY_WRONG:
		fprintf(stderr,
		    "the log checks out under K0, but keys/instance.key does not hold the key K0 ratchets to for entry "
		    "%llu: the key file was replaced, or belongs to another instance\n",
		    at);
		break;
	case AUDIT_VERIFY_ERROR:
		fprintf(stderr, "%s\n", r->err);
		break;
	}
}

static int
cmd_audit_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *key_arg = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'k' && !key_arg) {
			key_arg = optarg;
			continue;
		}
		if (key_arg)   /* leaving early: no copy of K0 stays in argv */
			sodium_memzero(key_arg, strlen(key_arg));
		if (c == 'k')
			sodium_memzero(optarg, strlen(optarg));
		if (c == 'h') {
			fputs(usage_audit, stdout);
			return 0;
		}
		if (c == 'k')
			fputs("sava audit verify: give --key once\n\n", stderr);
		fputs(usage_audit, stderr);
		return 2;
	}
	if (optind != argc - 1) {
		if (key_arg)
			sodium_memzero(key_arg, strlen(key_arg));
		fprintf(stderr, "sava audit verify: name one instance directory\n\n%s", usage_audit);
		return 2;
	}
	const char *dir = argv[optind];

	unsigned char *k0 = NULL;
	if (key_arg) {
		if (!(k0 = sodium_malloc(VAULT_AUDIT_KEY_BYTES))) {
			fputs("sava audit verify: out of memory\n", stderr);
			return 1;
		}
		int bad = strcmp(key_arg, "-") == 0 ? cmd_audit_key_stdin(k0) : cmd_audit_key_parse(key_arg, strlen(key_arg), k0);
		sodium_memzero(key_arg, strlen(key_arg));   /* the copy in argv */
		if (bad) {
			sodium_free(k0);
			fputs("sava audit verify: --key takes K0, the 64 hexadecimal digits `sava init` printed "
			      "(or - to read them from standard input)\n",
			    stderr);
			return 2;
		}
	}

	char err[512];
	store_t *st = NULL;
	if (store_open_readonly(dir, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "sava audit verify: %s\n", err);
		if (k0)
			sodium_free(k0);
		return 1;
	}
	audit_verify_t r;
	int rc = audit_verify(st, k0, k0 ? dir : NULL, &r);
	store_close(st);
	if (k0)
		sodium_free(k0);
	if (rc != 0) {
		cmd_audit_report(&r);
		return 1;
	}

	char hex[2 * sizeof(r.head_h) + 1];
	sodium_bin2hex(hex, sizeof(hex), r.head_h, sizeof(r.head_h));
	printf("audit log intact: %llu %s; head i=%llu, h=%s\n", (unsigned long long)r.entries,
	    r.entries == 1 ? "entry" : "entries", (unsigned long long)r.head_idx, hex);
	if (r.keyed && r.key_pending)
		printf("Every keyed link checks out under K0. keys/instance.key still holds the key for entry %llu: the\n"
		       "ratchet after the last entry is not done yet (an interrupted run, or an entry being written\n"
		       "right now); sava serve finishes it when it starts.\n",
		    (unsigned long long)r.key_index);
	else if (r.keyed)
		printf("Every keyed link checks out under K0, and keys/instance.key holds the key for entry %llu.\n",
		    (unsigned long long)r.key_index);
	return 0;
}

int
cmd_audit(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)) {
		fputs(usage_audit, stdout);
		return 0;
	}
	if (argc < 2) {
		fprintf(stderr, "sava audit: name what to do: verify\n\n%s", usage_audit);
		return 2;
	}
	if (strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "sava audit: there is no \"%.40s\"; the one audit command is verify\n\n%s", argv[1], usage_audit);
		return 2;
	}
	return cmd_audit_verify(argc - 1, argv + 1);
}
