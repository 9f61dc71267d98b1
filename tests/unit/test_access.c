/* Unit test for the way into a case (domain/access.c access_staff, and the entry points
 * staff pages call): for someone who may not open a case, a real case of someone else and
 * an id that names nothing must cost the same work, not only give the same answer (issue 9:
 * "not yours" answered 50-75 us slower than "does not exist"). Time is not measured here:
 * every SQL statement the store runs is recorded (sqlite3_trace_v2 on the store's own
 * connection) and both paths must run the same statements in the same order.
 * bench/access_timing.py measures the time. */
#include <sqlite3.h>
#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "domain/casework.h"
#include "domain/intake_private.h"
#include "store/store_private.h"

#define TRACE_MAX 64

static struct {
	char sql[TRACE_MAX][160];
	size_t n;
	bool on;
} trace;

static int
trace_stmt(unsigned kind, void *ctx, void *p, void *x)
{
	(void)ctx;
	(void)x;
	if (kind == SQLITE_TRACE_STMT && trace.on) {
		if (trace.n < TRACE_MAX)
			snprintf(trace.sql[trace.n], sizeof(trace.sql[0]), "%s", sqlite3_sql((sqlite3_stmt *)p));
		trace.n++;
	}
	return 0;
}

static void
trace_start(void)
{
	memset(&trace, 0, sizeof(trace));
	trace.on = true;
}

/* The statements recorded since trace_start, as one string (for the comparison and for a
 * message when it fails). */
static void
trace_take(char *out, size_t cap)
{
	size_t k = 0;
	trace.on = false;
	out[0] = '\0';
	for (size_t i = 0; i < trace.n && i < TRACE_MAX && k + 1 < cap; i++)
		k += (size_t)snprintf(out + k, cap - k, "%s\n", trace.sql[i]);
	if (trace.n > TRACE_MAX)
		snprintf(out + k, cap - k > 0 ? cap - k : 0, "... %zu statements\n", trace.n);
}

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
	snprintf(a.handle, sizeof(a.handle), "%s", handle);
	a.roles = roles;
	memset(a.pk, tag ^ 1, sizeof(a.pk));
	memset(a.wrap_pw, tag ^ 2, sizeof(a.wrap_pw));
	memset(a.wrap_rec, tag ^ 3, sizeof(a.wrap_rec));
	memset(a.sk_box, tag ^ 4, sizeof(a.sk_box));
	memset(a.totp_box, tag ^ 5, sizeof(a.totp_box));
	a.created_day = 20000;
	CHECK(store_invite_add(st, token, roles, NULL, 0, 1000000) == STORE_OK);
	CHECK(store_account_create(st, token, 100, &a) == STORE_OK);
	a.has_secrets = true;
	return a;
}

static store_copy_t
copy_make(int kind, const uint8_t holder[16], uint8_t fill)
{
	store_copy_t k;
	memset(&k, 0, sizeof(k));
	k.holder_kind = kind;
	memcpy(k.holder, holder, 16);
	memset(k.copy, fill, sizeof(k.copy));
	memset(k.ncopy, fill ^ 0xff, sizeof(k.ncopy));
	k.has_ncopy = kind != HOLDER_REQUESTER;
	return k;
}

/* The entry points of the staff pages on a case (or on a file), as s. */
enum { E_ACCESS, E_VIEW, E_NOTE, E_REPLY, E_STAGE, E_CHECKLIST, E_MAY_WRITE, E_FILE, E_COUNT };
static const char *const entry_names[E_COUNT] = { "access_staff", "staff_view", "request_note", "request_reply",
	"casework_stage_move", "casework_checklist", "casework_may_write", "request_file" };

/* Runs entry e on id as s; returns 1 when it answered "not found", 0 otherwise. */
static int
entry_run(const app_t *app, const staff_t *s, int e, const uint8_t id[16])
{
	struct access *a = access_new();
	case_view_t cv;
	case_file_out_t f;
	int nf = 0;
	switch (e) {
	case E_ACCESS: nf = access_staff(app, s, id, a) == INTAKE_NOT_FOUND; break;
	case E_VIEW: nf = staff_view(app, s, id, false, &cv) == INTAKE_NOT_FOUND; break;
	case E_NOTE: nf = request_note(app, s, id, SV("a note")) == INTAKE_NOT_FOUND; break;
	case E_REPLY: nf = request_reply(app, s, id, SV("a reply"), NULL) == INTAKE_NOT_FOUND; break;
	case E_STAGE: nf = casework_stage_move(app, s, id, 0, 1, SV("")) == STAGE_MOVE_NOT_FOUND; break;
	case E_CHECKLIST: nf = casework_checklist(app, s, id, 0, 0) == INTAKE_NOT_FOUND; break;
	case E_MAY_WRITE: nf = !casework_may_write(app, s, id); break;
	case E_FILE: nf = request_file(app, s, id, &f) == INTAKE_NOT_FOUND; break;
	}
	access_free(a);
	return nf;
}

