/* Unit tests for domain/subqc: each quality rule once, each way (a cue that breaks it and
 * one that just keeps it), and the per-language limits from sava.conf. */
#include "check.h"
#include "domain/subqc.h"

static subqc_rules_t r;

static unsigned
qc(const char *text, uint32_t start, uint32_t end)
{
	return subqc_cue(&r, sv_from_cstr(text), start, end, false, 0);
}

int
main(void)
{
	config_t c;
	config_defaults(&c);
	subqc_rules_for(&c, "en", &r);
	CHECK(r.chars_per_line == 42 && r.max_lines == 2 && r.gap_ms == 80 && r.min_ms == 833 && r.max_ms == 7000);
	subqc_rules_for(&c, "ru", &r);
	CHECK(r.chars_per_line == 39);
	subqc_rules_for(&c, "be", &r);
	CHECK(r.chars_per_line == 39);
	static const char conf[] = "[subtitles]\nchars_per_line_de = 40\ncps_error = 25\nframe_rate = 50\n";
	char err[200];
	CHECK(config_parse(&c, conf, sizeof(conf) - 1, err, sizeof(err)) == 0);
	subqc_rules_for(&c, "de", &r);
	CHECK(r.chars_per_line == 40 && r.cps_error == 25 && r.gap_ms == 40);
	static const char badconf[] = "[subtitles]\nchars_per_line_xyz = 40\n";
	CHECK(config_parse(&c, badconf, sizeof(badconf) - 1, err, sizeof(err)) != 0);
	static const char badt[] = "[subtitles]\ntargets = ru ru\n";
	CHECK(config_parse(&c, badt, sizeof(badt) - 1, err, sizeof(err)) != 0);

	config_defaults(&c);
	subqc_rules_for(&c, "ru", &r);
	/* a good cue: nothing */
	CHECK(qc("Я не хочу, чтобы мой сын\nшёл на войну.", 0, 3000) == 0);
	/* empty */
	CHECK(qc("", 0, 2000) & SUBQC_EMPTY);
	CHECK(qc("<i></i>", 0, 2000) & SUBQC_EMPTY);
	CHECK(!(qc("a", 0, 2000) & SUBQC_EMPTY));
	/* lines */
	CHECK(qc("a\nb\nc", 0, 3000) & SUBQC_LINES);
	CHECK(!(qc("a\nb", 0, 3000) & SUBQC_LINES));
	/* a line's length, in characters of Cyrillic (2 bytes each), markup not counted */
	CHECK(qc("ЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯ", 0, 6000) & SUBQC_LINE_LONG);   /* 40 */
	CHECK(!(qc("<i>ЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯ</i>", 0, 6000) & SUBQC_LINE_LONG));   /* 39 */
	/* order */
	CHECK(qc("a", 2000, 2000) & SUBQC_ORDER);
	CHECK(!(qc("a", 2000, 2001) & SUBQC_ORDER));
	/* overlap is an error, a gap under two frames a warning */
	CHECK(subqc_cue(&r, SV("a"), 1000, 2000, true, 1001) & SUBQC_OVERLAP);
	CHECK(!(subqc_cue(&r, SV("a"), 1000, 2000, true, 1000) & SUBQC_OVERLAP));
	CHECK(subqc_cue(&r, SV("a"), 1000, 2000, true, 1000) & SUBQC_GAP);
	CHECK(!(subqc_cue(&r, SV("a"), 1080, 2000, true, 1000) & SUBQC_GAP));
	/* markup */
	CHECK(qc("<i>a", 0, 2000) & SUBQC_MARKUP);
	CHECK(!(qc("<i>a</i>", 0, 2000) & SUBQC_MARKUP));
	/* on screen: 5/6 s to 7 s */
	CHECK(qc("a", 0, 832) & SUBQC_SHORT);
	CHECK(!(qc("a", 0, 833) & SUBQC_SHORT));
	CHECK(qc("a", 0, 7001) & SUBQC_LONG);
	CHECK(!(qc("a", 0, 7000) & SUBQC_LONG));
	/* reading speed, spaces and punctuation counted: 30 characters in 2 s = 15 a second */
	CHECK(subqc_chars(SV("abc, de fg\nhij")) == 13);
	CHECK(!(qc("aaaaa aaaaa aaaaa aaaaa aaaaa.", 0, 2000) & (SUBQC_CPS_WARN | SUBQC_CPS_ERROR)));
	CHECK(qc("aaaaa aaaaa aaaaa aaaaa aaaaa.", 0, 1999) & SUBQC_CPS_WARN);
	CHECK(qc("aaaaa aaaaa aaaaa aaaaa aaaaa.", 0, 1499) & SUBQC_CPS_ERROR);
	CHECK(!(qc("aaaaa aaaaa aaaaa aaaaa aaaaa.", 0, 1500) & SUBQC_CPS_ERROR));
	CHECK((SUBQC_ERRORS & SUBQC_OVERLAP) && !(SUBQC_ERRORS & SUBQC_GAP));
	CHECK(subqc_name(SUBQC_OVERLAP)[0] != '\0');
	return check_done("subqc");
}
