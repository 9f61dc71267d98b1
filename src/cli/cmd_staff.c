/* cmd_staff: `sava invite` (with the list and withdrawal of open invitations), `sava
 * revoke` and `sava purge`, the administrator's side of staff accounts and of retention.
 * None ever creates, sees or prints a group key, an account secret or anything of a
 * request: an invitation is a one-time link, revocation and purging delete. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "domain/audit.h"
#include "domain/intake.h"
#include "domain/staff.h"
#include "vault/vault.h"

static const char usage_invite[] =
"usage: sava invite DIR --role ROLE [--role ROLE...] [--note TEXT]\n"
"       sava invite DIR --list\n"
"       sava invite DIR --withdraw ID\n"
"\n"
"Prints a one-time enrollment path, /staff/enroll/TOKEN, valid for 72 hours. Pass it\n"
"to the person out of band (in person, or over a channel you trust); only a hash of\n"
"the token is stored. Roles: admin, coordinator, owl, verifier, translator, editor,\n"
"viewer, analyst.\n"
"The note (200 bytes at most) is stored encrypted under the token.\n"
"\n"
"  --list          the invitations still open: an id, the day each was made and the\n"
"                  day it expires (UTC), and its roles. A link cannot be shown again:\n"
"                  its token is stored nowhere.\n"
"  --withdraw ID   withdraws the open invitation whose id starts with ID (at least 6\n"
"                  of the digits --list shows): its link then answers like one never\n"
"                  issued. The audit log records \"invitation withdrawn\".\n"
"\n"
"Expired invitations are deleted by sava purge and by the hourly purge of sava serve.\n";

static const char usage_revoke[] =
"usage: sava revoke DIR HANDLE\n"
"\n"
"Revokes the account HANDLE: it can no longer log in, its sessions end at their next\n"
"request, its keys are deleted and nothing new is sealed to it. The group keys it held\n"
"are rotated at the next login of a remaining holder. When it was the last holder of the\n"
"triage key, nobody can read new requests until `sava triage reset` names a coordinator.\n";

static const char usage_triage[] =
"usage: sava triage reset DIR --to HANDLE\n"
"\n"
"When every holder of the triage key has been revoked, nobody can open new requests,\n"
"and no login makes a new key by itself. This allows the coordinator HANDLE, and only\n"
"her, to make a new triage key at her next login. Requests sealed to the old key stay\n"
"unreadable for ever. The reset is written to the audit log, and every staff page says\n"
"for 30 days when the key was re-created and by whom. Refused while anyone still holds\n"
"the key: a holder gives it to another coordinator on the Groups page instead.\n";

static const char usage_purge[] =
"usage: sava purge DIR\n"
"\n"
"Crypto-shreds every request whose last activity is older than [retention] in\n"
"sava.conf allows: its shred key is destroyed first, so no copy of anything (a backup,\n"
"a disk image) can open it any more; then its rows and files are deleted, and the\n"
"database is compacted. Expired invitations are deleted too. `sava serve` does the\n"
"same at start and every hour; this runs it now.\n";

static void
invite_day(int64_t hour, char out[16])
{
	time_t t = (time_t)(hour * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static void
invite_print(void *ctx, const staff_invite_info_t *inv)
{
	size_t *n = ctx;
	char made[16], expires[16];
	if ((*n)++ == 0)
		printf("%-*s  %-10s  %-10s  %s\n", INVITE_ID_SHOWN, "ID", "MADE", "EXPIRES", "ROLES");
	invite_day(inv->created_hour, made);
	invite_day(inv->expires_hour, expires);
	printf("%.*s  %-10s  %-10s  ", INVITE_ID_SHOWN, inv->id, made, expires);
	const char *sep = "";
	for (uint32_t bit = 1; bit & ROLE_ALL; bit <<= 1)
		if (inv->roles & bit) {
			printf("%s%s", sep, role_name(bit));
			sep = ", ";
		}
	putchar('\n');
}

/* `sava invite DIR --list`: nothing is written but what opening an instance does. */
static int
invite_list(const char *dir)
{
	app_t app;
	size_t n = 0;
	if (cli_open(dir, &app, "invite") != 0)
		return 1;
	staff_status_t st = staff_invites_list(&app, invite_print, &n);
	cli_close(&app);
	if (st != STAFF_OK) {
		fprintf(stderr, "sava invite: the invitations could not be read\n");
		return 1;
	}
	if (n == 0)
		printf("No open invitations.\n");
	return 0;
}

static int
invite_withdraw(const char *dir, const char *prefix)
{
	app_t app;
	size_t matches = 0;
	char id[2 * INVITE_ID_BYTES + 1];
	if (cli_open(dir, &app, "invite") != 0)
		return 1;
	staff_status_t st = staff_invite_withdraw(&app, prefix, &matches, id);
	cli_close(&app);
	switch (st) {
	case STAFF_OK:
		printf("Withdrew invitation %.*s: its link no longer works.\n", INVITE_ID_SHOWN, id);
		return 0;
	case STAFF_INVALID:
		fprintf(stderr, "sava invite: an id is %d to 64 hexadecimal digits, as sava invite --list shows it\n",
		    INVITE_ID_MIN);
		return 2;
	case STAFF_DENIED:
		if (matches > 1)
			fprintf(stderr, "sava invite: %zu open invitations have an id that starts with %.64s; give more digits\n",
			    matches, prefix);
		else
			fprintf(stderr, "sava invite: no open invitation has an id that starts with %.64s "
			                "(see sava invite DIR --list)\n", prefix);
		return 1;
	default:
		fprintf(stderr, "sava invite: the invitation could not be withdrawn\n");
		return 1;
	}
}

