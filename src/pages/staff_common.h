/* staff_common: what every staff page shares (staff_common.c). */
#ifndef SAVA_STAFF_COMMON_H
#define SAVA_STAFF_COMMON_H

#include "pages/pages.h"

/* The staff session of this request (page_staff_session: owned by the request, wiped
 * when it ends), or NULL with a redirect to the login page (or a 500) set. A verified
 * session lets the layout add the staff notices. */
const staff_t *page_need_staff(request_t *rq, response_t *rs);
/* A form posted without a live staff session: the login form, saying why, with what was
 * typed carried in it (staff_resume.c). */
void page_staff_session_ended(request_t *rq, response_t *rs);
/* After a login: the carried text given back in its form, to send again (true), or false
 * when the login form carried none. */
bool page_staff_resume(request_t *rq, response_t *rs);
/* A failed login keeps carrying it. */
void page_staff_resume_keep(const request_t *rq, tvars_t *v);
/* The same for a page about one thing: its {id} into id, or NULL with a 404. */
const staff_t *page_need_staff_id(request_t *rq, response_t *rs, uint8_t id[16]);
/* Common values of every staff page: the CSRF token and the links of the staff layout. */
tvars_t *page_staff_vars(request_t *rq);
/* A 303 to path (such as "/staff/login") in the request's language. */
void page_staff_redirect(request_t *rq, response_t *rs, const char *path);
/* The names of the roles in roles, in the page's language, as the value name. */
void page_roles_text(const request_t *rq, uint32_t roles, tvars_t *v, const char *name);
/* An account's status (ACCT_*), in the page's language. */
const char *page_account_status(const request_t *rq, int status);

/* Languages a member may list (casework_languages), each as an item of list with code,
 * name (in its own language) and selected (one code, or a comma-separated list). */
void page_language_options(tvars_t *v, const char *list, const char *selected_csv, bool single);
bool page_language_ok(const char *code);
/* The roster's filter form: languages, statuses, "free only", and its action. */
void page_roster_filter_vars(const request_t *rq, tvars_t *v, const char *lang, const char *status, bool free_only);

#endif
