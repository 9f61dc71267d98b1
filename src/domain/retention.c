/* retention: crypto-shredding in the order that leaves nothing readable at any crash: the
 * shred-key slot (vault), the audit entry, the rows (store), the blob files; at once or by
 * the hourly purge past [retention]. Trusted with ids and slots only, never a key. */
#include "domain/retention.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/groups.h"
#include "domain/invites.h"
#include "domain/testimonies.h"
#include "store/testimonies.h"
#include "domain/drop.h"
#include "store/blobs.h"
#include "store/drops.h"
#include "vault/case.h"

/* The corridor's stages as the store's queries need them (domain.h owns the numbers). */
static const store_stages_t retention_stages = { STAGE_CLOSED, STAGE_REJECTED, STAGE_APPLICATION, STAGE_APPEAL };

/* Slot first, then rows, then files; the audit entry's object is computed before the
 * key that derives it is gone. */
int
case_destroy(const app_t *app, const uint8_t case_id[16], uint32_t slot, const uint8_t *actor, audit_action_t action)
{
	uint8_t object[16], (*att)[16] = NULL;
	size_t natt = 0;
	/* NOT_FOUND: the slot no longer holds this request's key (shredded before, by a run
	 * that could not delete the rows): the rows open nothing and go now. ERROR: shred.kf
	 * could not be read, so the key may well be there: the rows stay, and the next purge
	 * (hourly, and at start) tries again. */
	vault_status_t vs = case_audit_id(app->vault, case_id, slot, object);
	bool have_object = vs == VAULT_OK;
	if (vs != VAULT_ERROR)
		vs = case_shred(app->vault, case_id, slot);
	if (vs == VAULT_ERROR) {
		log_warnx("a request's shred key could not be destroyed (shred.kf could not be read or written); its rows "
		          "are kept and the next purge tries again");
		return -1;
	}
	/* audited once the key is gone, before the rows: a failure to delete them must not
	 * leave a shred without its entry (action 0: audited already, when it was asked for) */
	if (have_object && action != 0 && audit_append(app->vault, app->store, actor, action, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
	/* an offline drop's rows first (its blobs' ids kept for below), then the case's */
	size_t ndrop = 0, natt_max = LIMIT_REQUESTER_MESSAGES * LIMIT_MP_FILES_MAX * 2;
	if (!(att = calloc(natt_max + STORE_DROP_STREAMS_MAX, sizeof(*att))) ||
	    store_drop_delete(app->store, case_id, att + natt_max, STORE_DROP_STREAMS_MAX, &ndrop) != STORE_OK) {
		free(att);
		log_warnx("a shredded drop's rows could not be deleted; they open nothing and go at the next purge");
		return -1;
	}
	if (store_case_delete(app->store, &retention_stages, case_id, att, LIMIT_REQUESTER_MESSAGES * LIMIT_MP_FILES_MAX * 2, &natt) !=
	        STORE_OK) {
		free(att);
		log_warnx("a shredded request's rows could not be deleted; they open nothing and go at the next start");
		return -1;
	}
	for (size_t i = 0; i < natt + ndrop; i++)
		if (store_blob_unlink(app->store, att[i < natt ? i : natt_max + (i - natt)]) != STORE_OK)
			log_warnx("could not delete a shredded request's file: %s", strerror(errno));
	free(att);
	natt += ndrop;
	if (natt && store_blobs_sync(app->store) != STORE_OK)
		log_warnx("could not sync the blobs directory");
	return 0;
}

intake_status_t
request_shred(const app_t *app, const staff_t *s, const uint8_t case_id[16])
{
	if (!(s->acct.roles & ROLE_COORDINATOR) || !requests_allowed(app, s))
		return INTAKE_NOT_FOUND;
	store_case_t row;
	int rc = store_case_get(app->store, case_id, &row);
	if (rc != STORE_OK || row.stage == STAGE_APPLICATION || row.stage == STAGE_APPEAL ||
	    row.stage == STAGE_TESTIMONY || row.stage == STAGE_DROP)   /* appeals.c withdraws, testimonies.c and drop.c shred */
		return rc == STORE_ERROR ? INTAKE_ERROR : INTAKE_NOT_FOUND;
	/* Audited and marked first, durably: if the shred cannot finish now, the next purge
	 * does it, and the log already names who asked. Without shred.kf the object cannot be
	 * derived: the entry then names the actor and the action only. */
	uint8_t object[16];
	bool have_object = case_audit_id(app->vault, case_id, row.slot, object) == VAULT_OK;
	if (audit_append(app->vault, app->store, s->acct.id, AUDIT_CASE_SHRED, have_object ? object : NULL) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)AUDIT_CASE_SHRED);
	if (store_case_shred_pending(app->store, case_id) != STORE_OK)
		return INTAKE_ERROR;
	if (case_destroy(app, case_id, row.slot, s->acct.id, 0) != 0)
		return INTAKE_SHRED_LATER;
	if (store_compact(app->store) != STORE_OK)
		log_warnx("the database could not be compacted after a shred");
	return INTAKE_OK;
}

#define PURGE_BATCH 256

int
intake_purge(const app_t *app, size_t *n)
{
	const config_t *c = &app->config;
	int64_t now = clock_hour();
	uint8_t(*ids)[16] = calloc(PURGE_BATCH, sizeof(*ids));
	uint32_t *slots = calloc(PURGE_BATCH, sizeof(*slots));
	bool *pending = calloc(PURGE_BATCH, sizeof(*pending));
	int rc = 0;
	size_t invites;
	*n = 0;
	/* expired invitations go with the expired requests */
	if (staff_invites_purge(app, &invites) != 0)
		rc = -1;
	if (!ids || !slots || !pending) {
		rc = -1;
		goto done;
	}
	for (;;) {
		size_t got = 0, gone = 0;
		if (store_cases_expired(app->store, &retention_stages, now - 24 * (int64_t)c->retention_days, now - 24 * (int64_t)c->closed_days,
		        now - 24 * (int64_t)c->rejected_days, ids, slots, pending, PURGE_BATCH, &got) != STORE_OK) {
			rc = -1;
			break;
		}
		/* a coordinator's shred finished late was audited when she asked for it */
		for (size_t i = 0; i < got; i++)
			if (case_destroy(app, ids[i], slots[i], NULL, pending[i] ? 0 : AUDIT_CASE_EXPIRED) == 0)
				gone++;
			else
				rc = -1;
		*n += gone;
		if (got < PURGE_BATCH || gone == 0)
			break;
	}
	/* testimonies past [testimonies] keep_days, the same way (their stories stay) */
	for (;;) {
		size_t got = 0, gone = 0;
		if (store_testimonies_expired(app->store, now - 24 * (int64_t)c->testimony_keep_days, ids, slots, PURGE_BATCH,
		        &got) != STORE_OK) {
			rc = -1;
			break;
		}
		for (size_t i = 0; i < got; i++)
			if (case_destroy(app, ids[i], slots[i], NULL, AUDIT_CASE_EXPIRED) == 0)
				gone++;
			else
				rc = -1;
		*n += gone;
		if (got < PURGE_BATCH || gone == 0)
			break;
	}
	/* stories whose consent ran out leave the site (their originals stay) */
	size_t down = stories_expire(app);
	if (down)
		log_info("took down %zu story(ies) whose consent ran out", down);
	size_t drops = 0;
	if (drop_purge(app, &drops) != 0)
		rc = -1;
	*n += drops;
	if (*n) {
		log_info("shredded %zu expired request(s)", *n);
		if (store_compact(app->store) != STORE_OK) {
			log_warnx("the database could not be compacted after a purge");
			rc = -1;
		}
	}
done:
	free(ids);
	free(slots);
	free(pending);
	return rc;
}

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running, stop;
	const app_t *app;
} purger = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void *
purge_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&purger.lock);
	while (!purger.stop) {
		pthread_mutex_unlock(&purger.lock);
		size_t n;
		if (intake_purge(purger.app, &n) != 0)
			log_warnx("the hourly purge of expired requests did not finish; it runs again in an hour");
		pthread_mutex_lock(&purger.lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 3600;
		while (!purger.stop && pthread_cond_timedwait(&purger.cond, &purger.lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&purger.lock);
	return NULL;
}

int
intake_start(const app_t *app)
{
	purger.app = app;
	purger.stop = false;
	if (pthread_create(&purger.thread, NULL, purge_thread, NULL) != 0)
		return -1;
	purger.running = true;
	return 0;
}

void
intake_stop(void)
{
	if (!purger.running)
		return;
	pthread_mutex_lock(&purger.lock);
	purger.stop = true;
	pthread_cond_signal(&purger.cond);
	pthread_mutex_unlock(&purger.lock);
	pthread_join(purger.thread, NULL);
	purger.running = false;
}
