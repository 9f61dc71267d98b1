/* Unit tests for the domain's rules on requests, without the HTTP layer (issue 10), on a
 * real test instance (vault and store, KDF_INSECURE_FAST) filled by seed_run, with time
 * moved by clock_set_for_tests:
 * - stages (domain/casework.c casework_stage_move): the next stage, one back, rejected
 *   with a reason only, nothing out of closed or rejected, "safe" after two verifiers,
 *   a stale move refused, and closing or rejecting by a coordinator holding the triage
 *   key only (not an Owl, not a coordinator without the key);
 * - epochs (domain/epoch.c epoch_rekey, run by staff_revoke): after a triage member is
 *   revoked the key rotates and every open request moves to the new epoch, still opened
 *   by the coordinator;
 * - retention (domain/retention.c intake_purge): rejected requests go after
 *   rejected_days, closed ones after closed_days, open ones after [retention] days of no
 *   activity; younger ones are kept. */
#include <ftw.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "core/clock.h"
#include "domain/casework.h"
#include "domain/epoch.h"
#include "domain/intake.h"
#include "domain/rules.h"
#include "domain/retention.h"
#include "domain/seed.h"
#include "domain/staff.h"
#include "domain/triage.h"
#include "domain/view.h"
#include "vault/secmem.h"
#include "vault/totp.h"

#define PW "correct horse battery staple seed"   /* seed.c's passphrase */
#define MAX_CASES 16

