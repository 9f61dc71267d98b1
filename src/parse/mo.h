/* mo: reads GNU gettext .mo catalogs (as msgfmt writes them) as a pure function over
 * bytes, without the C library's locale machinery. Every offset is checked before use;
 * the table of originals must be strictly sorted, so lookups are binary searches. */
#ifndef SAVA_MO_H
#define SAVA_MO_H

#include "core/buf.h"

#define MO_MAX_STRINGS 100000

typedef struct {
	const unsigned char *data;   /* borrowed: must outlive the catalog */
	size_t len;
	uint32_t count;
	uint32_t orig_table;
	uint32_t trans_table;
	bool swapped;                /* written on a machine of the other byte order */
} mo_t;

/* Validates the whole catalog. Returns 0, or -1 for anything malformed. */
int mo_parse(mo_t *mo, const unsigned char *data, size_t len) WUR;
/* Finds msgid. Returns 0 and the translation (its first plural form, never empty),
 * or -1 when there is none. */
int mo_lookup(const mo_t *mo, sv_t msgid, sv_t *out) WUR;
/* The same for plural form number form (0, 1, 2...) of an entry whose msgid is
 * "singular\0plural"; -1 when there is no such form or it is empty. */
int mo_lookup_form(const mo_t *mo, sv_t msgid, unsigned form, sv_t *out) WUR;

#endif
