/* fuzz_probe: probe_parse on fuzzed ffprobe text, then the policy and the copy's check on
 * whatever it parsed. Checks that every name kept is NUL-terminated printable ASCII
 * within its field, stream counts stay in bounds, and refusal texts exist; abort() on a
 * breach. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	if (n == cap)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	probe_t pr;
	if (probe_parse((const char *)data, size, &pr) != 0)
		return 0;
	if (pr.pr_nstreams > PROBE_MAX_STREAMS)
		abort();
	printable(pr.pr_format, sizeof(pr.pr_format));
	for (unsigned i = 0; i < pr.pr_nstreams; i++) {
		const probe_stream_t *s = &pr.pr_stream[i];
		printable(s->ps_codec, sizeof(s->ps_codec));
		printable(s->ps_profile, sizeof(s->ps_profile));
		printable(s->ps_pix_fmt, sizeof(s->ps_pix_fmt));
		if (s->ps_rotation > 360 || s->ps_rotation < -360)
			abort();
	}
	probe_choice_t ch;
	char detail[MEDIA_REASON_BYTES];
	media_refusal_t r = probe_check(&pr, 600, &ch, detail, sizeof(detail));
	if ((unsigned)r >= MEDIA_REFUSAL_COUNT || strnlen(detail, sizeof(detail)) == sizeof(detail))
		abort();
	if (r == MEDIA_REFUSAL_NONE) {
		if (ch.pc_video < 0 || ch.pc_video >= (int)pr.pr_nstreams || pr.pr_stream[ch.pc_video].ps_kind != PROBE_VIDEO)
			abort();
		if (pr.pr_has_duration && pr.pr_duration_ms > 600000)
			abort();
	} else if (detail[0] == '\0' || media_refusal_text(r) == NULL) {
		abort();
	}
	if (probe_check_output(&pr, detail, sizeof(detail)) != 0 && detail[0] == '\0')
		abort();
	return 0;
}
