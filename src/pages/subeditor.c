/* subeditor: the cue editor of one appeal's subtitles in one language, without
 * JavaScript: a page of cues as one form (start, end, words), where every action (save,
 * add, split, merge, delete, move all) is a button of that form, so what was typed is
 * saved with it; the quality problems of each cue; the steps of the task; versions;
 * import and export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/subtitles.h"
#include "pages/staff_common.h"

const char *
page_subs_step_name(const request_t *rq, int kind)
{
	static const char *const names[] = { N_("waiting for the transcription"), N_("to transcribe"), N_("to translate"),
		N_("to review"), N_("to approve"), N_("done") };
	return i18n(rq->lang, kind >= 0 && kind <= 5 ? names[kind] : "");
}

static const char *
version_state_name(const request_t *rq, int state)
{
	static const char *const names[] = { N_("draft"), N_("in review"), N_("reviewed"), N_("approved") };
	return i18n(rq->lang, state >= 0 && state <= 3 ? names[state] : "");
}

/* Seconds as a media fragment wants them: "12.5". */
static void
fragment_time(uint32_t ms, char out[24])
{
	snprintf_cut(out, 24, "%u.%03u", ms / 1000, ms % 1000);
}

/* The transcription: a machine's draft, when the operator set one up. */
static void
transcribe_vars(tvars_t *v, const subs_view_t *sv, bool editable)
{
	if (editable && sv->is_source) {
		tvars_set_cstr(v, "transcriber", "1");
		tvars_set_cstr(v, !sv->transcriber ? "tr_off" : sv->transcribing == 1 ? "tr_running"
		        : sv->transcribing == 2 ? "tr_ready" : "tr_ask", "1");
		if (sv->transcriber && sv->transcribing == 3)
			tvars_set_cstr(v, "tr_failed", "1");
	}
}

/* The waveform (the media worker's, for the whole video) with this page's cues drawn on
 * it as boxes that link to their fields: timing seen without any script. */
static void
wave_vars(request_t *rq, tvars_t *v, const subs_view_t *sv, size_t from, size_t to, const char *hex, bool editable)
{
	const char *l = lang_code(rq->lang);
	if (sv->aids == STORE_BURN_WAITING || sv->aids == STORE_BURN_RUNNING) {
		tvars_set_cstr(v, "wave_waiting", "1");
		return;
	}
	if (sv->aids != STORE_BURN_DONE || sv->duration == 0)
		return;
	uint64_t total = (uint64_t)sv->duration * 1000;
	tvars_setf(v, "wave_href", "/%s/staff/subtitles/%s/waveform", l, hex);
	tvars_setf(v, "wave_w", "%d", SUBS_WAVE_W);
	tvars_setf(v, "wave_h", "%d", SUBS_WAVE_H);
	for (size_t i = from; i < to; i++) {
		const sub_cue_t *c = &sv->doc.cues[i];
		uint64_t a = c->start < total ? c->start : total, b = c->end < total ? c->end : total;
		tvars_t *it = tvars_add_item(v, "boxes");
		if (!it)
			return;
		tvars_setf(it, "cid", "%u", c->cid);
		tvars_setf(it, "n", "%zu", i + 1);
		tvars_setf(it, "x", "%llu", (unsigned long long)(a * SUBS_WAVE_W / total));
		tvars_setf(it, "w", "%llu", (unsigned long long)(b > a ? (b - a) * SUBS_WAVE_W / total + 1 : 1));
	}
	/* an empty transcription: its first cues can come from the pauses */
	if (editable && sv->is_source && sv->doc.ncues == 0)
		tvars_setf(v, "pauses_action", "/%s/staff/subtitles/%s/step", l, hex);
}

