/* receipt: a receipt as a requester types it ("1234 5678-9012 3456"), reduced to its
 * canonical digits. Pure; hostile input: bounded, digits, spaces, tabs and dashes only. */
#ifndef SAVA_RECEIPT_H
#define SAVA_RECEIPT_H

#include "core/buf.h"

#define RECEIPT_PARSE_MAX 20

/* Writes the digits of in to out (NUL-terminated) and returns how many: 16 or 20.
 * Returns 0 for anything else: another character, or another number of digits. */
size_t receipt_parse(sv_t in, char out[RECEIPT_PARSE_MAX + 1]);

#endif
