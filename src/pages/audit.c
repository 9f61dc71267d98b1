/* audit: the audit log as admins and coordinators read it, newest first, paged: when
 * (to the hour), who, what, and the first bytes of the object's id; the head's hash to
 * compare with `sava audit`. */
#include <time.h>

#include "domain/auditview.h"
#include "pages/staff_common.h"

/* Audit action names (domain/audit.c gives the same English words). */
static const char *const action_msgids[] __attribute__((unused)) = {
	N_("instance created"), N_("enrolled"), N_("logged in"), N_("login failed"), N_("logged out"),
	N_("account revoked"), N_("roles changed"), N_("passphrase changed"), N_("account recovered"),
	N_("invitation made"), N_("group key created"), N_("group key granted"), N_("group key rotated"),
	N_("request read"), N_("request answered"), N_("request shredded"), N_("request expired"),
	N_("note added"), N_("request assigned"), N_("profile changed"), N_("stage changed"), N_("verification recorded"),
	N_("checklist updated"), N_("vouch recorded"), N_("application accepted"), N_("application rejected"),
	N_("group key reset allowed"), N_("group key re-created"), N_("invitation withdrawn"), N_("appeal registered"), N_("appeal cleaned"),
	N_("appeal refused"), N_("appeal approved"), N_("appeal published"), N_("appeal withdrawn"), N_("appeal viewed"),
	N_("appeal cleaning asked again"), N_("testimony made"), N_("testimony read"), N_("testimony note added"),
	N_("testimony consent recorded"), N_("testimony consent withdrawn"), N_("story copy edited"), N_("story approved"),
	N_("story published"), N_("story taken down"), N_("testimony shredded"),
	N_("drop submission read"), N_("drop submission answered"),
	N_("drop submission exported"), N_("drop submission expired"), N_("drop reply imported"),
	N_("drop file cleaning asked"), N_("drop file cleaned"), N_("drop file could not be cleaned"),
	N_("subtitles saved"),
	N_("subtitles sent to review"),
	N_("subtitles reviewed"),
	N_("subtitles approved"),
	N_("subtitles sent back"),
	N_("subtitles restored"),
	N_("subtitle task taken"),
	N_("subtitle task handed back"),
	N_("subtitles viewed"),
	N_("subtitle work started"),
	N_("reach post registered"), N_("reach count entered"), N_("reach file imported"),
	N_("unknown action"),
};

#define AUDIT_PAGE 50

struct entries_ctx {
	const request_t *rq;
	tvars_t *v;
};

static void
entry_vars(void *ctx, const auditview_entry_t *e)
{
	const struct entries_ctx *x = ctx;
	tvars_t *it = tvars_add_item(x->v, "entries");
	if (!it)
		return;
	struct tm tm;
	char when[32], hex[9];
	gmtime_r(&e->e.t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:00", &tm);
	tvars_setf(it, "idx", "%llu", (unsigned long long)e->idx);
	tvars_set_cstr(it, "when", when);
	tvars_set_cstr(it, "actor", e->e.by_system ? "sava" : e->actor[0] ? e->actor : "?");
	tvars_set_cstr(it, "action", i18n(x->rq->lang, audit_action_name(e->e.action)));
	if (e->e.has_object) {   /* its first four bytes, as `sava invite --list` shows ids */
		sodium_bin2hex(hex, sizeof(hex), e->e.object, 4);
		tvars_set_cstr(it, "object", hex);
	}
}

void
page_staff_audit(request_t *rq, response_t *rs)
{
	auditview_head_t head;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	staff_status_t st = auditview_head(rq->app, s, &head);
	if (st == STAFF_DENIED) {
		rs->status = 404;
		return;
	}
	uint64_t page = page_number(rq, 1000000);
	tvars_t *v = page_staff_vars(rq);
	if (!v || st != STAFF_OK) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	int64_t top = head.have ? (int64_t)head.idx : -1;
	if (head.have) {
		char hex[65];
		sodium_bin2hex(hex, sizeof(hex), head.h, 32);
		tvars_setf(v, "head", "%llu", (unsigned long long)head.idx);
		tvars_set_cstr(v, "head_hash", hex);
	}
	int64_t from = top - (int64_t)(page - 1) * AUDIT_PAGE;
	struct entries_ctx x = { rq, v };
	if (auditview_entries(rq->app, s, from, AUDIT_PAGE, entry_vars, &x) != STAFF_OK) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	page_nav_vars(rq, v, "/staff/audit", NULL, page, from - AUDIT_PAGE >= 0);
	page_render(rq, rs, "staff_audit", N_("Audit log"), v);
}
