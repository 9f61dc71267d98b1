/* subtitles: the translators' pages: the task queue (by language pair, oldest first,
 * take and hand back), one appeal's subtitle work (its tasks; the editor of one
 * language, subeditor.c), the steps (send to review, review, approve, restore), import
 * of a file (held in memory for the request only, wiped), export, and the video for
 * previews. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/casework.h"
#include "domain/subtitles.h"
#include "parse/srt.h"
#include "pages/staff_common.h"

#define PAGE_SUBS_UPLOAD_MAX (2u << 20)   /* a subtitle file sent from the import form */

bool
page_subs_lang(sv_t f, char out[4])
{
	if (f.len != 2 || f.p[0] < 'a' || f.p[0] > 'z' || f.p[1] < 'a' || f.p[1] > 'z')
		return false;
	out[0] = f.p[0];
	out[1] = f.p[1];
	out[2] = '\0';
	return true;
}

const char *
page_subs_status_text(int st)
{
	switch (st) {
	case SUBS_NOT_FOUND: return N_("That is not there any more.");
	case SUBS_TAKEN: return N_("Someone else has taken this task, or you have not taken it yet. Take it first.");
	case SUBS_STEP: return N_("That cannot be done at this step of the work.");
	case SUBS_TWO_PERSON: return N_("Two people, always: you cannot review what you wrote, nor approve what you wrote or reviewed.");
	case SUBS_QC_ERRORS: return N_("It has quality errors: fix them before it is approved.");
	case SUBS_BAD_FILE: return N_("The file could not be read.");
	case SUBS_TOO_LARGE: return N_("That is more than one version may hold.");
	case SUBS_EDITOR_ONLY: return N_("Only an editor can do that.");
	case SUBS_BUSY: return N_("The server is busy. Try again in a minute.");
	default: return N_("It could not be saved. Try again; if it happens again, tell the operator.");
	}
}

static bool
query_lang(const request_t *rq, const char *name, char out[4])
{
	char q[8];
	return http_query(rq, name, q, sizeof(q)) == 0 && page_subs_lang(sv_from_cstr(q), out);
}

/* ---- the queue ---- */

static void
lang_choices(tvars_t *v, const char *list, const char *const *codes, size_t n, const char *selected)
{
	for (size_t i = 0; i < n; i++) {
		tvars_t *it = tvars_add_item(v, list);
		if (!it)
			return;
		tvars_set_cstr(it, "code", codes[i]);
		if (strcmp(codes[i], selected) == 0)
			tvars_set_cstr(it, "selected", "1");
	}
}

