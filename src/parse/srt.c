/* srt: SubRip in and out (srt.h). A cue begins at each timing line; what stands before
 * the next one is its text, less the next cue's index. Markup is turned into WebVTT's so
 * that one document model serves both formats. Pure. */
#include "parse/srt.h"

#include <string.h>

#define SRT_TAG_MAX 64        /* bytes between '<' and '>' of a tag we read */
#define SRT_ASS_MAX 32        /* bytes between '{' and '}' of a {\an8} code */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t
srt_digits(sv_t l, size_t *i, size_t max, uint64_t *v)
{
	size_t n = 0;
	*v = 0;
	while (*i < l.len && is_digit(l.p[*i]) && n < max) {
		*v = *v * 10 + (uint64_t)(l.p[*i] - '0');
		(*i)++;
		n++;
	}
	return n;
}

/* H:MM:SS,mmm with 1-3 hour digits, 1-2 for minutes and seconds, '.' or ',' and 1-3
 * digits of a fraction. */
static int
srt_timestamp(sv_t l, size_t *i, uint32_t *ms)
{
	uint64_t h, m, s, f = 0;
	size_t fd;
	if (srt_digits(l, i, 3, &h) == 0 || *i >= l.len || l.p[*i] != ':')
		return -1;
	(*i)++;
	if (srt_digits(l, i, 2, &m) == 0 || *i >= l.len || l.p[*i] != ':')
		return -1;
	(*i)++;
	if (srt_digits(l, i, 2, &s) == 0)
		return -1;
	if (*i < l.len && (l.p[*i] == ',' || l.p[*i] == '.')) {
		(*i)++;
		if ((fd = srt_digits(l, i, 3, &f)) == 0)
			return -1;
		while (fd++ < 3)
			f *= 10;
	}
	if (*i < l.len && is_digit(l.p[*i]))
		return -1;
	if (m > 59 || s > 59)
		return -1;
	uint64_t total = ((h * 60 + m) * 60 + s) * 1000 + f;
	if (total > SUB_TIME_MAX_MS)
		return -1;
	*ms = (uint32_t)total;
	return 0;
}

static int
srt_timing(sv_t l, uint32_t *start, uint32_t *end)
{
	size_t i = 0;
	while (i < l.len && (l.p[i] == ' ' || l.p[i] == '\t'))
		i++;
	if (srt_timestamp(l, &i, start) != 0)
		return -1;
	while (i < l.len && (l.p[i] == ' ' || l.p[i] == '\t'))
		i++;
	if (l.len - i < 3 || memcmp(l.p + i, "-->", 3) != 0)
		return -1;
	i += 3;
	while (i < l.len && (l.p[i] == ' ' || l.p[i] == '\t'))
		i++;
	if (srt_timestamp(l, &i, end) != 0)
		return -1;
	/* what follows (X1:... coordinates) is dropped, but must be apart */
	return i == l.len || l.p[i] == ' ' || l.p[i] == '\t' ? 0 : -1;
}

static bool
has_arrow(sv_t l)
{
	for (size_t i = 0; i + 2 < l.len; i++)
		if (l.p[i] == '-' && l.p[i + 1] == '-' && l.p[i + 2] == '>')
			return true;
	return false;
}

/* A line that begins as a timing line does ("00:00:01,000 -> ..."): a timestamp, then an
 * arrow of some kind. A broken one is an error, never words. */
static bool
looks_timed(sv_t l)
{
	size_t i = 0, dashes = 0;
	uint32_t ms;
	while (i < l.len && (l.p[i] == ' ' || l.p[i] == '\t'))
		i++;
	if (srt_timestamp(l, &i, &ms) != 0)
		return false;
	while (i < l.len && (l.p[i] == ' ' || l.p[i] == '\t'))
		i++;
	while (i < l.len && l.p[i] == '-')
		i++, dashes++;
	return dashes > 0 && i < l.len && l.p[i] == '>';
}

