/* recover: at start (serve), what a crash left between the durable steps of a submission
 * or a shred is destroyed, so that nothing half made stays readable. Ids and slots only. */
#ifndef SAVA_RECOVER_H
#define SAVA_RECOVER_H

#include "domain/domain.h"

/* Shred-key slots without a case, rows whose key is gone, and blobs without a row are
 * destroyed. Returns 0 or -1. */
int intake_recover(const app_t *app) WUR;

#endif
