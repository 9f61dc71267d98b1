/* webvtt: the W3C WebVTT parser algorithm over hostile bytes, and the writer. The steps
 * follow the spec's own ("collect a WebVTT block", "collect a WebVTT timestamp") so that
 * a file reads here as it does in a browser; the cue text is kept as written (its
 * markup is parsed only where it is shown), settings apart from it. Pure. */
#include "parse/webvtt.h"

#include <string.h>

#define VTT_TS_DIGITS_MAX 9   /* digits of a timestamp's first field (hours): beyond, refused */

struct vtt {
	const char *s;
	size_t len, pos, line;
	bool seen_cue;
	sub_doc_t *d;
	sub_err_t err;
	size_t err_line;
};

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t
digits(sv_t l, size_t *i, uint64_t *value)
{
	size_t n = 0;
	*value = 0;
	while (*i < l.len && is_digit(l.p[*i])) {
		if (n < VTT_TS_DIGITS_MAX + 1)
			*value = *value * 10 + (uint64_t)(l.p[*i] - '0');
		(*i)++;
		n++;
	}
	return n;
}

/* "collect a WebVTT timestamp": [h+:]mm:ss.ttt, hours when the first field is not two
 * digits or is over 59. */
static int
vtt_timestamp(sv_t l, size_t *i, uint32_t *ms)
{
	uint64_t v1, v2, v3, v4;
	bool hours = false;
	if (*i >= l.len || !is_digit(l.p[*i]))
		return -1;
	size_t n = digits(l, i, &v1);
	if (n > VTT_TS_DIGITS_MAX)
		return -1;
	if (n != 2 || v1 > 59)
		hours = true;
	if (*i >= l.len || l.p[*i] != ':')
		return -1;
	(*i)++;
	if (digits(l, i, &v2) != 2)
		return -1;
	if (hours || (*i < l.len && l.p[*i] == ':')) {
		if (*i >= l.len || l.p[*i] != ':')
			return -1;
		(*i)++;
		if (digits(l, i, &v3) != 2)
			return -1;
	} else {
		v3 = v2;
		v2 = v1;
		v1 = 0;
	}
	if (*i >= l.len || l.p[*i] != '.')
		return -1;
	(*i)++;
	if (digits(l, i, &v4) != 3)
		return -1;
	if (v2 > 59 || v3 > 59)
		return -1;
	uint64_t total = ((v1 * 60 + v2) * 60 + v3) * 1000 + v4;
	if (total > SUB_TIME_MAX_MS)
		return -1;
	*ms = (uint32_t)total;
	return 0;
}

static bool has_arrow(sv_t l);

static bool
one_of(sv_t v, const char *const *words)
{
	for (; *words; words++)
		if (sv_eq_cstr(v, *words))
			return true;
	return false;
}

/* A percentage "N[.N]%" (0..100). */
static bool
percent(sv_t v)
{
	size_t i = 0, before = 0, after = 0;
	unsigned whole = 0;
	while (i < v.len && is_digit(v.p[i]) && before < 4)
		whole = whole * 10 + (unsigned)(v.p[i++] - '0'), before++;
	if (i < v.len && v.p[i] == '.') {
		i++;
		while (i < v.len && is_digit(v.p[i]))
			i++, after++;
		if (after == 0)
			return false;
	}
	return before > 0 && before <= 3 && whole <= 100 && (whole < 100 || after == 0) && i + 1 == v.len &&
	    v.p[i] == '%';
}

/* One setting name:value the spec knows; the others are dropped, as the spec ignores
 * them. */
static bool
setting_ok(sv_t t)
{
	static const char *const vertical[] = { "rl", "lr", NULL };
	static const char *const align[] = { "start", "center", "end", "left", "right", NULL };
	static const char *const line_align[] = { "start", "center", "end", NULL };
	static const char *const pos_align[] = { "line-left", "center", "line-right", NULL };
	sv_t name, value, a, b;
	if (!sv_split(t, ':', &name, &value) || name.len == 0 || value.len == 0)
		return false;
	if (sv_eq(name, SV("vertical")))
		return one_of(value, vertical);
	if (sv_eq(name, SV("align")))
		return one_of(value, align);
	if (sv_eq(name, SV("size")))
		return percent(value);
	if (sv_eq(name, SV("region")))
		return !has_arrow(value);   /* a region's id never holds "-->" */
	if (sv_eq(name, SV("position"))) {
		bool has = sv_split(value, ',', &a, &b);
		return percent(a) && (!has || one_of(b, pos_align));
	}
	if (sv_eq(name, SV("line"))) {
		bool has = sv_split(value, ',', &a, &b);
		if (has && !one_of(b, line_align))
			return false;
		if (percent(a))
			return true;
		size_t i = a.len && a.p[0] == '-' ? 1 : 0;
		if (i == a.len || a.len - i > 4)
			return false;
		for (; i < a.len; i++)
			if (!is_digit(a.p[i]))
				return false;
		return true;
	}
	return false;
}

