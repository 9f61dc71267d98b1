/* routes: the routing table, in one place. A pattern is matched segment by segment;
 * "{lang}" matches a language sava speaks. Each route says its methods and how large
 * a body it takes. Also the small helpers pages call on a request: redirects (checked:
 * never a cut location), slow work, query fields. */
#include <stdarg.h>
#include <string.h>

#include "http/http.h"
#include "pages/pages.h"

static const route_t routes[] = {
	{ "/", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_root, false },
	{ "/{lang}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_lang_root, false },
	{ "/{lang}/", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_landing, true },
	{ "/{lang}/guide", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_guide, true },
	{ "/{lang}/about", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_about, true },
	/* A requester's pages are logged without status and time: a 303 after a receipt
	 * would say that it was right, and when. */
	{ "/{lang}/help", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_MULTIPART, 0, page_help, false, &page_help_upload, true },
	{ "/{lang}/mailbox", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 393216, page_mailbox, false, NULL, true },
	{ "/{lang}/mailbox/reply", HTTP_POST, BODY_MULTIPART, 0, page_mailbox_reply, false, &page_mailbox_upload, true },
	{ "/{lang}/mailbox/leave", HTTP_POST, BODY_FORM, 1024, page_mailbox_leave, false, NULL, true },
	{ "/{lang}/mailbox/file/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_mailbox_file, false, NULL, true },
	{ "/{lang}/volunteer", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 65536, page_volunteer, false, NULL, true },
	{ "/{lang}/appeal", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_MULTIPART, 0, page_appeal, false, &page_appeal_upload, true },
	{ "/{lang}/appeal/status", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 4096, page_appeal_status, false, NULL, true },
	{ "/{lang}/appeal/withdraw", HTTP_POST, BODY_FORM, 1024, page_appeal_withdraw, false, NULL, true },
	{ "/{lang}/drop", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_MULTIPART, 0, page_drop, false, &page_drop_upload, true },
	{ "/{lang}/appeals", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_appeals, false },
	{ "/{lang}/appeals/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_appeal_public, false },
	{ "/{lang}/stories", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_stories, false },
	{ "/{lang}/stories/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_story, false },
	{ "/static/sava.css", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_static_css, true },
	{ "/staff/", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_home, false },
	{ "/staff/login", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1048576, page_staff_login, false },
	{ "/staff/logout", HTTP_POST, BODY_FORM, 1024, page_staff_logout, false },
	{ "/staff/enroll/{token}", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 8192, page_staff_enroll, false },
	{ "/staff/sessions", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024, page_staff_sessions, false },
	{ "/staff/passphrase", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 8192, page_staff_passphrase, false },
	{ "/staff/recover", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 8192, page_staff_recover, false },
	{ "/staff/accounts", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024, page_staff_accounts, false },
	{ "/staff/groups", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024, page_staff_groups, false },
	{ "/staff/audit", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_audit, false },
	{ "/staff/profile", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 4096, page_staff_profile, false },
	{ "/staff/accounts/{id}", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024, page_staff_account, false },
	{ "/staff/cases", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_cases, false },
	{ "/staff/requests/{id}/assign", HTTP_POST, BODY_FORM, 1024, page_staff_request_assign, false },
	{ "/staff/requests/{id}/stage", HTTP_POST, BODY_FORM, 16384, page_staff_request_stage, false },
	{ "/staff/requests/{id}/verify", HTTP_POST, BODY_FORM, 16384, page_staff_request_verify, false },
	{ "/staff/requests/{id}/checklist", HTTP_POST, BODY_FORM, 1024, page_staff_request_checklist, false },
	{ "/staff/requests", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_requests, false },
	{ "/staff/requests/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_request, false },
	{ "/staff/requests/{id}/reply", HTTP_POST, BODY_MULTIPART, 0, page_staff_request_reply, false, &page_staff_upload },
	{ "/staff/requests/{id}/note", HTTP_POST, BODY_FORM, LIMIT_FORM_BODY_BYTES, page_staff_request_note, false },
	{ "/staff/requests/{id}/shred", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024, page_staff_request_shred, false },
	{ "/staff/files/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_file, false },
	{ "/staff/testimonies", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024, page_staff_testimonies, false },
	{ "/staff/testimonies/new", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, LIMIT_FORM_BODY_BYTES,
	    page_staff_testimony_new, false },
	{ "/staff/testimonies/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_testimony, false },
	{ "/staff/testimonies/{id}/note", HTTP_POST, BODY_FORM, LIMIT_FORM_BODY_BYTES, page_staff_testimony_note, false },
	{ "/staff/testimonies/{id}/consent", HTTP_POST, BODY_FORM, 16384, page_staff_testimony_consent, false },
	{ "/staff/testimonies/{id}/withdraw", HTTP_POST, BODY_FORM, 16384, page_staff_testimony_withdraw, false },
	{ "/staff/testimonies/{id}/copy", HTTP_POST, BODY_FORM, LIMIT_FORM_BODY_BYTES, page_staff_testimony_copy, false },
	{ "/staff/testimonies/{id}/approve", HTTP_POST, BODY_FORM, 1024, page_staff_testimony_approve, false },
	{ "/staff/testimonies/{id}/publish", HTTP_POST, BODY_FORM, 1024, page_staff_testimony_publish, false },
	{ "/staff/testimonies/{id}/takedown", HTTP_POST, BODY_FORM, 1024, page_staff_testimony_takedown, false },
	{ "/staff/testimonies/{id}/shred", HTTP_POST, BODY_FORM, 1024, page_staff_testimony_shred, false },
	{ "/staff/testimonies/{id}/media", HTTP_POST, BODY_MULTIPART, 0, page_staff_testimony_media, false,
	    &page_testimony_upload },
	{ "/staff/testimonies/{id}/redact", HTTP_POST, BODY_FORM, 4096, page_staff_testimony_redact, false },
	{ "/staff/testimonies/{id}/video", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_testimony_video, false },
	{ "/staff/testimonies/{id}/poster", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_testimony_poster, false },
	{ "/staff/stories/{id}/takedown", HTTP_POST, BODY_FORM, 1024, page_staff_story_takedown, false },
	{ "/staff/requests/{id}/testimony", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 4096, page_staff_testimony_from,
	    false },
	{ "/staff/appeals", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024, page_staff_appeals, false },
	{ "/staff/appeals/new", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_MULTIPART, 0, page_staff_appeal_new, false,
	    &page_appeal_staff_upload },
	{ "/staff/appeals/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_appeal, false },
	{ "/staff/appeals/{id}/approve", HTTP_POST, BODY_FORM, 1024, page_staff_appeal_approve, false },
	{ "/staff/appeals/{id}/publish", HTTP_POST, BODY_FORM, 1024, page_staff_appeal_publish, false },
	{ "/staff/appeals/{id}/withdraw", HTTP_POST, BODY_FORM, 1024, page_staff_appeal_withdraw, false },
	{ "/staff/appeals/{id}/reclean", HTTP_POST, BODY_FORM, 1024, page_staff_appeal_reclean, false },
	{ "/staff/appeals/{id}/video", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_appeal_video, false },
	{ "/staff/appeals/{id}/poster", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_appeal_poster, false },
	{ "/staff/drop", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024, page_staff_drops, false },
	{ "/staff/drop/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_drop, false },
	{ "/staff/drop/{id}/reply", HTTP_POST, BODY_MULTIPART, 0, page_staff_drop_reply, false, &page_drop_staff_upload },
	{ "/staff/drop/files/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_drop_file, false },
	{ "/staff/drop/files/{id}/clean", HTTP_POST, BODY_FORM, 1024, page_staff_drop_clean, false },
	{ "/staff/subtitles", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024, page_staff_subtitles, false },
	{ "/staff/subtitles/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_subtitles_appeal, false },
	{ "/staff/subtitles/{id}/edit", HTTP_POST, BODY_FORM, LIMIT_FORM_BODY_BYTES, page_staff_subtitles_edit, false },
	{ "/staff/subtitles/{id}/step", HTTP_POST, BODY_FORM, 1024, page_staff_subtitles_step, false },
	{ "/staff/subtitles/{id}/import", HTTP_POST, BODY_MULTIPART, 0, page_staff_subtitles_import, false,
	    &page_subs_upload },
	{ "/staff/subtitles/{id}/export", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_subtitles_export, false },
	{ "/staff/subtitles/{id}/video", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_subtitles_video, false },
	{ "/staff/subtitles/{id}/burn", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_subtitles_burn, false },
	{ "/staff/subtitles/{id}/waveform", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_subtitles_waveform, false },
	{ "/staff/reach", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_reach, false },
	{ "/staff/reach/post", HTTP_POST, BODY_FORM, 8192, page_staff_reach_post, false },
	{ "/staff/reach/count", HTTP_POST, BODY_FORM, 2048, page_staff_reach_count, false },
	{ "/staff/reach/import", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_MULTIPART, 0, page_staff_reach_import, false,
	    &page_reach_upload },
	{ "/staff/reach/import/remove", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024, page_staff_reach_import_remove, false },
	{ "/staff/campaign", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_campaign, false },
	{ "/staff/campaign/export", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_campaign_export, false },
	{ "/{lang}/campaign", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_campaign, false },
	{ "/staff/applications", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_applications, false },
	{ "/staff/applications/{id}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, page_staff_application, false },
	{ "/staff/applications/{id}/vouch", HTTP_POST, BODY_FORM, 8192, page_staff_application_vouch, false },
	{ "/staff/applications/{id}/accept", HTTP_POST, BODY_FORM, 1024, page_staff_application_accept, false },
	{ "/staff/applications/{id}/reject", HTTP_GET | HTTP_HEAD | HTTP_POST, BODY_FORM, 1024,
	    page_staff_application_reject, false },
};

const route_t *
routes_table(size_t *count)
{
	*count = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

/* Compares a path with a pattern that may hold one placeholder segment: "{token}", 43
 * characters of base64url, or "{id}", 32 lower-case hex digits (a 16-byte id). */
static bool
routes_same(sv_t pat, sv_t path, sv_t *param)
{
	sv_t before, after;
	ptrdiff_t at = sv_index(pat, '{');
	if (at < 0)
		return sv_eq(pat, path);
	sv_t hole = { pat.p + at, pat.len - (size_t)at };
	bool token = sv_starts_with(hole, SV("{token}"));
	if (!token && !sv_starts_with(hole, SV("{id}")))
		return false;
	size_t holelen = token ? 7 : 4, n = token ? 43 : 32;
	before = (sv_t){ pat.p, (size_t)at };
	after = (sv_t){ pat.p + at + holelen, pat.len - (size_t)at - holelen };
	if (path.len != before.len + n + after.len || !sv_starts_with(path, before) ||
	    !sv_eq((sv_t){ path.p + before.len + n, after.len }, after))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = path.p[before.len + i];
		bool ok = token ? ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		                      c == '_')
		                : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
		if (!ok)
			return false;
	}
	*param = (sv_t){ path.p + before.len, n };
	return true;
}

/* Matches one pattern against path; on a match fills the language and the rest.
 * Staff pages ("/staff/...") also answer under a language prefix. */
static bool
routes_try(const route_t *r, request_t *rq, sv_t path)
{
	sv_t pat = sv_from_cstr(r->pattern);
	lang_t lang;
	if (sv_starts_with(pat, SV("/staff"))) {
		if (routes_same(pat, path, &rq->param)) {
			rq->lang_from_url = true;   /* the switcher prefixes the whole path */
			rq->rest = path;
			return true;
		}
		if (path.len > 3 && path.p[0] == '/' && lang_parse((sv_t){ path.p + 1, 2 }, &lang) == 0 &&
		    routes_same(pat, (sv_t){ path.p + 3, path.len - 3 }, &rq->param)) {
			rq->lang = lang;
			rq->lang_from_url = true;
			rq->rest = (sv_t){ path.p + 3, path.len - 3 };
			return true;
		}
		return false;
	}
	if (!sv_starts_with(pat, SV("/{lang}")))
		return sv_eq(pat, path);
	/* "/xx" then exactly the rest of the pattern */
	if (path.len < 3 || path.p[0] != '/')
		return false;
	if (lang_parse((sv_t){ path.p + 1, 2 }, &lang) != 0)
		return false;
	sv_t rest = { path.p + 3, path.len - 3 };
	sv_t want = { pat.p + 7, pat.len - 7 };
	if (!routes_same(want, rest, &rq->param))
		return false;
	rq->lang = lang;
	rq->lang_from_url = true;
	rq->rest = rest;
	return true;
}

const route_t *
routes_match(request_t *rq, sv_t path)
{
	size_t n = sizeof(routes) / sizeof(routes[0]);
	for (size_t i = 0; i < n; i++)
		if (routes_try(&routes[i], rq, path))
			return &routes[i];
	/* Not found: still answer in the language the path asked for, if any. */
	lang_t lang;
	if (path.len >= 3 && (path.len == 3 || path.p[3] == '/') && lang_parse((sv_t){ path.p + 1, 2 }, &lang) == 0)
		rq->lang = lang;
	return NULL;
}

void
http_redirectf(response_t *rs, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = vsnprintf_ok(rs->location, sizeof(rs->location), fmt, ap);
	va_end(ap);
	rs->status = ok ? status : 500;
}

void
http_redirect(response_t *rs, int status, const char *location)
{
	http_redirectf(rs, status, "%s", location);
}

void
http_defer(request_t *rq, work_fn fn, work_kind_t kind)
{
	rq->work = fn;
	rq->work_kind = kind;
	rq->work_done = false;
}

int
http_query(const request_t *rq, const char *name, char *out, size_t outlen)
{
	form_t q;
	int rc = -1;
	if (rq->query.len == 0 || form_init(&q, LIMIT_QUERY_FIELDS, 256) != 0)
		return -1;
	const sv_t *v;
	if (urlenc_parse(&q, rq->query.p, rq->query.len) == URLENC_OK && (v = form_get(&q, name)) && v->len < outlen) {
		memcpy(out, v->p, v->len);
		out[v->len] = '\0';
		rc = 0;
	}
	form_free(&q);
	return rc;
}
