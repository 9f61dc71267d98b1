/* fuzz_urlenc: urlenc_parse under generous and tight bounds, checking every field it
 * returns, that tight bounds never accept what generous ones refuse, and
 * text_is_clean_utf8 against a second, independent UTF-8 decoder. abort() on a breach. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "parse/urlenc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes code points the plain way and checks the ranges afterwards. */
static bool
ref_clean(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp, min;
		size_t len;
		uint8_t c = p[i];
		if (c < 0x80) {
			cp = c;
			len = 1;
			min = 0;
		} else if ((c & 0xe0) == 0xc0) {
			cp = c & 0x1f;
			len = 2;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			cp = c & 0x0f;
			len = 3;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			cp = c & 0x07;
			len = 4;
			min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f)
			return false;
		i += len;
	}
	return true;
}

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '.' || c == '-' || c == '[' || c == ']';
}

/* Checks a parse's result; returns its status. */
static urlenc_status_t
parse_checked(form_t *f, const char *p, size_t size)
{
	urlenc_status_t st = urlenc_parse(f, p, size);
	size_t total = 0, pairs = 0;

	if (st != URLENC_OK) {
		if (st != URLENC_TOO_MANY && st != URLENC_TOO_LONG && st != URLENC_BAD &&
		    st != URLENC_NOMEM)
			abort();
		if (f->count != 0 || f->store != NULL)
			abort();
		return st;
	}
	/* Every non-empty pair became a field. */
	for (size_t i = 0; i < size; ) {
		const char *amp = memchr(p + i, '&', size - i);
		size_t end = amp ? (size_t)(amp - p) : size;
		if (end > i)
			pairs++;
		i = end + 1;
	}
	if (f->count != pairs || f->count > f->max_fields)
		abort();
	for (size_t i = 0; i < f->count; i++) {
		sv_t n = f->fields[i].name, v = f->fields[i].value;
		if (n.len == 0 || n.len > LIMIT_FIELD_NAME_BYTES || v.len > f->max_value)
			abort();
		for (size_t k = 0; k < n.len; k++)
			if (!name_char(n.p[k]))
				abort();
		if (!ref_clean((const uint8_t *)v.p, v.len))
			abort();
		if (n.p < f->store || v.p < f->store)
			abort();
		total += n.len + v.len;
		/* form_get finds the first field of each name. */
		char cname[LIMIT_FIELD_NAME_BYTES + 1];
		memcpy(cname, n.p, n.len);
		cname[n.len] = '\0';
		size_t first = 0;
		while (!sv_eq(f->fields[first].name, n))
			first++;
		if (form_get(f, cname) != &f->fields[first].value)
			abort();
	}
	if (total > size)
		abort();
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	form_t wide, tight;

	if (text_is_clean_utf8((sv_t){ p, size }) != ref_clean(data, size))
		abort();
	if (size > 0 && text_is_clean_utf8((sv_t){ p + 1, size - 1 }) != ref_clean(data + 1, size - 1))
		abort();

	if (form_init(&wide, LIMIT_FORM_FIELDS, LIMIT_FIELD_BYTES) != 0)
		return 0;
	if (form_init(&tight, 4, 8) != 0) {
		form_free(&wide);
		return 0;
	}
	urlenc_status_t sw = parse_checked(&wide, p, size);
	urlenc_status_t stt = parse_checked(&tight, p, size);
	/* Tighter bounds can only refuse more, and never for another kind of malformation. */
	if (stt == URLENC_OK && sw != URLENC_OK)
		abort();
	if (sw == URLENC_OK && stt == URLENC_OK) {
		if (wide.count != tight.count)
			abort();
		for (size_t i = 0; i < wide.count; i++)
			if (!sv_eq(wide.fields[i].name, tight.fields[i].name) ||
			    !sv_eq(wide.fields[i].value, tight.fields[i].value))
				abort();
	}
	/* Parsing again into a used form replaces its contents. */
	if (size > 1 && parse_checked(&wide, p + 1, size - 1) == URLENC_OK && sw == URLENC_OK &&
	    wide.count > 0 && wide.store == NULL)
		abort();
	form_free(&tight);
	form_free(&wide);
	return 0;
}
