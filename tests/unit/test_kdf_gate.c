/* Unit tests for the vault's gate around every Argon2id (white-box: vault_private.h):
 * the bound on derivations at once, each purpose's own waiting places, the turns
 * between purposes; and the staff paths through it: an unknown handle's recovery is
 * told "busy" exactly when a real one is (issue 9: recovery enumerated handles). */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "domain/staff.h"
#include "vault/account.h"
#include "vault/vault.h"
#include "vault/vault_private.h"

#define PW "correct horse battery staple gate"

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Waits (bounded) until the gate has n waiters of purpose p. */
static bool
waiting_reaches(vault_t *v, kdf_purpose_t p, unsigned n)
{
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&v->lock);
		unsigned w = v->kdf_waiting[p];
		pthread_mutex_unlock(&v->lock);
		if (w >= n)
			return true;
		pause_ms(5);
	}
	return false;
}

/* A waiter: enters for its purpose, records the order it got in, leaves. */
struct waiter {
	vault_t *v;
	kdf_purpose_t purpose;
	int rc;
	int order;
	pthread_t t;
};

static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static int order_next;

static void *
waiter_run(void *arg)
{
	struct waiter *w = arg;
	w->rc = vault_kdf_enter(w->v, w->purpose);
	if (w->rc == 0) {
		pthread_mutex_lock(&order_lock);
		w->order = order_next++;
		pthread_mutex_unlock(&order_lock);
		vault_kdf_leave(w->v);
	}
	return NULL;
}

static void
test_gate(vault_t *v)
{
	/* The vault was opened with one derivation at once and two waiting places each. */
	CHECK(vault_kdf_enter(v, KDF_FOR_STAFF) == 0);   /* the one place */
	struct waiter w[5] = {
		{ v, KDF_FOR_STAFF, -2, -1, 0 }, { v, KDF_FOR_STAFF, -2, -1, 0 },   /* staff's two places */
		{ v, KDF_FOR_HELP, -2, -1, 0 }, { v, KDF_FOR_MAILBOX, -2, -1, 0 },
		{ v, KDF_FOR_HELP, -2, -1, 0 },
	};
	CHECK(pthread_create(&w[0].t, NULL, waiter_run, &w[0]) == 0);
	CHECK(waiting_reaches(v, KDF_FOR_STAFF, 1));
	CHECK(pthread_create(&w[1].t, NULL, waiter_run, &w[1]) == 0);
	CHECK(waiting_reaches(v, KDF_FOR_STAFF, 2));
	/* Staff's waiting places are full: one more staff derivation is refused at once... */
	CHECK(vault_kdf_enter(v, KDF_FOR_STAFF) == -1);
	/* ...while help and the mailbox still have their own. */
	CHECK(pthread_create(&w[2].t, NULL, waiter_run, &w[2]) == 0);
	CHECK(waiting_reaches(v, KDF_FOR_HELP, 1));
	CHECK(pthread_create(&w[3].t, NULL, waiter_run, &w[3]) == 0);
	CHECK(waiting_reaches(v, KDF_FOR_MAILBOX, 1));
	CHECK(pthread_create(&w[4].t, NULL, waiter_run, &w[4]) == 0);
	CHECK(waiting_reaches(v, KDF_FOR_HELP, 2));
	pthread_mutex_lock(&v->lock);
	CHECK(v->kdf_running == 1);   /* nobody got in beside the holder */
	pthread_mutex_unlock(&v->lock);
	vault_kdf_leave(v);
	for (int i = 0; i < 5; i++)
		pthread_join(w[i].t, NULL);
	for (int i = 0; i < 5; i++)
		CHECK(w[i].rc == 0);
	/* Freed places go to the purposes in turn (help, mailbox, staff), first come first
	 * served within each: the staff line that came first does not take every turn. */
	CHECK(w[2].order == 0);   /* help */
	CHECK(w[3].order == 1);   /* mailbox */
	CHECK(w[0].order == 2);   /* staff, the first */
	CHECK(w[4].order == 3);   /* help, the second */
	CHECK(w[1].order == 4);   /* staff, the second */
	pthread_mutex_lock(&v->lock);
	CHECK(v->kdf_running == 0);
	for (int p = 0; p < KDF_PURPOSES; p++)
		CHECK(v->kdf_waiting[p] == 0);
	pthread_mutex_unlock(&v->lock);
	CHECK(vault_kdf_enter(v, KDF_PURPOSES) == -1);   /* no such purpose */
}

