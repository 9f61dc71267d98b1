/* subqc: the quality checks of a subtitle version, cue by cue (issue 12, after Netflix's
 * timed-text guide), with limits per language from sava.conf [subtitles]. Pure: times
 * and words in, problems out; an error blocks approval, a warning does not. */
#ifndef SAVA_SUBQC_H
#define SAVA_SUBQC_H

#include "conf/config.h"
#include "core/buf.h"

typedef struct {
	unsigned max_lines, chars_per_line, min_ms, max_ms, gap_ms, cps_warn, cps_error;
} subqc_rules_t;

/* The rules for language lang (its own chars_per_line when sava.conf has one). */
void subqc_rules_for(const config_t *c, const char *lang, subqc_rules_t *out);

/* One bit per problem; SUBQC_ERRORS are the ones that block approval. */
enum {
	SUBQC_EMPTY = 1 << 0,        /* no words */
	SUBQC_LINES = 1 << 1,        /* more lines than max_lines */
	SUBQC_LINE_LONG = 1 << 2,    /* a line longer than chars_per_line */
	SUBQC_ORDER = 1 << 3,        /* ends before (or when) it starts */
	SUBQC_OVERLAP = 1 << 4,      /* starts before the previous cue ends */
	SUBQC_MARKUP = 1 << 5,       /* tags not balanced */
	SUBQC_CPS_ERROR = 1 << 6,    /* read faster than cps_error */
	SUBQC_SHORT = 1 << 7,        /* on screen less than min_ms */
	SUBQC_LONG = 1 << 8,         /* on screen more than max_ms */
	SUBQC_GAP = 1 << 9,          /* less than gap_ms after the previous cue */
	SUBQC_CPS_WARN = 1 << 10,    /* read faster than cps_warn */
	SUBQC_ERRORS = SUBQC_EMPTY | SUBQC_LINES | SUBQC_LINE_LONG | SUBQC_ORDER | SUBQC_OVERLAP | SUBQC_MARKUP |
	    SUBQC_CPS_ERROR,
	SUBQC_KINDS = 11,
};

/* The problems of one cue (WebVTT cue text), after the previous one (has_prev false for
 * the first). */
unsigned subqc_cue(const subqc_rules_t *r, sv_t text, uint32_t start, uint32_t end, bool has_prev, uint32_t prev_end);
/* Characters of the words (code points; spaces and punctuation counted, line ends not). */
size_t subqc_chars(sv_t text);
/* The English name of one problem bit (a msgid), for pages and the CLI. */
const char *subqc_name(unsigned bit);

#endif
