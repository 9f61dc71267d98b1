/* fuzz_mp4scan: scan_mp4 on fuzzed bytes, fed whole and then in chunks whose sizes come
 * from the input itself (so the replay is deterministic). Both answers and their reasons
 * must agree: a marker or header spanning chunks is seen the same way. abort() if not. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scan_mp4_t whole, parts;
	scan_mp4_init(&whole);
	int a = scan_mp4_feed(&whole, data, size);
	a = scan_mp4_end(&whole) == 0 && a == 0 ? 0 : -1;

	/* chunk sizes 1..64 from a running hash of the input */
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	scan_mp4_init(&parts);
	int b = 0;
	for (size_t off = 0; off < size && b == 0;) {
		h = h * 1103515245u + 12345u;
		size_t k = 1 + (h >> 16) % 64;
		if (k > size - off)
			k = size - off;
		b = scan_mp4_feed(&parts, data + off, k);
		off += k;
	}
	b = scan_mp4_end(&parts) == 0 && b == 0 ? 0 : -1;
	if (a != b || strcmp(scan_mp4_reason(&whole), scan_mp4_reason(&parts)) != 0)
		abort();
	if (a != 0 && scan_mp4_reason(&whole)[0] == '\0')
		abort();
	return 0;
}
