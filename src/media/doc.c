/* doc: a document from the drop cleaned in ONE sandbox run (media.h, media_doc_clean).
 * The file's kind is told by its first bytes here, before any tool sees it; the job's
 * script then runs ffmpeg (an image: decoded and encoded again from its pixels) or
 * pdftoppm (a PDF: every page rasterized to a JPEG, sent back as pageframe.h frames).
 * Every image coming back passes scan_jpeg before a byte of it is handed on, and a PDF's
 * pages are put together by sava's own writer (pdfout.h), so nothing of the original
 * file's structure (metadata, scripts, forms, attachments, fonts) can reach the copy.
 * Holds no keys and touches no disk. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/lang.h"
#include "core/log.h"
#include "media/media.h"
#include "media/pdfout.h"
#include "media/sandbox.h"
#include "media/scan.h"
#include "parse/pageframe.h"

#define DOC_SNIFF        16
#define DOC_PDFTOPPM     "/usr/bin/pdftoppm"
#define DOC_SCRIPT_CAP   4096

/* ffmpeg, for an image: one demuxer only (the kind found here), local files only, the
 * first picture, scaled down past MEDIA_DOC_IMG_SIDE, no metadata or comment written. */
#define DOC_FFMPEG_HEAD \
	"cat >in || exit $?\nexec 0</dev/null\n" \
	"/usr/bin/ffmpeg -nostdin -hide_banner -v error -y -protocol_whitelist file -f "
#define DOC_FFMPEG_TAIL \
	" -i file:in -map 0:v:0 -frames:v 1 " \
	"-vf 'scale=w=min(iw\\,8192):h=min(ih\\,8192):force_original_aspect_ratio=decrease,format=yuvj444p' " \
	"-map_metadata -1 -map_chapters -1 -an -dn -sn -fflags +bitexact -flags:v +bitexact " \
	"-c:v mjpeg -q:v 2 -f image2 -update 1 file:out.jpg </dev/null 3>&- 4>&- 5>&- 6>&- 7<&- || exit $?\n" \
	"rm -f in\ncat out.jpg >&3 || exit $?\nexit 0\n"

/* pdftoppm, for a PDF: at most PAGEFRAME_PAGES_MAX pages at MEDIA_DOC_DPI (a page too
 * large for that runs into the job's limits); each page then goes out as "LEN\n" and its
 * bytes, in page order (pdftoppm pads the numbers, so the names sort). */
#define DOC_PDF_SCRIPT \
	"cat >in.pdf || exit $?\nexec 0</dev/null\n" \
	DOC_PDFTOPPM " -q -l 200 -r 150 -forcenum -jpeg -jpegopt quality=85 in.pdf p " \
	"</dev/null 3>&- 4>&- 5>&- 6>&- 7<&- || exit $?\n" \
	"rm -f in.pdf\n" \
	"for f in p-*.jpg; do [ -f \"$f\" ] || exit 65; wc -c <\"$f\" >&3 || exit $?; cat \"$f\" >&3 || exit $?; " \
	"rm -f \"$f\"; done\nexit 0\n"

_Static_assert(PAGEFRAME_PAGES_MAX == 200 && MEDIA_DOC_DPI == 150 && MEDIA_DOC_IMG_SIDE == 8192,
    "the scripts above spell these numbers out");

typedef struct {
	const media_io_t *io;
	media_doc_result_t *out;
	media_doc_kind_t kind;
	uint8_t head[DOC_SNIFF];
	size_t head_len, head_off;
	scan_jpeg_t scan;
	pageframe_t frames;
	uint8_t *page;              /* one page of a PDF, being gathered (sodium_malloc) */
	size_t page_len, page_have;
	pdfout_t *pdf;
	bool refused, caller_stop, ok;
} doc_run_t;

media_doc_kind_t
media_doc_sniff(const uint8_t *p, size_t n)
{
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return MEDIA_DOC_JPEG;
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return MEDIA_DOC_PNG;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return MEDIA_DOC_WEBP;
	if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return MEDIA_DOC_PDF;
	return MEDIA_DOC_NONE;
}

const char *
media_doc_missing_tool(bool sandboxed)
{
	static const char *const tools[] = { "/usr/bin/ffmpeg", DOC_PDFTOPPM, "/bin/sh", "/usr/bin/wc" };
	if (sandboxed && access(SANDBOX_BWRAP, X_OK) != 0)
		return SANDBOX_BWRAP;
	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++)
		if (access(tools[i], X_OK) != 0)
			return tools[i];
	return NULL;
}

