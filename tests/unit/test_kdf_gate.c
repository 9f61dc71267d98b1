/* Unit tests for the vault's gate around every Argon2id (white-box: vault_private.h):
 * the bound on derivations at once, each purpose's own waiting places, the turns
 * between purposes (issue 9: one queue for every Argon2id). */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "vault/vault.h"
#include "vault/vault_private.h"

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
	CHECK(vault_instance_create(dir, entry, sizeof(entry), &first, err, sizeof(err)) == 0);
	sodium_memzero(&first, sizeof(first));

	vault_t *v = NULL;
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 2, &v, err, sizeof(err)) == 0);
	if (v)
		test_gate(v);
	vault_close(v);

	const char *files[] = { "keys/instance.key", "keys/shred.kf" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/keys", dir);
	rmdir(path);
	rmdir(dir);
	return check_done("kdf_gate");
}
