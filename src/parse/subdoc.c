/* subdoc: the cue list every subtitle parser fills and every writer reads (subdoc.h),
 * and the byte-level helpers they share: UTF-8 cleaning, windows-1251/1252, times, the
 * plain words of a cue. Pure; every length is bounded by subdoc.h's limits. */
#include "parse/subdoc.h"

#include <stdlib.h>
#include <string.h>

void
sub_doc_init(sub_doc_t *d)
{
	memset(d, 0, sizeof(*d));
	/* the text, with U+FFFD for every bad byte (3 bytes for 1) at worst */
	buf_init(&d->pool, (size_t)SUB_INPUT_MAX * 3);
}

void
sub_doc_free(sub_doc_t *d)
{
	buf_free(&d->pool);
	free(d->cues);
	memset(d, 0, sizeof(*d));
}

sv_t
sub_cue_id(const sub_doc_t *d, const sub_cue_t *c)
{
	return (sv_t){ c->id_len ? d->pool.data + c->id : "", c->id_len };
}

sv_t
sub_cue_settings(const sub_doc_t *d, const sub_cue_t *c)
{
	return (sv_t){ c->settings_len ? d->pool.data + c->settings : "", c->settings_len };
}

sv_t
sub_cue_text(const sub_doc_t *d, const sub_cue_t *c)
{
	return (sv_t){ c->text_len ? d->pool.data + c->text : "", c->text_len };
}

/* One line of an id or settings: line ends become spaces, "-->" becomes "- ->", trimmed. */
static int
put_line(buf_t *b, sv_t s)
{
	s = sv_trim_ows(s);
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		if (c == '\n' || c == '\r')
			c = ' ';
		if (c == '>' && i >= 2 && s.p[i - 1] == '-' && s.p[i - 2] == '-') {
			if (buf_append(b, " >", 2) != 0)
				return -1;
			continue;
		}
		if (buf_putc(b, c) != 0)
			return -1;
	}
	return 0;
}

/* One line of text as is, but NUL as U+FFFD and "-->" as "--&gt;", in runs. */
static int
put_text_line(buf_t *b, sv_t line)
{
	size_t run = 0;
	for (size_t k = 0; k < line.len; k++) {
		char c = line.p[k];
		const char *with = c == '\0' ? "\xEF\xBF\xBD"
		    : c == '>' && k >= 2 && line.p[k - 1] == '-' && line.p[k - 2] == '-' ? "&gt;"
		                                                                         : NULL;
		if (!with)
			continue;
		if (buf_append(b, line.p + run, k - run) != 0 || buf_append_cstr(b, with) != 0)
			return -1;
		run = k + 1;
	}
	return buf_append(b, line.p + run, line.len - run);
}

/* The text: LF line ends, no empty (or blank) line, no "-->", no NUL. */
static int
put_text(buf_t *b, sv_t s)
{
	size_t start = b->len;
	size_t i = 0;
	while (i < s.len) {
		size_t j = i;
		while (j < s.len && s.p[j] != '\n' && s.p[j] != '\r')
			j++;
		sv_t line = { s.p + i, j - i };
		if (!sv_is_blank(line) && ((b->len > start && buf_putc(b, '\n') != 0) || put_text_line(b, line) != 0))
			return -1;
		i = j;
		if (i < s.len && s.p[i] == '\r')
			i++;
		if (i < s.len && s.p[i] == '\n')
			i++;
	}
	return 0;
}

sub_err_t
sub_doc_add(sub_doc_t *d, uint32_t start, uint32_t end, sv_t id, sv_t settings, sv_t text)
{
	if (id.len > SUB_ID_MAX || settings.len > SUB_SETTINGS_MAX || text.len > SUB_TEXT_MAX ||
	    start > SUB_TIME_MAX_MS || end > SUB_TIME_MAX_MS)
		return SUB_ERR_TOO_LARGE;
	if (d->ncues >= SUB_CUES_MAX)
		return SUB_ERR_TOO_MANY;
	if (d->ncues == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		if (cap > SUB_CUES_MAX)
			cap = SUB_CUES_MAX;
		sub_cue_t *p = realloc(d->cues, cap * sizeof(*p));
		if (!p)
			return SUB_ERR_NOMEM;
		d->cues = p;
		d->cap = cap;
	}
	if (d->pool.max == 0)
		buf_init(&d->pool, (size_t)SUB_INPUT_MAX * 3);
	sub_cue_t *c = &d->cues[d->ncues];
	memset(c, 0, sizeof(*c));
	c->start = start;
	c->end = end;
	c->id = (uint32_t)d->pool.len;
	if (put_line(&d->pool, id) != 0)
		return SUB_ERR_NOMEM;
	c->id_len = (uint32_t)d->pool.len - c->id;
	c->settings = (uint32_t)d->pool.len;
	if (put_line(&d->pool, settings) != 0)
		return SUB_ERR_NOMEM;
	c->settings_len = (uint32_t)d->pool.len - c->settings;
	c->text = (uint32_t)d->pool.len;
	if (put_text(&d->pool, text) != 0)
		return SUB_ERR_NOMEM;
	c->text_len = (uint32_t)d->pool.len - c->text;
	d->ncues++;
	return SUB_OK;
}

