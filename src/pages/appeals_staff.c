/* appeals_staff: the editors' pages of video appeals: the list with the editors' key,
 * one appeal with its preview and the two-person publishing, withdrawal, a new cleaning,
 * and registering an appeal found elsewhere. */
#include <stdio.h>
#include <string.h>

#include "domain/appeals.h"
#include "domain/roster.h"
#include "domain/subtitles.h"
#include "pages/staff_common.h"

/* ---- editors ---- */

static void
key_member(void *ctx, const roster_entry_t *e, bool holds)
{
	tvars_t *v = ctx;
	char hex[33];
	if (holds)
		return;
	tvars_t *it = tvars_add_item(v, "keyless");
	if (!it)
		return;
	sodium_bin2hex(hex, sizeof(hex), e->id, 16);
	tvars_set_cstr(it, "id", hex);
	tvars_set_cstr(it, "name", e->handle);
}

void
page_staff_appeals(request_t *rq, response_t *rs)
{
	appeal_row_t rows[APPEALS_PAGE];
	size_t n = 0, total = 0, counts[6];
	char q[8], hex[33], when[32];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (rq->method == HTTP_POST) {
		/* giving the editors' key: an explicit approval by an editor who holds it */
		uint8_t id[16];
		if (page_id_from_hex(page_field(rq, "account"), id) != 0 ||
		    staff_group_grant(rq->app, s, "editors", id) != STAFF_OK) {
			rs->status = 404;
			return;
		}
		page_staff_redirect(rq, rs, "/staff/appeals?granted=1");
		return;
	}
	int state = -1;
	if (http_query(rq, "state", q, sizeof(q)) == 0 && q[0] >= '0' && q[0] <= '5' && q[1] == '\0')
		state = q[0] - '0';
	uint64_t page = page_number(rq, 100000);
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	roster_key_t key;
	if (roster_group_key(rq->app, s, "editors", &key, key_member, v) != STAFF_OK) {
		tvars_free(v);
		rs->status = 404;   /* not an editor */
		return;
	}
	if (!key.exists)
		tvars_set_cstr(v, "no_key", "1");
	else if (!key.viewer_holds)
		tvars_set_cstr(v, "not_holder", "1");
	else
		tvars_set_cstr(v, "holder", "1");
	if (key.viewer_holds) {
		intake_status_t st = appeals_list(rq->app, s, state, (size_t)(page - 1) * APPEALS_PAGE, rows, &n, &total, counts);
		if (st != INTAKE_OK) {
			tvars_free(v);
			rs->status = 500;
			return;
		}
		for (int i = 0; i < 6; i++) {
			tvars_t *it = tvars_add_item(v, "states");
			if (!it)
				break;
			tvars_setf(it, "href", "/%s/staff/appeals?state=%d", lang_code(rq->lang), i);
			tvars_set_cstr(it, "name", page_appeal_state_name(rq, i));
			tvars_setf(it, "count", "%zu", counts[i]);
			if (i == state)
				tvars_set_cstr(it, "current", "1");
		}
		for (size_t i = 0; i < n; i++) {
			tvars_t *it = tvars_add_item(v, "appeals");
			if (!it)
				break;
			sodium_bin2hex(hex, sizeof(hex), rows[i].id, 16);
			tvars_setf(it, "href", "/%s/staff/appeals/%s", lang_code(rq->lang), hex);
			tvars_set_cstr(it, "state", page_appeal_state_name(rq, rows[i].state));
			tvars_set_cstr(it, "language", rows[i].language);
			page_when(rq->lang, rows[i].created_hour, when);
			tvars_set_cstr(it, "when", when);
			if (rows[i].mine_to_publish)
				tvars_set_cstr(it, "to_publish", "1");
		}
		char path[64];
		snprintf_cut(path, sizeof(path), "/staff/appeals");
		page_nav_vars(rq, v, path, NULL, page, page * APPEALS_PAGE < total);
		char err[APPEALS_PROBLEM_BYTES];
		appeals_media_problem(err);
		if (err[0])
			tvars_set_cstr(v, "media_problem", i18n(rq->lang, err));
	}
	tvars_setf(v, "new_href", "/%s/staff/appeals/new", lang_code(rq->lang));
	tvars_setf(v, "grant_action", "/%s/staff/appeals", lang_code(rq->lang));
	if (http_query(rq, "granted", q, sizeof(q)) == 0)
		tvars_set_cstr(v, "notice", i18n(rq->lang, N_("She now holds the editors' key.")));
	else if (http_query(rq, "done", q, sizeof(q)) == 0)
		tvars_set_cstr(v, "notice", i18n(rq->lang, N_("The appeal was withdrawn: its files are deleted.")));
	page_render(rq, rs, "staff_appeals", N_("Video appeals"), v);
}

