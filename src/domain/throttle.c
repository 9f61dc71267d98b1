/* throttle: per-account memory of logins in fixed tables that never reach disk: the last TOTP
 * step, the wrong codes after a right passphrase, failed logins queued for the audit log (by a
 * thread of their own). Holds account ids, steps and times only. */
#include "domain/throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/audit.h"

#define STEPS_MAX       4096
#define CODES_MAX       1024
#define CODE_TRIES      10      /* wrong codes after the right passphrase, before any wait */
#define CODE_REFILL_S   360     /* then one more try every 6 minutes */

struct step_memo {
	uint8_t id[16];
	uint64_t step;
	time_t at;
};

/* Wrong codes typed after an account's right passphrase (throttle_code_try). */
struct code_budget {
	uint8_t id[16];
	unsigned spent;   /* 0 .. CODE_TRIES; 0 means the entry is free */
	time_t at;        /* refills are counted from here */
};

static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;
static struct step_memo steps[STEPS_MAX];
static struct code_budget codes[CODES_MAX];

uint64_t
throttle_step_last(const uint8_t id[16])
{
	uint64_t s = 0;
	time_t now = clock_now();
	pthread_mutex_lock(&throttle_lock);
	for (size_t i = 0; i < STEPS_MAX; i++)
		if (steps[i].at && now - steps[i].at <= 120 && memcmp(steps[i].id, id, 16) == 0 && steps[i].step > s)
			s = steps[i].step;
	pthread_mutex_unlock(&throttle_lock);
	return s;
}

/* Records step as used for the account, atomically: false when it (or a later one) was
 * already used, so two logins racing with one code cannot both succeed. One entry per
 * account; an entry older than two minutes is free (the code window has passed). */
bool
throttle_step_accept(const uint8_t id[16], uint64_t step)
{
	time_t now = clock_now();
	struct step_memo *mine = NULL, *spare = NULL;
	bool ok = true;
	pthread_mutex_lock(&throttle_lock);
	for (size_t i = 0; i < STEPS_MAX; i++) {
		struct step_memo *m = &steps[i];
		bool live = m->at && now - m->at <= 120;
		if (live && memcmp(m->id, id, 16) == 0)
			mine = m;
		else if (!live && !spare)
			spare = m;
	}
	if (mine) {
		if (step <= mine->step)
			ok = false;
		else
			mine->step = step;
		mine->at = now;
	} else if (spare) {
		memcpy(spare->id, id, 16);
		spare->step = step;
		spare->at = now;
	} else {
		ok = false;   /* more than STEPS_MAX logins in two minutes: refuse, never forget */
	}
	pthread_mutex_unlock(&throttle_lock);
	return ok;
}

/* Failed logins on real accounts go into the audit log at most once per account and
 * hour, written by a thread of their own: the answer to a failed login never waits for
 * a disk write, so its timing cannot tell a real name from an unknown one, and nobody
 * can grow the log without bound. */
#define FAILS_MAX 1024
static struct {
	uint8_t id[16];
	int64_t hour;
} fails[FAILS_MAX];
static struct {
	pthread_t thread;
	bool running, stop;
	pthread_cond_t cond;
	uint8_t queue[64][16];
	unsigned head, count;
	const app_t *app;
} failq = { .cond = PTHREAD_COND_INITIALIZER };

static void *
fail_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&throttle_lock);
	for (;;) {
		while (failq.count == 0 && !failq.stop)
			pthread_cond_wait(&failq.cond, &throttle_lock);
		if (failq.count == 0)
			break;
		uint8_t id[16];
		memcpy(id, failq.queue[failq.head], 16);
		failq.head = (failq.head + 1) % 64;
		failq.count--;
		pthread_mutex_unlock(&throttle_lock);
		if (audit_append(failq.app->vault, failq.app->store, NULL, AUDIT_LOGIN_FAIL, id) != 0)
			log_warnx("could not append to the audit log (action %d)", (int)AUDIT_LOGIN_FAIL);
		pthread_mutex_lock(&throttle_lock);
	}
	pthread_mutex_unlock(&throttle_lock);
	return NULL;
}

