/* intake_private: the case domain's internals in one include, for a file that needs
 * several of them (tests/unit/test_access.c): the way into a case (access.h), sealing
 * items (seal.h), the hour (clock.h), and every public header (intake.h). Not for pages:
 * they go through intake.h and casework.h. The domain's own files include only the
 * headers of the jobs they call. */
#ifndef SAVA_INTAKE_PRIVATE_H
#define SAVA_INTAKE_PRIVATE_H

#include "domain/access.h"
#include "domain/audit.h"
#include "domain/clock.h"
#include "domain/intake.h"
#include "domain/seal.h"
#include "store/store.h"

#endif
