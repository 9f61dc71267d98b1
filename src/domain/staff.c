/* staff: account rules and the in-memory state that must never reach disk: session idle
 * timers, the last accepted TOTP step per account (2 minutes), wrong codes typed after
 * an account's right passphrase, and enrollments in progress (30 minutes). Every table
 * is fixed in size. */
#include "domain/staff.h"

#include <pthread.h>
#include <stdlib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/audit.h"
#include "domain/clock.h"
#include "domain/intake.h"
#include "parse/urlenc.h"
#include "vault/nfc.h"
#include "vault/totp.h"

#define PENDING_MAX     64
#define PENDING_S       (30 * 60)
#define TIMERS_MAX      16384
#define STEPS_MAX       4096
#define CODES_MAX       1024
#define CODE_TRIES      10      /* wrong codes after the right passphrase, before any wait */
#define CODE_REFILL_S   360     /* then one more try every 6 minutes */

static const char *const role_names[] = { "admin", "coordinator", "owl", "verifier", "translator", "editor" };

uint32_t
role_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(name, role_names[i]) == 0)
			return 1u << i;
	return 0;
}

const char *
role_name(uint32_t bit)
{
	for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (bit == 1u << i)
			return role_names[i];
	return "?";
}

/* ---- memory tables ---- */

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

struct timer {
	uint8_t sid[32];
	time_t created, last;
	unsigned idle_s, absolute_s;   /* staff: SESSION_IDLE_S and SESSION_ABSOLUTE_S */
	bool used;
};

struct step_memo {
	uint8_t id[16];
	uint64_t step;
	time_t at;
};

/* Wrong codes typed after an account's right passphrase (code_try). */
struct code_budget {
	uint8_t id[16];
	unsigned spent;   /* 0 .. CODE_TRIES; 0 means the entry is free */
	time_t at;        /* refills are counted from here */
};

static pthread_mutex_t staff_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pending pendings[PENDING_MAX];
static struct timer timers[TIMERS_MAX];
static struct step_memo steps[STEPS_MAX];
static struct code_budget codes[CODES_MAX];

static size_t
timer_slot(const uint8_t sid[32])
{
	size_t h = 0;
	memcpy(&h, sid, sizeof(h));
	return h % TIMERS_MAX;
}

/* Finds sid's timer, or (with create) a free slot for it. Linear probing; a table
 * full of live sessions refuses new ones. Caller holds staff_lock. */
static struct timer *
timer_find(const uint8_t sid[32], bool create)
{
	size_t i = timer_slot(sid);
	struct timer *free_slot = NULL;
	time_t now = now_s();
	for (size_t n = 0; n < TIMERS_MAX; n++, i = (i + 1) % TIMERS_MAX) {
		struct timer *t = &timers[i];
		if (t->used && (now - t->last > (time_t)t->idle_s || now - t->created > (time_t)t->absolute_s)) {
			sodium_memzero(t, sizeof(*t));   /* expired: reclaim */
		}
		if (!t->used) {
			if (!free_slot)
				free_slot = t;
			if (!create)
				continue;
			break;
		}
		if (sodium_memcmp(t->sid, sid, 32) == 0)
			return t;
	}
	if (create && free_slot) {
		memcpy(free_slot->sid, sid, 32);
		free_slot->created = free_slot->last = now;
		free_slot->idle_s = SESSION_IDLE_S;
		free_slot->absolute_s = SESSION_ABSOLUTE_S;
		free_slot->used = true;
		return free_slot;
	}
	return NULL;
}

static void
timer_forget(const uint8_t sid[32])
{
	pthread_mutex_lock(&staff_lock);
	struct timer *t = timer_find(sid, false);
	if (t)
		sodium_memzero(t, sizeof(*t));
	pthread_mutex_unlock(&staff_lock);
}

bool
session_timer_start(const uint8_t sid[32], unsigned idle_s, unsigned absolute_s)
{
	pthread_mutex_lock(&staff_lock);
	struct timer *t = timer_find(sid, true);
	if (t) {
		t->idle_s = idle_s;
		t->absolute_s = absolute_s;
	}
	pthread_mutex_unlock(&staff_lock);
	return t != NULL;
}

