/* reach_text: encodings, folded header names, dates and counts for the export readers
 * (reach_text.h). Every reader carries lengths and stops at the end of its view. */
#include "parse/reach_text.h"

#include <stdlib.h>
#include <string.h>

#include "parse/reach.h"

/* ---- encoding ---- */

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not one (overlong,
 * surrogate, past U+10FFFF, cut short, or a NUL). */
static size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
	if (n == 0 || c > 0xf4 || (size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
		return 0;
	if (n == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
		return 0;
	return n;
}

static int
utf16_decode(const uint8_t *p, size_t n, bool le, char **owned, sv_t *text, uint32_t *bad_line)
{
	size_t units = n / 2;
	char *out = malloc(units * 3 + 1);
	size_t o = 0;
	uint32_t line = 1;
	if (!out)
		return -2;
	if (n % 2)
		goto bad;
	for (size_t i = 0; i < units; i++) {
		uint32_t u = le ? (uint32_t)(p[2 * i] | p[2 * i + 1] << 8) : (uint32_t)(p[2 * i] << 8 | p[2 * i + 1]);
		if (u >= 0xdc00 && u <= 0xdfff)
			goto bad;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 1 >= units)
				goto bad;
			i++;
			uint32_t lo = le ? (uint32_t)(p[2 * i] | p[2 * i + 1] << 8) : (uint32_t)(p[2 * i] << 8 | p[2 * i + 1]);
			if (lo < 0xdc00 || lo > 0xdfff)
				goto bad;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (u == 0)
			goto bad;
		if (u == '\n')
			line++;
		if (u < 0x80) {
			out[o++] = (char)u;
		} else if (u < 0x800) {
			out[o++] = (char)(0xc0 | u >> 6);
			out[o++] = (char)(0x80 | (u & 0x3f));
		} else if (u < 0x10000) {
			out[o++] = (char)(0xe0 | u >> 12);
			out[o++] = (char)(0x80 | ((u >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (u & 0x3f));
		} else {
			/* two units made four bytes: still within units * 3 */
			out[o++] = (char)(0xf0 | u >> 18);
			out[o++] = (char)(0x80 | ((u >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((u >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (u & 0x3f));
		}
	}
	out[o] = '\0';
	*owned = out;
	*text = (sv_t){ out, o };
	return 0;
bad:
	free(out);
	*bad_line = line;
	return -1;
}

int
reach_text_decode(const uint8_t *p, size_t n, sv_t *text, char **owned, uint32_t *bad_line)
{
	*owned = NULL;
	*bad_line = 0;
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return utf16_decode(p + 2, n - 2, true, owned, text, bad_line);
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return utf16_decode(p + 2, n - 2, false, owned, text, bad_line);
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		p += 3;
		n -= 3;
	}
	const unsigned char *q = p, *end = p + n;
	uint32_t line = 1;
	while (q < end) {
		if (*q < 0x80 && *q != 0) {
			line += *q == '\n';
			q++;
			continue;
		}
		size_t k = utf8_seq(q, end);
		if (k == 0) {
			*bad_line = line;
			return -1;
		}
		q += k;
	}
	*text = (sv_t){ (const char *)p, n };
	return 0;
}

/* ---- names ---- */

bool
reach_fold(sv_t name, char out[REACH_NAME_FOLD_MAX])
{
	size_t o = 0;
	bool space = false;
	const unsigned char *p = (const unsigned char *)name.p, *end = p + name.len;
	while (p < end) {
		unsigned c = *p;
		if (c == 0xc2 && p + 1 < end && p[1] == 0xad) {   /* U+00AD soft hyphen */
			p += 2;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '"' || (c == 0xc2 && p + 1 < end && p[1] == 0xa0)) {
			space = o > 0;
			p += c == 0xc2 ? 2 : 1;
			continue;
		}
		if (space) {
			if (o + 1 >= REACH_NAME_FOLD_MAX)
				return false;
			out[o++] = ' ';
			space = false;
		}
		unsigned char b[2] = { p[0], p + 1 < end ? p[1] : 0 };
		size_t k = 1;
		if (c >= 'A' && c <= 'Z') {
			b[0] = (unsigned char)(c + 32);
		} else if (c == 0xc3 && p + 1 < end) {   /* Latin-1: Ä Ö Ü and the rest */
			k = 2;
			if (p[1] >= 0x80 && p[1] <= 0x9e && p[1] != 0x97)
				b[1] = (unsigned char)(p[1] + 0x20);
		} else if (c == 0xd0 && p + 1 < end) {   /* Cyrillic А-П, Ё */
			k = 2;
			if (p[1] >= 0x90 && p[1] <= 0x9f) {
				b[1] = (unsigned char)(p[1] + 0x20);
			} else if (p[1] >= 0xa0 && p[1] <= 0xaf) {   /* Р-Я -> р-я (d1 80-8f) */
				b[0] = 0xd1;
				b[1] = (unsigned char)(p[1] - 0x20);
			} else if (p[1] == 0x81) {   /* Ё -> ё */
				b[0] = 0xd1;
				b[1] = 0x91;
			}
		} else if (c >= 0x80) {
			k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			if ((size_t)(end - p) < k)
				k = (size_t)(end - p);
			if (o + k >= REACH_NAME_FOLD_MAX)
				return false;
			memcpy(out + o, p, k);
			o += k;
			p += k;
			continue;
		}
		if (o + k >= REACH_NAME_FOLD_MAX)
			return false;
		memcpy(out + o, b, k);
		o += k;
		p += k;
	}
	out[o] = '\0';
	return true;
}

/* ---- counts ---- */

int
reach_count(sv_t s, uint64_t *out)
{
	return num_parse_u64(s, 0, REACH_COUNT_MAX, out);
}

bool
reach_count_missing(sv_t s)
{
	s = sv_trim_ows(s);
	return s.len == 0 || sv_eq_nocase(s, SV("undefined")) || sv_eq(s, SV("-")) || sv_eq(s, SV("--"));
}

/* ---- dates ---- */

int64_t
reach_days(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1)
		return -1;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	/* Howard Hinnant's days_from_civil */
	int yy = m <= 2 ? y - 1 : y;
	int era = yy / 400;
	unsigned yoe = (unsigned)(yy - era * 400);
	unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + (int64_t)doe - 719468;
}

void
reach_civil(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

/* Up to max digits at *p: the number, or -1 when there is none. */
static int
digits(const char **p, const char *end, int max)
{
	int v = 0, n = 0;
	while (*p < end && **p >= '0' && **p <= '9' && n < max) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n ? v : -1;
}

int64_t
reach_iso_day(sv_t s, bool rest)
{
	const char *p = s.p, *end = s.p + s.len;
	if (s.len < 10 || p[4] != '-' || p[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (p[i] < '0' || p[i] > '9'))
			return -1;
	if (!rest && s.len != 10)
		return -1;
	if (rest && s.len > 10 && p[10] != 'T' && p[10] != ' ')
		return -1;
	int y = digits(&p, end, 4);
	p++;
	int m = digits(&p, end, 2);
	p++;
	int d = digits(&p, end, 2);
	return reach_days(y, m, d);
}

/* A month's name (English, Russian or German, full or cut, with or without a dot) at
 * the start of folded text: 1-12, or 0. *len gets the bytes it took. */
static int
month_word(const char *p, const char *end, size_t *len)
{
	static const char *const names[12][6] = {
		{ "jan", "янв", "января", "январь", "jän", NULL },
		{ "feb", "фев", NULL },
		{ "mar", "mär", "mrz", "мар", NULL },
		{ "apr", "апр", NULL },
		{ "may", "mai", "мая", "май", NULL },
		{ "jun", "июн", NULL },
		{ "jul", "июл", NULL },
		{ "aug", "авг", NULL },
		{ "sep", "сен", NULL },
		{ "oct", "okt", "окт", NULL },
		{ "nov", "ноя", NULL },
		{ "dec", "dez", "дек", NULL },
	};
	size_t w = 0;
	while (p + w < end && p[w] != ' ' && p[w] != '.' && p[w] != ',' && !(p[w] >= '0' && p[w] <= '9'))
		w++;
	for (int m = 0; m < 12; m++)
		for (int i = 0; i < 6 && names[m][i]; i++) {
			size_t k = strlen(names[m][i]);
			if (w >= k && memcmp(p, names[m][i], k) == 0) {
				*len = w;
				return m + 1;
			}
		}
	return 0;
}

static void
skip_seps(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '.' || **p == ','))
		(*p)++;
}

/* "Sep 3, 2025", "3 Sep 2025", "3. Sept. 2025", "3 сент. 2025 г.", and without a year
 * (y = -1 then): month, day, year into m, d, y; 0 or -1. */
static int
words_date(sv_t s, int *y, int *m, int *d)
{
	char f[REACH_NAME_FOLD_MAX];
	size_t len;
	if (!reach_fold(s, f))
		return -1;
	const char *p = f, *end = f + strlen(f);
	*y = -1;
	if (*p >= '0' && *p <= '9') {
		*d = digits(&p, end, 2);
		skip_seps(&p, end);
		if (!(*m = month_word(p, end, &len)))
			return -1;
		p += len;
		skip_seps(&p, end);
	} else {
		if (!(*m = month_word(p, end, &len)))
			return -1;
		p += len;
		skip_seps(&p, end);
		if ((*d = digits(&p, end, 2)) < 0)
			return -1;
		skip_seps(&p, end);
	}
	if (p < end && *p >= '0' && *p <= '9') {
		*y = digits(&p, end, 4);
		skip_seps(&p, end);
		/* "г." after a Russian year */
		if (end - p >= 2 && memcmp(p, "г", 2) == 0)
			p += 2;
		skip_seps(&p, end);
	}
	return p == end ? 0 : -1;
}

int64_t
reach_date(sv_t s)
{
	s = sv_trim_ows(s);
	int64_t iso = reach_iso_day(s, true);
	if (iso >= 0)
		return iso;
	const char *p = s.p, *end = s.p + s.len;
	int a = digits(&p, end, 2);
	if (a >= 0 && end - p >= 2 && (*p == '/' || *p == '.') && p[1] >= '0' && p[1] <= '9') {
		char sepc = *p++;
		int b = digits(&p, end, 2);
		if (b < 0 || p >= end || *p++ != sepc)
			return -1;
		int y = digits(&p, end, 4);
		if (p < end && *p != ' ')
			return -1;
		return sepc == '/' ? reach_days(y, a, b) : reach_days(y, b, a);
	}
	int y, m, d;
	if (words_date(s, &y, &m, &d) != 0 || y < 0)
		return -1;
	return reach_days(y, m, d);
}

int64_t
reach_date_noyear(sv_t s, int64_t ref)
{
	int y, m, d, ry, rm, rd;
	s = sv_trim_ows(s);
	int64_t iso = reach_iso_day(s, true);
	if (iso >= 0)
		return iso;
	if (ref < 0 || words_date(s, &y, &m, &d) != 0)
		return -1;
	if (y >= 0)
		return reach_days(y, m, d);
	reach_civil(ref, &ry, &rm, &rd);
	for (int back = 0; back < 8; back++) {
		int64_t t = reach_days(ry - back, m, d);
		if (t >= 0 && t <= ref)
			return t;
	}
	return -1;
}
