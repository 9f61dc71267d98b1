/* audit: entry encoding and decoding, appends in the order that survives a crash, the reconcile at
 * start, and the check behind `sava audit verify`. Times are rounded to the hour before
 * they are written, so the log cannot place an action more precisely than that. Holds no
 * key: the vault computes every keyed link. */
#include "domain/audit.h"

#include "core/clock.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "vault/vault.h"

_Static_assert(AUDIT_ENTRY_BYTES <= STORE_AUDIT_ENTRY_MAX, "an entry fits the store's row buffer");

/* One append (or reconcile) at a time, from the read of the last row to the ratchet. */
static pthread_mutex_t audit_append_lock = PTHREAD_MUTEX_INITIALIZER;

static const unsigned char audit_zero[32];

const char *
audit_action_name(audit_action_t action)
{
	switch (action) {
	case AUDIT_INSTANCE_CREATED: return "instance created";
	case AUDIT_ENROLL: return "enrolled";
	case AUDIT_LOGIN_OK: return "logged in";
	case AUDIT_LOGIN_FAIL: return "login failed";
	case AUDIT_LOGOUT: return "logged out";
	case AUDIT_REVOKE: return "account revoked";
	case AUDIT_ROLE_CHANGE: return "roles changed";
	case AUDIT_PASSPHRASE_CHANGE: return "passphrase changed";
	case AUDIT_RECOVER: return "account recovered";
	case AUDIT_INVITE: return "invitation made";
	case AUDIT_GROUP_KEY_CREATE: return "group key created";
	case AUDIT_GROUP_GRANT: return "group key granted";
	case AUDIT_GROUP_ROTATE: return "group key rotated";
	case AUDIT_CASE_READ: return "request read";
	case AUDIT_CASE_REPLY: return "request answered";
	case AUDIT_CASE_SHRED: return "request shredded";
	case AUDIT_CASE_EXPIRED: return "request expired";
	case AUDIT_CASE_NOTE: return "note added";
	case AUDIT_CASE_ASSIGN: return "request assigned";
	case AUDIT_PROFILE: return "profile changed";
	case AUDIT_CASE_STAGE: return "stage changed";
	case AUDIT_CASE_VERIFY: return "verification recorded";
	case AUDIT_CASE_CHECKLIST: return "checklist updated";
	case AUDIT_VOUCH: return "vouch recorded";
	case AUDIT_APPLICATION_ACCEPT: return "application accepted";
	case AUDIT_APPLICATION_REJECT: return "application rejected";
	case AUDIT_GROUP_RESET_ALLOW: return "group key reset allowed";
	case AUDIT_GROUP_RECREATE: return "group key re-created";
	case AUDIT_INVITE_WITHDRAW: return "invitation withdrawn";
	case AUDIT_APPEAL_ADD: return "appeal registered";
	case AUDIT_APPEAL_CLEANED: return "appeal cleaned";
	case AUDIT_APPEAL_REFUSED: return "appeal refused";
	case AUDIT_APPEAL_APPROVE: return "appeal approved";
	case AUDIT_APPEAL_PUBLISH: return "appeal published";
	case AUDIT_APPEAL_WITHDRAW: return "appeal withdrawn";
	case AUDIT_APPEAL_READ: return "appeal viewed";
	case AUDIT_APPEAL_RECLEAN: return "appeal cleaning asked again";
	case AUDIT_SUB_SAVE: return "subtitles saved";
	case AUDIT_SUB_SUBMIT: return "subtitles sent to review";
	case AUDIT_SUB_REVIEW: return "subtitles reviewed";
	case AUDIT_SUB_APPROVE: return "subtitles approved";
	case AUDIT_SUB_RETURN: return "subtitles sent back";
	case AUDIT_SUB_RESTORE: return "subtitles restored";
	case AUDIT_SUB_TAKE: return "subtitle task taken";
	case AUDIT_SUB_HANDBACK: return "subtitle task handed back";
	case AUDIT_SUB_READ: return "subtitles viewed";
	case AUDIT_SUB_START: return "subtitle work started";
	case AUDIT_TESTIMONY_ADD: return "testimony made";
	case AUDIT_TESTIMONY_READ: return "testimony read";
	case AUDIT_TESTIMONY_NOTE: return "testimony note added";
	case AUDIT_TESTIMONY_CONSENT: return "testimony consent recorded";
	case AUDIT_TESTIMONY_WITHDRAW: return "testimony consent withdrawn";
	case AUDIT_TESTIMONY_COPY: return "story copy edited";
	case AUDIT_TESTIMONY_APPROVE: return "story approved";
	case AUDIT_TESTIMONY_PUBLISH: return "story published";
	case AUDIT_TESTIMONY_TAKEDOWN: return "story taken down";
	case AUDIT_TESTIMONY_SHRED: return "testimony shredded";
	case AUDIT_DROP_READ: return "drop submission read";
	case AUDIT_DROP_REPLY: return "drop submission answered";
	case AUDIT_DROP_EXPORT: return "drop submission exported";
	case AUDIT_DROP_EXPIRED: return "drop submission expired";
	case AUDIT_DROP_REPLY_IMPORT: return "drop reply imported";
	case AUDIT_DROP_CLEAN_ASK: return "drop file cleaning asked";
	case AUDIT_DROP_CLEANED: return "drop file cleaned";
	case AUDIT_DROP_CLEAN_REFUSED: return "drop file could not be cleaned";
	case AUDIT_SUB_BURNED: return "captions burned in";
	case AUDIT_SUB_BURN_FAILED: return "captions burn-in failed";
	case AUDIT_SUB_TRANSCRIBE: return "machine transcription asked";
	case AUDIT_REACH_POST: return "reach post registered";
	case AUDIT_REACH_COUNT: return "reach count entered";
	case AUDIT_REACH_IMPORT: return "reach file imported";
	case AUDIT_REACH_IMPORT_REMOVE: return "reach file removed";
	}
	return "unknown action";
}