void
page_staff_subtitles(request_t *rq, response_t *rs)
{
	subs_task_t rows[SUBS_QUEUE_PAGE];
	size_t n = 0, total = 0;
	char src[4] = "", lang[4] = "", hex[33], when[32], q[8];
	const staff_t *s = page_need_staff(rq, rs);
	if (!s)
		return;
	if (!(s->acct.roles & (ROLE_TRANSLATOR | ROLE_EDITOR))) {
		rs->status = 404;
		return;
	}
	if (rq->method == HTTP_POST) {
		uint8_t task[16];
		sv_t what = page_field(rq, "do");
		if (page_id_from_hex(page_field(rq, "task"), task) != 0 || (!sv_eq(what, SV("take")) && !sv_eq(what, SV("back")))) {
			rs->status = 400;
			return;
		}
		bool take = sv_eq(what, SV("take"));
		subs_status_t st = take ? subtitles_take(rq->app, s, task) : subtitles_hand_back(rq->app, s, task);
		if (st == SUBS_NOT_FOUND) {
			rs->status = 404;
			return;
		}
		page_staff_redirect(rq, rs, st == SUBS_OK ? (take ? "/staff/subtitles?mine=1&done=take" : "/staff/subtitles?done=back")
		                                          : "/staff/subtitles?done=taken");
		return;
	}
	(void)query_lang(rq, "src", src);
	(void)query_lang(rq, "lang", lang);
	bool mine = http_query(rq, "mine", q, sizeof(q)) == 0;
	uint64_t page = page_number(rq, 100000);
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	const char *l = lang_code(rq->lang);
	tvars_setf(v, "action", "/%s/staff/subtitles", l);
	tvars_setf(v, "open_href", "/%s/staff/subtitles", l);
	tvars_setf(v, "mine_href", "/%s/staff/subtitles?mine=1", l);
	if (mine)
		tvars_set_cstr(v, "mine", "1");
	if (!subtitles_allowed(rq->app, s)) {
		tvars_set_cstr(v, "no_key", "1");
	} else {
		tvars_set_cstr(v, "allowed", "1");
		subs_status_t st = subtitles_queue(rq->app, s, src, lang, mine, (size_t)(page - 1) * SUBS_QUEUE_PAGE, rows, &n,
		    &total);
		if (st != SUBS_OK) {
			tvars_free(v);
			rs->status = 500;
			return;
		}
		size_t nl = 0;
		while (casework_languages[nl])
			nl++;
		lang_choices(v, "srcs", casework_languages, nl, src);
		const char *targets[CONFIG_SUB_TARGETS_MAX];
		for (size_t i = 0; i < rq->app->config.sub_ntargets; i++)
			targets[i] = rq->app->config.sub_targets[i];
		lang_choices(v, "targets", targets, rq->app->config.sub_ntargets, lang);
		for (size_t i = 0; i < n; i++) {
			tvars_t *it = tvars_add_item(v, "tasks");
			if (!it)
				break;
			sodium_bin2hex(hex, sizeof(hex), rows[i].appeal, 16);
			tvars_setf(it, "href", "/%s/staff/subtitles/%s?lang=%s", l, hex, rows[i].lang);
			sodium_bin2hex(hex, sizeof(hex), rows[i].id, 16);
			tvars_set_cstr(it, "id", hex);
			tvars_set_cstr(it, "src", rows[i].src);
			tvars_set_cstr(it, "lang", rows[i].lang);
			tvars_set_cstr(it, "step", page_subs_step_name(rq, rows[i].kind));
			page_when(rq->lang, rows[i].created_hour, when);
			tvars_set_cstr(it, "when", when);
			if (rows[i].taken_by_me)
				tvars_set_cstr(it, "taken_by_me", "1");
		}
		char qs[40];
		snprintf_cut(qs, sizeof(qs), "src=%s&lang=%s%s", src, lang, mine ? "&mine=1" : "");
		page_nav_vars(rq, v, "/staff/subtitles", qs, page, page * SUBS_QUEUE_PAGE < total);
	}
	if (http_query(rq, "done", q, sizeof(q)) == 0)
		tvars_set_cstr(v, "notice", i18n(rq->lang, strcmp(q, "take") == 0 ? N_("The task is yours now. It stays yours for the hours the site allows; hand it back if you cannot finish.")
		                                              : strcmp(q, "back") == 0 ? N_("You handed the task back. Others can take it now.")
		                                                                       : N_("Someone else has taken that task.")));
	page_render(rq, rs, "staff_subtitles", N_("Subtitles"), v);
}

/* ---- one appeal ---- */

