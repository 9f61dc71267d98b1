/* bucket: the token bucket behind the instance-wide flood limits ([intake] per_minute,
 * [mailbox] attempts_per_minute). It holds at most `burst` tokens (never more than one
 * minute's allowance) and gains per_minute of them a minute, continuously: a token every
 * 60 / per_minute seconds. There is no moment at which a whole minute's allowance comes
 * back at once, so nobody can spend it all at that moment and keep everyone else out for
 * a minute; to keep others out, a flood must go on at the refill rate. The clock is a
 * parameter (milliseconds of a monotonic clock), so that tests need not sleep. */
#ifndef SAVA_BUCKET_H
#define SAVA_BUCKET_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
	pthread_mutex_t lock;
	uint64_t units;     /* tokens x BUCKET_UNIT: a token gains per_minute units a millisecond */
	int64_t at_ms;      /* the clock when units was last brought up to date */
	bool started;       /* a bucket starts full */
} bucket_t;
#define BUCKET_UNIT 60000u
#define BUCKET_INIT { PTHREAD_MUTEX_INITIALIZER, 0, 0, false }

/* Every call names the bucket's rate and burst (the configuration's, the same at every
 * call); per_minute 0 means no limit: everything is taken, nothing waits. */
/* Takes a token: true, or false with *wait_s (when not NULL) the whole seconds until one
 * is there (at least 1). */
bool bucket_take(bucket_t *b, unsigned per_minute, unsigned burst, int64_t now_ms, unsigned *wait_s);
/* True when a token is there; takes nothing. */
bool bucket_peek(bucket_t *b, unsigned per_minute, unsigned burst, int64_t now_ms);
/* Seconds until a token is there: 0 when one is there now. */
unsigned bucket_wait_s(bucket_t *b, unsigned per_minute, unsigned burst, int64_t now_ms);
/* Gives back a token that was taken for something that did not happen. */
void bucket_give_back(bucket_t *b, unsigned per_minute, unsigned burst, int64_t now_ms);
/* The clock the daemon passes: CLOCK_MONOTONIC in milliseconds. */
int64_t bucket_now_ms(void);

#endif
