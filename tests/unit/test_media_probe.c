/* test_media_probe: probe_parse and the policy on real ffprobe output (captured once from
 * Debian 12's ffprobe 5.1 with ffargs_probe's arguments, embedded below) and on edited
 * copies of it: each refusal, each bound, and the check of a cleaned copy. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "media/ffargs.h"
#include "media/probe.h"

static const char probe_phone_mov[] =
	"streams.stream.0.index=0\n"
	"streams.stream.0.codec_name=\"h264\"\n"
	"streams.stream.0.profile=\"High 4:4:4 Predictive\"\n"
	"streams.stream.0.codec_type=\"video\"\n"
	"streams.stream.0.width=320\n"
	"streams.stream.0.height=240\n"
	"streams.stream.0.pix_fmt=\"yuv444p\"\n"
	"streams.stream.0.disposition.attached_pic=0\n"
	"streams.stream.0.side_data_list.side_data.0.rotation=90\n"
	"streams.stream.1.index=1\n"
	"streams.stream.1.codec_name=\"aac\"\n"
	"streams.stream.1.profile=\"LC\"\n"
	"streams.stream.1.codec_type=\"audio\"\n"
	"streams.stream.1.disposition.attached_pic=0\n"
	"streams.stream.2.index=2\n"
	"streams.stream.2.codec_name=\"mov_text\"\n"
	"streams.stream.2.profile=\"unknown\"\n"
	"streams.stream.2.codec_type=\"subtitle\"\n"
	"streams.stream.2.width=\"N/A\"\n"
	"streams.stream.2.height=\"N/A\"\n"
	"streams.stream.2.disposition.attached_pic=0\n"
	"streams.stream.3.index=3\n"
	"streams.stream.3.codec_name=\"unknown\"\n"
	"streams.stream.3.profile=\"unknown\"\n"
	"streams.stream.3.codec_type=\"data\"\n"
	"streams.stream.3.disposition.attached_pic=0\n"
	"format.format_name=\"mov,mp4,m4a,3gp,3g2,mj2\"\n"
	"format.duration=\"2.000000\"\n";

static const char probe_vp9_webm[] =
	"streams.stream.0.index=0\n"
	"streams.stream.0.codec_name=\"vp9\"\n"
	"streams.stream.0.profile=\"Profile 1\"\n"
	"streams.stream.0.codec_type=\"video\"\n"
	"streams.stream.0.width=320\n"
	"streams.stream.0.height=240\n"
	"streams.stream.0.pix_fmt=\"gbrp\"\n"
	"streams.stream.0.disposition.attached_pic=0\n"
	"format.format_name=\"matroska,webm\"\n"
	"format.duration=\"2.000000\"\n";

static const char probe_clean_copy[] =
	"streams.stream.0.index=0\n"
	"streams.stream.0.codec_name=\"h264\"\n"
	"streams.stream.0.profile=\"High\"\n"
	"streams.stream.0.codec_type=\"video\"\n"
	"streams.stream.0.width=240\n"
	"streams.stream.0.height=320\n"
	"streams.stream.0.pix_fmt=\"yuv420p\"\n"
	"streams.stream.0.disposition.attached_pic=0\n"
	"streams.stream.1.index=1\n"
	"streams.stream.1.codec_name=\"aac\"\n"
	"streams.stream.1.profile=\"LC\"\n"
	"streams.stream.1.codec_type=\"audio\"\n"
	"streams.stream.1.disposition.attached_pic=0\n"
	"format.format_name=\"mov,mp4,m4a,3gp,3g2,mj2\"\n"
	"format.duration=\"2.021000\"\n";

static const char probe_prores_mov[] =
	"streams.stream.0.index=0\n"
	"streams.stream.0.codec_name=\"prores\"\n"
	"streams.stream.0.profile=\"4444\"\n"
	"streams.stream.0.codec_type=\"video\"\n"
	"streams.stream.0.width=320\n"
	"streams.stream.0.height=240\n"
	"streams.stream.0.pix_fmt=\"yuv444p12le\"\n"
	"streams.stream.0.disposition.attached_pic=0\n"
	"format.format_name=\"mov,mp4,m4a,3gp,3g2,mj2\"\n"
	"format.duration=\"1.000000\"\n";

static const char probe_flac_mkv[] =
	"streams.stream.0.index=0\n"
	"streams.stream.0.codec_name=\"h264\"\n"
	"streams.stream.0.profile=\"High 4:4:4 Predictive\"\n"
	"streams.stream.0.codec_type=\"video\"\n"
	"streams.stream.0.width=320\n"
	"streams.stream.0.height=240\n"
	"streams.stream.0.pix_fmt=\"yuv444p\"\n"
	"streams.stream.0.disposition.attached_pic=0\n"
	"streams.stream.1.index=1\n"
	"streams.stream.1.codec_name=\"flac\"\n"
	"streams.stream.1.profile=\"unknown\"\n"
	"streams.stream.1.codec_type=\"audio\"\n"
	"streams.stream.1.disposition.attached_pic=0\n"
	"format.format_name=\"matroska,webm\"\n"
	"format.duration=\"1.000000\"\n";

static int
parse(const char *text, probe_t *pr)
{
	return probe_parse(text, strlen(text), pr);
}

/* text with the first `from` replaced by `to`, into out */
static const char *
edit(char *out, size_t cap, const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	if (!at || !snprintf_ok(out, cap, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)))
		return "";
	return out;
}