void
audit_entry_encode(uint8_t out[AUDIT_ENTRY_BYTES], time_t t, const uint8_t *actor, audit_action_t action,
    const uint8_t *object)
{
	uint64_t hour = t > 0 ? (uint64_t)t - (uint64_t)t % 3600 : 0;
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(hour >> (8 * i));
	if (actor)
		memcpy(out + 8, actor, AUDIT_ID_BYTES);
	else
		memset(out + 8, 0, AUDIT_ID_BYTES);
	out[24] = (uint8_t)((unsigned)action & 0xff);
	out[25] = (uint8_t)((unsigned)action >> 8);
	if (object)
		memcpy(out + 26, object, AUDIT_ID_BYTES);
	else
		memset(out + 26, 0, AUDIT_ID_BYTES);
}

int
audit_entry_decode(const uint8_t *entry, size_t len, audit_entry_t *out)
{
	memset(out, 0, sizeof(*out));
	if (len != AUDIT_ENTRY_BYTES)
		return -1;
	uint64_t t = 0;
	for (int i = 7; i >= 0; i--)
		t = t << 8 | entry[i];
	out->t = (time_t)t;
	memcpy(out->actor, entry + 8, AUDIT_ID_BYTES);
	out->by_system = sodium_is_zero(out->actor, AUDIT_ID_BYTES);
	out->action = (audit_action_t)((unsigned)entry[24] | (unsigned)entry[25] << 8);
	memcpy(out->object, entry + 26, AUDIT_ID_BYTES);
	out->has_object = !sodium_is_zero(out->object, AUDIT_ID_BYTES);
	return 0;
}

static bool
audit_row_sizes_ok(const store_audit_row_t *row)
{
	return row->entry_len == AUDIT_ENTRY_BYTES && row->h_len == 32 && row->u_len == 32;
}

/* The store committed row last->idx but the vault never ratcheted past it (a crash, or
 * a failed write of instance.key). Checks that row's h with the key the vault still
 * holds for it, then ratchets. Lock held. */
