/* Fuzz target for parse/receipt: whatever it accepts is 16 or 20 ASCII digits, each of
 * which stood in the input in order, with only spaces, tabs and dashes around them. */
#include <stdint.h>
#include <string.h>

#include "parse/receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[RECEIPT_PARSE_MAX + 1];
	size_t n = receipt_parse((sv_t){ (const char *)data, size }, out);
	if (n == 0)
		return out[0] == '\0' ? 0 : (__builtin_trap(), 0);
	if ((n != 16 && n != 20) || strlen(out) != n)
		__builtin_trap();
	size_t j = 0;
	for (size_t i = 0; i < size; i++) {
		char c = (char)data[i];
		if (c >= '0' && c <= '9') {
			if (j >= n || out[j] != c)
				__builtin_trap();
			j++;
		} else if (c != ' ' && c != '-' && c != '\t') {
			__builtin_trap();
		}
	}
	if (j != n)
		__builtin_trap();
	return 0;
}
