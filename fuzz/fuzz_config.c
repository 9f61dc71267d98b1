/* Fuzz target for app/config (libinih and sava's validation): any bytes as sava.conf.
 * Whatever parses must leave the settings within their documented ranges. */
#include <stdint.h>
#include <string.h>

#include "conf/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	config_t c;
	char err[256];
	config_defaults(&c);
	if (config_parse(&c, (const char *)data, size, err, sizeof(err)) == 0) {
		if (c.threads < 2 || c.threads > 64 || c.listen_port == 0 || c.timeout_s < 1 ||
		    memchr(c.listen_addr, '\0', sizeof(c.listen_addr)) == NULL ||
		    (strcmp(c.default_lang, "be") != 0 && strcmp(c.default_lang, "ru") != 0 && strcmp(c.default_lang, "en") != 0))
			__builtin_trap();
	} else if (err[0] == '\0') {
		__builtin_trap();   /* every refusal says why */
	}
	return 0;
}
