/* epoch: a case's sealed copies of an epoch as the store keeps them, and the move of every
 * case still sealed to an older triage key to a new epoch after a rotation. The new secrets
 * are made and sealed by the vault (case_epoch_next); this file sees sealed copies only. */
#include "domain/epoch.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/access.h"
#include "store/testimonies.h"
#include "vault/secmem.h"

#define REKEY_BATCH 256

size_t
epoch_copies(const uint8_t case_id[16], const uint8_t req_copy[CASE_COPY_BYTES],
    const uint8_t (*copies)[CASE_COPY_BYTES], const uint8_t (*ncopies)[CASE_COPY_BYTES], const store_group_t *g,
    const uint8_t (*accounts)[16], size_t naccounts, store_copy_t *out)
{
	size_t nstaff = (g ? 1 : 0) + naccounts;
	memset(out, 0, (1 + nstaff) * sizeof(*out));
	out[0].holder_kind = HOLDER_REQUESTER;   /* the requester has no notes key */
	memcpy(out[0].holder, case_id, 16);
	memcpy(out[0].copy, req_copy, CASE_COPY_BYTES);
	for (size_t i = 0; i < nstaff; i++) {
		store_copy_t *k = &out[1 + i];
		bool group = g && i == 0;
		k->holder_kind = group ? HOLDER_GROUP : HOLDER_ACCOUNT;
		memcpy(k->holder, group ? g->id : accounts[i - (g ? 1 : 0)], 16);
		k->holder_epoch = group ? g->epoch : 0;
		memcpy(k->copy, copies[i], CASE_COPY_BYTES);
		memcpy(k->ncopy, ncopies[i], CASE_COPY_BYTES);
		k->has_ncopy = true;
	}
	return 1 + nstaff;
}

long
epoch_rekey(const app_t *app, const staff_t *s)
{
	return epoch_rekey_group(app, s, "triage");
}

/* One case to a new epoch sealed to g's current key and its Owl (none when she was
 * revoked): 1 moved, 0 moved meanwhile by someone else, -1 not here (no key opens it). */
static int
rekey_case(const app_t *app, const staff_t *s, const char *group, const store_group_t *g, struct access *a,
    case_epoch_t *ep, const uint8_t id[16])
{
	store_copy_t copies[EPOCH_COPIES_OWL];
	store_account_t owl;
	uint8_t holders[2][32];
	size_t nholders = 1;
	access_reset(a);
	memcpy(holders[0], g->pk, 32);
	if (access_staff_in(app, s, id, group, a) != INTAKE_OK)
		return -1;
	/* the Owl who holds it keeps it; a testimony's Owl holds her own copy, never as its
	 * assignee */
	uint8_t owl_id[16];
	store_testimony_t tm;
	bool has_owl_id = a->row.has_assignee;
	if (has_owl_id)
		memcpy(owl_id, a->row.assignee, 16);
	else if (a->row.stage == STAGE_TESTIMONY && store_testimony_get(app->store, a->row.id, &tm) == STORE_OK &&
	    tm.has_owl) {
		has_owl_id = true;
		memcpy(owl_id, tm.owl, 16);
	}
	bool has_owl = has_owl_id && store_account_by_id(app->store, owl_id, &owl) == STORE_OK && owl.status != ACCT_REVOKED;
	if (has_owl)
		memcpy(holders[nholders++], owl.pk, 32);
	if (case_epoch_next(app->vault, &a->who, &a->ref, a->row.pk_req_item_id, a->row.pk_req_item, STORE_PKREQ_ITEM_BYTES,
	        (const uint8_t(*)[32])holders, nholders, ep) != VAULT_OK)
		return -1;
	size_t ncopies = epoch_copies(a->row.id, ep->req_copy, (const uint8_t(*)[CASE_COPY_BYTES])ep->copies,
	    (const uint8_t(*)[CASE_COPY_BYTES])ep->ncopies, g, has_owl ? (const uint8_t(*)[16])&owl.id : NULL,
	    has_owl ? 1 : 0, copies);
	/* a revoked Owl is removed as a holder: the request waits for a new one */
	int rc = store_case_epoch(app->store, a->row.id, ep->e, copies, ncopies, ep->link, ep->nlink,
	    a->row.has_assignee && !has_owl);
	/* a testimony's revoked Owl is no longer its Owl (the new epoch is not hers) */
	if (rc == STORE_OK && a->row.stage == STAGE_TESTIMONY && has_owl_id && !has_owl &&
	    store_testimony_owl_clear(app->store, a->row.id) != STORE_OK)
		log_warnx("a testimony's revoked Owl could not be forgotten; the next rekey tries again");
	return rc == STORE_OK ? 1 : rc == STORE_CONFLICT ? 0 : -1;
}

long
epoch_rekey_group(const app_t *app, const staff_t *s, const char *group)
{
	store_group_t g;
	uint8_t(*ids)[16] = NULL;
	struct access *a = access_new();
	case_epoch_t *ep = secmem_alloc(sizeof(*ep));
	long stuck = 0;
	size_t n = 0, done = 0, nlinks = 0;
	uint8_t after[16] = { 0 };
	if (!a || !ep || store_group_get(app->store, group, &g) != STORE_OK || g.rotation_pending ||
	    !(ids = calloc(REKEY_BATCH, sizeof(*ids))) ||
	    store_group_links(app->store, g.id, g.epoch, 0, a->glinks, LINKS_MAX, &nlinks) != STORE_OK) {
		stuck = -1;
		goto out;
	}
	/* Cases sealed to a group epoch that no chain of links reaches (before a reset, or
	 * past LINKS_MAX) can never move: the store leaves them out. The rest are paged in id
	 * order, past the ones that cannot be opened here (counted), so a batch of those never
	 * hides the cases after it. */
	uint32_t min_epoch = g.epoch - (uint32_t)nlinks;
	for (;;) {
		/* each group's own cases: the triage key's are the requests and applications
		 * (below STAGE_APPEAL), the editors' the appeals, the testimonies' group's the
		 * testimonies, the analysts' the drops */
		int lo = STAGE_NEW, hi = STAGE_APPLICATION;
		if (strcmp(group, "editors") == 0)
			lo = hi = STAGE_APPEAL;
		else if (strcmp(group, "testimonies") == 0)
			lo = hi = STAGE_TESTIMONY;
		else if (strcmp(group, "analysts") == 0)
			lo = hi = STAGE_DROP;
		if (store_cases_to_rekey(app->store, g.id, lo, hi, g.epoch, min_epoch, after, ids, REKEY_BATCH, &n) !=
		    STORE_OK) {
			stuck = -1;
			goto out;
		}
		if (n > 0)
			memcpy(after, ids[n - 1], 16);
		size_t moved = 0;
		for (size_t i = 0; i < n; i++) {
			int rc = rekey_case(app, s, group, &g, a, ep, ids[i]);
			moved += rc == 1;
			stuck += rc < 0;
		}
		done += moved;
		if (n < REKEY_BATCH)
			break;
	}
	/* testimonies whose Owl was revoked: her copies went with her account, and a new
	 * epoch makes what is written from now on closed to whatever she kept */
	if (strcmp(group, "testimonies") == 0 && store_testimonies_owl_revoked(app->store, ids, REKEY_BATCH, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++) {
			int rc = rekey_case(app, s, group, &g, a, ep, ids[i]);
			done += rc == 1;
			stuck += rc < 0;
		}
	if (done)
		log_info("%zu case(s) moved to a new key epoch after the %s group lost a member", done, group);
out:
	free(ids);
	secmem_free(ep);
	access_free(a);
	return stuck;
}