static bool
all_digits(sv_t l)
{
	l = sv_trim_ows(l);
	if (l.len == 0 || l.len > 9)
		return false;
	for (size_t i = 0; i < l.len; i++)
		if (!is_digit(l.p[i]))
			return false;
	return true;
}

/* The SRT text of a cue as WebVTT cue text; *top when a {\an7}..{\an9} code was seen. */
static int
srt_text_in(sv_t t, buf_t *out, bool *top)
{
	for (size_t i = 0; i < t.len; i++) {
		char c = t.p[i];
		if (c == '{' && i + 1 < t.len && t.p[i + 1] == '\\') {
			size_t cap = t.len - i < SRT_ASS_MAX ? t.len - i : SRT_ASS_MAX;
			ptrdiff_t e = sv_index((sv_t){ t.p + i, cap }, '}');
			if (e > 0) {
				sv_t code = { t.p + i + 1, (size_t)e - 1 };
				if (sv_eq(code, SV("\\an7")) || sv_eq(code, SV("\\an8")) || sv_eq(code, SV("\\an9")))
					*top = true;
				i += (size_t)e;
				continue;
			}
		}
		if (c == '<') {
			size_t cap = t.len - i < SRT_TAG_MAX ? t.len - i : SRT_TAG_MAX;
			ptrdiff_t e = sv_index((sv_t){ t.p + i, cap }, '>');
			if (e > 1) {
				sv_t tag = { t.p + i + 1, (size_t)e - 1 };
				bool closing = tag.p[0] == '/';
				sv_t name = closing ? (sv_t){ tag.p + 1, tag.len - 1 } : tag;
				size_t n = 0;
				while (n < name.len && name.p[n] != ' ' && name.p[n] != '\t')
					n++;
				name.len = n;
				char lc = name.len == 1 ? (char)(name.p[0] | 0x20) : 0;
				if ((lc == 'i' || lc == 'b' || lc == 'u') && n == (closing ? tag.len - 1 : tag.len)) {
					char w[4] = { '<', '/', lc, '>' };
					if (closing ? buf_append(out, w, 4) != 0 : (buf_putc(out, '<') != 0 || buf_putc(out, lc) != 0 ||
					                                               buf_putc(out, '>') != 0))
						return -1;
					i += (size_t)e;
					continue;
				}
				if (sv_eq_nocase(name, SV("font"))) {
					i += (size_t)e;
					continue;
				}
			}
		}
		int rc = c == '<' ? buf_append_cstr(out, "&lt;") : c == '>' ? buf_append_cstr(out, "&gt;")
		    : c == '&'    ? buf_append_cstr(out, "&amp;")
		                  : buf_putc(out, c);
		if (rc != 0)
			return -1;
	}
	if (out->len == 0 && buf_append(out, "", 0) != 0)
		return -1;
	return 0;
}

struct srt_cue {
	bool open;
	uint32_t start, end, line;
	size_t text_start, text_end;   /* in the normalized text; text_end at the last kept line */
	size_t last_start, last_end;   /* the last non-blank line */
	size_t before_last_end;        /* where the text ends without that line */
	bool has_text;
};

static sub_err_t
srt_close(const char *s, struct srt_cue *c, bool next_follows, sub_doc_t *d)
{
	buf_t text;
	bool top = false;
	if (!c->open)
		return SUB_OK;
	size_t end = c->text_end;
	/* the next cue's index stands last: not this cue's text */
	if (next_follows && c->has_text && all_digits((sv_t){ s + c->last_start, c->last_end - c->last_start }))
		end = c->before_last_end;
	sv_t raw = end > c->text_start ? (sv_t){ s + c->text_start, end - c->text_start } : SV_NULL;
	if (raw.len > SUB_TEXT_MAX)
		return SUB_ERR_TOO_LARGE;
	buf_init(&text, SUB_TEXT_MAX * 5);
	if (srt_text_in(raw, &text, &top) != 0)
		return SUB_ERR_NOMEM;
	sv_t t = { text.data, text.len };
	if (t.len > SUB_TEXT_MAX) {
		buf_free(&text);
		return SUB_ERR_TOO_LARGE;
	}
	sub_err_t e = sub_doc_add(d, c->start, c->end, SV_NULL, top ? SV("line:0") : SV_NULL, t);
	buf_free(&text);
	if (e == SUB_OK)
		d->cues[d->ncues - 1].line = c->line;
	c->open = false;
	return e;
}

