/* Fuzz target for parse/mo: any bytes as a catalog; a catalog that parses must answer
 * lookups for each of its own strings without reading outside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/mo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy, so ASan sees any read past the end. */
	unsigned char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	mo_t mo;
	if (mo_parse(&mo, copy, size) == 0) {
		sv_t s;
		if (mo_lookup(&mo, SV(""), &s) == 0)
			__builtin_trap();   /* the header is never a translation */
		if (mo_lookup(&mo, SV("Guide"), &s) == 0 && (s.len == 0 || s.p[s.len] != '\0'))
			__builtin_trap();
		if (mo_lookup(&mo, (sv_t){ (const char *)copy, size < 40 ? size : 40 }, &s) == 0 && s.len == 0)
			__builtin_trap();
	}
	free(copy);
	return 0;
}
