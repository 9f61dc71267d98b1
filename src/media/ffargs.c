/* ffargs: the fixed command lines of the media worker (ffprobe, the clean, the poster).
 * Each option says here why it is there; changing one changes what scan.c must accept,
 * so tests/unit/test_media_sandbox.c runs them for real. */
#include <string.h>

#include "media/ffargs.h"
#include "media/media.h"

/* Only these demuxers are opened (the policy's containers), and only local files:
 * ffmpeg's HLS, concat and image-sequence demuxers would otherwise follow a hostile
 * playlist to other files or URLs. */
#define FFARGS_FORMATS   "mov,matroska,avi"
#define FFARGS_PROTOCOLS "file"

/* Longest side MEDIA_OUT_SIDE (1280), aspect kept, both sides even (yuv420p needs it),
 * never upscaled. iw/ih are already the rotated picture's: ffmpeg autorotates on
 * decoding (the default), so the phone's rotation lands in the pixels. */
#define FFARGS_SCALE \
	"scale=w='if(gte(iw,ih),min(1280,trunc(iw/2)*2),-2)':h='if(gte(iw,ih),-2,min(1280,trunc(ih/2)*2))'"

static void
ffargs_start(ffargs_t *a)
{
	memset(a, 0, sizeof(*a));
}

static int
ffargs_add(ffargs_t *a, const char *w)
{
	if (a->fa_argc + 1 >= FFARGS_MAX)
		return -1;
	a->fa_argv[a->fa_argc++] = w;
	a->fa_argv[a->fa_argc] = NULL;
	return 0;
}

/* A number in seconds with milliseconds, "12.345", kept in the struct. */
static const char *
ffargs_seconds(ffargs_t *a, uint32_t ms)
{
	if (a->fa_nums >= FFARGS_NUMS)
		return NULL;
	char *s = a->fa_num[a->fa_nums];
	if (!snprintf_ok(s, sizeof(a->fa_num[0]), "%u.%03u", ms / 1000, ms % 1000))
		return NULL;
	a->fa_nums++;
	return s;
}

static int
ffargs_list(ffargs_t *a, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (ffargs_add(a, words[i]) != 0)
			return -1;
	return 0;
}

int
ffargs_sh(buf_t *b, const ffargs_t *a)
{
	for (int i = 0; i < a->fa_argc; i++) {
		if (buf_putc(b, '\''))
			return -1;
		for (const char *q = a->fa_argv[i]; *q; q++)
			if (*q == '\'' ? buf_append_cstr(b, "'\\''") : buf_putc(b, *q))
				return -1;
		if (buf_append_cstr(b, "' "))
			return -1;
	}
	return 0;
}

static const char *const ffargs_input_opts[] = { "-format_whitelist", FFARGS_FORMATS, "-protocol_whitelist",
	FFARGS_PROTOCOLS, NULL };

int
ffargs_probe(ffargs_t *a, const char *input)
{
	static const char *const head[] = { FFARGS_FFPROBE, "-hide_banner", "-v", "error", NULL };
	static const char *const tail[] = { "-show_entries",
		"format=format_name,duration:stream=index,codec_type,codec_name,profile,pix_fmt,width,height"
		":stream_disposition=attached_pic:stream_side_data=rotation",
		"-of", "flat", "-i", NULL };
	ffargs_start(a);
	if (ffargs_list(a, head) || ffargs_list(a, ffargs_input_opts) || ffargs_list(a, tail) || ffargs_add(a, input))
		return -1;
	return 0;
}

bool
media_redact_valid(const media_redact_t *r)
{
	if (r->mr_nboxes > MEDIA_BOXES_MAX)
		return false;
	for (size_t i = 0; i < r->mr_nboxes; i++) {
		const media_box_t *b = &r->mr_boxes[i];
		if (b->mb_from_ms >= b->mb_to_ms || b->mb_w == 0 || b->mb_h == 0 || b->mb_x > 1000 || b->mb_y > 1000 ||
		    b->mb_w > 1000 - b->mb_x || b->mb_h > 1000 - b->mb_y)
			return false;
	}
	return true;
}

