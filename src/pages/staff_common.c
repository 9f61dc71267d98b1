/* staff_common: what every staff page shares: the session check that opens it, the
 * values of the staff layout (links, the CSRF token), role names, and the language and
 * status filters of the roster (the language list is also her profile's). */
#include <stdio.h>
#include <string.h>

#include "domain/casework.h"
#include "pages/staff_common.h"

static void
set_href(tvars_t *v, const request_t *rq, const char *name, const char *path)
{
	tvars_setf(v, name, "/%s%s", lang_code(rq->lang), path);
}

tvars_t *
page_staff_vars(request_t *rq)
{
	tvars_t *v = page_form_vars(rq);
	if (!v)
		return NULL;
	set_href(v, rq, "login_href", "/staff/login");
	set_href(v, rq, "logout_href", "/staff/logout");
	set_href(v, rq, "staff_href", "/staff/");
	set_href(v, rq, "sessions_href", "/staff/sessions");
	set_href(v, rq, "passphrase_href", "/staff/passphrase");
	set_href(v, rq, "recover_href", "/staff/recover");
	set_href(v, rq, "accounts_href", "/staff/accounts");
	set_href(v, rq, "groups_href", "/staff/groups");
	set_href(v, rq, "audit_href", "/staff/audit");
	set_href(v, rq, "requests_href", "/staff/requests");
	set_href(v, rq, "cases_href", "/staff/cases");
	set_href(v, rq, "profile_href", "/staff/profile");
	set_href(v, rq, "applications_href", "/staff/applications");
	set_href(v, rq, "appeals_href", "/staff/appeals");
	set_href(v, rq, "testimonies_href", "/staff/testimonies");
	set_href(v, rq, "drops_href", "/staff/drop");
	set_href(v, rq, "subtitles_href", "/staff/subtitles");
	set_href(v, rq, "reach_href", "/staff/reach");
	set_href(v, rq, "campaign_href", "/staff/campaign");
	return v;
}

void
page_staff_redirect(request_t *rq, response_t *rs, const char *path)
{
	http_redirectf(rs, 303, "/%s%s", lang_code(rq->lang), path);
}

const staff_t *
page_need_staff_id(request_t *rq, response_t *rs, uint8_t id[16])
{
	const staff_t *s = page_need_staff(rq, rs);
	if (s && page_id_param(rq, id) != 0) {
		rs->status = 404;
		return NULL;
	}
	return s;
}

const staff_t *
page_need_staff(request_t *rq, response_t *rs)
{
	staff_status_t st;
	const staff_t *s = page_staff_session(rq, &st);
	if (s) {
		rq->staff_page = true;   /* a verified session: the layout may add staff notices */
		return s;
	}
	if (st == STAFF_ERROR)
		rs->status = 500;
	else if (rq->method == HTTP_POST)
		page_staff_session_ended(rq, rs);   /* nothing typed is lost */
	else
		page_staff_redirect(rq, rs, "/staff/login");
	return NULL;
}

void
page_roles_text(const request_t *rq, uint32_t roles, tvars_t *v, const char *name)
{
	buf_t b;
	buf_init(&b, 256);
	for (uint32_t bit = 1; bit & ROLE_ALL; bit <<= 1) {
		if (!(roles & bit))
			continue;
		if ((b.len && buf_append_cstr(&b, ", ") != 0) || buf_append_cstr(&b, i18n(rq->lang, role_name(bit))) != 0)
			break;
	}
	tvars_set(v, name, buf_sv(&b));
	buf_free(&b);
}

const char *
page_account_status(const request_t *rq, int status)
{
	return i18n(rq->lang, status == ACCT_REVOKED ? N_("revoked") : status == ACCT_PAUSED ? N_("paused") : N_("active"));
}

/* Role names for the catalogs (role_name gives the same English words). */
static const char *const role_msgids[] __attribute__((unused)) = {
	N_("admin"), N_("coordinator"), N_("owl"), N_("verifier"), N_("translator"), N_("editor"), N_("viewer"), N_("analyst"),
};

/* Each language in its own name (casework_languages' order). */
static const char *const language_names[] = { "Беларуская", "Русский", "Українська", "English", "Polski", "Lietuvių",
	"Latviešu", "Eesti", "Deutsch", "Français", "Español", "ქართული", "Հայերեն", "Қазақ тілі" };

const char *
page_language_name(const char *code)
{
	for (size_t i = 0; casework_languages[i]; i++)
		if (strcmp(casework_languages[i], code) == 0)
			return language_names[i];
	return code;
}

bool
page_language_ok(const char *code)
{
	return code[0] && rule_choice(casework_languages, sv_from_cstr(code)) == RULE_OK;
}

static bool
list_has(const char *csv, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = csv; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && memcmp(p, code, n) == 0)
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

void
page_language_options(tvars_t *v, const char *list, const char *selected_csv, bool single)
{
	for (size_t i = 0; casework_languages[i]; i++) {
		tvars_t *it = tvars_add_item(v, list);
		if (!it)
			return;
		tvars_set_cstr(it, "code", casework_languages[i]);
		tvars_set_cstr(it, "name", language_names[i]);
		if (single ? strcmp(selected_csv, casework_languages[i]) == 0 : list_has(selected_csv, casework_languages[i]))
			tvars_set_cstr(it, "selected", "1");
	}
}

void
page_roster_filter_vars(const request_t *rq, tvars_t *v, const char *lang, const char *status, bool free_only)
{
	static const char *const statuses[] = { "active", "paused", "revoked" };
	static const char *const status_msgids[] = { N_("active"), N_("paused"), N_("revoked") };
	page_language_options(v, "filter_languages", lang, true);
	for (size_t i = 0; i < 3; i++) {
		tvars_t *it = tvars_add_item(v, "filter_statuses");
		if (!it)
			return;
		tvars_set_cstr(it, "value", statuses[i]);
		tvars_set_cstr(it, "label", i18n(rq->lang, status_msgids[i]));
		if (strcmp(status, statuses[i]) == 0)
			tvars_set_cstr(it, "selected", "1");
	}
	if (free_only)
		tvars_set_cstr(v, "filter_free", "1");
	tvars_setf(v, "roster_action", "/%s/staff/accounts", lang_code(rq->lang));
}
