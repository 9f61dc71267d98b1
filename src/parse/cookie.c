/* cookie: finds one cookie by exact name in a Cookie request header (RFC 6265 5.4),
 * lenient about whitespace. Trusted with hostile bytes: bounded header length and pair
 * count, no allocation, and the value it returns still needs its own validation. */
#include "parse/cookie.h"

#include "core/limits.h"

int
cookie_find(sv_t header, sv_t name, sv_t *value)
{
	sv_t rest = header;
	size_t scanned = 0;
	bool more;

	*value = SV_NULL;
	if (header.len > LIMIT_COOKIE_BYTES || name.len == 0)
		return -1;
	do {
		sv_t pair, pname, pvalue;
		more = sv_split(rest, ';', &pair, &rest);
		pair = sv_trim_ows(pair);
		if (pair.len == 0)
			continue;    /* "a=1;;b=2" or a trailing ';': not a pair */
		if (scanned == LIMIT_COOKIE_COUNT)
			return -1;
		scanned++;
		if (!sv_split(pair, '=', &pname, &pvalue))
			continue;    /* no '=': skipped, as RFC 6265 5.2 does */
		if (!sv_eq(sv_trim_ows(pname), name))
			continue;
		pvalue = sv_trim_ows(pvalue);
		if (pvalue.len >= 2 && pvalue.p[0] == '"' && pvalue.p[pvalue.len - 1] == '"') {
			pvalue.p++;
			pvalue.len -= 2;
		}
		*value = pvalue;
		return 0;
	} while (more);
	return -1;
}
