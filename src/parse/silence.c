/* silence: silencedetect's report read into pauses (silence.h). The report is ffmpeg's
 * text about sava's own clean copy, read as hostile all the same: lengths carried, no
 * string functions on it, every number bounded. */
#include "parse/silence.h"

#include <stdio.h>
#include <string.h>

/* The position just after word inside line, or -1. */
static ptrdiff_t
silence_after(sv_t line, sv_t word)
{
	if (line.len < word.len)
		return -1;
	for (size_t i = 0; i + word.len <= line.len; i++)
		if (memcmp(line.p + i, word.p, word.len) == 0)
			return (ptrdiff_t)(i + word.len);
	return -1;
}

/* "[-]digits[.digits]" at p as milliseconds (a negative time is 0; more than three
 * decimals are cut). 0, or -1. */
static int
silence_ms(sv_t s, uint32_t *ms)
{
	size_t i = 0;
	bool neg = false;
	uint64_t whole = 0, frac = 0, scale = 1000;
	while (i < s.len && s.p[i] == ' ')
		i++;
	if (i < s.len && s.p[i] == '-') {
		neg = true;
		i++;
	}
	size_t digits = 0;
	for (; i < s.len && s.p[i] >= '0' && s.p[i] <= '9'; i++, digits++) {
		whole = whole * 10 + (uint64_t)(s.p[i] - '0');
		if (whole > SILENCE_SECONDS_MAX)
			return -1;
	}
	if (digits == 0)
		return -1;
	if (i < s.len && s.p[i] == '.') {
		for (i++; i < s.len && s.p[i] >= '0' && s.p[i] <= '9'; i++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(s.p[i] - '0') * scale;
			}
	}
	*ms = neg ? 0 : (uint32_t)(whole * 1000 + frac);
	return 0;
}

static void
silence_keep(silence_t *out, size_t max, size_t *n, uint32_t start, uint32_t end)
{
	if (*n >= max || end <= start)
		return;
	if (*n > 0 && (out[*n - 1].end_ms == SILENCE_OPEN || start < out[*n - 1].end_ms))
		return;   /* not after the one before */
	out[*n].start_ms = start;
	out[*n].end_ms = end;
	(*n)++;
}

int
silence_parse(sv_t in, silence_t *out, size_t max, size_t *n)
{
	*n = 0;
	if (in.len > SILENCE_INPUT_MAX)
		return -1;
	bool open = false;
	uint32_t start = 0;
	size_t i = 0;
	while (i < in.len) {
		size_t j = i;
		while (j < in.len && in.p[j] != '\n' && in.p[j] != '\r')
			j++;
		sv_t line = { in.p + i, j - i };
		i = j + 1;
		uint32_t ms;
		ptrdiff_t at = silence_after(line, SV("silence_start:"));
		if (at >= 0 && silence_ms((sv_t){ line.p + at, line.len - (size_t)at }, &ms) == 0) {
			if (open)
				continue;   /* two starts: the first stands */
			open = true;
			start = ms;
			continue;
		}
		at = silence_after(line, SV("silence_end:"));
		if (at >= 0 && silence_ms((sv_t){ line.p + at, line.len - (size_t)at }, &ms) == 0) {
			silence_keep(out, max, n, open ? start : 0, ms);
			open = false;
		}
	}
	if (open)
		silence_keep(out, max, n, start, SILENCE_OPEN);
	return 0;
}

int
silence_write(const silence_t *s, size_t n, buf_t *out)
{
	char line[80];
	for (size_t i = 0; i < n; i++) {
		if (!snprintf_ok(line, sizeof(line), "silence_start: %u.%03u\n", s[i].start_ms / 1000, s[i].start_ms % 1000) ||
		    buf_append_cstr(out, line) != 0)
			return -1;
		if (s[i].end_ms == SILENCE_OPEN)
			continue;
		if (!snprintf_ok(line, sizeof(line), "silence_end: %u.%03u\n", s[i].end_ms / 1000, s[i].end_ms % 1000) ||
		    buf_append_cstr(out, line) != 0)
			return -1;
	}
	return 0;
}
