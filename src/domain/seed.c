/* seed: `sava dev seed`, a generator of realistic load for the benchmarks (bench/scale.py):
 * staff accounts with real keys, requests created by the real vault calls, conversations
 * sealed by their requester and by triage, and assignments to Owls. Only for a test
 * instance (--insecure-fast-kdf): it prints passphrases, and it writes without fsync. */
#include "domain/seed.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/access.h"
#include "domain/epoch.h"
#include "domain/seal.h"
#include "vault/secmem.h"
#include "vault/totp.h"

#define SEED_PASSPHRASE "correct horse battery staple seed"

/* An account with real keys, through an invitation as enrollment does it. */
static int
seed_account(const app_t *app, const char *handle, uint32_t roles, const char *languages, unsigned capacity,
    uint8_t totp_secret[20], uint8_t id_out[16])
{
	acct_blobs_t b;
	acct_shown_t *shown = secmem_alloc(sizeof(*shown));
	store_account_t a;
	char token[INVITE_TOKEN_CHARS + 1];
	uint8_t hash[32];
	int rc = -1;
	if (!shown || acct_create(app->vault, SEED_PASSPHRASE, strlen(SEED_PASSPHRASE), &b, shown) != 0)
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
	if (store_account_create(app->store, hash, clock_hour(), &a) != STORE_OK ||
	    store_account_set_profile(app->store, a.id, languages, "", capacity, false) != STORE_OK)
		goto done;
	if (totp_secret)
		memcpy(totp_secret, shown->totp_secret, 20);
	if (id_out)
		memcpy(id_out, a.id, 16);
	rc = 0;
done:
	secmem_free(shown);
	return rc;
}

/* The coordinator's session, which creates the triage key as her first login does. */
static int
seed_login(const app_t *app, const char *handle, const uint8_t totp_secret[20], staff_t *out)
{
	sess_new_t ns;
	char code[TOTP_DIGITS + 1];
	totp_code(totp_secret, (uint64_t)time(NULL) / 30, code);
	if (staff_login(app, sv_from_cstr(handle), SV(SEED_PASSPHRASE), sv_from_cstr(code), &ns) != STAFF_OK)
		return -1;
	int rc = staff_session(app, sv_from_cstr(ns.cookie), out) == STAFF_OK ? 0 : -1;
	sodium_memzero(&ns, sizeof(ns));
	return rc;
}

static const char *const seed_words[] = { "повестка", "граница", "помощь", "документы", "паспорт", "военкомат",
	"мама", "сын", "help", "border", "please", "tomorrow", "deadline", "Минск", "Москва", "поезд" };

static void
seed_text(char *out, size_t cap, unsigned words)
{
	size_t n = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < words && n + 32 < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? " " : "",
		    seed_words[randombytes_uniform(sizeof(seed_words) / sizeof(seed_words[0]))]);
}

/* One message sealed by who (a prepared access), stored as the next seq. */
static int
seed_message(const app_t *app, struct access *a, int role, const char *text, int64_t hour)
{
	struct sealed items = { .n = 0 };
	uint32_t seq;
	int rc = -1;
	if (seal_item_kind(app, a, &items, CASE_KIND_CASE, role, FIELD_MESSAGE, sv_from_cstr(text), hour) == 0 &&
	    store_case_add(app->store, a->ref.case_id, items.items, items.n, NULL, 0, hour, STAGE_NEW, STAGE_TRIAGE,
	        role == CASE_ROLE_REQUESTER ? 1 : -1, &seq) == STORE_OK)
		rc = 0;
	sealed_free(&items);
	return rc;
}

