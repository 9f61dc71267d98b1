/* Unit tests for what the staff pages read through the domain instead of the store:
 * domain/roster.c (who sees the roster, who may be revoked, the triage key's members),
 * domain/auditview.c (decoded entries, actors by handle), domain/sessionlist.c,
 * domain/confirm.c (the rules of the shred and reject confirmations) and
 * domain/assign.c (the holder, the Owls offered, and INTAKE_NO_OWL for a name that is
 * not an active Owl). Runs on a real store in a temporary directory, without a vault. */
#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "domain/assign.h"
#include "domain/auditview.h"
#include "domain/confirm.h"
#include "domain/roster.h"
#include "domain/sessionlist.h"

static void
tag16(uint8_t id[16], uint8_t tag)
{
	memset(id, tag, 16);
}

static store_account_t
account_make(store_t *st, uint8_t tag, const char *handle, uint32_t roles)
{
	store_account_t a;
	uint8_t token[32];
	memset(&a, 0, sizeof(a));
	memset(token, tag, sizeof(token));
	tag16(a.id, tag);
	CHECK(snprintf_ok(a.handle, sizeof(a.handle), "%s", handle));
	a.roles = roles;
	memset(a.pk, tag ^ 1, sizeof(a.pk));
	memset(a.wrap_pw, tag ^ 2, sizeof(a.wrap_pw));
	memset(a.wrap_rec, tag ^ 3, sizeof(a.wrap_rec));
	memset(a.sk_box, tag ^ 4, sizeof(a.sk_box));
	memset(a.totp_box, tag ^ 5, sizeof(a.totp_box));
	memcpy(a.languages, "ru,en", 6);
	a.capacity = 3;
	a.created_day = 20000;
	CHECK(store_invite_add(st, token, roles, NULL, 0, 1000000) == STORE_OK);
	CHECK(store_account_create(st, token, 100, &a) == STORE_OK);
	CHECK(store_account_by_id(st, a.id, &a) == STORE_OK);
	return a;
}

static void
case_make(store_t *st, uint8_t tag, int stage, int64_t created_hour)
{
	store_case_t c;
	memset(&c, 0, sizeof(c));
	tag16(c.id, tag);
	c.slot = tag;
	c.stage = stage;
	memcpy(c.lang, "en", 3);
	tag16(c.pk_req_item_id, tag ^ 1);
	c.created_hour = c.activity_hour = created_hour;
	CHECK(store_case_create(st, &c, NULL, 0, NULL, 0, NULL, 0) == STORE_OK);
}

struct seen {
	char names[8][STORE_HANDLE_MAX + 1];
	bool flag[8];
	size_t n;
};

static void
seen_entry(void *ctx, const roster_entry_t *e)
{
	struct seen *x = ctx;
	if (x->n < 8) {
		memcpy(x->names[x->n], e->handle, sizeof(x->names[0]));
		x->flag[x->n++] = e->revocable;
	}
}

static void
seen_member(void *ctx, const roster_entry_t *e, bool holds)
{
	struct seen *x = ctx;
	if (x->n < 8) {
		memcpy(x->names[x->n], e->handle, sizeof(x->names[0]));
		x->flag[x->n++] = holds;
	}
}

static bool
seen_has(const struct seen *x, const char *name, bool flag)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->names[i], name) == 0)
			return x->flag[i] == flag;
	return false;
}

struct audit_seen {
	auditview_entry_t e[4];
	size_t n;
};

static void
audit_each(void *ctx, const auditview_entry_t *e)
{
	struct audit_seen *x = ctx;
	if (x->n < 4)
		x->e[x->n++] = *e;
}

struct sessions_seen {
	size_t n, current;
	int64_t hour;
};

static void
session_each(void *ctx, const sessionlist_entry_t *e)
{
	struct sessions_seen *x = ctx;
	x->n++;
	x->current += e->current;
	x->hour = e->created_hour;
}