void
sub_time_format(uint32_t ms, char sep, char out[13])
{
	if (ms > SUB_TIME_MAX_MS)
		ms = SUB_TIME_MAX_MS;
	uint32_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, f = ms % 1000;
	out[0] = (char)('0' + h / 10);
	out[1] = (char)('0' + h % 10);
	out[2] = ':';
	out[3] = (char)('0' + m / 10);
	out[4] = (char)('0' + m % 10);
	out[5] = ':';
	out[6] = (char)('0' + s / 10);
	out[7] = (char)('0' + s % 10);
	out[8] = sep;
	out[9] = (char)('0' + f / 100);
	out[10] = (char)('0' + f / 10 % 10);
	out[11] = (char)('0' + f % 10);
	out[12] = '\0';
}

int
sub_time_parse(sv_t s, uint32_t *ms)
{
	uint64_t part[3] = { 0, 0, 0 }, frac = 0;
	size_t nparts = 0, i = 0;
	s = sv_trim_ows(s);
	if (s.len == 0 || s.len > 16)
		return -1;
	for (;;) {
		size_t j = i;
		while (j < s.len && s.p[j] >= '0' && s.p[j] <= '9')
			j++;
		if (j == i || j - i > 6 || nparts == 3)
			return -1;
		if (num_parse_u64((sv_t){ s.p + i, j - i }, 0, 999999, &part[nparts]) != 0)
			return -1;
		nparts++;
		i = j;
		if (i < s.len && s.p[i] == ':') {
			i++;
			continue;
		}
		break;
	}
	if (i < s.len && (s.p[i] == '.' || s.p[i] == ',')) {
		size_t j = ++i, digits = 0;
		while (j < s.len && s.p[j] >= '0' && s.p[j] <= '9' && digits < 3) {
			frac = frac * 10 + (uint64_t)(s.p[j] - '0');
			j++;
			digits++;
		}
		if (digits == 0)
			return -1;
		while (digits++ < 3)
			frac *= 10;
		i = j;
	}
	if (i != s.len)
		return -1;
	uint64_t h = 0, m = 0, sec;
	if (nparts == 3) {
		h = part[0], m = part[1], sec = part[2];
		if (m > 59 || sec > 59)
			return -1;
	} else if (nparts == 2) {
		m = part[0], sec = part[1];
		if (sec > 59)
			return -1;
	} else {
		sec = part[0];
	}
	uint64_t total = ((h * 60 + m) * 60 + sec) * 1000 + frac;
	if (total > SUB_TIME_MAX_MS)
		return -1;
	*ms = (uint32_t)total;
	return 0;
}

int
sub_put_utf8(buf_t *b, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return buf_append(b, u, n);
}

/* The length of the valid UTF-8 sequence at p[0..n) (1..4), or 0 with *skip set to the
 * bytes of its maximal subpart (at least 1). */