sub_err_t
srt_parse(sv_t in, int encoding, sub_doc_t *out, size_t *line)
{
	buf_t norm, dec;
	size_t bad = 0;
	*line = 0;
	if (in.len > SUB_INPUT_MAX)
		return SUB_ERR_TOO_LARGE;
	if (in.len >= 3 && memcmp(in.p, "\xEF\xBB\xBF", 3) == 0)
		in.p += 3, in.len -= 3;
	buf_init(&dec, (size_t)SUB_INPUT_MAX * 3);
	if (sub_utf8_valid(in, &bad)) {
		if (sub_utf8_clean(in, true, &dec) != 0)
			return SUB_ERR_NOMEM;
	} else if (encoding == SRT_CP1251 || encoding == SRT_CP1252) {
		if (sub_cp125x_decode(in, encoding, &dec) != 0)
			return SUB_ERR_NOMEM;
	} else {
		*line = bad;
		return SUB_ERR_ENCODING;
	}
	/* line ends: CR* LF and CR+ are one LF; NUL already became U+FFFD */
	norm = dec;
	size_t j = 0;
	for (size_t i = 0; i < norm.len; i++) {
		char c = norm.data[i];
		if (c == '\r') {
			while (i + 1 < norm.len && norm.data[i + 1] == '\r')
				i++;
			if (i + 1 < norm.len && norm.data[i + 1] == '\n')
				i++;
			c = '\n';
		}
		norm.data[j++] = c;
	}
	norm.len = j;
	const char *s = norm.data;
	struct srt_cue cue = { 0 };
	sub_err_t rc = SUB_OK;
	size_t lineno = 0;
	for (size_t pos = 0; pos < norm.len;) {
		size_t le = pos;
		while (le < norm.len && s[le] != '\n')
			le++;
		sv_t l = { s + pos, le - pos };
		lineno++;
		uint32_t a, b;
		if (srt_timing(l, &a, &b) == 0) {
			if ((rc = srt_close(s, &cue, true, out)) != SUB_OK) {
				*line = cue.line;
				goto done;
			}
			cue = (struct srt_cue){ .open = true, .start = a, .end = b, .line = (uint32_t)lineno,
				.text_start = le < norm.len ? le + 1 : le, .text_end = le < norm.len ? le + 1 : le };
		} else if (has_arrow(l) || looks_timed(l)) {
			rc = SUB_ERR_TIMING;
			*line = lineno;
			goto done;
		} else if (!cue.open) {
			if (!sv_is_blank(l) && !all_digits(l)) {
				rc = SUB_ERR_TEXT;
				*line = lineno;
				goto done;
			}
		} else if (!sv_is_blank(l)) {
			cue.before_last_end = cue.has_text ? cue.last_end : cue.text_start;
			cue.last_start = pos;
			cue.last_end = le;
			cue.text_end = le;
			cue.has_text = true;
		}
		pos = le + 1;
	}
	if ((rc = srt_close(s, &cue, false, out)) != SUB_OK)
		*line = cue.line;
done:
	buf_free(&norm);
	return rc;
}

/* WebVTT cue text as SRT text: <i> <b> <u> kept (classes dropped), other tags dropped,
 * entities decoded. */
