/* testimony_private: what testimonies.c (making, reading, notes) and stories.c (consent,
 * the copy, the two-person publication, shredding) share: the way into a testimony and
 * who the reader is to it. Private to src/domain. */
#ifndef SAVA_TESTIMONY_PRIVATE_H
#define SAVA_TESTIMONY_PRIVATE_H

#include "domain/access.h"
#include "domain/testimonies.h"

/* Who she is to a testimony. */
struct testimony_who {
	bool holder;        /* holds the testimonies' key (an editor or a coordinator) */
	bool editor, coordinator;
	bool owl;           /* the Owl of the request it came from (her own copy) */
};

/* Her way into testimony id: the testimonies' key, or her own copy as its Owl; its row
 * in t. Anyone else, and anything that is not a testimony: INTAKE_NOT_FOUND. */
intake_status_t testimony_open(const app_t *app, const staff_t *s, const uint8_t id[16], struct access *a,
    store_testimony_t *t, struct testimony_who *who) WUR;

/* Seals n texts (fields[i], under the notes key, as staff) and stores them as one new
 * version of the testimony (store_testimony_add's what), by s. */
intake_status_t testimony_add(const app_t *app, struct access *a, const staff_t *s, int what, const int *fields,
    const sv_t *texts, size_t n, char *slug_out, const store_consent_bound_t *bound) WUR;

/* The latest consent record (none: *found false), from the items of the testimony. */
intake_status_t testimony_consent_latest(const app_t *app, struct access *a, consent_t *out, bool *found) WUR;

/* A redaction waiting with no job (after a restart): queued again with this reader's keys. */
void testimony_media_rearm(const app_t *app, struct access *a, const store_testimony_t *t);

#endif
