/* tmpl: HTML templates that escape every value by default. Syntax:
 *   {{name}}              a value; text is HTML-escaped (safe in text and quoted attributes),
 *                         and a character that reorders text shows as U+FFFD (core/bidi.h);
 *                         wrap values of hostile text in <bdi> or dir="auto" as well
 *   {{field name}}        a value given back inside a form control (textarea, an input's
 *                         value): escaped, its bidi marks kept, so what was typed is sent
 *                         again as it was; a control cannot reorder the page around it
 *   {{t "English text"}}  the text translated into the page's language, escaped
 *   {{#if name}} .. {{else}} .. {{/if}}    non-empty value or non-empty list
 *   {{#unless name}} .. {{/unless}}
 *   {{#each name}} .. {{/each}}            once per item of a list; names resolve in the
 *                                          item first, then outward
 *   {{! comment }}
 * Only a value set with tvars_set_html is emitted unescaped: the one place that knows
 * the value is safe says so. Templates are parsed once at start; a parse error is fatal. */
#ifndef SAVA_TMPL_H
#define SAVA_TMPL_H

#include "core/buf.h"
#include "pages/i18n.h"

typedef struct tmpl tmpl_t;
typedef struct tvars tvars_t;

/* Parses src (borrowed; must outlive the template). Returns NULL with a sentence
 * naming the line in err on a syntax error. */
tmpl_t *tmpl_parse(const char *name, const char *src, size_t len, char *err, size_t errlen);
void tmpl_free(tmpl_t *t);
/* Renders into out (appends). Returns -1 when out overflows, a variable set failed,
 * or an #each names something that is not a list. */
int tmpl_render(const tmpl_t *t, const tvars_t *v, lang_t lang, buf_t *out) WUR;

/* Values. Setters copy their arguments; a failed allocation marks the set as failed
 * and tmpl_render then refuses it, so callers need not check each call. */
tvars_t *tvars_new(void);
void tvars_free(tvars_t *v);     /* wipes every value */
void tvars_set(tvars_t *v, const char *name, sv_t text);
void tvars_set_cstr(tvars_t *v, const char *name, const char *text);
void tvars_setf(tvars_t *v, const char *name, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Trusted HTML, emitted as is: only for markup sava itself produced. */
void tvars_set_html(tvars_t *v, const char *name, sv_t html);
/* Appends an item to list name and returns it (owned by v), or NULL on failure. */
tvars_t *tvars_add_item(tvars_t *v, const char *list);
bool tvars_ok(const tvars_t *v);

#endif
