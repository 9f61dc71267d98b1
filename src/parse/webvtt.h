/* webvtt: WebVTT files in and out (W3C WebVTT, "WebVTT parser algorithm"). Pure, over
 * hostile bytes with subdoc.h's limits; fuzzed (fuzz/fuzz_webvtt.c). */
#ifndef SAVA_WEBVTT_H
#define SAVA_WEBVTT_H

#include "parse/subdoc.h"

/* Parses in into out (sub_doc_init'ed by the caller, freed by the caller on any result).
 * As the spec's parser does: a BOM is dropped, bad UTF-8 and NUL become U+FFFD, CRLF and
 * CR become LF, the signature "WEBVTT" must open the file (SUB_ERR_SIGNATURE), header,
 * NOTE, STYLE and REGION blocks are stepped over, and a block whose timing line does not
 * parse is skipped, as is a block of words with no timing line (out->skipped, and
 * out->first_bad_line and first_bad for the first). SUB_OK, or the error with
 * *line its 1-based line. */
sub_err_t webvtt_parse(sv_t in, sub_doc_t *out, size_t *line) WUR;

/* Appends d as a WebVTT file: "WEBVTT", then each cue's id, timing line (hours always)
 * with its settings, and text. */
int webvtt_write(const sub_doc_t *d, buf_t *out) WUR;

#endif
