/* range: one byte range of a Range header, resolved against the body's size. */
#include "parse/range.h"

range_t
range_parse(sv_t v, uint64_t size, uint64_t *first, uint64_t *last)
{
	sv_t unit, set;
	if (!sv_split(v, '=', &unit, &set) || !sv_eq_nocase(sv_trim_ows(unit), SV("bytes")) ||
	    sv_index(set, ',') >= 0 || size == 0)
		return RANGE_NONE;
	sv_t a, b;
	set = sv_trim_ows(set);
	if (!sv_split(set, '-', &a, &b))
		return RANGE_NONE;
	uint64_t x, y;
	if (a.len == 0) {   /* bytes=-n: the last n bytes */
		if (num_parse_u64(b, 0, UINT64_MAX, &y) != 0)
			return RANGE_NONE;
		if (y == 0)
			return RANGE_UNSATISFIABLE;
		*first = y >= size ? 0 : size - y;
		*last = size - 1;
		return RANGE_ONE;
	}
	if (num_parse_u64(a, 0, UINT64_MAX, &x) != 0)
		return RANGE_NONE;
	if (b.len == 0) {   /* bytes=a-: from a to the end */
		y = size - 1;
	} else if (num_parse_u64(b, 0, UINT64_MAX, &y) != 0 || y < x) {
		return RANGE_NONE;
	}
	if (x >= size)
		return RANGE_UNSATISFIABLE;
	*first = x;
	*last = y >= size ? size - 1 : y;
	return RANGE_ONE;
}
