/* qr: a QR code as one inline SVG element, for the TOTP enrollment page. Pure: no
 * files, no external references, no script and no style attributes (sava's CSP). */
#ifndef SAVA_QR_H
#define SAVA_QR_H

#include "core/buf.h"

#define QR_SVG_TEXT_MAX 2000   /* bytes of text; QR version 40-M holds 2331 */
#define QR_SVG_QUIET    4      /* modules of white border on each side */
#define QR_SVG_SCALE    5      /* CSS pixels per module in width and height */

/* Encodes text (a non-empty C string; 8-bit mode, error correction M, the smallest
 * version that fits) and appends
 *   <svg ... viewBox="0 0 N N" ...><rect .../><path fill="#000" d="..."/></svg>
 * to out, where N is the symbol width plus the quiet zone on both sides. Each run of
 * dark modules in a row is one "Mx yhwv1h-wz" segment of the single path.
 * Returns 0, or -1 (text empty or over QR_SVG_TEXT_MAX bytes, encoding failed, or the
 * SVG does not fit in out's maximum); on -1 out has been freed and wiped, as on any
 * failed buf append. The text may hold a secret: libqrencode's symbol is wiped. */
int qr_svg(const char *text, buf_t *out) WUR;

#endif
