/* pageframe: the page stream a document-cleaning job sends back from its sandbox: for
 * each page, its length in decimal digits and a newline, then exactly that many bytes
 * (a JPEG, which scan_jpeg checks next). Hostile input: whatever ran in the sandbox may
 * have been taken over by the file it read. Pure, streaming: fed in chunks of any size. */
#ifndef SAVA_PAGEFRAME_H
#define SAVA_PAGEFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define PAGEFRAME_DIGITS_MAX 9              /* a length line's digits */
#define PAGEFRAME_PAGE_MAX   (16u << 20)    /* bytes of one page */
#define PAGEFRAME_PAGES_MAX  200            /* pages of one document */

typedef struct {
	/* a page's length is known (1..PAGEFRAME_PAGE_MAX): its bytes follow */
	int (*pf_begin)(void *ctx, uint32_t len);
	/* the next bytes of the page (never past its length) */
	int (*pf_data)(void *ctx, const uint8_t *p, size_t n);
	/* the page's last byte has come */
	int (*pf_end)(void *ctx);
	void *pf_ctx;                           /* each returns 0 to go on, -1 to stop */
} pageframe_sink_t;

typedef struct {
	int pf_state;
	uint32_t pf_len, pf_left;
	unsigned pf_digits;
	unsigned pf_pages;
	bool pf_failed;
	const char *pf_why;                     /* English, static; NULL until a finding */
} pageframe_t;

void pageframe_init(pageframe_t *f);
/* 0, or -1 on a malformed stream or a sink's -1 (sticky: pf_why says which). */
int pageframe_feed(pageframe_t *f, const pageframe_sink_t *sink, const uint8_t *p, size_t n) WUR;
/* The stream ended: -1 unless it ended between pages, after at least one page. */
int pageframe_end(pageframe_t *f) WUR;

#endif
