/* reach_import: the editors' import of a platform's export file (issue 13), with a page
 * that says what it did; the list of the files imported; and the taking back of one
 * (a confirmation page, then every count it gave is deleted). One import runs at a time:
 * the upload hook claims it before it keeps a byte. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/reach.h"
#include "pages/staff_common.h"

/* ---- the import ---- */

/* The file of an import, in memory (counts are not secret), and, once done, what it did. */
typedef struct {
	buf_t data;
	bool too_large, got_file;
	bool claimed, busy;      /* the one import slot is this upload's; another has it */
	reach_import_status_t st;
	reach_import_t r;
} reach_upload_t;

static int
up_begin(request_t *rq, void **upload)
{
	staff_status_t st;
	const staff_t *s = page_staff_session(rq, &st);
	if (!s || !reach_can_edit(s))
		return 404;
	reach_upload_t *u = calloc(1, sizeof(*u));
	if (!u)
		return 503;
	buf_init(&u->data, REACH_FILE_MAX);
	/* one file in memory at a time: another upload's bytes are read and dropped, and
	 * the page says to try again */
	u->claimed = reach_import_claim();
	u->busy = !u->claimed;
	*upload = u;
	return 0;
}

static int
up_file_begin(void *upload, const mp_part_t *part)
{
	(void)part;
	reach_upload_t *u = upload;
	if (u->got_file)
		u->too_large = true;   /* one file at a time */
	u->got_file = true;
	return 0;
}

static int
up_file_data(void *upload, const char *p, size_t n)
{
	reach_upload_t *u = upload;
	if (!u->too_large && !u->busy && buf_append(&u->data, p, n) != 0)
		u->too_large = true;   /* buf_append freed what it had: nothing half is kept */
	return 0;
}

static int
up_file_end(void *upload)
{
	(void)upload;
	return 0;
}

static void
up_free(void *upload)
{
	reach_upload_t *u = upload;
	buf_free(&u->data);
	if (u->claimed)
		reach_import_release();
	free(u);
}

static uint64_t
up_limit(const request_t *rq)
{
	(void)rq;
	return (uint64_t)REACH_FILE_MAX + 64 * 1024;
}

const upload_ops_t page_reach_upload = { up_begin, up_file_begin, up_file_data, up_file_end, up_free, up_limit };

static void
day_text(int64_t day, char out[16])
{
	int y, m, d;
	if (day < 0) {
		out[0] = '\0';
		return;
	}
	reach_civil(day, &y, &m, &d);
	snprintf_cut(out, 16, "%04d-%02d-%02d", y, m, d);
}

struct imports_ctx {
	const request_t *rq;
	tvars_t *v;
};

static int
import_item(void *ctx, const store_reach_import_t *i)
{
	struct imports_ctx *x = ctx;
	char hex[65], day[16];
	tvars_t *it = tvars_add_item(x->v, "imports");
	if (!it)
		return -1;
	sodium_bin2hex(hex, sizeof(hex), i->source, 32);
	day_text(i->day, day);
	tvars_set_cstr(it, "day", day);
	tvars_set_cstr(it, "layout", i->layout > 0 && i->layout < REACH_LAYOUTS ? reach_layout_name(i->layout) : "");
	tvars_setf(it, "short", "%.12s", hex);
	tvars_setf(it, "remove_href", "/%s/staff/reach/import/remove?file=%s", lang_code(x->rq->lang), hex);
	return 0;
}