/* The captions burned in: each language's render, its state, and its files once made. */
static void
burn_vars(request_t *rq, tvars_t *v, const staff_t *s, const uint8_t id[16], const char *hex)
{
	static const char *const states[] = {
		[STORE_BURN_WAITING] = N_("waiting for the media worker"),
		[STORE_BURN_RUNNING] = N_("being rendered"),
		[STORE_BURN_DONE] = N_("ready"),
		[STORE_BURN_FAILED] = N_("it failed"),
	};
	subs_burn_t rows[SUBS_LANGS_MAX];
	size_t n = 0;
	if (subtitles_burns(rq->app, s, id, rows, &n) != SUBS_OK)
		return;
	const char *l = lang_code(rq->lang);
	for (size_t i = 0; i < n; i++) {
		tvars_t *it = tvars_add_item(v, "burns");
		if (!it)
			return;
		tvars_set_cstr(it, "label", page_language_name(rows[i].lang));
		tvars_setf(it, "version", "%u", rows[i].version);
		int st = rows[i].state >= 0 && rows[i].state <= STORE_BURN_FAILED ? rows[i].state : STORE_BURN_FAILED;
		tvars_set_cstr(it, "state", i18n(rq->lang, states[st]));
		if (st == STORE_BURN_FAILED && rows[i].reason[0])
			tvars_set_cstr(it, "reason", i18n(rq->lang, rows[i].reason));
		if (st == STORE_BURN_DONE) {
			tvars_setf(it, "wide_href", "/%s/staff/subtitles/%s/burn?lang=%s&shape=wide", l, hex, rows[i].lang);
			tvars_setf(it, "tall_href", "/%s/staff/subtitles/%s/burn?lang=%s&shape=tall", l, hex, rows[i].lang);
			tvars_setf(it, "text_href", "/%s/staff/subtitles/%s/burn?lang=%s&shape=text", l, hex, rows[i].lang);
			tvars_setf(it, "wide_mb", "%.1f", (double)rows[i].wide_bytes / 1048576.0);
			tvars_setf(it, "tall_mb", "%.1f", (double)rows[i].tall_bytes / 1048576.0);
		}
	}
}