static int
audit_finish_ratchet(vault_t *v, store_t *st, const store_audit_row_t *last, char *err, size_t errlen)
{
	uint64_t i = (uint64_t)last->idx, got;
	const unsigned char *prev = audit_zero;
	store_audit_row_t before;
	unsigned char h[32];

	if (!audit_row_sizes_ok(last)) {
		snprintf(err, errlen, "the audit log's last entry, %llu, is damaged", (unsigned long long)i);
		return -1;
	}
	if (i > 0) {
		int rc = store_audit_get(st, i - 1, &before);
		if (rc != 1 || !audit_row_sizes_ok(&before)) {
			snprintf(err, errlen, "the audit log's entry %llu, before its last entry, is %s", (unsigned long long)(i - 1),
			    rc < 0 ? "unreadable" : "missing or damaged");
			return -1;
		}
		prev = before.h;
	}
	if (vault_audit_next(v, prev, last->entry, AUDIT_ENTRY_BYTES, &got, h) != 0 || got != i ||
	    sodium_memcmp(h, last->h, sizeof(h)) != 0) {
		snprintf(err, errlen,
		    "the audit log and keys/instance.key disagree: the log's last entry is %llu and the key file is at "
		    "entry %llu, as after a crash, but the entry's keyed link does not match that key; "
		    "run `sava audit verify --key K0` to find out which was changed",
		    (unsigned long long)i, (unsigned long long)got);
		return -1;
	}
	if (vault_audit_advance(v, i) != 0) {
		snprintf(err, errlen, "cannot advance the audit key past entry %llu (the log says why)", (unsigned long long)i);
		return -1;
	}
	log_info("audit: advanced the audit key past entry %llu, which an interrupted run had written",
	    (unsigned long long)i);
	return 0;
}

/* Brings the store and the vault into step and reads the last row. Lock held. */
static int
audit_sync(vault_t *v, store_t *st, store_audit_row_t *last, bool *have, char *err, size_t errlen)
{
	int rc = store_audit_last(st, last);
	uint64_t key_at = vault_audit_index(v);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read the audit log");
		return -1;
	}
	*have = rc == 1;
	if (!*have) {
		if (key_at == 0)
			return 0;
		snprintf(err, errlen,
		    "the audit log and keys/instance.key disagree: the log is empty, but the key file is at entry %llu",
		    (unsigned long long)key_at);
		return -1;
	}
	uint64_t idx = (uint64_t)last->idx;
	if (last->idx >= 0 && idx + 1 == key_at)
		return 0;
	if (last->idx >= 0 && idx == key_at)
		return audit_finish_ratchet(v, st, last, err, errlen);
	snprintf(err, errlen,
	    "the audit log and keys/instance.key disagree: the log's last entry is %lld, so the key file should be "
	    "at entry %lld, but it is at entry %llu; run `sava audit verify --key K0` to find out which was changed",
	    (long long)last->idx, (long long)last->idx + 1, (unsigned long long)key_at);
	return -1;
}

int
audit_append(vault_t *v, store_t *st, const uint8_t *actor, audit_action_t action, const uint8_t *object)
{
	uint8_t entry[AUDIT_ENTRY_BYTES];
	unsigned char h[32], u[32];
	store_audit_row_t last;
	bool have;
	uint64_t i;
	char err[512];
	int rc = -1;

	audit_entry_encode(entry, clock_now(), actor, action, object);
	pthread_mutex_lock(&audit_append_lock);
	if (vault_audit_begin(v) != 0) {
		pthread_mutex_unlock(&audit_append_lock);
		return -1;
	}
	if (audit_sync(v, st, &last, &have, err, sizeof(err)) != 0) {
		log_warnx("audit: %s", err);
		goto out;
	}
	if (have && !audit_row_sizes_ok(&last)) {
		log_warnx("audit: the log's last entry, %lld, is damaged", (long long)last.idx);
		goto out;
	}
	/* 1: h_i with K_i. 2: the store commits row i. 3: only then the ratchet. */
	if (vault_audit_next(v, have ? last.h : audit_zero, entry, sizeof(entry), &i, h) != 0)
		goto out;
	vault_audit_link(NULL, have ? last.u : audit_zero, i, entry, sizeof(entry), u);
	if (store_audit_append(st, i, entry, sizeof(entry), h, u) != 0) {
		log_warnx("audit: cannot write entry %llu", (unsigned long long)i);
		goto out;
	}
	rc = 0;   /* the entry is in the log from here on */
	if (vault_audit_advance(v, i) != 0)
		log_warnx("audit: entry %llu is written, but the audit key is not advanced yet; "
		          "the next entry or the next start retries",
		    (unsigned long long)i);
out:
	vault_audit_end(v);
	pthread_mutex_unlock(&audit_append_lock);
	return rc;
}

