/* drop_private: what drop.c and drop_offline.c share. Private to src/domain. */
#ifndef SAVA_DROP_PRIVATE_H
#define SAVA_DROP_PRIVATE_H

#include "domain/drop.h"
#include "vault/case.h"

/* An offline submission (drop_offline.c): the case for the receipt and mailbox, its
 * message and files sealed under a fresh file key that only the offline key opens. */
intake_status_t drop_offline_submit(const app_t *app, lang_t lang, sv_t message, upload_t *u,
    char receipt[RECEIPT_DIGITS_MAX + 1]);

/* drop_clean.c: makes the cleaned copy of drop file original (mediajobs.c's thread):
 * keys read it and seal the copy; it stops when *cancelled turns true. The outcome is in
 * the store (drop_cleans) and the audit log. */
void drop_clean_run(const app_t *app, const uint8_t original[16], const case_file_keys_t *keys,
    const _Atomic bool *cancelled);

#endif
