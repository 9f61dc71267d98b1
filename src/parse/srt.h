/* srt: SubRip (.srt) files in and out. SRT has no specification; this reads what tools
 * and people actually write: a BOM, CRLF, LF, CR and "\r\r\n" line ends, missing or
 * wrong indexes, '.' or ',' before the milliseconds, stray blank lines inside a cue,
 * <i> <b> <u> <font> tags and {\an8}-style position codes, in UTF-8 or, when chosen,
 * windows-1251 or windows-1252. Pure, with subdoc.h's limits; fuzzed (fuzz/fuzz_srt.c). */
#ifndef SAVA_SRT_H
#define SAVA_SRT_H

#include "parse/subdoc.h"

/* The encoding of the bytes when they are not UTF-8 (UTF-8 is always taken as such). */
enum { SRT_UTF8_ONLY = 0, SRT_CP1251 = 1251, SRT_CP1252 = 1252 };

/* Parses in into out (sub_doc_init'ed; freed by the caller on any result). The text
 * becomes WebVTT cue text: <i> <b> <u> kept, <font> dropped, < > & escaped; {\an7..9}
 * becomes the setting "line:0". SUB_ERR_ENCODING (not UTF-8, none chosen), SUB_ERR_TIMING
 * (a line with "-->" that is no timing line), SUB_ERR_TEXT (text before the first cue),
 * or a limit; *line is the 1-based line of the problem. */
sub_err_t srt_parse(sv_t in, int encoding, sub_doc_t *out, size_t *line) WUR;

/* Appends d as an SRT file (CRLF line ends, UTF-8): numbered cues, "," before the
 * milliseconds, <i> <b> <u> kept and other markup dropped, entities decoded, "{\an8}"
 * for a cue set at the top ("line:0"). */
int srt_write(const sub_doc_t *d, buf_t *out) WUR;

#endif
