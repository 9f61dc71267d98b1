/* bucket: a token bucket in whole units (bucket.h), so that refilling is exact integer
 * arithmetic: per_minute tokens a minute is per_minute units a millisecond, and a token is
 * BUCKET_UNIT (60,000) units. Trusted with nothing: it counts. */
#include "core/bucket.h"

#include <time.h>

/* The bucket's size in units: burst tokens, at least 1, at most a minute's allowance. */
static uint64_t
bucket_cap(unsigned per_minute, unsigned burst)
{
	unsigned n = burst == 0 ? 1 : burst;
	if (n > per_minute)
		n = per_minute;
	return (uint64_t)n * BUCKET_UNIT;
}

/* Brings b up to now (locked by the caller); a clock that went back adds nothing. */
static void
bucket_refill(bucket_t *b, unsigned per_minute, unsigned burst, int64_t now_ms)
{
	uint64_t cap = bucket_cap(per_minute, burst);
	if (!b->started) {
		b->started = true;
		b->units = cap;
		b->at_ms = now_ms;
		return;
	}
	if (now_ms > b->at_ms) {
		uint64_t elapsed = (uint64_t)(now_ms - b->at_ms);
		/* past the time to fill it from empty, it is full (and the product cannot overflow) */
		if (elapsed >= cap / per_minute + 1 || b->units + elapsed * per_minute >= cap)
			b->units = cap;
		else
			b->units += elapsed * per_minute;
		b->at_ms = now_ms;
	}
	if (b->units > cap)
		b->units = cap;
}

/* Whole seconds until a token is there (locked, refilled): 0 when one is. */
static unsigned
bucket_wait_locked(const bucket_t *b, unsigned per_minute)
{
	if (b->units >= BUCKET_UNIT)
		return 0;
	uint64_t ms = (BUCKET_UNIT - b->units + per_minute - 1) / per_minute;
	return (unsigned)((ms + 999) / 1000);
}

bool
bucket_take(bucket_t *b, unsigned per_minute, unsigned burst, int64_t now_ms, unsigned *wait_s)
{
	if (wait_s)
		*wait_s = 0;
	if (per_minute == 0)
		return true;
	pthread_mutex_lock(&b->lock);
	bucket_refill(b, per_minute, burst, now_ms);
	bool ok = b->units >= BUCKET_UNIT;
	if (ok)
		b->units -= BUCKET_UNIT;
	else if (wait_s)
		*wait_s = bucket_wait_locked(b, per_minute);
	pthread_mutex_unlock(&b->lock);
	return ok;
}

bool
bucket_peek(bucket_t *b, unsigned per_minute, unsigned burst, int64_t now_ms)
{
	return bucket_wait_s(b, per_minute, burst, now_ms) == 0;
}

unsigned
bucket_wait_s(bucket_t *b, unsigned per_minute, unsigned burst, int64_t now_ms)
{
	if (per_minute == 0)
		return 0;
	pthread_mutex_lock(&b->lock);
	bucket_refill(b, per_minute, burst, now_ms);
	unsigned s = bucket_wait_locked(b, per_minute);
	pthread_mutex_unlock(&b->lock);
	return s;
}

void
bucket_give_back(bucket_t *b, unsigned per_minute, unsigned burst, int64_t now_ms)
{
	if (per_minute == 0)
		return;
	pthread_mutex_lock(&b->lock);
	bucket_refill(b, per_minute, burst, now_ms);
	b->units += BUCKET_UNIT;
	uint64_t cap = bucket_cap(per_minute, burst);
	if (b->units > cap)
		b->units = cap;
	pthread_mutex_unlock(&b->lock);
}

int64_t
bucket_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
