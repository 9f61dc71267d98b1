/* Unit tests for the session timers (domain/session.c): idle and absolute limits counted
 * on the monotonic clock, moved here through the clock seam; a wall clock set back or
 * forward changes nothing. */
#include <string.h>

#include "check.h"
#include "core/clock.h"
#include "domain/session.h"

int
main(void)
{
	uint8_t a[32], b[32];
	memset(a, 0xA1, sizeof(a));
	memset(b, 0xB2, sizeof(b));
	clock_set_for_tests(0, 0);
	CHECK(session_timer_start(a, 900, 7200));
	CHECK(session_timer_start(b, 900, 7200));
	CHECK(session_timer_touch(a) && staff_session_idle_minutes(a) == 0);

	/* the wall clock jumps a day ahead, then a year back: the sessions live on */
	clock_set_for_tests(clock_now() + 86400, 0);
	CHECK(session_timer_touch(a) && session_timer_touch(b));
	clock_set_for_tests(clock_now() - 365 * 86400, 0);
	CHECK(session_timer_touch(a) && session_timer_touch(b));

	/* 14 minutes idle: alive (and says so); 15 minutes and a second: gone */
	clock_set_for_tests(0, 14 * 60 * 1000u);
	CHECK(staff_session_idle_minutes(b) == 14);
	CHECK(session_timer_touch(b));
	clock_set_for_tests(0, (14 + 15) * 60 * 1000u + 1000u);
	CHECK(!session_timer_touch(b));
	CHECK(staff_session_idle_minutes(b) == -1);

	CHECK(!session_timer_touch(a));   /* a idled out alongside b */

	/* kept busy, a session still ends at its absolute limit */
	clock_set_for_tests(0, 0);
	uint8_t c[32];
	memset(c, 0xC3, sizeof(c));
	CHECK(session_timer_start(c, 900, 7200));
	unsigned long step = 10 * 60 * 1000u;
	bool alive_before = true;
	for (unsigned long t = step; t < 7200 * 1000u; t += step) {
		clock_set_for_tests(0, t);
		alive_before = alive_before && session_timer_touch(c);
	}
	CHECK(alive_before);
	clock_set_for_tests(0, 7200 * 1000u + 1000u);
	CHECK(!session_timer_touch(c));
	clock_set_for_tests(0, 0);
	return check_done("session_timers");
}
