/* intake_private: the case domain's internals in one include (access.h, seal.h and
 * intake.h), for a file that needs them all (tests/unit/test_access.c). Not for pages; the
 * domain's own files include only the headers of the jobs they call. */
#ifndef SAVA_INTAKE_PRIVATE_H
#define SAVA_INTAKE_PRIVATE_H

#include "core/clock.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/intake.h"
#include "domain/seal.h"
#include "domain/submit.h"
#include "store/store.h"

/* The hour, as files written against this header knew it; new code calls clock_hour(). */
static inline int64_t
now_hour(void)
{
	return clock_hour();
}

#endif