static void
import_page(request_t *rq, response_t *rs, const char *problem, int status)
{
	const char *l = lang_code(rq->lang);
	char q[24];
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	struct imports_ctx x = { rq, v };
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	if (!s || reach_imports(rq->app, s, import_item, &x) != INTAKE_OK) {
		tvars_free(v);
		rs->status = 500;
		return;
	}
	if (rq->method != HTTP_POST && http_query(rq, "removed", q, sizeof(q)) == 0 && q[0] && strlen(q) < 12 &&
	    strspn(q, "0123456789") == strlen(q)) {
		tvars_set_cstr(v, "removed", "1");
		tvars_set_cstr(v, "removed_n", q);
	}
	tvars_setf(v, "action", "/%s/staff/reach/import", l);
	tvars_setf(v, "back_href", "/%s/staff/reach", l);
	tvars_setf(v, "max_mb", "%u", REACH_FILE_MAX >> 20);
	sv_t platform = page_field(rq, "platform");
	const campaign_conf_t *c = &rq->app->config.campaign;
	for (unsigned i = 0; i < c->nplatforms; i++) {
		tvars_t *it = tvars_add_item(v, "platforms");
		if (!it)
			break;
		tvars_set_cstr(it, "name", c->platforms[i]);
		if (sv_eq_cstr(platform, c->platforms[i]))
			tvars_set_cstr(it, "selected", "1");
	}
	reach_upload_t *u = rq->upload;
	if (problem) {
		tvars_set_cstr(v, "has_problems", "1");
		tvars_t *it = tvars_add_item(v, "problems");
		if (it) {
			tvars_set_cstr(it, "href", "#file");
			tvars_set_cstr(it, "text", problem);
		}
		tvars_set_cstr(v, "file_error", problem);
		if (u && u->st == REACH_IMPORT_REFUSED && u->r.parse == REACH_E_LINE) {
			tvars_setf(v, "bad_line", "%u", u->r.bad_line);
			tvars_set_cstr(v, "why", i18n(rq->lang, u->r.why));
		}
		if (u && u->st == REACH_IMPORT_PLATFORM) {
			tvars_setf(v, "bad_line", "%u", u->r.bad_line);
			tvars_set_cstr(v, "bad_platform", u->r.platform);
		}
	} else if (u && rq->method == HTTP_POST) {
		tvars_set_cstr(v, "done", "1");
		tvars_set_cstr(v, "layout", u->r.layout ? reach_layout_name(u->r.layout) : "");
		tvars_setf(v, "rows", "%zu", u->r.rows);
		tvars_setf(v, "added", "%zu", u->r.added);
		tvars_setf(v, "known", "%zu", u->r.known);
		if (u->r.lower)
			tvars_setf(v, "lower", "%zu", u->r.lower);
	}
	page_render(rq, rs, "staff_reach_import", problem ? N_("Error: import") : N_("Import view counts"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

static void
import_work(request_t *rq)
{
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	reach_upload_t *u = rq->upload;
	char platform[REACH_PLATFORM_MAX + 1] = "";
	sv_t pf = page_field(rq, "platform");
	if (pf.len && pf.len <= REACH_PLATFORM_MAX) {
		memcpy(platform, pf.p, pf.len);
		platform[pf.len] = '\0';
	}
	if (!s || !u) {
		rq->work_status = -1;
		return;
	}
	u->st = reach_import(rq->app, s, (const uint8_t *)u->data.data, u->data.len, platform, &u->r);
	rq->work_status = 0;
}

void
page_staff_reach_import(request_t *rq, response_t *rs)
{
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!reach_can_edit(s)) {
		rs->status = 404;
		return;
	}
	if (rq->method != HTTP_POST) {
		import_page(rq, rs, NULL, 0);
		return;
	}
	reach_upload_t *u = rq->upload;
	if (u && u->busy) {
		u->st = REACH_IMPORT_BUSY;
		import_page(rq, rs, i18n(rq->lang, reach_import_problem(u->st, &u->r)), 503);
		return;
	}
	if (!rq->work_done) {
		if (!u || !u->got_file || (u->data.len == 0 && !u->too_large)) {
			import_page(rq, rs, i18n(rq->lang, N_("Choose the file to import.")), 400);
			return;
		}
		if (u->too_large) {
			import_page(rq, rs, i18n(rq->lang, N_("Give one file of at most 32 MiB.")), 413);
			return;
		}
		http_defer(rq, import_work, WORK_STAFF_SESSION);
		return;
	}
	if (rq->work_status != 0) {
		rs->status = 404;
		return;
	}
	if (u->st == REACH_IMPORT_OK) {
		import_page(rq, rs, NULL, 0);
		return;
	}
	import_page(rq, rs, i18n(rq->lang, reach_import_problem(u->st, &u->r)),
	    u->st == REACH_IMPORT_ERROR || u->st == REACH_IMPORT_PARTIAL ? 500 : 400);
}

/* ---- taking a file back ---- */

static void
remove_page(request_t *rq, response_t *rs, const store_reach_import_t *it, const char *problem, int status)
{
	char hex[65], day[16];
	const char *l = lang_code(rq->lang);
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	sodium_bin2hex(hex, sizeof(hex), it->source, 32);
	day_text(it->day, day);
	tvars_setf(v, "action", "/%s/staff/reach/import/remove", l);
	tvars_setf(v, "back_href", "/%s/staff/reach/import", l);
	tvars_set_cstr(v, "file", hex);
	tvars_set_cstr(v, "day", day);
	tvars_set_cstr(v, "layout", it->layout > 0 && it->layout < REACH_LAYOUTS ? reach_layout_name(it->layout) : "");
	tvars_setf(v, "counts", "%" PRIu64, it->counts);
	if (problem) {
		tvars_set_cstr(v, "has_problems", "1");
		tvars_set_cstr(v, "problem", problem);
	}
	page_render(rq, rs, "staff_reach_import_remove", problem ? N_("Error: remove an import") : N_("Remove an import"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

static void
remove_work(request_t *rq)
{
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	uint64_t n = 0;
	if (!s) {
		rq->work_status = -1;
		return;
	}
	intake_status_t st = reach_import_remove(rq->app, s, page_field(rq, "file"), &n);
	rq->work_status = st == INTAKE_OK ? 0 : st == INTAKE_NOT_FOUND ? 1 : 2;
	snprintf_cut(rq->scratch, sizeof(rq->scratch), "%" PRIu64, n);
}

void
page_staff_reach_import_remove(request_t *rq, response_t *rs)
{
	char hex[65];
	store_reach_import_t it;
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!reach_can_edit(s)) {
		rs->status = 404;
		return;
	}
	if (rq->method != HTTP_POST) {
		if (http_query(rq, "file", hex, sizeof(hex)) != 0) {
			rs->status = 404;
			return;
		}
		intake_status_t st = reach_import_find(rq->app, s, sv_from_cstr(hex), &it);
		if (st != INTAKE_OK) {
			rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
			return;
		}
		remove_page(rq, rs, &it, NULL, 0);
		return;
	}
	if (!rq->work_done) {
		http_defer(rq, remove_work, WORK_STAFF_SESSION);
		return;
	}
	if (rq->work_status == 0) {
		http_redirectf(rs, 303, "/%s/staff/reach/import?removed=%s", lang_code(rq->lang), rq->scratch);
		return;
	}
	if (rq->work_status == 1 || reach_import_find(rq->app, s, page_field(rq, "file"), &it) != INTAKE_OK) {
		rs->status = 404;   /* no such file (taken back already) */
		return;
	}
	remove_page(rq, rs, &it,
	    i18n(rq->lang, N_("The database could not remove it all; the operator's log says why. Remove it again: "
	                      "what is left of it goes then.")),
	    500);
}