/* The picture's filters: the scale, then (a testimony's copy) a card over everything or
 * each box while it shows, all from integers: nothing a person typed reaches ffmpeg. A
 * box is rounded outwards to whole pixels, so it never leaves a sliver uncovered. */
static int
ffargs_picture(ffargs_t *a, const media_redact_t *r)
{
	size_t n = 0;
	if (!snprintf_ok(a->fa_vf, sizeof(a->fa_vf), "%s", FFARGS_SCALE ",format=yuv420p"))
		return -1;
	n = strlen(a->fa_vf);
	if (r && r->mr_still)
		return snprintf_ok(a->fa_vf + n, sizeof(a->fa_vf) - n, ",drawbox=x=0:y=0:w=iw:h=ih:color=0x2f5f4f:t=fill") ? 0
		                                                                                                        : -1;
	for (size_t i = 0; r && i < r->mr_nboxes; i++) {
		const media_box_t *b = &r->mr_boxes[i];
		if (!snprintf_ok(a->fa_vf + n, sizeof(a->fa_vf) - n,
		        ",drawbox=x='floor(iw*%u/1000)':y='floor(ih*%u/1000)':w='ceil(iw*%u/1000)+1':h='ceil(ih*%u/1000)+1'"
		        ":color=black:t=fill:enable='between(t,%u.%03u,%u.%03u)'",
		        b->mb_x, b->mb_y, b->mb_w, b->mb_h, b->mb_from_ms / 1000, b->mb_from_ms % 1000, b->mb_to_ms / 1000,
		        b->mb_to_ms % 1000))
			return -1;
		n = strlen(a->fa_vf);
	}
	return 0;
}

