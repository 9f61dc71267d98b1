/* reach: the rules of posts, counts and imports (reach.h). An import reads the whole
 * file once with no transaction open (the first bad line, a platform sava is not told
 * about, or a day after tomorrow refuses all of it), then stores it in short parts, so
 * that no other writer (a help request) waits long for the database. A file's identity
 * is its BLAKE2b hash, so importing it again adds nothing; its day (for layouts without
 * dates) is the day it was first imported. One import runs at a time. */
#include "domain/reach.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/lang.h"
#include "core/log.h"
#include "domain/audit.h"
#include "domain/casework.h"
#include "parse/reach_text.h"
#include "parse/urlenc.h"
#include "store/appeals.h"

bool
reach_can_edit(const staff_t *s)
{
	return (s->acct.roles & ROLE_EDITOR) != 0;
}

bool
reach_can_view(const staff_t *s)
{
	return (s->acct.roles & (ROLE_EDITOR | ROLE_VIEWER | ROLE_COORDINATOR | ROLE_ADMIN)) != 0;
}

void
reach_metrics_of(const app_t *app, store_metrics_t *m)
{
	const campaign_conf_t *c = &app->config.campaign;
	m->n = c->nmetrics < STORE_REACH_METRICS ? c->nmetrics : STORE_REACH_METRICS;
	for (size_t i = 0; i < m->n; i++)
		m->name[i] = c->metrics[i];
}