/* The settings the spec would use, space-separated, into out (<= SUB_SETTINGS_MAX). */
static void
settings_keep(sv_t rest, char *out, size_t *outlen)
{
	size_t i = 0;
	*outlen = 0;
	while (i < rest.len) {
		while (i < rest.len && is_ws(rest.p[i]))
			i++;
		size_t j = i;
		while (j < rest.len && !is_ws(rest.p[j]))
			j++;
		sv_t t = { rest.p + i, j - i };
		if (t.len && setting_ok(t) && *outlen + t.len + 1 <= SUB_SETTINGS_MAX) {
			if (*outlen)
				out[(*outlen)++] = ' ';
			memcpy(out + *outlen, t.p, t.len);
			*outlen += t.len;
		}
		i = j;
	}
}

/* "collect WebVTT cue timings and settings" from one line. */
static int
vtt_timings(sv_t l, uint32_t *start, uint32_t *end, char *settings, size_t *settings_len)
{
	size_t i = 0;
	while (i < l.len && is_ws(l.p[i]))
		i++;
	if (vtt_timestamp(l, &i, start) != 0)
		return -1;
	while (i < l.len && is_ws(l.p[i]))
		i++;
	if (l.len - i < 3 || memcmp(l.p + i, "-->", 3) != 0)
		return -1;
	i += 3;
	while (i < l.len && is_ws(l.p[i]))
		i++;
	if (vtt_timestamp(l, &i, end) != 0)
		return -1;
	settings_keep((sv_t){ l.p + i, l.len - i }, settings, settings_len);
	return 0;
}

static bool
has_arrow(sv_t l)
{
	for (size_t i = 0; i + 2 < l.len; i++)
		if (l.p[i] == '-' && l.p[i + 1] == '-' && l.p[i + 2] == '>')
			return true;
	return false;
}

static void
vtt_bad(struct vtt *v, size_t line, sub_err_t why)
{
	v->d->skipped++;
	if (!v->d->first_bad_line) {
		v->d->first_bad_line = line;
		v->d->first_bad = why;
	}
}

/* A block the spec steps over on purpose: a comment, a style sheet, a region. */
static bool
block_named(sv_t first)
{
	static const char *const words[] = { "NOTE", "STYLE", "REGION" };
	for (size_t i = 0; i < 3; i++) {
		sv_t w = sv_from_cstr(words[i]);
		if (sv_starts_with(first, w) && (first.len == w.len || first.p[w.len] == ' ' || first.p[w.len] == '\t'))
			return true;
	}
	return false;
}

/* "collect a WebVTT block": 0, or -1 when a limit was hit (v->err). */
static int
vtt_block(struct vtt *v, bool in_header)
{
	size_t line_count = 0, prev_pos = v->pos, prev_line = v->line;
	size_t buf_start = 0, buf_end = 0;   /* the buffer: s[buf_start, buf_end) */
	bool buf_empty = true, seen_arrow = false, have_cue = false, timing_bad = false;
	size_t first_line = v->line;
	sv_t first = SV_NULL;
	uint32_t start = 0, end = 0, cue_line = 0;
	sv_t id = SV_NULL;
	char settings[SUB_SETTINGS_MAX];
	size_t settings_len = 0;
	for (;;) {
		size_t ls = v->pos, le = ls;
		while (le < v->len && v->s[le] != '\n')
			le++;
		sv_t line = { v->s + ls, le - ls };
		size_t this_line = v->line;
		bool seen_eof = le >= v->len;
		line_count++;
		v->pos = seen_eof ? v->len : le + 1;
		if (!seen_eof)
			v->line++;
		if (has_arrow(line)) {
			if (!in_header && (line_count == 1 || (line_count == 2 && !seen_arrow))) {
				seen_arrow = true;
				prev_pos = v->pos;
				prev_line = v->line;
				id = buf_empty ? SV_NULL : (sv_t){ v->s + buf_start, buf_end - buf_start };
				if (vtt_timings(line, &start, &end, settings, &settings_len) == 0) {
					have_cue = true;
					cue_line = (uint32_t)this_line;
					buf_empty = true;
					v->seen_cue = true;
				} else {
					have_cue = false;
					timing_bad = true;
					vtt_bad(v, this_line, SUB_ERR_TIMING);
				}
			} else {
				v->pos = prev_pos;
				v->line = prev_line;
				break;
			}
		} else if (line.len == 0) {
			break;
		} else {
			/* a STYLE, REGION or NOTE block (or a header) is a block without a
			 * cue: its lines are collected like text and stepped over */
			if (line_count == 1)
				first = line;
			if (buf_empty) {
				buf_start = ls;
				buf_empty = false;
			}
			buf_end = le;
			prev_pos = v->pos;
			prev_line = v->line;
		}
		if (seen_eof)
			break;
	}
	if (have_cue) {
		sv_t text = buf_empty ? SV_NULL : (sv_t){ v->s + buf_start, buf_end - buf_start };
		if (id.len > SUB_ID_MAX || text.len > SUB_TEXT_MAX) {
			v->err = SUB_ERR_TOO_LARGE;
			v->err_line = cue_line;
			return -1;
		}
		sub_err_t e = sub_doc_add(v->d, start, end, id, (sv_t){ settings, settings_len }, text);
		if (e != SUB_OK) {
			v->err = e;
			v->err_line = cue_line;
			return -1;
		}
		v->d->cues[v->d->ncues - 1].line = cue_line;
	} else if (!in_header && !timing_bad && first.len && !block_named(first)) {
		/* words with no timing line: not a cue, so nothing a browser shows */
		vtt_bad(v, first_line, SUB_ERR_TEXT);
	}
	return 0;
}

