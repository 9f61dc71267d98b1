/* urlenc: application/x-www-form-urlencoded bodies and query strings, parsed as a pure
 * function over (pointer, length). Hostile input: bounded field count and sizes, strict
 * percent-decoding, decoded values must be UTF-8 without control characters. */
#ifndef SAVA_URLENC_H
#define SAVA_URLENC_H

#include "core/buf.h"

typedef enum {
	URLENC_OK = 0,
	URLENC_TOO_MANY,     /* more fields than max_fields */
	URLENC_TOO_LONG,     /* a name longer than LIMIT_FIELD_NAME_BYTES or a value than max_value */
	URLENC_BAD,          /* bad %-escape, empty name, invalid UTF-8 or a control character */
	URLENC_NOMEM,
} urlenc_status_t;

typedef struct {
	sv_t name;           /* decoded; views into form->store */
	sv_t value;          /* decoded; views into form->store */
} form_field_t;

typedef struct {
	form_field_t *fields;   /* max_fields entries */
	size_t count;
	size_t max_fields;
	size_t max_value;
	char *store;            /* decoded bytes; owned */
	size_t used;            /* bytes of store in use */
	size_t cap;             /* its size */
	bool streaming;         /* a field is open (form_field_begin) */
	size_t open_name;       /* the open field: its name's offset, */
	size_t open_value;      /* and its value's */
} form_t;

/* Prepares an empty form with these bounds. Returns 0 or -1 (no memory). */
int form_init(form_t *f, size_t max_fields, size_t max_value) WUR;
/* Wipes and frees everything the form owns. Safe on a zeroed or freed form. */
void form_free(form_t *f);

/* Parses "a=1&b=2" (no leading '?'). '+' decodes to a space, %XX to its byte. A pair
 * without '=' has an empty value; empty pairs ("a=1&&b=2") are skipped. Replaces
 * whatever the form held. The input is only borrowed. */
urlenc_status_t urlenc_parse(form_t *f, const char *p, size_t len) WUR;

/* Fields that arrive already decoded, in pieces (multipart text parts): the same bounds
 * and checks as urlenc_parse, without a second encoding. form_stream_open replaces what
 * the form held and takes at most store_bytes of names and values in all; then, per
 * field, one begin, any number of data calls, one end. A field is visible to form_get
 * only once it ended; on an error the form is emptied and refuses further fields. */
urlenc_status_t form_stream_open(form_t *f, size_t store_bytes) WUR;
urlenc_status_t form_field_begin(form_t *f, sv_t name) WUR;
urlenc_status_t form_field_data(form_t *f, const char *p, size_t n) WUR;
urlenc_status_t form_field_end(form_t *f) WUR;

/* The first field named name, or NULL. */
const sv_t *form_get(const form_t *f, const char *name);

/* True when s is valid UTF-8 with no C0 control character other than TAB, LF and CR,
 * and no DEL. Shared by every parser that hands text on. */
bool text_is_clean_utf8(sv_t s);

#endif
