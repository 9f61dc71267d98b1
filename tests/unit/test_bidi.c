/* Unit tests for core/bidi: which characters reorder or hide text, and how a value is
 * shown with them made visible (issue 9: "pay to \u202E0001 bur" displayed as "rub 1000"). */
#include "check.h"
#include "core/bidi.h"

/* The code point as UTF-8 in out (NUL-terminated); returns its length. */
static size_t
utf8(unsigned cp, char out[5])
{
	size_t n;
	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	}
	out[n] = '\0';
	return n;
}

static bool
is_control(unsigned cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x206F);
}

static bool
is_hidden(unsigned cp)
{
	return is_control(cp) || (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2065) || cp == 0xFEFF;
}

/* Renders s with bidi_append_html into out (NUL-terminated); returns the append's status. */
static int
shown(const char *s, size_t n, char *out, size_t cap)
{
	buf_t b;
	buf_init(&b, 1024);
	int rc = bidi_append_html(&b, (sv_t){ s, n });
	snprintf(out, cap, "%s", rc == 0 && b.data ? b.data : "");
	buf_free(&b);
	return rc;
}

int
main(void)
{
	char c[5], out[256];
	/* every code point of U+0000-U+FFFF (surrogates aside), against the two lists */
	unsigned wrong_control = 0, wrong_hidden = 0, controls = 0;
	for (unsigned cp = 1; cp < 0x10000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		size_t n = utf8(cp, c);
		size_t k = bidi_control_len(c, n), h = bidi_hidden_len(c, n);
		wrong_control += (k == n) != is_control(cp) || (k != 0 && k != n);
		wrong_hidden += (h == n) != is_hidden(cp) || (h != 0 && h != n);
		controls += k != 0;
	}
	CHECK(wrong_control == 0);
	CHECK(wrong_hidden == 0);
	CHECK(controls == 20);   /* U+061C, U+200E-F, U+2028-E, U+2066-F */

	/* a sequence cut short is not one */
	CHECK(bidi_control_len("\xE2\x80", 2) == 0 && bidi_control_len("\xD8", 1) == 0);
	CHECK(bidi_hidden_len("\xEF\xBB", 2) == 0 && bidi_control_len("", 0) == 0);
	/* four-byte characters (emoji) are left alone, and the ZWJ that joins them is not a control */
	CHECK(bidi_control_len("\xF0\x9F\x91\xA8", 4) == 0 && bidi_control_len("\xE2\x80\x8D", 3) == 0);

	/* shown: escaped as HTML, each control replaced, everything else as it was */
	const char rlo[] = "pay to \xE2\x80\xAE" "0001 bur\xE2\x80\xAC today";
	CHECK(shown(rlo, sizeof(rlo) - 1, out, sizeof(out)) == 0);
	CHECK(strcmp(out, "pay to \xEF\xBF\xBD" "0001 bur\xEF\xBF\xBD today") == 0);
	const char mixed[] = "<a href='x'>&\xE2\x81\xA7\xD8\x9C\"\xE2\x80\x8B\xD0\xB6";
	CHECK(shown(mixed, sizeof(mixed) - 1, out, sizeof(out)) == 0);
	CHECK(strcmp(out, "&lt;a href=&#39;x&#39;&gt;&amp;\xEF\xBF\xBD\xEF\xBF\xBD&quot;\xE2\x80\x8B\xD0\xB6") == 0);
	CHECK(shown("", 0, out, sizeof(out)) == 0 && strcmp(out, "") == 0);
	/* a control at the very end, and one cut short there (not valid UTF-8: left as bytes) */
	CHECK(shown("x\xE2\x80\x8F", 4, out, sizeof(out)) == 0 && strcmp(out, "x\xEF\xBF\xBD") == 0);
	CHECK(shown("x\xE2\x80", 3, out, sizeof(out)) == 0 && strcmp(out, "x\xE2\x80") == 0);
	/* the same as buf_append_html when there is nothing to replace, and the buffer's bound holds */
	buf_t b;
	buf_init(&b, 8);
	CHECK(bidi_append_html(&b, SV("\xE2\x80\xAE\xE2\x80\xAE\xE2\x80\xAE")) == -1 && b.len == 0 && b.data == NULL);
	buf_free(&b);
	return check_done("bidi");
}