static size_t
utf8_seq(const unsigned char *p, size_t n, size_t *skip)
{
	unsigned char c = p[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF;
	*skip = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	for (size_t k = 1; k < len; k++) {
		if (k >= n || p[k] < (k == 1 ? lo : 0x80) || p[k] > (k == 1 ? hi : 0xBF)) {
			*skip = k;
			return 0;
		}
	}
	return len;
}

int
sub_utf8_clean(sv_t in, bool nul_to_fffd, buf_t *out)
{
	const unsigned char *p = (const unsigned char *)in.p;
	size_t i = 0;
	if (in.len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	while (i < in.len) {
		size_t run = i;
		/* plain ASCII in one append */
		while (run < in.len && p[run] < 0x80 && p[run] != 0)
			run++;
		if (run > i && buf_append(out, p + i, run - i) != 0)
			return -1;
		i = run;
		if (i >= in.len)
			break;
		if (p[i] == 0) {
			if ((nul_to_fffd ? buf_append(out, "\xEF\xBF\xBD", 3) : buf_putc(out, '\0')) != 0)
				return -1;
			i++;
			continue;
		}
		size_t skip, n = utf8_seq(p + i, in.len - i, &skip);
		if (n) {
			if (buf_append(out, p + i, n) != 0)
				return -1;
			i += n;
		} else {
			if (buf_append(out, "\xEF\xBF\xBD", 3) != 0)
				return -1;
			i += skip;
		}
	}
	if (out->len == 0 && buf_append(out, "", 0) != 0)
		return -1;
	return 0;
}

bool
sub_utf8_valid(sv_t in, size_t *bad_line)
{
	const unsigned char *p = (const unsigned char *)in.p;
	size_t line = 1;
	for (size_t i = 0; i < in.len;) {
		size_t skip, n = utf8_seq(p + i, in.len - i, &skip);
		if (!n) {
			*bad_line = line;
			return false;
		}
		if (p[i] == '\n')
			line++;
		i += n;
	}
	*bad_line = 0;
	return true;
}

static const uint16_t cp1251_high[128] = {
	0x0402, 0x0403, 0x201a, 0x0453, 0x201e, 0x2026, 0x2020, 0x2021,
	0x20ac, 0x2030, 0x0409, 0x2039, 0x040a, 0x040c, 0x040b, 0x040f,
	0x0452, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x0098, 0x2122, 0x0459, 0x203a, 0x045a, 0x045c, 0x045b, 0x045f,
	0x00a0, 0x040e, 0x045e, 0x0408, 0x00a4, 0x0490, 0x00a6, 0x00a7,
	0x0401, 0x00a9, 0x0404, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x0407,
	0x00b0, 0x00b1, 0x0406, 0x0456, 0x0491, 0x00b5, 0x00b6, 0x00b7,
	0x0451, 0x2116, 0x0454, 0x00bb, 0x0458, 0x0405, 0x0455, 0x0457,
	/* 0xC0..0xFF: А..я, U+0410..U+044F */
};

static const uint16_t cp1252_high[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
	/* 0xA0..0xFF: Latin-1, the same code points */
};

int
sub_cp125x_decode(sv_t in, int codepage, buf_t *out)
{
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.p[i];
		uint32_t cp = c;
		if (c >= 0x80) {
			if (codepage == 1251)
				cp = c >= 0xC0 ? 0x0410u + (c - 0xC0u) : cp1251_high[c - 0x80];
			else
				cp = c >= 0xA0 ? c : cp1252_high[c - 0x80];
		}
		if (sub_put_utf8(out, cp) != 0)
			return -1;
	}
	if (out->len == 0 && buf_append(out, "", 0) != 0)
		return -1;
	return 0;
}

/* ---- the words of a cue ---- */

static const struct {
	const char *name;
	const char *utf8;
} sub_entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "nbsp", "\xC2\xA0" },
	{ "lrm", "\xE2\x80\x8E" }, { "rlm", "\xE2\x80\x8F" },
};

int
sub_text_plain(sv_t t, buf_t *out)
{
	for (size_t i = 0; i < t.len;) {
		char c = t.p[i];
		if (c == '<') {
			ptrdiff_t e = sv_index((sv_t){ t.p + i, t.len - i }, '>');
			i = e < 0 ? t.len : i + (size_t)e + 1;
			continue;
		}
		if (c == '&') {
			bool done = false;
			for (size_t k = 0; k < sizeof(sub_entities) / sizeof(sub_entities[0]); k++) {
				size_t n = strlen(sub_entities[k].name);
				if (i + 1 + n < t.len && memcmp(t.p + i + 1, sub_entities[k].name, n) == 0 &&
				    t.p[i + 1 + n] == ';') {
					if (buf_append_cstr(out, sub_entities[k].utf8) != 0)
						return -1;
					i += n + 2;
					done = true;
					break;
				}
			}
			if (done)
				continue;
		}
		if (buf_putc(out, c) != 0)
			return -1;
		i++;
	}
	if (out->len == 0 && buf_append(out, "", 0) != 0)
		return -1;
	return 0;
}

#define SUB_TAG_DEPTH 16

bool
sub_text_balanced(sv_t t)
{
	char stack[SUB_TAG_DEPTH][8];
	size_t depth = 0;
	for (size_t i = 0; i < t.len; i++) {
		if (t.p[i] != '<')
			continue;
		ptrdiff_t e = sv_index((sv_t){ t.p + i, t.len - i }, '>');
		if (e < 0)
			return false;
		sv_t tag = { t.p + i + 1, (size_t)e - 1 };
		i += (size_t)e;
		if (tag.len == 0)
			return false;
		if (tag.p[0] >= '0' && tag.p[0] <= '9')
			continue;   /* a timestamp tag, <00:01.500> */
		bool closing = tag.p[0] == '/';
		if (closing)
			tag.p++, tag.len--;
		size_t n = 0;
		while (n < tag.len && tag.p[n] != '.' && tag.p[n] != ' ' && tag.p[n] != '\t')
			n++;
		sv_t name = { tag.p, n };
		if (!sv_eq(name, SV("i")) && !sv_eq(name, SV("b")) && !sv_eq(name, SV("u")) && !sv_eq(name, SV("c")) &&
		    !sv_eq(name, SV("v")) && !sv_eq(name, SV("lang")) && !sv_eq(name, SV("ruby")) && !sv_eq(name, SV("rt")))
			return false;
		if (!closing) {
			if (depth == SUB_TAG_DEPTH)
				return false;
			memcpy(stack[depth], name.p, name.len);
			stack[depth][name.len] = '\0';
			depth++;
		} else {
			if (depth == 0 || n != tag.len || !sv_eq_cstr(name, stack[depth - 1]))
				return false;
			depth--;
		}
	}
	/* <v> may stay open to the end of the cue, as the WebVTT spec allows */
	while (depth > 0 && strcmp(stack[depth - 1], "v") == 0)
		depth--;
	return depth == 0;
}
