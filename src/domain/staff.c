/* staff: roles, handles and passphrases, enrollment (in memory for 30 minutes, never on disk),
 * login, passphrase change and recovery, revocation, and what a login does to the group keys.
 * Secrets are opened and wrapped by the vault; this file handles sealed boxes and NFC text. */
#include "domain/staff.h"

#include <pthread.h>
#include <stdlib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/audit.h"
#include "domain/epoch.h"
#include "domain/throttle.h"
#include "parse/urlenc.h"
#include "vault/nfc.h"
#include "vault/totp.h"
#include "vault/words.h"

#define PENDING_MAX     64
#define PENDING_S       (30 * 60)

/* Indexed by bit. */
static const char *const role_names[] = { "admin", "coordinator", "owl", "verifier", "translator", "editor", "viewer",
	"analyst" };

uint32_t
role_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (role_names[i] && strcmp(name, role_names[i]) == 0)
			return 1u << i;
	return 0;
}

const char *
role_name(uint32_t bit)
{
	for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (bit == 1u << i && role_names[i])
			return role_names[i];
	return "?";
}

struct pending {
	bool used;
	uint8_t token_hash[32];
	uint8_t browser_hash[32];   /* of the cookie secret given to the browser that began it */
	time_t expires;
	int step;                 /* 1: show recovery; 2: show TOTP; */
	uint32_t roles;
	store_account_t acct;
	acct_shown_t *shown;      /* sodium_malloc */
};

/* Enrollments in progress. */
static pthread_mutex_t staff_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pending pendings[PENDING_MAX];