static int
srt_text_out(sv_t t, buf_t *out)
{
	buf_t plain;
	for (size_t i = 0; i < t.len;) {
		if (t.p[i] == '<') {
			ptrdiff_t e = sv_index((sv_t){ t.p + i, t.len - i }, '>');
			if (e < 0)
				break;
			sv_t tag = { t.p + i + 1, (size_t)e - 1 };
			bool closing = tag.len && tag.p[0] == '/';
			char n = tag.len > (size_t)closing ? tag.p[closing] : 0;
			bool simple = tag.len == (size_t)closing + 1 || (tag.len > (size_t)closing + 1 && tag.p[closing + 1] == '.');
			if ((n == 'i' || n == 'b' || n == 'u') && simple) {
				if (buf_putc(out, '<') != 0 || (closing && buf_putc(out, '/') != 0) || buf_putc(out, n) != 0 ||
				    buf_putc(out, '>') != 0)
					return -1;
			}
			i += (size_t)e + 1;
			continue;
		}
		size_t j = i;
		while (j < t.len && t.p[j] != '<')
			j++;
		buf_init(&plain, SUB_TEXT_MAX * 2);
		if (sub_text_plain((sv_t){ t.p + i, j - i }, &plain) != 0)
			return -1;
		int rc = buf_append(out, plain.data, plain.len);
		buf_free(&plain);
		if (rc != 0)
			return -1;
		i = j;
	}
	return 0;
}

static bool
is_top(sv_t settings)
{
	size_t i = 0;
	while (i < settings.len) {
		size_t j = i;
		while (j < settings.len && settings.p[j] != ' ')
			j++;
		sv_t t = { settings.p + i, j - i };
		if (sv_eq(t, SV("line:0")) || sv_starts_with(t, SV("line:0,")) || sv_eq(t, SV("line:0%")))
			return true;
		i = j + 1;
	}
	return false;
}

/* One line of words as SRT can carry it: "-->" never (it would begin a cue), and a line
 * that a reader would take for a broken timing line starts with U+2060 (invisible). */
static int
srt_line_out(sv_t l, buf_t *out)
{
	if (looks_timed(l) && buf_append_cstr(out, "\xE2\x81\xA0") != 0)
		return -1;
	size_t run = 0;
	for (size_t k = 0; k + 2 < l.len; k++) {
		if (l.p[k] == '-' && l.p[k + 1] == '-' && l.p[k + 2] == '>') {
			if (buf_append(out, l.p + run, k + 2 - run) != 0 || buf_putc(out, ' ') != 0)
				return -1;
			run = k + 2;
		}
	}
	return buf_append(out, l.p + run, l.len - run);
}

int
srt_write(const sub_doc_t *d, buf_t *out)
{
	char a[13], b[13];
	buf_t t;
	for (size_t i = 0; i < d->ncues; i++) {
		const sub_cue_t *c = &d->cues[i];
		sub_time_format(c->start, ',', a);
		sub_time_format(c->end, ',', b);
		if ((i && buf_append_cstr(out, "\r\n") != 0) || buf_appendf(out, "%zu\r\n%s --> %s\r\n", i + 1, a, b) != 0 ||
		    (is_top(sub_cue_settings(d, c)) && buf_append_cstr(out, "{\\an8}") != 0))
			return -1;
		buf_init(&t, SUB_TEXT_MAX * 4);
		if (srt_text_out(sub_cue_text(d, c), &t) != 0)
			return -1;
		/* line by line, CRLF between */
		for (size_t k = 0; k < t.len;) {
			size_t e = k;
			while (e < t.len && t.data[e] != '\n')
				e++;
			if ((k && buf_append_cstr(out, "\r\n") != 0) || srt_line_out((sv_t){ t.data + k, e - k }, out) != 0) {
				buf_free(&t);
				return -1;
			}
			k = e + 1;
		}
		buf_free(&t);
		if (buf_append_cstr(out, "\r\n") != 0)
			return -1;
	}
	if (out->len == 0 && buf_append(out, "", 0) != 0)
		return -1;
	return 0;
}
