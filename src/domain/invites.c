/* invites: invitations, as rows keyed by the hash of a token that is shown once and
 * stored nowhere; the note is sealed under a key derived from the token. Trusted with
 * hashes and sealed notes only. Every change is audited. */
#include "domain/invites.h"

#include <sodium.h>
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

staff_status_t
staff_invite(const app_t *app, uint32_t roles, const char *note, char token[INVITE_TOKEN_CHARS + 1])
{
	uint8_t hash[32], box[INVITE_NOTE_MAX + INVITE_NOTE_BOX_EXTRA];
	size_t nlen = note ? strlen(note) : 0;
	if (roles == 0 || (roles & ~(uint32_t)ROLE_ALL) || nlen > INVITE_NOTE_MAX)
		return STAFF_INVALID;
	invite_token_new(token, hash);
	if (nlen && invite_note_seal(sv_from_cstr(token), note, nlen, box) != 0)
		return STAFF_ERROR;
	if (store_invite_add(app->store, hash, roles, nlen ? box : NULL, nlen ? nlen + INVITE_NOTE_BOX_EXTRA : 0,
	        clock_hour() + INVITE_HOURS) != STORE_OK)
		return STAFF_ERROR;
	audit(app, NULL, AUDIT_INVITE, hash);   /* the invitation's id: the first INVITE_ID_BYTES */
	return STAFF_OK;
}

staff_status_t
staff_invite_check(const app_t *app, sv_t token, uint32_t *roles)
{
	uint8_t hash[32];
	if (invite_token_hash(token, hash) != 0)
		return STAFF_DENIED;
	int rc = store_invite_get(app->store, hash, clock_hour(), roles);
	return rc == STORE_OK ? STAFF_OK : rc == STORE_NOT_FOUND ? STAFF_DENIED : STAFF_ERROR;
}

_Static_assert(INVITE_ID_BYTES == AUDIT_ID_BYTES, "an invitation's id is an audit object");

struct invite_list {
	void (*fn)(void *ctx, const staff_invite_info_t *inv);
	void *ctx;
};

static void
invite_info(void *arg, const store_invite_t *row)
{
	struct invite_list *l = arg;
	staff_invite_info_t inv;
	sodium_bin2hex(inv.id, sizeof(inv.id), row->token_hash, INVITE_ID_BYTES);
	inv.roles = row->roles;
	inv.expires_hour = row->expires_hour;
	inv.created_hour = row->expires_hour - INVITE_HOURS;   /* every invitation lives INVITE_HOURS */
	l->fn(l->ctx, &inv);
}

staff_status_t
staff_invites_list(const app_t *app, void (*fn)(void *ctx, const staff_invite_info_t *inv), void *ctx)
{
	struct invite_list l = { fn, ctx };
	return store_invites_each(app->store, clock_hour(), invite_info, &l) == STORE_OK ? STAFF_OK : STAFF_ERROR;
}

struct invite_match {
	const char *prefix;
	size_t len, n;
	uint8_t hash[32];
};

static void
invite_match(void *arg, const store_invite_t *row)
{
	struct invite_match *m = arg;
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), row->token_hash, 32);
	if (strncmp(hex, m->prefix, m->len) != 0)
		return;
	if (m->n++ == 0)
		memcpy(m->hash, row->token_hash, 32);
}

staff_status_t
staff_invite_withdraw(const app_t *app, const char *prefix, size_t *matches, char id[2 * INVITE_ID_BYTES + 1])
{
	char lower[65];
	size_t len = strnlen(prefix, sizeof(lower));
	*matches = 0;
	if (len < INVITE_ID_MIN || len > 64)
		return STAFF_INVALID;
	for (size_t i = 0; i < len; i++) {
		char c = prefix[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return STAFF_INVALID;
		lower[i] = c;
	}
	lower[len] = '\0';
	struct invite_match m = { .prefix = lower, .len = len };
	if (store_invites_each(app->store, clock_hour(), invite_match, &m) != STORE_OK)
		return STAFF_ERROR;
	*matches = m.n;
	if (m.n != 1)
		return STAFF_DENIED;
	int rc = store_invite_delete(app->store, m.hash);
	if (rc != STORE_OK) {
		*matches = 0;   /* used or expired a moment ago */
		return rc == STORE_NOT_FOUND ? STAFF_DENIED : STAFF_ERROR;
	}
	sodium_bin2hex(id, 2 * INVITE_ID_BYTES + 1, m.hash, INVITE_ID_BYTES);
	audit(app, NULL, AUDIT_INVITE_WITHDRAW, m.hash);
	return STAFF_OK;
}

int
staff_invites_purge(const app_t *app, size_t *n)
{
	if (store_invites_delete_expired(app->store, clock_hour(), n) != STORE_OK) {
		log_warnx("the expired invitations could not be deleted; the next purge tries again");
		return -1;
	}
	if (*n)
		log_info("deleted %zu expired invitation(s)", *n);
	return 0;
}
