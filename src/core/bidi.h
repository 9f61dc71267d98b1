/* bidi: the invisible characters that can make hostile text display other than it is.
 * Bidi controls reorder it ("pay to \u202E0001 bur" shows as "pay to rub 1000"); zero-width
 * characters hide part of it. Pure functions over (pointer, length), no I/O. */
#ifndef SAVA_BIDI_H
#define SAVA_BIDI_H

#include "core/buf.h"

/* The length (2 or 3) of a character at p that reorders text, or 0: Bidi_Control (U+061C,
 * U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), the deprecated format characters
 * U+206A-U+206F, and the line and paragraph separators U+2028 and U+2029 (a paragraph
 * separator ends every embedding and isolate). */
size_t bidi_control_len(const char *p, size_t n);
/* The same, and the characters that hide text: U+200B-U+200D, U+2060-U+2065, U+FEFF.
 * For names (a file name), where none of them has a use. */
size_t bidi_hidden_len(const char *p, size_t n);

/* Appends s HTML-escaped (as buf_append_html), with every character bidi_control_len
 * finds replaced by U+FFFD, so that a reader sees that something was there. Returns 0,
 * or -1 after freeing b (as every append). */
#define BIDI_REPLACEMENT "\xEF\xBF\xBD"
int bidi_append_html(buf_t *b, sv_t s) WUR;

#endif
