/* main: the sava command line. One executable with subcommands (init, serve, invite,
 * revoke, audit: the last three in src/cli/cmd_*.c); every error
 * is one sentence on stderr and a non-zero exit status. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "domain/app.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/appeals.h"
#include "domain/audit.h"
#include "domain/intake.h"
#include "domain/staff.h"
#include "http/http.h"
#include "pages/pages.h"
#include "vault/vault.h"

#ifndef SAVA_VERSION
#define SAVA_VERSION "0.1.0"
#endif

static const char usage_main[] =
"usage: sava COMMAND [OPTIONS]\n"
"\n"
"sava is a self-hosted platform for a volunteer human-rights network: anonymous help\n"
"requests with a receipt and a mailbox, and case work for the volunteers.\n"
"\n"
"Commands:\n"
"  init [--insecure-fast-kdf] DIR   create a new instance in DIR\n"
"  serve DIR [--listen ADDR:PORT]   run the web service in the foreground\n"
"  audit verify [--key K0|-] DIR    check the audit log's hash chains\n"
"  invite DIR --role ROLE... [--note T]  one-time enrollment link for a staff member\n"
"  invite DIR --list | --withdraw ID  the open invitations; withdraw one\n"
"  revoke DIR HANDLE                revoke a staff account\n"
"  triage reset DIR --to HANDLE     let HANDLE make a new triage key once every holder is gone\n"
"  appeal add DIR FILE [--language CODE] [--title TEXT]\n"
"                                   register a video appeal and clean it (prints its id)\n"
"  appeal show DIR ID               an appeal's state and its files under DIR\n"
"  drop keygen OUTFILE              the secure drop's offline key pair (on the offline machine)\n"
"  drop export DIR OUTDIR           write the waiting offline submissions as bundles\n"
"  decrypt [--clean] KEYFILE BUNDLE OUTDIR\n"
"                                   open a bundle with the offline key (writes nothing if damaged);\n"
"                                   --clean: also cleaned copies of its images and PDFs (sandboxed)\n"
"  drop answer REPLYKEY TEXT OUT    seal a reply to a drop's source (on the offline machine)\n"
"  drop reply DIR FILE              import such a reply, unopened, into the source's mailbox\n"
"  subtitles import DIR APPEAL LANG FILE --as HANDLE [--format vtt|srt]\n"
"                                   a subtitle file as a new version (prints it)\n"
"  subtitles export DIR APPEAL LANG --as HANDLE [--format vtt|srt] [--version N]\n"
"                                   a version to standard output\n"
"  reach import DIR FILE [--platform P]\n"
"                                   import a platform's export of view counts (all or nothing)\n"
"  reach totals DIR                 the latest views per platform, and their total\n"
"  purge DIR                        crypto-shred the requests past their retention\n"
"  dev seed DIR [--accounts N ...]  fill a test instance for the benchmarks\n"
"\n"
"Options:\n"
"  -h, --help       this help; `sava COMMAND --help` for one command\n"
"  -V, --version    the version\n";

static const char usage_init[] =
"usage: sava init [--insecure-fast-kdf] DIR\n"
"\n"
"Creates a new instance in DIR (made with mode 0700; it must not exist, or be empty):\n"
"  DIR/sava.conf          settings, documented inside (INI)\n"
"  DIR/sava.db            the database (SQLite, WAL, secure_delete)\n"
"  DIR/keys/instance.key  instance secrets and the Ed25519 instance key (0600)\n"
"  DIR/keys/shred.kf      per-case shred keys; losing it loses every case (0600)\n"
"Prints the first audit key once: give it to your security lead to keep offline.\n"
"Neither file under DIR/keys may go into a backup.\n"
"\n"
"  --insecure-fast-kdf  every Argon2id derivation in this instance uses libsodium's\n"
"                       minimum cost. For tests and demos only: every page then shows\n"
"                       a \"test instance\" banner and the log warns at start.\n";

static const char usage_serve[] =
"usage: sava serve DIR [--listen ADDR:PORT]\n"
"\n"
"Runs the instance in DIR in the foreground, on 127.0.0.1:8080 unless DIR/sava.conf or\n"
"--listen says otherwise. Put a Tor onion service or an nginx TLS proxy in front.\n"
"SIGINT or SIGTERM finishes the requests in flight and stops cleanly. Database\n"
"migrations run forward at start; a database from a newer sava is refused.\n"
"\n"
"  --listen ADDR:PORT   address and port to listen on (e.g. 127.0.0.1:8080, [::1]:8080)\n";

/* Core dumps could hold keys and plaintext: none, from anywhere in the process. */
static void
harden_process(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	umask(077);
}

