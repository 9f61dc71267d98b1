/* Unit tests for parse/receipt: the forms a requester may type, and everything else. */
#include "check.h"
#include "parse/receipt.h"

static size_t
parse(const char *s, char out[RECEIPT_PARSE_MAX + 1])
{
	return receipt_parse(sv_from_cstr(s), out);
}

int
main(void)
{
	char out[RECEIPT_PARSE_MAX + 1];
	CHECK(parse("1234567890123456", out) == 16 && strcmp(out, "1234567890123456") == 0);
	CHECK(parse("1234 5678 9012 3456", out) == 16 && strcmp(out, "1234567890123456") == 0);
	CHECK(parse("1234-5678-9012-3456", out) == 16 && strcmp(out, "1234567890123456") == 0);
	CHECK(parse(" \t1234 - 5678 9012-3456 ", out) == 16);
	CHECK(parse("1234 5678\r\n9012 3456\n", out) == 16 && strcmp(out, "1234567890123456") == 0);   /* copied from the two lines */
	CHECK(parse("12345678901234567890", out) == 20 && strcmp(out, "12345678901234567890") == 0);
	CHECK(parse("123456789012345", out) == 0 && out[0] == '\0');          /* 15 */
	CHECK(parse("12345678901234567", out) == 0);                           /* 17 */
	CHECK(parse("1234567890123456789", out) == 0);                         /* 19 */
	CHECK(parse("123456789012345678901", out) == 0);                       /* 21 */
	CHECK(parse("1234 5678 9012 345a", out) == 0);
	CHECK(parse("1234.5678.9012.3456", out) == 0);
	CHECK(parse("１２３４５６７８９０１２３４５６", out) == 0);          /* fullwidth digits */
	CHECK(parse("", out) == 0 && parse("    ", out) == 0);
	CHECK(receipt_parse((sv_t){ "1234567890123456\0", 17 }, out) == 0);    /* a NUL */
	char long_input[4096];
	memset(long_input, '1', sizeof(long_input));
	CHECK(receipt_parse((sv_t){ long_input, sizeof(long_input) }, out) == 0);
	return check_done("receipt");
}
