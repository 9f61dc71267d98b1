/* probe: ffprobe's flat text into a bounded struct, and sava's policy on it. Pure
 * functions over (pointer, length); the text describes a hostile file, so every value is
 * checked for length, characters and range before it is kept. */
#include <string.h>

#include "core/lang.h"
#include "media/probe.h"

static const char *const media_refusal_texts[MEDIA_REFUSAL_COUNT] = {
	[MEDIA_REFUSAL_NONE] = N_("accepted"),
	[MEDIA_REFUSAL_NOT_VIDEO] = N_("not a video"),
	[MEDIA_REFUSAL_CONTAINER] = N_("container not allowed"),
	[MEDIA_REFUSAL_NO_VIDEO] = N_("no video stream"),
	[MEDIA_REFUSAL_VIDEO_CODEC] = N_("video codec not allowed"),
	[MEDIA_REFUSAL_AUDIO_CODEC] = N_("audio codec not allowed"),
	[MEDIA_REFUSAL_TOO_LONG] = N_("too long"),
	[MEDIA_REFUSAL_TOO_SMALL] = N_("picture too small"),
	[MEDIA_REFUSAL_TOO_LARGE] = N_("picture too large"),
	[MEDIA_REFUSAL_TOO_MANY_STREAMS] = N_("too many streams"),
	[MEDIA_REFUSAL_DAMAGED] = N_("damaged: could not be converted"),
	[MEDIA_REFUSAL_OUTPUT_CHECK] = N_("the cleaned copy failed its check"),
};

const char *
media_refusal_text(media_refusal_t code)
{
	if ((unsigned)code >= MEDIA_REFUSAL_COUNT)
		return N_("refused");
	return media_refusal_texts[code];
}

/* Demuxer names exactly as ffprobe prints them: ISO BMFF/QuickTime, Matroska/WebM, AVI.
 * ffargs passes the same three to -format_whitelist, so nothing else is even opened. */
static const char *const probe_containers[] = { "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi" };
/* What phones, cameras and browsers record; each decoder is one more attack surface. */
static const char *const probe_video_codecs[] = { "h264", "hevc", "vp8", "vp9", "av1", "mpeg4" };
/* amr_nb and amr_wb: the audio of older phones' 3GP files. */
static const char *const probe_audio_codecs[] = { "aac", "mp3", "opus", "vorbis", "amr_nb", "amr_wb",
	"pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s24be", "pcm_s32le", "pcm_f32le", "pcm_u8", "pcm_mulaw",
	"pcm_alaw" };

static bool
probe_in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* A quoted value: "..." with flat's escapes (\n \r \\ \" \` \$), printable ASCII only,
 * copied into out (cap bytes with the NUL). */
