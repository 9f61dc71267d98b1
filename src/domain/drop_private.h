/* drop_private: what drop.c and drop_offline.c share. Private to src/domain. */
#ifndef SAVA_DROP_PRIVATE_H
#define SAVA_DROP_PRIVATE_H

#include "domain/drop.h"

/* An offline submission (drop_offline.c): the case for the receipt and mailbox, its
 * message and files sealed under a fresh file key that only the offline key opens. */
intake_status_t drop_offline_submit(const app_t *app, lang_t lang, sv_t message, upload_t *u,
    char receipt[RECEIPT_DIGITS_MAX + 1]);

#endif
