/* sessions: the session a request comes with, a staff member's or a requester's mailbox,
 * checked by the domain from its cookie and kept in the request's guarded memory
 * (http_request_secret), which the server wipes when the request ends. Pages hold
 * pointers to it and never copy a session, so none of them has a secret to wipe. */
#include "pages/staff_common.h"

/* What a request keeps of its sessions. */
typedef struct {
	staff_t staff;
	mailbox_t mailbox;
} page_sessions_t;

static page_sessions_t *
sessions_of(request_t *rq)
{
	return http_request_secret(rq, sizeof(page_sessions_t));
}

const staff_t *
page_staff_session(request_t *rq, staff_status_t *st)
{
	sv_t cookie;
	page_sessions_t *p = sessions_of(rq);
	*st = STAFF_ERROR;
	if (!p)
		return NULL;
	*st = STAFF_DENIED;
	if (http_cookie(rq, HTTP_COOKIE_STAFF, &cookie) == 0)
		*st = staff_session(rq->app, cookie, &p->staff);
	return *st == STAFF_OK ? &p->staff : NULL;
}

const staff_t *
page_staff_shown(request_t *rq)
{
	if (!rq->staff_page)
		return NULL;
	page_sessions_t *p = sessions_of(rq);
	/* a failed check since wipes the session, handle included */
	return p && p->staff.acct.handle[0] ? &p->staff : NULL;
}

int
page_mailbox_session(request_t *rq, const mailbox_t **m)
{
	sv_t cookie;
	*m = NULL;
	if (http_cookie(rq, HTTP_COOKIE_MAILBOX, &cookie) != 0)
		return 0;
	page_sessions_t *p = sessions_of(rq);
	if (!p)
		return -1;
	intake_status_t st = mailbox_session(rq->app, cookie, &p->mailbox);
	if (st == INTAKE_OK)
		*m = &p->mailbox;
	return st == INTAKE_OK ? 1 : st == INTAKE_NOT_FOUND ? 0 : -1;
}