static void
staff_appeal_page(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], const char *notice, int status)
{
	appeal_view_t av;
	char hex[33], when[32];
	intake_status_t st = appeal_view(rq->app, s, id, &av);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		const char *l = lang_code(rq->lang);
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		tvars_set_cstr(v, "state", page_appeal_state_name(rq, av.row.state));
		tvars_set_cstr(v, "language", av.row.language);
		page_when(rq->lang, av.row.created_hour, when);
		tvars_set_cstr(v, "when", when);
		tvars_set(v, "shown_name", buf_sv(&av.shown_name));
		tvars_set(v, "text", buf_sv(&av.text));
		tvars_set(v, "consent", buf_sv(&av.consent));
		if (av.registered_by[0])
			tvars_set_cstr(v, "registered_by", av.registered_by);
		if (av.approved_by[0])
			tvars_set_cstr(v, "approved_by", av.approved_by);
		if (av.published_by[0])
			tvars_set_cstr(v, "published_by", av.published_by);
		if (av.row.refusal[0])
			tvars_set_cstr(v, "refusal", i18n(rq->lang, av.row.refusal));
		if (av.has_clean) {
			tvars_setf(v, "subtitles_href", "/%s/staff/subtitles/%s", l, hex);
			burn_vars(rq, v, s, id, hex);
			tvars_setf(v, "video_href", "/%s/staff/appeals/%s/video", l, hex);
			tvars_setf(v, "poster_href", "/%s/staff/appeals/%s/poster", l, hex);
			tvars_setf(v, "size", "%u×%u, %u:%02u", av.row.width, av.row.height, av.row.duration / 60,
			    av.row.duration % 60);
		}
		if (av.row.state == STORE_APPEAL_REVIEW && !av.row.approved)
			tvars_setf(v, "approve_action", "/%s/staff/appeals/%s/approve", l, hex);
		if (av.row.mine_to_publish)
			tvars_setf(v, "publish_action", "/%s/staff/appeals/%s/publish", l, hex);
		if (av.row.state == STORE_APPEAL_REVIEW && av.approved_by_me)
			tvars_set_cstr(v, "wait_second", "1");
		if (av.has_original && (av.row.state == STORE_APPEAL_WAITING || av.row.state == STORE_APPEAL_REFUSED))
			tvars_setf(v, "reclean_action", "/%s/staff/appeals/%s/reclean", l, hex);
		if (av.row.state != STORE_APPEAL_WITHDRAWN)
			tvars_setf(v, "withdraw_action", "/%s/staff/appeals/%s/withdraw", l, hex);
		if (av.slug[0])
			tvars_setf(v, "public_href", "/%s/appeals/%s", l, av.slug);
		tvars_setf(v, "back_href", "/%s/staff/appeals", l);
		tvars_setf(v, "reach_href", "/%s/staff/reach?appeal=%s", l, hex);
		if (notice)
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
	}
	appeal_view_free(&av);
	page_render(rq, rs, "staff_appeal", N_("Video appeal"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

void
page_staff_appeal(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char q[8];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	const char *notice = NULL;
	if (http_query(rq, "done", q, sizeof(q)) == 0)
		notice = strcmp(q, "approve") == 0 ? N_("You approved it. Another editor can now publish it.")
		    : strcmp(q, "publish") == 0    ? N_("It is published: it is on the gallery now.")
		    : strcmp(q, "reclean") == 0    ? N_("It is being cleaned again.")
		                                   : NULL;
	staff_appeal_page(rq, rs, s, id, notice, 0);
}

/* The editors' actions, by the letter the page keeps in rq->scratch while the work runs:
 * publishing decrypts and writes whole videos, a withdrawal shreds: never on the thread
 * that answers requests. */
static intake_status_t (*const appeal_actions[])(const app_t *, const staff_t *, const uint8_t *) = {
	['a'] = appeal_approve, ['p'] = appeal_publish, ['w'] = appeal_withdraw, ['r'] = appeal_reclean,
};

static void
appeal_action_work(request_t *rq)
{
	uint8_t id[16];
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	unsigned char which = (unsigned char)rq->scratch[0];
	rq->work_status = s && which < sizeof(appeal_actions) / sizeof(appeal_actions[0]) && appeal_actions[which] &&
	        page_id_param(rq, id) == 0 ?
	    appeal_actions[which](rq->app, s, id) :
	    INTAKE_NOT_FOUND;
}

/* One editor's action on one appeal, then back to its page with what happened. */
static void
appeal_action(request_t *rq, response_t *rs, char which, const char *done, const char *invalid)
{
	uint8_t id[16];
	char hex[33];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (!rq->work_done) {
		rq->scratch[0] = which;
		http_defer(rq, appeal_action_work, WORK_STAFF_SESSION);
		return;
	}
	intake_status_t st = (intake_status_t)rq->work_status;
	if (st == INTAKE_OK) {
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		if (which == 'w')
			http_redirectf(rs, 303, "/%s/staff/appeals?done=1", lang_code(rq->lang));
		else
			http_redirectf(rs, 303, "/%s/staff/appeals/%s?done=%s", lang_code(rq->lang), hex, done);
	} else if (st == INTAKE_INVALID) {
		staff_appeal_page(rq, rs, s, id, invalid, 409);
	} else {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : 500;
	}
}

void
page_staff_appeal_approve(request_t *rq, response_t *rs)
{
	appeal_action(rq, rs, 'a', "approve", N_("It cannot be approved now: it is not waiting for review, or it is approved already."));
}

void
page_staff_appeal_publish(request_t *rq, response_t *rs)
{
	appeal_action(rq, rs, 'p', "publish",
	    N_("It cannot be published now. Publishing needs a second editor: the one who approved it cannot publish it."));
}

void
page_staff_appeal_withdraw(request_t *rq, response_t *rs)
{
	if (!sv_eq(page_field(rq, "confirm"), SV("yes"))) {
		uint8_t id[16];
		const staff_t *s = page_need_staff(rq, rs);
		if (s && page_id_param(rq, id) == 0)
			staff_appeal_page(rq, rs, s, id, N_("Tick the box to confirm the withdrawal. It cannot be undone."), 400);
		else if (s)
			rs->status = 404;
		return;
	}
	appeal_action(rq, rs, 'w', "withdraw", NULL);
}

void
page_staff_appeal_reclean(request_t *rq, response_t *rs)
{
	appeal_action(rq, rs, 'r', "reclean", N_("It cannot be cleaned again: its original file is gone."));
}

static void
appeal_media(request_t *rq, response_t *rs, int which)
{
	uint8_t id[16];
	case_file_out_t f;
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	intake_status_t st = appeal_file(rq->app, s, id, which, sv_from_cstr(rq->range), &f);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : st == INTAKE_BUSY ? 503 : 500;
		return;
	}
	/* sava's own output, checked before it was kept: shown, never sniffed; a player
	 * gets it in parts as it plays or seeks */
	page_inline_part(rs, &f, which == 0 ? "video/mp4" : "image/jpeg");
}

void
page_staff_appeal_video(request_t *rq, response_t *rs)
{
	appeal_media(rq, rs, 0);
}

void
page_staff_appeal_poster(request_t *rq, response_t *rs)
{
	appeal_media(rq, rs, 1);
}

/* ---- an editor registers an appeal ---- */

static void
appeal_new_page(request_t *rq, response_t *rs, const page_problems_t *p, const char *notice, int status)
{
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		tvars_setf(v, "action", "/%s/staff/appeals/new", lang_code(rq->lang));
		tvars_setf(v, "max_mb", "%u", rq->app->config.appeal_max_mb);
		tvars_setf(v, "back_href", "/%s/staff/appeals", lang_code(rq->lang));
		page_appeal_languages(rq, v);
		if (rq->method == HTTP_POST) {
			tvars_set(v, "shown_name", page_field(rq, "shown_name"));
			tvars_set(v, "text", page_field(rq, "text"));
		}
	}
	page_form_render(rq, rs, "staff_appeal_new", N_("Register a video appeal"), v, p, notice, status);
}