void
page_staff_subtitles_appeal(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char lang[4], q[16], hex[33];
	subs_task_t rows[SUBS_LANGS_MAX];
	size_t n = 0;
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (query_lang(rq, "lang", lang)) {
		uint64_t version = 0;
		if (http_query(rq, "version", q, sizeof(q)) == 0 && num_parse_u64(sv_from_cstr(q), 1, UINT32_MAX, &version) != 0)
			version = 0;
		const char *notice = NULL;
		page_subs_errors_t errs = { .n = 0 };
		if (http_query(rq, "done", q, sizeof(q)) == 0)
			notice = strcmp(q, "saved") == 0 ? N_("Saved.")
			    : strcmp(q, "imported") == 0 ? N_("The file was imported as a new version.")
			    : strcmp(q, "submit") == 0   ? N_("Sent to review. Someone else reviews it.")
			    : strcmp(q, "review") == 0   ? N_("Reviewed. An editor who neither wrote nor reviewed it approves it.")
			    : strcmp(q, "back") == 0     ? N_("Sent back for changes.")
			    : strcmp(q, "approve") == 0  ? N_("Approved. Once the appeal is published, these subtitles are public with it.")
			    : strcmp(q, "restore") == 0  ? N_("The earlier version is your new draft.")
			    : strcmp(q, "pauses") == 0   ? N_("A cue was made for each stretch of speech. Write the words of each, and adjust the times.")
			    : strcmp(q, "transcribe") == 0 ? N_("The machine is transcribing the video. It can take as long as the video, or longer: reload the page later.")
			                                 : NULL;
		if (http_query(rq, "import_error", q, sizeof(q)) == 0) {
			uint64_t code = 0, line = 0;
			char lq[16];
			if (num_parse_u64(sv_from_cstr(q), 0, 100, &code) != 0)
				code = 0;
			if (http_query(rq, "line", lq, sizeof(lq)) == 0 && num_parse_u64(sv_from_cstr(lq), 0, 10000000, &line) != 0)
				line = 0;
			const char *why = code == SUB_ERR_SIGNATURE ? N_("A WebVTT file begins with the word WEBVTT. Is it an SRT file? Choose SRT.")
			    : code == SUB_ERR_TIMING            ? N_("This timing line does not read as 00:00:01.000 --> 00:00:02.000.")
			    : code == SUB_ERR_ENCODING          ? N_("The file is not UTF-8. Choose its encoding (windows-1251 for Cyrillic, windows-1252 for Western European) and send it again.")
			    : code == SUB_ERR_TEXT              ? N_("There are words where a cue should begin: a timing line is missing.")
			    : code == 100                       ? N_("Choose a subtitle file to import.")
			                                        : N_("The file is too large, or has too many cues.");
			snprintf_cut(errs.summary, sizeof(errs.summary), line ? "%s (%s %llu)" : "%s", i18n(rq->lang, why),
			    i18n(rq->lang, N_("line")), (unsigned long long)line);
			snprintf_cut(errs.summary_anchor, sizeof(errs.summary_anchor), "#import");
		} else if (http_query(rq, "error", q, sizeof(q)) == 0) {
			uint64_t code = 0;
			if (num_parse_u64(sv_from_cstr(q), 0, 100, &code) != 0)
				code = SUBS_ERROR;
			snprintf_cut(errs.summary, sizeof(errs.summary), "%s", i18n(rq->lang, page_subs_status_text((int)code)));
		}
		page_subs_editor(rq, rs, s, id, lang, (uint32_t)version, page_number(rq, 100000), notice, &errs,
		    errs.summary[0] ? 409 : 0);
		return;
	}
	subs_status_t st = subtitles_tasks_of(rq->app, s, id, rows, &n);
	if (st != SUBS_OK) {
		rs->status = st == SUBS_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		rs->status = 500;
		return;
	}
	const char *l = lang_code(rq->lang);
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	for (size_t i = 0; i < n; i++) {
		tvars_t *it = tvars_add_item(v, "tasks");
		if (!it)
			break;
		tvars_setf(it, "href", "/%s/staff/subtitles/%s?lang=%s", l, hex, rows[i].lang);
		tvars_set_cstr(it, "src", rows[i].src);
		tvars_set_cstr(it, "lang", rows[i].lang);
		tvars_set_cstr(it, "step", page_subs_step_name(rq, rows[i].kind));
		if (rows[i].taken_by_me)
			tvars_set_cstr(it, "taken_by_me", "1");
		else if (rows[i].taken)
			tvars_set_cstr(it, "taken", "1");
	}
	if (n == 0 && (s->acct.roles & ROLE_EDITOR))
		tvars_setf(v, "start_action", "/%s/staff/subtitles/%s/step", l, hex);
	tvars_setf(v, "video_href", "/%s/staff/subtitles/%s/video", l, hex);
	tvars_setf(v, "back_href", "/%s/staff/subtitles", l);
	if (http_query(rq, "done", q, sizeof(q)) == 0)
		tvars_set_cstr(v, "notice", i18n(rq->lang, N_("The subtitle work has started: its tasks are in the queue.")));
	page_render(rq, rs, "staff_subtitles_appeal", N_("Subtitles of an appeal"), v);
}

