/* cookie: finds one cookie in a Cookie request header (RFC 6265 section 5.4 syntax),
 * as a pure function. Hostile input: bounded header length and pair count. */
#ifndef SAVA_COOKIE_H
#define SAVA_COOKIE_H

#include "core/buf.h"

/* Looks for name in header ("a=1; b=2"). On success *value views into header (quotes
 * around the value removed) and 0 is returned. Returns -1 when absent, when the header
 * exceeds LIMIT_COOKIE_BYTES, or when LIMIT_COOKIE_COUNT pairs were scanned first.
 * When the name appears twice, the first wins. */
int cookie_find(sv_t header, sv_t name, sv_t *value) WUR;

#endif
