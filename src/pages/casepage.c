/* casepage: what the requester's pages and the staff's request pages share: the upload
 * hooks of multipart forms, the checks of a message and its files, the conversation as
 * template values, and a decrypted file as a download. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "domain/casework.h"
#include "pages/pages.h"

/* ---- uploads ---- */

static int
up_new(request_t *rq, void **upload)
{
	*upload = upload_new(rq->app);
	return *upload ? 0 : 503;
}

int
page_up_no_session(request_t *rq, void **upload, staff_status_t st)
{
	if (st == STAFF_ERROR)
		return 500;
	/* the session ended while she wrote: files dropped unread, the text read, so that
	 * the login page can carry it (staff_resume.c) */
	*upload = upload_new_discard(rq->app);
	return *upload ? 0 : 503;
}

/* The help form: files only while a request would be taken. Otherwise (too many at once,
 * the service closed) the files are dropped unread and the text still read, so that the
 * page gives it back instead of a bare 503. */
static int
up_begin_help(request_t *rq, void **upload)
{
	if (intake_admit(rq->app) == INTAKE_OK)
		return up_new(rq, upload);
	*upload = upload_new_refused(rq->app);
	return *upload ? 0 : 503;
}

/* A mailbox reply: files only with a live mailbox session. Without one (the mailbox
 * closed while he wrote) the files are dropped unread and the text still read, so the page
 * can give it back beside the receipt field. */
static int
up_begin_mailbox(request_t *rq, void **upload)
{
	const mailbox_t *m;
	int have = page_mailbox_session(rq, &m);
	if (have > 0)
		return up_new(rq, upload);
	if (have < 0)
		return 500;
	*upload = upload_new_discard(rq->app);
	return *upload ? 0 : 503;
}

/* A staff reply: files only from someone who can open the request (others get the
 * page's 404). */
static int
up_begin_staff(request_t *rq, void **upload)
{
	staff_status_t st;
	const staff_t *s;
	uint8_t id[16];
	if (page_id_param(rq, id) != 0)
		return 404;
	if ((s = page_staff_session(rq, &st)) == NULL)
		return page_up_no_session(rq, upload, st);
	return casework_may_write(rq->app, s, id) ? up_new(rq, upload) : 404;
}

static int
up_status(int rc)
{
	return rc == 0 ? 0 : rc == UPLOAD_NO_ROOM ? 503 : 500;
}

int
page_up_file_begin(void *u, const mp_part_t *part)
{
	return up_status(upload_file_begin(u, part->filename, part->content_type, part->length_if_last));
}

int
page_up_file_data(void *u, const char *p, size_t n)
{
	return up_status(upload_file_data(u, p, n));
}

int
page_up_file_end(void *u)
{
	return up_status(upload_file_end(u));
}

void
page_up_free(void *u)
{
	upload_free(u);
}

/* Every file at its largest, and a form's worth of text around them. */
static uint64_t
up_limit(const request_t *rq)
{
	const config_t *c = &rq->app->config;
	return (uint64_t)c->max_files * ((uint64_t)c->max_file_mb << 20) + ((uint64_t)1 << 20);
}

const upload_ops_t page_help_upload = { up_begin_help, page_up_file_begin, page_up_file_data, page_up_file_end, page_up_free, up_limit };
const upload_ops_t page_mailbox_upload = { up_begin_mailbox, page_up_file_begin, page_up_file_data, page_up_file_end, page_up_free,
	up_limit };
const upload_ops_t page_staff_upload = { up_begin_staff, page_up_file_begin, page_up_file_data, page_up_file_end, page_up_free, up_limit };

/* ---- checks ---- */

sv_t
page_field(const request_t *rq, const char *name)
{
	const sv_t *v = form_get(&rq->form, name);
	return v ? *v : SV("");
}

void
page_problem_add(page_problems_t *p, const char *anchor, const char *text)
{
	if (p->n < PAGE_PROBLEMS_MAX) {
		p->items[p->n].anchor = anchor;
		snprintf_cut(p->items[p->n].text, sizeof(p->items[p->n].text), "%s", text);
		p->n++;
	}
}

