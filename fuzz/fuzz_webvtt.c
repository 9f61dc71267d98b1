/* Fuzz target for parse/webvtt: whatever parses is written back, and the written file
 * parses again to the same cues (times, ids, settings, text) with nothing skipped. */
#include <stdint.h>
#include <string.h>

#include "parse/webvtt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sub_doc_t a, b;
	buf_t out;
	size_t line;
	sub_doc_init(&a);
	sub_doc_init(&b);
	buf_init(&out, (size_t)SUB_INPUT_MAX * 4);
	if (webvtt_parse((sv_t){ (const char *)data, size }, &a, &line) == SUB_OK) {
		if (webvtt_write(&a, &out) != 0 || webvtt_parse((sv_t){ out.data, out.len }, &b, &line) != SUB_OK ||
		    b.ncues != a.ncues || b.skipped != 0)
			__builtin_trap();
		for (size_t i = 0; i < a.ncues; i++) {
			const sub_cue_t *x = &a.cues[i], *y = &b.cues[i];
			if (x->start != y->start || x->end != y->end || !sv_eq(sub_cue_text(&a, x), sub_cue_text(&b, y)) ||
			    !sv_eq(sub_cue_id(&a, x), sub_cue_id(&b, y)) ||
			    !sv_eq(sub_cue_settings(&a, x), sub_cue_settings(&b, y)))
				__builtin_trap();
		}
	}
	buf_free(&out);
	sub_doc_free(&a);
	sub_doc_free(&b);
	return 0;
}
