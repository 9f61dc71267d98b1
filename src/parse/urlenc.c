/* urlenc: decodes application/x-www-form-urlencoded bodies and query strings into
 * bounded, validated fields, and checks text for clean UTF-8. Trusted with hostile
 * bytes: every size is bounded and every decoded copy is wiped before it is freed. */
#include "parse/urlenc.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/limits.h"

int
form_init(form_t *f, size_t max_fields, size_t max_value)
{
	/* Nothing may exceed the limits in limits.h, whatever a caller asks for. */
	if (max_fields > LIMIT_FORM_FIELDS)
		max_fields = LIMIT_FORM_FIELDS;
	if (max_value > LIMIT_FIELD_BYTES)
		max_value = LIMIT_FIELD_BYTES;

	f->count = 0;
	f->max_fields = max_fields;
	f->max_value = max_value;
	f->store = NULL;
	f->used = 0;
	f->cap = 0;
	f->streaming = false;
	/* At least one entry, so that fields != NULL marks an initialised form. */
	f->fields = calloc(max_fields > 0 ? max_fields : 1, sizeof(*f->fields));
	return f->fields != NULL ? 0 : -1;
}

/* The store is one block: its size, then the decoded bytes f->store points at. It is
 * wiped whole on release, whatever a caller did with the views into it. */
static char *
form_store_alloc(size_t size)
{
	char *block = malloc(sizeof(size) + size);

	if (block == NULL)
		return NULL;
	memcpy(block, &size, sizeof(size));
	return block + sizeof(size);
}

static void
form_store_release(form_t *f)
{
	if (f->store != NULL) {
		char *block = f->store - sizeof(size_t);
		size_t size;
		memcpy(&size, block, sizeof(size));
		sodium_memzero(block, sizeof(size) + size);
		free(block);
		f->store = NULL;
	}
	f->used = 0;
	f->cap = 0;
	f->streaming = false;
	if (f->fields != NULL && f->count > 0)
		memset(f->fields, 0, f->count * sizeof(*f->fields));
	f->count = 0;
}

void
form_free(form_t *f)
{
	form_store_release(f);
	free(f->fields);
	f->fields = NULL;
	f->max_fields = 0;
	f->max_value = 0;
}

static int
urlenc_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes raw into dst ('+' is a space, %XX a byte), writing at most max bytes.
 * Decoding never grows: one input byte or escape gives one output byte. */
static urlenc_status_t
urlenc_decode(sv_t raw, char *dst, size_t max, size_t *outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < raw.len; i++) {
		unsigned char c = (unsigned char)raw.p[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;
			if (raw.len - i < 3 ||
			    (hi = urlenc_hex((unsigned char)raw.p[i + 1])) < 0 ||
			    (lo = urlenc_hex((unsigned char)raw.p[i + 2])) < 0)
				return URLENC_BAD;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (o == max)
			return URLENC_TOO_LONG;
		dst[o++] = (char)c;
	}
	*outlen = o;
	return URLENC_OK;
}

/* Form field names in sava are simple: [A-Za-z0-9_.-] and brackets. This also makes
 * every name clean UTF-8. */
static bool
urlenc_name_ok(sv_t name)
{
	if (name.len == 0)
		return false;
	for (size_t i = 0; i < name.len; i++) {
		unsigned char c = (unsigned char)name.p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-' || c == '[' || c == ']')
			continue;
		return false;
	}
	return true;
}

/* Decodes one non-empty "name=value" pair into the store at *used. */
static urlenc_status_t
urlenc_pair(form_t *f, sv_t pair, size_t *used)
{
	sv_t rawname, rawvalue;
	size_t nlen, vlen;
	urlenc_status_t st;

	(void)sv_split(pair, '=', &rawname, &rawvalue);
	if (f->count == f->max_fields)
		return URLENC_TOO_MANY;
	if (rawname.len == 0)
		return URLENC_BAD;

	char *name = f->store + *used;
	if ((st = urlenc_decode(rawname, name, LIMIT_FIELD_NAME_BYTES, &nlen)) != URLENC_OK)
		return st;
	if (!urlenc_name_ok((sv_t){ name, nlen }))
		return URLENC_BAD;
	*used += nlen;

	char *value = f->store + *used;
	if ((st = urlenc_decode(rawvalue, value, f->max_value, &vlen)) != URLENC_OK)
		return st;
	if (!text_is_clean_utf8((sv_t){ value, vlen }))
		return URLENC_BAD;
	*used += vlen;

	f->fields[f->count].name = (sv_t){ name, nlen };
	f->fields[f->count].value = (sv_t){ value, vlen };
	f->count++;
	return URLENC_OK;
}