void
page_check_message(const request_t *rq, bool required, page_problems_t *p)
{
	const config_t *c = &rq->app->config;
	const upload_t *u = rq->upload;
	char text[400];
	sv_t m = page_field(rq, "message");
	switch (rule_message(rq->app, m, required, upload_count(u))) {
	case RULE_OK:
		break;
	case RULE_EMPTY:
		p->message = true;
		page_problem_add(p, "message", i18n(rq->lang, N_("Write your message. It can be short.")));
		break;
	default:
		p->message = true;
		snprintf_cut(text, sizeof(text), "%s (%zu / %u)",
		    i18n(rq->lang, N_("Your message is too long. Shorten it, or send the rest later as a reply from your mailbox.")),
		    rule_chars(m), c->message_max);
		page_problem_add(p, "message", text);
		break;
	}
	if (u && upload_too_many(u)) {
		p->files = true;
		snprintf_cut(text, sizeof(text), "%s %u", i18n(rq->lang, N_("Too many files. The most you can send at once:")),
		    c->max_files);
		page_problem_add(p, "attachment", text);
	}
	if (u && upload_too_large(u)) {
		p->files = true;
		snprintf_cut(text, sizeof(text), "%s %u", i18n(rq->lang, N_("A file is too large. The largest file you can send, in MB:")),
		    c->max_file_mb);
		page_problem_add(p, "attachment", text);
	}
}

void
page_rule_problem(const request_t *rq, page_problems_t *p, const char *anchor, rule_t r, const char *empty_msgid,
    size_t max_chars, bool *flag)
{
	char text[300];
	switch (r) {
	case RULE_OK:
		return;
	case RULE_EMPTY:
		page_problem_add(p, anchor, i18n(rq->lang, empty_msgid));
		break;
	case RULE_NOT_LISTED:
		page_problem_add(p, anchor, i18n(rq->lang, N_("Choose one of the options in the list.")));
		break;
	case RULE_TOO_LONG:
		snprintf_cut(text, sizeof(text), "%s %zu", i18n(rq->lang, N_("This answer is too long. The most characters that fit:")),
		    max_chars);
		page_problem_add(p, anchor, text);
		break;
	}
	if (flag)
		*flag = true;
}

tvars_t *
page_form_vars(request_t *rq)
{
	char token[64];
	tvars_t *v = tvars_new();
	if (!v)
		return NULL;
	if (http_csrf_token(rq, token) == 0)
		tvars_set_cstr(v, "csrf", token);
	sodium_memzero(token, sizeof(token));
	return v;
}

void
page_form_render(request_t *rq, response_t *rs, const char *tmpl, const char *title, tvars_t *v,
    const page_problems_t *p, const char *notice, int status)
{
	if (v && p)
		page_problems_vars(rq, v, p);
	if (v && notice)
		tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
	page_render(rq, rs, tmpl, title, v);
	if (status && rs->status == 0)
		rs->status = status;
}

void
page_receipt_grouped(const char *digits, char out[PAGE_RECEIPT_SHOWN])
{
	size_t n = strnlen(digits, RECEIPT_DIGITS_MAX), k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && i % 4 == 0)
			out[k++] = ' ';
		out[k++] = digits[i];
	}
	out[k] = '\0';
}

void
page_problems_vars(const request_t *rq, tvars_t *v, const page_problems_t *p)
{
	for (size_t i = 0; i < p->n; i++) {
		tvars_t *it = tvars_add_item(v, "problems");
		if (!it)
			return;
		tvars_setf(it, "href", "#%s", p->items[i].anchor);
		tvars_set_cstr(it, "text", p->items[i].text);
		tvars_set_cstr(v, "has_problems", "1");
		char key[64];
		if (snprintf_ok(key, sizeof(key), "%s_error", p->items[i].anchor))
			tvars_set_cstr(v, key, p->items[i].text);
	}
	/* a browser cannot keep chosen files across a new page: say so */
	if (p->n && rq->upload && (upload_count(rq->upload) > 0 || p->files))
		tvars_set_cstr(v, "files_dropped", "1");
}

void
page_receipt_vars(tvars_t *v, const char *digits)
{
	char shown[PAGE_RECEIPT_SHOWN];
	page_receipt_grouped(digits, shown);
	/* two groups of four a line ("1234 5678"), each line kept whole: at 360 px the
	 * receipt never wraps inside a group */
	size_t len = strlen(shown);
	for (size_t at = 0; v && at < len; at += 10) {
		tvars_t *it = tvars_add_item(v, "receipt_lines");
		if (it)
			tvars_setf(it, "line", "%.*s", (int)(len - at < 9 ? len - at : 9), shown + at);
	}
	sodium_memzero(shown, sizeof(shown));
}

/* ---- the conversation ---- */

/* Belarus keeps UTC+3 all year (no summer time since 2011): "today" is Minsk's day. */
#define PAGE_DAY_OFFSET_HOURS 3
#define PAGE_DAYS_RELATIVE 60   /* past this, the date itself says more than "N days ago" */