static void
audit(const app_t *app, const uint8_t *actor, audit_action_t action, const uint8_t *object)
{
	if (audit_append(app->vault, app->store, actor, action, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
}

/* ---- rules ---- */

bool
staff_handle_ok(sv_t h)
{
	if (h.len < HANDLE_MIN || h.len > STORE_HANDLE_MAX)
		return false;
	for (size_t i = 0; i < h.len; i++) {
		char c = h.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

staff_status_t
staff_passphrase_rules(sv_t pw, buf_t *nfc)
{
	if (pw.len > PASSPHRASE_MAX_BYTES || !text_is_clean_utf8(pw) || text_nfc(pw, nfc) != 0)
		return STAFF_INVALID;
	size_t chars = 0;
	for (size_t i = 0; i < nfc->len; i++)
		chars += ((unsigned char)nfc->data[i] & 0xc0) != 0x80;
	return chars >= PASSPHRASE_MIN_CHARS ? STAFF_OK : STAFF_INVALID;
}

/* ---- enrollment ---- */

static struct pending *pending_find(sv_t token);

static void
browser_hash(sv_t browser, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)browser.p, browser.len, (const uint8_t *)"sava-enroll-browser", 19);
}

/* The pending enrollment for token if it belongs to this browser; *foreign when it
 * belongs to another. Caller holds staff_lock. */
static struct pending *
pending_for(sv_t token, sv_t browser, bool *foreign)
{
	struct pending *p = pending_find(token);
	uint8_t h[32];
	*foreign = false;
	if (!p)
		return NULL;
	browser_hash(browser, h);
	if (browser.len != ENROLL_COOKIE_CHARS || sodium_memcmp(h, p->browser_hash, 32) != 0) {
		*foreign = true;
		return NULL;
	}
	return p;
}

/* The pending enrollment for token; caller holds staff_lock. */
static struct pending *
pending_find(sv_t token)
{
	uint8_t hash[32];
	if (invite_token_hash(token, hash) != 0)
		return NULL;
	time_t now = clock_now();
	for (size_t i = 0; i < PENDING_MAX; i++) {
		struct pending *p = &pendings[i];
		if (p->used && p->expires < now) {
			sodium_free(p->shown);
			sodium_memzero(p, sizeof(*p));
		}
		if (p->used && sodium_memcmp(p->token_hash, hash, 32) == 0)
			return p;
	}
	return NULL;
}

staff_status_t
staff_enroll_begin(const app_t *app, sv_t token, sv_t browser, sv_t handle, sv_t passphrase,
    char browser_out[ENROLL_COOKIE_CHARS + 1])
{
	uint32_t roles;
	store_account_t existing;
	bool foreign;
	staff_status_t st = staff_invite_check(app, token, &roles);
	if (st != STAFF_OK)
		return st;
	pthread_mutex_lock(&staff_lock);
	(void)pending_for(token, browser, &foreign);
	pthread_mutex_unlock(&staff_lock);
	if (foreign)
		return STAFF_DENIED;   /* another browser is enrolling with this link */
	if (!staff_handle_ok(handle))
		return STAFF_INVALID;
	char h[STORE_HANDLE_MAX + 1];
	memcpy(h, handle.p, handle.len);
	h[handle.len] = '\0';

	buf_t pw;
	buf_init(&pw, PASSPHRASE_MAX_BYTES * 4);
	if (staff_passphrase_rules(passphrase, &pw) != STAFF_OK) {
		buf_free(&pw);
		return STAFF_INVALID;
	}
	acct_blobs_t b;
	acct_shown_t *shown = sodium_malloc(sizeof(*shown));
	if (!shown) {
		buf_free(&pw);
		return STAFF_ERROR;
	}
	int rc = acct_create(app->vault, pw.data, pw.len, &b, shown);
	buf_free(&pw);
	if (rc != 0) {
		sodium_free(shown);
		return STAFF_ERROR;
	}
	/* Checked after the slow derivation, so that names cannot be tried quickly. */
	rc = store_account_by_handle(app->store, h, &existing);
	if (rc != STORE_NOT_FOUND) {
		sodium_free(shown);
		return rc == STORE_OK ? STAFF_TAKEN : STAFF_ERROR;
	}
	uint8_t secret[32];
	randombytes_buf(secret, sizeof(secret));
	sodium_bin2base64(browser_out, ENROLL_COOKIE_CHARS + 1, secret, sizeof(secret),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(secret, sizeof(secret));

	pthread_mutex_lock(&staff_lock);
	struct pending *p = pending_for(token, browser, &foreign);
	if (foreign) {   /* another browser began meanwhile */
		pthread_mutex_unlock(&staff_lock);
		sodium_free(shown);
		return STAFF_DENIED;
	}
	for (size_t i = 0; !p && i < PENDING_MAX; i++)
		if (!pendings[i].used)
			p = &pendings[i];
	if (!p) {
		pthread_mutex_unlock(&staff_lock);
		sodium_free(shown);
		return STAFF_BUSY;
	}
	if (p->used && p->shown)
		sodium_free(p->shown);
	memset(p, 0, sizeof(*p));
	p->used = true;
	if (invite_token_hash(token, p->token_hash) != 0)   /* checked above; cannot fail */
		p->expires = 0;
	browser_hash(sv_from_cstr(browser_out), p->browser_hash);
	p->expires = clock_now() + PENDING_S;
	p->step = 1;
	p->roles = roles;
	p->shown = shown;
	memcpy(p->acct.id, b.id, 16);
	memcpy(p->acct.handle, h, handle.len + 1);
	p->acct.roles = roles;
	p->acct.status = ACCT_ACTIVE;
	memcpy(p->acct.pk, b.pk, 32);
	p->acct.has_secrets = true;
	memcpy(p->acct.wrap_pw, b.wrap_pw, sizeof(b.wrap_pw));
	memcpy(p->acct.wrap_rec, b.wrap_rec, sizeof(b.wrap_rec));
	memcpy(p->acct.sk_box, b.sk_box, sizeof(b.sk_box));
	memcpy(p->acct.totp_box, b.totp_box, sizeof(b.totp_box));
	p->acct.created_day = clock_now() / 86400;
	pthread_mutex_unlock(&staff_lock);
	return STAFF_OK;
}

int
staff_enroll_shown(sv_t token, sv_t browser, enroll_shown_t *out, bool *foreign)
{
	acct_shown_t shown;
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&staff_lock);
	struct pending *p = pending_for(token, browser, foreign);
	if (p) {
		shown = *p->shown;
		memcpy(out->handle, p->acct.handle, sizeof(out->handle));
		out->step = p->step;
	}
	pthread_mutex_unlock(&staff_lock);
	if (!p)
		return -1;
	/* the recovery key in groups of four, for reading and copying */
	size_t n = 0;
	for (size_t i = 0; shown.recovery[i]; i++) {
		bool space = i && i % 4 == 0;
		if (n + (space ? 2 : 1) >= sizeof(out->recovery))
			break;
		if (space)
			out->recovery[n++] = ' ';
		out->recovery[n++] = shown.recovery[i];
	}
	out->recovery[n] = '\0';
	_Static_assert(sizeof(out->totp_secret) == TOTP_BASE32_CHARS + 1, "base32 TOTP secret");
	totp_secret_base32(shown.totp_secret, out->totp_secret);
	int rc = totp_uri(shown.totp_secret, "sava", out->handle, out->totp_uri, sizeof(out->totp_uri));
	sodium_memzero(&shown, sizeof(shown));
	return rc == 0 ? 0 : -1;
}

int
staff_passphrase_suggest(buf_t *out, lang_t lang)
{
	words_list_t l = lang == LANG_RU ? WORDS_RU : lang == LANG_BE ? WORDS_BE : WORDS_EN;
	return passphrase_generate_from(out, l, passphrase_words_for(l));
}

staff_status_t
staff_enroll_confirm(sv_t token, sv_t browser, sv_t part)
{
	/* The last six characters of the recovery key, typed back in any case. */
	staff_status_t st = STAFF_DENIED;
	bool foreign;
	pthread_mutex_lock(&staff_lock);
	struct pending *p = pending_for(token, browser, &foreign);
	if (p && part.len == 6) {
		const char *tail = p->shown->recovery + ACCT_RECOVERY_CHARS - 6;
		char up[6];
		for (int i = 0; i < 6; i++)
			up[i] = (char)(part.p[i] >= 'a' && part.p[i] <= 'z' ? part.p[i] - 32 : part.p[i]);
		if (sodium_memcmp(up, tail, 6) == 0) {
			p->step = 2;
			st = STAFF_OK;
		}
		sodium_memzero(up, sizeof(up));
	}
	pthread_mutex_unlock(&staff_lock);
	return st;
}

staff_status_t
staff_enroll_finish(const app_t *app, sv_t token, sv_t browser, sv_t code)
{
	store_account_t acct;
	uint8_t hash[32];
	uint64_t step;
	bool foreign;
	pthread_mutex_lock(&staff_lock);
	struct pending *p = pending_for(token, browser, &foreign);
	bool ok = p && p->step == 2 && totp_check(p->shown->totp_secret, (uint64_t)clock_now(), code.p, code.len, 0, &step) == 0;
	if (ok) {
		acct = p->acct;
		memcpy(hash, p->token_hash, 32);
	}
	pthread_mutex_unlock(&staff_lock);
	if (!ok)
		return STAFF_DENIED;

	int rc = store_account_create(app->store, hash, clock_hour(), &acct);
	if (rc == STORE_CONFLICT)
		return STAFF_TAKEN;
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? STAFF_DENIED : STAFF_ERROR;
	(void)throttle_step_accept(acct.id, step);   /* the code just used cannot log in */
	pthread_mutex_lock(&staff_lock);
	p = pending_find(token);
	if (p) {
		sodium_free(p->shown);
		sodium_memzero(p, sizeof(*p));
	}
	pthread_mutex_unlock(&staff_lock);
	audit(app, acct.id, AUDIT_ENROLL, acct.id);
	return STAFF_OK;
}

/* ---- login ---- */

int
staff_start(const app_t *app)
{
	return throttle_start(app);
}

void
staff_stop(void)
{
	throttle_stop();
}

static void
blobs_from(const store_account_t *a, acct_blobs_t *b)
{
	memcpy(b->id, a->id, 16);
	memcpy(b->pk, a->pk, 32);
	memcpy(b->wrap_pw, a->wrap_pw, sizeof(b->wrap_pw));
	memcpy(b->wrap_rec, a->wrap_rec, sizeof(b->wrap_rec));
	memcpy(b->sk_box, a->sk_box, sizeof(b->sk_box));
	memcpy(b->totp_box, a->totp_box, sizeof(b->totp_box));
}

_Static_assert(sizeof(((store_account_t *)0)->wrap_pw) == ACCT_WRAP_PW_BYTES, "wrap_pw size");
_Static_assert(sizeof(((store_account_t *)0)->wrap_rec) == ACCT_WRAP_REC_BYTES, "wrap_rec size");
_Static_assert(sizeof(((store_account_t *)0)->sk_box) == ACCT_SK_BOX_BYTES, "sk_box size");
_Static_assert(sizeof(((store_account_t *)0)->totp_box) == ACCT_TOTP_BOX_BYTES, "totp_box size");
_Static_assert(sizeof(((store_session_t *)0)->box) == SESS_BOX_BYTES, "session box size");

staff_status_t
staff_login(const app_t *app, sv_t handle, sv_t passphrase, sv_t code, sess_new_t *out)
{
	char h[STORE_HANDLE_MAX + 1] = "";
	store_account_t a;
	acct_blobs_t b;
	const acct_blobs_t *bp = NULL;
	buf_t pw;

	if (handle.len <= STORE_HANDLE_MAX) {
		memcpy(h, handle.p, handle.len);
		h[handle.len] = '\0';
	}
	if (staff_handle_ok(handle) && store_account_by_handle(app->store, h, &a) == STORE_OK && a.has_secrets &&
	    a.status != ACCT_REVOKED) {
		blobs_from(&a, &b);
		bp = &b;
	}
	buf_init(&pw, PASSPHRASE_MAX_BYTES * 4);
	if (passphrase.len > PASSPHRASE_MAX_BYTES || text_nfc(passphrase, &pw) != 0)
		buf_reset(&pw);
	vault_status_t vs = acct_login(app->vault, h, bp, pw.data ? pw.data : "", pw.len, code.p, code.len,
	    (uint64_t)clock_now(), bp ? throttle_step_last(bp->id) : 0, out);
	buf_free(&pw);
	if (vs == VAULT_BUSY)
		return STAFF_BUSY;
	/* Only an attempt whose passphrase was right says anything about its code. */
	bool counts = bp && (vs == VAULT_OK || out->code_wrong) ? throttle_code_try(bp->id, vs != VAULT_OK) : true;
	if (vs != VAULT_OK || !counts || !throttle_step_accept(bp->id, out->totp_step)) {
		if (bp)
			throttle_fail_note(bp->id);
		sodium_memzero(out, sizeof(*out));
		return STAFF_DENIED;
	}
	store_session_t row = { .kind = SESS_KIND_STAFF, .created_hour = clock_hour() };
	memcpy(row.sid, out->sid, 32);
	memcpy(row.owner, bp->id, 16);
	memcpy(row.box, out->box, sizeof(row.box));
	if (!session_timer_start(out->sid, SESSION_IDLE_S, SESSION_ABSOLUTE_S) ||
	    store_session_add(app->store, &row) != STORE_OK) {
		session_timer_forget(out->sid);
		return STAFF_BUSY;
	}
	audit(app, bp->id, AUDIT_LOGIN_OK, bp->id);
	/* The first coordinator creates the triage key at her first login; after a
	 * revocation, the next member to log in rotates it. Both need this session. */
	staff_t s;
	if (staff_session(app, sv_from_cstr(out->cookie), &s) == STAFF_OK && staff_groups_on_login(app, &s) != STAFF_OK)
		log_warnx("a group key could not be created or rotated at login");
	sodium_memzero(&s, sizeof(s));
	return STAFF_OK;
}

staff_status_t
staff_passphrase_change(const app_t *app, const staff_t *s, sv_t old_pw, sv_t new_pw)
{
	buf_t oldn, newn;
	uint8_t wrap[ACCT_WRAP_PW_BYTES];
	acct_blobs_t b;
	buf_init(&oldn, PASSPHRASE_MAX_BYTES * 4);
	buf_init(&newn, PASSPHRASE_MAX_BYTES * 4);
	staff_status_t st = staff_passphrase_rules(new_pw, &newn);
	if (st == STAFF_OK && (old_pw.len > PASSPHRASE_MAX_BYTES || text_nfc(old_pw, &oldn) != 0))
		st = STAFF_DENIED;
	if (st == STAFF_OK) {
		blobs_from(&s->acct, &b);
		vault_status_t vs = acct_rewrap(app->vault, &b, oldn.data ? oldn.data : "", oldn.len, false, newn.data,
		    newn.len, wrap);
		st = vs == VAULT_OK ? STAFF_OK : vs == VAULT_BUSY ? STAFF_BUSY : STAFF_DENIED;
	}
	buf_free(&oldn);
	buf_free(&newn);
	if (st == STAFF_OK) {
		/* Whoever may have taken another session of hers loses it with the old passphrase. */
		if (store_account_set_wrap_pw(app->store, s->acct.id, wrap) != STORE_OK ||
		    store_sessions_delete_others(app->store, s->acct.id, s->sess.sid) != STORE_OK)
			return STAFF_ERROR;
		throttle_code_forget(s->acct.id);
		audit(app, s->acct.id, AUDIT_PASSPHRASE_CHANGE, s->acct.id);
	}
	return st;
}

staff_status_t
staff_recover(const app_t *app, sv_t handle, sv_t recovery, sv_t new_pw)
{
	char h[STORE_HANDLE_MAX + 1], rec[65];
	store_account_t a;
	acct_blobs_t b;
	uint8_t wrap[ACCT_WRAP_PW_BYTES];
	buf_t newn;
	if (!staff_handle_ok(handle) || recovery.len > 64)
		return STAFF_DENIED;
	memcpy(h, handle.p, handle.len);
	h[handle.len] = '\0';
	buf_init(&newn, PASSPHRASE_MAX_BYTES * 4);
	if (staff_passphrase_rules(new_pw, &newn) != STAFF_OK) {
		buf_free(&newn);
		return STAFF_INVALID;
	}
	/* An unknown handle takes the same way through the key-derivation gate as a real
	 * one (against a dummy box), so "busy" and "denied" never tell them apart. */
	bool found = store_account_by_handle(app->store, h, &a) == STORE_OK && a.has_secrets &&
	             a.status != ACCT_REVOKED;
	if (found)
		blobs_from(&a, &b);
	memcpy(rec, recovery.p, recovery.len);
	rec[recovery.len] = '\0';
	vault_status_t vs = acct_rewrap(app->vault, found ? &b : NULL, rec, recovery.len, true, newn.data, newn.len, wrap);
	sodium_memzero(rec, sizeof(rec));
	buf_free(&newn);
	if (vs == VAULT_BUSY)
		return STAFF_BUSY;
	if (vs != VAULT_OK || !found)
		return STAFF_DENIED;
	if (store_account_set_wrap_pw(app->store, a.id, wrap) != STORE_OK ||
	    staff_sessions_end_all(app, a.id) != STAFF_OK)
		return STAFF_ERROR;
	throttle_code_forget(a.id);
	audit(app, a.id, AUDIT_RECOVER, a.id);
	return STAFF_OK;
}

/* ---- revocation, and the group keys after a login ---- */

staff_status_t
staff_revoke(const app_t *app, const staff_t *actor, const uint8_t account_id[16])
{
	if (actor) {
		store_account_t target;
		int got = store_account_by_id(app->store, account_id, &target);
		if (got != STORE_OK)
			return got == STORE_NOT_FOUND ? STAFF_DENIED : STAFF_ERROR;
		if (!staff_may_revoke(app, actor, &target))
			return STAFF_DENIED;
	}
	int rc = store_account_revoke(app->store, account_id);
	if (rc == STORE_NOT_FOUND)
		return STAFF_DENIED;
	if (rc != STORE_OK)
		return STAFF_ERROR;
	audit(app, actor ? actor->acct.id : NULL, AUDIT_REVOKE, account_id);
	/* The coordinator who revoked holds the key: she rotates it at once. After the CLI,
	 * the next holder's login does. */
	if (actor && staff_groups_on_login(app, actor) != STAFF_OK)
		log_warnx("the triage key could not be rotated yet; the next member's login will");
	return STAFF_OK;
}

staff_status_t
staff_groups_on_login(const app_t *app, const staff_t *s)
{
	/* the editors' key (appeals): made by the first editor, rotated after a revocation;
	 * what was sealed to an older key stays open to members through the group's links */
	if ((s->acct.roles & groups_role("editors")) && groups_maintain(app, s, "editors") != STAFF_OK)
		log_warnx("the editors' key could not be made or rotated yet; the next editor's login will");
	/* after a rotation, appeals still sealed to the old key, or to single editors while it
	 * waited, move to the new one (the same as requests for triage) */
	if ((s->acct.roles & groups_role("editors")) && staff_group_holds(app, s, "editors") == 1 &&
	    epoch_rekey_group(app, s, "editors") < 0)
		log_warnx("appeals could not be moved to the new editors' key yet; the next editor's login will");
	/* the testimonies' key: editors and coordinators, made and granted as the editors' */
	if ((s->acct.roles & groups_role("testimonies")) && groups_maintain(app, s, "testimonies") != STAFF_OK)
		log_warnx("the testimonies' key could not be made or rotated yet; the next member's login will");
	if ((s->acct.roles & groups_role("testimonies")) && staff_group_holds(app, s, "testimonies") == 1 &&
	    epoch_rekey_group(app, s, "testimonies") < 0)
		log_warnx("testimonies could not be moved to the new key yet; the next member's login will");
	/* the analysts' key (the secure drop, online mode): the same life as the editors' */
	if ((s->acct.roles & groups_role("analysts")) && groups_maintain(app, s, "analysts") != STAFF_OK)
		log_warnx("the analysts' key could not be made or rotated yet; the next analyst's login will");
	if ((s->acct.roles & groups_role("analysts")) && staff_group_holds(app, s, "analysts") == 1 &&
	    epoch_rekey_group(app, s, "analysts") < 0)
		log_warnx("drop submissions could not be moved to the new analysts' key yet; the next analyst's login will");
	if (!(s->acct.roles & groups_role("triage")))
		return STAFF_OK;
	staff_status_t st = groups_maintain(app, s, "triage");
	/* after a rotation (now, or one that an earlier member's login left half done),
	 * requests sealed to the old key move to a new epoch under the new one */
	if (st == STAFF_OK && staff_group_holds(app, s, "triage") == 1 && epoch_rekey(app, s) < 0)
		log_warnx("requests could not be moved to the new triage key yet; the next member's login will");
	return st;
}

struct kdf_evidence {
	size_t production;
};

static void
kdf_evidence_each(void *ctx, const store_account_t *a)
{
	struct kdf_evidence *e = ctx;
	if (a->has_secrets && acct_wrap_above_minimum(a->wrap_pw))
		e->production++;
}

int
staff_kdf_consistent(const app_t *app, char *err, size_t errlen)
{
	struct kdf_evidence e = { 0 };
	if (app->instance.kdf != KDF_INSECURE_FAST)
		return 0;   /* the costly profile is never a downgrade */
	for (size_t off = 0;; off += 1000) {
		size_t n = 0;
		if (store_accounts_count(app->store, &n) != STORE_OK ||
		    store_accounts_list(app->store, off, 1000, kdf_evidence_each, &e) != STORE_OK) {
			snprintf(err, errlen, "the accounts could not be read");
			return -1;
		}
		if (off + 1000 >= n)
			break;
	}
	if (e.production > 0) {
		snprintf(err, errlen, "the database says this is a test instance, but %zu account(s) were enrolled with "
		         "production key derivation: the database was changed outside sava; refusing to open it", e.production);
		return -1;
	}
	return 0;
}
