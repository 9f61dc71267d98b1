/* bidi: finds the characters that reorder or hide text (bidi.h), so that whatever shows
 * hostile text (a requester's message, an applicant's contact, a staff note) can make
 * them visible instead of obeying them. Trusted with nothing: it only looks at bytes. */
#include "core/bidi.h"

size_t
bidi_control_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	if (n >= 2 && p[0] == 0xD8 && p[1] == 0x9C)
		return 2;   /* U+061C ARABIC LETTER MARK */
	if (n < 3 || p[0] != 0xE2)
		return 0;
	if (p[1] == 0x80)   /* U+200E-U+200F, U+2028-U+2029, U+202A-U+202E */
		return (p[2] >= 0x8E && p[2] <= 0x8F) || (p[2] >= 0xA8 && p[2] <= 0xAE) ? 3 : 0;
	if (p[1] == 0x81)   /* U+2066-U+2069 isolates, U+206A-U+206F deprecated formats */
		return p[2] >= 0xA6 && p[2] <= 0xAF ? 3 : 0;
	return 0;
}

size_t
bidi_hidden_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = bidi_control_len(s, n);
	if (k || n < 3)
		return k;
	if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x8B && p[2] <= 0x8D)
		return 3;   /* U+200B-U+200D zero-width space, non-joiner, joiner */
	if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA0 && p[2] <= 0xA5)
		return 3;   /* U+2060-U+2065 word joiner, invisible operators */
	if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return 3;   /* U+FEFF zero-width no-break space */
	return 0;
}

int
bidi_append_html(buf_t *b, sv_t s)
{
	size_t run = 0;
	for (size_t i = 0; i < s.len;) {
		size_t k = (unsigned char)s.p[i] >= 0xD8 ? bidi_control_len(s.p + i, s.len - i) : 0;
		if (k == 0) {
			i++;
			continue;
		}
		if (buf_append_html(b, (sv_t){ s.p + run, i - run }) != 0 || buf_append_cstr(b, BIDI_REPLACEMENT) != 0)
			return -1;
		i += k;
		run = i;
	}
	return buf_append_html(b, (sv_t){ s.p + run, s.len - run });
}
