/* subdoc: a subtitle document as sava keeps it, whatever file it came from: cues with
 * times in milliseconds, an optional identifier, WebVTT settings kept apart from the
 * text, and the text in WebVTT cue-text syntax (<i>, <b>, &amp;). Pure, with named
 * limits; what a parser (webvtt.h, srt.h) hands back, and what the writers read. */
#ifndef SAVA_SUBDOC_H
#define SAVA_SUBDOC_H

#include "core/buf.h"

#define SUB_INPUT_MAX      (8u << 20)   /* bytes of one subtitle file */
#define SUB_CUES_MAX       20000        /* cues in one document */
#define SUB_TEXT_MAX       2048         /* bytes of one cue's text */
#define SUB_ID_MAX         256          /* bytes of one cue's identifier */
#define SUB_SETTINGS_MAX   256          /* bytes of one cue's settings */
#define SUB_TIME_MAX_MS    359999999u   /* 99:59:59.999 */

typedef enum {
	SUB_OK = 0,
	SUB_ERR_SIGNATURE,   /* WebVTT: no "WEBVTT" at the start */
	SUB_ERR_TIMING,      /* a timing line that does not parse */
	SUB_ERR_ENCODING,    /* not UTF-8, and no other encoding chosen */
	SUB_ERR_TOO_LARGE,   /* the file, a cue's text, identifier or settings over its limit */
	SUB_ERR_TOO_MANY,    /* more than SUB_CUES_MAX cues */
	SUB_ERR_TEXT,        /* SRT: text where a cue should begin */
	SUB_ERR_NOMEM,
} sub_err_t;

/* One cue; id, settings and text are offsets into the document's pool. */
typedef struct {
	uint32_t start, end;   /* ms */
	uint32_t id, id_len, settings, settings_len, text, text_len;
	uint32_t line;         /* where it began in its file (1-based; 0: made here) */
	uint32_t cid;          /* sava's stable id of the cue in its language (0: none yet) */
	uint32_t src;          /* a translation's: the cid of the source cue it translates (0: none) */
} sub_cue_t;

typedef struct {
	sub_cue_t *cues;
	size_t ncues, cap;
	buf_t pool;
	/* what a lenient parse stepped over: how many blocks, and the first one's line and
	 * reason (WebVTT skips a block whose timing line is bad, as browsers do) */
	size_t skipped, first_bad_line;
	sub_err_t first_bad;
} sub_doc_t;

void sub_doc_init(sub_doc_t *d);
void sub_doc_free(sub_doc_t *d);   /* wipes the text */
/* Appends a cue (copies its strings). The text is made safe for every writer: line ends
 * are LF, empty lines are dropped, "-->" becomes "--&gt;"; id and settings lose line
 * ends and "-->". SUB_ERR_TOO_LARGE / TOO_MANY / NOMEM, or SUB_OK. */
sub_err_t sub_doc_add(sub_doc_t *d, uint32_t start, uint32_t end, sv_t id, sv_t settings, sv_t text) WUR;
sv_t sub_cue_id(const sub_doc_t *d, const sub_cue_t *c);
sv_t sub_cue_settings(const sub_doc_t *d, const sub_cue_t *c);
sv_t sub_cue_text(const sub_doc_t *d, const sub_cue_t *c);

/* "HH:MM:SS.mmm" (sep '.') or "HH:MM:SS,mmm" (sep ','), 12 characters and a NUL. */
void sub_time_format(uint32_t ms, char sep, char out[13]);
/* A time as people type it in the editor: [[H:]M:]S[.mmm] (or ','); -1 when it is not. */
int sub_time_parse(sv_t s, uint32_t *ms) WUR;

/* Bytes as UTF-8: invalid sequences become U+FFFD (maximal subparts, as the WHATWG
 * decoder does); NUL becomes U+FFFD when nul_to_fffd. A leading BOM is dropped. */
int sub_utf8_clean(sv_t in, bool nul_to_fffd, buf_t *out) WUR;
/* True when in is valid UTF-8; else *bad_line is the 1-based line of the first bad byte. */
bool sub_utf8_valid(sv_t in, size_t *bad_line);
/* windows-1251 (cp 1251) or windows-1252 (1252) bytes as UTF-8. */
int sub_cp125x_decode(sv_t in, int codepage, buf_t *out) WUR;
/* Appends code point cp as UTF-8. */
int sub_put_utf8(buf_t *b, uint32_t cp) WUR;

/* What the writers and the quality checks see of a cue's text: the words without markup
 * (tags dropped, &amp; &lt; &gt; &nbsp; &lrm; &rlm; decoded). Appends to out. */
int sub_text_plain(sv_t text, buf_t *out) WUR;
/* Its tags balanced: every <i>/<b>/<u>/<c>/<v>/<lang>/<ruby>/<rt> closed in order, every
 * '<' closed by '>'. */
bool sub_text_balanced(sv_t text);

#endif