bool
session_timer_touch(const uint8_t sid[32])
{
	pthread_mutex_lock(&staff_lock);
	struct timer *t = timer_find(sid, false);
	if (t)
		t->last = now_s();
	pthread_mutex_unlock(&staff_lock);
	return t != NULL;
}

void
session_timer_forget(const uint8_t sid[32])
{
	timer_forget(sid);
}

static uint64_t
step_last(const uint8_t id[16])
{
	uint64_t s = 0;
	time_t now = now_s();
	pthread_mutex_lock(&staff_lock);
	for (size_t i = 0; i < STEPS_MAX; i++)
		if (steps[i].at && now - steps[i].at <= 120 && memcmp(steps[i].id, id, 16) == 0 && steps[i].step > s)
			s = steps[i].step;
	pthread_mutex_unlock(&staff_lock);
	return s;
}

/* Records step as used for the account, atomically: false when it (or a later one) was
 * already used, so two logins racing with one code cannot both succeed. One entry per
 * account; an entry older than two minutes is free (the code window has passed). */
static bool
step_accept(const uint8_t id[16], uint64_t step)
{
	time_t now = now_s();
	struct step_memo *mine = NULL, *spare = NULL;
	bool ok = true;
	pthread_mutex_lock(&staff_lock);
	for (size_t i = 0; i < STEPS_MAX; i++) {
		struct step_memo *m = &steps[i];
		bool live = m->at && now - m->at <= 120;
		if (live && memcmp(m->id, id, 16) == 0)
			mine = m;
		else if (!live && !spare)
			spare = m;
	}
	if (mine) {
		if (step <= mine->step)
			ok = false;
		else
			mine->step = step;
		mine->at = now;
	} else if (spare) {
		memcpy(spare->id, id, 16);
		spare->step = step;
		spare->at = now;
	} else {
		ok = false;   /* more than STEPS_MAX logins in two minutes: refuse, never forget */
	}
	pthread_mutex_unlock(&staff_lock);
	return ok;
}

/* Failed logins on real accounts go into the audit log at most once per account and
 * hour, written by a thread of their own: the answer to a failed login never waits for
 * a disk write, so its timing cannot tell a real name from an unknown one, and nobody
 * can grow the log without bound. */
#define FAILS_MAX 1024
static struct {
	uint8_t id[16];
	int64_t hour;
} fails[FAILS_MAX];
static struct {
	pthread_t thread;
	bool running, stop;
	pthread_cond_t cond;
	uint8_t queue[64][16];
	unsigned head, count;
	const app_t *app;
} failq = { .cond = PTHREAD_COND_INITIALIZER };

static void audit(const app_t *app, const uint8_t *actor, audit_action_t action, const uint8_t *object);

static void *
fail_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&staff_lock);
	for (;;) {
		while (failq.count == 0 && !failq.stop)
			pthread_cond_wait(&failq.cond, &staff_lock);
		if (failq.count == 0)
			break;
		uint8_t id[16];
		memcpy(id, failq.queue[failq.head], 16);
		failq.head = (failq.head + 1) % 64;
		failq.count--;
		pthread_mutex_unlock(&staff_lock);
		audit(failq.app, NULL, AUDIT_LOGIN_FAIL, id);
		pthread_mutex_lock(&staff_lock);
	}
	pthread_mutex_unlock(&staff_lock);
	return NULL;
}

static void
fail_note(const uint8_t id[16])
{
	int64_t hour = now_hour();
	size_t slot = 0;
	pthread_mutex_lock(&staff_lock);
	for (size_t i = 0; i < FAILS_MAX; i++) {
		if (memcmp(fails[i].id, id, 16) == 0) {
			slot = i;
			break;
		}
		if (fails[i].hour < fails[slot].hour)
			slot = i;
	}
	bool note = !(memcmp(fails[slot].id, id, 16) == 0 && fails[slot].hour == hour);
	if (note) {
		memcpy(fails[slot].id, id, 16);
		fails[slot].hour = hour;
		if (failq.running && failq.count < 64) {
			memcpy(failq.queue[(failq.head + failq.count) % 64], id, 16);
			failq.count++;
			pthread_cond_signal(&failq.cond);
		}
	}
	pthread_mutex_unlock(&staff_lock);
}

