/* staff_resume: a staff form posted after the session ended is not lost. The answer is
 * the login form with a sentence that says why, and what was typed carried in it (in this
 * page only: the server keeps nothing of it); once she is logged in again, a page gives it
 * back in the same form, to send with one press. Files cannot be carried: the page says so. */
#include <string.h>

#include "domain/session.h"
#include "pages/staff_common.h"

#define RESUME_FIELDS_MAX 64
#define RESUME_NAME_MAX 32
#define RESUME_PREFIX "kept_"

/* Field names sava's staff forms use: lower-case letters, digits and "_". */
static bool
resume_name_ok(sv_t n)
{
	if (n.len == 0 || n.len > RESUME_NAME_MAX)
		return false;
	for (size_t i = 0; i < n.len; i++)
		if (!((n.p[i] >= 'a' && n.p[i] <= 'z') || (n.p[i] >= '0' && n.p[i] <= '9') || n.p[i] == '_'))
			return false;
	/* never a secret: a passphrase, a recovery key, a code is typed again, not carried
	 * through two more pages and requests */
	static const char *const secret[] = { "csrf", "passphrase", "current", "new", "again", "recovery", "totp", "code",
		"secret", NULL };
	for (size_t i = 0; secret[i]; i++)
		if (sv_eq(n, sv_from_cstr(secret[i])))
			return false;
	return true;
}

/* Where the form went: one of sava's own staff paths, never another site's. */
static bool
resume_path_ok(sv_t p)
{
	/* "/xx/staff/..." */
	if (p.len < 11 || p.len > 200 || p.p[0] != '/' || p.p[3] != '/' || memcmp(p.p + 3, "/staff/", 7) != 0 ||
	    memmem(p.p, p.len, "//", 2) || memmem(p.p, p.len, "..", 2))
		return false;
	for (size_t i = 0; i < p.len; i++)
		if (!((p.p[i] >= 'a' && p.p[i] <= 'z') || (p.p[i] >= '0' && p.p[i] <= '9') || p.p[i] == '/' || p.p[i] == '_' ||
		        p.p[i] == '-'))
			return false;
	return true;
}

/* The fields a person wrote in, shown as text boxes; the rest (choices, ids) ride along
 * hidden. */
static const char *
resume_label(sv_t name)
{
	if (sv_eq(name, SV("message")))
		return N_("Your reply");
	if (sv_eq(name, SV("note")))
		return N_("Your note");
	if (sv_eq(name, SV("text")) || sv_eq(name, SV("body")) || sv_eq(name, SV("copy")))
		return N_("Your text");
	if (sv_eq(name, SV("reason")))
		return N_("Your reason");
	return NULL;
}

/* The kept fields as items of "kept": name, value, and label for those shown. prefix:
 * the names in rq->form carry it (the login form's) or not (the form that was refused). */
static size_t
resume_items(const request_t *rq, tvars_t *v, const char *prefix)
{
	size_t n = 0, pl = strlen(prefix);
	for (size_t i = 0; i < rq->form.count && n < RESUME_FIELDS_MAX; i++) {
		sv_t name = rq->form.fields[i].name, value = rq->form.fields[i].value;
		if (name.len < pl || memcmp(name.p, prefix, pl) != 0)
			continue;
		name = (sv_t){ name.p + pl, name.len - pl };
		if (!resume_name_ok(name) || value.len == 0)
			continue;
		tvars_t *it = tvars_add_item(v, "kept");
		if (!it)
			break;
		tvars_set(it, "name", name);
		tvars_set(it, "value", value);
		const char *label = resume_label(name);
		if (label)
			tvars_set_cstr(it, "label", i18n(rq->lang, label));
		n++;
	}
	return n;
}

void
page_staff_session_ended(request_t *rq, response_t *rs)
{
	tvars_t *v = page_staff_vars(rq);
	if (v) {
		char mins[48], notice[600];
		page_count_text(rq->lang, NN_("%u minute", "%u minutes"), SESSION_IDLE_S / 60, mins, sizeof(mins));
		const char *msg = i18n(rq->lang,
		    N_("Your session had ended, so this was not saved. A session ends after {N} without activity, after 12 hours, or when sava restarts. Log in again: what you wrote is kept in this page and comes back to you."));
		page_fill_n(msg, mins, notice, sizeof(notice));
		tvars_set_cstr(v, "notice", notice);
		if (resume_path_ok(rq->path)) {
			tvars_set(v, "return_to", rq->path);
			if (rq->route && rq->route->body == BODY_MULTIPART)
				tvars_set_cstr(v, "return_multipart", "1");
			resume_items(rq, v, "");
		}
		if (upload_discarded(rq->upload))
			tvars_set_cstr(v, "files_dropped", "1");
	}
	page_render(rq, rs, "staff_login", N_("Staff login"), v);
}

void
page_staff_resume_keep(const request_t *rq, tvars_t *v)
{
	sv_t to = page_field(rq, "return_to");
	if (!v || !resume_path_ok(to))
		return;
	tvars_set(v, "return_to", to);
	if (page_field(rq, "return_multipart").len)
		tvars_set_cstr(v, "return_multipart", "1");
	resume_items(rq, v, RESUME_PREFIX);
}

bool
page_staff_resume(request_t *rq, response_t *rs)
{
	sv_t to = page_field(rq, "return_to");
	if (!resume_path_ok(to))
		return false;
	tvars_t *v = page_staff_vars(rq);
	if (!v)
		return false;
	if (resume_items(rq, v, RESUME_PREFIX) == 0) {
		tvars_free(v);
		return false;
	}
	tvars_set(v, "action", to);
	if (page_field(rq, "return_multipart").len)
		tvars_set_cstr(v, "multipart", "1");
	page_banner(rq, N_("You are logged in again. What you wrote is below: check it, and send it."));
	page_render(rq, rs, "staff_resume", N_("Send what you wrote"), v);
	return true;
}
