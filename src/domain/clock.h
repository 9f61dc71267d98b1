/* clock: the domain's "now", in seconds and in whole hours (what rows keep). Private to
 * src/domain, trusted with nothing; the one place to turn into a clock seam tests can set. */
#ifndef SAVA_DOMAIN_CLOCK_H
#define SAVA_DOMAIN_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline time_t
now_s(void)
{
	return time(NULL);
}

static inline int64_t
now_hour(void)
{
	return (int64_t)(now_s() / 3600);
}

#endif
