/* seed: `sava dev seed`: fills a test instance (--insecure-fast-kdf only) with staff,
 * requests and conversations made by the real vault calls, for the benchmarks at scale. */
#ifndef SAVA_SEED_H
#define SAVA_SEED_H

#include <stdio.h>

#include "domain/casework.h"

typedef struct {
	size_t accounts;   /* one coordinator, the rest Owls */
	size_t cases;
	size_t messages;   /* in all, spread over the cases */
} seed_params_t;

/* Prints progress, then the passphrase and two TOTP secrets (the coordinator's and the
 * first Owl's) to report. Returns 0 or -1. */
int seed_run(const app_t *app, const seed_params_t *p, FILE *report) WUR;

#endif
