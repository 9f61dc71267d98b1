/* mo: GNU .mo catalog reader. Hostile input is assumed (the catalogs are built into the
 * binary, but the parser is fuzzed as if they came from anywhere). */
#include "parse/mo.h"

#include <string.h>

#define MO_MAGIC 0x950412deU

static uint32_t
mo_u32(const mo_t *mo, size_t off)
{
	const unsigned char *p = mo->data + off;
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	if (mo->swapped)
		v = (v >> 24) | ((v >> 8) & 0xff00U) | ((v << 8) & 0xff0000U) | (v << 24);
	return v;
}

/* Reads entry i of a string table; checks that it lies inside the file and is
 * followed by a NUL. */
static int
mo_entry(const mo_t *mo, uint32_t table, uint32_t i, sv_t *out)
{
	size_t at = (size_t)table + (size_t)i * 8;
	uint32_t len = mo_u32(mo, at);
	uint32_t off = mo_u32(mo, at + 4);
	if ((size_t)off >= mo->len || (size_t)len >= mo->len - off || mo->data[off + len] != '\0')
		return -1;
	*out = (sv_t){ (const char *)mo->data + off, len };
	return 0;
}

static int
mo_compare(sv_t a, sv_t b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n ? memcmp(a.p, b.p, n) : 0;
	if (c != 0)
		return c;
	return a.len < b.len ? -1 : a.len > b.len;
}

int
mo_parse(mo_t *mo, const unsigned char *data, size_t len)
{
	memset(mo, 0, sizeof(*mo));
	if (len < 28 || len > UINT32_MAX)
		return -1;
	mo->data = data;
	mo->len = len;
	uint32_t magic = mo_u32(mo, 0);
	if (magic != MO_MAGIC) {
		mo->swapped = true;
		if (mo_u32(mo, 0) != MO_MAGIC)
			return -1;
	}
	if ((mo_u32(mo, 4) >> 16) != 0)   /* major revision 0 only */
		return -1;
	mo->count = mo_u32(mo, 8);
	mo->orig_table = mo_u32(mo, 12);
	mo->trans_table = mo_u32(mo, 16);
	if (mo->count > MO_MAX_STRINGS)
		return -1;
	size_t tbytes = (size_t)mo->count * 8;
	if (mo->orig_table > len || tbytes > len - mo->orig_table ||
	    mo->trans_table > len || tbytes > len - mo->trans_table)
		return -1;
	sv_t prev = SV_NULL, s, t;
	for (uint32_t i = 0; i < mo->count; i++) {
		if (mo_entry(mo, mo->orig_table, i, &s) != 0 || mo_entry(mo, mo->trans_table, i, &t) != 0)
			return -1;
		if (i > 0 && mo_compare(prev, s) >= 0)
			return -1;
		prev = s;
	}
	return 0;
}

int
mo_lookup_form(const mo_t *mo, sv_t msgid, unsigned form, sv_t *out)
{
	uint32_t lo = 0, hi = mo->count;
	sv_t s;

	if (msgid.len == 0)   /* the empty msgid is the catalog header, not a string */
		return -1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (mo_entry(mo, mo->orig_table, mid, &s) != 0)
			return -1;
		int c = mo_compare(msgid, s);
		if (c < 0) {
			hi = mid;
			continue;
		}
		if (c > 0) {
			lo = mid + 1;
			continue;
		}
		sv_t t;
		if (mo_entry(mo, mo->trans_table, mid, &t) != 0)
			return -1;
		/* plural forms follow one another, each ended by a NUL */
		for (unsigned i = 0; i < form; i++) {
			ptrdiff_t nul = sv_index(t, '\0');
			if (nul < 0)
				return -1;
			t.p += nul + 1;
			t.len -= (size_t)nul + 1;
		}
		ptrdiff_t nul = sv_index(t, '\0');
		if (nul >= 0)
			t.len = (size_t)nul;
		if (t.len == 0)
			return -1;
		*out = t;
		return 0;
	}
	return -1;
}

int
mo_lookup(const mo_t *mo, sv_t msgid, sv_t *out)
{
	return mo_lookup_form(mo, msgid, 0, out);
}