int
audit_reconcile(vault_t *v, store_t *st, char *err, size_t errlen)
{
	store_audit_row_t last;
	bool have;
	pthread_mutex_lock(&audit_append_lock);
	if (vault_audit_begin(v) != 0) {
		pthread_mutex_unlock(&audit_append_lock);
		snprintf(err, errlen, "cannot lock keys/instance.key");
		return -1;
	}
	int rc = audit_sync(v, st, &last, &have, err, errlen);
	vault_audit_end(v);
	pthread_mutex_unlock(&audit_append_lock);
	return rc;
}

/* ---- verification ---- */

typedef struct {
	audit_verify_t *r;
	vault_audit_checker_t *checker;   /* NULL without K_0 */
	uint8_t prev_h[32], prev_u[32];
	uint64_t next;                    /* the index the next row must have */
} audit_walk_t;

static int
audit_verify_row(void *ctx, const store_audit_row_t *row)
{
	audit_walk_t *w = ctx;
	audit_verify_t *r = w->r;
	unsigned char u[32];

	r->bad_idx = w->next;
	if (row->idx < 0 || (uint64_t)row->idx != w->next) {
		r->status = AUDIT_VERIFY_MISSING;
		r->found_idx = row->idx;
		return 1;
	}
	if (!audit_row_sizes_ok(row)) {
		r->status = AUDIT_VERIFY_LENGTH;
		r->bad_len = row->entry_len;
		return 1;
	}
	vault_audit_link(NULL, w->prev_u, w->next, row->entry, AUDIT_ENTRY_BYTES, u);
	if (sodium_memcmp(u, row->u, sizeof(u)) != 0) {
		r->status = AUDIT_VERIFY_UNKEYED;
		return 1;
	}
	if (w->checker && vault_audit_checker_next(w->checker, w->prev_h, row->entry, AUDIT_ENTRY_BYTES, row->h) != 0) {
		r->status = AUDIT_VERIFY_KEYED;
		return 1;
	}
	memcpy(w->prev_h, row->h, 32);
	memcpy(w->prev_u, row->u, 32);
	r->head_idx = w->next;
	memcpy(r->head_h, row->h, 32);
	r->entries++;
	w->next++;
	return 0;
}

/* With the key file: instance.key must hold index n and K_n for n entries, or n - 1 and
 * K_{n-1} (committed, ratchet pending). */
static void
audit_verify_key(audit_walk_t *w)
{
	audit_verify_t *r = w->r;
	uint64_t n = r->entries, at;
	bool known, matches;
	if (vault_audit_checker_key(w->checker, &at, &known, &matches) != 0)
		return;
	r->key_checked = true;
	r->key_index = at;
	if (at > n)
		r->status = AUDIT_VERIFY_KEY_AHEAD;
	else if (at + 1 < n)
		r->status = AUDIT_VERIFY_KEY_BEHIND;
	else if (!known || !matches)
		r->status = AUDIT_VERIFY_KEY_WRONG;
	else
		r->key_pending = at + 1 == n;
}

int
audit_verify(store_t *st, const uint8_t *k0, const char *dir, audit_verify_t *r)
{
	audit_walk_t w = { .r = r };
	memset(r, 0, sizeof(*r));
	r->status = AUDIT_VERIFY_OK;
	/* The key file is read first: the log only grows, so a log read after it is at
	 * most one entry ahead of it unless it was tampered with. */
	if (k0 && vault_audit_checker_new(k0, dir, &w.checker, r->err, sizeof(r->err)) != 0) {
		r->status = AUDIT_VERIFY_ERROR;
		return -1;
	}
	r->keyed = k0 != NULL;
	int rc = store_audit_each(st, audit_verify_row, &w);
	if (rc < 0) {
		r->status = AUDIT_VERIFY_ERROR;
		snprintf(r->err, sizeof(r->err), "cannot read the audit log from the database");
	} else if (r->status == AUDIT_VERIFY_OK && r->entries == 0) {
		r->status = AUDIT_VERIFY_EMPTY;
	} else if (r->status == AUDIT_VERIFY_OK && w.checker && dir) {
		audit_verify_key(&w);
	}
	vault_audit_checker_free(w.checker);
	return r->status == AUDIT_VERIFY_OK ? 0 : -1;
}