static int
probe_string(sv_t v, char *out, size_t cap)
{
	if (v.len < 2 || v.p[0] != '"' || v.p[v.len - 1] != '"')
		return -1;
	size_t n = 0;
	for (size_t i = 1; i + 1 < v.len; i++) {
		char c = v.p[i];
		if (c == '\\') {
			if (i + 2 >= v.len)
				return -1;
			c = v.p[++i];
			if (c == 'n' || c == 'r')
				return -1;   /* a line end inside a name: not one of ffprobe's names */
		}
		if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e || n + 1 >= cap)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

/* ffprobe prints "N/A" (quoted, in flat) for a number a stream lacks: 0 then. */
static bool
probe_na(sv_t v)
{
	return sv_eq_cstr(v, "\"N/A\"") || sv_eq_cstr(v, "N/A");
}

static int
probe_u32(sv_t v, uint32_t max, uint32_t *out)
{
	uint64_t x;
	if (probe_na(v)) {
		*out = 0;
		return 0;
	}
	if (num_parse_u64(v, 0, max, &x) != 0)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

/* "-90", "90", "180": whole degrees; a fraction (never printed by 5.1) is refused. */
static int
probe_rotation(sv_t v, int32_t *out)
{
	bool neg = v.len > 0 && v.p[0] == '-';
	uint32_t x;
	if (neg) {
		v.p++;
		v.len--;
	}
	if (probe_u32(v, 360, &x) != 0)
		return -1;
	*out = neg ? -(int32_t)x : (int32_t)x;
	return 0;
}

/* "734.012000" (or "N/A") to milliseconds; at most 10^7 s. */
static int
probe_duration(sv_t v, probe_t *pr)
{
	if (probe_na(v)) {
		pr->pr_has_duration = false;
		return 0;
	}
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"') {
		v.p++;
		v.len -= 2;
	}
	sv_t whole, frac;
	if (!sv_split(v, '.', &whole, &frac))
		frac = SV_NULL;
	uint64_t s, f = 0;
	if (num_parse_u64(whole, 0, 10000000, &s) != 0)
		return -1;
	if (frac.len > 0) {
		if (frac.len > 9)
			return -1;
		uint64_t x;
		if (num_parse_u64(frac, 0, 999999999, &x) != 0)
			return -1;
		/* the first three digits are milliseconds */
		f = x;
		for (size_t i = frac.len; i < 3; i++)
			f *= 10;
		for (size_t i = 3; i < frac.len; i++)
			f /= 10;
	}
	uint64_t ms = s * 1000 + f;
	if (ms > UINT32_MAX)
		return -1;
	pr->pr_duration_ms = (uint32_t)ms;
	pr->pr_has_duration = true;
	return 0;
}

static probe_kind_t
probe_kind(const char *t)
{
	if (strcmp(t, "video") == 0)
		return PROBE_VIDEO;
	if (strcmp(t, "audio") == 0)
		return PROBE_AUDIO;
	if (strcmp(t, "subtitle") == 0)
		return PROBE_SUBTITLE;
	if (strcmp(t, "data") == 0)
		return PROBE_DATA;
	if (strcmp(t, "attachment") == 0)
		return PROBE_ATTACHMENT;
	return PROBE_OTHER;
}

/* One "streams.stream.N.FIELD=VALUE" line, the prefix already taken. */
static int
probe_stream_line(probe_t *pr, sv_t rest, sv_t v)
{
	sv_t num, field;
	uint64_t idx;
	if (!sv_split(rest, '.', &num, &field) || num_parse_u64(num, 0, 1000000, &idx) != 0)
		return -1;
	if (idx >= PROBE_MAX_STREAMS) {
		pr->pr_too_many_streams = true;
		return 0;
	}
	probe_stream_t *s = &pr->pr_stream[idx];
	s->ps_seen = true;
	if (idx + 1 > pr->pr_nstreams)
		pr->pr_nstreams = (unsigned)idx + 1;
	char t[PROBE_NAME_BYTES];
	if (sv_eq_cstr(field, "codec_type")) {
		if (probe_string(v, t, sizeof(t)) != 0)
			return -1;
		s->ps_kind = probe_kind(t);
		return 0;
	}
	if (sv_eq_cstr(field, "codec_name"))
		return probe_string(v, s->ps_codec, sizeof(s->ps_codec));
	if (sv_eq_cstr(field, "profile"))
		return probe_string(v, s->ps_profile, sizeof(s->ps_profile));
	if (sv_eq_cstr(field, "pix_fmt"))
		return probe_string(v, s->ps_pix_fmt, sizeof(s->ps_pix_fmt));
	if (sv_eq_cstr(field, "width"))
		return probe_u32(v, 1 << 20, &s->ps_width);
	if (sv_eq_cstr(field, "height"))
		return probe_u32(v, 1 << 20, &s->ps_height);
	if (sv_eq_cstr(field, "disposition.attached_pic")) {
		uint32_t x;
		if (probe_u32(v, 1, &x) != 0)
			return -1;
		s->ps_attached_pic = x == 1;
		return 0;
	}
	sv_t sd = SV("side_data_list.side_data.");
	if (sv_starts_with(field, sd)) {
		sv_t m, f;
		sv_t tail = { field.p + sd.len, field.len - sd.len };
		if (sv_split(tail, '.', &m, &f) && sv_eq_cstr(f, "rotation")) {
			int32_t rot;
			if (probe_rotation(v, &rot) != 0)
				return -1;
			if (!s->ps_has_rotation || rot != 0) {
				s->ps_rotation = rot;
				s->ps_has_rotation = true;
			}
		}
		return 0;
	}
	return 0;   /* index, and fields this version does not use */
}

int
probe_parse(const char *p, size_t len, probe_t *out)
{
	memset(out, 0, sizeof(*out));
	if (len > PROBE_MAX_TEXT)
		return -1;
	sv_t rest = { p, len };
	while (rest.len > 0) {
		sv_t line, key, v, tail;
		/* no newline: the last line (sv_split leaves line = rest, tail empty) */
		(void)sv_split(rest, '\n', &line, &tail);
		rest = tail;
		if (line.len == 0)
			continue;
		if (!sv_split(line, '=', &key, &v))
			return -1;
		sv_t ss = SV("streams.stream.");
		int rc = 0;
		if (sv_starts_with(key, ss))
			rc = probe_stream_line(out, (sv_t){ key.p + ss.len, key.len - ss.len }, v);
		else if (sv_eq_cstr(key, "format.format_name"))
			rc = probe_string(v, out->pr_format, sizeof(out->pr_format));
		else if (sv_eq_cstr(key, "format.duration"))
			rc = probe_duration(v, out);
		if (rc != 0)
			return -1;
	}
	return 0;
}

media_refusal_t
probe_check(const probe_t *pr, uint32_t max_seconds, probe_choice_t *choice, char *detail, size_t detaillen)
{
	choice->pc_video = -1;
	choice->pc_audio = -1;
	if (detaillen)
		detail[0] = '\0';
	if (max_seconds == 0)
		max_seconds = MEDIA_DEFAULT_MAX_SECONDS;
	if (pr->pr_format[0] == '\0' || pr->pr_nstreams == 0) {
		snprintf_cut(detail, detaillen, "%s", media_refusal_text(MEDIA_REFUSAL_NOT_VIDEO));
		return MEDIA_REFUSAL_NOT_VIDEO;
	}
	if (!probe_in(pr->pr_format, probe_containers, sizeof(probe_containers) / sizeof(*probe_containers))) {
		snprintf_cut(detail, detaillen, "container not allowed: %s", pr->pr_format);
		return MEDIA_REFUSAL_CONTAINER;
	}
	if (pr->pr_too_many_streams) {
		snprintf_cut(detail, detaillen, "too many streams (limit %d)", PROBE_MAX_STREAMS);
		return MEDIA_REFUSAL_TOO_MANY_STREAMS;
	}
	for (unsigned i = 0; i < pr->pr_nstreams; i++) {
		const probe_stream_t *s = &pr->pr_stream[i];
		if (!s->ps_seen)
			continue;
		if (s->ps_kind == PROBE_VIDEO && !s->ps_attached_pic && choice->pc_video < 0)
			choice->pc_video = (int)i;
		if (s->ps_kind == PROBE_AUDIO && choice->pc_audio < 0)
			choice->pc_audio = (int)i;
	}
	if (choice->pc_video < 0) {
		snprintf_cut(detail, detaillen, "%s", media_refusal_text(MEDIA_REFUSAL_NO_VIDEO));
		return MEDIA_REFUSAL_NO_VIDEO;
	}
	const probe_stream_t *v = &pr->pr_stream[choice->pc_video];
	if (!probe_in(v->ps_codec, probe_video_codecs, sizeof(probe_video_codecs) / sizeof(*probe_video_codecs))) {
		snprintf_cut(detail, detaillen, "video codec not allowed: %s", v->ps_codec[0] ? v->ps_codec : "unknown");
		return MEDIA_REFUSAL_VIDEO_CODEC;
	}
	if (choice->pc_audio >= 0) {
		const probe_stream_t *a = &pr->pr_stream[choice->pc_audio];
		if (!probe_in(a->ps_codec, probe_audio_codecs, sizeof(probe_audio_codecs) / sizeof(*probe_audio_codecs))) {
			snprintf_cut(detail, detaillen, "audio codec not allowed: %s", a->ps_codec[0] ? a->ps_codec : "unknown");
			return MEDIA_REFUSAL_AUDIO_CODEC;
		}
	}
	if (v->ps_width < MEDIA_MIN_SIDE || v->ps_height < MEDIA_MIN_SIDE) {
		snprintf_cut(detail, detaillen, "picture too small: %ux%u (at least %ux%u)", v->ps_width, v->ps_height,
			MEDIA_MIN_SIDE, MEDIA_MIN_SIDE);
		return MEDIA_REFUSAL_TOO_SMALL;
	}
	if (v->ps_width > MEDIA_MAX_SIDE || v->ps_height > MEDIA_MAX_SIDE) {
		snprintf_cut(detail, detaillen, "picture too large: %ux%u (limit %ux%u)", v->ps_width, v->ps_height,
			MEDIA_MAX_SIDE, MEDIA_MAX_SIDE);
		return MEDIA_REFUSAL_TOO_LARGE;
	}
	/* No duration in the header (a browser's WebM): ffmpeg is then told to stop just
	 * past the limit (ffargs_clean's -t), and the copy's own duration is checked. */
	if (pr->pr_has_duration && pr->pr_duration_ms > (uint64_t)max_seconds * 1000) {
		snprintf_cut(detail, detaillen, "too long: %u s (limit %u s)", (pr->pr_duration_ms + 999) / 1000, max_seconds);
		return MEDIA_REFUSAL_TOO_LONG;
	}
	return MEDIA_REFUSAL_NONE;
}

int
probe_check_output(const probe_t *pr, char *detail, size_t detaillen)
{
	int nv = 0, na = 0;
	if (detaillen)
		detail[0] = '\0';
	if (strcmp(pr->pr_format, "mov,mp4,m4a,3gp,3g2,mj2") != 0) {
		snprintf_cut(detail, detaillen, "the copy is not an MP4");
		return -1;
	}
	if (pr->pr_too_many_streams) {
		snprintf_cut(detail, detaillen, "the copy has too many streams");
		return -1;
	}
	for (unsigned i = 0; i < pr->pr_nstreams; i++) {
		const probe_stream_t *s = &pr->pr_stream[i];
		if (!s->ps_seen)
			continue;
		if (s->ps_kind == PROBE_VIDEO) {
			nv++;
			if (strcmp(s->ps_codec, "h264") != 0 || strcmp(s->ps_profile, "High") != 0 ||
				strcmp(s->ps_pix_fmt, "yuv420p") != 0) {
				snprintf_cut(detail, detaillen, "the copy's video is not H.264 High yuv420p");
				return -1;
			}
			if (s->ps_width > MEDIA_OUT_SIDE || s->ps_height > MEDIA_OUT_SIDE || s->ps_width < 2 ||
				s->ps_height < 2 || s->ps_width % 2 || s->ps_height % 2) {
				snprintf_cut(detail, detaillen, "the copy's picture is %ux%u", s->ps_width, s->ps_height);
				return -1;
			}
			if (s->ps_has_rotation) {
				snprintf_cut(detail, detaillen, "the copy carries a rotation");
				return -1;
			}
		} else if (s->ps_kind == PROBE_AUDIO) {
			na++;
			if (strcmp(s->ps_codec, "aac") != 0) {
				snprintf_cut(detail, detaillen, "the copy's audio is not AAC");
				return -1;
			}
		} else {
			snprintf_cut(detail, detaillen, "the copy has a stream that is neither video nor audio");
			return -1;
		}
	}
	if (nv != 1 || na != 1) {
		snprintf_cut(detail, detaillen, "the copy has %d video and %d audio streams", nv, na);
		return -1;
	}
	return 0;
}
