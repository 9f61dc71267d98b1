/* casework: profiles, assignment, an Owl's cases and the boards. Assignment is a key
 * operation: the first seals the current epoch's secrets to the Owl (case_grant); a
 * reassignment starts a new epoch sealed to the triage key, the requester and the new Owl
 * only (case_epoch_next), and the Owl it leaves loses her copy in the same transaction.
 * The record of who assigned whom is a notes item, readable by staff only. */
#include "domain/casework.h"

#include <sodium.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/le.h"
#include "core/log.h"
#include "domain/access.h"
#include "domain/rules.h"
#include "domain/audit.h"
#include "domain/epoch.h"
#include "domain/seal.h"
#include "vault/secmem.h"

_Static_assert(STAGES_COUNT == STORE_STAGES, "the domain and the store count the same stages");
_Static_assert(STAGE_CLOSED == STORE_STAGE_CLOSED, "the store's queries end the open stages where the domain does");

const char *const casework_languages[] = { "be", "ru", "uk", "en", "pl", "lt", "lv", "et", "de", "fr", "es", "ka", "hy",
	"kk", NULL };
const char *const casework_locations[] = { "BY", "RU", "UA", "PL", "LT", "LV", "EE", "GE", "AM", "KZ", "DE", "FI", "CZ",
	"XX", NULL };
const char *const casework_training[] = { N_("Security basics"), N_("Verifying a request"), N_("Safe communication"),
	N_("Helping someone leave"), N_("Aftercare"), NULL };

static bool
in_list(const char *const *list, sv_t v)
{
	return v.len > 0 && rule_choice(list, v) == RULE_OK;
}

staff_status_t
casework_profile_set(const app_t *app, const staff_t *s, const casework_profile_t *p)
{
	sv_t rest = sv_from_cstr(p->languages), code;
	while (rest.len) {
		sv_split(rest, ',', &code, &rest);
		if (!in_list(casework_languages, code))
			return STAFF_INVALID;
	}
	if ((p->location[0] && !in_list(casework_locations, sv_from_cstr(p->location))) ||
	    p->capacity > CASEWORK_CAPACITY_MAX)
		return STAFF_INVALID;
	if (store_account_set_profile(app->store, s->acct.id, p->languages, p->location, p->capacity, p->paused) !=
	    STORE_OK)
		return STAFF_ERROR;
	if (audit_append(app->vault, app->store, s->acct.id, AUDIT_PROFILE, s->acct.id) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)AUDIT_PROFILE);
	return STAFF_OK;
}

staff_status_t
casework_training_set(const app_t *app, const staff_t *s, const uint8_t account[16], uint32_t training)
{
	if (!(s->acct.roles & ROLE_COORDINATOR) || training >= (1u << CASEWORK_TRAINING_ITEMS))
		return STAFF_DENIED;
	int rc = store_account_set_training(app->store, account, training);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? STAFF_DENIED : STAFF_ERROR;
	if (audit_append(app->vault, app->store, s->acct.id, AUDIT_PROFILE, account) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)AUDIT_PROFILE);
	return STAFF_OK;
}

bool
casework_may_write(const app_t *app, const staff_t *s, const uint8_t case_id[16])
{
	struct access *a = access_new();
	bool ok = a && staff_access(app, s, case_id, a) == INTAKE_OK;
	access_free(a);
	return ok;
}

/* The assignment record: who assigned, to whom (staff only). */
static int
assign_record(const app_t *app, struct access *a, const staff_t *s, const uint8_t owl[16], struct sealed *items)
{
	uint8_t pt[32];
	memcpy(pt, s->acct.id, 16);
	memcpy(pt + 16, owl, 16);
	return seal_item_kind(app, a, items, CASE_KIND_NOTES, CASE_ROLE_STAFF, FIELD_ASSIGN, (sv_t){ (const char *)pt, 32 },
	    clock_hour());
}

/* A coordinator's way in through the triage key only: a reassignment seals the new
 * epoch to that key, and the record is sealed with what opens it. */
static intake_status_t
group_access(const app_t *app, const staff_t *s, const uint8_t case_id[16], struct access *a)
{
	intake_status_t st = staff_access(app, s, case_id, a);
	return st == INTAKE_OK && a->who.by != CASE_BY_GROUP ? INTAKE_NOT_FOUND : st;
}

