/* tmpl: a small logic-less template engine with escape-by-default output. Templates are
 * parsed into a flat node array whose block nodes know where their else and end are,
 * so rendering is a walk over index ranges without recursion on the source text. */
#include "pages/tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/bidi.h"

#define TMPL_MAX_NODES  4096
#define TMPL_MAX_DEPTH  16
#define TMPL_NAME_BYTES 32

enum tnode_kind { TN_TEXT, TN_VAR, TN_FIELD, TN_TRANS, TN_IF, TN_UNLESS, TN_EACH, TN_ELSE, TN_END };

struct tnode {
	enum tnode_kind kind;
	sv_t text;          /* TEXT: bytes; VAR/IF/UNLESS/EACH: name; TRANS: msgid */
	size_t else_at;     /* IF/UNLESS: index of the ELSE, or of the END when none */
	size_t end_at;      /* IF/UNLESS/EACH: index of the END */
};

struct tmpl {
	struct tnode *nodes;
	size_t count;
};

enum tvar_kind { TV_TEXT, TV_HTML, TV_LIST };

struct tvar {
	char name[TMPL_NAME_BYTES];
	enum tvar_kind kind;
	char *value;
	size_t len;
	tvars_t **items;
	size_t nitems;
};

struct tvars {
	struct tvar *vars;
	size_t count;
	size_t cap;
	bool failed;
	const tvars_t *parent;
};

/* ---- parsing ---- */