/* RFC 4648 base32 (A-Z 2-7, no padding) of a TOTP secret, as the seed report prints it. */
static bool
base32_secret(const char *s, uint8_t out[TOTP_SECRET_BYTES])
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (; *s && *s != '\n'; s++) {
		int v = *s >= 'A' && *s <= 'Z' ? *s - 'A' : *s >= '2' && *s <= '7' ? *s - '2' + 26 : -1;
		if (v < 0)
			return false;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (n == TOTP_SECRET_BYTES)
				return false;
			out[n++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return n == TOTP_SECRET_BYTES;
}

/* The TOTP secret the seed report printed for handle. */
static bool
report_secret(FILE *f, const char *handle, uint8_t out[TOTP_SECRET_BYTES])
{
	char line[256], prefix[64];
	snprintf(prefix, sizeof(prefix), "totp %s: ", handle);
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			return base32_secret(line + strlen(prefix), out);
	return false;
}

/* An account with real keys, through an invitation (as seed.c and enrollment do it). */
static bool
account_make(const app_t *app, const char *handle, uint32_t roles, uint8_t totp[TOTP_SECRET_BYTES], uint8_t id[16])
{
	acct_blobs_t b;
	acct_shown_t *shown = secmem_alloc(sizeof(*shown));
	store_account_t a;
	char token[INVITE_TOKEN_CHARS + 1];
	uint8_t hash[32];
	bool ok = false;
	if (!shown || acct_create(app->vault, PW, strlen(PW), &b, shown) != 0)
		goto done;
	invite_token_new(token, hash);
	if (store_invite_add(app->store, hash, roles, NULL, 0, clock_hour() + 1) != STORE_OK)
		goto done;
	memset(&a, 0, sizeof(a));
	memcpy(a.id, b.id, 16);
	snprintf(a.handle, sizeof(a.handle), "%s", handle);
	a.roles = roles;
	memcpy(a.pk, b.pk, 32);
	memcpy(a.wrap_pw, b.wrap_pw, sizeof(a.wrap_pw));
	memcpy(a.wrap_rec, b.wrap_rec, sizeof(a.wrap_rec));
	memcpy(a.sk_box, b.sk_box, sizeof(a.sk_box));
	memcpy(a.totp_box, b.totp_box, sizeof(a.totp_box));
	a.created_day = clock_hour() / 24;
	if (store_account_create(app->store, hash, clock_hour(), &a) != STORE_OK)
		goto done;
	memcpy(totp, shown->totp_secret, TOTP_SECRET_BYTES);
	memcpy(id, a.id, 16);
	ok = true;
done:
	secmem_free(shown);
	return ok;
}

/* A session through staff_login with the code of the clock's current step. */
static bool
login(const app_t *app, const char *handle, const uint8_t totp[TOTP_SECRET_BYTES], staff_t *out)
{
	sess_new_t ns;
	char code[TOTP_DIGITS + 1];
	totp_code(totp, (uint64_t)clock_now() / 30, code);
	if (staff_login(app, sv_from_cstr(handle), SV(PW), sv_from_cstr(code), &ns) != STAFF_OK)
		return false;
	bool ok = staff_session(app, sv_from_cstr(ns.cookie), out) == STAFF_OK;
	sodium_memzero(&ns, sizeof(ns));
	return ok;
}

struct cases {
	store_case_t c[MAX_CASES];
	size_t n;
};

static int
case_collect(void *ctx, const store_case_t *c)
{
	struct cases *x = ctx;
	if (x->n < MAX_CASES)
		x->c[x->n++] = *c;
	return 0;
}

static int
stage_of(const app_t *app, const uint8_t id[16])
{
	store_case_t c;
	return store_case_get(app->store, id, &c) == STORE_OK ? c.stage : -1;
}

static bool
exists(const app_t *app, const uint8_t id[16])
{
	store_case_t c;
	return store_case_get(app->store, id, &c) == STORE_OK;
}

static bool
opens(const app_t *app, const staff_t *s, const uint8_t id[16])
{
	case_view_t cv;
	if (staff_view(app, s, id, false, &cv) != INTAKE_OK)
		return false;
	case_view_free(&cv);
	return true;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
clock_at_hour(int64_t hour)
{
	clock_set_for_tests((time_t)(hour * 3600 + 60), 0);
}

int
main(void)
{
	char dir[] = "/tmp/sava-rules-XXXXXX", err[512], path[600];
	static app_t app;
	CHECK(sodium_init() >= 0);
	CHECK(mkdtemp(dir) != NULL);
	app.dir = dir;
	config_defaults(&app.config);
	CHECK(stages_parse(&app.stages, stages_default_text, strlen(stages_default_text), err, sizeof(err)) == 0);

	/* the instance as `sava init --insecure-fast-kdf` makes it, at a fixed time; the seed
	 * logs its coordinator in with time(NULL), so the clock starts there */
	time_t t0 = time(NULL);
	clock_set_for_tests(t0, 0);
	vault_audit_first_t first;
	uint8_t entry0[AUDIT_ENTRY_BYTES];
	audit_entry_encode(entry0, clock_now(), NULL, AUDIT_INSTANCE_CREATED, NULL);
	snprintf(path, sizeof(path), "%s/keys", dir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/blobs", dir);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(vault_instance_create(dir, KDF_INSECURE_FAST, entry0, sizeof(entry0), &first, err, sizeof(err)) == 0);
	CHECK(store_create(dir, KDF_INSECURE_FAST, &app.store, err, sizeof(err)) == 0);
	if (!app.store) {
		fprintf(stderr, "%s\n", err);
		return check_done("domain_rules");
	}
	CHECK(store_audit_append(app.store, 0, entry0, sizeof(entry0), first.h, first.u) == STORE_OK);
	CHECK(store_instance_get(app.store, &app.instance) == 0);
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 1, &app.vault, err, sizeof(err)) == 0);
	if (!app.vault) {
		fprintf(stderr, "%s\n", err);
		store_close(app.store);
		return check_done("domain_rules");
	}

	/* seed-coordinator (triage key, verifier), owl00001 (holds requests 1-5), 6 requests
	 * with activity up to 30 days old, one message each (all at "new") */
	FILE *report = tmpfile();
	CHECK(report != NULL);
	seed_params_t p = { 2, 6, 6 };
	CHECK(seed_run(&app, &p, report) == 0);
	uint8_t coord_totp[TOTP_SECRET_BYTES], owl_totp[TOTP_SECRET_BYTES], mila_totp[TOTP_SECRET_BYTES], mila_id[16];
	CHECK(report_secret(report, "seed-coordinator", coord_totp));
	CHECK(report_secret(report, "owl00001", owl_totp));
	fclose(report);

	/* a minute later (a new TOTP step): the sessions; mila is a second coordinator and
	 * verifier, not yet holding the triage key */
	clock_set_for_tests(t0 + 60, 0);
	/* the hour of what follows (not of t0: within a minute of the hour's end they differ,
	 * and every retention step below counts from the hour the stages moved) */
	int64_t h0 = clock_hour();
	staff_t coord, owl, mila;
	memset(&coord, 0, sizeof(coord));
	memset(&owl, 0, sizeof(owl));
	memset(&mila, 0, sizeof(mila));
	CHECK(login(&app, "seed-coordinator", coord_totp, &coord));
	CHECK(login(&app, "owl00001", owl_totp, &owl));
	CHECK(account_make(&app, "mila", ROLE_COORDINATOR | ROLE_VERIFIER, mila_totp, mila_id));
	CHECK(login(&app, "mila", mila_totp, &mila));

	struct cases all = { .n = 0 };
	CHECK(store_cases_list(app.store, 0, STAGE_REJECTED, 0, MAX_CASES, case_collect, &all) == STORE_OK);
	CHECK(all.n == 6);
	/* A, B, C: three requests held by the Owl */
	const store_case_t *held[3] = { NULL, NULL, NULL };
	size_t nheld = 0;
	for (size_t i = 0; i < all.n; i++) {
		CHECK(all.c[i].stage == STAGE_NEW && all.c[i].epoch == 0 && all.c[i].activity_hour <= h0 &&
		    all.c[i].activity_hour >= h0 - 24 * 30);
		if (all.c[i].has_assignee && memcmp(all.c[i].assignee, owl.acct.id, 16) == 0 && nheld < 3)
			held[nheld++] = &all.c[i];
	}
	CHECK(nheld == 3);
	if (nheld < 3)
		goto out;
	uint8_t A[16], B[16], C[16];
	memcpy(A, held[0]->id, 16);
	memcpy(B, held[1]->id, 16);
	memcpy(C, held[2]->id, 16);

	/* ---- stages ---- */
	/* the Owl may move her request on, but not end it */
	CHECK(casework_stage_move(&app, &owl, A, STAGE_NEW, STAGE_REJECTED, SV("spam")) == STAGE_MOVE_COORDINATOR);
	CHECK(stage_of(&app, A) == STAGE_NEW);
	CHECK(casework_stage_move(&app, &owl, A, STAGE_NEW, STAGE_TRIAGE, SV("")) == STAGE_MOVE_OK);
	CHECK(stage_of(&app, A) == STAGE_TRIAGE);
	/* a coordinator without the triage key sees nothing to move */
	CHECK(casework_stage_move(&app, &mila, A, STAGE_TRIAGE, STAGE_REJECTED, SV("spam")) == STAGE_MOVE_NOT_FOUND);
	CHECK(stage_of(&app, A) == STAGE_TRIAGE);
	/* someone moved it first */
	CHECK(casework_stage_move(&app, &coord, A, STAGE_NEW, STAGE_TRIAGE, SV("")) == STAGE_MOVE_STALE);
	/* one back, never two ahead, never out of range */
	CHECK(casework_stage_move(&app, &coord, A, STAGE_TRIAGE, STAGE_NEW, SV("")) == STAGE_MOVE_OK);
	CHECK(stage_of(&app, A) == STAGE_NEW);
	CHECK(casework_stage_move(&app, &coord, A, STAGE_NEW, STAGE_VERIFICATION, SV("")) == STAGE_MOVE_INVALID);
	CHECK(casework_stage_move(&app, &coord, A, STAGE_NEW, -1, SV("")) == STAGE_MOVE_INVALID);
	CHECK(casework_stage_move(&app, &coord, A, STAGE_NEW, STAGE_CLOSED, SV("")) == STAGE_MOVE_INVALID);
	CHECK(stage_of(&app, A) == STAGE_NEW);
	/* rejected: from anywhere open, with a reason */
	CHECK(casework_stage_move(&app, &coord, A, STAGE_NEW, STAGE_REJECTED, SV("")) == STAGE_MOVE_NEED_REASON);
	CHECK(casework_stage_move(&app, &coord, A, STAGE_NEW, STAGE_REJECTED, SV("   ")) == STAGE_MOVE_NEED_REASON);
	CHECK(stage_of(&app, A) == STAGE_NEW);
	CHECK(casework_stage_move(&app, &coord, A, STAGE_NEW, STAGE_REJECTED, SV("a provocation")) == STAGE_MOVE_OK);
	CHECK(stage_of(&app, A) == STAGE_REJECTED);
	/* nothing out of rejected */
	CHECK(casework_stage_move(&app, &coord, A, STAGE_REJECTED, STAGE_CLOSED, SV("")) == STAGE_MOVE_INVALID);
	CHECK(casework_stage_move(&app, &coord, A, STAGE_REJECTED, STAGE_NEW, SV("")) == STAGE_MOVE_INVALID);
	CHECK(casework_stage_move(&app, &coord, A, STAGE_REJECTED, STAGE_REJECTED, SV("again")) == STAGE_MOVE_INVALID);
	CHECK(stage_of(&app, A) == STAGE_REJECTED);

	/* B to the end: "safe" only after two verifiers, closed by a coordinator with the key */
	for (int s = STAGE_NEW; s < STAGE_EXIT; s++)
		CHECK(casework_stage_move(&app, &coord, B, s, s + 1, SV("")) == STAGE_MOVE_OK);
	CHECK(stage_of(&app, B) == STAGE_EXIT);
	CHECK(casework_stage_move(&app, &coord, B, STAGE_EXIT, STAGE_SAFE, SV("")) == STAGE_MOVE_NEED_VERIFIERS);
	CHECK(casework_verify(&app, &coord, B, SV("met him")) == INTAKE_OK);
	CHECK(casework_verify(&app, &coord, B, SV("again")) == INTAKE_OK);
	CHECK(casework_stage_move(&app, &coord, B, STAGE_EXIT, STAGE_SAFE, SV("")) == STAGE_MOVE_NEED_VERIFIERS);
	CHECK(stage_of(&app, B) == STAGE_EXIT);
	/* mila gets the key from the coordinator, then verifies too */
	CHECK(staff_group_grant(&app, &coord, "triage", mila_id) == STAFF_OK);
	CHECK(casework_verify(&app, &mila, B, SV("checked")) == INTAKE_OK);
	CHECK(casework_stage_move(&app, &coord, B, STAGE_EXIT, STAGE_SAFE, SV("")) == STAGE_MOVE_OK);
	CHECK(casework_stage_move(&app, &coord, B, STAGE_SAFE, STAGE_AFTERCARE, SV("")) == STAGE_MOVE_OK);
	CHECK(casework_stage_move(&app, &owl, B, STAGE_AFTERCARE, STAGE_CLOSED, SV("")) == STAGE_MOVE_COORDINATOR);
	CHECK(stage_of(&app, B) == STAGE_AFTERCARE);
	CHECK(casework_stage_move(&app, &mila, B, STAGE_AFTERCARE, STAGE_CLOSED, SV("")) == STAGE_MOVE_OK);
	CHECK(stage_of(&app, B) == STAGE_CLOSED);
	/* nothing out of closed */
	CHECK(casework_stage_move(&app, &coord, B, STAGE_CLOSED, STAGE_AFTERCARE, SV("")) == STAGE_MOVE_INVALID);
	CHECK(casework_stage_move(&app, &coord, B, STAGE_CLOSED, STAGE_REJECTED, SV("late")) == STAGE_MOVE_INVALID);
	CHECK(stage_of(&app, B) == STAGE_CLOSED);
	/* C: touched now (open, activity this hour) */
	CHECK(casework_stage_move(&app, &coord, C, STAGE_NEW, STAGE_TRIAGE, SV("")) == STAGE_MOVE_OK);

	/* ---- epochs: mila is revoked; the coordinator rotates the key and rekeys ---- */
	store_group_t g;
	CHECK(store_group_get(app.store, "triage", &g) == STORE_OK && g.epoch == 0);
	CHECK(staff_revoke(&app, &coord, mila_id) == STAFF_OK);
	CHECK(store_group_get(app.store, "triage", &g) == STORE_OK && g.epoch == 1 && !g.rotation_pending);
	all.n = 0;
	CHECK(store_cases_list(app.store, 0, STAGE_AFTERCARE, 0, MAX_CASES, case_collect, &all) == STORE_OK);
	CHECK(all.n == 4);   /* the open ones: all but A and B */
	for (size_t i = 0; i < all.n; i++) {
		store_copy_t k;
		CHECK(all.c[i].epoch == 1);
		CHECK(store_case_group_copy(app.store, all.c[i].id, &k) == STORE_OK && k.holder_epoch == 1);
		CHECK(opens(&app, &coord, all.c[i].id));
	}
	CHECK(epoch_rekey(&app, &coord) == 0);   /* nothing left to move */
	CHECK(!opens(&app, &mila, C));

	/* ---- the rules of what people type, applied to every caller (rules.h) ---- */
	CHECK(rule_chars(SV("\xd0\x9e\xd0\xbb\xd1\x8f")) == 3);   /* three Cyrillic letters */
	CHECK(rule_length(SV("abc"), 3) == RULE_OK && rule_length(SV("abcd"), 3) == RULE_TOO_LONG);
	CHECK(rule_choice(intake_regions, SV("")) == RULE_OK && rule_choice(intake_regions, SV("abroad")) == RULE_OK);
	CHECK(rule_choice(intake_regions, SV("abroad ")) == RULE_NOT_LISTED);
	CHECK(rule_message(&app, SV(" \n"), true, 1) == RULE_EMPTY);      /* a request needs words */
	CHECK(rule_message(&app, SV(" \n"), false, 1) == RULE_OK);        /* a reply may be files alone */
	CHECK(rule_message(&app, SV(""), false, 0) == RULE_EMPTY);
	CHECK(rule_note(SV("\t")) == RULE_EMPTY && rule_note(SV("ok")) == RULE_OK);
	{
		size_t before = 0, after = 0;
		char receipt[RECEIPT_DIGITS_MAX + 1];
		buf_t big;
		buf_init(&big, app.config.message_max + 1);
		for (unsigned i = 0; i <= app.config.message_max; i++)
			CHECK(buf_append(&big, "x", 1) == 0);
		CHECK(store_cases_count(app.store, 0, STAGE_REJECTED, &before) == STORE_OK);
		CHECK(intake_submit(&app, LANG_RU, &(intake_form_t){ SV(""), SV(""), SV(""), SV("") }, NULL, receipt) ==
		    INTAKE_INVALID);
		CHECK(intake_submit(&app, LANG_RU, &(intake_form_t){ buf_sv(&big), SV(""), SV(""), SV("") }, NULL, receipt) ==
		    INTAKE_INVALID);
		CHECK(intake_submit(&app, LANG_RU, &(intake_form_t){ SV("help"), SV("war"), SV(""), SV("") }, NULL, receipt) ==
		    INTAKE_INVALID);
		CHECK(application_submit(&app, LANG_RU, &(application_form_t){ SV("me"), SV(""), SV(" "), SV("") }) ==
		    INTAKE_INVALID);
		CHECK(request_note(&app, &coord, C, SV("  ")) == INTAKE_INVALID);
		CHECK(request_reply(&app, &coord, C, SV(""), NULL) == INTAKE_INVALID);
		CHECK(request_reply(&app, &coord, C, buf_sv(&big), NULL) == INTAKE_INVALID);
		CHECK(store_cases_count(app.store, 0, STAGE_REJECTED, &after) == STORE_OK && after == before);
		/* and a valid one still goes through the same door */
		CHECK(request_note(&app, &coord, C, SV("checked twice")) == INTAKE_OK);
		buf_free(&big);
	}

	/* ---- retention (defaults: 60 days, closed 7, rejected 2) ---- */
	CHECK(app.config.retention_days == 60 && app.config.closed_days == 7 && app.config.rejected_days == 2);
	size_t n = 99;
	CHECK(intake_purge(&app, &n) == 0 && n == 0);
	/* 2 days less an hour: all kept; 2 days and an hour: the rejected one goes */
	clock_at_hour(h0 + 47);
	CHECK(intake_purge(&app, &n) == 0 && n == 0 && exists(&app, A));
	clock_at_hour(h0 + 49);
	CHECK(intake_purge(&app, &n) == 0 && n == 1);
	CHECK(!exists(&app, A) && exists(&app, B) && exists(&app, C));
	/* 7 days: the closed one */
	clock_at_hour(h0 + 24 * 7 - 1);
	CHECK(intake_purge(&app, &n) == 0 && n == 0 && exists(&app, B));
	clock_at_hour(h0 + 24 * 7 + 1);
	CHECK(intake_purge(&app, &n) == 0 && n == 1);
	CHECK(!exists(&app, B) && exists(&app, C));
	/* 50 days on, C is touched again (back to new) */
	clock_at_hour(h0 + 24 * 50);
	CHECK(casework_stage_move(&app, &coord, C, STAGE_TRIAGE, STAGE_NEW, SV("")) == STAGE_MOVE_OK);
	/* 60 days and an hour after h0: every open request untouched since h0 goes; C stays */
	clock_at_hour(h0 + 24 * 60 + 1);
	CHECK(intake_purge(&app, &n) == 0 && n == 3);
	size_t left = 0;
	CHECK(store_cases_count(app.store, 0, STAGE_REJECTED, &left) == STORE_OK && left == 1);
	CHECK(exists(&app, C));
	/* and 60 days after its last activity, C too */
	clock_at_hour(h0 + 24 * 110 - 1);
	CHECK(intake_purge(&app, &n) == 0 && n == 0 && exists(&app, C));
	clock_at_hour(h0 + 24 * 110 + 1);
	CHECK(intake_purge(&app, &n) == 0 && n == 1 && !exists(&app, C));
	CHECK(store_cases_count(app.store, 0, STAGE_REJECTED, &left) == STORE_OK && left == 0);

out:
	sodium_memzero(&coord, sizeof(coord));
	sodium_memzero(&owl, sizeof(owl));
	sodium_memzero(&mila, sizeof(mila));
	clock_set_for_tests(0, 0);
	vault_close(app.vault);
	store_close(app.store);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return check_done("domain_rules");
}