static void
test_parse_real(void)
{
	probe_t pr;
	CHECK(parse(probe_phone_mov, &pr) == 0);
	CHECK(strcmp(pr.pr_format, "mov,mp4,m4a,3gp,3g2,mj2") == 0);
	CHECK(pr.pr_has_duration && pr.pr_duration_ms == 2000);
	CHECK(pr.pr_nstreams == 4);
	CHECK(pr.pr_stream[0].ps_kind == PROBE_VIDEO && strcmp(pr.pr_stream[0].ps_codec, "h264") == 0);
	CHECK(strcmp(pr.pr_stream[0].ps_profile, "High 4:4:4 Predictive") == 0);
	CHECK(strcmp(pr.pr_stream[0].ps_pix_fmt, "yuv444p") == 0);
	CHECK(pr.pr_stream[0].ps_width == 320 && pr.pr_stream[0].ps_height == 240);
	CHECK(pr.pr_stream[0].ps_has_rotation && pr.pr_stream[0].ps_rotation == 90);
	CHECK(pr.pr_stream[1].ps_kind == PROBE_AUDIO && strcmp(pr.pr_stream[1].ps_codec, "aac") == 0);
	CHECK(!pr.pr_stream[1].ps_has_rotation);
	CHECK(pr.pr_stream[2].ps_kind == PROBE_SUBTITLE && pr.pr_stream[2].ps_width == 0);
	CHECK(pr.pr_stream[3].ps_kind == PROBE_DATA);

	probe_choice_t ch;
	char d[160];
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_NONE);
	CHECK(ch.pc_video == 0 && ch.pc_audio == 1 && d[0] == '\0');

	CHECK(parse(probe_vp9_webm, &pr) == 0);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_NONE);
	CHECK(ch.pc_video == 0 && ch.pc_audio == -1);   /* no audio: a silent track later */

	CHECK(parse(probe_prores_mov, &pr) == 0);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_VIDEO_CODEC);
	CHECK(strcmp(d, "video codec not allowed: prores") == 0);

	CHECK(parse(probe_flac_mkv, &pr) == 0);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_AUDIO_CODEC);
	CHECK(strcmp(d, "audio codec not allowed: flac") == 0);
}

