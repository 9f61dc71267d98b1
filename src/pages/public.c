/* public: the pages anyone may see without an account: the landing page, the guide and
 * about pages (Markdown, rendered once at start), and the redirects into a language. Trusted with nothing secret. */
#include <stdio.h>
#include <string.h>

#include "core/embed.h"
#include "pages/pages.h"

enum { DOC_GUIDE, DOC_ABOUT, DOC_COUNT };
static const char *const doc_names[DOC_COUNT] = { "guide", "about" };
static buf_t doc_html[DOC_COUNT][LANG_COUNT];
static char doc_title[DOC_COUNT][LANG_COUNT][160];


/* The first "# " line of a Markdown page is its title (cut to fit, and then says so). */
static void
doc_title_from(const char *md, size_t len, char *out, size_t outlen)
{
	sv_t s = { md, len }, line, rest;
	out[0] = '\0';
	sv_split(s, '\n', &line, &rest);
	if (line.len > 2 && line.len - 2 <= INT32_MAX && line.p[0] == '#' && line.p[1] == ' ')
		snprintf_cut(out, outlen, "%.*s", (int)(line.len - 2), line.p + 2);
}

int
pages_public_init(char *err, size_t errlen)
{
	for (int d = 0; d < DOC_COUNT; d++) {
		for (int l = 0; l < LANG_COUNT; l++) {
			char name[64];
			const embedded_file_t *f = NULL;
			if (snprintf_ok(name, sizeof(name), "content/%s/%s.md", lang_code((lang_t)l), doc_names[d]))
				f = embedded_find(name);
			if (!f && snprintf_ok(name, sizeof(name), "content/en/%s.md", doc_names[d]))
				f = embedded_find(name);   /* a missing translation falls back to English */
			buf_init(&doc_html[d][l], LIMIT_PAGE_BYTES);
			if (!f || markdown_render(f->data, f->len, &doc_html[d][l]) != 0) {
				snprintf_cut(err, errlen, "%s is missing or cannot be rendered", name);
				return -1;
			}
			doc_title_from(f->data, f->len, doc_title[d][l], sizeof(doc_title[d][l]));
		}
	}
	return 0;
}


void
page_root(request_t *rq, response_t *rs)
{
	http_redirectf(rs, 302, "/%s/", rq->app->config.default_lang);
}

void
page_lang_root(request_t *rq, response_t *rs)
{
	http_redirectf(rs, 301, "/%s/", lang_code(rq->lang));
}

void
page_landing(request_t *rq, response_t *rs)
{
	tvars_t *v = tvars_new();
	if (v) {
		const char *code = lang_code(rq->lang);
		tvars_setf(v, "help_href", "/%s/help", code);
		tvars_setf(v, "mailbox_href", "/%s/mailbox", code);
		tvars_setf(v, "guide_href", "/%s/guide", code);
		tvars_setf(v, "about_href", "/%s/about", code);
		tvars_setf(v, "volunteer_href", "/%s/volunteer", code);
	}
	page_render(rq, rs, "landing", N_("Help to leave the army safely"), v);
}

static void
page_doc(request_t *rq, response_t *rs, int d)
{
	tvars_t *v = tvars_new();
	if (v)
		tvars_set_html(v, "article", buf_sv(&doc_html[d][rq->lang]));
	page_render(rq, rs, "article", doc_title[d][rq->lang], v);
}

void
page_guide(request_t *rq, response_t *rs)
{
	page_doc(rq, rs, DOC_GUIDE);
}

void
page_about(request_t *rq, response_t *rs)
{
	page_doc(rq, rs, DOC_ABOUT);
}


void
pages_public_shutdown(void)
{
	for (int d = 0; d < DOC_COUNT; d++)
		for (int l = 0; l < LANG_COUNT; l++)
			buf_free(&doc_html[d][l]);
}