void
page_staff_subtitles_step(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char lang[4], hex[33];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	sv_t what = page_field(rq, "do");
	if (sv_eq(what, SV("start"))) {
		subs_status_t st = subtitles_start(rq->app, s, id);
		if (st == SUBS_OK)
			http_redirectf(rs, 303, "/%s/staff/subtitles/%s?done=start", lang_code(rq->lang), hex);
		else
			rs->status = st == SUBS_NOT_FOUND || st == SUBS_EDITOR_ONLY ? 404 : 500;
		return;
	}
	if (!page_subs_lang(page_field(rq, "lang"), lang)) {
		rs->status = 404;
		return;
	}
	subs_status_t st;
	const char *done;
	if (sv_eq(what, SV("submit")))
		st = subtitles_submit(rq->app, s, id, lang), done = "submit";
	else if (sv_eq(what, SV("review")))
		st = subtitles_review(rq->app, s, id, lang, true), done = "review";
	else if (sv_eq(what, SV("review_back")))
		st = subtitles_review(rq->app, s, id, lang, false), done = "back";
	else if (sv_eq(what, SV("approve")))
		st = subtitles_approve(rq->app, s, id, lang, true), done = "approve";
	else if (sv_eq(what, SV("approve_back")))
		st = subtitles_approve(rq->app, s, id, lang, false), done = "back";
	else if (sv_eq(what, SV("transcribe")))
		st = subtitles_transcribe(rq->app, s, id, lang), done = "transcribe";
	else if (sv_eq(what, SV("transcript"))) {
		subs_import_t res;
		st = subtitles_transcript_use(rq->app, s, id, lang, &res), done = "imported";
	} else if (sv_eq(what, SV("pauses"))) {
		subs_import_t res;
		st = subtitles_from_pauses(rq->app, s, id, lang, &res), done = "pauses";
	} else if (sv_eq(what, SV("restore"))) {
		uint64_t ver = 0;
		uint32_t nv;
		st = num_parse_u64(page_field(rq, "version"), 1, UINT32_MAX, &ver) == 0
		    ? subtitles_restore(rq->app, s, id, lang, (uint32_t)ver, &nv)
		    : SUBS_NOT_FOUND;
		done = "restore";
	} else {
		rs->status = 400;
		return;
	}
	if (st == SUBS_OK)
		http_redirectf(rs, 303, "/%s/staff/subtitles/%s?lang=%s&done=%s", lang_code(rq->lang), hex, lang, done);
	else if (st == SUBS_NOT_FOUND)
		rs->status = 404;
	else {
		page_subs_errors_t errs = { .n = 0 };
		snprintf_cut(errs.summary, sizeof(errs.summary), "%s", i18n(rq->lang, page_subs_status_text(st)));
		page_subs_editor(rq, rs, s, id, lang, 0, 1, NULL, &errs, st == SUBS_ERROR ? 500 : 409);
	}
}

/* ---- import: the file in memory, for this request only ---- */

struct subs_upload {
	buf_t data;
	size_t files;
	bool too_large;
};

static int
subs_up_begin(request_t *rq, void **upload)
{
	staff_status_t sst;
	const staff_t *s = page_staff_session(rq, &sst);
	if (!s || !subtitles_allowed(rq->app, s))
		return 404;
	struct subs_upload *u = calloc(1, sizeof(*u));
	if (!u)
		return 500;
	buf_init(&u->data, PAGE_SUBS_UPLOAD_MAX);
	*upload = u;
	return 0;
}

static int
subs_up_file_begin(void *upload, const mp_part_t *part)
{
	struct subs_upload *u = upload;
	(void)part;
	u->files++;
	return 0;
}

static int
subs_up_file_data(void *upload, const char *p, size_t n)
{
	struct subs_upload *u = upload;
	if (u->files == 1 && !u->too_large && buf_append(&u->data, p, n) != 0)
		u->too_large = true;   /* the buffer freed (and wiped) itself */
	return 0;
}

static int
subs_up_file_end(void *upload)
{
	(void)upload;
	return 0;
}

static void
subs_up_free(void *upload)
{
	struct subs_upload *u = upload;
	if (!u)
		return;
	buf_free(&u->data);
	free(u);
}

static uint64_t
subs_up_limit(const request_t *rq)
{
	(void)rq;
	return PAGE_SUBS_UPLOAD_MAX + 65536;
}

const upload_ops_t page_subs_upload = { subs_up_begin, subs_up_file_begin, subs_up_file_data, subs_up_file_end,
	subs_up_free, subs_up_limit };

void
page_staff_subtitles_import(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char lang[4], hex[33];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (!page_subs_lang(page_field(rq, "lang"), lang)) {
		rs->status = 404;
		return;
	}
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	struct subs_upload *u = rq->upload;
	sv_t fmt = page_field(rq, "format"), enc = page_field(rq, "encoding");
	subs_format_t format = sv_eq(fmt, SV("srt")) ? SUBS_SRT : SUBS_VTT;
	int encoding = sv_eq(enc, SV("windows-1251")) ? SRT_CP1251 : sv_eq(enc, SV("windows-1252")) ? SRT_CP1252 : SRT_UTF8_ONLY;
	const char *l = lang_code(rq->lang);
	if (!u || u->files == 0 || (!u->too_large && u->data.len == 0)) {
		http_redirectf(rs, 303, "/%s/staff/subtitles/%s?lang=%s&import_error=100#import", l, hex, lang);
		return;
	}
	if (u->too_large) {
		http_redirectf(rs, 303, "/%s/staff/subtitles/%s?lang=%s&import_error=%d#import", l, hex, lang, SUB_ERR_TOO_LARGE);
		return;
	}
	subs_import_t r;
	subs_status_t st = subtitles_import(rq->app, s, id, lang, (sv_t){ u->data.data, u->data.len }, format, encoding, &r);
	if (st == SUBS_OK)
		http_redirectf(rs, 303, "/%s/staff/subtitles/%s?lang=%s&done=imported", l, hex, lang);
	else if (st == SUBS_BAD_FILE)
		http_redirectf(rs, 303, "/%s/staff/subtitles/%s?lang=%s&import_error=%d&line=%zu#import", l, hex, lang, (int)r.err,
		    r.line);
	else if (st == SUBS_NOT_FOUND)
		rs->status = 404;
	else
		http_redirectf(rs, 303, "/%s/staff/subtitles/%s?lang=%s&error=%d", l, hex, lang, (int)st);
}

