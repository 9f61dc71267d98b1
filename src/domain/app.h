/* app: what one running instance knows about itself, shared read-only by every
 * request: its directory, settings, store and what `sava init` recorded. */
#ifndef SAVA_APP_H
#define SAVA_APP_H

#include "conf/config.h"
#include "conf/stages.h"
#include "store/store.h"

struct vault;

typedef struct app {
	const char *dir;
	config_t config;
	store_t *store;
	struct vault *vault;          /* key custody; see vault/vault.h */
	store_instance_t instance;   /* kdf profile, creation day */
	bool test_instance;          /* --insecure-fast-kdf: banner on every page */
	stages_t stages;             /* DIR/stages.conf, or the default */
} app_t;

#endif
