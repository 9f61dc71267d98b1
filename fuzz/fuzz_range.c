/* Fuzz target for parse/range: whatever range it accepts lies inside the body, first
 * before last; an unsatisfiable one never for an empty body. */
#include <stdint.h>
#include <string.h>

#include "parse/range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t sizes[] = { 0, 1, 65536, 1000000, UINT64_MAX };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		uint64_t a = 0, b = 0;
		range_t r = range_parse((sv_t){ (const char *)data, size }, sizes[i], &a, &b);
		if (r == RANGE_ONE && (a > b || b >= sizes[i]))
			__builtin_trap();
		if (r == RANGE_UNSATISFIABLE && sizes[i] == 0)
			__builtin_trap();
	}
	return 0;
}
