/* Fuzz target for vault/nfc: any bytes as text to normalize. Valid UTF-8 must come out
 * as valid UTF-8 that normalizes to itself (NFC is idempotent); anything else is
 * refused. */
#include <stdint.h>
#include <string.h>
#include <unistr.h>

#include "vault/nfc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	buf_t a, b;
	buf_init(&a, 1 << 16);
	buf_init(&b, 1 << 16);
	int valid = u8_check(data, size) == NULL;
	int rc = text_nfc((sv_t){ (const char *)data, size }, &a);
	if (!valid && rc == 0)
		__builtin_trap();
	if (rc == 0) {
		if (u8_check((const uint8_t *)(a.data ? a.data : ""), a.len) != NULL)
			__builtin_trap();
		if (text_nfc(buf_sv(&a), &b) != 0 || b.len != a.len || (a.len && memcmp(a.data, b.data, a.len) != 0))
			__builtin_trap();
	}
	buf_free(&a);
	buf_free(&b);
	return 0;
}
