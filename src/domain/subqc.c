/* subqc: the quality rules of subtitle cues (subqc.h). Counts are of the words a viewer
 * reads: markup dropped, entities decoded, code points not bytes. */
#include "domain/subqc.h"

#include <string.h>

#include "core/lang.h"
#include "parse/subdoc.h"

void
subqc_rules_for(const config_t *c, const char *lang, subqc_rules_t *out)
{
	out->max_lines = c->sub_max_lines;
	out->chars_per_line = c->sub_chars_per_line;
	for (size_t i = 0; i < c->sub_ncpl; i++)
		if (strcmp(c->sub_cpl[i].lang, lang) == 0)
			out->chars_per_line = c->sub_cpl[i].chars;
	out->min_ms = c->sub_min_ms;
	out->max_ms = c->sub_max_ms;
	/* whole frames, rounded up: 2 frames at 25 a second are 80 ms */
	out->gap_ms = c->sub_frame_rate ? (c->sub_gap_frames * 1000 + c->sub_frame_rate - 1) / c->sub_frame_rate : 0;
	out->cps_warn = c->sub_cps_warn;
	out->cps_error = c->sub_cps_error;
}

static size_t
code_points(const char *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			k++;
	return k;
}

size_t
subqc_chars(sv_t text)
{
	buf_t plain;
	buf_init(&plain, SUB_TEXT_MAX * 2);
	if (sub_text_plain(text, &plain) != 0)
		return code_points(text.p, text.len);
	size_t k = 0;
	for (size_t i = 0; i < plain.len; i++)
		if (plain.data[i] != '\n' && ((unsigned char)plain.data[i] & 0xC0) != 0x80)
			k++;
	buf_free(&plain);
	return k;
}

unsigned
subqc_cue(const subqc_rules_t *r, sv_t text, uint32_t start, uint32_t end, bool has_prev, uint32_t prev_end)
{
	unsigned p = 0;
	buf_t plain;
	buf_init(&plain, SUB_TEXT_MAX * 2);
	size_t chars = 0, lines = 0;
	if (sub_text_plain(text, &plain) == 0) {
		size_t i = 0;
		while (i < plain.len) {
			size_t j = i;
			while (j < plain.len && plain.data[j] != '\n')
				j++;
			size_t n = code_points(plain.data + i, j - i);
			if (!sv_is_blank((sv_t){ plain.data + i, j - i })) {
				lines++;
				chars += n;
			}
			if (n > r->chars_per_line)
				p |= SUBQC_LINE_LONG;
			i = j + 1;
		}
	}
	buf_free(&plain);
	if (chars == 0)
		p |= SUBQC_EMPTY;
	if (lines > r->max_lines)
		p |= SUBQC_LINES;
	if (!sub_text_balanced(text))
		p |= SUBQC_MARKUP;
	if (end <= start) {
		p |= SUBQC_ORDER;
	} else {
		uint64_t d = end - start;
		if (d < r->min_ms)
			p |= SUBQC_SHORT;
		if (d > r->max_ms)
			p |= SUBQC_LONG;
		/* chars / (d / 1000) > limit, without floating point */
		if ((uint64_t)chars * 1000 > (uint64_t)r->cps_error * d)
			p |= SUBQC_CPS_ERROR;
		else if ((uint64_t)chars * 1000 > (uint64_t)r->cps_warn * d)
			p |= SUBQC_CPS_WARN;
	}
	if (has_prev) {
		if (start < prev_end)
			p |= SUBQC_OVERLAP;
		else if (start - prev_end < r->gap_ms)
			p |= SUBQC_GAP;
	}
	return p;
}

const char *
subqc_name(unsigned bit)
{
	switch (bit) {
	case SUBQC_EMPTY: return N_("No words");
	case SUBQC_LINES: return N_("Too many lines");
	case SUBQC_LINE_LONG: return N_("A line is too long");
	case SUBQC_ORDER: return N_("Ends before it starts");
	case SUBQC_OVERLAP: return N_("Overlaps the cue before");
	case SUBQC_MARKUP: return N_("Unbalanced markup");
	case SUBQC_CPS_ERROR: return N_("Far too fast to read");
	case SUBQC_SHORT: return N_("Too short on screen");
	case SUBQC_LONG: return N_("Too long on screen");
	case SUBQC_GAP: return N_("Too close to the cue before");
	case SUBQC_CPS_WARN: return N_("Fast to read");
	default: return "";
	}
}
