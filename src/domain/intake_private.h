/* intake_private: the case domain's internals in one include (access.h, seal.h, clock.h and
 * intake.h), for a file that needs them all (tests/unit/test_access.c). Not for pages; the
 * domain's own files include only the headers of the jobs they call. */
#ifndef SAVA_INTAKE_PRIVATE_H
#define SAVA_INTAKE_PRIVATE_H

#include "domain/access.h"
#include "domain/audit.h"
#include "domain/clock.h"
#include "domain/intake.h"
#include "domain/seal.h"
#include "store/store.h"

#endif
