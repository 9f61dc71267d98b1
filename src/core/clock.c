/* clock: wall and monotonic time behind one seam (clock.h). The test values are atomics,
 * read on every call, so a unit test can move time while threads of its own run. */
#include "core/clock.h"

#include <stdatomic.h>

static _Atomic int64_t clock_fixed;       /* 0: the real wall clock */
static _Atomic uint64_t clock_offset_ms;  /* added to the monotonic clock */

time_t
clock_now(void)
{
	int64_t t = atomic_load(&clock_fixed);
	return t ? (time_t)t : time(NULL);
}

int64_t
clock_hour(void)
{
	return (int64_t)(clock_now() / 3600);
}

int64_t
clock_day(void)
{
	return (int64_t)(clock_now() / 86400);
}

uint64_t
clock_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u + atomic_load(&clock_offset_ms);
}

void
clock_set_for_tests(time_t t, uint64_t offset_ms)
{
	atomic_store(&clock_fixed, (int64_t)t);
	atomic_store(&clock_offset_ms, offset_ms);
}
