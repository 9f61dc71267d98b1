/* Unit tests for core/bucket, with the clock as a parameter (no sleeping): the burst, the
 * refill by the second, the wait it announces, the give-back, and the attack of issue 9 (a
 * whole minute's allowance spent at each minute boundary kept everyone else out). */
#include "check.h"
#include "core/bucket.h"

/* Takes as many tokens as there are at now; returns how many. */
static unsigned
drain(bucket_t *b, unsigned per_minute, unsigned burst, int64_t now)
{
	unsigned n = 0;
	while (n < 1000000 && bucket_take(b, per_minute, burst, now, NULL))
		n++;
	return n;
}

int
main(void)
{
	unsigned wait;
	int64_t t = 1000000;   /* any start: the clock is monotonic, not the wall clock */

	/* no limit: always, and nothing to wait for */
	bucket_t free_b = BUCKET_INIT;
	CHECK(bucket_take(&free_b, 0, 5, t, &wait) && wait == 0);
	CHECK(bucket_wait_s(&free_b, 0, 5, t) == 0 && bucket_peek(&free_b, 0, 5, t));

	/* 30 a minute, burst 10: starts full, ten at once, then one every 2 s */
	bucket_t b = BUCKET_INIT;
	CHECK(bucket_peek(&b, 30, 10, t));
	CHECK(drain(&b, 30, 10, t) == 10);
	CHECK(!bucket_take(&b, 30, 10, t, &wait) && wait == 2);
	CHECK(!bucket_peek(&b, 30, 10, t) && bucket_wait_s(&b, 30, 10, t) == 2);
	CHECK(!bucket_take(&b, 30, 10, t + 1999, &wait) && wait == 1);   /* 1 ms left: rounded up */
	CHECK(bucket_take(&b, 30, 10, t + 2000, &wait) && wait == 0);
	CHECK(!bucket_take(&b, 30, 10, t + 2001, NULL));
	/* after a quiet minute it is full again, but never more than the burst */
	CHECK(drain(&b, 30, 10, t + 3600000) == 10);

	/* the burst is at most a minute's allowance, and at least one */
	bucket_t small = BUCKET_INIT, one = BUCKET_INIT;
	CHECK(drain(&small, 2, 10, t) == 2);
	CHECK(!bucket_take(&small, 2, 10, t, &wait) && wait == 30);
	CHECK(drain(&one, 60, 0, t) == 1);
	CHECK(!bucket_take(&one, 60, 0, t + 999, NULL) && bucket_take(&one, 60, 0, t + 1000, NULL));

	/* give back: a token taken for something that did not happen, up to the burst */
	bucket_t g = BUCKET_INIT;
	CHECK(drain(&g, 60, 3, t) == 3);
	bucket_give_back(&g, 60, 3, t);
	CHECK(bucket_take(&g, 60, 3, t, NULL) && !bucket_take(&g, 60, 3, t, NULL));
	bucket_give_back(&g, 60, 3, t + 3600000);
	CHECK(drain(&g, 60, 3, t + 3600000) == 3);

	/* a clock that goes back adds nothing (and does not wrap) */
	bucket_t back = BUCKET_INIT;
	CHECK(drain(&back, 60, 5, t) == 5);
	CHECK(!bucket_take(&back, 60, 5, t - 50000, NULL));
	CHECK(bucket_take(&back, 60, 5, t + 1000, NULL));

	/* the largest rate and a very long pause: full, exactly */
	bucket_t big = BUCKET_INIT;
	CHECK(drain(&big, 1000000, 1000000, t) == 1000000);
	CHECK(drain(&big, 1000000, 1000000, t + ((int64_t)1 << 40)) == 1000000);
	CHECK(drain(&big, 1000000, 1000000, t + ((int64_t)1 << 40) + 1) == 16);   /* 16.67 a ms */

	/* Issue 9's attack against the default (30 a minute): 40 attempts at the start of every
	 * minute for two minutes, and a requester who comes 1 s after each burst and then
	 * retries when told. With a window of one calendar minute he waited ~59 s each time;
	 * here he is in after the wait he was told, every time. */
	bucket_t m = BUCKET_INIT;
	unsigned in_after_told = 0, tries = 0;
	for (int minute = 0; minute < 2; minute++)
		for (int k = 0; k < 10; k++) {
			int64_t at = t + (int64_t)minute * 60000 + k * 6000;
			if (k == 0)
				for (int i = 0; i < 40; i++)
					(void)bucket_take(&m, 30, 10, at, NULL);
			int64_t his = at + 1000;
			tries++;
			if (bucket_take(&m, 30, 10, his, &wait) || bucket_take(&m, 30, 10, his + (int64_t)wait * 1000, NULL))
				in_after_told++;
		}
	CHECK(tries == 20 && in_after_told == 20);
	return check_done("bucket");
}