void
throttle_fail_note(const uint8_t id[16])
{
	int64_t hour = clock_hour();
	size_t slot = 0;
	pthread_mutex_lock(&throttle_lock);
	for (size_t i = 0; i < FAILS_MAX; i++) {
		if (memcmp(fails[i].id, id, 16) == 0) {
			slot = i;
			break;
		}
		if (fails[i].hour < fails[slot].hour)
			slot = i;
	}
	bool note = !(memcmp(fails[slot].id, id, 16) == 0 && fails[slot].hour == hour);
	if (note) {
		memcpy(fails[slot].id, id, 16);
		fails[slot].hour = hour;
		if (failq.running && failq.count < 64) {
			memcpy(failq.queue[(failq.head + failq.count) % 64], id, 16);
			failq.count++;
			pthread_cond_signal(&failq.cond);
		}
	}
	pthread_mutex_unlock(&throttle_lock);
}

int
throttle_start(const app_t *app)
{
	failq.app = app;
	failq.stop = false;
	if (pthread_create(&failq.thread, NULL, fail_thread, NULL) != 0)
		return -1;
	failq.running = true;
	return 0;
}

void
throttle_stop(void)
{
	if (!failq.running)
		return;
	pthread_mutex_lock(&throttle_lock);
	failq.stop = true;
	pthread_cond_broadcast(&failq.cond);
	pthread_mutex_unlock(&throttle_lock);
	pthread_join(failq.thread, NULL);
	failq.running = false;
}

/* Gives back the tries that time has refilled. Caller holds throttle_lock. */
static void
code_refill(struct code_budget *b, time_t now)
{
	if (b->spent == 0 || now <= b->at)
		return;
	time_t back = (now - b->at) / CODE_REFILL_S;
	b->spent = back >= (time_t)b->spent ? 0 : b->spent - (unsigned)back;
	b->at += back * CODE_REFILL_S;
}

/* Counts one attempt on an account whose passphrase was right, and says whether its
 * code may count. There is no lockout by name: a stranger who does not have the
 * passphrase cannot spend these tries, so he cannot keep the owner out, and each of his
 * attempts costs a full Argon2id in the staff budget of the worker pool. Whoever has the
 * passphrase gets CODE_TRIES wrong codes, then one every CODE_REFILL_S, so codes cannot
 * be guessed quickly (3 in a million each). With no try left the code is not looked at:
 * a right one is refused exactly like a wrong one, so the refusal never tells anyone
 * that the passphrase was right. A right code that counts clears the account's entry. */
bool
throttle_code_try(const uint8_t id[16], bool wrong)
{
	time_t now = clock_now();
	struct code_budget *mine = NULL, *spare = NULL;
	pthread_mutex_lock(&throttle_lock);
	for (size_t i = 0; i < CODES_MAX && !mine; i++) {
		struct code_budget *b = &codes[i];
		code_refill(b, now);
		if (b->spent > 0 && memcmp(b->id, id, 16) == 0)
			mine = b;
		else if (!spare || (spare->spent > 0 && (b->spent == 0 || b->at < spare->at)))
			spare = b;   /* a free entry, else the oldest */
	}
	bool counts = !mine || mine->spent < CODE_TRIES;
	if (counts && !wrong && mine) {
		sodium_memzero(mine, sizeof(*mine));
	} else if (counts && wrong) {
		if (!mine) {
			mine = spare;
			memset(mine, 0, sizeof(*mine));
			memcpy(mine->id, id, 16);
			mine->at = now;
		}
		mine->spent++;
	}
	pthread_mutex_unlock(&throttle_lock);
	return counts;
}

/* A new passphrase (changed, or set by recovery) makes the wrong codes typed after the
 * old one moot: whoever typed them no longer has it. */
void
throttle_code_forget(const uint8_t id[16])
{
	pthread_mutex_lock(&throttle_lock);
	for (size_t i = 0; i < CODES_MAX; i++)
		if (codes[i].spent > 0 && memcmp(codes[i].id, id, 16) == 0)
			sodium_memzero(&codes[i], sizeof(codes[i]));
	pthread_mutex_unlock(&throttle_lock);
}
