/* parse/silence: ffmpeg's silencedetect report read into ordered, disjoint pauses; odd
 * lines (an end first, a negative start, a start left open, times out of order, too many)
 * handled as its header says; written back, it reads the same. */
#include "check.h"
#include "parse/silence.h"

static const char report[] =
    "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:in.mp4':\n"
    "[silencedetect @ 0x557b9d8585c0] silence_start: -0.00133\n"
    "[silencedetect @ 0x557b9d8585c0] silence_end: 0.41 | silence_duration: 0.41\n"
    "[silencedetect @ 0x557b9d8585c0] silence_start: 1.20744\r\n"
    "[silencedetect @ 0x557b9d8585c0] silence_end: 2.02014 | silence_duration: 0.812698\r"
    "size=N/A time=00:00:08.01 bitrate=N/A speed= 329x    \n"
    "[silencedetect @ 0x557b9d8585c0] silence_start: 7.22141\n";

int
main(void)
{
	silence_t s[8];
	size_t n = 0;
	CHECK(silence_parse((sv_t){ report, sizeof(report) - 1 }, s, 8, &n) == 0);
	CHECK(n == 3);
	CHECK(s[0].start_ms == 0 && s[0].end_ms == 410);
	CHECK(s[1].start_ms == 1207 && s[1].end_ms == 2020);
	CHECK(s[2].start_ms == 7221 && s[2].end_ms == SILENCE_OPEN);

	/* written back and read again: the same pauses */
	silence_t t[8];
	size_t m = 0;
	buf_t out;
	buf_init(&out, 4096);
	CHECK(silence_write(s, n, &out) == 0);
	CHECK(silence_parse(buf_sv(&out), t, 8, &m) == 0 && m == n && memcmp(s, t, n * sizeof(s[0])) == 0);
	buf_free(&out);

	/* an end with no start begins at 0; out of order and empty pauses are dropped; a
	 * time past SILENCE_SECONDS_MAX is not read */
	static const char odd[] = "silence_end: 2.5\nsilence_start: 1.0\nsilence_end: 1.5\nsilence_start: 3\n"
	                          "silence_end: 3\nsilence_start: 99999999\nsilence_start: 4.1239\nsilence_end: 5\n";
	CHECK(silence_parse((sv_t){ odd, sizeof(odd) - 1 }, s, 8, &n) == 0);
	CHECK(n == 2 && s[0].start_ms == 0 && s[0].end_ms == 2500 && s[1].start_ms == 4123 && s[1].end_ms == 5000);

	/* room for two: the rest are dropped, never written past */
	static const char many[] = "silence_start: 1\nsilence_end: 2\nsilence_start: 3\nsilence_end: 4\n"
	                           "silence_start: 5\nsilence_end: 6\n";
	CHECK(silence_parse((sv_t){ many, sizeof(many) - 1 }, s, 2, &n) == 0 && n == 2 && s[1].end_ms == 4000);

	/* over the limit: refused */
	static char big[SILENCE_INPUT_MAX + 1];
	memset(big, 'x', sizeof(big));
	CHECK(silence_parse((sv_t){ big, sizeof(big) }, s, 8, &n) == -1 && n == 0);
	return check_done("silence");
}