void
page_count_text(lang_t lang, const char *one, const char *many, unsigned long n, char *out, size_t outlen)
{
	/* The number goes where the translation has "%u", by hand and not through printf:
	 * a catalog is never a format string. */
	const char *t = i18n_n(lang, one, many, n);
	const char *at = strstr(t, "%u");
	if (!at) {
		snprintf_cut(out, outlen, "%s", t);
		return;
	}
	snprintf_cut(out, outlen, "%.*s%lu%s", (int)(at - t), t, n, at + 2);
}

void
page_fill_n(const char *msg, const char *n, char *out, size_t outlen)
{
	const char *at = strstr(msg, "{N}");
	if (at)
		snprintf_cut(out, outlen, "%.*s%s%s", (int)(at - msg), msg, n, at + 3);
	else
		snprintf_cut(out, outlen, "%s", msg);
}

void
page_when(lang_t lang, int64_t hour, char out[32])
{
	int64_t now = clock_hour();
	int64_t days = (now + PAGE_DAY_OFFSET_HOURS) / 24 - (hour + PAGE_DAY_OFFSET_HOURS) / 24;
	if (days <= 0)   /* a clock set back shows as today, never as the future */
		snprintf_cut(out, 32, "%s", i18n(lang, N_("today")));
	else if (days == 1)
		snprintf_cut(out, 32, "%s", i18n(lang, N_("yesterday")));
	else if (days <= PAGE_DAYS_RELATIVE)
		page_count_text(lang, NN_("%u day ago", "%u days ago"), (unsigned long)days, out, 32);
	else {
		time_t t = (time_t)((hour + PAGE_DAY_OFFSET_HOURS) * 3600);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(out, 32, "%Y-%m-%d", &tm);
	}
}

/* The size in the reader's units; false when it does not fit (the page then shows none). */
static bool
size_text(const request_t *rq, uint64_t n, char out[48])
{
	if (n < 1024)
		return snprintf_ok(out, 48, "%llu %s", (unsigned long long)n, i18n(rq->lang, N_("B")));
	if (n < 1024 * 1024)
		return snprintf_ok(out, 48, "%llu %s", (unsigned long long)((n + 1023) / 1024), i18n(rq->lang, N_("KB")));
	return snprintf_ok(out, 48, "%.1f %s", (double)n / (1024.0 * 1024.0), i18n(rq->lang, N_("MB")));
}

void
page_view_vars(const request_t *rq, tvars_t *v, const case_view_t *cv, const char *file_prefix, bool staff)
{
	page_view_vars_files(rq, v, cv, file_prefix, staff, NULL, NULL);
}

void
page_view_vars_files(const request_t *rq, tvars_t *v, const case_view_t *cv, const char *file_prefix, bool staff,
    void (*file_fn)(void *ctx, tvars_t *item, const case_file_t *f), void *ctx)
{
	char when[32], hex[33], size[48];
	static const char *const status_msgids[] = { N_("Received"), N_("In progress"), N_("Closed") };
	tvars_set_cstr(v, "status", i18n(rq->lang, status_msgids[cv->status]));
	if (cv->status == STATUS_CLOSED)
		tvars_set_cstr(v, "closed", "1");
	if (cv->incomplete)
		tvars_set_cstr(v, "incomplete", "1");
	for (size_t i = 0; i < cv->nmsgs; i++) {
		const case_msg_t *m = &cv->msgs[i];
		tvars_t *it = tvars_add_item(v, "messages");
		if (!it)
			return;
		bool mine = (m->role == CASE_ROLE_REQUESTER) != staff;
		tvars_set_cstr(it, "class", m->role == CASE_ROLE_REQUESTER ? "from-requester" : "from-staff");
		const char *who = m->role != CASE_ROLE_REQUESTER ? N_("Volunteers") : staff ? N_("The requester") : N_("You");
		tvars_set_cstr(it, "who", i18n(rq->lang, who));
		if (mine)
			tvars_set_cstr(it, "mine", "1");
		page_when(rq->lang, m->hour, when);
		tvars_set_cstr(it, "when", when);
		tvars_set(it, "text", buf_sv(&m->text));
		for (size_t k = 0; k < m->nfiles; k++) {
			tvars_t *f = tvars_add_item(it, "files");
			if (!f)
				return;
			sodium_bin2hex(hex, sizeof(hex), m->files[k].id, 16);
			tvars_setf(f, "href", "%s%s", file_prefix, hex);
			tvars_set_cstr(f, "name", m->files[k].name);
			if (size_text(rq, m->files[k].size, size))
				tvars_set_cstr(f, "size", size);
			if (file_fn)
				file_fn(ctx, f, &m->files[k]);
		}
	}
}

