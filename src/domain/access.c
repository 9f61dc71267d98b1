/* access: the way into a case: the requester's mailbox copy, a staff member's own copy, or
 * the triage key followed back through its links. Holds session secrets and opened keys in
 * guarded memory; reads the store alike whether or not the case exists and is hers. */
#include "domain/access.h"

#include <sodium.h>
#include <string.h>

#include "core/log.h"
#include "domain/groups.h"
#include "vault/secmem.h"

struct access *
access_new(void)
{
	return secmem_alloc(sizeof(struct access));
}

void
access_free(struct access *a)
{
	if (a)
		case_keys_free(a->keys);
	secmem_free(a);   /* wiped */
}

void
access_reset(struct access *a)
{
	case_keys_free(a->keys);
	sodium_memzero(a, sizeof(*a));
}

case_keys_t *
access_keys(const app_t *app, struct access *a)
{
	if (!a->keys && case_keys_open(app->vault, &a->who, &a->ref, &a->keys) != VAULT_OK)
		a->keys = NULL;
	return a->keys;
}

void
access_forget_keys(struct access *a)
{
	case_keys_free(a->keys);
	a->keys = NULL;
}

void
access_new_requester(struct access *a, const case_new_t *cn)
{
	access_reset(a);
	a->who.by = CASE_BY_SESSION;
	a->who.sess.kind = SESS_KIND_MAILBOX;
	memcpy(a->who.sess.c, cn->mailbox.c, 32);
	memcpy(a->who.sess.sid, cn->mailbox.sid, 32);
	memcpy(a->who.sess.owner, cn->case_id, 16);
	memcpy(a->who.sess.box, cn->mailbox.box, SESS_BOX_BYTES);
	memcpy(a->ref.case_id, cn->case_id, 16);
	a->ref.slot = cn->slot;
	a->ref.e = 0;
	memcpy(a->ref.copy, cn->req_copy, CASE_COPY_BYTES);
}

static int
access_ref(const app_t *app, struct access *a, const store_copy_t *copy)
{
	size_t n;
	memcpy(a->ref.case_id, a->row.id, 16);
	a->ref.slot = a->row.slot;
	a->ref.e = a->row.epoch;
	memcpy(a->ref.copy, copy->copy, CASE_COPY_BYTES);
	if (copy->has_ncopy)
		memcpy(a->ref.ncopy, copy->ncopy, CASE_COPY_BYTES);
	if (a->row.epoch > 0) {
		if (store_case_links(app->store, a->row.id, CASE_KIND_CASE, a->row.epoch, a->links, LINKS_MAX, &n) != STORE_OK)
			return -1;
		a->ref.links = (const uint8_t(*)[CASE_LINK_BYTES])a->links;
		a->ref.nlinks_s = (uint32_t)n;
		if (store_case_links(app->store, a->row.id, CASE_KIND_NOTES, a->row.epoch, a->nlinks, LINKS_MAX, &n) != STORE_OK)
			return -1;
		a->ref.nlinks = (const uint8_t(*)[CASE_LINK_BYTES])a->nlinks;
		a->ref.nlinks_n = (uint32_t)n;
	}
	return 0;
}

intake_status_t
access_requester(const app_t *app, const sess_t *sess, const uint8_t case_id[16], struct access *a)
{
	store_copy_t copy;
	int rc = store_case_get(app->store, case_id, &a->row);
	if (rc == STORE_OK)
		rc = store_case_copy(app->store, case_id, HOLDER_REQUESTER, case_id, &copy);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	a->who.by = CASE_BY_SESSION;
	a->who.sess = *sess;
	rc = access_ref(app, a, &copy);
	sodium_memzero(&copy, sizeof(copy));
	return rc == 0 ? INTAKE_OK : INTAKE_ERROR;
}

/* A staff member's way into a case: a copy sealed to her own key, or the triage key
 * (following the group's links back to the epoch the case was sealed to).
 * The store is read the same way whether the case exists or not, and whether it is hers or
 * not: its row, her own copy, her copy of the triage key and, when she has one, the case's
 * triage copy. "Not yours" must not take longer than "does not exist" (issue 9: it took
 * 50-75 us more, three more queries); tests/unit/test_access.c pins the reads. Only a way
 * in that is found reads more (the links), and only she can time that. */
intake_status_t
access_staff(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a)
{
	return access_staff_in(app, s, case_id, "triage", a);
}