static void
doc_refuse(doc_run_t *m, const char *msgid, const char *detail)
{
	if (m->refused)
		return;
	m->refused = true;
	m->out->md_refusal = msgid;
	snprintf_cut(m->out->md_reason, sizeof(m->out->md_reason), "%s", detail);
}

/* The first bytes, read before the job starts (to tell the kind), go in first. */
static int
doc_read_input(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	doc_run_t *m = ctx;
	if (m->head_off < m->head_len) {
		size_t k = m->head_len - m->head_off < cap ? m->head_len - m->head_off : cap;
		memcpy(buf, m->head + m->head_off, k);
		m->head_off += k;
		*got = k;
		return 0;
	}
	if (m->io->mi_read_input(m->io->mi_ctx, buf, cap, got) != 0) {
		m->caller_stop = true;
		return -1;
	}
	return 0;
}

static int
doc_pass(void *ctx, const uint8_t *p, size_t n)
{
	doc_run_t *m = ctx;
	if (m->io->mi_write_output(m->io->mi_ctx, MEDIA_OUT_DOC_PDF, p, n) != 0) {
		m->caller_stop = true;
		return -1;
	}
	m->out->md_bytes += n;
	return 0;
}

/* ---- a PDF's pages, one frame each ---- */

static int
page_begin(void *ctx, uint32_t len)
{
	doc_run_t *m = ctx;
	m->page = sodium_malloc(len);
	if (!m->page)
		return -1;
	m->page_len = len;
	m->page_have = 0;
	scan_jpeg_init(&m->scan);
	return 0;
}

static int
page_data(void *ctx, const uint8_t *p, size_t n)
{
	doc_run_t *m = ctx;
	if (scan_jpeg_feed(&m->scan, p, n) != 0) {
		doc_refuse(m, N_("the cleaned copy failed its check"), scan_jpeg_reason(&m->scan));
		return -1;
	}
	memcpy(m->page + m->page_have, p, n);
	m->page_have += n;
	return 0;
}

static int
page_end(void *ctx)
{
	doc_run_t *m = ctx;
	uint16_t w, h;
	unsigned comps;
	if (scan_jpeg_end(&m->scan) != 0 || scan_jpeg_frame(&m->scan, &w, &h, &comps) != 0) {
		doc_refuse(m, N_("the cleaned copy failed its check"), scan_jpeg_reason(&m->scan));
		return -1;
	}
	if ((m->pdf->pw_pages == 0 && pdfout_start(m->pdf) != 0) ||
	    pdfout_page(m->pdf, m->page, m->page_len, w, h, comps, MEDIA_DOC_DPI) != 0)
		return -1;
	sodium_free(m->page);
	m->page = NULL;
	m->out->md_pages++;
	return 0;
}

static int
doc_write_output(void *ctx, int which, const uint8_t *p, size_t n)
{
	doc_run_t *m = ctx;
	if (which != 0)
		return -1;
	if (m->kind == MEDIA_DOC_PDF) {
		const pageframe_sink_t sink = { page_begin, page_data, page_end, m };
		if (pageframe_feed(&m->frames, &sink, p, n) != 0) {
			doc_refuse(m, N_("the cleaned copy failed its check"), m->frames.pf_why);
			return -1;
		}
		return 0;
	}
	if (scan_jpeg_feed(&m->scan, p, n) != 0) {
		doc_refuse(m, N_("the cleaned copy failed its check"), scan_jpeg_reason(&m->scan));
		return -1;
	}
	if (m->io->mi_write_output(m->io->mi_ctx, MEDIA_OUT_DOC_JPEG, p, n) != 0) {
		m->caller_stop = true;
		return -1;
	}
	m->out->md_bytes += n;
	return 0;
}

static int
doc_output_end(void *ctx, int which, buf_t *control)
{
	doc_run_t *m = ctx;
	uint16_t w, h;
	unsigned comps;
	(void)control;
	if (which != 0)
		return 0;
	if (m->kind == MEDIA_DOC_PDF) {
		if (m->frames.pf_pages == 0 && !m->frames.pf_failed && m->frames.pf_digits == 0)
			return 0;   /* nothing came: the exit code says why */
		if (pageframe_end(&m->frames) != 0) {
			doc_refuse(m, N_("the cleaned copy failed its check"), m->frames.pf_why);
			return -1;
		}
		if (pdfout_end(m->pdf) != 0)
			return -1;
	} else {
		if (m->scan.js_off == 0)
			return 0;
		if (scan_jpeg_end(&m->scan) != 0 || scan_jpeg_frame(&m->scan, &w, &h, &comps) != 0) {
			doc_refuse(m, N_("the cleaned copy failed its check"), scan_jpeg_reason(&m->scan));
			return -1;
		}
	}
	m->ok = true;
	return 0;
}