/* ---- downloads ---- */

void
page_download(response_t *rs, case_file_out_t *f)
{
	/* An ASCII fallback name, and the real one percent-encoded (RFC 6266, 5987). The
	 * content is never rendered here: a download of opaque bytes, whatever it claims. */
	char ascii[120];
	size_t na = 0, len = strlen(f->name);
	buf_t enc;
	for (size_t i = 0; i < len && na < sizeof(ascii) - 1; i++) {
		unsigned char c = (unsigned char)f->name[i];
		ascii[na++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		        c == '-' || c == '_' ? (char)c : '_';
	}
	ascii[na] = '\0';
	buf_init(&enc, 3 * 300);
	bool encoded = len && buf_append_pct(&enc, f->name, len < 300 ? len : 300) == 0;
	if (!snprintf_ok(rs->disposition, sizeof(rs->disposition), "attachment; filename=\"%s\"; filename*=UTF-8''%s",
	        na ? ascii : "attachment", encoded ? enc.data : "attachment"))
		memcpy(rs->disposition, "attachment", sizeof("attachment"));   /* still a download, unnamed */
	buf_free(&enc);
	rs->content_type = "application/octet-stream";
	buf_free(&rs->body);
	rs->body = f->data;   /* taken over: wiped when sent */
	buf_init(&f->data, 0);
	rs->released = intake_file_release;
	rs->reserved = f->reserved;
	f->reserved = 0;
	sodium_memzero(f->name, sizeof(f->name));
}

void
page_inline(response_t *rs, case_file_out_t *f, const char *content_type)
{
	memcpy(rs->disposition, "inline", sizeof("inline"));
	rs->content_type = content_type;
	buf_free(&rs->body);
	rs->body = f->data;   /* taken over: wiped when sent */
	buf_init(&f->data, 0);
	rs->released = intake_file_release;
	rs->reserved = f->reserved;
	f->reserved = 0;
	sodium_memzero(f->name, sizeof(f->name));
}

void
page_inline_part(response_t *rs, case_file_out_t *f, const char *content_type)
{
	rs->accept_ranges = true;
	if (f->range == RANGE_UNSATISFIABLE) {
		rs->status = 416;
		if (!snprintf_ok(rs->content_range, sizeof(rs->content_range), "bytes */%llu",
		        (unsigned long long)f->total))
			rs->content_range[0] = '\0';
		return;
	}
	if (f->range == RANGE_ONE) {
		uint64_t last = f->first + f->data.len - 1;
		rs->status = 206;
		if (!snprintf_ok(rs->content_range, sizeof(rs->content_range), "bytes %llu-%llu/%llu",
		        (unsigned long long)f->first, (unsigned long long)last, (unsigned long long)f->total)) {
			rs->status = 500;
			rs->content_range[0] = '\0';
			buf_free(&f->data);
			intake_file_release(f->reserved);
			f->reserved = 0;
			return;
		}
	}
	page_inline(rs, f, content_type);
}

int
page_id_from_hex(sv_t hex, uint8_t id[16])
{
	size_t n = 0;
	return (hex.len == 32 && sodium_hex2bin(id, 16, hex.p, hex.len, NULL, &n, NULL) == 0 && n == 16) ? 0 : -1;
}

int
page_id_param(const request_t *rq, uint8_t id[16])
{
	return page_id_from_hex(rq->param, id);
}

/* ---- paged lists ---- */

uint64_t
page_number(const request_t *rq, uint64_t max)
{
	char b[16];
	uint64_t page = 1;
	if (http_query(rq, "page", b, sizeof(b)) == 0 && num_parse_u64(sv_from_cstr(b), 1, max, &page) != 0)
		page = 1;
	return page;
}

void
page_nav_vars(const request_t *rq, tvars_t *v, const char *path, const char *qs, uint64_t page, bool more)
{
	const char *amp = qs && qs[0] ? "&" : "";
	if (page > 1)
		tvars_setf(v, "prev_href", "/%s%s?%s%spage=%llu", lang_code(rq->lang), path, qs ? qs : "", amp,
		    (unsigned long long)page - 1);
	if (more)
		tvars_setf(v, "next_href", "/%s%s?%s%spage=%llu", lang_code(rq->lang), path, qs ? qs : "", amp,
		    (unsigned long long)page + 1);
}
