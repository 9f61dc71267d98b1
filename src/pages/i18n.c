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