static void
reach_audit(const app_t *app, const staff_t *s, audit_action_t action)
{
	/* no object and no actor: the posts' rising numbers and days would tie an entry's
	 * editor to the post she added (and so to its channel), in a seized database */
	(void)s;
	if (audit_append(app->vault, app->store, NULL, action, NULL) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
}

/* ---- one import at a time: each holds its whole file in memory ---- */

static atomic_bool import_running;

bool
reach_import_claim(void)
{
	bool no = false;
	return atomic_compare_exchange_strong(&import_running, &no, true);
}

void
reach_import_release(void)
{
	atomic_store(&import_running, false);
}

/* ---- imports ---- */

typedef struct {
	const app_t *app;
	store_reach_batch_t *b;
	reach_import_t *r;
	size_t part;             /* counts stored since the last commit */
	bool platform_bad, store_bad, flushed;
} import_ctx_t;

static int
import_row(void *ctx, const reach_row_t *row)
{
	import_ctx_t *x = ctx;
	char platform[REACH_PLATFORM_MAX + 1], account_id[REACH_CHANNEL_MAX + 2];
	bool added, lower;
	snprintf(platform, sizeof(platform), "%.*s", (int)row->platform.len, row->platform.p);
	if (!campaign_platform_known(&x->app->config.campaign, platform)) {
		x->platform_bad = true;
		x->r->bad_line = row->line;
		memcpy(x->r->platform, platform, sizeof(platform));
		return -1;
	}
	/* the channel a file names is not kept: it may be a partner's own account */
	store_reach_count_t c = { .platform = row->platform, .post_id = row->post_id, .url = row->url,
		.channel = SV(""), .metric = row->metric, .period = row->period, .measured_day = row->measured_day,
		.posted_day = row->posted_day, .views = row->count, .account = row->account };
	if (c.url.len && memmem(c.url.p, c.url.len, "/@", 2))
		c.url = SV("");   /* an address that names the account (TikTok's /@name/video/N) */
	if (row->account) {
		/* a channel's own series: one per platform, "@", whose channel is not said */
		snprintf(account_id, sizeof(account_id), "@");
		c.post_id = sv_from_cstr(account_id);
		c.url = SV("");
	}
	if (store_reach_batch_add(x->b, &c, &added, &lower) != STORE_OK ||
	    (++x->part == REACH_IMPORT_PART && store_reach_batch_flush(x->b) != STORE_OK)) {
		x->store_bad = true;
		return -1;
	}
	if (x->part == REACH_IMPORT_PART) {
		x->part = 0;
		x->flushed = true;
	}
	if (added)
		x->r->added++;
	else
		x->r->known++;
	x->r->lower += lower;
	return 0;
}

/* The first pass: every line read and every platform checked, with no transaction
 * open, so a bad file never holds the database's write lock. */
static int
check_row(void *ctx, const reach_row_t *row)
{
	import_ctx_t *x = ctx;
	char platform[REACH_PLATFORM_MAX + 1];
	snprintf(platform, sizeof(platform), "%.*s", (int)row->platform.len, row->platform.p);
	if (campaign_platform_known(&x->app->config.campaign, platform))
		return 0;
	x->platform_bad = true;
	x->r->bad_line = row->line;
	memcpy(x->r->platform, platform, sizeof(platform));
	return -1;
}

reach_import_status_t
reach_import(const app_t *app, const staff_t *s, const uint8_t *p, size_t n, const char *platform, reach_import_t *r)
{
	uint8_t source[32];
	int64_t today = clock_day(), day;
	reach_result_t pr;
	memset(r, 0, sizeof(*r));
	crypto_generichash(source, sizeof(source), p, n, (const uint8_t *)"sava-reach-file-v1", 18);
	int rc = store_reach_import_day(app->store, source, &day);
	if (rc == STORE_NOT_FOUND)
		day = today;
	else if (rc != STORE_OK)
		return REACH_IMPORT_ERROR;
	import_ctx_t x = { .app = app, .r = r };
	reach_opts_t o = { .today = day, .platform = platform && platform[0] ? platform : NULL, .latest = today + 1 };
	r->parse = reach_parse(p, n, &o, check_row, &x, &pr);
	r->layout = pr.layout;
	r->rows = pr.rows;
	if (r->parse != REACH_OK) {
		if (x.platform_bad)
			return REACH_IMPORT_PLATFORM;
		r->bad_line = pr.bad_line;
		r->why = pr.why;
		return REACH_IMPORT_REFUSED;
	}
	/* the second pass stores it, REACH_IMPORT_PART counts a transaction: the file is
	 * known good, so only the database can stop it (and the same file again completes it) */
	if (store_reach_batch_begin(app->store, source, today, &x.b) != STORE_OK)
		return REACH_IMPORT_ERROR;
	if (rc == STORE_NOT_FOUND)
		store_reach_batch_touch_known(x.b);
	if (reach_parse(p, n, &o, import_row, &x, &pr) != REACH_OK) {
		store_reach_batch_abort(x.b);
		return x.flushed ? REACH_IMPORT_PARTIAL : REACH_IMPORT_ERROR;
	}
	if (store_reach_batch_commit(x.b, day, (int)pr.layout) != STORE_OK)
		return x.flushed ? REACH_IMPORT_PARTIAL : REACH_IMPORT_ERROR;
	reach_audit(app, s, AUDIT_REACH_IMPORT);
	return REACH_IMPORT_OK;
}

const char *
reach_import_problem(reach_import_status_t st, const reach_import_t *r)
{
	if (st == REACH_IMPORT_OK)
		return NULL;
	if (st == REACH_IMPORT_ERROR)
		return N_("The database could not take the file. Nothing was imported; the operator's log says more.");
	if (st == REACH_IMPORT_PARTIAL)
		return N_("The database stopped taking the file part of the way through; the operator's log says why. Import "
		          "the same file again: what is already in is not added twice.");
	if (st == REACH_IMPORT_BUSY)
		return N_("Another import is running: try again in a minute. Nothing of this file was kept, so choose it "
		          "again then.");
	if (st == REACH_IMPORT_PLATFORM)
		return N_("A line names a platform that is not in [reach] platforms of sava.conf. Nothing was imported.");
	switch (r->parse) {
	case REACH_E_SIZE:
		return N_("The file is too large (at most 32 MiB and 200,000 rows). Nothing was imported.");
	case REACH_E_EMPTY:
		return N_("The file has no rows of counts. Nothing was imported.");
	case REACH_E_ENCODING:
		return N_("The file is not text in UTF-8 or UTF-16. Nothing was imported.");
	case REACH_E_TELEGRAM:
		return N_("This is Telegram Desktop's result.json: it has no view counts. Type the counts of Telegram posts "
		          "by hand, or import them as a generic CSV.");
	case REACH_E_PLATFORM:
		return N_("This file does not say which platform it is from: choose the platform and import it again.");
	case REACH_E_LINE:
		return N_("A line of the file is wrong. Nothing was imported.");
	case REACH_E_UNKNOWN:
	default:
		return N_("sava does not know this file's layout. It reads: its own generic CSV; YouTube Studio's Table "
		          "data, Chart data and Totals; TikTok Studio's Content and Overview; Meta Business Suite's "
		          "per-post exports and daily metric files. Nothing was imported.");
	}
}

intake_status_t
reach_imports(const app_t *app, const staff_t *s, int (*fn)(void *ctx, const store_reach_import_t *i), void *ctx)
{
	if (!reach_can_edit(s))
		return INTAKE_NOT_FOUND;
	return store_reach_imports_list(app->store, REACH_IMPORTS_SHOWN, fn, ctx) == STORE_OK ? INTAKE_OK : INTAKE_ERROR;
}

intake_status_t
reach_import_find(const app_t *app, const staff_t *s, sv_t hex, store_reach_import_t *out)
{
	uint8_t source[32];
	if (!reach_can_edit(s))
		return INTAKE_NOT_FOUND;
	if (hex.len != 64 || sodium_hex2bin(source, 32, hex.p, 64, NULL, NULL, NULL) != 0)
		return INTAKE_NOT_FOUND;
	int rc = store_reach_import_get(app->store, source, out);
	return rc == STORE_OK ? INTAKE_OK : rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
}

intake_status_t
reach_import_remove(const app_t *app, const staff_t *s, sv_t hex, uint64_t *n)
{
	store_reach_import_t it;
	*n = 0;
	intake_status_t st = reach_import_find(app, s, hex, &it);
	if (st != INTAKE_OK)
		return st;
	if (store_reach_import_remove(app->store, it.source, n) != STORE_OK)
		return INTAKE_ERROR;
	reach_audit(app, s, AUDIT_REACH_IMPORT_REMOVE);
	return INTAKE_OK;
}

intake_status_t
reach_import_remove_cli(const app_t *app, const uint8_t source[32], uint64_t *n)
{
	store_reach_import_t it;
	*n = 0;
	int rc = store_reach_import_get(app->store, source, &it);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : INTAKE_ERROR;
	if (store_reach_import_remove(app->store, source, n) != STORE_OK)
		return INTAKE_ERROR;
	reach_audit(app, NULL, AUDIT_REACH_IMPORT_REMOVE);
	return INTAKE_OK;
}

/* ---- posts ---- */

/* The first run of characters of set after marker in url. */
static bool
id_after(sv_t url, const char *marker, bool digits_only, char out[REACH_ID_MAX + 1])
{
	size_t ml = strlen(marker);
	const char *at = memmem(url.p, url.len, marker, ml);
	if (!at)
		return false;
	const char *p = at + ml, *end = url.p + url.len;
	size_t k = 0;
	while (p + k < end && k < REACH_ID_MAX) {
		char c = p[k];
		bool ok = (c >= '0' && c <= '9') ||
		    (!digits_only && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_'));
		if (!ok)
			break;
		k++;
	}
	if (k == 0)
		return false;
	memcpy(out, p, k);
	out[k] = '\0';
	return true;
}

bool
reach_id_from_url(sv_t url, char out[REACH_ID_MAX + 1])
{
	if (memmem(url.p, url.len, "youtu", 5))
		return id_after(url, "watch?v=", false, out) || id_after(url, "/shorts/", false, out) ||
		    id_after(url, "youtu.be/", false, out);
	if (memmem(url.p, url.len, "tiktok.com", 10))
		return id_after(url, "/video/", true, out);
	if (memmem(url.p, url.len, "vk.com", 6))
		return id_after(url, "clip", false, out) || id_after(url, "video", false, out) ||
		    id_after(url, "wall", false, out);
	if (memmem(url.p, url.len, "instagram.com", 13))
		return id_after(url, "/reel/", false, out) || id_after(url, "/p/", false, out);
	if (memmem(url.p, url.len, "t.me/", 5)) {
		/* t.me/channel/1234 */
		const char *slash = memrchr(url.p, '/', url.len);
		return slash && id_after((sv_t){ slash, (size_t)(url.p + url.len - slash) }, "/", true, out);
	}
	if (memmem(url.p, url.len, "facebook.com", 12))
		return id_after(url, "/reel/", true, out) || id_after(url, "/posts/", false, out) ||
		    id_after(url, "/videos/", true, out);
	return false;
}

static bool
text_ok(sv_t v)
{
	if (!text_is_clean_utf8(v))
		return false;
	for (size_t i = 0; i < v.len; i++)
		if ((unsigned char)v.p[i] < 0x20 || v.p[i] == 0x7f)
			return false;
	return true;
}

static bool
url_ok(sv_t u)
{
	return u.len <= REACH_URL_MAX && text_ok(u) && memchr(u.p, ' ', u.len) == NULL &&
	    (sv_starts_with(u, SV("https://")) || sv_starts_with(u, SV("http://")));
}

bool
reach_post_rules(const app_t *app, const reach_post_form_t *f, reach_post_rules_t *out)
{
	char tmp[REACH_ID_MAX + 1];
	uint8_t id[16];
	memset(out, 0, sizeof(*out));
	if (f->appeal.len) {
		if (f->appeal.len != 32 || sodium_hex2bin(id, 16, f->appeal.p, 32, NULL, NULL, NULL) != 0)
			out->target = RULE_NOT_LISTED;
	} else if (sv_is_blank(f->item)) {
		out->target = RULE_EMPTY;
	} else if (!text_ok(f->item)) {
		out->item = RULE_NOT_LISTED;
	} else {
		out->item = rule_length(f->item, REACH_ITEM_MAX_CHARS);
	}
	if (f->platform.len == 0)
		out->platform = RULE_EMPTY;
	else if (f->platform.len > REACH_PLATFORM_MAX)
		out->platform = RULE_NOT_LISTED;
	else {
		char p[REACH_PLATFORM_MAX + 1];
		memcpy(p, f->platform.p, f->platform.len);
		p[f->platform.len] = '\0';
		if (!campaign_platform_known(&app->config.campaign, p))
			out->platform = RULE_NOT_LISTED;
	}
	if (f->url.len == 0)
		out->url = RULE_EMPTY;
	else if (!url_ok(f->url))
		out->url = f->url.len > REACH_URL_MAX ? RULE_TOO_LONG : RULE_NOT_LISTED;
	if (f->platform_id.len > REACH_ID_MAX)
		out->platform_id = RULE_TOO_LONG;
	else if (!text_ok(f->platform_id))
		out->platform_id = RULE_NOT_LISTED;
	else if (f->platform_id.len == 0 && out->url == RULE_OK && f->url.len > REACH_ID_MAX &&
	         !reach_id_from_url(f->url, tmp))
		out->platform_id = RULE_EMPTY;   /* the address is too long to be its own id */
	if (f->channel.len > REACH_CHANNEL_MAX || !text_ok(f->channel))
		out->channel = RULE_TOO_LONG;
	if (f->language.len && !(f->language.len <= 3 && rule_choice(casework_languages, f->language) == RULE_OK))
		out->language = RULE_NOT_LISTED;
	if (f->posted.len && reach_iso_day(f->posted, false) < 0)
		out->posted = RULE_NOT_LISTED;
	if (f->posted_by.len && !sv_eq(f->posted_by, SV("staff")) && !sv_eq(f->posted_by, SV("partner")))
		out->posted_by = RULE_NOT_LISTED;
	return !out->target && !out->item && !out->platform && !out->url && !out->platform_id && !out->channel &&
	    !out->language && !out->posted && !out->posted_by;
}

#define COPY(dst, sv) snprintf((dst), sizeof(dst), "%.*s", (int)(sv).len, (sv).p)

intake_status_t
reach_post_add(const app_t *app, const staff_t *s, const reach_post_form_t *f, reach_post_rules_t *out, int64_t *id)
{
	if (!reach_can_edit(s))
		return INTAKE_NOT_FOUND;
	if (!reach_post_rules(app, f, out))
		return INTAKE_INVALID;
	store_reach_post_t p = { .posted_day = -1 };
	if (f->appeal.len) {
		p.has_appeal = true;
		if (sodium_hex2bin(p.appeal, 16, f->appeal.p, 32, NULL, NULL, NULL) != 0)
			return INTAKE_INVALID;
		/* a published appeal only: before, it is hers and sealed, and no row may tie it
		 * to an address */
		store_appeal_t ap;
		if (store_appeal_get(app->store, p.appeal, &ap) != STORE_OK || ap.state != STORE_APPEAL_PUBLISHED) {
			out->target = RULE_NOT_LISTED;
			return INTAKE_INVALID;
		}
	} else {
		COPY(p.item, sv_trim_ows(f->item));
	}
	COPY(p.platform, f->platform);
	COPY(p.url, f->url);
	if (f->platform_id.len)
		COPY(p.platform_id, sv_trim_ows(f->platform_id));
	else if (!reach_id_from_url(f->url, p.platform_id))
		COPY(p.platform_id, f->url);   /* the address is the id then */
	COPY(p.channel, sv_trim_ows(f->channel));
	COPY(p.language, f->language);
	if (f->posted.len)
		p.posted_day = reach_iso_day(f->posted, false);
	p.posted_by = sv_eq(f->posted_by, SV("staff")) ? STORE_POSTED_STAFF
	    : sv_eq(f->posted_by, SV("partner"))      ? STORE_POSTED_PARTNER
	                                              : STORE_POSTED_UNSAID;
	int rc = store_reach_post_add(app->store, &p, sv_eq(f->move, SV("yes")), clock_day(), id);
	if (rc == STORE_CONFLICT) {
		out->taken = true;
		return INTAKE_INVALID;
	}
	if (rc != STORE_OK)
		return INTAKE_ERROR;
	reach_audit(app, s, AUDIT_REACH_POST);
	return INTAKE_OK;
}

intake_status_t
reach_count_add(const app_t *app, const staff_t *s, const reach_count_form_t *f, reach_count_rules_t *out)
{
	uint64_t post = 0, views = 0;
	int64_t day = -1;
	uint8_t source[32];
	memset(out, 0, sizeof(*out));
	if (!reach_can_edit(s))
		return INTAKE_NOT_FOUND;
	if (f->post.len == 0)
		out->post = RULE_EMPTY;
	else if (num_parse_u64(f->post, 1, INT64_MAX, &post) != 0)
		out->post = RULE_NOT_LISTED;
	if (f->day.len == 0)
		out->day = RULE_EMPTY;
	else if ((day = reach_iso_day(sv_trim_ows(f->day), false)) < 0 || day > clock_day() + 1)
		out->day = RULE_NOT_LISTED;
	if (f->views.len == 0)
		out->views = RULE_EMPTY;
	else if (reach_count(sv_trim_ows(f->views), &views) != 0)
		out->views = RULE_NOT_LISTED;
	if (out->post || out->day || out->views)
		return INTAKE_INVALID;
	/* the typed count is its own source: the same count twice changes nothing */
	crypto_generichash_state h;
	uint8_t le[24];
	for (int i = 0; i < 8; i++) {
		le[i] = (uint8_t)(post >> (8 * i));
		le[8 + i] = (uint8_t)((uint64_t)day >> (8 * i));
		le[16 + i] = (uint8_t)(views >> (8 * i));
	}
	crypto_generichash_init(&h, (const uint8_t *)"sava-reach-hand-v1", 18, sizeof(source));
	crypto_generichash_update(&h, le, sizeof(le));
	crypto_generichash_final(&h, source, sizeof(source));
	store_reach_batch_t *b;
	bool added, lower;
	if (store_reach_batch_begin(app->store, source, clock_day(), &b) != STORE_OK)
		return INTAKE_ERROR;
	int rc = store_reach_batch_add_post(b, (int64_t)post, SV("views"), STORE_REACH_LIFETIME, day, views, &added, &lower);
	if (rc != STORE_OK) {
		store_reach_batch_abort(b);
		if (rc == STORE_NOT_FOUND) {
			out->post = RULE_NOT_LISTED;
			return INTAKE_INVALID;
		}
		return INTAKE_ERROR;
	}
	if (store_reach_batch_commit(b, day, -1) != STORE_OK)
		return INTAKE_ERROR;
	out->lower = lower;
	out->known = !added;
	if (added)
		reach_audit(app, s, AUDIT_REACH_COUNT);
	return INTAKE_OK;
}

intake_status_t
reach_posts(const app_t *app, const staff_t *s, const uint8_t *appeal, const char *item, size_t offset,
    int (*fn)(void *ctx, const store_reach_post_t *p), void *ctx, size_t *total)
{
	store_metrics_t m;
	if (!reach_can_edit(s))
		return INTAKE_NOT_FOUND;
	reach_metrics_of(app, &m);
	return store_reach_posts_list(app->store, &m, appeal, item, offset, REACH_PAGE, fn, ctx, total) == STORE_OK
	    ? INTAKE_OK
	    : INTAKE_ERROR;
}

intake_status_t
reach_posts_lower(const app_t *app, const staff_t *s, int (*fn)(void *ctx, const store_reach_post_t *p), void *ctx)
{
	if (!reach_can_edit(s))
		return INTAKE_NOT_FOUND;
	return store_reach_posts_lower(app->store, REACH_PAGE, fn, ctx) == STORE_OK ? INTAKE_OK : INTAKE_ERROR;
}
