/* page: the template registry, the layout around every page, and the error pages. Fills
 * response bodies only: the HTTP layer turns them into responses (and builds, once, those
 * that are the same for everyone). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/diskfull.h"
#include "core/embed.h"
#include "domain/staff.h"
#include "pages/staff_common.h"

#define KEY_RECREATED_DAYS 30   /* how long staff pages show that the triage key was re-created */

static const char *const page_template_names[] = {
	"layout", "landing", "article", "help", "mailbox", "error",
	"staff_login", "staff_home", "staff_enroll", "staff_sessions", "staff_passphrase", "staff_recover",
	"staff_accounts", "staff_revoke", "staff_groups", "staff_audit", "receipt", "mailbox_view", "mailbox_left", "staff_resume",
	"staff_requests", "staff_request", "staff_shred", "staff_profile", "staff_account", "staff_cases",
	"volunteer", "staff_applications", "staff_application", "staff_application_done", "staff_application_reject",
	"appeal", "appeal_status", "appeals", "appeal_public", "staff_appeals", "staff_appeal", "staff_appeal_new",
	"staff_testimonies", "staff_testimony", "staff_testimony_new", "staff_testimony_from", "stories", "story",
	"drop", "staff_drops", "staff_drop", "staff_subtitles", "staff_subtitles_appeal",
	"staff_subtitles_edit",
	"staff_reach", "staff_reach_import", "staff_reach_import_remove", "staff_campaign", "campaign", "staff_assign_confirm",
};
#define PAGE_TEMPLATES (sizeof(page_template_names) / sizeof(page_template_names[0]))
static tmpl_t *page_templates[PAGE_TEMPLATES];

static const struct {
	int status;
	const char *title;
	const char *text;
} page_error_texts[] = {
	{ 400, N_("This request could not be understood"),
	  N_("Something in the address or the form was not valid. Nothing was saved. Go back and try again.") },
	{ 403, N_("This form has expired"),
	  N_("For your safety, a form works only on the page it came from. Nothing was saved. Go back, reload the page and send the form again.") },
	{ 404, N_("Page not found"),
	  N_("There is no page at this address. Check the address, or start again from the home page.") },
	{ 405, N_("This action is not possible here"),
	  N_("This page cannot be used that way. Go back and use the links and buttons on the page.") },
	{ 413, N_("What you sent is too large"),
	  N_("Nothing was saved. Shorten the text or send fewer or smaller files, then try again.") },
	{ 414, N_("The address is too long"),
	  N_("This address is longer than sava accepts. Start again from the home page.") },
	{ 415, N_("This form was sent in a way sava does not accept"),
	  N_("Nothing was saved. Go back, reload the page and send the form again.") },
	{ 431, N_("The request is too large"),
	  N_("Your browser sent more information with this request than sava accepts. Clear this site's cookies, then try again.") },
	{ 500, N_("Something went wrong on our side"),
	  N_("Nothing you sent was saved. Please try again in a few minutes.") },
	{ 503, N_("The service is busy"),
	  N_("Too many people are using it right now. Nothing was saved. Please try again in a minute.") },
};

const tmpl_t *
pages_template(const char *name)
{
	for (size_t i = 0; i < PAGE_TEMPLATES; i++)
		if (strcmp(page_template_names[i], name) == 0)
			return page_templates[i];
	return NULL;
}

/* The layout around body: language switcher (same page, other languages), the test
 * instance banner, navigation; on staff pages, while a write has just failed for lack of
 * space, a line under the H1 that says the disk is full. */
