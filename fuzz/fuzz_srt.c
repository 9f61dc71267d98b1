/* Fuzz target for parse/srt: under each encoding choice, whatever parses is written
 * back as SRT and parses again to as many cues with the same times, and its WebVTT
 * rendering parses too. */
#include <stdint.h>
#include <string.h>

#include "parse/srt.h"
#include "parse/webvtt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int enc[] = { SRT_UTF8_ONLY, SRT_CP1251, SRT_CP1252 };
	for (size_t k = 0; k < 3; k++) {
		sub_doc_t a, b;
		buf_t out;
		size_t line;
		sub_doc_init(&a);
		sub_doc_init(&b);
		buf_init(&out, (size_t)SUB_INPUT_MAX * 4);
		if (srt_parse((sv_t){ (const char *)data, size }, enc[k], &a, &line) == SUB_OK) {
			if (srt_write(&a, &out) != 0 || srt_parse((sv_t){ out.data, out.len }, 0, &b, &line) != SUB_OK ||
			    b.ncues != a.ncues)
				__builtin_trap();
			for (size_t i = 0; i < a.ncues; i++)
				if (a.cues[i].start != b.cues[i].start || a.cues[i].end != b.cues[i].end)
					__builtin_trap();
			sub_doc_free(&b);
			sub_doc_init(&b);
			buf_free(&out);
			buf_init(&out, (size_t)SUB_INPUT_MAX * 4);
			if (webvtt_write(&a, &out) != 0 || webvtt_parse((sv_t){ out.data, out.len }, &b, &line) != SUB_OK ||
			    b.ncues != a.ncues)
				__builtin_trap();
		}
		buf_free(&out);
		sub_doc_free(&a);
		sub_doc_free(&b);
	}
	return 0;
}
