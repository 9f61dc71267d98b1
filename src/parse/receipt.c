/* receipt: canonical digits of a typed receipt. The receipt is a secret: nothing here
 * logs or keeps it; callers wipe out[] when done. */
#include "parse/receipt.h"

size_t
receipt_parse(sv_t in, char out[RECEIPT_PARSE_MAX + 1])
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < in.len; i++) {
		char c = in.p[i];
		if (c == ' ' || c == '-' || c == '\t' || c == '\r' || c == '\n')   /* pasted from two lines too */
			continue;
		if (c < '0' || c > '9' || n == RECEIPT_PARSE_MAX) {
			out[0] = '\0';
			return 0;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	if (n != 16 && n != 20) {
		out[0] = '\0';
		return 0;
	}
	return n;
}