/* The first bytes of the input, up to DOC_SNIFF, or the whole of a shorter one. */
static int
doc_head(doc_run_t *m)
{
	while (m->head_len < DOC_SNIFF) {
		size_t got = 0;
		if (m->io->mi_read_input(m->io->mi_ctx, m->head + m->head_len, DOC_SNIFF - m->head_len, &got) != 0)
			return -1;
		if (got == 0)
			break;
		m->head_len += got;
	}
	return 0;
}

media_status_t
media_doc_clean(const media_limits_t *lim, const media_io_t *io, media_doc_result_t *out)
{
	memset(out, 0, sizeof(*out));
	out->md_status = MEDIA_ERROR;
	doc_run_t *m = calloc(1, sizeof(*m));
	pdfout_t *pdf = calloc(1, sizeof(*pdf));
	if (!m || !pdf) {
		free(m);
		free(pdf);
		snprintf_cut(out->md_reason, sizeof(out->md_reason), "out of memory");
		return out->md_status;
	}
	m->io = io;
	m->out = out;
	m->pdf = pdf;
	pdf->pw_write = doc_pass;
	pdf->pw_ctx = m;
	scan_jpeg_init(&m->scan);
	pageframe_init(&m->frames);
	if (doc_head(m) != 0) {
		snprintf_cut(out->md_reason, sizeof(out->md_reason), "stopped: the caller's input failed");
		goto done;
	}
	m->kind = out->md_kind = media_doc_sniff(m->head, m->head_len);
	static const char *const demuxers[] = { [MEDIA_DOC_JPEG] = "jpeg_pipe", [MEDIA_DOC_PNG] = "png_pipe",
		[MEDIA_DOC_WEBP] = "webp_pipe" };
	char script[DOC_SCRIPT_CAP];
	if (m->kind == MEDIA_DOC_NONE) {
		out->md_status = MEDIA_REFUSED;
		out->md_refusal = N_("it is not an image (JPEG, PNG, WebP) or a PDF");
		snprintf_cut(out->md_reason, sizeof(out->md_reason), "not a JPEG, PNG, WebP or PDF file");
		goto done;
	}
	if (m->kind == MEDIA_DOC_PDF ? !snprintf_ok(script, sizeof(script), "%s", DOC_PDF_SCRIPT)
	                             : !snprintf_ok(script, sizeof(script), "%s%s%s", DOC_FFMPEG_HEAD, demuxers[m->kind],
	                                   DOC_FFMPEG_TAIL)) {
		snprintf_cut(out->md_reason, sizeof(out->md_reason), "could not build the job");
		goto done;
	}
	const char *argv[] = { "/bin/sh", "-c", script, "sh", NULL };
	sandbox_io_t sio = {
		.sb_ctx = m,
		.sb_read_input = doc_read_input,
		.sb_write_output = doc_write_output,
		.sb_output_end = doc_output_end,
		.sb_output_cap = { (uint64_t)PAGEFRAME_PAGES_MAX * (PAGEFRAME_PAGE_MAX + 16), 0, 0, 0 },
		.sb_input_cap = lim->ml_file_bytes,
	};
	sandbox_result_t sr;
	media_status_t st = sandbox_run(argv, lim, &sio, &sr);
	if (m->caller_stop) {
		snprintf_cut(out->md_reason, sizeof(out->md_reason), "stopped: the caller's input or output failed");
	} else if (m->refused) {
		out->md_status = MEDIA_REFUSED;
	} else if (st != MEDIA_OK) {
		out->md_status = st;
		snprintf_cut(out->md_reason, sizeof(out->md_reason), "%s", sr.sr_why);
	} else if (sr.sr_exit != 0 || !m->ok) {
		/* the tool could not read it: a damaged or hostile file, said as such */
		out->md_status = MEDIA_REFUSED;
		out->md_refusal = N_("it is damaged, or could not be read");
		snprintf_cut(out->md_reason, sizeof(out->md_reason), "%s could not read it (exit %d)",
		    m->kind == MEDIA_DOC_PDF ? "pdftoppm" : "ffmpeg", sr.sr_exit);
	} else {
		out->md_status = MEDIA_OK;
	}
done:
	if (m->page)
		sodium_free(m->page);
	sodium_memzero(m->head, sizeof(m->head));
	media_status_t rc = out->md_status;
	free(pdf);
	free(m);
	return rc;
}