static int
page_layout(request_t *rq, const char *title, sv_t body, buf_t *out)
{
	tvars_t *v = tvars_new();
	if (!v)
		return -1;
	const char *code = lang_code(rq->lang);
	tvars_set_cstr(v, "lang", code);
	/* A page that shows an error summary says so first in its title, which is what a
	 * screen reader reads first (GOV.UK's pattern). */
	if (memmem(body.p, body.len, "class=\"error-summary\"", 21))
		tvars_setf(v, "title", "%s %s", i18n(rq->lang, N_("Error:")), i18n(rq->lang, title));
	else
		tvars_set_cstr(v, "title", i18n(rq->lang, title));
	size_t head = 0;   /* body up to the end of its H1: banners go after it */
	const char *h1 = memmem(body.p, body.len, "</h1>", 5);
	if (h1)
		head = (size_t)(h1 - body.p) + 5;
	if (rq->banner)
		tvars_set_cstr(v, "banner", i18n(rq->lang, rq->banner));
	/* staff notices only for a verified session: a visitor of the login page must learn
	 * neither that the disk is full nor who holds the triage key */
	if (rq->staff_page && diskfull_recent())
		tvars_set_cstr(v, "disk_full", "1");
	tvars_set_html(v, "content_head", (sv_t){ body.p, head });
	tvars_set_html(v, "content", (sv_t){ body.p + head, body.len - head });
	tvars_setf(v, "home", "/%s/", code);
	tvars_set_cstr(v, "css_href", pages_css_href());
	tvars_setf(v, "guide_href", "/%s/guide", code);
	tvars_setf(v, "about_href", "/%s/about", code);
	tvars_setf(v, "help_href", "/%s/help", code);
	tvars_setf(v, "mailbox_href", "/%s/mailbox", code);
	tvars_setf(v, "appeals_href", "/%s/appeals", code);
	tvars_setf(v, "stories_href", "/%s/stories", code);
	tvars_setf(v, "drop_href", "/%s/drop", code);
	tvars_set_cstr(v, "exit_url", rq->app->config.exit_url);
	/* in an open mailbox, leaving for the neutral site also closes it: whoever takes the
	 * phone next cannot press Back into the conversation */
	char exit_csrf[64];
	if (rq->exit_leaves && http_csrf_token(rq, exit_csrf) == 0) {
		tvars_set_cstr(v, "exit_form", "1");
		tvars_set_cstr(v, "exit_csrf", exit_csrf);
		tvars_setf(v, "exit_action", "/%s/mailbox/leave", code);
	}
	if (rq->app->test_instance)
		tvars_set_cstr(v, "test_instance", "1");
	/* Staff pages say for a while that the triage key was re-created by an operator's
	 * reset, by whom and when: an infiltrator's reset cannot pass unseen. */
	int64_t hour = 0;
	char by[33];
	if (rq->staff_page && staff_group_recreated(rq->app, "triage", KEY_RECREATED_DAYS, &hour, by) == 1) {
		char day[16];
		time_t t = (time_t)hour * 3600;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		tvars_set_cstr(v, "key_recreated_day", day);
		tvars_set_cstr(v, "key_recreated_by", by);
	}
	/* A staff page has the staff navigation instead of the public one, and is wider. */
	const staff_t *who = page_staff_shown(rq);
	if (who)
		page_staff_nav_vars(rq, who, v);
	/* Switcher links keep the page; error pages and unknown paths link to home. */
	sv_t rest = (rq->route && rq->lang_from_url) ? rq->rest : SV("/");
	for (int l = 0; l < LANG_COUNT; l++) {
		tvars_t *it = tvars_add_item(v, "langs");
		if (!it)
			break;
		tvars_setf(it, "href", "/%s%.*s", lang_code((lang_t)l), (int)rest.len, rest.p);
		tvars_set_cstr(it, "name", lang_name((lang_t)l));
		tvars_set_cstr(it, "code", lang_code((lang_t)l));
		if ((lang_t)l == rq->lang)
			tvars_set_cstr(it, "current", "1");
	}
	int rc = tmpl_render(pages_template("layout"), v, rq->lang, out);
	tvars_free(v);
	return rc;
}

void
page_banner(request_t *rq, const char *msgid)
{
	rq->banner = msgid;
}

void
page_render(request_t *rq, response_t *rs, const char *tmpl, const char *title, tvars_t *v)
{
	buf_t body;
	buf_init(&body, LIMIT_PAGE_BYTES);
	const tmpl_t *t = pages_template(tmpl);
	if (!v || !t || tmpl_render(t, v, rq->lang, &body) != 0 || page_layout(rq, title, buf_sv(&body), &rs->body) != 0) {
		buf_free(&body);
		buf_free(&rs->body);
		tvars_free(v);
		rs->status = 500;   /* the server renders the error page */
		return;
	}
	buf_free(&body);
	tvars_free(v);
}

void
page_error(request_t *rq, response_t *rs, int status)
{
	size_t i = 0;
	while (i < sizeof(page_error_texts) / sizeof(page_error_texts[0]) - 1 && page_error_texts[i].status != status)
		i++;
	if (page_error_texts[i].status != status)
		i = 8;   /* 500 */
	tvars_t *v = tvars_new();
	if (v) {
		tvars_setf(v, "status", "%d", status);
		tvars_set_cstr(v, "title", i18n(rq->lang, page_error_texts[i].title));
		tvars_set_cstr(v, "text", i18n(rq->lang, page_error_texts[i].text));
		tvars_setf(v, "home", "/%s/", lang_code(rq->lang));
	}
	page_render(rq, rs, "error", page_error_texts[i].title, v);
	rs->status = status;
	if (rs->body.len == 0) {
		/* Even the error page failed: a plain sentence, still with every header. */
		buf_free(&rs->body);
		buf_init(&rs->body, 256);
		if (buf_append_cstr(&rs->body, "Something went wrong. Please try again later.\n") == 0)
			rs->content_type = "text/plain; charset=utf-8";
	}
}

int
page_templates_init(char *err, size_t errlen)
{
	for (size_t i = 0; i < PAGE_TEMPLATES; i++) {
		char name[64];
		const embedded_file_t *f = snprintf_ok(name, sizeof(name), "templates/%s.html", page_template_names[i])
		    ? embedded_find(name)
		    : NULL;
		if (!f) {
			snprintf_cut(err, errlen, "templates/%s.html is not built in", page_template_names[i]);
			return -1;
		}
		page_templates[i] = tmpl_parse(name, f->data, f->len, err, errlen);
		if (!page_templates[i])
			return -1;
	}
	return 0;
}

void
page_templates_shutdown(void)
{
	for (size_t i = 0; i < PAGE_TEMPLATES; i++) {
		tmpl_free(page_templates[i]);
		page_templates[i] = NULL;
	}
}
