/* subversion: one subtitle version as sava seals it, and the edits of the cue editor.
 * A version is a sub_doc_t (parse/subdoc.h) whose cues carry stable ids (cid) within
 * their language, and, in a translation, the cid of the source cue each translates
 * (src): the translation takes its times from the source, so re-timing or splitting
 * the source carries the translation along. Pure: bytes and cue lists only. */
#ifndef SAVA_SUBVERSION_H
#define SAVA_SUBVERSION_H

#include "parse/subdoc.h"

#define SUBV_FORMAT 1
#define SUBV_NEW_CUE_MS 2000     /* a new cue's length */

/* The plaintext sealed for a version: 01 | next_cid u32 | ncues u32, then per cue
 * cid u32 | src u32 | start u32 | end u32 | id_len u16 | settings_len u16 | text_len u16 |
 * id | settings | text (little-endian). */
int subv_encode(const sub_doc_t *d, uint32_t next_cid, buf_t *out) WUR;
/* d sub_doc_init'ed; -1 when the bytes are not such a version. */
int subv_decode(sv_t in, sub_doc_t *d, uint32_t *next_cid) WUR;

/* Gives each cue without a cid the next one. */
void subv_number(sub_doc_t *d, uint32_t *next_cid);
/* Appends cue c of from to d, with its ids, at start..end with text. */
sub_err_t subv_copy(sub_doc_t *d, const sub_doc_t *from, const sub_cue_t *c, uint32_t start, uint32_t end,
    sv_t text) WUR;
/* Sorts the cues by start time (stable). */
void subv_sort(sub_doc_t *d);

/* A translation's times from its source: each cue whose source cue exists takes its
 * times; the others (orphans: their source cue was merged away or deleted) keep theirs.
 * Sorted by time afterwards. Returns how many are orphans. */
size_t subv_follow(sub_doc_t *t, const sub_doc_t *source);
/* Links an imported translation to the source: each cue to the source cue it overlaps
 * most (src 0 when none). */
void subv_link(sub_doc_t *t, const sub_doc_t *source);
/* A first, empty translation: one cue per source cue. */
int subv_blank(const sub_doc_t *source, sub_doc_t *out) WUR;

/* The editor's actions, each from in to a new out (sub_doc_init'ed): */
typedef enum { SUBV_ADD = 1, SUBV_SPLIT, SUBV_MERGE, SUBV_DELETE } subv_op_t;
/* ADD: a new empty cue after cid (0: at the start); SPLIT: cid in two at its middle,
 * words split at the line break or the space nearest the middle (the second half gets
 * a new cid); MERGE: cid with the cue after it (its cid kept); DELETE: cid. -1 when cid
 * is not there (or has no next cue to merge with). */
int subv_apply(const sub_doc_t *in, uint32_t *next_cid, subv_op_t op, uint32_t cid, sub_doc_t *out) WUR;
/* Every cue moved by ms (negative: earlier; no time below 0). */
int subv_shift(const sub_doc_t *in, int32_t ms, sub_doc_t *out) WUR;
/* Cues changed by the form: for each edit whose cid is in, its times and words. */
typedef struct {
	uint32_t cid, start, end;
	sv_t text;
} subv_edit_t;
int subv_set(const sub_doc_t *in, const subv_edit_t *edits, size_t n, bool keep_times, sub_doc_t *out) WUR;
/* The index of the cue with cid, or -1. */
long subv_find(const sub_doc_t *d, uint32_t cid);

#endif
