/* Unit tests for pages and i18n: every built-in template parses, every public page and
 * error page builds in every language, catalogs load, and a missing translation falls
 * back to the English text, never to an empty string. */
#include <microhttpd.h>

#include "check.h"
#include "core/clock.h"
#include "http/server.h"
#include "pages/pages.h"

int
main(void)
{
	lang_t l;
	CHECK(i18n_init() == 0);
	CHECK(lang_parse(SV("be"), &l) == 0 && l == LANG_BE);
	CHECK(lang_parse(SV("ru"), &l) == 0 && l == LANG_RU);
	CHECK(lang_parse(SV("en"), &l) == 0 && l == LANG_EN);
	CHECK(lang_parse(SV("de"), &l) == -1);
	CHECK(lang_parse(SV("e"), &l) == -1);
	CHECK(lang_parse(SV("enn"), &l) == -1);
	CHECK(strcmp(lang_name(LANG_BE), "Беларуская") == 0);
	CHECK(strcmp(lang_name(LANG_RU), "Русский") == 0);

	/* Fallback: a string no catalog has comes back as the English text. */
	for (int i = 0; i < LANG_COUNT; i++)
		CHECK(strcmp(i18n((lang_t)i, "A sentence no catalog has"), "A sentence no catalog has") == 0);
	/* Translated: the Russian and Belarusian catalogs answer for the site's name. */
	CHECK(strcmp(i18n(LANG_RU, "Owls"), "Owls") != 0 && i18n(LANG_RU, "Owls")[0] != '\0');
	CHECK(strcmp(i18n(LANG_BE, "Owls"), "Owls") != 0 && i18n(LANG_BE, "Owls")[0] != '\0');
	CHECK(strcmp(i18n(LANG_EN, "Owls"), "Owls") == 0);

	/* Plurals: the form each count needs (1 день, 2 дні, 5 дзён, 11 дзён, 21 дзень). */
	CHECK(strcmp(i18n_n(LANG_BE, NN_("%u day ago", "%u days ago"), 1), "%u дзень таму") == 0);
	CHECK(strcmp(i18n_n(LANG_BE, NN_("%u day ago", "%u days ago"), 3), "%u дні таму") == 0);
	CHECK(strcmp(i18n_n(LANG_BE, NN_("%u day ago", "%u days ago"), 5), "%u дзён таму") == 0);
	CHECK(strcmp(i18n_n(LANG_BE, NN_("%u day ago", "%u days ago"), 11), "%u дзён таму") == 0);
	CHECK(strcmp(i18n_n(LANG_BE, NN_("%u day ago", "%u days ago"), 21), "%u дзень таму") == 0);
	CHECK(strcmp(i18n_n(LANG_RU, NN_("%u day ago", "%u days ago"), 22), "%u дня назад") == 0);
	CHECK(strcmp(i18n_n(LANG_RU, NN_("%u day ago", "%u days ago"), 14), "%u дней назад") == 0);
	CHECK(strcmp(i18n_n(LANG_EN, NN_("%u day ago", "%u days ago"), 1), "%u day ago") == 0);
	CHECK(strcmp(i18n_n(LANG_EN, NN_("%u day ago", "%u days ago"), 2), "%u days ago") == 0);
	CHECK(strcmp(i18n_n(LANG_RU, NN_("no such %u", "no such %u things"), 5), "no such %u things") == 0);
	char words[64];
	page_count_text(LANG_RU, NN_("%u day ago", "%u days ago"), 3, words, sizeof(words));
	CHECK(strcmp(words, "3 дня назад") == 0);
	/* Times as days in Minsk (UTC+3): 22:00 UTC is already tomorrow there. */
	clock_set_for_tests((time_t)(20000 * 86400 + 12 * 3600), 0);   /* day 20000, 15:00 in Minsk */
	int64_t noon = 20000 * 24 + 12;
	page_when(LANG_EN, noon, words);
	CHECK(strcmp(words, "today") == 0);
	page_when(LANG_EN, noon - 24, words);
	CHECK(strcmp(words, "yesterday") == 0);
	page_when(LANG_EN, 20000 * 24 - 4, words);   /* 20:00 UTC the day before = 23:00 Minsk */
	CHECK(strcmp(words, "yesterday") == 0);
	page_when(LANG_EN, 20000 * 24 - 2, words);   /* 22:00 UTC the day before = 01:00 Minsk */
	CHECK(strcmp(words, "today") == 0);
	page_when(LANG_BE, noon - 5 * 24, words);
	CHECK(strcmp(words, "5 дзён таму") == 0);
	page_when(LANG_EN, noon + 48, words);        /* the future (a clock set back): today */
	CHECK(strcmp(words, "today") == 0);
	page_when(LANG_EN, noon - 90 * 24, words);   /* long ago: the date */
	CHECK(strcmp(words, "2024-07-06") == 0);
	clock_set_for_tests(0, 0);

	app_t app = { .dir = "/nonexistent" };
	config_defaults(&app.config);
	char err[256] = "";
	CHECK(pages_init(err, sizeof(err)) == 0 && http_init(&app, err, sizeof(err)) == 0);
	if (err[0])
		fprintf(stderr, "pages_init, http_init: %s\n", err);
	size_t n;
	const route_t *routes = routes_table(&n);
	int shared = 0, status = 0;
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < LANG_COUNT && routes[i].shared; j++) {
			CHECK(prebuilt_page(&routes[i], (lang_t)j, "", &status) != NULL && status == 200);
			shared++;
		}
	CHECK(shared >= 12);   /* landing, guide, about and the stylesheet in three languages */
	/* the stylesheet: a revalidation with its ETag gets the 304 */
	request_t css = { .app = &app };
	const route_t *r = routes_match(&css, SV("/static/sava.css"));
	CHECK(r != NULL && r->shared);
	struct MHD_Response *full = prebuilt_page(r, LANG_EN, "", &status);
	const char *etag = full ? MHD_get_response_header(full, "ETag") : NULL;
	CHECK(etag != NULL && prebuilt_page(r, LANG_EN, etag, &status) != full && status == 304);
	static const int codes[] = { 400, 403, 404, 413, 414, 415, 431, 500, 503 };
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		for (int j = 0; j < LANG_COUNT; j++)
			CHECK(prebuilt_error(codes[i], (lang_t)j) != NULL);
	CHECK(prebuilt_error(418, LANG_EN) == NULL);

	/* Routing: each language prefix, and nothing else. */
	request_t rq = { .app = &app };
	CHECK(routes_match(&rq, SV("/ru/guide")) != NULL && rq.lang == LANG_RU);
	CHECK_SV(rq.rest, "/guide");
	CHECK(routes_match(&rq, SV("/be/")) != NULL && rq.lang == LANG_BE);
	CHECK(routes_match(&rq, SV("/en")) != NULL);
	CHECK(routes_match(&rq, SV("/")) != NULL);
	CHECK(routes_match(&rq, SV("/de/guide")) == NULL);
	CHECK(routes_match(&rq, SV("/en/guide/")) == NULL);
	CHECK(routes_match(&rq, SV("/en/guides")) == NULL);
	CHECK(routes_match(&rq, SV("/en//guide")) == NULL);
	CHECK(routes_match(&rq, SV("/static/sava.css")) != NULL);
	CHECK(routes_match(&rq, SV("/static/../sava.db")) == NULL);
	rq.lang = LANG_EN;
	CHECK(routes_match(&rq, SV("/be/nothing")) == NULL && rq.lang == LANG_BE);   /* 404 in Belarusian */
	http_shutdown();
	pages_shutdown();
	return check_done("pages");
}
