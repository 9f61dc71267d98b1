/* qr: QR symbols from libqrencode drawn as a single SVG path. Trusted with the text it
 * encodes (the otpauth:// URI carries the TOTP secret): the symbol's modules are wiped
 * before libqrencode frees them, and out is a buf_t, which wipes what it releases. */
#include "pages/qr.h"

#include <string.h>

#include <qrencode.h>
#include <sodium.h>

/* One row: each run of dark modules becomes "Mx yhwv1h-wz" (a w x 1 rectangle). */
static int
qr_svg_row(buf_t *out, const unsigned char *row, int width, int y)
{
	int x = 0;
	while (x < width) {
		if (!(row[x] & 1)) {
			x++;
			continue;
		}
		int start = x;
		while (x < width && (row[x] & 1))
			x++;
		if (buf_appendf(out, "M%d %dh%dv1h-%dz", start + QR_SVG_QUIET, y + QR_SVG_QUIET, x - start,
		        x - start) != 0)
			return -1;
	}
	return 0;
}

int
qr_svg(const char *text, buf_t *out)
{
	if (text == NULL || text[0] == '\0' || strnlen(text, QR_SVG_TEXT_MAX + 1) > QR_SVG_TEXT_MAX) {
		buf_free(out);
		return -1;
	}
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL || qr->width <= 0) {
		if (qr)
			QRcode_free(qr);
		buf_free(out);
		return -1;
	}
	int width = qr->width;
	int n = width + 2 * QR_SVG_QUIET;
	int rc = buf_appendf(out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "role=\"img\" aria-label=\"QR code\" shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	    n, n, n * QR_SVG_SCALE, n * QR_SVG_SCALE, n, n);
	for (int y = 0; rc == 0 && y < width; y++)
		rc = qr_svg_row(out, qr->data + (size_t)y * (size_t)width, width, y);
	if (rc == 0)
		rc = buf_append_cstr(out, "\"/></svg>");

	sodium_memzero(qr->data, (size_t)width * (size_t)width);
	QRcode_free(qr);
	return rc;   /* a failed append has already freed out */
}