/* An account with real keys in the store, as enrollment makes it. */
static bool
make_account(app_t *app, const char *handle)
{
	acct_blobs_t b;
	acct_shown_t *shown = sodium_malloc(sizeof(*shown));
	char token[INVITE_TOKEN_CHARS + 1];
	uint8_t hash[32];
	store_account_t a;
	bool ok = shown && acct_create(app->vault, PW, strlen(PW), &b, shown) == 0;
	if (shown)
		sodium_free(shown);
	if (!ok)
		return false;
	invite_token_new(token, hash);
	int64_t hour = (int64_t)(time(NULL) / 3600);
	memset(&a, 0, sizeof(a));
	memcpy(a.id, b.id, 16);
	snprintf(a.handle, sizeof(a.handle), "%s", handle);
	a.roles = ROLE_OWL;
	memcpy(a.pk, b.pk, 32);
	memcpy(a.wrap_pw, b.wrap_pw, sizeof(a.wrap_pw));
	memcpy(a.wrap_rec, b.wrap_rec, sizeof(a.wrap_rec));
	memcpy(a.sk_box, b.sk_box, sizeof(a.sk_box));
	memcpy(a.totp_box, b.totp_box, sizeof(a.totp_box));
	a.created_day = hour / 24;
	return store_invite_add(app->store, hash, ROLE_OWL, NULL, 0, hour + 1) == STORE_OK &&
	       store_account_create(app->store, hash, hour, &a) == STORE_OK;
}

static void
test_recovery_alike(app_t *app)
{
	sv_t rec = sv_from_cstr("AAAAAAAAAAAAAAAAAAAAAAAAAA");   /* well-formed, wrong */
	sv_t pw = sv_from_cstr("a new passphrase, long enough");
	/* With a free place, both are denied after the gate. */
	CHECK(staff_recover(app, sv_from_cstr("rita"), rec, pw) == STAFF_DENIED);
	CHECK(staff_recover(app, sv_from_cstr("nobody"), rec, pw) == STAFF_DENIED);
	/* With every place taken (one at once, none to wait), both are told "busy": an
	 * unknown handle no longer skips the gate and answers "denied". */
	CHECK(vault_kdf_enter(app->vault, KDF_FOR_STAFF) == 0);
	CHECK(staff_recover(app, sv_from_cstr("rita"), rec, pw) == STAFF_BUSY);
	CHECK(staff_recover(app, sv_from_cstr("nobody"), rec, pw) == STAFF_BUSY);
	/* A login is told "busy" for both too (it always was). */
	sess_new_t out;
	CHECK(staff_login(app, sv_from_cstr("rita"), sv_from_cstr(PW), sv_from_cstr("000000"), &out) == STAFF_BUSY);
	CHECK(staff_login(app, sv_from_cstr("nobody"), sv_from_cstr(PW), sv_from_cstr("000000"), &out) == STAFF_BUSY);
	vault_kdf_leave(app->vault);
	CHECK(staff_recover(app, sv_from_cstr("nobody"), rec, pw) == STAFF_DENIED);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	char dir[] = "/tmp/sava-gate-XXXXXX", path[256], err[256];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/keys", dir);
	CHECK(mkdir(path, 0700) == 0);
	vault_audit_first_t first;
	unsigned char entry[42] = { 0 };
	CHECK(vault_instance_create(dir, KDF_INSECURE_FAST, entry, sizeof(entry), &first, err, sizeof(err)) == 0);
	sodium_memzero(&first, sizeof(first));

	vault_t *v = NULL;
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 2, &v, err, sizeof(err)) == 0);
	if (v)
		test_gate(v);
	vault_close(v);

	/* The staff paths, on a vault with one place and no waiting. */
	app_t app;
	memset(&app, 0, sizeof(app));
	app.dir = dir;
	config_defaults(&app.config);
	CHECK(store_create(dir, KDF_INSECURE_FAST, &app.store, err, sizeof(err)) == 0);
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &app.vault, err, sizeof(err)) == 0);
	if (app.store && app.vault && make_account(&app, "rita"))
		test_recovery_alike(&app);
	else
		CHECK(!"an account to recover");
	vault_close(app.vault);
	store_close(app.store);

	const char *files[] = { "keys/instance.key", "keys/shred.kf", "sava.db", "sava.db-wal", "sava.db-shm" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/keys", dir);
	rmdir(path);
	rmdir(dir);
	return check_done("kdf_gate");
}
