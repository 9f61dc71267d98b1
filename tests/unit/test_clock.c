/* Unit tests for core/clock: the real clock by default, the test hook when set, and the
 * rounded hours and days every stored time uses. */
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "core/clock.h"

int
main(void)
{
	time_t before = time(NULL);
	time_t now = clock_now();
	CHECK(now >= before && now <= time(NULL));
	CHECK(clock_hour() == (int64_t)(clock_now() / 3600));

	clock_set_for_tests((time_t)1800000000, 0);   /* 2027-01-15 08:00:00 UTC */
	CHECK(clock_now() == 1800000000);
	CHECK(clock_hour() == 500000);
	CHECK(clock_day() == 20833);
	uint64_t m0 = clock_mono_ms();
	clock_set_for_tests((time_t)1800000000 + 3600, 60000);
	CHECK(clock_hour() == 500001);
	uint64_t m1 = clock_mono_ms();
	CHECK(m1 >= m0 + 60000 && m1 < m0 + 70000);

	clock_set_for_tests(0, 0);
	CHECK(clock_now() >= before && clock_now() <= time(NULL));
	CHECK(clock_mono_ms() < m1);
	return check_done("clock");
}
