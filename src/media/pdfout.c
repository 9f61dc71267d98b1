/* pdfout: a minimal PDF 1.4 of image pages (pdfout.h). Objects: 1 the catalogue, 2 the
 * page tree, then for page i the image 3+3i, its content stream 4+3i and the page 5+3i.
 * Every number in it is sava's own (sizes, offsets); the only bytes from the job are the
 * JPEGs, inside their streams, each of a length written before it. */
#include "media/pdfout.h"

#include <stdio.h>
#include <string.h>

static int
pdfout_put(pdfout_t *w, const void *p, size_t n)
{
	if (w->pw_write(w->pw_ctx, p, n) != 0)
		return -1;
	w->pw_off += n;
	return 0;
}

static int
pdfout_text(pdfout_t *w, const char *s)
{
	return pdfout_put(w, s, strlen(s));
}

int
pdfout_start(pdfout_t *w)
{
	w->pw_off = 0;
	w->pw_pages = 0;
	/* the binary comment line tells transfer programs the file is binary */
	return pdfout_text(w, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
}

/* Points (1/72 inch) of px pixels at dpi, as "123.45". */
static void
pdfout_points(char *out, size_t cap, unsigned px, unsigned dpi)
{
	unsigned long hundredths = (unsigned long)px * 7200ul / dpi;
	snprintf_cut(out, cap, "%lu.%02lu", hundredths / 100, hundredths % 100);
}

int
pdfout_page(pdfout_t *w, const uint8_t *jpeg, size_t n, uint16_t width, uint16_t height, unsigned components,
    unsigned dpi)
{
	char head[256], wpt[24], hpt[24], content[128];
	if (w->pw_pages >= PAGEFRAME_PAGES_MAX || dpi == 0 || width == 0 || height == 0 ||
	    (components != 1 && components != 3))
		return -1;
	unsigned base = 3 + 3 * w->pw_pages;
	pdfout_points(wpt, sizeof(wpt), width, dpi);
	pdfout_points(hpt, sizeof(hpt), height, dpi);
	w->pw_obj[base] = w->pw_off;
	if (!snprintf_ok(head, sizeof(head),
	        "%u 0 obj\n<< /Type /XObject /Subtype /Image /Width %u /Height %u /ColorSpace /%s "
	        "/BitsPerComponent 8 /Filter /DCTDecode /Length %zu >>\nstream\n",
	        base, (unsigned)width, (unsigned)height, components == 1 ? "DeviceGray" : "DeviceRGB", n) ||
	    pdfout_text(w, head) || pdfout_put(w, jpeg, n) || pdfout_text(w, "\nendstream\nendobj\n"))
		return -1;
	if (!snprintf_ok(content, sizeof(content), "q %s 0 0 %s 0 0 cm /Im0 Do Q\n", wpt, hpt))
		return -1;
	w->pw_obj[base + 1] = w->pw_off;
	if (!snprintf_ok(head, sizeof(head), "%u 0 obj\n<< /Length %zu >>\nstream\n", base + 1, strlen(content)) ||
	    pdfout_text(w, head) || pdfout_text(w, content) || pdfout_text(w, "endstream\nendobj\n"))
		return -1;
	w->pw_obj[base + 2] = w->pw_off;
	if (!snprintf_ok(head, sizeof(head),
	        "%u 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources << /XObject << /Im0 %u 0 R >> >> "
	        "/Contents %u 0 R >>\nendobj\n",
	        base + 2, wpt, hpt, base, base + 1) ||
	    pdfout_text(w, head))
		return -1;
	w->pw_pages++;
	return 0;
}

int
pdfout_end(pdfout_t *w)
{
	char line[64];
	if (w->pw_pages == 0)
		return -1;
	w->pw_obj[2] = w->pw_off;
	if (!snprintf_ok(line, sizeof(line), "2 0 obj\n<< /Type /Pages /Count %u /Kids [", w->pw_pages) ||
	    pdfout_text(w, line))
		return -1;
	for (unsigned i = 0; i < w->pw_pages; i++)
		if (!snprintf_ok(line, sizeof(line), "%s%u 0 R", i ? " " : "", 5 + 3 * i) || pdfout_text(w, line))
			return -1;
	if (pdfout_text(w, "] >>\nendobj\n"))
		return -1;
	w->pw_obj[1] = w->pw_off;
	if (pdfout_text(w, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"))
		return -1;
	unsigned size = 3 + 3 * w->pw_pages;
	uint64_t xref = w->pw_off;
	if (!snprintf_ok(line, sizeof(line), "xref\n0 %u\n0000000000 65535 f \n", size) || pdfout_text(w, line))
		return -1;
	for (unsigned i = 1; i < size; i++)
		if (!snprintf_ok(line, sizeof(line), "%010llu 00000 n \n", (unsigned long long)w->pw_obj[i]) ||
		    pdfout_text(w, line))
			return -1;
	if (!snprintf_ok(line, sizeof(line), "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%llu\n%%%%EOF\n", size,
	        (unsigned long long)xref))
		return -1;
	return pdfout_text(w, line);
}
