/* fuzz_cookie: cookie_find on a fuzzed header. The input's first line is the name
 * looked for, the rest the header. Checks that a found value views into the header and
 * really follows "name=" at the start of a pair; abort() on a breach. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "parse/cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
ows(char c)
{
	return c == ' ' || c == '\t';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	const char *nl = memchr(p, '\n', size);
	sv_t name, header, v;

	if (nl == NULL) {
		name = SV("sid");
		header = (sv_t){ p, size };
	} else {
		name = (sv_t){ p, (size_t)(nl - p) };
		header = (sv_t){ nl + 1, size - (size_t)(nl - p) - 1 };
	}

	int rc = cookie_find(header, name, &v);
	if (rc != 0) {
		if (rc != -1 || v.len != 0)
			abort();
		return 0;
	}
	if (header.len > LIMIT_COOKIE_BYTES || name.len == 0)
		abort();
	const char *hs = header.p, *he = header.p + header.len;
	if (v.p < hs || v.p > he || v.len > (size_t)(he - v.p))
		abort();
	if (memchr(v.p, ';', v.len) != NULL)
		abort();

	/* Walk back from the value: optional quote, OWS, '=', OWS, the name, then the
	 * start of the header or of a pair. Only quotes keep spaces at the value's ends. */
	const char *q = v.p;
	bool quoted = q > hs && q[-1] == '"' && v.p + v.len < he && v.p[v.len] == '"';
	if (quoted)
		q--;
	else if (v.len > 0 && (ows(v.p[0]) || ows(v.p[v.len - 1])))
		abort();
	while (q > hs && ows(q[-1]))
		q--;
	if (q == hs || q[-1] != '=')
		abort();
	q--;
	while (q > hs && ows(q[-1]))
		q--;
	if ((size_t)(q - hs) < name.len || memcmp(q - name.len, name.p, name.len) != 0)
		abort();
	q -= name.len;
	while (q > hs && ows(q[-1]))
		q--;
	if (q != hs && q[-1] != ';')
		abort();

	/* And forward: optional quote, OWS, then ';' or the end. */
	const char *e = v.p + v.len + (quoted ? 1 : 0);
	while (e < he && ows(*e))
		e++;
	if (e != he && *e != ';')
		abort();
	return 0;
}
