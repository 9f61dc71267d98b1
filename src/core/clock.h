/* clock: the one place sava asks for the time, so that tests can set it. Wall-clock
 * seconds for what is stored (hour- and day-rounded times, retention, audit entries) and
 * monotonic milliseconds for what is measured (flood limits, idle timers). The test hook
 * is for the C unit tests only: nothing outside tests/ calls it. */
#ifndef SAVA_CLOCK_H
#define SAVA_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Seconds since 1970, UTC. */
time_t clock_now(void);
/* clock_now() / 3600 and / 86400: the rounded times that are stored. */
int64_t clock_hour(void);
int64_t clock_day(void);
/* Milliseconds of a clock that never goes back. */
uint64_t clock_mono_ms(void);

/* Tests only: from now on clock_now() answers t (0: the real clock again), and the
 * monotonic clock runs offset_ms ahead of the real one. */
void clock_set_for_tests(time_t t, uint64_t offset_ms);

#endif