static intake_status_t
reassign(const app_t *app, const staff_t *s, struct access *a, const store_group_t *g, const store_account_t *owl)
{
	case_epoch_t *ep = secmem_alloc(sizeof(*ep));
	struct sealed items = { .n = 0 };
	uint8_t holders[2][32];
	intake_status_t st = INTAKE_ERROR;
	if (!ep)
		return INTAKE_ERROR;
	memcpy(holders[0], g->pk, 32);
	memcpy(holders[1], owl->pk, 32);
	if (case_epoch_next(app->vault, &a->who, &a->ref, a->row.pk_req_item_id, a->row.pk_req_item, STORE_PKREQ_ITEM_BYTES,
	        (const uint8_t(*)[32])holders, 2, ep) != VAULT_OK)
		goto done;
	store_copy_t copies[EPOCH_COPIES_OWL];
	size_t ncopies = epoch_copies(a->row.id, ep->req_copy, (const uint8_t(*)[CASE_COPY_BYTES])ep->copies,
	    (const uint8_t(*)[CASE_COPY_BYTES])ep->ncopies, g, (const uint8_t(*)[16])&owl->id, 1, copies);
	/* the record is sealed at the new epoch, with the coordinator's new group copy */
	access_forget_keys(a);   /* opened at the old epoch */
	a->ref.e = ep->e;
	memcpy(a->ref.copy, ep->copies[0], CASE_COPY_BYTES);
	memcpy(a->ref.ncopy, ep->ncopies[0], CASE_COPY_BYTES);
	a->ref.links = NULL;
	a->ref.nlinks = NULL;
	a->ref.nlinks_s = a->ref.nlinks_n = 0;
	if (assign_record(app, a, s, owl->id, &items) != 0)
		goto done;
	int rc = store_case_reassign(app->store, a->row.id, ep->e, a->row.assignee, owl->id, copies, ncopies, ep->link,
	    ep->nlink, items.items, items.n, clock_hour());
	st = rc == STORE_OK ? INTAKE_OK : rc == STORE_CONFLICT ? INTAKE_NOT_FOUND : INTAKE_ERROR;
done:
	sealed_free(&items);
	secmem_free(ep);
	return st;
}

intake_status_t
casework_assign(const app_t *app, const staff_t *s, const uint8_t case_id[16], const uint8_t owl_id[16])
{
	store_account_t owl;
	store_group_t g;
	if (!staff_coordinates(app, s))
		return INTAKE_NOT_FOUND;
	if (store_account_by_id(app->store, owl_id, &owl) != STORE_OK || owl.status != ACCT_ACTIVE ||
	    !(owl.roles & ROLE_OWL) || !owl.has_secrets) {
		store_case_t row;   /* the request exists: the Owl is what was wrong */
		return store_case_get(app->store, case_id, &row) == STORE_OK ? INTAKE_NO_OWL : INTAKE_NOT_FOUND;
	}
	if (store_group_get(app->store, "triage", &g) != STORE_OK || g.rotation_pending)
		return INTAKE_CLOSED;
	struct access *a = access_new();
	if (!a)
		return INTAKE_ERROR;
	intake_status_t st = group_access(app, s, case_id, a);
	if (st != INTAKE_OK)
		goto done;
	if (a->row.stage == STAGE_CLOSED || a->row.stage == STAGE_REJECTED || a->row.stage == STAGE_APPLICATION) {
		st = INTAKE_NOT_FOUND;
	} else if (a->row.has_assignee && memcmp(a->row.assignee, owl.id, 16) == 0) {
		st = INTAKE_OK;   /* already hers */
	} else if (a->row.has_assignee) {
		st = reassign(app, s, a, &g, &owl);
	} else {
		store_copy_t copy;
		struct sealed items = { .n = 0 };
		memset(&copy, 0, sizeof(copy));
		copy.holder_kind = HOLDER_ACCOUNT;
		memcpy(copy.holder, owl.id, 16);
		copy.has_ncopy = true;
		st = INTAKE_ERROR;
		if (case_grant(app->vault, &a->who, &a->ref, owl.pk, copy.copy, copy.ncopy) == VAULT_OK &&
		    assign_record(app, a, s, owl.id, &items) == 0) {
			int rc = store_case_assign(app->store, a->row.id, a->row.epoch, owl.id, &copy, items.items, items.n,
			    clock_hour());
			st = rc == STORE_OK ? INTAKE_OK : rc == STORE_CONFLICT ? INTAKE_NOT_FOUND : INTAKE_ERROR;
		}
		sealed_free(&items);
		sodium_memzero(&copy, sizeof(copy));
	}
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, AUDIT_CASE_ASSIGN);
done:
	access_free(a);
	return st;
}

struct rows_ctx {
	store_case_t rows[CASES_PAGE];
	size_t n;
};

static int
rows_collect(void *ctx, const store_case_t *c)
{
	struct rows_ctx *r = ctx;
	if (r->n < CASES_PAGE)
		r->rows[r->n++] = *c;
	return 0;
}

