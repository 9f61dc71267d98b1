/* work: a small pool of threads for slow work (Argon2id above all), so that a flood of
 * receipt checks never occupies the threads that serve pages. A request that needs such
 * work is suspended in libmicrohttpd, queued here, and resumed when its work is done.
 *
 * Places to wait are bounded, and shared so that no flood can starve anyone else:
 * - each purpose (help intake, mailbox, staff) has its own places ([server]
 *   kdf_queue_help, _mailbox, _staff): a flood of logins never turns a help request or
 *   a mailbox away;
 * - inside a purpose, each kind of work (logins, recoveries, enrollments, the work of
 *   signed-in staff) has one place of its own, for its first request waiting; the
 *   purpose's places are shared beyond that, and one kind takes at most three quarters
 *   of them, so a flood of one kind leaves room for the others;
 * - one browser (its form or session cookie: sava has no addresses) takes at most half
 *   of a purpose's places;
 * - the workers serve the purposes in turn, the kinds of a purpose in turn, and each
 *   kind first come, first served, so whatever is admitted is served soon.
 * Past its share a request gets the 503 "busy, try again" page. There are as many
 * workers as [server] kdf_threads, which also bounds the derivations running at once
 * (256 MiB each in production); the vault's gate enforces that bound by itself too. */
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "http/server.h"

#define WORK_MAX_THREADS 16

struct work_entry {
	request_t *rq;
	uint64_t browser;   /* keyed hash of its cookie secret, to count its places */
	bool ready;         /* pushed: its connection is suspended, a worker may take it */
};

/* One kind's requests, first come first served: a ring of its purpose's room + 1 (its
 * own place and every shared one). */
struct work_line {
	struct work_entry *ring;
	unsigned head, count;
};

/* The kinds of each purpose: kinds are listed purpose by purpose (http.h). */
static const struct {
	unsigned first, n;
} work_kinds[WORK_PURPOSES] = {
	[WORK_FOR_HELP] = { WORK_HELP_REQUEST, 2 },
	[WORK_FOR_MAILBOX] = { WORK_MAILBOX_OPEN, 2 },
	[WORK_FOR_STAFF] = { WORK_STAFF_LOGIN, 4 },
};
_Static_assert(WORK_STAFF_LOGIN + 4 == WORK_KINDS, "every kind belongs to one purpose");

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct work_line line[WORK_KINDS];
	unsigned room[WORK_PURPOSES];       /* shared places of each purpose */
	unsigned held[WORK_PURPOSES];       /* requests waiting, pushed or not */
	unsigned turn;                      /* the purpose served next */
	unsigned kind_turn[WORK_PURPOSES];  /* the kind served next, within each purpose */
	unsigned unpushed;                  /* reserved, not yet pushed */
	unsigned char browser_key[crypto_shorthash_KEYBYTES];
	pthread_t threads[WORK_MAX_THREADS];
	unsigned nthreads;
	bool stop;
} work = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

void
work_waiting(unsigned out[WORK_PURPOSES])
{
	pthread_mutex_lock(&work.lock);
	for (unsigned p = 0; p < WORK_PURPOSES; p++)
		out[p] = work.held[p];
	pthread_mutex_unlock(&work.lock);
}

static unsigned
work_purpose(unsigned kind)
{
	for (unsigned p = 0; p < WORK_PURPOSES; p++)
		if (kind >= work_kinds[p].first && kind < work_kinds[p].first + work_kinds[p].n)
			return p;
	return WORK_PURPOSES;
}

/* Which browser sent rq: a keyed hash of its form or session secret (the CSRF key,
 * which every deferred form has), kept in memory only while the request waits. */
static uint64_t
work_browser(const request_t *rq)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t b = 0;
	if (!rq->csrf_have)
		return 0;
	crypto_shorthash(h, rq->csrf_key, sizeof(rq->csrf_key), work.browser_key);
	memcpy(&b, h, sizeof(b));
	return b;
}

/* True when a request of kind (of purpose p) from browser may take a place now.
 * Caller holds the lock. */
static bool
work_admits(unsigned kind, unsigned p, uint64_t browser)
{
	unsigned room = work.room[p], shared = 0, mine = 0, share = room / 2 > 0 ? room / 2 : 1;
	for (unsigned k = work_kinds[p].first; k < work_kinds[p].first + work_kinds[p].n; k++) {
		const struct work_line *l = &work.line[k];
		shared += l->count > 0 ? l->count - 1 : 0;   /* beyond each kind's own place */
		for (unsigned i = 0; i < l->count; i++)
			mine += l->ring[(l->head + i) % (room + 1)].browser == browser;
	}
	if (mine >= share)
		return false;   /* this browser has its half */
	unsigned count = work.line[kind].count;
	if (count == 0)
		return true;    /* the kind's own place */
	if (shared >= room)
		return false;
	/* one kind leaves a quarter of the shared places to the purpose's other kinds */
	return work_kinds[p].n == 1 || count - 1 < room - room / 4;
}