urlenc_status_t
urlenc_parse(form_t *f, const char *p, size_t len)
{
	form_store_release(f);
	if (f->fields == NULL)
		return URLENC_NOMEM;     /* never initialised, or form_init failed */
	if (len == 0)
		return URLENC_OK;

	/* Decoded bytes fit in len, and in what the bounds let the form hold (a few MB). */
	size_t size = f->max_fields * (LIMIT_FIELD_NAME_BYTES + f->max_value);
	if (size > len)
		size = len;
	if ((f->store = form_store_alloc(size)) == NULL)
		return URLENC_NOMEM;

	sv_t rest = { p, len };
	size_t used = 0;
	urlenc_status_t st = URLENC_OK;
	bool more;
	do {
		sv_t pair;
		more = sv_split(rest, '&', &pair, &rest);
		if (pair.len > 0 && (st = urlenc_pair(f, pair, &used)) != URLENC_OK)
			break;
	} while (more);

	if (st != URLENC_OK)
		form_store_release(f);   /* nothing left behind, not even half-decoded bytes */
	return st;
}

urlenc_status_t
form_stream_open(form_t *f, size_t store_bytes)
{
	form_store_release(f);
	if (f->fields == NULL)
		return URLENC_NOMEM;
	size_t bound = f->max_fields * (LIMIT_FIELD_NAME_BYTES + f->max_value);
	if (store_bytes > bound)
		store_bytes = bound;
	if ((f->store = form_store_alloc(store_bytes)) == NULL)
		return URLENC_NOMEM;
	f->cap = store_bytes;
	return URLENC_OK;
}

/* An error while streaming empties the form for good: no half field, no later field. */
static urlenc_status_t
form_stream_fail(form_t *f, urlenc_status_t st)
{
	form_store_release(f);
	return st;
}

urlenc_status_t
form_field_begin(form_t *f, sv_t name)
{
	if (f->store == NULL || f->streaming)
		return URLENC_BAD;
	if (f->count == f->max_fields)
		return form_stream_fail(f, URLENC_TOO_MANY);
	if (name.len > LIMIT_FIELD_NAME_BYTES)
		return form_stream_fail(f, URLENC_TOO_LONG);
	if (!urlenc_name_ok(name))
		return form_stream_fail(f, URLENC_BAD);
	if (name.len > f->cap - f->used)
		return form_stream_fail(f, URLENC_TOO_LONG);
	f->open_name = f->used;
	memcpy(f->store + f->used, name.p, name.len);
	f->used += name.len;
	f->open_value = f->used;
	f->streaming = true;
	return URLENC_OK;
}

urlenc_status_t
form_field_data(form_t *f, const char *p, size_t n)
{
	if (f->store == NULL || !f->streaming)
		return URLENC_BAD;
	if (n > f->max_value - (f->used - f->open_value) || n > f->cap - f->used)
		return form_stream_fail(f, URLENC_TOO_LONG);
	if (n > 0)
		memcpy(f->store + f->used, p, n);
	f->used += n;
	return URLENC_OK;
}

urlenc_status_t
form_field_end(form_t *f)
{
	if (f->store == NULL || !f->streaming)
		return URLENC_BAD;
	sv_t value = { f->store + f->open_value, f->used - f->open_value };
	if (!text_is_clean_utf8(value))
		return form_stream_fail(f, URLENC_BAD);
	f->fields[f->count].name = (sv_t){ f->store + f->open_name, f->open_value - f->open_name };
	f->fields[f->count].value = value;
	f->count++;
	f->streaming = false;
	return URLENC_OK;
}

const sv_t *
form_get(const form_t *f, const char *name)
{
	if (f == NULL || f->fields == NULL || name == NULL)
		return NULL;
	sv_t want = sv_from_cstr(name);
	for (size_t i = 0; i < f->count; i++)
		if (sv_eq(f->fields[i].name, want))
			return &f->fields[i].value;
	return NULL;
}

bool
text_is_clean_utf8(sv_t s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;

	while (i < s.len) {
		unsigned char c = p[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return false;
			i++;
			continue;
		}
		/* Table 3-7 of the Unicode standard: the second byte's range excludes
		 * overlongs (E0, F0), surrogates (ED) and code points past U+10FFFF (F4). */
		size_t need;
		unsigned char lo = 0x80, hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c == 0xe0) {
			need = 2;
			lo = 0xa0;
		} else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) {
			need = 2;
		} else if (c == 0xed) {
			need = 2;
			hi = 0x9f;
		} else if (c == 0xf0) {
			need = 3;
			lo = 0x90;
		} else if (c >= 0xf1 && c <= 0xf3) {
			need = 3;
		} else if (c == 0xf4) {
			need = 3;
			hi = 0x8f;
		} else {
			return false;    /* continuation byte, C0, C1 or F5..FF */
		}
		if (s.len - i - 1 < need)
			return false;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= need; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		i += need + 1;
	}
	return true;
}
