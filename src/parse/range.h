/* range: an HTTP Range header (RFC 9110, 14.1.2) against a body of known size. Pure;
 * hostile input: one range of bytes or nothing. */
#ifndef SAVA_RANGE_H
#define SAVA_RANGE_H

#include <stdint.h>

#include "core/buf.h"

typedef enum {
	RANGE_NONE,            /* absent, malformed or several: the whole body, 200 */
	RANGE_ONE,             /* [first, last]: 206 */
	RANGE_UNSATISFIABLE,   /* 416 */
} range_t;

/* Parses v against a body of size bytes. Malformed values are ignored, as the RFC allows.
 * So are several ranges: browsers ask for one when they play or seek, and a
 * multipart/byteranges answer would be built in memory; the whole body with 200 is a
 * correct answer to any Range. An empty body is sent whole too: no range of it can be
 * written in a Content-Range. */
range_t range_parse(sv_t v, uint64_t size, uint64_t *first, uint64_t *last);

#endif
