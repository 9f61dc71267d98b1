/* i18n: catalogs from the embedded mo/LANG.mo files, parsed once at start. */
#include "pages/i18n.h"

#include <stdio.h>
#include <string.h>

#include "core/embed.h"
#include "parse/mo.h"

static mo_t i18n_catalogs[LANG_COUNT];

int
i18n_init(void)
{
	for (int l = 0; l < LANG_COUNT; l++) {
		char name[32];
		const embedded_file_t *f = snprintf_ok(name, sizeof(name), "mo/%s.mo", lang_code((lang_t)l)) ? embedded_find(name)
		                                                                                          : NULL;
		if (!f || mo_parse(&i18n_catalogs[l], (const unsigned char *)f->data, f->len) != 0)
			return -1;
	}
	return 0;
}

sv_t
i18n_sv(lang_t l, sv_t msgid)
{
	sv_t t;
	if (i18n_catalogs[l].data && mo_lookup(&i18n_catalogs[l], msgid, &t) == 0)
		return t;
	return msgid;
}

const char *
i18n(lang_t l, const char *msgid)
{
	/* Translations in a .mo file are NUL-terminated, so the view is a C string too. */
	return i18n_sv(l, sv_from_cstr(msgid)).p;
}

/* The plural form number of n, as the catalogs' Plural-Forms header says for each
 * language (checked against it by the unit test): be and ru share the East Slavic rule. */
static unsigned
i18n_plural(lang_t l, unsigned long n)
{
	if (l == LANG_BE || l == LANG_RU) {
		if (n % 10 == 1 && n % 100 != 11)
			return 0;
		if (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20))
			return 1;
		return 2;
	}
	return n == 1 ? 0 : 1;
}

const char *
i18n_n(lang_t l, const char *one, const char *many, unsigned long n)
{
	char key[512];
	size_t a = strlen(one), b = strlen(many);
	sv_t t;
	if (a + 1 + b <= sizeof(key)) {
		memcpy(key, one, a);
		key[a] = '\0';
		memcpy(key + a + 1, many, b);
		if (i18n_catalogs[l].data &&
		    mo_lookup_form(&i18n_catalogs[l], (sv_t){ key, a + 1 + b }, i18n_plural(l, n), &t) == 0)
			return t.p;   /* each form is NUL-terminated in the catalog */
	}
	return i18n_plural(LANG_EN, n) == 0 ? one : many;
}
