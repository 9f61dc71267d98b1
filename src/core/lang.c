/* lang: the table of languages (code, own name); lang.h says why it is in core. */
#include "core/lang.h"

static const struct {
	const char *code;
	const char *name;
} lang_table[LANG_COUNT] = {
	[LANG_BE] = { "be", "Беларуская" },
	[LANG_RU] = { "ru", "Русский" },
	[LANG_EN] = { "en", "English" },
};

const char *
lang_code(lang_t l)
{
	return lang_table[l].code;
}

const char *
lang_name(lang_t l)
{
	return lang_table[l].name;
}

int
lang_parse(sv_t code, lang_t *out)
{
	for (int l = 0; l < LANG_COUNT; l++) {
		if (sv_eq_cstr(code, lang_table[l].code)) {
			*out = (lang_t)l;
			return 0;
		}
	}
	return -1;
}