intake_status_t
access_staff_in(const app_t *app, const staff_t *s, const uint8_t case_id[16], const char *group, struct access *a)
{
	store_copy_t own, gcopy;
	store_group_t g;
	size_t n = 0;
	int rc = store_case_get(app->store, case_id, &a->row);
	int rc_own = store_case_copy(app->store, case_id, HOLDER_ACCOUNT, s->acct.id, &own);
	int rc_g = store_group_get(app->store, group, &g);
	if (rc_g == STORE_OK)
		rc_g = store_group_copy(app->store, g.id, s->acct.id, &a->who.group_epoch, a->who.group_copy);
	int rc_gcopy = rc_g == STORE_OK ? store_case_group_copy(app->store, case_id, &gcopy) : STORE_NOT_FOUND;
	intake_status_t st = INTAKE_NOT_FOUND;
	if (rc == STORE_ERROR || rc_own == STORE_ERROR || (rc_own != STORE_OK && rc_gcopy == STORE_ERROR)) {
		st = INTAKE_ERROR;
	} else if (rc != STORE_OK) {
		st = INTAKE_NOT_FOUND;
	} else if (rc_own == STORE_OK) {
		a->who.by = CASE_BY_SESSION;
		st = INTAKE_OK;
	} else if (/* the triage key, followed back to the epoch the case was sealed to; with no way
	            * back (a new key after its last holder left), NOT_FOUND */
	    rc_g == STORE_OK && rc_gcopy == STORE_OK && sodium_memcmp(gcopy.holder, g.id, 16) == 0 &&
	    gcopy.holder_epoch <= a->who.group_epoch &&
	    (gcopy.holder_epoch == a->who.group_epoch ||
	        (store_group_links(app->store, g.id, a->who.group_epoch, gcopy.holder_epoch, a->glinks, LINKS_MAX, &n) ==
	                STORE_OK &&
	            n == a->who.group_epoch - gcopy.holder_epoch))) {
		a->who.by = CASE_BY_GROUP;
		memcpy(a->who.group_id, g.id, 16);
		a->who.glinks = (const uint8_t(*)[GROUP_SEAL_BYTES])a->glinks;
		a->who.nglinks = (uint32_t)n;
		memcpy(&own, &gcopy, sizeof(own));
		st = INTAKE_OK;
	}
	if (st == INTAKE_OK) {
		a->who.sess = s->sess;
		if (a->who.by == CASE_BY_SESSION) {
			sodium_memzero(a->who.group_copy, sizeof(a->who.group_copy));
			a->who.group_epoch = 0;
		}
		if (access_ref(app, a, &own) != 0)
			st = INTAKE_ERROR;
	}
	sodium_memzero(&own, sizeof(own));
	sodium_memzero(&gcopy, sizeof(gcopy));
	return st;
}

/* Anyone outside triage, and any case the account cannot open, gets NOT_FOUND. */
intake_status_t
staff_access_any(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a)
{
	intake_status_t st = access_staff(app, s, case_id, a);
	if (st == INTAKE_OK && a->who.by == CASE_BY_GROUP && !requests_allowed(app, s))
		st = INTAKE_NOT_FOUND;
	/* a video appeal is opened by editors through appeals.c only, never as a request
	 * (and a testimony through testimonies.c only, for the same reason):
	 * while the editors' key waits for rotation its copies are sealed to each editor's
	 * own key, and a request's pages would hand out its original file */
	/* nor a testimony or a drop submission, which testimonies.c and drop.c open */
	return st == INTAKE_OK && (a->row.stage == STAGE_APPEAL || a->row.stage == STAGE_TESTIMONY ||
	                           a->row.stage == STAGE_DROP) ?
	    INTAKE_NOT_FOUND :
	    st;
}

intake_status_t
staff_access(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a)
{
	intake_status_t st = staff_access_any(app, s, case_id, a);
	/* an application is not a request: no request action reaches it */
	return st == INTAKE_OK && a->row.stage == STAGE_APPLICATION ? INTAKE_NOT_FOUND : st;
}

void
audit_case(const app_t *app, const struct access *a, const uint8_t *actor, audit_action_t action)
{
	uint8_t object[16];
	if (case_audit_id(app->vault, a->row.id, a->row.slot, object) != VAULT_OK ||
	    audit_append(app->vault, app->store, actor, action, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
}
