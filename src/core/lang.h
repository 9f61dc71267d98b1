/* lang: the languages sava speaks, as codes and names. Below every layer, so that the
 * domain (a request's language) and http (a URL's prefix) need nothing of the pages;
 * translations themselves live in pages/i18n. */
#ifndef SAVA_LANG_H
#define SAVA_LANG_H

#include "core/buf.h"

typedef enum { LANG_BE = 0, LANG_RU, LANG_EN, LANG_COUNT } lang_t;

/* Marks a string for extraction into po/ without translating it here: any layer may name
 * text that a page later translates. */
#define N_(s) (s)
/* The same for a string with a plural: NN_("%u day", "%u days") gives both to
 * i18n_n(), which picks the form the count needs in the page's language. */
#define NN_(one, many) (one), (many)

const char *lang_code(lang_t l);        /* "be" */
const char *lang_name(lang_t l);        /* "Беларуская", in its own language */
/* Parses a two-letter code; -1 when sava does not speak it. */
int lang_parse(sv_t code, lang_t *out) WUR;

#endif
