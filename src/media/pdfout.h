/* pdfout: the PDF that a cleaned document becomes, written by sava itself: one page per
 * JPEG (each already checked by scan_jpeg), drawn full page, and nothing else: no
 * document information, no XMP, no outline, no fonts, no scripts. Streaming: each page
 * goes out as it is given. Private to src/media. */
#ifndef SAVA_MEDIA_PDFOUT_H
#define SAVA_MEDIA_PDFOUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "parse/pageframe.h"

typedef struct {
	int (*pw_write)(void *ctx, const uint8_t *p, size_t n);   /* 0 to go on */
	void *pw_ctx;
	uint64_t pw_off;
	unsigned pw_pages;
	uint64_t pw_obj[3 + 3 * PAGEFRAME_PAGES_MAX];   /* each object's offset, by number */
} pdfout_t;

/* The header. 0, or -1 when write failed. */
int pdfout_start(pdfout_t *w) WUR;
/* One page: a baseline or progressive JPEG of width x height pixels and 1 (grey) or 3
 * components, shown at dpi. 0, or -1 (write failed, or too many pages). */
int pdfout_page(pdfout_t *w, const uint8_t *jpeg, size_t n, uint16_t width, uint16_t height, unsigned components,
    unsigned dpi) WUR;
/* The page tree, the catalogue, the cross-reference table and the trailer. */
int pdfout_end(pdfout_t *w) WUR;

#endif
