/* work: a small pool of threads for slow work (Argon2id above all), so that a flood of
 * receipt checks never occupies the threads that serve pages. A request that needs such
 * work is suspended in libmicrohttpd, queued here (the queue is bounded: past it the
 * answer is 503), and resumed when its work is done. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>

#include "core/log.h"
#include "http/server.h"

#define WORK_MAX_THREADS 16

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	request_t **queue;       /* ring of queue_max entries */
	unsigned head, count, reserved, queue_max;
	pthread_t threads[WORK_MAX_THREADS];
	unsigned nthreads;
	bool stop;
} work = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void *
work_thread(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&work.lock);
		while (work.count == 0 && !work.stop)
			pthread_cond_wait(&work.cond, &work.lock);
		if (work.count == 0) {   /* stopping, and nothing left to do */
			pthread_mutex_unlock(&work.lock);
			return NULL;
		}
		request_t *rq = work.queue[work.head];
		work.head = (work.head + 1) % work.queue_max;
		work.count--;
		pthread_mutex_unlock(&work.lock);

		rq->work(rq);
		rq->work_done = true;
		MHD_resume_connection(rq->conn);
	}
}

int
work_start(unsigned threads, unsigned queue_max)
{
	if (threads == 0 || threads > WORK_MAX_THREADS || queue_max == 0)
		return -1;
	work.queue = calloc(queue_max, sizeof(*work.queue));
	if (!work.queue)
		return -1;
	work.queue_max = queue_max;
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
	while (work.reserved > 0)
		pthread_cond_wait(&work.cond, &work.lock);
	work.stop = true;
	pthread_cond_broadcast(&work.cond);
	pthread_mutex_unlock(&work.lock);
	for (unsigned i = 0; i < work.nthreads; i++)
		pthread_join(work.threads[i], NULL);
	work.nthreads = 0;
	free(work.queue);
	work.queue = NULL;
}

int
work_reserve(void)
{
	int rc = -1;
	pthread_mutex_lock(&work.lock);
	if (!work.stop && work.count + work.reserved < work.queue_max) {
		work.reserved++;
		rc = 0;
	}
	pthread_mutex_unlock(&work.lock);
	return rc;
}

void
work_push(request_t *rq)
{
	pthread_mutex_lock(&work.lock);
	work.reserved--;
	work.queue[(work.head + work.count) % work.queue_max] = rq;
	work.count++;
	pthread_cond_broadcast(&work.cond);   /* a worker, and work_stop waiting on reserved */
	pthread_mutex_unlock(&work.lock);
}