/* The next request to serve, taken off its line, or NULL. Caller holds the lock. */
static request_t *
work_take(void)
{
	for (unsigned i = 0; i < WORK_PURPOSES; i++) {
		unsigned p = (work.turn + i) % WORK_PURPOSES;
		for (unsigned j = 0; j < work_kinds[p].n; j++) {
			unsigned at = (work.kind_turn[p] + j) % work_kinds[p].n;
			struct work_line *l = &work.line[work_kinds[p].first + at];
			if (l->count == 0 || !l->ring[l->head].ready)
				continue;   /* empty, or its first is still being pushed: keep the order */
			request_t *rq = l->ring[l->head].rq;
			l->head = (l->head + 1) % (work.room[p] + 1);
			l->count--;
			work.held[p]--;
			work.kind_turn[p] = (at + 1) % work_kinds[p].n;
			work.turn = (p + 1) % WORK_PURPOSES;
			return rq;
		}
	}
	return NULL;
}

static bool
work_empty(void)
{
	for (unsigned p = 0; p < WORK_PURPOSES; p++)
		if (work.held[p] > 0)
			return false;
	return true;
}

static void *
work_thread(void *arg)
{
	(void)arg;
	for (;;) {
		request_t *rq;
		pthread_mutex_lock(&work.lock);
		while (!(rq = work_take()) && !(work.stop && work_empty()))
			pthread_cond_wait(&work.cond, &work.lock);
		pthread_mutex_unlock(&work.lock);
		if (!rq)   /* stopping, and nothing left to do */
			return NULL;

		rq->work(rq);
		rq->work_done = true;
		MHD_resume_connection(rq->conn);
	}
}

static void
work_free_lines(void)
{
	for (unsigned k = 0; k < WORK_KINDS; k++) {
		free(work.line[k].ring);
		work.line[k].ring = NULL;
		work.line[k].head = work.line[k].count = 0;
	}
}

int
work_start(unsigned threads, const unsigned room[WORK_PURPOSES])
{
	if (threads == 0 || threads > WORK_MAX_THREADS)
		return -1;
	for (unsigned p = 0; p < WORK_PURPOSES; p++) {
		if (room[p] == 0)
			return -1;
		work.room[p] = room[p];
		work.held[p] = 0;
		work.kind_turn[p] = 0;
	}
	for (unsigned k = 0; k < WORK_KINDS; k++)
		if (!(work.line[k].ring = calloc(room[work_purpose(k)] + 1u, sizeof(*work.line[k].ring)))) {
			work_free_lines();
			return -1;
		}
	crypto_shorthash_keygen(work.browser_key);
	work.turn = 0;
	work.unpushed = 0;
	work.stop = false;
	for (work.nthreads = 0; work.nthreads < threads; work.nthreads++)
		if (pthread_create(&work.threads[work.nthreads], NULL, work_thread, NULL) != 0) {
			work_stop();
			return -1;
		}
	return 0;
}

void
work_stop(void)
{
	pthread_mutex_lock(&work.lock);
	/* A page thread that reserved a place is about to push: let it, so that no request
	 * stays suspended with nobody to resume it. */
	while (work.unpushed > 0)
		pthread_cond_wait(&work.cond, &work.lock);
	work.stop = true;
	pthread_cond_broadcast(&work.cond);
	pthread_mutex_unlock(&work.lock);
	for (unsigned i = 0; i < work.nthreads; i++)
		pthread_join(work.threads[i], NULL);
	work.nthreads = 0;
	work_free_lines();
}

int
work_reserve(request_t *rq)
{
	unsigned kind = (unsigned)rq->work_kind;
	unsigned p = work_purpose(kind);
	if (p >= WORK_PURPOSES)
		return -1;
	uint64_t browser = work_browser(rq);
	int rc = -1;
	pthread_mutex_lock(&work.lock);
	if (!work.stop && work_admits(kind, p, browser)) {
		struct work_line *l = &work.line[kind];
		struct work_entry *e = &l->ring[(l->head + l->count) % (work.room[p] + 1)];
		e->rq = rq;
		e->browser = browser;
		e->ready = false;
		l->count++;
		work.held[p]++;
		work.unpushed++;
		rc = 0;
	}
	pthread_mutex_unlock(&work.lock);
	return rc;
}

void
work_push(request_t *rq)
{
	unsigned kind = (unsigned)rq->work_kind;
	unsigned slots = work.room[work_purpose(kind)] + 1;
	pthread_mutex_lock(&work.lock);
	struct work_line *l = &work.line[kind];
	for (unsigned i = 0; i < l->count; i++) {
		struct work_entry *e = &l->ring[(l->head + i) % slots];
		if (e->rq == rq && !e->ready) {
			e->ready = true;
			work.unpushed--;
			break;
		}
	}
	pthread_cond_broadcast(&work.cond);   /* a worker, and work_stop waiting on unpushed */
	pthread_mutex_unlock(&work.lock);
}