static void
appeal_new_work(request_t *rq)
{
	char receipt[RECEIPT_DIGITS_MAX + 1];
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	appeal_form_t f = page_appeal_form_of(rq);
	f.consent = SV("yes");   /* an editor registers what was published or given with consent */
	rq->work_status = s ? appeal_submit(rq->app, rq->lang, s, &f, rq->upload, (uint8_t *)rq->scratch, receipt)
	                    : INTAKE_NOT_FOUND;
	sodium_memzero(receipt, sizeof(receipt));
}

void
page_staff_appeal_new(request_t *rq, response_t *rs)
{
	char hex[33];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!appeals_allowed(rq->app, s)) {
		rs->status = 404;
		return;
	}
	if (rq->method != HTTP_POST) {
		appeal_new_page(rq, rs, NULL, NULL, 0);
		return;
	}
	if (!rq->work_done) {
		page_problems_t p = { .n = 0 };
		appeal_form_t f = page_appeal_form_of(rq);
		f.consent = SV("yes");
		if (upload_refused(rq->upload)) {
			appeal_new_page(rq, rs, NULL, page_appeal_msg_full, 503);
			return;
		}
		page_appeal_problems(rq, &f, &p);
		if (p.n) {
			appeal_new_page(rq, rs, &p, NULL, 400);
			return;
		}
		http_defer(rq, appeal_new_work, WORK_STAFF_SESSION);
		return;
	}
	if (rq->work_status == INTAKE_OK) {
		sodium_bin2hex(hex, sizeof(hex), (const uint8_t *)rq->scratch, 16);
		http_redirectf(rs, 303, "/%s/staff/appeals/%s", lang_code(rq->lang), hex);
		return;
	}
	appeal_new_page(rq, rs, NULL, rq->work_status == INTAKE_FULL ? page_appeal_msg_full : page_appeal_msg_failed,
	    rq->work_status == INTAKE_FULL ? 503 : 500);
}
