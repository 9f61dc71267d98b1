/* testimony_rules: the rules of testimonies that need no key and no store, so that unit
 * tests pin them: the consent record (its byte form, sealed as an item, and when it allows
 * what), and the strike list (no struck name or place may appear in a copy, whatever its
 * case, its Unicode form, or ё written as е). Pure functions; they wipe what they fold. */
#ifndef SAVA_TESTIMONY_RULES_H
#define SAVA_TESTIMONY_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "media/media.h"

/* What may be published, each on its own, and where. */
enum { CONSENT_TEXT = 1, CONSENT_VOICE = 2, CONSENT_FACE = 4, CONSENT_SCOPE_ALL = 7 };
enum { CONSENT_SITE = 1, CONSENT_SOCIAL = 2, CONSENT_WHERE_ALL = 3 };

#define CONSENT_HOW_MAX 600          /* bytes: how it was given, 200 characters of any script */
#define CONSENT_DAYS_MAX 3650
#define CONSENT_RECORD_MAX (1 + 3 + 8 + 16 + 2 + CONSENT_HOW_MAX)

/* One version of the consent record. Days are days since 1970-01-01 (UTC). */
typedef struct {
	uint8_t scope, where;       /* CONSENT_* bits */
	bool withdrawn;             /* a withdrawal: allows nothing from then on */
	uint32_t given_day;         /* when it was given (or withdrawn) */
	uint32_t until_day;         /* the first day it no longer holds */
	uint8_t by[16];             /* the account that recorded it */
	char how[CONSENT_HOW_MAX + 1];   /* how it was given, in the recorder's words */
} consent_t;

/* 01 | scope | where | withdrawn | given_day u32 | until_day u32 | by 16 | how_len u16 | how:
 * into out (at least CONSENT_RECORD_MAX bytes); returns its length. */
size_t consent_encode(const consent_t *c, uint8_t out[CONSENT_RECORD_MAX]);
/* The reverse; -1 for a wrong version, length or bit. */
int consent_decode(const uint8_t *p, size_t n, consent_t *out) WUR;
/* True when c allows publishing what (CONSENT_* scope bits) in where, on day today. */
bool consent_allows(const consent_t *c, uint32_t today, uint8_t what, uint8_t where);

/* strike.c: looks for each line of list (trimmed; empty lines skipped) in text, both
 * folded (case, NFD, stress marks dropped, ё as е, ў as в, Latin look-alikes as Cyrillic, dashes
 * as one, spaces as one), anywhere, or word by word as inflected forms of one stem.
 * Returns 1 when one is found (the first such line in *hit, a view into list), 0 when
 * none is, -1 when either is not valid UTF-8 or memory runs out. */
int strike_find(sv_t text, sv_t list, sv_t *hit) WUR;

/* What a video's redaction hides, as the testimonies row keeps it (no content: flags and
 * boxes): flags u8 (1 voice, 2 card) | n u8 | n x (from_ms u32 | to_ms u32 | x u16 | y u16 |
 * w u16 | h u16). */
#define REDACT_BYTES_MAX (2 + 16 * MEDIA_BOXES_MAX)
size_t redact_encode(const media_redact_t *r, uint8_t out[REDACT_BYTES_MAX]);
/* The reverse; -1 for a wrong length or flag, or boxes media_redact_valid refuses. */
int redact_decode(const uint8_t *p, size_t n, media_redact_t *out) WUR;

#endif