static int
dir_is_empty_or_absent(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 1 : -1;
	struct dirent *e;
	int empty = 1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

static void
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Removes what a failed init created, so nothing half-made is left behind. */
static void
init_undo(const char *dir, bool created)
{
	static const char *const files[] = { "sava.db-wal", "sava.db-shm", "sava.db", "sava.conf",
		"keys/instance.key", "keys/shred.kf" };
	char path[4096];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/keys", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/blobs", dir);
	rmdir(path);
	if (created)
		rmdir(dir);
}

static int
write_new_file(const char *path, const char *text, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t n = strlen(text);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write %.300s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

static int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "insecure-fast-kdf", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool fast = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'f') {
			fast = true;
		} else if (c == 'h') {
			fputs(usage_init, stdout);
			return 0;
		} else {
			fputs(usage_init, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "sava init: name one directory for the new instance\n\n%s", usage_init);
		return 2;
	}
	const char *dir = argv[optind];
	char err[512], path[4096];
	int empty = dir_is_empty_or_absent(dir);
	if (empty != 1) {
		fprintf(stderr, "sava init: %s %s; sava init never touches an existing instance\n", dir,
		    empty == 0 ? "already exists and is not empty" : "cannot be read");
		return 1;
	}
	bool created = mkdir(dir, 0700) == 0;
	if (!created && errno != EEXIST) {
		fprintf(stderr, "sava init: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (chmod(dir, 0700) != 0) {
		fprintf(stderr, "sava init: cannot set the mode of %s: %s\n", dir, strerror(errno));
		return 1;
	}
	vault_audit_first_t first;
	uint8_t entry0[AUDIT_ENTRY_BYTES];
	audit_entry_encode(entry0, clock_now(), NULL, AUDIT_INSTANCE_CREATED, NULL);
	store_t *st = NULL;
	snprintf(path, sizeof(path), "%s/keys", dir);
	int ok = mkdir(path, 0700) == 0;
	snprintf(path, sizeof(path), "%s/blobs", dir);
	ok = ok && mkdir(path, 0700) == 0;
	if (!ok)
		snprintf(err, sizeof(err), "cannot create %.300s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/sava.conf", dir);
	ok = ok && vault_instance_create(dir, fast ? KDF_INSECURE_FAST : KDF_PRODUCTION, entry0, sizeof(entry0), &first, err,
	              sizeof(err)) == 0 &&
	     write_new_file(path, config_default_text, err, sizeof(err)) == 0 &&
	     store_create(dir, fast ? KDF_INSECURE_FAST : KDF_PRODUCTION, &st, err, sizeof(err)) == 0;
	if (ok && store_audit_append(st, 0, entry0, sizeof(entry0), first.h, first.u) != 0) {
		snprintf(err, sizeof(err), "cannot write the first audit entry");
		ok = 0;
	}
	store_close(st);
	if (!ok) {
		fprintf(stderr, "sava init: %s\n", err);
		sodium_memzero(&first, sizeof(first));
		init_undo(dir, created);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/keys", dir);
	fsync_dir(path);
	fsync_dir(dir);

	char hex[2 * VAULT_AUDIT_KEY_BYTES + 1];
	sodium_bin2hex(hex, sizeof(hex), first.k0, sizeof(first.k0));
	sodium_memzero(&first, sizeof(first));
	printf("Created a sava instance in %s%s.\n\n", dir, fast ? " (TEST instance: --insecure-fast-kdf)" : "");
	printf("Audit key K0, shown this once and stored nowhere. Give it to your security lead\n"
	       "to keep offline: with it, the audit log can be proved not to have been rewritten,\n"
	       "even by whoever runs this server:\n\n"
	       "  %s\n\n", hex);
	sodium_memzero(hex, sizeof(hex));
	printf("Next: read %s/sava.conf, then run: sava serve %s\n", dir, dir);
	return 0;
}

static int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'l') {
			listen = optarg;
		} else if (c == 'h') {
			fputs(usage_serve, stdout);
			return 0;
		} else {
			fputs(usage_serve, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "sava serve: name the instance directory\n\n%s", usage_serve);
		return 2;
	}
	static app_t app;
	app.dir = argv[optind];
	char err[512];
	config_defaults(&app.config);
	if (config_load(&app.config, app.dir, err, sizeof(err)) != 0 || stages_load(&app.stages, app.dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "sava serve: %s\n", err);
		return 1;
	}
	/* One sava serve per instance: a second one's start-up cleanup would shred the slots of
	 * requests the first is storing, delete its uploads in progress and end its sessions.
	 * The lock lives as long as the process (the descriptor is never closed). */
	char lockpath[4200];
	snprintf(lockpath, sizeof(lockpath), "%s/serve.lock", app.dir);
	int lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
		if (lockfd >= 0 && errno == EWOULDBLOCK)
			fprintf(stderr, "sava serve: another sava serve is already running on %s; stop it first\n", app.dir);
		else
			fprintf(stderr, "sava serve: cannot lock %s: %s\n", lockpath, strerror(errno));
		return 1;
	}
	if (listen) {
		char line[128];
		snprintf(line, sizeof(line), "[server]\nlisten = %s\n", listen);
		if (config_parse(&app.config, line, strlen(line), err, sizeof(err)) != 0) {
			fprintf(stderr, "sava serve: --listen must be an address and port such as 127.0.0.1:8080\n");
			return 2;
		}
	}
	if (store_open(app.dir, &app.store, err, sizeof(err)) != 0 || store_instance_get(app.store, &app.instance) != 0) {
		fprintf(stderr, "sava serve: %s\n", app.store ? "the database has no instance record" : err);
		store_close(app.store);
		return 1;
	}
	app.test_instance = app.instance.kdf == KDF_INSECURE_FAST;
	/* The worker pool already bounds how many derivations run; the vault's own bound
	 * is the same, so it never makes a worker wait. */
	if (staff_kdf_consistent(&app, err, sizeof(err)) != 0) {
		fprintf(stderr, "sava serve: %s\n", err);
		store_close(app.store);
		return 1;
	}
	if (vault_open(app.dir, app.instance.kdf, app.config.kdf_threads, app.config.kdf_queue, &app.vault, err,
	        sizeof(err)) != 0 ||
	    audit_reconcile(app.vault, app.store, err, sizeof(err)) != 0) {   /* the log and the audit key agree */
		fprintf(stderr, "sava serve: %s\n", err);
		vault_close(app.vault);
		store_close(app.store);
		return 1;
	}
	/* Sessions live only as long as their timers, which are in memory: after a restart
	 * none is alive, and their rows (which say when a mailbox was opened) go. */
	if (store_sessions_delete_all(app.store) != STORE_OK) {
		fprintf(stderr, "sava serve: cannot clear the sessions of the last run\n");
		vault_close(app.vault);
		store_close(app.store);
		return 1;
	}
	if (intake_recover(&app) != 0) {
		fprintf(stderr, "sava serve: cannot check %s/blobs and the shred-key file against the database\n", app.dir);
		vault_close(app.vault);
		store_close(app.store);
		return 1;
	}
	if (i18n_init() != 0 || pages_init(err, sizeof(err)) != 0 || http_init(&app, err, sizeof(err)) != 0) {
		fprintf(stderr, "sava serve: the built-in pages are broken: %s\n", err);
		return 1;
	}
	/* SIGINT and SIGTERM are taken by http_serve's sigwait only: block them before any
	 * thread starts, since threads inherit the mask. */
	sigset_t stopping;
	sigemptyset(&stopping);
	sigaddset(&stopping, SIGINT);
	sigaddset(&stopping, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stopping, NULL);
	if (staff_start(&app) != 0 || intake_start(&app) != 0 || appeals_start(&app) != 0) {
		fprintf(stderr, "sava serve: cannot start a thread\n");
		return 1;
	}
	int rc = http_serve(&app);
	appeals_stop();
	intake_stop();
	staff_stop();
	http_shutdown();
	pages_shutdown();
	vault_close(app.vault);
	store_close(app.store);
	return rc;
}

