/* Fuzz target for domain/testimony_rules: the consent record's and the redaction's
 * decoders (bytes read back from the store) never accept what they would not write, and
 * re-encode what they accept to the same bytes; the strike list's check never reads out
 * of bounds on any text or list (the first byte chooses how the input is split). */
#include <stdint.h>
#include <string.h>

#include "domain/testimony_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	consent_t c;
	uint8_t back[CONSENT_RECORD_MAX > REDACT_BYTES_MAX ? CONSENT_RECORD_MAX : REDACT_BYTES_MAX];
	if (consent_decode(data, size, &c) == 0 && (consent_encode(&c, back) != size || memcmp(back, data, size) != 0))
		__builtin_trap();
	media_redact_t r;
	if (redact_decode(data, size, &r) == 0 &&
	    (!media_redact_valid(&r) || redact_encode(&r, back) != size || memcmp(back, data, size) != 0))
		__builtin_trap();
	if (size > 0) {
		size_t cut = data[0] % size;
		sv_t text = { (const char *)data + 1, cut ? cut - 1 : 0 };
		sv_t list = { (const char *)data + (cut ? cut : 1), size - (cut ? cut : 1) };
		sv_t hit;
		int rc = strike_find(text, list, &hit);
		if (rc < -1 || rc > 1 || (rc == 1 && (hit.len == 0 || hit.p < list.p || hit.p + hit.len > list.p + list.len)))
			__builtin_trap();
	}
	return 0;
}