static void
test_policy(void)
{
	probe_t pr;
	probe_choice_t ch;
	char d[160], t[4096];

	CHECK(parse(probe_phone_mov, &pr) == 0);
	CHECK(probe_check(&pr, 1, &ch, d, sizeof(d)) == MEDIA_REFUSAL_TOO_LONG);
	CHECK(strcmp(d, "too long: 2 s (limit 1 s)") == 0);
	CHECK(probe_check(&pr, 2, &ch, d, sizeof(d)) == MEDIA_REFUSAL_NONE);   /* 2.000 s is not over 2 */

	CHECK(parse(edit(t, sizeof(t), probe_phone_mov, "format.duration=\"2.000000\"", "format.duration=\"734.012000\""), &pr) == 0);
	CHECK(pr.pr_duration_ms == 734012);
	CHECK(probe_check(&pr, 600, &ch, d, sizeof(d)) == MEDIA_REFUSAL_TOO_LONG);
	CHECK(strcmp(d, "too long: 735 s (limit 600 s)") == 0);

	/* no duration in the header: let through, ffmpeg stops at the limit */
	CHECK(parse(edit(t, sizeof(t), probe_phone_mov, "\"2.000000\"", "\"N/A\""), &pr) == 0);
	CHECK(!pr.pr_has_duration);
	CHECK(probe_check(&pr, 600, &ch, d, sizeof(d)) == MEDIA_REFUSAL_NONE);

	CHECK(parse(edit(t, sizeof(t), probe_phone_mov, "\"mov,mp4,m4a,3gp,3g2,mj2\"", "\"mp3\""), &pr) == 0);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_CONTAINER);
	CHECK(strcmp(d, "container not allowed: mp3") == 0);

	CHECK(parse(edit(t, sizeof(t), probe_phone_mov, "codec_type=\"video\"", "codec_type=\"audio\""), &pr) == 0);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_NO_VIDEO);
	CHECK(strcmp(d, "no video stream") == 0);

	/* cover art is not the video */
	CHECK(parse(edit(t, sizeof(t), probe_phone_mov, "stream.0.disposition.attached_pic=0", "stream.0.disposition.attached_pic=1"), &pr) == 0);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_NO_VIDEO);

	CHECK(parse(edit(t, sizeof(t), probe_phone_mov, "width=320", "width=8192"), &pr) == 0);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_TOO_LARGE);
	CHECK(strcmp(d, "picture too large: 8192x240 (limit 4096x4096)") == 0);
	CHECK(parse(edit(t, sizeof(t), probe_phone_mov, "width=320", "width=4096"), &pr) == 0);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_NONE);
	CHECK(parse(edit(t, sizeof(t), probe_phone_mov, "height=240", "height=15"), &pr) == 0);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_TOO_SMALL);
	CHECK(parse(edit(t, sizeof(t), probe_phone_mov, "height=240", "height=16"), &pr) == 0);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_NONE);

	CHECK(parse(edit(t, sizeof(t), probe_phone_mov, "streams.stream.3.index", "streams.stream.16.index"), &pr) == 0);
	CHECK(pr.pr_too_many_streams);
	CHECK(probe_check(&pr, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_TOO_MANY_STREAMS);

	probe_t empty;
	CHECK(probe_parse("", 0, &empty) == 0);
	CHECK(probe_check(&empty, 0, &ch, d, sizeof(d)) == MEDIA_REFUSAL_NOT_VIDEO);
	CHECK(strcmp(media_refusal_text(MEDIA_REFUSAL_NOT_VIDEO), "not a video") == 0);
	CHECK(strcmp(media_refusal_text((media_refusal_t)99), "refused") == 0);
}