int
main(int argc, char **argv)
{
	harden_process();
	if (sodium_init() < 0) {
		fprintf(stderr, "sava: libsodium could not start\n");
		return 1;
	}
	if (argc < 2) {
		fputs(usage_main, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("sava %s\n", SAVA_VERSION);
		return 0;
	}
	if (strcmp(cmd, "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(argc - 1, argv + 1);
	if (strcmp(cmd, "purge") == 0)
		return cmd_purge(argc - 1, argv + 1);
	if (strcmp(cmd, "dev") == 0)
		return cmd_dev(argc - 1, argv + 1);
	if (strcmp(cmd, "invite") == 0)
		return cmd_invite(argc - 1, argv + 1);
	if (strcmp(cmd, "revoke") == 0)
		return cmd_revoke(argc - 1, argv + 1);
	if (strcmp(cmd, "triage") == 0)
		return cmd_triage(argc - 1, argv + 1);
	if (strcmp(cmd, "appeal") == 0)
		return cmd_appeal(argc - 1, argv + 1);
	if (strcmp(cmd, "drop") == 0)
		return cmd_drop(argc - 1, argv + 1);
	if (strcmp(cmd, "decrypt") == 0)
		return cmd_decrypt(argc - 1, argv + 1);
	if (strcmp(cmd, "subtitles") == 0)
		return cmd_subtitles(argc - 1, argv + 1);
	if (strcmp(cmd, "reach") == 0)
		return cmd_reach(argc - 1, argv + 1);
	fprintf(stderr, "sava: there is no command \"%.40s\"; `sava --help` lists them\n", cmd);
	return 2;
}
