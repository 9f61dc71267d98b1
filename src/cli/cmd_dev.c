/* cmd_dev: `sava dev seed`, for benchmarks on a test instance only. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "domain/audit.h"
#include "domain/seed.h"
#include "vault/vault.h"

static const char usage_dev[] =
"usage: sava dev seed DIR [--accounts N] [--cases N] [--messages N]\n"
"\n"
"Fills a TEST instance (made with --insecure-fast-kdf; a production instance is\n"
"refused) with staff accounts, help requests and conversations, all encrypted by the\n"
"real code, for the benchmarks (bench/scale.py). Writes without fsync. Prints the\n"
"passphrase and TOTP secrets of seed-coordinator and owl00001. Defaults: 100\n"
"accounts, 1000 requests, 10000 messages.\n";

int
cmd_dev(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "accounts", required_argument, NULL, 'a' },
		{ "cases", required_argument, NULL, 'c' },
		{ "messages", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	seed_params_t p = { 100, 1000, 10000 };
	int c;
	uint64_t n;
	if (argc < 2 || strcmp(argv[1], "seed") != 0) {
		fputs(usage_dev, argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_dev, stdout);
			return 0;
		}
		if ((c != 'a' && c != 'c' && c != 'm') || num_parse_u64(sv_from_cstr(optarg), 1, 100000000, &n) != 0) {
			fputs(usage_dev, stderr);
			return 2;
		}
		if (c == 'a')
			p.accounts = (size_t)n;
		else if (c == 'c')
			p.cases = (size_t)n;
		else
			p.messages = (size_t)n;
	}
	if (optind != argc - 1) {
		fputs(usage_dev, stderr);
		return 2;
	}
	static app_t app;
	char err[512];
	app.dir = argv[optind];
	config_defaults(&app.config);
	if (config_load(&app.config, app.dir, err, sizeof(err)) != 0 || store_open(app.dir, &app.store, err, sizeof(err)) != 0 ||
	    store_instance_get(app.store, &app.instance) != 0) {
		fprintf(stderr, "sava dev seed: %s\n", err);
		store_close(app.store);
		return 1;
	}
	if (staff_kdf_consistent(&app, err, sizeof(err)) != 0) {
		fprintf(stderr, "sava dev seed: %s\n", err);
		store_close(app.store);
		return 1;
	}
	if (app.instance.kdf != KDF_INSECURE_FAST) {
		fprintf(stderr, "sava dev seed: %s is not a test instance; seeding is for --insecure-fast-kdf instances only\n",
		    app.dir);
		store_close(app.store);
		return 1;
	}
	if (vault_open(app.dir, app.instance.kdf, 1, 1, &app.vault, err, sizeof(err)) != 0 ||
	    audit_reconcile(app.vault, app.store, err, sizeof(err)) != 0) {
		fprintf(stderr, "sava dev seed: %s\n", err);
		vault_close(app.vault);
		store_close(app.store);
		return 1;
	}
	int rc = seed_run(&app, &p, stdout);
	vault_close(app.vault);
	store_close(app.store);
	return rc == 0 ? 0 : 1;
}
