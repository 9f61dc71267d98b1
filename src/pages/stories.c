/* stories: the public pages of published testimonies: the list, paged, and one story.
 * Only what two approvers published, within the man's consent, is here; nothing else of
 * a testimony ever reaches a public page. No JavaScript. */
#include <stdio.h>
#include <string.h>

#include "domain/testimonies.h"
#include "pages/pages.h"

static void
story_vars(const request_t *rq, tvars_t *it, const story_t *s)
{
	char when[32];
	tvars_setf(it, "href", "/%s/stories/%s", lang_code(rq->lang), s->slug);
	tvars_set(it, "title", buf_sv(&s->title));
	tvars_set(it, "body", buf_sv(&s->body));
	tvars_set_cstr(it, "language", s->language);
	page_when(rq->lang, s->published_hour, when);
	tvars_set_cstr(it, "when", when);
	if (s->has_media) {
		tvars_setf(it, "video", "/media/%s/video.mp4", s->slug);
		tvars_setf(it, "poster", "/media/%s/poster.jpg", s->slug);
	}
}

void
page_stories(request_t *rq, response_t *rs)
{
	story_t rows[STORIES_PAGE];
	size_t n = 0, total = 0;
	uint64_t page = page_number(rq, 100000);
	if (stories_public(rq->app, (size_t)(page - 1) * STORIES_PAGE, rows, &n, &total) != INTAKE_OK) {
		rs->status = 500;
		return;
	}
	tvars_t *v = tvars_new();
	if (v) {
		for (size_t i = 0; i < n; i++) {
			tvars_t *it = tvars_add_item(v, "stories");
			if (it)
				story_vars(rq, it, &rows[i]);
		}
		char path[32];
		snprintf_cut(path, sizeof(path), "/%s/stories", lang_code(rq->lang));
		page_nav_vars(rq, v, path, NULL, page, page * STORIES_PAGE < total);
	}
	for (size_t i = 0; i < n; i++)
		story_free(&rows[i]);
	page_render(rq, rs, "stories", N_("Stories of men who got out"), v);
}

void
page_story(request_t *rq, response_t *rs)
{
	story_t s;
	char slug[33];
	if (rq->param.len != 32 || !snprintf_ok(slug, sizeof(slug), "%.*s", (int)rq->param.len, rq->param.p) ||
	    story_public(rq->app, slug, &s) != INTAKE_OK) {
		rs->status = 404;
		return;
	}
	tvars_t *v = tvars_new();
	if (v) {
		story_vars(rq, v, &s);
		tvars_setf(v, "list_href", "/%s/stories", lang_code(rq->lang));
		tvars_setf(v, "help_href", "/%s/help", lang_code(rq->lang));
	}
	story_free(&s);
	page_render(rq, rs, "story", N_("A story"), v);
}
