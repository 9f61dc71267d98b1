/* groups: the group keys' life (made, rotated after a revocation, re-created only for the
 * account an operator's reset names, granted) and who holds them. Every key operation is the
 * vault's, in a holder's session; the store keeps sealed copies only. */
#include "domain/groups.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/audit.h"

static void
audit(const app_t *app, const uint8_t *actor, audit_action_t action, const uint8_t *object)
{
	if (audit_append(app->vault, app->store, actor, action, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
}

int
staff_group_holds(const app_t *app, const staff_t *s, const char *group)
{
	store_group_t g;
	uint8_t copy[GROUP_SEAL_BYTES];
	uint32_t epoch;
	return store_group_get(app->store, group, &g) == STORE_OK &&
	    store_group_copy(app->store, g.id, s->acct.id, &epoch, copy) == STORE_OK;
}

bool
requests_allowed(const app_t *app, const staff_t *s)
{
	return staff_group_holds(app, s, "triage") == 1;
}

bool
staff_coordinates(const app_t *app, const staff_t *s)
{
	return (s->acct.roles & ROLE_COORDINATOR) && requests_allowed(app, s);
}

bool
staff_may_revoke(const app_t *app, const staff_t *actor, const store_account_t *target)
{
	if (target->status == ACCT_REVOKED || sodium_memcmp(target->id, actor->acct.id, 16) == 0)
		return false;
	if (!(actor->acct.roles & ROLE_COORDINATOR) || staff_group_holds(app, actor, "triage") != 1)
		return false;
	/* the triage key is the only group key so far: holding it covers every key the
	 * target can hold */
	return true;
}

/* Which role makes an account a member of a group. */
uint32_t
groups_role(const char *group)
{
	if (strcmp(group, "triage") == 0)
		return ROLE_COORDINATOR;
	/* translators open appeals for their subtitle work (domain/subtitles.h): the same
	 * compartment, so the same key; what each may do is her role's */
	if (strcmp(group, "editors") == 0)
		return ROLE_EDITOR | ROLE_TRANSLATOR;
	/* testimonies: the editors who redact and approve stories, and the coordinators who
	 * make testimonies from requests and keep their consent */
	if (strcmp(group, "testimonies") == 0)
		return ROLE_EDITOR | ROLE_COORDINATOR;
	if (strcmp(group, "analysts") == 0)
		return ROLE_ANALYST;
	return 0;
}

/* Which role may make a group's first key and give it to others: an explicit approval
 * by someone who answers for the group's work (an editor, never a translator). */
uint32_t
groups_grantor_role(const char *group)
{
	if (strcmp(group, "triage") == 0)
		return ROLE_COORDINATOR;
	if (strcmp(group, "editors") == 0)
		return ROLE_EDITOR;
	/* the others: every member makes and gives the key */
	return groups_role(group);
}

#define GROUP_MEMBERS_MAX 512

struct member_list {
	uint8_t id[GROUP_MEMBERS_MAX][16];
	uint8_t pk[GROUP_MEMBERS_MAX][32];
	size_t n;
	bool overflow;
};

static void
member_collect(void *ctx, const store_account_t *a, bool has_copy)
{
	struct member_list *m = ctx;
	if (!has_copy)
		return;
	if (m->n == GROUP_MEMBERS_MAX) {
		m->overflow = true;
		return;
	}
	memcpy(m->id[m->n], a->id, 16);
	memcpy(m->pk[m->n], a->pk, 32);
	m->n++;
}

static void
holder_count(void *ctx, const store_account_t *a, bool has_copy)
{
	(void)a;
	*(size_t *)ctx += has_copy;
}

/* Every holder of a group key is gone, and an operator's reset (`sava triage reset`)
 * allowed this account, and only this one, to make a new key pair, with no link: what
 * was sealed to the old key stays closed to staff, the price of losing every holder.
 * Without that explicit, audited reset nothing happens here: a key is never re-created
 * silently at a login (an infiltrator who revoked the holders would become the only one). */
static staff_status_t
group_recreate(const app_t *app, const staff_t *s, const store_group_t *g)
{
	uint8_t pk[32], sealed[GROUP_SEAL_BYTES];
	if (!g->has_reset_for || sodium_memcmp(g->reset_for, s->acct.id, 16) != 0)
		return STAFF_OK;
	if (g->epoch == UINT32_MAX || group_key_create(&s->sess, g->id, g->epoch + 1, pk, sealed) != 0)
		return STAFF_ERROR;
	int rc = store_group_recreate(app->store, g->id, g->epoch + 1, pk, s->acct.id, sealed, clock_hour());
	if (rc == STORE_CONFLICT)
		return STAFF_OK;
	if (rc != STORE_OK)
		return STAFF_ERROR;
	log_warnx("the triage key was re-created by an operator's reset; requests sealed to the old key cannot be "
	          "opened by staff");
	audit(app, s->acct.id, AUDIT_GROUP_RECREATE, g->id);
	return STAFF_OK;
}

/* Creates the group's first key, or rotates a key marked for rotation and gives the
 * new key to every remaining member. Runs in the session of a member. */
staff_status_t
groups_maintain(const app_t *app, const staff_t *s, const char *name)
{
	store_group_t g;
	uint8_t sealed[GROUP_SEAL_BYTES], mine[GROUP_SEAL_BYTES], link[GROUP_SEAL_BYTES], pk[32];
	uint32_t epoch;
	int rc = store_group_get(app->store, name, &g);
	if (rc == STORE_NOT_FOUND) {
		if (!(s->acct.roles & groups_grantor_role(name)))
			return STAFF_OK;   /* a translator's login makes no editors' key */
		randombytes_buf(g.id, sizeof(g.id));
		g.epoch = 0;
		if (group_key_create(&s->sess, g.id, 0, g.pk, sealed) != 0)
			return STAFF_ERROR;
		rc = store_group_create(app->store, name, &g, s->acct.id, sealed);
		if (rc == STORE_CONFLICT)   /* another coordinator was first */
			return STAFF_OK;
		if (rc != STORE_OK)
			return STAFF_ERROR;
		audit(app, s->acct.id, AUDIT_GROUP_KEY_CREATE, g.id);
		return STAFF_OK;
	}
	if (rc != STORE_OK)
		return STAFF_ERROR;
	if (g.has_reset_for)
		return group_recreate(app, s, &g);
	if (!g.rotation_pending)
		return STAFF_OK;
	if (store_group_copy(app->store, g.id, s->acct.id, &epoch, mine) != STORE_OK)
		return STAFF_OK;   /* not a holder: a holder rotates it at her login */

	struct member_list *m = calloc(1, sizeof(*m));
	if (!m)
		return STAFF_ERROR;
	staff_status_t st = STAFF_ERROR;
	if (store_group_members(app->store, g.id, 0, member_collect, m) != STORE_OK || m->overflow)
		goto done;
	if (group_key_rotate(&s->sess, mine, g.id, epoch, pk, sealed, link) != 0)
		goto done;
	rc = store_group_rotate(app->store, g.id, epoch + 1, pk, link, s->acct.id, sealed);
	if (rc == STORE_CONFLICT) {
		st = STAFF_OK;
		goto done;
	}
	if (rc != STORE_OK)
		goto done;
	audit(app, s->acct.id, AUDIT_GROUP_ROTATE, g.id);
	st = STAFF_OK;
	for (size_t i = 0; i < m->n; i++) {
		uint8_t copy[GROUP_SEAL_BYTES];
		if (memcmp(m->id[i], s->acct.id, 16) == 0)
			continue;
		if (group_key_grant(&s->sess, sealed, g.id, epoch + 1, m->pk[i], copy) != 0 ||
		    store_group_grant(app->store, g.id, m->id[i], epoch + 1, copy) != STORE_OK)
			st = STAFF_ERROR;
	}
done:
	sodium_memzero(mine, sizeof(mine));
	free(m);
	return st;
}

staff_status_t
staff_group_grant(const app_t *app, const staff_t *s, const char *group, const uint8_t member[16])
{
	store_group_t g;
	store_account_t a;
	uint8_t mine[GROUP_SEAL_BYTES], copy[GROUP_SEAL_BYTES], other[GROUP_SEAL_BYTES];
	uint32_t epoch, e2;
	/* only a member of the group's granting role who holds its key gives it on */
	if (!(s->acct.roles & groups_grantor_role(group)) || store_group_get(app->store, group, &g) != STORE_OK ||
	    store_group_copy(app->store, g.id, s->acct.id, &epoch, mine) != STORE_OK ||
	    store_account_by_id(app->store, member, &a) != STORE_OK || a.status != ACCT_ACTIVE ||
	    !(a.roles & groups_role(group)))
		return STAFF_DENIED;
	if (store_group_copy(app->store, g.id, member, &e2, other) == STORE_OK)
		return STAFF_OK;   /* already holds it */
	staff_status_t st = STAFF_ERROR;
	if (group_key_grant(&s->sess, mine, g.id, epoch, a.pk, copy) == 0 &&
	    store_group_grant(app->store, g.id, member, epoch, copy) == STORE_OK) {
		audit(app, s->acct.id, AUDIT_GROUP_GRANT, member);
		st = STAFF_OK;
	}
	sodium_memzero(mine, sizeof(mine));
	return st;
}

staff_reset_t
staff_group_reset_allow(const app_t *app, const char *group, const char *handle, size_t *holders)
{
	store_group_t g;
	store_account_t a;
	*holders = 0;
	int rc = store_account_by_handle(app->store, handle, &a);
	if (rc == STORE_ERROR)
		return RESET_ERROR;
	if (rc != STORE_OK || a.status == ACCT_REVOKED || !a.has_secrets || !(a.roles & groups_role(group)))
		return RESET_NO_ACCOUNT;
	rc = store_group_get(app->store, group, &g);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? RESET_NO_GROUP : RESET_ERROR;
	if (store_group_members(app->store, g.id, 0, holder_count, holders) != STORE_OK)
		return RESET_ERROR;
	if (*holders > 0)
		return RESET_HOLDERS;
	rc = store_group_reset_allow(app->store, g.id, a.id);
	if (rc == STORE_CONFLICT)
		return RESET_HOLDERS;
	if (rc != STORE_OK)
		return RESET_ERROR;
	audit(app, NULL, AUDIT_GROUP_RESET_ALLOW, a.id);
	return RESET_OK;
}

int
staff_group_recreated(const app_t *app, const char *group, unsigned days, int64_t *hour, char handle[33])
{
	store_group_t g;
	store_account_t a;
	int rc = store_group_get(app->store, group, &g);
	if (rc == STORE_NOT_FOUND)
		return 0;
	if (rc != STORE_OK)
		return -1;
	if (g.recreated_hour == 0 || clock_hour() - g.recreated_hour > 24 * (int64_t)days)
		return 0;
	*hour = g.recreated_hour;
	if (store_account_by_id(app->store, g.recreated_by, &a) == STORE_OK)
		snprintf(handle, 33, "%s", a.handle);
	else
		snprintf(handle, 33, "?");
	return 1;
}