intake_status_t
casework_my_cases(const app_t *app, const staff_t *s, size_t offset, request_row_t rows[CASES_PAGE], size_t *n,
    size_t *total)
{
	struct rows_ctx *r = calloc(1, sizeof(*r));
	intake_status_t st = INTAKE_ERROR;
	*n = 0;
	if (r && store_cases_of(app->store, s->acct.id, offset, CASES_PAGE, rows_collect, r, total) == STORE_OK) {
		request_rows(app, s, r->rows, r->n, rows);
		*n = r->n;
		st = INTAKE_OK;
	}
	free(r);
	return st;
}

intake_status_t
casework_board(const app_t *app, const staff_t *s, size_t counts[STAGES_COUNT], size_t offset, request_row_t rows[CASES_PAGE],
    size_t *n, size_t *total)
{
	*n = 0;
	if (!staff_coordinates(app, s))
		return INTAKE_NOT_FOUND;
	struct rows_ctx *r = calloc(1, sizeof(*r));
	intake_status_t st = INTAKE_ERROR;
	if (r && store_stage_counts(app->store, counts) == STORE_OK &&
	    store_cases_waiting(app->store, clock_hour() - (int64_t)app->config.response_hours, offset, CASES_PAGE,
	        rows_collect, r, total) == STORE_OK) {
		request_rows(app, s, r->rows, r->n, rows);
		*n = r->n;
		st = INTAKE_OK;
	}
	free(r);
	return st;
}

intake_status_t
casework_counts(const app_t *app, const staff_t *s, casework_counts_t *out)
{
	size_t n;
	out->new_requests = out->waiting_long = -1;
	store_case_filter_t f = { .lo = STAGE_NEW, .hi = STAGE_CLOSED - 1, .owl = s->acct.id, .waiting_before = INT64_MAX };
	if (store_cases_filtered(app->store, &f, 0, 0, NULL, NULL, &n) != STORE_OK)
		return INTAKE_ERROR;
	out->mine_waiting = (long)n;
	if (requests_allowed(app, s)) {
		if (store_cases_count(app->store, STAGE_NEW, STAGE_NEW, &n) != STORE_OK)
			return INTAKE_ERROR;
		out->new_requests = (long)n;
	}
	if (staff_coordinates(app, s)) {
		store_case_filter_t w = { .lo = STAGE_NEW, .hi = STAGE_CLOSED - 1,
			.waiting_before = clock_hour() - (int64_t)app->config.response_hours };
		if (store_cases_filtered(app->store, &w, 0, 0, NULL, NULL, &n) != STORE_OK)
			return INTAKE_ERROR;
		out->waiting_long = (long)n;
	}
	return INTAKE_OK;
}

/* ---- stages ---- */

static bool
move_allowed(int from, int to)
{
	if (from < STAGE_NEW || from >= STAGE_CLOSED)
		return false;   /* closed and rejected are final */
	return to == from + 1 || (to == from - 1 && to >= STAGE_NEW) || to == STAGE_REJECTED;
}

/* Distinct verifiers recorded on the case (the view has opened their records). */
static size_t
verifiers(const case_view_t *cv)
{
	size_t n = 0;
	for (size_t i = 0; i < cv->nverifications; i++) {
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = memcmp(cv->verifications[k].author_id, cv->verifications[i].author_id, 16) == 0;
		n += !seen;
	}
	return n;
}

static intake_status_t
record_one(const app_t *app, const staff_t *s, const uint8_t case_id[16], int field, const uint8_t *pt, size_t len,
    audit_action_t action, int from, int to)
{
	struct access *a = access_new();
	struct sealed items = { .n = 0 };
	intake_status_t st;
	if (!a)
		return INTAKE_ERROR;
	/* a vouch goes on an application, everything else on a request */
	st = field == FIELD_VOUCH ? staff_access_any(app, s, case_id, a) : staff_access(app, s, case_id, a);
	if (st == INTAKE_OK && (a->row.stage == STAGE_APPLICATION) != (field == FIELD_VOUCH))
		st = INTAKE_NOT_FOUND;
	/* a checklist is the one of the stage the request is at */
	if (st == INTAKE_OK && field == FIELD_CHECK && pt[16] != a->row.stage)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK && (a->row.stage == STAGE_CLOSED || a->row.stage == STAGE_REJECTED) && field != FIELD_STAGE)
		st = INTAKE_NOT_FOUND;
	if (st == INTAKE_OK) {
		st = INTAKE_ERROR;
		if (seal_item_kind(app, a, &items, CASE_KIND_NOTES, CASE_ROLE_STAFF, field, (sv_t){ (const char *)pt, len },
		        clock_hour()) == 0) {
			int rc = field == FIELD_STAGE
			    ? store_case_stage(app->store, a->row.id, from, to, items.items, items.n, clock_hour())
			    : store_case_record(app->store, a->row.id, items.items, items.n, clock_hour());
			st = rc == STORE_OK ? INTAKE_OK : rc == STORE_CONFLICT ? INTAKE_CLOSED : INTAKE_ERROR;
		}
	}
	if (st == INTAKE_OK)
		audit_case(app, a, s->acct.id, action);
	sealed_free(&items);
	access_free(a);
	return st;
}