static bool
tmpl_name_ok(sv_t s)
{
	if (s.len == 0 || s.len >= TMPL_NAME_BYTES)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

static size_t
tmpl_line(const char *src, const char *at)
{
	size_t line = 1;
	for (const char *p = src; p < at; p++)
		line += *p == '\n';
	return line;
}

static int
tmpl_push(tmpl_t *t, enum tnode_kind kind, sv_t text)
{
	if (t->count == TMPL_MAX_NODES)
		return -1;
	t->nodes[t->count] = (struct tnode){ kind, text, 0, 0 };
	t->count++;
	return 0;
}

tmpl_t *
tmpl_parse(const char *name, const char *src, size_t len, char *err, size_t errlen)
{
	tmpl_t *t = calloc(1, sizeof(*t));
	size_t stack[TMPL_MAX_DEPTH];
	size_t depth = 0;
	const char *p = src, *end = src + len, *why = NULL, *at = src;

	if (!t || !(t->nodes = calloc(TMPL_MAX_NODES, sizeof(*t->nodes)))) {
		free(t);
		snprintf_cut(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	while (p < end) {
		const char *open = memmem(p, (size_t)(end - p), "{{", 2);
		if (!open)
			open = end;
		if (open > p && tmpl_push(t, TN_TEXT, (sv_t){ p, (size_t)(open - p) }) != 0) {
			why = "too many nodes";
			goto fail;
		}
		if (open == end)
			break;
		at = open;
		const char *close = memmem(open + 2, (size_t)(end - open - 2), "}}", 2);
		if (!close) {
			why = "{{ without }}";
			goto fail;
		}
		sv_t tag = { open + 2, (size_t)(close - open - 2) };
		p = close + 2;
		if (tag.len > 0 && tag.p[0] == '!')
			continue;
		tag = sv_trim_ows(tag);
		sv_t word, rest;
		sv_split(tag, ' ', &word, &rest);
		rest = sv_trim_ows(rest);
		int rc = 0;
		if (sv_eq_cstr(word, "t")) {
			if (rest.len < 2 || rest.p[0] != '"' || rest.p[rest.len - 1] != '"' ||
			    sv_index((sv_t){ rest.p + 1, rest.len - 2 }, '"') >= 0 || rest.len == 2) {
				why = "{{t ...}} takes one \"quoted text\"";
				goto fail;
			}
			rc = tmpl_push(t, TN_TRANS, (sv_t){ rest.p + 1, rest.len - 2 });
		} else if (sv_eq_cstr(word, "#if") || sv_eq_cstr(word, "#unless") || sv_eq_cstr(word, "#each")) {
			if (!tmpl_name_ok(rest)) {
				why = "a block needs one name of letters, digits and _";
				goto fail;
			}
			if (depth == TMPL_MAX_DEPTH) {
				why = "blocks nested too deep";
				goto fail;
			}
			enum tnode_kind k = word.p[1] == 'i' ? TN_IF : word.p[1] == 'u' ? TN_UNLESS : TN_EACH;
			stack[depth++] = t->count;
			rc = tmpl_push(t, k, rest);
		} else if (sv_eq_cstr(word, "else") && rest.len == 0) {
			if (depth == 0 || t->nodes[stack[depth - 1]].kind == TN_EACH ||
			    t->nodes[stack[depth - 1]].else_at != 0) {
				why = "{{else}} outside an #if or #unless, or twice";
				goto fail;
			}
			t->nodes[stack[depth - 1]].else_at = t->count;
			rc = tmpl_push(t, TN_ELSE, SV_NULL);
		} else if (word.len > 1 && word.p[0] == '/' && rest.len == 0) {
			if (depth == 0) {
				why = "a closing tag without its block";
				goto fail;
			}
			struct tnode *b = &t->nodes[stack[depth - 1]];
			sv_t want = b->kind == TN_IF ? SV("/if") : b->kind == TN_UNLESS ? SV("/unless") : SV("/each");
			if (!sv_eq(word, want)) {
				why = "a closing tag that does not match its block";
				goto fail;
			}
			b->end_at = t->count;
			if (b->else_at == 0)
				b->else_at = t->count;
			depth--;
			rc = tmpl_push(t, TN_END, SV_NULL);
		} else if (sv_eq_cstr(word, "field") && tmpl_name_ok(rest)) {
			rc = tmpl_push(t, TN_FIELD, rest);
		} else if (rest.len == 0 && tmpl_name_ok(word)) {
			rc = tmpl_push(t, TN_VAR, word);
		} else {
			why = "unknown tag";
			goto fail;
		}
		if (rc != 0) {
			why = "too many nodes";
			goto fail;
		}
	}
	if (depth != 0) {
		at = t->nodes[stack[depth - 1]].text.p;
		why = "a block is never closed";
		goto fail;
	}
	return t;
fail:
	snprintf_cut(err, errlen, "%s:%zu: %s", name, tmpl_line(src, at), why);
	tmpl_free(t);
	return NULL;
}

void
tmpl_free(tmpl_t *t)
{
	if (!t)
		return;
	free(t->nodes);
	free(t);
}

/* ---- values ---- */

tvars_t *
tvars_new(void)
{
	return calloc(1, sizeof(tvars_t));
}

void
tvars_free(tvars_t *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->count; i++) {
		struct tvar *x = &v->vars[i];
		if (x->value) {
			sodium_memzero(x->value, x->len);
			free(x->value);
		}
		for (size_t j = 0; j < x->nitems; j++)
			tvars_free(x->items[j]);
		free(x->items);
	}
	free(v->vars);
	free(v);
}

bool
tvars_ok(const tvars_t *v)
{
	return v && !v->failed;
}

/* The variable called name in v itself (created when absent), or NULL on failure. */
static struct tvar *
tvars_slot(tvars_t *v, const char *name)
{
	size_t n = strlen(name);
	if (v->failed || n == 0 || n >= TMPL_NAME_BYTES) {
		v->failed = true;
		return NULL;
	}
	for (size_t i = 0; i < v->count; i++)
		if (strcmp(v->vars[i].name, name) == 0)
			return &v->vars[i];
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct tvar *p = realloc(v->vars, cap * sizeof(*p));
		if (!p) {
			v->failed = true;
			return NULL;
		}
		v->vars = p;
		v->cap = cap;
	}
	struct tvar *x = &v->vars[v->count++];
	memset(x, 0, sizeof(*x));
	memcpy(x->name, name, n + 1);
	return x;
}

static void
tvars_put(tvars_t *v, const char *name, sv_t value, enum tvar_kind kind)
{
	struct tvar *x = tvars_slot(v, name);
	if (!x)
		return;
	if (x->kind == TV_LIST && x->nitems) {
		v->failed = true;
		return;
	}
	char *copy = malloc(value.len + 1);
	if (!copy) {
		v->failed = true;
		return;
	}
	if (value.len)
		memcpy(copy, value.p, value.len);
	copy[value.len] = '\0';
	if (x->value) {
		sodium_memzero(x->value, x->len);
		free(x->value);
	}
	x->value = copy;
	x->len = value.len;
	x->kind = kind;
}

void
tvars_set(tvars_t *v, const char *name, sv_t text)
{
	tvars_put(v, name, text, TV_TEXT);
}

void
tvars_set_cstr(tvars_t *v, const char *name, const char *text)
{
	tvars_put(v, name, sv_from_cstr(text), TV_TEXT);
}

void
tvars_setf(tvars_t *v, const char *name, const char *fmt, ...)
{
	buf_t b;
	va_list ap;
	buf_init(&b, 4096);
	va_start(ap, fmt);
	int rc = buf_vappendf(&b, fmt, ap);
	va_end(ap);
	if (rc != 0) {
		v->failed = true;
		return;
	}
	tvars_put(v, name, buf_sv(&b), TV_TEXT);
	buf_free(&b);
}

void
tvars_set_html(tvars_t *v, const char *name, sv_t html)
{
	tvars_put(v, name, html, TV_HTML);
}

tvars_t *
tvars_add_item(tvars_t *v, const char *list)
{
	struct tvar *x = tvars_slot(v, list);
	if (!x)
		return NULL;
	if (x->value) {   /* already a text value */
		v->failed = true;
		return NULL;
	}
	x->kind = TV_LIST;
	tvars_t *item = tvars_new();
	tvars_t **items = realloc(x->items, (x->nitems + 1) * sizeof(*items));
	if (!item || !items) {
		free(item);
		if (items)
			x->items = items;
		v->failed = true;
		return NULL;
	}
	x->items = items;
	item->parent = v;
	x->items[x->nitems++] = item;
	return item;
}

/* ---- rendering ---- */

static const struct tvar *
tvars_find(const tvars_t *v, sv_t name)
{
	for (; v; v = v->parent)
		for (size_t i = 0; i < v->count; i++)
			if (sv_eq_cstr(name, v->vars[i].name))
				return &v->vars[i];
	return NULL;
}

static bool
tvar_truthy(const struct tvar *x)
{
	return x && (x->kind == TV_LIST ? x->nitems > 0 : x->len > 0);
}

static bool
tvars_failed(const tvars_t *v)
{
	for (; v; v = v->parent)
		if (v->failed)
			return true;
	return false;
}

static int
tmpl_walk(const tmpl_t *t, size_t from, size_t to, const tvars_t *v, lang_t lang, buf_t *out)
{
	size_t i = from;
	while (i < to) {
		const struct tnode *n = &t->nodes[i];
		const struct tvar *x;
		switch (n->kind) {
		case TN_TEXT:
			if (buf_append_sv(out, n->text) != 0)
				return -1;
			i++;
			break;
		case TN_FIELD:
			/* A value given back inside a form control (a textarea, an input's value):
			 * escaped, but with its bidi marks kept, so a form sent again stores what was
			 * typed. Inside the control they cannot reorder anything of the page. */
			x = tvars_find(v, n->text);
			if (x && x->kind != TV_TEXT)
				return -1;
			if (x && buf_append_html(out, (sv_t){ x->value, x->len }) != 0)
				return -1;
			i++;
			break;
		case TN_VAR:
			x = tvars_find(v, n->text);
			if (x && x->kind == TV_HTML) {
				if (buf_append(out, x->value, x->len) != 0)
					return -1;
			} else if (x && x->kind == TV_TEXT) {
				/* values are where hostile text arrives: nothing in them may reorder the page */
				if (bidi_append_html(out, (sv_t){ x->value, x->len }) != 0)
					return -1;
			} else if (x) {   /* a list where a value was expected */
				return -1;
			}
			i++;
			break;
		case TN_TRANS:
			if (buf_append_html(out, i18n_sv(lang, n->text)) != 0)
				return -1;
			i++;
			break;
		case TN_IF:
		case TN_UNLESS: {
			bool yes = tvar_truthy(tvars_find(v, n->text));
			if (n->kind == TN_UNLESS)
				yes = !yes;
			size_t a = yes ? i + 1 : n->else_at + 1, b = yes ? n->else_at : n->end_at;
			if (a < b && tmpl_walk(t, a, b, v, lang, out) != 0)
				return -1;
			i = n->end_at + 1;
			break;
		}
		case TN_EACH:
			x = tvars_find(v, n->text);
			if (x && x->kind != TV_LIST)
				return -1;
			for (size_t j = 0; x && j < x->nitems; j++)
				if (x->items[j]->failed || tmpl_walk(t, i + 1, n->end_at, x->items[j], lang, out) != 0)
					return -1;
			i = n->end_at + 1;
			break;
		case TN_ELSE:
		case TN_END:
			i++;   /* only reached past a block's chosen branch */
			break;
		}
	}
	return 0;
}

int
tmpl_render(const tmpl_t *t, const tvars_t *v, lang_t lang, buf_t *out)
{
	if (!v || tvars_failed(v))
		return -1;
	return tmpl_walk(t, 0, t->count, v, lang, out);
}
