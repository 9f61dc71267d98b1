/* Fuzz target for app/stages (libinih and sava's checks): any bytes as stages.conf.
 * Whatever parses must leave every label and item NUL-terminated, within its bound, and
 * no more items than a stage may have; every refusal says why. */
#include <stdint.h>
#include <string.h>

#include "conf/stages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static stages_t s;
	char err[256];
	err[0] = '\0';
	if (stages_parse(&s, (const char *)data, size, err, sizeof(err)) == 0) {
		for (int i = 0; i < STAGES_COUNT; i++) {
			const stage_def_t *d = &s.stage[i];
			if (d->nitems > STAGES_ITEMS_MAX || !memchr(d->label, '\0', sizeof(d->label)) || d->id[0] == '\0')
				__builtin_trap();
			for (unsigned k = 0; k < d->nitems; k++)
				if (d->items[k][0] == '\0' || !memchr(d->items[k], '\0', sizeof(d->items[k])))
					__builtin_trap();
		}
	} else if (err[0] == '\0') {
		__builtin_trap();
	}
	return 0;
}