int
main(void)
{
	char dir[] = "/tmp/sava-access-XXXXXX", err[256], path[300];
	CHECK(sodium_init() >= 0);
	CHECK(mkdtemp(dir) != NULL);
	app_t app;
	memset(&app, 0, sizeof(app));
	app.dir = dir;
	config_defaults(&app.config);
	CHECK(store_create(dir, KDF_INSECURE_FAST, &app.store, err, sizeof(err)) == 0);
	if (!app.store) {
		fprintf(stderr, "%s\n", err);
		return check_done("access");
	}
	store_t *st = app.store;
	CHECK(sqlite3_trace_v2(store_db(st), SQLITE_TRACE_STMT, trace_stmt, NULL) == SQLITE_OK);

	/* anna holds the triage key; olga holds the case; vera is another Owl, outside triage */
	store_account_t anna = account_make(st, 0x81, "anna", ROLE_COORDINATOR);
	store_account_t olga = account_make(st, 0x82, "olga", ROLE_OWL);
	store_account_t vera = account_make(st, 0x83, "vera", ROLE_OWL | ROLE_VERIFIER);
	store_group_t g;
	uint8_t sealed[GROUP_SEAL_BYTES];
	memset(&g, 0, sizeof(g));
	tag16(g.id, 0x91);
	memset(g.pk, 0x92, sizeof(g.pk));
	memset(sealed, 0x93, sizeof(sealed));
	CHECK(store_group_create(st, "triage", &g, anna.id, sealed) == STORE_OK);

	store_case_t c;
	memset(&c, 0, sizeof(c));
	tag16(c.id, 0xC1);
	c.slot = 1;
	memcpy(c.lang, "en", 3);
	tag16(c.pk_req_item_id, 0xC2);
	c.created_hour = c.activity_hour = 1000;
	store_copy_t copies[3] = { copy_make(HOLDER_REQUESTER, c.id, 0x61), copy_make(HOLDER_GROUP, g.id, 0x62),
		copy_make(HOLDER_ACCOUNT, olga.id, 0x63) };
	static const uint8_t ct[] = "ciphertext";
	store_item_t it;
	memset(&it, 0, sizeof(it));
	tag16(it.id, 0xD1);
	it.field = FIELD_MESSAGE;
	it.role = CASE_ROLE_REQUESTER;
	it.created_hour = 1000;
	it.ct = ct;
	it.ct_len = sizeof(ct);
	store_attachment_t at;
	memset(&at, 0, sizeof(at));
	tag16(at.id, 0xE1);
	at.blob_len = 100;
	at.created_hour = 1000;
	CHECK(store_case_create(st, &c, copies, 3, &it, 1, &at, 1) == STORE_OK);

	staff_t s;
	memset(&s, 0, sizeof(s));
	s.acct = vera;
	uint8_t missing[16], missing_file[16];
	tag16(missing, 0x5A);
	tag16(missing_file, 0x5B);

	/* for vera, olga's case and an id that names nothing: the same answer, the same reads */
	char theirs[TRACE_MAX * 170], none[TRACE_MAX * 170];
	for (int e = 0; e < E_COUNT; e++) {
		const uint8_t *real = e == E_FILE ? at.id : c.id, *absent = e == E_FILE ? missing_file : missing;
		trace_start();
		int nf_theirs = entry_run(&app, &s, e, real);
		size_t n_theirs = trace.n;
		trace_take(theirs, sizeof(theirs));
		trace_start();
		int nf_none = entry_run(&app, &s, e, absent);
		trace_take(none, sizeof(none));
		CHECK(nf_theirs && nf_none);
		CHECK(n_theirs > 0 && strcmp(theirs, none) == 0);
		if (strcmp(theirs, none) != 0)
			fprintf(stderr, "%s, someone else's case:\n%s%s, no such case:\n%s", entry_names[e], theirs,
			    entry_names[e], none);
	}
	/* and the reads are not all there is to it: olga herself, and anna through triage, get in */
	s.acct = olga;
	struct access *a = access_new();
	CHECK(access_staff(&app, &s, c.id, a) == INTAKE_OK && a->who.by == CASE_BY_SESSION);
	access_reset(a);
	s.acct = anna;
	CHECK(access_staff(&app, &s, c.id, a) == INTAKE_OK && a->who.by == CASE_BY_GROUP);
	access_reset(a);
	CHECK(access_staff(&app, &s, missing, a) == INTAKE_NOT_FOUND);
	access_free(a);

	store_close(st);
	static const char *const files[] = { "sava.db", "sava.db-wal", "sava.db-shm" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return check_done("access");
}
