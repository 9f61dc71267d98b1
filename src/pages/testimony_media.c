/* testimony_media: the forms of a testimony's video: the original uploaded (streamed and
 * sealed as it arrives, as an appeal's), what its redacted copy hides (his voice shifted,
 * solid boxes placed by time and rectangle, or a card over the whole picture: a plain
 * form, no JavaScript), and the staff's preview of the copy the media worker made. */
#include <stdio.h>
#include <string.h>

#include "domain/testimonies.h"
#include "pages/staff_common.h"

/* ---- the upload's hooks ---- */

static int
up_begin(request_t *rq, void **upload)
{
	staff_status_t st;
	const staff_t *s = page_staff_session(rq, &st);
	if (!s)
		return page_up_no_session(rq, upload, st);
	if (!testimonies_allowed(rq->app, s) || !(s->acct.roles & ROLE_EDITOR))
		return 404;
	*upload = testimony_upload_new(rq->app);
	return *upload ? 0 : 503;
}

static uint64_t
up_limit(const request_t *rq)
{
	return ((uint64_t)rq->app->config.appeal_max_mb << 20) + ((uint64_t)1 << 20);
}

const upload_ops_t page_testimony_upload = { up_begin, page_up_file_begin, page_up_file_data, page_up_file_end,
	page_up_free, up_limit };

/* ---- what the copy hides, from the form ---- */

/* A number field of the form, or def when empty; -1 when it is not one in [0, max]. */
static int
field_num(const request_t *rq, const char *name, uint64_t max, uint64_t def, uint64_t *out)
{
	sv_t v = sv_trim_ows(page_field(rq, name));
	if (v.len == 0) {
		*out = def;
		return 1;
	}
	return num_parse_u64(v, 0, max, out) == 0 ? 0 : -1;
}

/* The boxes: rows b1..b4 of from and to (seconds) and left, top, width, height (percent
 * of the picture); an empty row is no box. False (with a problem) when a row is wrong. */
static bool
redact_of(request_t *rq, media_redact_t *r, page_problems_t *p)
{
	memset(r, 0, sizeof(*r));
	r->mr_voice = sv_eq(page_field(rq, "voice"), SV("yes"));
	r->mr_still = sv_eq(page_field(rq, "still"), SV("yes"));
	for (int i = 1; i <= PAGE_TESTIMONY_BOXES; i++) {
		static const char *const parts[] = { "from", "to", "x", "y", "w", "h" };
		static const uint64_t max[] = { 36000, 36000, 100, 100, 100, 100 };
		uint64_t v[6];
		int empty = 0, bad = 0;
		for (int k = 0; k < 6; k++) {
			char name[16];
			snprintf_cut(name, sizeof(name), "b%d_%s", i, parts[k]);
			int rc = field_num(rq, name, max[k], 0, &v[k]);
			empty += rc == 1;
			bad += rc < 0;
		}
		if (empty == 6)
			continue;
		media_box_t b = { (uint32_t)v[0] * 1000, (uint32_t)v[1] * 1000, (uint16_t)(v[2] * 10), (uint16_t)(v[3] * 10),
			(uint16_t)(v[4] * 10), (uint16_t)(v[5] * 10) };
		r->mr_boxes[r->mr_nboxes] = b;
		r->mr_nboxes++;
		if (bad || empty || !media_redact_valid(r)) {
			char text[300];
			snprintf_cut(text, sizeof(text), "%s %d: %s", i18n(rq->lang, N_("Box")), i,
			    i18n(rq->lang, N_("fill every field: from and to in seconds (from before to), and left, top, width and height in percent, inside the picture.")));
			page_problem_add(p, "b1_from", text);
			return false;
		}
	}
	return true;
}

static void
media_done(request_t *rq, response_t *rs, const uint8_t id[16])
{
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	http_redirectf(rs, 303, "/%s/staff/testimonies/%s?done=media#media", lang_code(rq->lang), hex);
}

static const char *const media_refused_msg =
    N_("The video cannot be changed now: it is being redacted, it has a video already, or its story is published.");

void
page_staff_testimony_media(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	page_problems_t p = { .n = 0 };
	media_redact_t r;
	if (upload_refused(rq->upload)) {
		page_testimony_render(rq, rs, s, id, NULL, NULL, N_("The disk is full: nothing was saved. What you typed is below."),
		    503);
		return;
	}
	if (upload_count(rq->upload) != 1)
		page_problem_add(&p, "m_file", i18n(rq->lang, N_("Choose the video file.")));
	if (!redact_of(rq, &r, &p) || p.n) {
		page_testimony_render(rq, rs, s, id, &p, NULL, NULL, 400);
		return;
	}
	intake_status_t st = testimony_media_add(rq->app, s, id, rq->upload, &r);
	if (st == INTAKE_OK)
		media_done(rq, rs, id);
	else if (st == INTAKE_NOT_FOUND)
		rs->status = 404;
	else
		page_testimony_render(rq, rs, s, id, NULL, NULL,
		    st == INTAKE_INVALID ? media_refused_msg : N_("The video could not be saved. Nothing was stored."),
		    st == INTAKE_INVALID ? 409 : 500);
}

