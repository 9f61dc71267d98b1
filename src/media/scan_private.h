/* scan_private: what the two scanners (scan.c for MP4, scan_jpeg.c) share: the failure
 * record and the marker search. Included by them only. */
#ifndef SAVA_SCAN_PRIVATE_H
#define SAVA_SCAN_PRIVATE_H

#include "media/scan.h"

/* Records the first failure: why, and the box's fourcc when not 0. */
void scan_fail(bool *failed, char *reason, const char *why, uint32_t fourcc);
/* Feeds bytes to the marker search; the marker found, or NULL. */
const char *scan_marks_feed(scan_marks_t *m, const uint8_t *p, size_t n);

#endif