int
seed_run(const app_t *app, const seed_params_t *p, FILE *report)
{
	staff_t coord;
	store_group_t g;
	uint8_t totp[20], owl_totp[20];
	char b32[TOTP_BASE32_CHARS + 1];
	char handle[STORE_HANDLE_MAX + 1], text[600];
	uint8_t(*owls)[16] = calloc(p->accounts ? p->accounts : 1, 16);
	uint8_t(*owl_pk)[32] = calloc(p->accounts ? p->accounts : 1, 32);
	size_t nowls = 0;
	int rc = -1;
	case_new_t *cn = secmem_alloc(sizeof(*cn));
	struct access *req = access_new(), *staff = access_new();
	if (!owls || !owl_pk || !cn || !req || !staff)
		goto done;
	if (store_set_durable(app->store, false) != STORE_OK)
		goto done;

	/* staff: one coordinator (who creates the triage key), then Owls */
	if (store_group_get(app->store, "triage", &g) != STORE_NOT_FOUND) {
		fprintf(stderr, "sava dev seed: this instance has a triage key already; seed a new test instance\n");
		goto done;
	}
	if (seed_account(app, "seed-coordinator", ROLE_COORDINATOR | ROLE_VERIFIER, "ru,be,en", 50, totp, NULL) != 0 ||
	    seed_login(app, "seed-coordinator", totp, &coord) != 0 || staff_groups_on_login(app, &coord) != STAFF_OK ||
	    store_group_get(app->store, "triage", &g) != STORE_OK) {
		fprintf(stderr, "sava dev seed: the coordinator or the triage key could not be made\n");
		goto done;
	}
	static const char *const langs[] = { "ru", "ru,en", "be,ru", "ru,uk", "en" };
	for (size_t i = 1; i < p->accounts; i++) {
		store_account_t a;
		snprintf(handle, sizeof(handle), "owl%05zu", i);
		uint32_t roles = ROLE_OWL | (i % 5 == 0 ? ROLE_VERIFIER : 0);
		if (seed_account(app, handle, roles, langs[i % 5], 5 + (unsigned)(i % 20), i == 1 ? owl_totp : NULL,
		        owls[nowls]) != 0 ||
		    store_account_by_id(app->store, owls[nowls], &a) != STORE_OK) {
			fprintf(stderr, "sava dev seed: account %zu could not be made\n", i);
			goto done;
		}
		memcpy(owl_pk[nowls++], a.pk, 32);
		if (i % 1000 == 0)
			fprintf(report, "accounts: %zu\n", i);
	}

	/* requests, their conversations and assignments */
	size_t per_case = p->cases ? p->messages / p->cases : 0, made_msgs = 0;
	int64_t now = clock_hour();
	for (size_t c = 0; c < p->cases; c++) {
		static const char *const site_langs[] = { "ru", "ru", "ru", "be", "en" };
		int64_t hour = now - (int64_t)randombytes_uniform(24 * 30);
		if (case_create(app->vault, 16, (const uint8_t(*)[32])g.pk, 1, cn) != VAULT_OK)
			goto done;
		/* the requester's side, as intake_submit makes it */
		access_new_requester(req, cn);
		struct sealed items = { .n = 0 };
		seed_text(text, sizeof(text), 40);
		static const char *const sits[] = { "notice", "serving", "border", "out", "other" };
		if (seal_item_kind(app, req, &items, CASE_KIND_CASE, CASE_ROLE_REQUESTER, FIELD_MESSAGE, sv_from_cstr(text),
		        hour) != 0 ||
		    seal_item_kind(app, req, &items, CASE_KIND_CASE, CASE_ROLE_REQUESTER, FIELD_SITUATION,
		        sv_from_cstr(sits[c % 5]), hour) != 0 ||
		    seal_item_kind(app, req, &items, CASE_KIND_CASE, CASE_ROLE_REQUESTER, FIELD_REGION, SV(""), hour) != 0 ||
		    seal_item_kind(app, req, &items, CASE_KIND_CASE, CASE_ROLE_REQUESTER, FIELD_CONTACT, SV(""), hour) != 0 ||
		    seal_item_kind(app, req, &items, CASE_KIND_CASE, CASE_ROLE_REQUESTER, FIELD_WRITER, SV(""), hour) != 0) {
			sealed_free(&items);
			goto done;
		}
		store_case_t row;
		memset(&row, 0, sizeof(row));
		memcpy(row.id, cn->case_id, 16);
		row.slot = cn->slot;
		memcpy(row.lang, site_langs[c % 5], 2);
		memcpy(row.pk_req_item_id, cn->pk_req_item_id, 16);
		memcpy(row.pk_req_item, cn->pk_req_item, STORE_PKREQ_ITEM_BYTES);
		row.created_hour = row.activity_hour = hour;
		store_copy_t copies[2];
		size_t ncopies = epoch_copies(cn->case_id, cn->req_copy, (const uint8_t(*)[CASE_COPY_BYTES])cn->copies,
		    (const uint8_t(*)[CASE_COPY_BYTES])cn->ncopies, &g, NULL, 0, copies);
		int st = store_case_create(app->store, &row, copies, ncopies, items.items, items.n, NULL, 0);
		sealed_free(&items);
		if (st != STORE_OK)
			goto done;
		/* the conversation: his messages and triage's answers, alternating */
		access_reset(staff);
		if (access_staff(app, &coord, cn->case_id, staff) != INTAKE_OK)
			goto done;
		for (size_t m = 1; m < per_case; m++) {
			seed_text(text, sizeof(text), 10 + randombytes_uniform(60));
			if (seed_message(app, m % 2 ? staff : req, m % 2 ? CASE_ROLE_STAFF : CASE_ROLE_REQUESTER, text, hour) != 0)
				goto done;
			made_msgs++;
		}
		/* most requests go to an Owl */
		if (nowls && c % 10 != 0) {
			store_copy_t copy;
			struct sealed rec = { .n = 0 };
			size_t o = c % nowls;
			memset(&copy, 0, sizeof(copy));
			copy.holder_kind = HOLDER_ACCOUNT;
			memcpy(copy.holder, owls[o], 16);
			copy.has_ncopy = true;
			uint8_t pt[32];
			memcpy(pt, coord.acct.id, 16);
			memcpy(pt + 16, owls[o], 16);
			if (case_grant(app->vault, &staff->who, &staff->ref, owl_pk[o], copy.copy, copy.ncopy) != VAULT_OK ||
			    seal_item_kind(app, staff, &rec, CASE_KIND_NOTES, CASE_ROLE_STAFF, FIELD_ASSIGN,
			        (sv_t){ (const char *)pt, 32 }, hour) != 0 ||
			    store_case_assign(app->store, cn->case_id, 0, owls[o], &copy, rec.items, rec.n, hour) != STORE_OK) {
				sealed_free(&rec);
				goto done;
			}
			sealed_free(&rec);
		}
		sodium_memzero(cn, sizeof(*cn));
		if ((c + 1) % 1000 == 0)
			fprintf(report, "requests: %zu, messages: %zu\n", c + 1, made_msgs + c + 1);
	}
	fprintf(report, "done: %zu accounts, %zu requests, %zu messages\n", p->accounts, p->cases, made_msgs + p->cases);
	fprintf(report, "passphrase: %s\n", SEED_PASSPHRASE);
	totp_secret_base32(totp, b32);
	fprintf(report, "totp seed-coordinator: %s\n", b32);
	if (nowls) {
		totp_secret_base32(owl_totp, b32);
		fprintf(report, "totp owl00001: %s\n", b32);
	}
	rc = 0;
done:
	if (store_set_durable(app->store, true) != STORE_OK)
		rc = -1;
	sodium_memzero(&coord, sizeof(coord));
	sodium_memzero(totp, sizeof(totp));
	sodium_memzero(owl_totp, sizeof(owl_totp));
	secmem_free(cn);
	access_free(req);
	access_free(staff);
	free(owls);
	free(owl_pk);
	return rc;
}
