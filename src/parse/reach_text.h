/* reach_text: the small readers the export layouts share (reach.c): the file's encoding
 * into UTF-8, header names folded for comparison, dates in the forms the platforms write
 * them, counts. Pure, bounded; private to src/parse/reach*.c and their tests. */
#ifndef SAVA_REACH_TEXT_H
#define SAVA_REACH_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define REACH_NAME_FOLD_MAX 128   /* bytes of a folded header name */

/* The file as UTF-8 without a BOM: *text points into p (UTF-8, BOM skipped), or into
 * *owned (UTF-16LE or BE with a BOM, converted; caller frees *owned). Returns 0, -1 when
 * the bytes are not UTF-8 (or a NUL, or a broken UTF-16 pair) with *bad_line the line
 * of the first bad byte, or -2 when out of memory. */
int reach_text_decode(const uint8_t *p, size_t n, sv_t *text, char **owned, uint32_t *bad_line) WUR;

/* A header name folded for comparison into out (NUL-terminated): soft hyphens (U+00AD)
 * removed, spaces and quotes trimmed, runs of spaces made one, lower case for Latin,
 * German and Cyrillic letters. Returns false when it does not fit. */
bool reach_fold(sv_t name, char out[REACH_NAME_FOLD_MAX]);

/* A count: ASCII digits only, at most REACH_COUNT_MAX. 0 or -1. */
int reach_count(sv_t s, uint64_t *out) WUR;
/* True for a missing number as the platforms write one: empty, "undefined", "-", "--". */
bool reach_count_missing(sv_t s);

/* A date as the platforms write one, into days since 1970, or -1:
 * "2025-09-03" (and anything after it: "2025-09-03T18:00:00+03:00"), "09/28/2025 18:05"
 * (Meta: month first), "03.09.2025" (German), "Sep 3, 2025", "3 Sep 2025",
 * "3 сент. 2025 г.", "3. Sept. 2025". */
int64_t reach_date(sv_t s);
/* "October 1" or "1 October" (TikTok: no year): the latest such day not after ref, or -1. */
int64_t reach_date_noyear(sv_t s, int64_t ref);

#endif