int
cmd_invite(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "note", required_argument, NULL, 'n' },
		{ "list", no_argument, NULL, 'l' },
		{ "withdraw", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t roles = 0;
	const char *note = NULL, *withdraw = NULL;
	bool list = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'l') {
			list = true;
		} else if (c == 'w') {
			withdraw = optarg;
		} else if (c == 'r') {
			uint32_t bit = role_parse(optarg);
			if (!bit) {
				fprintf(stderr, "sava invite: there is no role \"%.40s\"; roles are admin, coordinator, owl, "
				                "verifier, translator, editor and viewer\n", optarg);
				return 2;
			}
			roles |= bit;
		} else if (c == 'n') {
			note = optarg;
		} else if (c == 'h') {
			fputs(usage_invite, stdout);
			return 0;
		} else {
			fputs(usage_invite, stderr);
			return 2;
		}
	}
	if (list || withdraw) {
		if (optind != argc - 1 || roles || note || (list && withdraw)) {
			fprintf(stderr, "sava invite: --list and --withdraw take the instance directory and nothing else\n\n%s",
			    usage_invite);
			return 2;
		}
		return list ? invite_list(argv[optind]) : invite_withdraw(argv[optind], withdraw);
	}
	if (optind != argc - 1 || roles == 0) {
		fprintf(stderr, "sava invite: name the instance directory and at least one --role\n\n%s", usage_invite);
		return 2;
	}
	if (note && strlen(note) > INVITE_NOTE_MAX) {
		fprintf(stderr, "sava invite: the note is longer than %d bytes\n", INVITE_NOTE_MAX);
		return 2;
	}
	app_t app;
	char token[INVITE_TOKEN_CHARS + 1];
	if (cli_open(argv[optind], &app, "invite") != 0)
		return 1;
	staff_status_t st = staff_invite(&app, roles, note, token);
	cli_close(&app);
	if (st != STAFF_OK) {
		fprintf(stderr, "sava invite: the invitation could not be stored\n");
		return 1;
	}
	printf("/staff/enroll/%s\n", token);
	return 0;
}

int
cmd_revoke(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_revoke, stdout);
		return 0;
	}
	if (argc != 3) {
		fputs(usage_revoke, stderr);
		return 2;
	}
	app_t app;
	store_account_t a;
	if (cli_open(argv[1], &app, "revoke") != 0)
		return 1;
	int rc = store_account_by_handle(app.store, argv[2], &a);
	staff_status_t st = rc == STORE_OK && a.status != ACCT_REVOKED ? staff_revoke(&app, NULL, a.id) : STAFF_DENIED;
	cli_close(&app);
	if (st == STAFF_DENIED) {
		fprintf(stderr, "sava revoke: there is no active account named \"%.32s\"\n", argv[2]);
		return 1;
	}
	if (st != STAFF_OK) {
		fprintf(stderr, "sava revoke: the account could not be revoked\n");
		return 1;
	}
	printf("Revoked %s. Its sessions end at their next request; the group keys it held are\n"
	       "rotated at the next login of a remaining holder.\n", argv[2]);
	return 0;
}

int
cmd_triage(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_triage, stdout);
		return 0;
	}
	if (argc != 5 || strcmp(argv[1], "reset") != 0 || strcmp(argv[3], "--to") != 0) {
		fputs(usage_triage, stderr);
		return 2;
	}
	app_t app;
	size_t holders = 0;
	if (cli_open(argv[2], &app, "triage reset") != 0)
		return 1;
	staff_reset_t st = staff_group_reset_allow(&app, "triage", argv[4], &holders);
	cli_close(&app);
	switch (st) {
	case RESET_OK:
		printf("At her next login, %s makes a new triage key; requests sealed to the old key cannot\n"
		       "be opened by anyone. This reset is in the audit log, and staff pages will say so.\n", argv[4]);
		return 0;
	case RESET_NO_ACCOUNT:
		fprintf(stderr, "sava triage reset: there is no active coordinator named \"%.32s\"\n", argv[4]);
		return 1;
	case RESET_HOLDERS:
		fprintf(stderr, "sava triage reset: %zu account(s) still hold the triage key: one of them gives it to "
		                "%.32s on the Groups page; no reset is needed\n", holders, argv[4]);
		return 1;
	case RESET_NO_GROUP:
		fprintf(stderr, "sava triage reset: there is no triage key yet: the first coordinator's login makes it\n");
		return 1;
	default:
		fprintf(stderr, "sava triage reset: the reset could not be stored\n");
		return 1;
	}
}

int
cmd_purge(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_purge, stdout);
		return 0;
	}
	if (argc != 2) {
		fputs(usage_purge, stderr);
		return 2;
	}
	app_t app;
	size_t n = 0;
	if (cli_open(argv[1], &app, "purge") != 0)
		return 1;
	int rc = intake_purge(&app, &n);
	cli_close(&app);
	printf("Shredded %zu expired request(s).\n", n);
	if (rc != 0) {
		fprintf(stderr, "sava purge: something could not be shredded or compacted; see the lines above. "
		                "Run it again, or let the hourly purge of sava serve retry.\n");
		return 1;
	}
	return 0;
}
