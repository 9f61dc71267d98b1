/* Fuzz target for parse/silence: whatever a report gives is ordered and disjoint, and
 * written back it reads to the same pauses. */
#include <stdint.h>
#include <string.h>

#include "parse/silence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static silence_t a[64], b[64];
	size_t na = 0, nb = 0;
	if (silence_parse((sv_t){ (const char *)data, size }, a, 64, &na) != 0)
		return 0;
	for (size_t i = 0; i < na; i++) {
		if (a[i].end_ms <= a[i].start_ms || (i > 0 && a[i].start_ms < a[i - 1].end_ms))
			__builtin_trap();
		if (a[i].end_ms == SILENCE_OPEN && i + 1 != na)
			__builtin_trap();
	}
	buf_t out;
	buf_init(&out, 64 * 80);
	if (silence_write(a, na, &out) != 0 || silence_parse((sv_t){ out.data, out.len }, b, 64, &nb) != 0 || nb != na ||
	    (na && memcmp(a, b, na * sizeof(a[0])) != 0))
		__builtin_trap();
	buf_free(&out);
	return 0;
}