void
page_staff_testimony_redact(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	page_problems_t p = { .n = 0 };
	media_redact_t r;
	if (!redact_of(rq, &r, &p)) {
		page_testimony_render(rq, rs, s, id, &p, NULL, NULL, 400);
		return;
	}
	intake_status_t st = testimony_media_redo(rq->app, s, id, &r);
	if (st == INTAKE_OK)
		media_done(rq, rs, id);
	else if (st == INTAKE_NOT_FOUND)
		rs->status = 404;
	else
		page_testimony_render(rq, rs, s, id, NULL, NULL, st == INTAKE_INVALID ? media_refused_msg : NULL, 409);
}

static void
media_file(request_t *rq, response_t *rs, int which)
{
	uint8_t id[16];
	case_file_out_t f;
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	intake_status_t st = testimony_media_file(rq->app, s, id, which, &f);
	if (st != INTAKE_OK) {
		rs->status = st == INTAKE_NOT_FOUND ? 404 : st == INTAKE_BUSY ? 503 : 500;
		return;
	}
	/* sava's own output, checked before it was kept: shown, never sniffed */
	page_inline(rs, &f, which == 0 ? "video/mp4" : "image/jpeg");
}

void
page_staff_testimony_video(request_t *rq, response_t *rs)
{
	media_file(rq, rs, 0);
}

void
page_staff_testimony_poster(request_t *rq, response_t *rs)
{
	media_file(rq, rs, 1);
}

/* ---- the page's section ---- */

void
page_testimony_media_vars(request_t *rq, tvars_t *v, const testimony_view_t *tv, const char *hex)
{
	static const char *const states[] = { NULL, N_("waiting to be redacted"), N_("being redacted"),
		N_("redacted: see it below"), N_("refused") };
	const char *l = lang_code(rq->lang);
	bool sent = rq->method == HTTP_POST && form_get(&rq->form, "b1_from") != NULL;
	if (tv->media_state > 0 && tv->media_state < 5)
		tvars_set_cstr(v, "media_state", i18n(rq->lang, states[tv->media_state]));
	if (tv->media_state == 4 && tv->media_refusal[0])
		tvars_set_cstr(v, "media_refusal", i18n(rq->lang, tv->media_refusal));
	if (tv->media_state == 3) {
		tvars_setf(v, "media_video_href", "/%s/staff/testimonies/%s/video", l, hex);
		tvars_setf(v, "media_poster_href", "/%s/staff/testimonies/%s/poster", l, hex);
	}
	if (tv->media_state == 1 || tv->media_state == 2)
		tvars_set_cstr(v, "media_busy", "1");
	if (tv->editor && !tv->slug[0] && tv->media_state != 1 && tv->media_state != 2) {
		tvars_setf(v, "media_form", "/%s/staff/testimonies/%s/%s", l, hex, tv->media_state == 0 ? "media" : "redact");
		if (tv->media_state == 0)
			tvars_set_cstr(v, "media_upload", "1");
	}
	tvars_setf(v, "media_max_mb", "%u", rq->app->config.appeal_max_mb);
	/* the form: what was sent (and refused), else what the copy hides now */
	if (sent ? sv_eq(page_field(rq, "voice"), SV("yes")) : tv->media_state == 0 || tv->redact.mr_voice)
		tvars_set_cstr(v, "voice_checked", "1");
	if (sent ? sv_eq(page_field(rq, "still"), SV("yes")) : tv->redact.mr_still)
		tvars_set_cstr(v, "still_checked", "1");
	for (int i = 1; i <= PAGE_TESTIMONY_BOXES; i++) {
		static const char *const parts[] = { "from", "to", "x", "y", "w", "h" };
		tvars_t *it = tvars_add_item(v, "boxes");
		if (!it)
			break;
		tvars_setf(it, "n", "%d", i);
		const media_box_t *b = (size_t)(i - 1) < tv->redact.mr_nboxes ? &tv->redact.mr_boxes[i - 1] : NULL;
		unsigned have[6] = { 0 };
		if (b) {
			have[0] = b->mb_from_ms / 1000, have[1] = b->mb_to_ms / 1000, have[2] = b->mb_x / 10;
			have[3] = b->mb_y / 10, have[4] = b->mb_w / 10, have[5] = b->mb_h / 10;
		}
		for (int k = 0; k < 6; k++) {
			char name[16];
			snprintf_cut(name, sizeof(name), "b%d_%s", i, parts[k]);
			if (sent)
				tvars_set(it, parts[k], page_field(rq, name));
			else if (b)
				tvars_setf(it, parts[k], "%u", have[k]);
		}
	}
}