static void
cue_vars(const request_t *rq, tvars_t *it, const subs_view_t *sv, size_t i, const page_subs_errors_t *errs,
    const char *hex)
{
	bool give_back = errs->give_back;
	const sub_cue_t *c = &sv->doc.cues[i];
	char a[13], b[13], fa[24], fb[24], key[24];
	sub_time_format(c->start, '.', a);
	sub_time_format(c->end, '.', b);
	fragment_time(c->start, fa);
	fragment_time(c->end, fb);
	tvars_setf(it, "cid", "%u", c->cid);
	tvars_setf(it, "n", "%zu", i + 1);
	tvars_set_cstr(it, "start", a);
	tvars_set_cstr(it, "end", b);
	tvars_setf(it, "preview", "/%s/staff/subtitles/%s/video#t=%s,%s", lang_code(rq->lang), hex, fa, fb);
	if (give_back) {
		snprintf_cut(key, sizeof(key), "s_%u", c->cid);
		tvars_set(it, "start_in", page_field(rq, key));
		snprintf_cut(key, sizeof(key), "e_%u", c->cid);
		tvars_set(it, "end_in", page_field(rq, key));
		snprintf_cut(key, sizeof(key), "t_%u", c->cid);
		tvars_set(it, "text", page_field(rq, key));
	} else {
		tvars_set_cstr(it, "start_in", a);
		tvars_set_cstr(it, "end_in", b);
		tvars_set(it, "text", sub_cue_text(&sv->doc, c));
	}
	for (size_t k = 0; k < errs->n; k++)
		if (errs->cid[k] == c->cid)
			tvars_set_cstr(it, "error", errs->text[k]);
	if (!sv->is_source) {
		long si = c->src ? subv_find(&sv->source, c->src) : -1;
		if (si >= 0)
			tvars_set(it, "source_text", sub_cue_text(&sv->source, &sv->source.cues[si]));
		else
			tvars_set_cstr(it, "orphan", "1");
	}
	unsigned p = sv->problems[i];
	for (unsigned bit = 1; bit < (1u << SUBQC_KINDS); bit <<= 1) {
		if (!(p & bit))
			continue;
		tvars_t *q = tvars_add_item(it, "issues");
		if (!q)
			return;
		tvars_set_cstr(q, "name", i18n(rq->lang, subqc_name(bit)));
		tvars_set_cstr(q, "kind", (bit & SUBQC_ERRORS) ? "qc-error" : "qc-warning");
	}
}

static void
versions_vars(request_t *rq, tvars_t *v, const staff_t *s, const uint8_t id[16], const char *lang, const char *hex,
    bool may_restore)
{
	subs_version_row_t *rows = calloc(SUBS_VERSIONS_MAX, sizeof(*rows));
	size_t n = 0;
	char when[32];
	if (!rows || subtitles_versions(rq->app, s, id, lang, rows, &n) != SUBS_OK)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		tvars_t *it = tvars_add_item(v, "versions");
		if (!it)
			break;
		tvars_setf(it, "number", "%u", rows[i].version);
		tvars_set_cstr(it, "state", version_state_name(rq, rows[i].state));
		tvars_set_cstr(it, "author", rows[i].author);
		page_when(rq->lang, rows[i].hour, when);
		tvars_set_cstr(it, "when", when);
		tvars_setf(it, "view_href", "/%s/staff/subtitles/%s?lang=%s&version=%u", lang_code(rq->lang), hex, lang,
		    rows[i].version);
		if (may_restore && i > 0)
			tvars_set_cstr(it, "restore", "1");
	}
	free(rows);
}

