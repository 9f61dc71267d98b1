/* recover: at start, shred-key slots left half overwritten or without a case, rows whose
 * key is already gone, and blob files no row names are destroyed, before any request is
 * taken. Trusted with ids and slots only, never a key. */
#include "domain/recover.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/retention.h"
#include "store/blobs.h"
#include "store/drops.h"
#include "vault/case.h"

struct live_ctx {
	uint32_t *slots;
	uint8_t (*ids)[16];
	size_t n, cap;
	bool failed;
};

static int
live_collect(void *arg, uint32_t slot, const uint8_t case_id[CASE_ID_BYTES])
{
	struct live_ctx *l = arg;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		uint32_t *s = realloc(l->slots, cap * sizeof(*s));
		if (s)
			l->slots = s;
		uint8_t(*ids)[16] = realloc(l->ids, cap * sizeof(*ids));
		if (ids)
			l->ids = ids;
		if (!s || !ids) {
			l->failed = true;
			return 1;
		}
		l->cap = cap;
	}
	l->slots[l->n] = slot;
	memcpy(l->ids[l->n], case_id, 16);
	l->n++;
	return 0;
}

/* Rows whose slot does not hold their key: (slot, id) not among the live ones. */
struct live_pair {
	uint32_t slot;
	uint8_t id[16];
};

static int
live_pair_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct live_pair *)a)->slot, y = ((const struct live_pair *)b)->slot;
	return x < y ? -1 : x > y;
}

struct keyless_ctx {
	const struct live_pair *live;   /* sorted by slot */
	size_t nlive;
	uint8_t (*ids)[16];
	uint32_t *slots;
	size_t n, cap;
	bool failed;
};

static int
keyless_collect(void *arg, const uint8_t id[16], uint32_t slot)
{
	struct keyless_ctx *k = arg;
	struct live_pair key = { .slot = slot };
	const struct live_pair *hit = k->nlive ? bsearch(&key, k->live, k->nlive, sizeof(key), live_pair_cmp) : NULL;
	if (hit && memcmp(hit->id, id, 16) == 0)
		return 0;
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 16;
		uint8_t(*ids)[16] = realloc(k->ids, cap * sizeof(*ids));
		if (ids)
			k->ids = ids;
		uint32_t *slots = realloc(k->slots, cap * sizeof(*slots));
		if (slots)
			k->slots = slots;
		if (!ids || !slots) {
			k->failed = true;
			return 1;
		}
		k->cap = cap;
	}
	memcpy(k->ids[k->n], id, 16);
	k->slots[k->n++] = slot;
	return 0;
}

/* A blob file no attachment row names: what a crash left between a blob's sync and its
 * commit (or a shred whose files could not all be deleted). */
struct orphans_ctx {
	const app_t *app;
	int rc;
	size_t deleted;
};

static int
orphan_drop(void *arg, const uint8_t id[16])
{
	struct orphans_ctx *o = arg;
	int exists = store_attachment_exists(o->app->store, id);
	if (exists == 0)   /* or an offline drop's stream */
		exists = store_drop_stream_exists(o->app->store, id);
	if (exists == 0) {
		if (store_blob_unlink(o->app->store, id) != STORE_OK)
			o->rc = -1;
		o->deleted++;
	} else if (exists < 0) {
		o->rc = -1;
	}
	return o->rc;
}

int
intake_recover(const app_t *app)
{
	struct live_ctx l = { NULL, NULL, 0, 0, false };
	int rc = 0;
	size_t shredded = 0, deleted = 0, orphans = 0, torn = 0;
	if (case_slots_sweep(app->vault, &torn) != 0)
		rc = -1;
	else if (torn)
		log_info("cleared %zu shred-key slot(s) that a crash left half overwritten", torn);
	if (rc == 0 && (case_live_list(app->vault, live_collect, &l) != 0 || l.failed))
		rc = -1;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		store_case_t row;
		int got = store_case_get(app->store, l.ids[i], &row);
		if (got == STORE_NOT_FOUND || (got == STORE_OK && row.slot != l.slots[i])) {
			if (case_shred(app->vault, l.ids[i], l.slots[i]) == VAULT_ERROR)
				rc = -1;
			shredded++;
		} else if (got != STORE_OK) {
			rc = -1;
		}
	}
	/* rows whose key is gone (a shred whose rows could not be deleted): they open
	 * nothing, and their slot may be handed to a new request */
	struct live_pair *pairs = l.n ? calloc(l.n, sizeof(*pairs)) : NULL;
	struct keyless_ctx k = { pairs, l.n, NULL, NULL, 0, 0, false };
	if (l.n && !pairs)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		pairs[i].slot = l.slots[i];
		memcpy(pairs[i].id, l.ids[i], 16);
	}
	if (rc == 0 && l.n)
		qsort(pairs, l.n, sizeof(*pairs), live_pair_cmp);
	if (rc == 0 && (store_cases_slots(app->store, keyless_collect, &k) != STORE_OK || k.failed))
		rc = -1;
	free(pairs);
	for (size_t i = 0; rc == 0 && i < k.n; i++)
		if (case_destroy(app, k.ids[i], k.slots[i], NULL, AUDIT_CASE_EXPIRED) == 0)
			orphans++;
	free(k.ids);
	free(k.slots);
	free(l.slots);
	free(l.ids);

	struct orphans_ctx o = { app, 0, 0 };
	if (rc == 0 && (store_blobs_each(app->store, orphan_drop, &o) != STORE_OK || o.rc != 0))
		rc = -1;
	deleted = o.deleted;
	if (shredded || deleted)
		log_info("removed what an interrupted submission left: %zu key slot(s), %zu file(s)", shredded, deleted);
	if (orphans)
		log_info("deleted the rows of %zu request(s) whose key was already destroyed", orphans);
	return rc;
}