int
staff_start(const app_t *app)
{
	failq.app = app;
	failq.stop = false;
	if (pthread_create(&failq.thread, NULL, fail_thread, NULL) != 0)
		return -1;
	failq.running = true;
	return 0;
}

void
staff_stop(void)
{
	if (!failq.running)
		return;
	pthread_mutex_lock(&staff_lock);
	failq.stop = true;
	pthread_cond_broadcast(&failq.cond);
	pthread_mutex_unlock(&staff_lock);
	pthread_join(failq.thread, NULL);
	failq.running = false;
}

/* Gives back the tries that time has refilled. Caller holds staff_lock. */
static void
code_refill(struct code_budget *b, time_t now)
{
	if (b->spent == 0 || now <= b->at)
		return;
	time_t back = (now - b->at) / CODE_REFILL_S;
	b->spent = back >= (time_t)b->spent ? 0 : b->spent - (unsigned)back;
	b->at += back * CODE_REFILL_S;
}

/* Counts one attempt on an account whose passphrase was right, and says whether its
 * code may count. There is no lockout by name: a stranger who does not have the
 * passphrase cannot spend these tries, so he cannot keep the owner out, and each of his
 * attempts costs a full Argon2id in the staff budget of the worker pool. Whoever has the
 * passphrase gets CODE_TRIES wrong codes, then one every CODE_REFILL_S, so codes cannot
 * be guessed quickly (3 in a million each). With no try left the code is not looked at:
 * a right one is refused exactly like a wrong one, so the refusal never tells anyone
 * that the passphrase was right. A right code that counts clears the account's entry. */
static bool
code_try(const uint8_t id[16], bool wrong)
{
	time_t now = now_s();
	struct code_budget *mine = NULL, *spare = NULL;
	pthread_mutex_lock(&staff_lock);
	for (size_t i = 0; i < CODES_MAX && !mine; i++) {
		struct code_budget *b = &codes[i];
		code_refill(b, now);
		if (b->spent > 0 && memcmp(b->id, id, 16) == 0)
			mine = b;
		else if (!spare || (spare->spent > 0 && (b->spent == 0 || b->at < spare->at)))
			spare = b;   /* a free entry, else the oldest */
	}
	bool counts = !mine || mine->spent < CODE_TRIES;
	if (counts && !wrong && mine) {
		sodium_memzero(mine, sizeof(*mine));
	} else if (counts && wrong) {
		if (!mine) {
			mine = spare;
			memset(mine, 0, sizeof(*mine));
			memcpy(mine->id, id, 16);
			mine->at = now;
		}
		mine->spent++;
	}
	pthread_mutex_unlock(&staff_lock);
	return counts;
}

/* A new passphrase (changed, or set by recovery) makes the wrong codes typed after the
 * old one moot: whoever typed them no longer has it. */
static void
code_forget(const uint8_t id[16])
{
	pthread_mutex_lock(&staff_lock);
	for (size_t i = 0; i < CODES_MAX; i++)
		if (codes[i].spent > 0 && memcmp(codes[i].id, id, 16) == 0)
			sodium_memzero(&codes[i], sizeof(codes[i]));
	pthread_mutex_unlock(&staff_lock);
}

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

/* ---- invitations and enrollment ---- */

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
	        now_hour() + INVITE_HOURS) != STORE_OK)
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
	int rc = store_invite_get(app->store, hash, now_hour(), roles);
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
	return store_invites_each(app->store, now_hour(), invite_info, &l) == STORE_OK ? STAFF_OK : STAFF_ERROR;
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
	if (store_invites_each(app->store, now_hour(), invite_match, &m) != STORE_OK)
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
	if (store_invites_delete_expired(app->store, now_hour(), n) != STORE_OK) {
		log_warnx("the expired invitations could not be deleted; the next purge tries again");
		return -1;
	}
	if (*n)
		log_info("deleted %zu expired invitation(s)", *n);
	return 0;
}

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
	time_t now = now_s();
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
	p->expires = now_s() + PENDING_S;
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
	p->acct.created_day = now_s() / 86400;
	pthread_mutex_unlock(&staff_lock);
	return STAFF_OK;
}