bool
casework_may_end(const app_t *app, const staff_t *s)
{
	return staff_coordinates(app, s);
}

stage_move_t
casework_stage_move(const app_t *app, const staff_t *s, const uint8_t case_id[16], int from, int to, sv_t reason)
{
	case_view_t cv;
	/* who may move it first: what is wrong with a move is said only to her (issue 9) */
	intake_status_t st = staff_view_audited(app, s, case_id, false, false, &cv);
	if (st != INTAKE_OK)
		return st == INTAKE_NOT_FOUND ? STAGE_MOVE_NOT_FOUND : STAGE_MOVE_ERROR;
	bool stale = cv.stage != from, unverified = to == STAGE_SAFE && verifiers(&cv) < CASEWORK_VERIFIERS_FOR_SAFE;
	case_view_free(&cv);
	if (to < 0 || to > STAGE_REJECTED || !move_allowed(from, to))
		return STAGE_MOVE_INVALID;
	if (to == STAGE_REJECTED && sv_is_blank(reason))
		return STAGE_MOVE_NEED_REASON;
	if (stale)
		return STAGE_MOVE_STALE;
	if ((to == STAGE_CLOSED || to == STAGE_REJECTED) && !casework_may_end(app, s))
		return STAGE_MOVE_COORDINATOR;
	if (unverified)
		return STAGE_MOVE_NEED_VERIFIERS;
	buf_t pt;
	buf_init(&pt, 18 + reason.len);
	uint8_t head[18];
	memcpy(head, s->acct.id, 16);
	head[16] = (uint8_t)from;
	head[17] = (uint8_t)to;
	stage_move_t r = STAGE_MOVE_ERROR;
	if (buf_append(&pt, head, sizeof(head)) == 0 && buf_append(&pt, reason.p, reason.len) == 0) {
		st = record_one(app, s, case_id, FIELD_STAGE, (const uint8_t *)pt.data, pt.len, AUDIT_CASE_STAGE, from, to);
		r = st == INTAKE_OK ? STAGE_MOVE_OK : st == INTAKE_CLOSED ? STAGE_MOVE_STALE
		    : st == INTAKE_NOT_FOUND                            ? STAGE_MOVE_NOT_FOUND
		                                                        : STAGE_MOVE_ERROR;
	}
	buf_free(&pt);
	return r;
}

intake_status_t
casework_verify(const app_t *app, const staff_t *s, const uint8_t case_id[16], sv_t note)
{
	if (!(s->acct.roles & ROLE_VERIFIER))
		return INTAKE_NOT_FOUND;
	buf_t pt;
	buf_init(&pt, 16 + note.len);
	intake_status_t st = INTAKE_ERROR;
	if (buf_append(&pt, s->acct.id, 16) == 0 && buf_append(&pt, note.p, note.len) == 0)
		st = record_one(app, s, case_id, FIELD_VERIFY, (const uint8_t *)pt.data, pt.len, AUDIT_CASE_VERIFY, 0, 0);
	buf_free(&pt);
	return st;
}

intake_status_t
casework_checklist(const app_t *app, const staff_t *s, const uint8_t case_id[16], int stage, uint32_t bits)
{
	uint8_t pt[21];
	if (stage < 0 || stage >= STAGES_COUNT || bits >= (1u << app->stages.stage[stage].nitems))
		return INTAKE_NOT_FOUND;
	memcpy(pt, s->acct.id, 16);
	pt[16] = (uint8_t)stage;
	le32_put(pt + 17, bits);
	return record_one(app, s, case_id, FIELD_CHECK, pt, sizeof(pt), AUDIT_CASE_CHECKLIST, 0, 0);
}

/* ---- applications ---- */

static bool
may_review(const app_t *app, const staff_t *s)
{
	return staff_coordinates(app, s);
}