int
main(void)
{
	char dir[] = "/tmp/sava-views-XXXXXX", err[256], path[300];
	CHECK(sodium_init() >= 0);
	CHECK(mkdtemp(dir) != NULL);
	app_t app;
	memset(&app, 0, sizeof(app));
	app.dir = dir;
	config_defaults(&app.config);
	CHECK(store_create(dir, KDF_INSECURE_FAST, &app.store, err, sizeof(err)) == 0);
	if (!app.store) {
		fprintf(stderr, "%s\n", err);
		return check_done("staffviews");
	}
	store_t *st = app.store;

	/* anna holds the triage key; mila is a coordinator still waiting for it; olga is an
	 * Owl; ivan was revoked; adam is an admin */
	store_account_t anna = account_make(st, 0x81, "anna", ROLE_COORDINATOR);
	store_account_t mila = account_make(st, 0x82, "mila", ROLE_COORDINATOR);
	store_account_t olga = account_make(st, 0x83, "olga", ROLE_OWL);
	store_account_t ivan = account_make(st, 0x84, "ivan", ROLE_OWL);
	store_account_t adam = account_make(st, 0x85, "adam", ROLE_ADMIN);
	CHECK(store_account_revoke(st, ivan.id) == STORE_OK);
	store_group_t g;
	uint8_t sealed[GROUP_SEAL_BYTES];
	memset(&g, 0, sizeof(g));
	tag16(g.id, 0x91);
	memset(g.pk, 0x92, sizeof(g.pk));
	memset(sealed, 0x93, sizeof(sealed));
	CHECK(store_group_create(st, "triage", &g, anna.id, sealed) == STORE_OK);
	staff_t sa, sm, so, sd;
	memset(&sa, 0, sizeof(sa));
	memset(&sm, 0, sizeof(sm));
	memset(&so, 0, sizeof(so));
	memset(&sd, 0, sizeof(sd));
	sa.acct = anna;
	sm.acct = mila;
	so.acct = olga;
	sd.acct = adam;

	/* roster: admins and coordinators see it; only a coordinator with the key may revoke,
	 * never herself, never a revoked account */
	roster_filter_t any = { "", -1, false };
	struct seen x = { .n = 0 };
	size_t total = 0;
	bool more = true;
	CHECK(roster_list(&app, &so, &any, 0, 50, seen_entry, &x, &total, &more) == STAFF_DENIED && x.n == 0);
	CHECK(roster_list(&app, &sa, &any, 0, 50, seen_entry, &x, &total, &more) == STAFF_OK);
	CHECK(x.n == 5 && total == 5 && !more);
	CHECK(seen_has(&x, "olga", true) && seen_has(&x, "mila", true) && seen_has(&x, "anna", false) &&
	    seen_has(&x, "ivan", false));
	x.n = 0;
	CHECK(roster_list(&app, &sm, &any, 0, 50, seen_entry, &x, &total, &more) == STAFF_OK);
	CHECK(x.n == 5 && seen_has(&x, "olga", false));   /* mila has no key yet */
	x.n = 0;
	CHECK(roster_list(&app, &sd, &any, 0, 50, seen_entry, &x, &total, &more) == STAFF_OK && x.n == 5);
	roster_filter_t bad = { "xx", -1, false };
	CHECK(roster_list(&app, &sa, &bad, 0, 50, seen_entry, &x, &total, &more) == STAFF_INVALID);
	roster_entry_t e;
	CHECK(roster_account(&app, &sd, olga.id, &e) == STAFF_OK && strcmp(e.handle, "olga") == 0 && !e.revocable);
	CHECK(roster_account(&app, &so, anna.id, &e) == STAFF_DENIED);
	uint8_t nobody[16];
	tag16(nobody, 0x5A);
	CHECK(roster_account(&app, &sa, nobody, &e) == STAFF_DENIED);
	CHECK(roster_revocation(&app, &sa, olga.id, &e) == STAFF_OK && e.revocable);
	CHECK(roster_revocation(&app, &sa, anna.id, &e) == STAFF_DENIED);
	CHECK(roster_revocation(&app, &sa, ivan.id, &e) == STAFF_DENIED);
	CHECK(roster_revocation(&app, &sm, olga.id, &e) == STAFF_DENIED);
	CHECK(roster_revocation(&app, &sd, olga.id, &e) == STAFF_DENIED);

	/* the triage key: coordinators only; anna holds it, mila waits */
	roster_key_t key;
	x.n = 0;
	CHECK(roster_triage_key(&app, &so, &key, seen_member, &x) == STAFF_DENIED && x.n == 0);
	CHECK(roster_triage_key(&app, &sm, &key, seen_member, &x) == STAFF_OK);
	CHECK(key.exists && key.epoch == 0 && !key.viewer_holds && seen_has(&x, "anna", true) &&
	    seen_has(&x, "mila", false));

	/* confirmations: a coordinator with the key, a request that exists (not an application) */
	uint8_t req[16], appl[16];
	tag16(req, 0xC1);
	tag16(appl, 0xC2);
	case_make(st, 0xC1, STAGE_NEW, 1234);
	case_make(st, 0xC2, STAGE_APPLICATION, 1235);
	int64_t hour = 0;
	CHECK(confirm_shred(&app, &sa, req, &hour) == INTAKE_OK && hour == 1234);
	CHECK(confirm_shred(&app, &sa, appl, &hour) == INTAKE_NOT_FOUND);
	CHECK(confirm_shred(&app, &sa, nobody, &hour) == INTAKE_NOT_FOUND);
	CHECK(confirm_shred(&app, &sm, req, &hour) == INTAKE_NOT_FOUND);
	CHECK(confirm_shred(&app, &so, req, &hour) == INTAKE_NOT_FOUND);
	CHECK(confirm_reject(&app, &sa, appl) == INTAKE_OK);
	CHECK(confirm_reject(&app, &sa, req) == INTAKE_NOT_FOUND);
	CHECK(confirm_reject(&app, &sm, appl) == INTAKE_NOT_FOUND);

	/* assignment: nobody holds the request yet; a name that is no active Owl is said so,
	 * but only about a request that exists, and only to one who may assign */
	case_view_t cv;
	memset(&cv, 0, sizeof(cv));
	memcpy(cv.id, req, 16);
	memcpy(cv.lang, "en", 3);
	char holder[STORE_HANDLE_MAX + 1];
	bool revoked = false;
	CHECK(assign_holder(&app, &cv, holder, &revoked) == 0);
	CHECK(assign_offered(&app, &sa, &cv) && !assign_offered(&app, &sm, &cv) && !assign_offered(&app, &so, &cv));
	cv.status = STATUS_CLOSED;
	CHECK(!assign_offered(&app, &sa, &cv));
	x.n = 0;
	CHECK(assign_owls(&app, &sa, &cv, 10, seen_entry, &x) == STAFF_DENIED && x.n == 0);
	cv.status = STATUS_RECEIVED;
	CHECK(assign_owls(&app, &sa, &cv, 10, seen_entry, &x) == STAFF_OK);
	CHECK(assign_by_handle(&app, &sa, req, SV("nobody")) == INTAKE_NO_OWL);
	CHECK(assign_by_handle(&app, &sa, req, SV("mila")) == INTAKE_NO_OWL);   /* not an Owl */
	CHECK(assign_by_handle(&app, &sa, req, SV("ivan")) == INTAKE_NO_OWL);   /* revoked */
	CHECK(assign_by_handle(&app, &sa, req, SV("")) == INTAKE_NO_OWL);
	CHECK(assign_by_handle(&app, &sa, nobody, SV("nobody")) == INTAKE_NOT_FOUND);
	CHECK(assign_by_handle(&app, &sm, req, SV("nobody")) == INTAKE_NOT_FOUND);
	CHECK(assign_by_handle(&app, &so, req, SV("olga")) == INTAKE_NOT_FOUND);

	/* the audit log: decoded, the actor by her handle; admins and coordinators only */
	uint8_t entry[AUDIT_ENTRY_BYTES], h[32], u[32];
	memset(h, 0x11, sizeof(h));
	memset(u, 0x22, sizeof(u));
	audit_entry_encode(entry, 7200, NULL, AUDIT_INSTANCE_CREATED, NULL);
	CHECK(store_audit_append(st, 0, entry, sizeof(entry), h, u) == STORE_OK);
	audit_entry_encode(entry, 10800 + 5, anna.id, AUDIT_REVOKE, ivan.id);
	memset(h, 0x33, sizeof(h));
	CHECK(store_audit_append(st, 1, entry, sizeof(entry), h, u) == STORE_OK);
	audit_entry_encode(entry, 14400, nobody, AUDIT_LOGOUT, NULL);
	CHECK(store_audit_append(st, 2, entry, sizeof(entry), h, u) == STORE_OK);
	auditview_head_t head;
	CHECK(auditview_head(&app, &so, &head) == STAFF_DENIED);
	CHECK(auditview_head(&app, &sd, &head) == STAFF_OK && head.have && head.idx == 2 && head.h[0] == 0x33);
	struct audit_seen as = { .n = 0 };
	CHECK(auditview_entries(&app, &so, 2, 50, audit_each, &as) == STAFF_DENIED && as.n == 0);
	CHECK(auditview_entries(&app, &sa, 2, 50, audit_each, &as) == STAFF_OK && as.n == 3);
	CHECK(as.e[0].idx == 2 && !as.e[0].e.by_system && as.e[0].actor[0] == '\0');   /* an account that is gone */
	CHECK(as.e[1].idx == 1 && strcmp(as.e[1].actor, "anna") == 0 && as.e[1].e.action == AUDIT_REVOKE &&
	    as.e[1].e.t == 10800 && as.e[1].e.has_object && memcmp(as.e[1].e.object, ivan.id, 16) == 0);
	CHECK(as.e[2].idx == 0 && as.e[2].e.by_system && !as.e[2].e.has_object);
	as.n = 0;
	CHECK(auditview_entries(&app, &sa, 1, 1, audit_each, &as) == STAFF_OK && as.n == 1 && as.e[0].idx == 1);

	/* her own sessions only, and which one is this one */
	store_session_t row;
	memset(&row, 0, sizeof(row));
	row.kind = SESS_KIND_STAFF;
	memcpy(row.owner, anna.id, 16);
	row.created_hour = 500;
	memset(row.sid, 0x71, 32);
	CHECK(store_session_add(st, &row) == STORE_OK);
	memset(row.sid, 0x72, 32);
	CHECK(store_session_add(st, &row) == STORE_OK);
	memcpy(row.owner, mila.id, 16);
	memset(row.sid, 0x73, 32);
	CHECK(store_session_add(st, &row) == STORE_OK);
	memset(sa.sess.sid, 0x72, 32);
	struct sessions_seen ss = { 0, 0, 0 };
	CHECK(sessionlist_own(&app, &sa, session_each, &ss) == STAFF_OK && ss.n == 2 && ss.current == 1 && ss.hour == 500);

	store_close(st);
	static const char *const files[] = { "sava.db", "sava.db-wal", "sava.db-shm" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (snprintf_ok(path, sizeof(path), "%s/%s", dir, files[i]))
			unlink(path);
	}
	rmdir(dir);
	return check_done("staffviews");
}