int
staff_enroll_shown(sv_t token, sv_t browser, acct_shown_t *shown, char handle[STORE_HANDLE_MAX + 1], int *step,
    bool *foreign)
{
	pthread_mutex_lock(&staff_lock);
	struct pending *p = pending_for(token, browser, foreign);
	if (p) {
		*shown = *p->shown;
		memcpy(handle, p->acct.handle, sizeof(p->acct.handle));
		*step = p->step;
	}
	pthread_mutex_unlock(&staff_lock);
	return p ? 0 : -1;
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
	bool ok = p && p->step == 2 && totp_check(p->shown->totp_secret, (uint64_t)now_s(), code.p, code.len, 0, &step) == 0;
	if (ok) {
		acct = p->acct;
		memcpy(hash, p->token_hash, 32);
	}
	pthread_mutex_unlock(&staff_lock);
	if (!ok)
		return STAFF_DENIED;

	int rc = store_account_create(app->store, hash, now_hour(), &acct);
	if (rc == STORE_CONFLICT)
		return STAFF_TAKEN;
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? STAFF_DENIED : STAFF_ERROR;
	(void)step_accept(acct.id, step);   /* the code just used cannot log in */
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

/* ---- login and sessions ---- */

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
	    (uint64_t)now_s(), bp ? step_last(bp->id) : 0, out);
	buf_free(&pw);
	if (vs == VAULT_BUSY)
		return STAFF_BUSY;
	/* Only an attempt whose passphrase was right says anything about its code. */
	bool counts = bp && (vs == VAULT_OK || out->code_wrong) ? code_try(bp->id, vs != VAULT_OK) : true;
	if (vs != VAULT_OK || !counts || !step_accept(bp->id, out->totp_step)) {
		if (bp)
			fail_note(bp->id);
		sodium_memzero(out, sizeof(*out));
		return STAFF_DENIED;
	}
	store_session_t row = { .kind = SESS_KIND_STAFF, .created_hour = now_hour() };
	memcpy(row.sid, out->sid, 32);
	memcpy(row.owner, bp->id, 16);
	memcpy(row.box, out->box, sizeof(row.box));
	pthread_mutex_lock(&staff_lock);
	struct timer *t = timer_find(out->sid, true);
	pthread_mutex_unlock(&staff_lock);
	if (!t || store_session_add(app->store, &row) != STORE_OK) {
		timer_forget(out->sid);
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
staff_session(const app_t *app, sv_t cookie, staff_t *out)
{
	store_session_t row;
	memset(out, 0, sizeof(*out));
	if (sess_from_cookie(cookie, out->sess.c, out->sess.sid) != 0)
		return STAFF_DENIED;
	pthread_mutex_lock(&staff_lock);
	struct timer *t = timer_find(out->sess.sid, false);
	if (t)
		t->last = now_s();
	pthread_mutex_unlock(&staff_lock);
	int rc = store_session_get(app->store, out->sess.sid, &row);
	if (!t || rc != STORE_OK || row.kind != SESS_KIND_STAFF ||
	    store_account_by_id(app->store, row.owner, &out->acct) != STORE_OK || out->acct.status == ACCT_REVOKED) {
		/* Stale: a restart forgot its timers, it idled out, or it was ended. */
		if (rc == STORE_OK && store_session_delete(app->store, out->sess.sid) != STORE_OK)
			log_warnx("could not delete a stale session");
		if (t)
			timer_forget(out->sess.sid);
		sodium_memzero(out, sizeof(*out));
		return rc == STORE_ERROR ? STAFF_ERROR : STAFF_DENIED;
	}
	out->sess.kind = (uint8_t)row.kind;
	memcpy(out->sess.owner, row.owner, 16);
	memcpy(out->sess.box, row.box, sizeof(row.box));
	return STAFF_OK;
}

void
staff_logout(const app_t *app, const staff_t *s)
{
	timer_forget(s->sess.sid);
	if (store_session_delete(app->store, s->sess.sid) != STORE_OK)
		log_warnx("could not delete a session at logout");
	audit(app, s->acct.id, AUDIT_LOGOUT, s->acct.id);
}

long
staff_session_idle_minutes(const uint8_t sid[32])
{
	long m = -1;
	pthread_mutex_lock(&staff_lock);
	struct timer *t = timer_find(sid, false);
	if (t)
		m = (long)((now_s() - t->last) / 60);
	pthread_mutex_unlock(&staff_lock);
	return m;
}

staff_status_t
staff_sessions_end_all(const app_t *app, const uint8_t account_id[16])
{
	/* Timers of ended sessions are orphaned and expire on their own; their rows are
	 * gone, so they can never be used again. */
	if (store_sessions_delete_owner(app->store, account_id) != STORE_OK)
		return STAFF_ERROR;
	audit(app, account_id, AUDIT_LOGOUT, account_id);
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
		code_forget(s->acct.id);
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
	code_forget(a.id);
	audit(app, a.id, AUDIT_RECOVER, a.id);
	return STAFF_OK;
}

/* ---- revocation and groups ---- */

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

/* Which role makes an account a member of a group. */
static uint32_t
group_role(const char *group)
{
	return strcmp(group, "triage") == 0 ? ROLE_COORDINATOR : 0;
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
	int rc = store_group_recreate(app->store, g->id, g->epoch + 1, pk, s->acct.id, sealed, now_hour());
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
static staff_status_t
group_maintain(const app_t *app, const staff_t *s, const char *name)
{
	store_group_t g;
	uint8_t sealed[GROUP_SEAL_BYTES], mine[GROUP_SEAL_BYTES], link[GROUP_SEAL_BYTES], pk[32];
	uint32_t epoch;
	int rc = store_group_get(app->store, name, &g);
	if (rc == STORE_NOT_FOUND) {
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
staff_groups_on_login(const app_t *app, const staff_t *s)
{
	if (!(s->acct.roles & group_role("triage")))
		return STAFF_OK;
	staff_status_t st = group_maintain(app, s, "triage");
	/* after a rotation (now, or one that an earlier member's login left half done),
	 * requests sealed to the old key move to a new epoch under the new one */
	if (st == STAFF_OK && staff_group_holds(app, s, "triage") == 1 && intake_rekey(app, s) < 0)
		log_warnx("requests could not be moved to the new triage key yet; the next member's login will");
	return st;
}

staff_status_t
staff_group_grant(const app_t *app, const staff_t *s, const char *group, const uint8_t member[16])
{
	store_group_t g;
	store_account_t a;
	uint8_t mine[GROUP_SEAL_BYTES], copy[GROUP_SEAL_BYTES], other[GROUP_SEAL_BYTES];
	uint32_t epoch, e2;
	if (store_group_get(app->store, group, &g) != STORE_OK ||
	    store_group_copy(app->store, g.id, s->acct.id, &epoch, mine) != STORE_OK ||
	    store_account_by_id(app->store, member, &a) != STORE_OK || a.status != ACCT_ACTIVE ||
	    !(a.roles & group_role(group)))
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

staff_reset_t
staff_group_reset_allow(const app_t *app, const char *group, const char *handle, size_t *holders)
{
	store_group_t g;
	store_account_t a;
	*holders = 0;
	int rc = store_account_by_handle(app->store, handle, &a);
	if (rc == STORE_ERROR)
		return RESET_ERROR;
	if (rc != STORE_OK || a.status == ACCT_REVOKED || !a.has_secrets || !(a.roles & group_role(group)))
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
	if (g.recreated_hour == 0 || now_hour() - g.recreated_hour > 24 * (int64_t)days)
		return 0;
	*hour = g.recreated_hour;
	if (store_account_by_id(app->store, g.recreated_by, &a) == STORE_OK)
		snprintf(handle, 33, "%s", a.handle);
	else
		snprintf(handle, 33, "?");
	return 1;
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