void
page_subs_editor(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], const char *lang,
    uint32_t version, uint64_t page, const char *notice, const page_subs_errors_t *errs_in, int status)
{
	subs_view_t sv;
	page_subs_errors_t none = { .n = 0 };
	const page_subs_errors_t *errs = errs_in ? errs_in : &none;
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	subs_status_t st = subtitles_view(rq->app, s, id, lang, version, &sv);
	if (st != SUBS_OK) {
		rs->status = st == SUBS_NOT_FOUND ? 404 : 500;
		return;
	}
	tvars_t *v = page_staff_vars(rq);
	if (!v) {
		subtitles_view_free(&sv);
		rs->status = 500;
		return;
	}
	const char *l = lang_code(rq->lang);
	tvars_set_cstr(v, "lang", lang);
	tvars_set_cstr(v, "src", sv.src);
	tvars_set_cstr(v, "appeal", hex);
	tvars_setf(v, "video_href", "/%s/staff/subtitles/%s/video", l, hex);
	tvars_setf(v, "back_href", "/%s/staff/subtitles/%s", l, hex);
	tvars_setf(v, "queue_href", "/%s/staff/subtitles", l);
	tvars_setf(v, "step_action", "/%s/staff/subtitles/%s/step", l, hex);
	tvars_setf(v, "edit_action", "/%s/staff/subtitles/%s/edit", l, hex);
	tvars_setf(v, "import_action", "/%s/staff/subtitles/%s/import", l, hex);
	tvars_setf(v, "take_action", "/%s/staff/subtitles", l);
	if (sv.is_source)
		tvars_set_cstr(v, "timed", "1");
	if (sv.exists) {
		tvars_setf(v, "version", "%u", sv.version);
		tvars_setf(v, "newest", "%u", sv.newest);
		tvars_set_cstr(v, "vstate", version_state_name(rq, sv.state));
		tvars_set_cstr(v, "author", sv.author);
		if (sv.reviewer[0])
			tvars_set_cstr(v, "reviewer", sv.reviewer);
		if (sv.approver[0])
			tvars_set_cstr(v, "approver", sv.approver);
		tvars_setf(v, "export_vtt", "/%s/staff/subtitles/%s/export?lang=%s&format=vtt&version=%u", l, hex, lang,
		    sv.version);
		tvars_setf(v, "export_srt", "/%s/staff/subtitles/%s/export?lang=%s&format=srt&version=%u", l, hex, lang,
		    sv.version);
	}
	tvars_setf(v, "errors", "%zu", sv.errors);
	tvars_setf(v, "warnings", "%zu", sv.warnings);
	if (sv.orphans)
		tvars_setf(v, "orphans", "%zu", sv.orphans);
	if (sv.has_task) {
		char tid[33];
		sodium_bin2hex(tid, sizeof(tid), sv.task.id, 16);
		tvars_set_cstr(v, "task_id", tid);
		tvars_set_cstr(v, "step", page_subs_step_name(rq, sv.task.kind));
		if (sv.task.taken_by_me)
			tvars_set_cstr(v, "taken_by_me", "1");
		else if (sv.task.taken)
			tvars_set_cstr(v, "taken_other", "1");
		if (sv.task.kind >= STORE_SUBTASK_TRANSCRIBE && sv.task.kind <= STORE_SUBTASK_APPROVE && !sv.task.taken)
			tvars_set_cstr(v, "may_take", "1");
	}
	if (sv.may_submit)
		tvars_set_cstr(v, "may_submit", "1");
	if (sv.may_review)
		tvars_set_cstr(v, "may_review", "1");
	if (sv.may_approve) {
		tvars_set_cstr(v, "may_approve", "1");
		if (sv.errors)
			tvars_set_cstr(v, "errors_block", "1");
	}
	bool editable = sv.may_edit;
	if (editable)
		tvars_set_cstr(v, "editable", "1");
	/* this page's cues */
	size_t from = (size_t)(page - 1) * PAGE_SUBS_CUES, to = from + PAGE_SUBS_CUES;
	if (to > sv.doc.ncues)
		to = sv.doc.ncues;
	buf_t ids;
	buf_init(&ids, PAGE_SUBS_CUES * 12);
	for (size_t i = from; i < to; i++) {
		tvars_t *it = tvars_add_item(v, "cues");
		if (!it)
			break;
		cue_vars(rq, it, &sv, i, errs, hex);
		if (buf_appendf(&ids, "%s%u", i > from ? "," : "", sv.doc.cues[i].cid) != 0)
			break;
	}
	tvars_set(v, "cue_ids", buf_sv(&ids));
	buf_free(&ids);
	wave_vars(rq, v, &sv, from, to, hex, editable);
	transcribe_vars(v, &sv, editable);
	tvars_setf(v, "page", "%llu", (unsigned long long)page);
	tvars_set(v, "shift", errs->give_back ? page_field(rq, "shift") : SV(""));
	char qs[64];
	snprintf_cut(qs, sizeof(qs), "lang=%s", lang);
	char path[80];
	snprintf_cut(path, sizeof(path), "/staff/subtitles/%s", hex);
	page_nav_vars(rq, v, path, qs, page, to < sv.doc.ncues);
	tvars_setf(v, "cue_count", "%zu", sv.doc.ncues);
	/* every problem of the version, with its cue's page */
	for (size_t i = 0; i < sv.doc.ncues; i++) {
		if (!sv.problems[i])
			continue;
		tvars_t *it = tvars_add_item(v, "all_problems");
		if (!it)
			break;
		tvars_setf(it, "n", "%zu", i + 1);
		tvars_setf(it, "href", "/%s/staff/subtitles/%s?lang=%s&page=%zu#c%u", l, hex, lang, i / PAGE_SUBS_CUES + 1,
		    sv.doc.cues[i].cid);
		buf_t names;
		buf_init(&names, 512);
		for (unsigned bit = 1; bit < (1u << SUBQC_KINDS); bit <<= 1)
			if ((sv.problems[i] & bit) && ((names.len && buf_append_cstr(&names, "; ") != 0) ||
			                                  buf_append_cstr(&names, i18n(rq->lang, subqc_name(bit))) != 0))
				break;
		tvars_set(it, "names", buf_sv(&names));
		buf_free(&names);
	}
	for (size_t k = 0; k < errs->n; k++) {
		tvars_t *it = tvars_add_item(v, "problems");
		if (!it)
			break;
		tvars_setf(it, "href", "#c%u", errs->cid[k]);
		tvars_set_cstr(it, "text", errs->text[k]);
		tvars_set_cstr(v, "has_problems", "1");
	}
	if (errs->summary[0]) {
		tvars_t *it = tvars_add_item(v, "problems");
		if (it) {
			tvars_set_cstr(it, "href", errs->summary_anchor[0] ? errs->summary_anchor : "#cues");
			tvars_set_cstr(it, "text", errs->summary);
		}
		tvars_set_cstr(v, "has_problems", "1");
	}
	versions_vars(rq, v, s, id, lang, hex, editable);
	if (notice)
		tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
	subtitles_view_free(&sv);
	page_render(rq, rs, "staff_subtitles_edit", N_("Subtitles"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

/* ---- the form's POST ---- */

/* "split:12" into the op and the cue. */
static int
op_parse(sv_t f, int *op, uint32_t *cid)
{
	static const struct {
		const char *name;
		int op;
	} ops[] = { { "save", SUBS_OP_SAVE }, { "shift", SUBS_OP_SHIFT }, { "add", SUBS_OP_ADD }, { "split", SUBS_OP_SPLIT },
		{ "merge", SUBS_OP_MERGE }, { "delete", SUBS_OP_DELETE } };
	sv_t name, arg;
	bool has = sv_split(f, ':', &name, &arg);
	uint64_t n = 0;
	if (has && num_parse_u64(arg, 0, UINT32_MAX, &n) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (sv_eq_cstr(name, ops[i].name)) {
			*op = ops[i].op;
			*cid = (uint32_t)n;
			return 0;
		}
	return -1;
}

void
page_staff_subtitles_edit(request_t *rq, response_t *rs)
{
	uint8_t id[16];
	char lang[4];
	const staff_t *s = page_need_staff_id(rq, rs, id);
	if (!s)
		return;
	if (!page_subs_lang(page_field(rq, "lang"), lang)) {
		rs->status = 404;
		return;
	}
	uint64_t page = 1;
	if (num_parse_u64(page_field(rq, "page"), 1, 100000, &page) != 0)
		page = 1;
	int op = SUBS_OP_SAVE;
	uint32_t cid = 0;
	sv_t opf = page_field(rq, "op");
	if (opf.len && op_parse(opf, &op, &cid) != 0) {
		rs->status = 400;
		return;
	}
	/* the cues of the form */
	subv_edit_t edits[PAGE_SUBS_CUES];
	size_t n = 0;
	page_subs_errors_t errs = { .n = 0, .give_back = true };
	sv_t list = page_field(rq, "cues"), head, tail;
	while (list.len && n < PAGE_SUBS_CUES) {
		if (!sv_split(list, ',', &head, &tail))
			head = list, tail = SV_NULL;
		list = tail;
		uint64_t c;
		char key[24];
		if (num_parse_u64(head, 1, UINT32_MAX, &c) != 0)
			continue;
		subv_edit_t *e = &edits[n++];
		e->cid = (uint32_t)c;
		snprintf_cut(key, sizeof(key), "s_%u", e->cid);
		bool bad = sub_time_parse(page_field(rq, key), &e->start) != 0;
		snprintf_cut(key, sizeof(key), "e_%u", e->cid);
		bad = sub_time_parse(page_field(rq, key), &e->end) != 0 || bad;
		snprintf_cut(key, sizeof(key), "t_%u", e->cid);
		e->text = page_field(rq, key);
		if (!page_field(rq, key).len && !form_get(&rq->form, key))
			n--;   /* a cue not on this form */
		const char *why = e->text.len > SUB_TEXT_MAX ? N_("These words are too long for one cue.")
		    : bad                                    ? N_("Write the times as minutes:seconds.milliseconds, for example 01:02.500.")
		                                             : NULL;
		if (why && errs.n < PAGE_SUBS_CUES) {
			errs.cid[errs.n] = e->cid;
			snprintf_cut(errs.text[errs.n], sizeof(errs.text[0]), "%s", i18n(rq->lang, why));
			errs.n++;
		}
	}
	int64_t shift = 0;
	if (op == SUBS_OP_SHIFT) {
		sv_t f = sv_trim_ows(page_field(rq, "shift"));
		bool neg = f.len && f.p[0] == '-';
		uint64_t ms;
		if (neg)
			f.p++, f.len--;
		if (num_parse_u64(f, 1, 3600000, &ms) != 0) {
			snprintf_cut(errs.summary, sizeof(errs.summary), "%s",
			    i18n(rq->lang, N_("Write how many milliseconds to move every cue: a whole number, up to 3600000, "
			                      "negative to move them earlier.")));
			snprintf_cut(errs.summary_anchor, sizeof(errs.summary_anchor), "#shift");
		}
		shift = neg ? -(int64_t)ms : (int64_t)ms;
	}
	if (errs.n || errs.summary[0]) {
		page_subs_editor(rq, rs, s, id, lang, 0, page, NULL, &errs, 400);
		return;
	}
	subs_edit_t e = { op, cid, (int32_t)shift, edits, n };
	uint32_t version;
	subs_status_t st = subtitles_edit(rq->app, s, id, lang, &e, &version);
	if (st == SUBS_OK) {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		http_redirectf(rs, 303, "/%s/staff/subtitles/%s?lang=%s&page=%llu&done=saved", lang_code(rq->lang), hex, lang,
		    (unsigned long long)page);
		return;
	}
	if (st == SUBS_NOT_FOUND && op == SUBS_OP_SAVE) {
		rs->status = 404;
		return;
	}
	snprintf_cut(errs.summary, sizeof(errs.summary), "%s", i18n(rq->lang, page_subs_status_text(st)));
	page_subs_editor(rq, rs, s, id, lang, 0, page, NULL, &errs, st == SUBS_ERROR ? 500 : 409);
}