static void
test_malformed(void)
{
	probe_t pr;
	char t[4096];
	CHECK(parse("streams.stream.0.codec_name=\"h264\n", &pr) == -1);            /* unterminated */
	CHECK(parse("streams.stream.0.codec_name=h264\n", &pr) == -1);               /* unquoted */
	CHECK(parse("streams.stream.0.width=-5\n", &pr) == -1);
	CHECK(parse("streams.stream.0.width=99999999999\n", &pr) == -1);
	CHECK(parse("streams.stream.x.width=5\n", &pr) == -1);
	CHECK(parse("no equals sign\n", &pr) == -1);
	CHECK(parse("format.duration=\"1.2.3\"\n", &pr) == -1);
	CHECK(parse("format.duration=\"99999999999.0\"\n", &pr) == -1);
	CHECK(parse("streams.stream.0.codec_name=\"a\\nb\"\n", &pr) == -1);           /* a line end in a name */
	CHECK(parse("streams.stream.0.codec_name=\"\x01\"\n", &pr) == -1);
	CHECK(parse("streams.stream.0.side_data_list.side_data.0.rotation=-90.5\n", &pr) == -1);
	CHECK(parse("streams.stream.0.side_data_list.side_data.0.rotation=-90\n", &pr) == 0);
	CHECK(pr.pr_stream[0].ps_rotation == -90);
	/* escapes are undone; too long a name fails */
	CHECK(parse("streams.stream.0.profile=\"a\\\"b\\\\c\\$d\"\n", &pr) == 0);
	CHECK(strcmp(pr.pr_stream[0].ps_profile, "a\"b\\c$d") == 0);
	CHECK(parse("streams.stream.0.profile=\"0123456789012345678901234567890123456789012345678\"\n", &pr) == -1);
	/* unknown keys are skipped; the last line may lack its newline */
	CHECK(parse("whatever.else=1\nformat.duration=\"1.5\"", &pr) == 0);
	CHECK(pr.pr_duration_ms == 1500);
	CHECK(parse("format.duration=\"0.0004\"\n", &pr) == 0 && pr.pr_duration_ms == 0);
	/* a fraction of one digit is tenths */
	CHECK(parse(edit(t, sizeof(t), probe_clean_copy, "\"2.021000\"", "\"2.5\""), &pr) == 0 && pr.pr_duration_ms == 2500);
	static char big[PROBE_MAX_TEXT + 2];
	memset(big, '\n', sizeof(big));
	CHECK(probe_parse(big, sizeof(big), &pr) == -1);
}

static void
test_output_check(void)
{
	probe_t pr;
	char d[160], t[4096];
	CHECK(parse(probe_clean_copy, &pr) == 0);
	CHECK(probe_check_output(&pr, d, sizeof(d)) == 0);
	CHECK(parse(probe_phone_mov, &pr) == 0);
	CHECK(probe_check_output(&pr, d, sizeof(d)) == -1);   /* High 4:4:4, rotation, 4 streams */
	CHECK(parse(edit(t, sizeof(t), probe_clean_copy, "width=240", "width=1282"), &pr) == 0);
	CHECK(probe_check_output(&pr, d, sizeof(d)) == -1);
	CHECK(parse(edit(t, sizeof(t), probe_clean_copy, "width=240", "width=241"), &pr) == 0);
	CHECK(probe_check_output(&pr, d, sizeof(d)) == -1);   /* odd */
	CHECK(parse(edit(t, sizeof(t), probe_clean_copy, "attached_pic=0\nstreams.stream.1",
		"attached_pic=0\nstreams.stream.0.side_data_list.side_data.0.rotation=90\nstreams.stream.1"), &pr) == 0);
	CHECK(probe_check_output(&pr, d, sizeof(d)) == -1);
	CHECK(strcmp(d, "the copy carries a rotation") == 0);
	CHECK(parse(edit(t, sizeof(t), probe_clean_copy, "\"aac\"", "\"mp3\""), &pr) == 0);
	CHECK(probe_check_output(&pr, d, sizeof(d)) == -1);
	CHECK(parse(edit(t, sizeof(t), probe_clean_copy, "codec_type=\"audio\"", "codec_type=\"data\""), &pr) == 0);
	CHECK(probe_check_output(&pr, d, sizeof(d)) == -1);
	CHECK(parse(edit(t, sizeof(t), probe_clean_copy, "streams.stream.1.index=1\n", "streams.stream.2.codec_type=\"audio\"\n"), &pr) == 0);
	CHECK(probe_check_output(&pr, d, sizeof(d)) == -1);
}

