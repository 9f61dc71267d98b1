/* pages: one file per page family. Each page fills a response from a request; HTML
 * comes only from templates (escape by default) inside the one layout. */
#ifndef SAVA_PAGES_H
#define SAVA_PAGES_H

#include "http/http.h"
#include "pages/tmpl.h"

/* Parses every template, renders the Markdown content and builds the responses that
 * are the same for everyone. Returns 0, or -1 with a sentence in err. */
int pages_init(const app_t *app, char *err, size_t errlen) WUR;
void pages_shutdown(void);

/* Prebuilt responses (not owned by the caller), or NULL. */
struct MHD_Response *pages_shared(const route_t *route, lang_t lang);
struct MHD_Response *pages_error_shared(int status, lang_t lang);

/* Renders a template into the layout: title is an English msgid; v is consumed. */
void page_render(request_t *rq, response_t *rs, const char *tmpl, const char *title, tvars_t *v);
/* The error page for status, in the request's language. */
void page_error(request_t *rq, response_t *rs, int status);
const tmpl_t *pages_template(const char *name);

/* public.c */
void page_root(request_t *rq, response_t *rs);
void page_lang_root(request_t *rq, response_t *rs);
void page_landing(request_t *rq, response_t *rs);
void page_guide(request_t *rq, response_t *rs);
void page_about(request_t *rq, response_t *rs);
void page_static_css(request_t *rq, response_t *rs);
int pages_public_init(char *err, size_t errlen) WUR;
void pages_public_shutdown(void);
const char *pages_css_href(void);   /* versioned, for the layout */

/* help.c */
void page_help(request_t *rq, response_t *rs);
void page_mailbox(request_t *rq, response_t *rs);

/* staff.c: staff accounts */
void page_staff_home(request_t *rq, response_t *rs);
void page_staff_login(request_t *rq, response_t *rs);
void page_staff_logout(request_t *rq, response_t *rs);
void page_staff_enroll(request_t *rq, response_t *rs);
void page_staff_sessions(request_t *rq, response_t *rs);
void page_staff_passphrase(request_t *rq, response_t *rs);
void page_staff_recover(request_t *rq, response_t *rs);
void page_staff_accounts(request_t *rq, response_t *rs);
void page_staff_groups(request_t *rq, response_t *rs);
void page_staff_audit(request_t *rq, response_t *rs);

/* markdown.c: renders Markdown to HTML with raw HTML disabled. Returns 0 or -1. */
int markdown_render(const char *md, size_t len, buf_t *out) WUR;

#endif
