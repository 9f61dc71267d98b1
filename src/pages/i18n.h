/* i18n: the languages sava speaks and their catalogs (compiled .mo files built into the
 * binary). The language of a request comes from its URL prefix; a missing translation
 * falls back to the English source text, never to an empty string. */
#ifndef SAVA_I18N_H
#define SAVA_I18N_H

#include "core/buf.h"
#include "core/lang.h"


/* Loads every embedded catalog; -1 when one is missing or malformed. */
int i18n_init(void) WUR;
/* The translation of msgid into l, or msgid itself. */
sv_t i18n_sv(lang_t l, sv_t msgid);
const char *i18n(lang_t l, const char *msgid);  /* NUL-terminated convenience form */
/* The plural form of one/many that n needs in l (Belarusian and Russian have three:
 * 1 день, 2 дні, 5 дзён), from an NN_() pair; English's own when there is none. */
const char *i18n_n(lang_t l, const char *one, const char *many, unsigned long n);

#endif