static void
test_ffargs(void)
{
	ffargs_t a;
	CHECK(ffargs_clean(&a, "file:in", "file:out.mp4", true, 600, NULL) == 0);
	CHECK(strcmp(a.fa_argv[0], FFARGS_FFMPEG) == 0 && a.fa_argv[a.fa_argc] == NULL);
	CHECK(strcmp(a.fa_argv[a.fa_argc - 1], "file:out.mp4") == 0);
	CHECK(strcmp(a.fa_argv[a.fa_argc - 2], "601.000") == 0);   /* -t: the limit plus one second */
	bool anull = false, faststart = false, map_meta = false;
	for (int i = 0; i < a.fa_argc; i++) {
		anull = anull || strstr(a.fa_argv[i], "anullsrc") != NULL;
		faststart = faststart || strcmp(a.fa_argv[i], "+faststart") == 0;
		map_meta = map_meta || (strcmp(a.fa_argv[i], "-map_metadata") == 0 && strcmp(a.fa_argv[i + 1], "-1") == 0);
	}
	CHECK(!anull && faststart && map_meta);
	CHECK(ffargs_clean(&a, "file:in", "file:out.mp4", false, 0, NULL) == 0);
	anull = false;
	for (int i = 0; i < a.fa_argc; i++)
		anull = anull || strstr(a.fa_argv[i], "anullsrc") != NULL;
	CHECK(anull);
	CHECK(ffargs_poster(&a, "file:out.mp4", "file:poster.jpg", 12345) == 0);
	CHECK(strcmp(a.fa_argv[6], "-ss") == 0 && strcmp(a.fa_argv[7], "12.345") == 0);
	CHECK(ffargs_poster_at(1000, 2000) == 1000);
	CHECK(ffargs_poster_at(5000, 2000) == 1000);
	CHECK(ffargs_poster_at(2000, 2000) == 1000);
	CHECK(ffargs_poster_at(5000, 0) == 5000);
	CHECK(ffargs_probe(&a, "file:in") == 0 && strcmp(a.fa_argv[a.fa_argc - 1], "file:in") == 0);
	/* a testimony's redaction: the voice, the boxes (from integers only), the card */
	media_redact_t r = { .mr_voice = true, .mr_nboxes = 1 };
	r.mr_boxes[0] = (media_box_t){ 1500, 2250, 100, 200, 300, 400 };
	CHECK(ffargs_clean(&a, "file:in", "file:out.mp4", true, 600, &r) == 0);
	const char *vf = NULL, *af = NULL;
	for (int i = 0; i + 1 < a.fa_argc; i++) {
		if (strcmp(a.fa_argv[i], "-vf") == 0)
			vf = a.fa_argv[i + 1];
		if (strcmp(a.fa_argv[i], "-af") == 0)
			af = a.fa_argv[i + 1];
	}
	CHECK(vf && strstr(vf, "drawbox=x='floor(iw*100/1000)':y='floor(ih*200/1000)'") &&
	    strstr(vf, "enable='between(t,1.500,2.250)'"));
	CHECK(af && strcmp(af, "rubberband=pitch=" MEDIA_VOICE_PITCH ":formant=shifted") == 0);
	CHECK(ffargs_clean(&a, "file:in", "file:out.mp4", false, 600, &r) == 0);   /* no voice: no -af */
	af = NULL;
	for (int i = 0; i < a.fa_argc; i++)
		if (strcmp(a.fa_argv[i], "-af") == 0)
			af = a.fa_argv[i];
	CHECK(af == NULL);
	r.mr_still = true;
	CHECK(ffargs_clean(&a, "file:in", "file:out.mp4", true, 600, &r) == 0);
	for (int i = 0; i + 1 < a.fa_argc; i++)
		if (strcmp(a.fa_argv[i], "-vf") == 0)
			vf = a.fa_argv[i + 1];
	CHECK(strstr(vf, "drawbox=x=0:y=0:w=iw:h=ih") && !strstr(vf, "between"));
	/* boxes outside the picture, empty or backwards in time are refused */
	r.mr_boxes[0] = (media_box_t){ 0, 1000, 900, 0, 200, 100 };
	CHECK(!media_redact_valid(&r) && ffargs_clean(&a, "file:in", "file:out.mp4", true, 600, &r) == -1);
	r.mr_boxes[0] = (media_box_t){ 2000, 1000, 0, 0, 100, 100 };
	CHECK(!media_redact_valid(&r));
	r.mr_boxes[0] = (media_box_t){ 0, 1000, 0, 0, 0, 100 };
	CHECK(!media_redact_valid(&r));
	r.mr_boxes[0] = (media_box_t){ 0, 1000, 0, 0, 1000, 1000 };
	CHECK(media_redact_valid(&r));
	r.mr_nboxes = MEDIA_BOXES_MAX + 1;
	CHECK(!media_redact_valid(&r));
}

int
main(void)
{
	test_parse_real();
	test_policy();
	test_malformed();
	test_output_check();
	test_ffargs();
	return check_done("media_probe");
}