intake_status_t
casework_applications(const app_t *app, const staff_t *s, size_t offset, request_row_t rows[CASES_PAGE], size_t *n,
    size_t *total)
{
	*n = 0;
	if (!may_review(app, s))
		return INTAKE_NOT_FOUND;
	struct rows_ctx *r = calloc(1, sizeof(*r));
	intake_status_t st = INTAKE_ERROR;
	store_case_filter_t f = { .lo = STAGE_APPLICATION, .hi = STAGE_APPLICATION, .oldest_first = true };
	if (r && store_cases_filtered(app->store, &f, offset, CASES_PAGE, rows_collect, r, total) == STORE_OK) {
		request_rows(app, s, r->rows, r->n, rows);
		*n = r->n;
		st = INTAKE_OK;
	}
	free(r);
	return st;
}

/* The application's row, when s may review it. */
static intake_status_t
application_of(const app_t *app, const staff_t *s, const uint8_t app_id[16], store_case_t *row)
{
	if (!may_review(app, s))
		return INTAKE_NOT_FOUND;
	int rc = store_case_get(app->store, app_id, row);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	return row->stage == STAGE_APPLICATION ? INTAKE_OK : INTAKE_NOT_FOUND;
}

intake_status_t
casework_vouch(const app_t *app, const staff_t *s, const uint8_t app_id[16], sv_t member, sv_t note)
{
	store_case_t row;
	store_account_t m;
	char h[STORE_HANDLE_MAX + 1];
	intake_status_t st = application_of(app, s, app_id, &row);
	if (st != INTAKE_OK)
		return st;
	if (member.len == 0 || member.len > STORE_HANDLE_MAX)
		return INTAKE_INVALID;
	memcpy(h, member.p, member.len);
	h[member.len] = '\0';
	if (store_account_by_handle(app->store, h, &m) != STORE_OK || m.status == ACCT_REVOKED)
		return INTAKE_INVALID;
	if (sodium_memcmp(m.id, s->acct.id, 16) == 0)
		return INTAKE_INVALID;   /* she who records a vouch cannot be it: one voice is not two */
	buf_t pt;
	buf_init(&pt, 32 + note.len);
	st = INTAKE_ERROR;
	if (buf_append(&pt, s->acct.id, 16) == 0 && buf_append(&pt, m.id, 16) == 0 && buf_append(&pt, note.p, note.len) == 0)
		st = record_one(app, s, app_id, FIELD_VOUCH, (const uint8_t *)pt.data, pt.len, AUDIT_VOUCH, 0, 0);
	buf_free(&pt);
	return st;
}

intake_status_t
casework_vouches(const app_t *app, const staff_t *s, const uint8_t app_id[16], size_t *n)
{
	case_view_t cv;
	*n = 0;
	intake_status_t st = staff_view_audited(app, s, app_id, true, false, &cv);
	if (st != INTAKE_OK)
		return st;
	/* distinct members: one who vouched twice counts once */
	for (size_t i = 0; i < cv.nvouches; i++) {
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen |= strcmp(cv.vouches[i].member, cv.vouches[j].member) == 0;
		if (!seen && cv.vouches[i].member[0])
			(*n)++;
	}
	case_view_free(&cv);
	return INTAKE_OK;
}

intake_status_t
casework_application_accept(const app_t *app, const staff_t *s, const uint8_t app_id[16], uint32_t roles,
    char token[INVITE_TOKEN_CHARS + 1])
{
	store_case_t row;
	intake_status_t st = application_of(app, s, app_id, &row);
	if (st != INTAKE_OK)
		return st;
	if (roles == 0 || (roles & (ROLE_ADMIN | ROLE_COORDINATOR)))
		return INTAKE_NOT_FOUND;   /* coordinators and admins are invited by the administrator */
	size_t vouches = 0;
	if (casework_vouches(app, s, app_id, &vouches) != INTAKE_OK)
		return INTAKE_ERROR;
	if (vouches < app->config.min_vouches)
		return INTAKE_INVALID;
	if (staff_invite(app, roles, NULL, token) != STAFF_OK)
		return INTAKE_ERROR;
	if (case_destroy(app, app_id, row.slot, s->acct.id, AUDIT_APPLICATION_ACCEPT) != 0)
		log_warnx("an accepted application could not be shredded; it goes at the next start or purge");
	return INTAKE_OK;
}

intake_status_t
casework_application_reject(const app_t *app, const staff_t *s, const uint8_t app_id[16])
{
	store_case_t row;
	intake_status_t st = application_of(app, s, app_id, &row);
	if (st != INTAKE_OK)
		return st;
	return case_destroy(app, app_id, row.slot, s->acct.id, AUDIT_APPLICATION_REJECT) == 0 ? INTAKE_OK : INTAKE_ERROR;
}