int
ffargs_clean(ffargs_t *a, const char *input, const char *output, bool has_audio, uint32_t max_seconds,
    const media_redact_t *redact)
{
	static const char *const head[] = { FFARGS_FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y", NULL };
	/* Silence when the original has none: players and platforms expect an audio track. */
	static const char *const silence[] = { "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
		"-map", "0:V:0", "-map", "1:a:0", "-shortest", NULL };
	/* 0:V:0 (capital V): the first real video stream, never cover art; 0:a:0 the first
	 * audio. Exactly one of each; every other stream (GPS data, timecode, subtitles,
	 * chapters, attachments) is dropped. */
	static const char *const own[] = { "-map", "0:V:0", "-map", "0:a:0", NULL };
	static const char *const body[] = {
		/* Re-encode, never re-mux: a copied bitstream could carry the camera's SEI
		 * messages (maker, serial, GPS) and the decoder-exploit bytes it came with.
		 * CRF 23 is x264's default quality, "medium" its default speed: the
		 * bench/media_clean.sh figures are for these. High profile plays on every
		 * phone and browser sold since 2012. */
		"-c:v", "libx264", "-profile:v", "high", "-preset", "medium", "-crf", "23",
		/* At most 30 frames a second out: a file that claims 1000 cannot make the
		 * encoder's work, or the copy, 33 times larger. */
		"-fpsmax", "30",
		"-c:a", "aac", "-profile:a", "aac_low", "-b:a", "128k", "-ar", "48000", "-ac", "2",
		/* No global, stream or chapter metadata, no data or subtitle streams. */
		"-map_metadata", "-1", "-map_chapters", "-1", "-dn", "-sn",
		/* No encoder version strings, zero creation times (verified by scan.c). */
		"-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
		/* No rotation tag: the pixels are already upright. */
		"-metadata:s:v", "rotate=0",
		/* The index (moov) first, so the copy streams on the web. */
		"-movflags", "+faststart", "-f", "mp4", NULL };
	ffargs_start(a);
	const char *t = ffargs_seconds(a, (max_seconds ? max_seconds : MEDIA_DEFAULT_MAX_SECONDS) * 1000 + 1000);
	if (!t || ffargs_list(a, head) || ffargs_list(a, ffargs_input_opts) || ffargs_add(a, "-i") ||
		ffargs_add(a, input))
		return -1;
	if (redact && !media_redact_valid(redact))
		return -1;
	if (ffargs_list(a, has_audio ? own : silence) || ffargs_picture(a, redact) != 0 || ffargs_add(a, "-vf") ||
	    ffargs_add(a, a->fa_vf))
		return -1;
	/* his voice: pitch and formants shifted together, so it is not his any more; the
	 * length stays, so boxes stay where the editor placed them */
	if (redact && redact->mr_voice && has_audio &&
	    (!snprintf_ok(a->fa_af, sizeof(a->fa_af), "rubberband=pitch=%s:formant=shifted", MEDIA_VOICE_PITCH) ||
	        ffargs_add(a, "-af") || ffargs_add(a, a->fa_af)))
		return -1;
	if (ffargs_list(a, body) || ffargs_add(a, "-t") || ffargs_add(a, t) || ffargs_add(a, output))
		return -1;
	return 0;
}

int
ffargs_poster(ffargs_t *a, const char *input, const char *output, uint32_t at_ms)
{
	static const char *const head[] = { FFARGS_FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y", NULL };
	static const char *const body[] = { "-map", "0:V:0", "-frames:v", "1",
		"-vf", FFARGS_SCALE ",format=yuvj420p",
		"-map_metadata", "-1", "-map_chapters", "-1", "-an", "-dn", "-sn",
		/* bitexact: no "Lavc" comment (COM) in the JPEG; only SOI, JFIF, tables, EOI. */
		"-fflags", "+bitexact", "-flags:v", "+bitexact",
		"-c:v", "mjpeg", "-q:v", "3", "-f", "image2", "-update", "1", NULL };
	ffargs_start(a);
	const char *ss = ffargs_seconds(a, at_ms);
	/* -ss before -i: seek in the input, then decode to the frame. */
	if (!ss || ffargs_list(a, head) || ffargs_add(a, "-ss") || ffargs_add(a, ss) ||
		ffargs_list(a, ffargs_input_opts) || ffargs_add(a, "-i") || ffargs_add(a, input) ||
		ffargs_list(a, body) || ffargs_add(a, output))
		return -1;
	return 0;
}

/* The captions' look. DejaVu Sans Bold (fonts-dejavu-core, which Debian's fontconfig
 * already pulls in with ffmpeg): every letter of Russian and Belarusian (ё, і, ў) and of
 * the Latin and Ukrainian alphabets, drawn for screens. White with a black outline and
 * a shadow: legible on any picture. Sizes and margins are in libass's units for a text
 * subtitle (288 to the frame's height): 18 is 45 px at 720 (1/16 of the height, as
 * broadcast captions); on 9:16, 9 is 40 px at 1280, 63 lifts the last line to 78% of
 * the height (the platforms' captions and buttons cover the bottom fifth), and the right
 * margin is wider for TikTok's and Reels' buttons. */
#define FFARGS_CAPTION_LOOK 	"FontName=DejaVu Sans,Bold=1,PrimaryColour=&H00FFFFFF,OutlineColour=&H00000000," 	"BackColour=&H80000000,BorderStyle=1,Shadow=1,Alignment=2,"
#define FFARGS_CAPTIONS_WIDE FFARGS_CAPTION_LOOK "FontSize=18,Outline=2,MarginV=20,MarginL=20,MarginR=20"
#define FFARGS_CAPTIONS_TALL FFARGS_CAPTION_LOOK "FontSize=9,Outline=1,MarginV=63,MarginL=24,MarginR=58"
#define FFARGS_FIT(w, h) 	"scale=" w ":" h ":force_original_aspect_ratio=decrease,pad=" w ":" h ":(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,"

int
ffargs_burn(ffargs_t *a, const char *input, const char *captions, const char *output, bool tall)
{
	static const char *const head[] = { FFARGS_FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y", NULL };
	static const char *const body[] = { "-map", "0:V:0", "-map", "0:a:0",
		"-c:v", "libx264", "-profile:v", "high", "-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p",
		"-c:a", "copy",
		"-map_metadata", "-1", "-map_chapters", "-1", "-dn", "-sn",
		"-fflags", "+bitexact", "-flags:v", "+bitexact",
		"-movflags", "+faststart", "-f", "mp4", NULL };
	ffargs_start(a);
	/* the graph: fit, then the captions; the file name is ours ("captions.vtt") and
	 * holds nothing the filter parser would read as syntax */
	if (strpbrk(captions, "':,;[]\\="))
		return -1;
	char *g = a->fa_vf;
	if (!snprintf_ok(g, sizeof(a->fa_vf), "%ssubtitles=filename=%s:fontsdir=%s:force_style='%s'",
	        tall ? FFARGS_FIT("720", "1280") : FFARGS_FIT("1280", "720"), captions, FFARGS_FONTS_DIR,
	        tall ? FFARGS_CAPTIONS_TALL : FFARGS_CAPTIONS_WIDE))
		return -1;
	if (ffargs_list(a, head) || ffargs_list(a, ffargs_input_opts) || ffargs_add(a, "-i") || ffargs_add(a, input) ||
	    ffargs_add(a, "-vf") || ffargs_add(a, g) || ffargs_list(a, body) || ffargs_add(a, output))
		return -1;
	return 0;
}

int
ffargs_waveform(ffargs_t *a, const char *input, const char *output)
{
	static const char *const head[] = { FFARGS_FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y", NULL };
	/* the sound's shape, one mono trace on white, as a baseline JPEG without metadata
	 * (the same checks as a poster) */
	static const char *const body[] = { "-filter_complex",
		"color=c=white:s=" FFARGS_WAVE_SIZE "[bg];[0:a:0]aformat=channel_layouts=mono,showwavespic=s=" FFARGS_WAVE_SIZE
		":colors=0x1d70b8:scale=sqrt[w];[bg][w]overlay=shortest=1,format=yuvj420p[out]",
		"-map", "[out]", "-frames:v", "1", "-map_metadata", "-1", "-map_chapters", "-1",
		"-fflags", "+bitexact", "-flags:v", "+bitexact",
		"-c:v", "mjpeg", "-q:v", "4", "-f", "image2", "-update", "1", NULL };
	ffargs_start(a);
	if (ffargs_list(a, head) || ffargs_list(a, ffargs_input_opts) || ffargs_add(a, "-i") || ffargs_add(a, input) ||
	    ffargs_list(a, body) || ffargs_add(a, output))
		return -1;
	return 0;
}

int
ffargs_silence(ffargs_t *a, const char *input)
{
	/* -v info: silencedetect says what it found at that level, on stderr */
	static const char *const head[] = { FFARGS_FFMPEG, "-nostdin", "-hide_banner", "-nostats", "-v", "info", NULL };
	static const char *const body[] = { "-map", "0:a:0", "-af", "silencedetect=noise=" FFARGS_SILENCE_DB
		":duration=" FFARGS_SILENCE_S, "-f", "null", "-", NULL };
	ffargs_start(a);
	if (ffargs_list(a, head) || ffargs_list(a, ffargs_input_opts) || ffargs_add(a, "-i") || ffargs_add(a, input) ||
	    ffargs_list(a, body))
		return -1;
	return 0;
}

int
ffargs_wav(ffargs_t *a, const char *input, const char *output)
{
	static const char *const head[] = { FFARGS_FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y", NULL };
	static const char *const body[] = { "-map", "0:a:0", "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le",
		"-map_metadata", "-1", "-fflags", "+bitexact", "-f", "wav", NULL };
	ffargs_start(a);
	if (ffargs_list(a, head) || ffargs_list(a, ffargs_input_opts) || ffargs_add(a, "-i") || ffargs_add(a, input) ||
	    ffargs_list(a, body) || ffargs_add(a, output))
		return -1;
	return 0;
}

uint32_t
ffargs_poster_at(uint32_t chosen_ms, uint32_t duration_ms)
{
	if (duration_ms == 0 || chosen_ms < duration_ms)
		return chosen_ms;
	return duration_ms / 2;
}
