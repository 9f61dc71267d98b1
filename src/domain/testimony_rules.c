/* testimony_rules: the consent record's byte form and validity, and a video redaction's
 * bytes (testimony_rules.h; the strike list's check is strike.c). No key, no store. */
#include "domain/testimony_rules.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t
consent_encode(const consent_t *c, uint8_t out[CONSENT_RECORD_MAX])
{
	size_t how = strnlen(c->how, CONSENT_HOW_MAX);
	out[0] = 1;
	out[1] = c->scope & CONSENT_SCOPE_ALL;
	out[2] = c->where & CONSENT_WHERE_ALL;
	out[3] = c->withdrawn ? 1 : 0;
	put32(out + 4, c->given_day);
	put32(out + 8, c->until_day);
	memcpy(out + 12, c->by, 16);
	out[28] = (uint8_t)(how & 0xff);
	out[29] = (uint8_t)(how >> 8);
	memcpy(out + 30, c->how, how);
	return 30 + how;
}

int
consent_decode(const uint8_t *p, size_t n, consent_t *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 30 || p[0] != 1 || (p[1] & ~CONSENT_SCOPE_ALL) || (p[2] & ~CONSENT_WHERE_ALL) || p[3] > 1)
		return -1;
	size_t how = (size_t)p[28] | (size_t)p[29] << 8;
	if (how > CONSENT_HOW_MAX || n != 30 + how || memchr(p + 30, '\0', how))
		return -1;
	out->scope = p[1];
	out->where = p[2];
	out->withdrawn = p[3] == 1;
	out->given_day = get32(p + 4);
	out->until_day = get32(p + 8);
	memcpy(out->by, p + 12, 16);
	memcpy(out->how, p + 30, how);
	out->how[how] = '\0';
	return 0;
}

bool
consent_allows(const consent_t *c, uint32_t today, uint8_t what, uint8_t where)
{
	if (c->withdrawn || what == 0 || where == 0)
		return false;
	if ((c->scope & what) != what || (c->where & where) != where)
		return false;
	return c->given_day <= today && today < c->until_day;
}

/* ---- a video's redaction ---- */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

size_t
redact_encode(const media_redact_t *r, uint8_t out[REDACT_BYTES_MAX])
{
	size_t n = r->mr_nboxes > MEDIA_BOXES_MAX ? MEDIA_BOXES_MAX : r->mr_nboxes;
	out[0] = (uint8_t)((r->mr_voice ? 1 : 0) | (r->mr_still ? 2 : 0));
	out[1] = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		const media_box_t *b = &r->mr_boxes[i];
		uint8_t *p = out + 2 + 16 * i;
		put32(p, b->mb_from_ms);
		put32(p + 4, b->mb_to_ms);
		put16(p + 8, b->mb_x);
		put16(p + 10, b->mb_y);
		put16(p + 12, b->mb_w);
		put16(p + 14, b->mb_h);
	}
	return 2 + 16 * n;
}

int
redact_decode(const uint8_t *p, size_t n, media_redact_t *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 2 || (p[0] & ~3) || p[1] > MEDIA_BOXES_MAX || n != 2 + 16 * (size_t)p[1])
		return -1;
	out->mr_voice = p[0] & 1;
	out->mr_still = (p[0] & 2) != 0;
	out->mr_nboxes = p[1];
	for (size_t i = 0; i < out->mr_nboxes; i++) {
		const uint8_t *q = p + 2 + 16 * i;
		out->mr_boxes[i] = (media_box_t){ get32(q), get32(q + 4), get16(q + 8), get16(q + 10), get16(q + 12),
			get16(q + 14) };
	}
	return media_redact_valid(out) ? 0 : -1;
}