void
page_staff_subtitles_export(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char lang[4], q[16];
	case_file_out_t f;
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (!query_lang(rq, "lang", lang)) {
		rs->status = 404;
		return;
	}
	uint64_t version = 0;
	if (http_query(rq, "version", q, sizeof(q)) == 0 && num_parse_u64(sv_from_cstr(q), 1, UINT32_MAX, &version) != 0)
		version = 0;
	bool srt = http_query(rq, "format", q, sizeof(q)) == 0 && strcmp(q, "srt") == 0;
	memset(&f, 0, sizeof(f));
	buf_init(&f.data, (size_t)SUB_INPUT_MAX * 2);
	subs_status_t st = subtitles_export(rq->app, s, id, lang, (uint32_t)version, srt ? SUBS_SRT : SUBS_VTT, &f.data);
	if (st != SUBS_OK) {
		buf_free(&f.data);
		rs->status = st == SUBS_NOT_FOUND ? 404 : 500;
		return;
	}
	snprintf_cut(f.name, sizeof(f.name), "subtitles-%s-v%llu.%s", lang, (unsigned long long)version, srt ? "srt" : "vtt");
	page_download(rs, &f);
}

void
page_staff_subtitles_video(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	case_file_out_t f;
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	subs_status_t st = subtitles_video(rq->app, s, id, sv_from_cstr(rq->range), &f);
	if (st != SUBS_OK) {
		rs->status = st == SUBS_NOT_FOUND ? 404 : st == SUBS_BUSY ? 503 : 500;
		return;
	}
	/* in parts, as the player asks: a cue's preview seeks without the whole video in memory */
	page_inline_part(rs, &f, "video/mp4");
}

/* A burned-in render (shape=wide or tall: the video, in parts as a player asks) or the
 * text of its captions for the post (shape=text: a download). */
void
page_staff_subtitles_burn(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char lang[4], q[8];
	case_file_out_t f;
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	int shape = http_query(rq, "shape", q, sizeof(q)) != 0 ? -1
	    : strcmp(q, "wide") == 0                          ? SUBS_BURN_WIDE
	    : strcmp(q, "tall") == 0                          ? SUBS_BURN_TALL
	    : strcmp(q, "text") == 0                          ? SUBS_BURN_TEXT
	                                                      : -1;
	if (shape < 0 || !query_lang(rq, "lang", lang)) {
		rs->status = 404;
		return;
	}
	memset(&f, 0, sizeof(f));
	buf_t text;
	buf_init(&text, (size_t)SUB_INPUT_MAX * 2);
	subs_status_t st = subtitles_burn_file(rq->app, s, id, lang, shape, sv_from_cstr(rq->range), &f, &text);
	if (st != SUBS_OK) {
		buf_free(&text);
		rs->status = st == SUBS_NOT_FOUND ? 404 : st == SUBS_BUSY ? 503 : 500;
		return;
	}
	if (shape != SUBS_BURN_TEXT) {
		buf_free(&text);
		page_inline_part(rs, &f, "video/mp4");
		return;
	}
	f.data = text;
	snprintf_cut(f.name, sizeof(f.name), "%s-captions.txt", lang);
	page_download(rs, &f);
}

/* The waveform under the cue editor (a JPEG the media worker drew from the clean video). */
void
page_staff_subtitles_waveform(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	case_file_out_t f;
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	subs_status_t st = subtitles_waveform(rq->app, s, id, &f);
	if (st != SUBS_OK) {
		rs->status = st == SUBS_NOT_FOUND ? 404 : st == SUBS_BUSY ? 503 : 500;
		return;
	}
	page_inline_part(rs, &f, "image/jpeg");
}