static void
skip_lf(struct vtt *v)
{
	while (v->pos < v->len && v->s[v->pos] == '\n') {
		v->pos++;
		v->line++;
	}
}

sub_err_t
webvtt_parse(sv_t in, sub_doc_t *out, size_t *line)
{
	buf_t norm;
	*line = 0;
	if (in.len > SUB_INPUT_MAX)
		return SUB_ERR_TOO_LARGE;
	buf_init(&norm, (size_t)SUB_INPUT_MAX * 3);
	/* decoding (BOM, bad bytes, NUL), then CRLF and CR to LF, in place */
	if (sub_utf8_clean(in, true, &norm) != 0)
		return SUB_ERR_NOMEM;
	size_t j = 0;
	for (size_t i = 0; i < norm.len; i++) {
		char c = norm.data[i];
		if (c == '\r') {
			if (i + 1 < norm.len && norm.data[i + 1] == '\n')
				i++;
			c = '\n';
		}
		norm.data[j++] = c;
	}
	norm.len = j;
	struct vtt v = { norm.data, norm.len, 0, 1, false, out, SUB_OK, 0 };
	sub_err_t rc = SUB_OK;
	if (v.len < 6 || memcmp(v.s, "WEBVTT", 6) != 0 ||
	    (v.len > 6 && v.s[6] != ' ' && v.s[6] != '\t' && v.s[6] != '\n')) {
		*line = 1;
		rc = SUB_ERR_SIGNATURE;
		goto done;
	}
	/* the rest of the signature line, then the header block */
	while (v.pos < v.len && v.s[v.pos] != '\n')
		v.pos++;
	if (v.pos >= v.len)
		goto done;
	v.pos++, v.line++;
	if (v.pos >= v.len)
		goto done;
	if (v.s[v.pos] != '\n') {
		if (vtt_block(&v, true) != 0)
			goto fail;
	} else {
		v.pos++, v.line++;
	}
	skip_lf(&v);
	while (v.pos < v.len) {
		if (vtt_block(&v, false) != 0)
			goto fail;
		skip_lf(&v);
	}
	goto done;
fail:
	rc = v.err;
	*line = v.err_line;
done:
	buf_free(&norm);
	return rc;
}

int
webvtt_write(const sub_doc_t *d, buf_t *out)
{
	char a[13], b[13];
	if (buf_append_cstr(out, "WEBVTT\n") != 0)
		return -1;
	for (size_t i = 0; i < d->ncues; i++) {
		const sub_cue_t *c = &d->cues[i];
		sv_t id = sub_cue_id(d, c), set = sub_cue_settings(d, c), text = sub_cue_text(d, c);
		sub_time_format(c->start, '.', a);
		sub_time_format(c->end, '.', b);
		if (buf_putc(out, '\n') != 0 || (id.len && (buf_append_sv(out, id) != 0 || buf_putc(out, '\n') != 0)) ||
		    buf_appendf(out, "%s --> %s", a, b) != 0 ||
		    (set.len && (buf_putc(out, ' ') != 0 || buf_append_sv(out, set) != 0)) || buf_putc(out, '\n') != 0 ||
		    (text.len && (buf_append_sv(out, text) != 0 || buf_putc(out, '\n') != 0)))
			return -1;
	}
	return 0;
}
