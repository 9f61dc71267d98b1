/* multipart: a streaming multipart/form-data parser (RFC 7578, RFC 2046 5.1) that hands
 * part contents to a sink as soon as they cannot be part of a delimiter. Trusted with
 * hostile bytes in chunks of any size: bounded state in the parser struct, no allocation. */
#include "parse/multipart.h"

#include <string.h>

#include "parse/urlenc.h"

enum {
	MP_S_PREAMBLE,       /* before the first delimiter: discarded */
	MP_S_BOUNDARY_END,   /* a delimiter was just matched */
	MP_S_CLOSE_DASH,     /* "-" after a delimiter: one more makes it the close */
	MP_S_PADDING,        /* transport padding (spaces, tabs) after a delimiter */
	MP_S_BOUNDARY_LF,    /* CR ending a delimiter line: LF must follow */
	MP_S_HEADERS,        /* a part's header block, gathered in hold */
	MP_S_DATA,           /* a part's contents, streamed to the sink */
	MP_S_EPILOGUE,       /* after the close delimiter: ignored */
};

/* RFC 7230 tchar. */
static bool
mp_is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
	case '-': case '.': case '^': case '_': case '`': case '|': case '~':
		return true;
	default:
		return false;
	}
}

/* RFC 2046 bchars. None of them is CR, which the delimiter matcher relies on. */
static bool
mp_is_bchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	switch (c) {
	case '\'': case '(': case ')': case '+': case '_': case ',': case '-': case '.':
	case '/': case ':': case '=': case '?': case ' ':
		return true;
	default:
		return false;
	}
}

static bool
mp_is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static bool
mp_boundary_valid(sv_t b)
{
	if (b.len < 1 || b.len > LIMIT_MP_BOUNDARY_BYTES || b.p[b.len - 1] == ' ')
		return false;
	for (size_t i = 0; i < b.len; i++)
		if (!mp_is_bchar((unsigned char)b.p[i]))
			return false;
	return true;
}

/* Form field names in sava are simple: the same rule as urlenc's. */
static bool
mp_name_ok(sv_t name)
{
	for (size_t i = 0; i < name.len; i++) {
		unsigned char c = (unsigned char)name.p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-' || c == '[' || c == ']')
			continue;
		return false;
	}
	return true;
}

static sv_t
mp_skip_ows(sv_t s)
{
	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	return s;
}

/* Length of the run of tchars at the start of s. */
static size_t
mp_token_len(sv_t s)
{
	size_t n = 0;
	while (n < s.len && mp_is_tchar((unsigned char)s.p[n]))
		n++;
	return n;
}

/* s starts with '"'. Sets *len to the length of the quoted-string including both
 * quotes. Returns 0, or -1 when it is unterminated or holds a control character. */
static int
mp_quoted_len(sv_t s, size_t *len)
{
	for (size_t i = 1; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c == '"') {
			*len = i + 1;
			return 0;
		}
		if (c == '\\') {
			if (++i == s.len)
				return -1;
			c = (unsigned char)s.p[i];
		}
		if (mp_is_ctl(c) && c != '\t')
			return -1;
	}
	return -1;
}

/* Reads the next parameter of a header value: *s is what follows the value's first
 * token, ";" OWS name OWS "=" OWS (token / quoted-string), repeated; empty parameters
 * are tolerated. Returns 1 with *name and *value (without its quotes, still escaped
 * when *quoted), 0 at the end, -1 when malformed. */
static int
mp_param_next(sv_t *s, sv_t *name, sv_t *value, bool *quoted)
{
	sv_t r = *s;
	size_t n;

	for (;;) {
		r = mp_skip_ows(r);
		if (r.len == 0) {
			*s = r;
			return 0;
		}
		if (r.p[0] != ';')
			return -1;
		r.p++;
		r.len--;
		r = mp_skip_ows(r);
		if (r.len > 0 && r.p[0] != ';')
			break;
	}

	if ((n = mp_token_len(r)) == 0)
		return -1;
	*name = (sv_t){ r.p, n };
	r = mp_skip_ows((sv_t){ r.p + n, r.len - n });
	if (r.len == 0 || r.p[0] != '=')
		return -1;
	r = mp_skip_ows((sv_t){ r.p + 1, r.len - 1 });
	if (r.len > 0 && r.p[0] == '"') {
		if (mp_quoted_len(r, &n) != 0)
			return -1;
		*value = (sv_t){ r.p + 1, n - 2 };
		*quoted = true;
	} else {
		if ((n = mp_token_len(r)) == 0)
			return -1;
		*value = (sv_t){ r.p, n };
		*quoted = false;
	}
	*s = (sv_t){ r.p + n, r.len - n };
	return 1;
}

int
mp_boundary_from_content_type(sv_t ct, sv_t *boundary)
{
	sv_t rest, name, value, found = SV_NULL;
	bool quoted, have = false;
	size_t n;
	int r;

	*boundary = SV_NULL;
	if (ct.len > LIMIT_HEADER_BYTES)
		return -1;
	/* The media type is type "/" subtype, both tokens. */
	rest = mp_skip_ows(ct);
	n = mp_token_len(rest);
	if (n < rest.len && rest.p[n] == '/')
		n += 1 + mp_token_len((sv_t){ rest.p + n + 1, rest.len - n - 1 });
	if (!sv_eq_nocase((sv_t){ rest.p, n }, SV("multipart/form-data")))
		return -1;
	rest = (sv_t){ rest.p + n, rest.len - n };

	while ((r = mp_param_next(&rest, &name, &value, &quoted)) == 1) {
		if (!sv_eq_nocase(name, SV("boundary")))
			continue;
		if (have)
			return -1;   /* two boundaries: ambiguous, so neither */
		have = true;
		found = value;   /* bchars hold no '\\', so an escaped value fails below */
	}
	if (r < 0 || !have || !mp_boundary_valid(found))
		return -1;
	*boundary = found;
	return 0;
}

void
mp_init(mp_parser_t *mp, sv_t boundary, size_t max_files, const mp_sink_t *sink, void *ctx)
{
	memset(mp, 0, sizeof(*mp));
	mp->sink = sink;
	mp->ctx = ctx;
	mp->max_files = max_files < LIMIT_MP_FILES_MAX ? max_files : LIMIT_MP_FILES_MAX;
	mp->state = MP_S_PREAMBLE;
	mp->status = MP_OK;
	if (!mp_boundary_valid(boundary)) {
		mp->status = MP_BAD;
		return;
	}
	memcpy(mp->boundary, "\r\n--", 4);
	memcpy(mp->boundary + 4, boundary.p, boundary.len);
	mp->boundary_len = 4 + boundary.len;
	/* As if the body began with CRLF, so the first delimiter may open it. */
	mp->hold_len = 2;
}

static void
mp_fail(mp_parser_t *mp, mp_status_t st)
{
	if (mp->status == MP_OK)
		mp->status = st;
}

static void
mp_deliver(mp_parser_t *mp, const char *p, size_t n)
{
	if (n == 0 || mp->sink == NULL || mp->sink->part_data == NULL)
		return;
	if (mp->sink->part_data(mp->ctx, p, n) != 0)
		mp_fail(mp, MP_ABORTED);
}

/* Scans p for the delimiter "\r\n--boundary", handing everything before it to the sink
 * (deliver) or dropping it (the preamble). In these states hold_len counts the bytes
 * held back because they match the start of the delimiter; they are that prefix of
 * mp->boundary, so they need not be copied. The delimiter holds CR only at its start,
 * so after a mismatch the only prefix that can still match is a lone CR. Returns the
 * number of bytes consumed; a complete delimiter ends the scan. */
static size_t
mp_scan(mp_parser_t *mp, const char *p, size_t n, bool deliver)
{
	const char *delim = mp->boundary;
	size_t dlen = mp->boundary_len;
	size_t m = mp->hold_len;    /* delimiter bytes matched */
	size_t outside = m;         /* of which, before p: while > 0, all of p[0, i) matched */
	size_t i = 0;

	while (i < n) {
		if (m == 0) {
			const char *cr = memchr(p + i, '\r', n - i);
			if (cr == NULL) {
				i = n;
				break;
			}
			i = (size_t)(cr - p) + 1;
			m = 1;
			continue;
		}
		if (p[i] == delim[m]) {
			i++;
			if (++m == dlen) {
				if (deliver)
					mp_deliver(mp, p, i + outside - m);
				mp->hold_len = 0;
				mp->state = MP_S_BOUNDARY_END;
				if (deliver && mp->status == MP_OK && mp->sink != NULL &&
				    mp->sink->part_end != NULL && mp->sink->part_end(mp->ctx) != 0)
					mp_fail(mp, MP_ABORTED);
				return i;
			}
			continue;
		}
		/* Mismatch: the held bytes were data after all; p[i] is looked at again. */
		if (outside > 0) {
			if (deliver)
				mp_deliver(mp, delim, outside);
			if (mp->status != MP_OK)
				return i;
			outside = 0;
		}
		m = 0;
	}
	if (deliver)
		mp_deliver(mp, p, i + outside - m);
	mp->hold_len = m;
	return i;
}

/* Unescapes a quoted-string's contents in place in mp->hold (it only shrinks). */
static sv_t
mp_unescape(mp_parser_t *mp, sv_t v)
{
	char *w = mp->hold + (v.p - mp->hold);
	size_t o = 0;

	for (size_t i = 0; i < v.len; i++) {
		if (w[i] == '\\')
			i++;     /* mp_quoted_len saw to it that a character follows */
		w[o++] = w[i];
	}
	return (sv_t){ w, o };
}

static mp_status_t
mp_disposition_parse(mp_parser_t *mp, sv_t v, mp_part_t *part)
{
	sv_t rest, name, value;
	bool quoted, have_name = false;
	size_t n = mp_token_len(v);
	int r;

	if (!sv_eq_nocase((sv_t){ v.p, n }, SV("form-data")))
		return MP_BAD;
	rest = (sv_t){ v.p + n, v.len - n };
	while ((r = mp_param_next(&rest, &name, &value, &quoted)) == 1) {
		bool is_name = sv_eq_nocase(name, SV("name"));
		bool is_filename = sv_eq_nocase(name, SV("filename"));
		if (!is_name && !is_filename)
			continue;        /* filename* and others are not used */
		if (quoted)
			value = mp_unescape(mp, value);
		if (is_name) {
			if (have_name)
				return MP_BAD;
			have_name = true;
			part->name = value;
		} else {
			if (part->is_file)
				return MP_BAD;
			part->is_file = true;
			part->filename = value;
		}
	}
	if (r < 0 || !have_name)
		return MP_BAD;
	if (part->name.len > LIMIT_FIELD_NAME_BYTES || part->filename.len > LIMIT_FILENAME_BYTES)
		return MP_TOO_LONG;
	if (part->name.len == 0 || !mp_name_ok(part->name) || !text_is_clean_utf8(part->filename))
		return MP_BAD;
	return MP_OK;
}

/* Parses the header block hold[0, len): lines, each ending in CRLF. */
static mp_status_t
mp_headers_parse(mp_parser_t *mp, size_t len, mp_part_t *part)
{
	sv_t block = { mp->hold, len };
	bool seen_cd = false, seen_ct = false;
	mp_status_t st;

	while (block.len > 0) {
		sv_t line, hname, hvalue;
		ptrdiff_t lf = sv_index(block, '\n');
		if (lf < 1 || block.p[lf - 1] != '\r')
			return MP_BAD;   /* a bare LF */
		line = (sv_t){ block.p, (size_t)lf - 1 };
		block = (sv_t){ block.p + lf + 1, block.len - (size_t)lf - 1 };
		if (line.len == 0 || line.p[0] == ' ' || line.p[0] == '\t')
			return MP_BAD;   /* line folding is obsolete */
		for (size_t i = 0; i < line.len; i++) {
			unsigned char c = (unsigned char)line.p[i];
			if (mp_is_ctl(c) && c != '\t')
				return MP_BAD;   /* a bare CR, NUL or other control */
		}
		if (!sv_split(line, ':', &hname, &hvalue) || hname.len == 0 ||
		    mp_token_len(hname) != hname.len)
			return MP_BAD;
		hvalue = sv_trim_ows(hvalue);
		if (sv_eq_nocase(hname, SV("Content-Disposition"))) {
			if (seen_cd)
				return MP_BAD;
			seen_cd = true;
			if ((st = mp_disposition_parse(mp, hvalue, part)) != MP_OK)
				return st;
		} else if (sv_eq_nocase(hname, SV("Content-Type"))) {
			if (seen_ct)
				return MP_BAD;
			seen_ct = true;
			if (!text_is_clean_utf8(hvalue))
				return MP_BAD;
			part->content_type = hvalue;
		}
	}
	return seen_cd ? MP_OK : MP_BAD;
}

/* A complete header block is in hold: parse it and start the part. */
static void
mp_part_begin(mp_parser_t *mp, size_t len, uint64_t data_at)
{
	mp_part_t part = { .name = SV_NULL, .filename = SV_NULL, .is_file = false,
	    .content_type = SV_NULL, .length_if_last = 0 };
	/* the close delimiter: "\r\n--" boundary (boundary_len bytes) and "--\r\n" */
	uint64_t tail = (uint64_t)mp->boundary_len + 4;
	if (mp->body_len > data_at && mp->body_len - data_at > tail)
		part.length_if_last = mp->body_len - data_at - tail;
	mp_status_t st = mp_headers_parse(mp, len, &part);

	if (st != MP_OK) {
		mp_fail(mp, st);
		return;
	}
	if (part.is_file) {
		if (mp->files == mp->max_files) {
			mp_fail(mp, MP_TOO_MANY);
			return;
		}
		mp->files++;
	}
	if (part.filename.p == NULL)
		part.filename = (sv_t){ "", 0 };
	if (part.content_type.p == NULL)
		part.content_type = (sv_t){ "", 0 };
	if (mp->sink != NULL && mp->sink->part_begin != NULL &&
	    mp->sink->part_begin(mp->ctx, &part) != 0) {
		mp_fail(mp, MP_ABORTED);
		return;
	}
	mp->hold_len = 0;
	mp->state = MP_S_DATA;
}

/* Gathers header bytes into hold until the empty line. The block (the header lines
 * with their CRLFs, without the empty line) may be LIMIT_MP_PART_HEADER_BYTES long, so
 * hold needs that plus the final CRLF. */
static size_t
mp_headers_take(mp_parser_t *mp, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		char c = p[i++];
		mp->hold[mp->hold_len++] = c;
		if (c == '\n') {
			size_t h = mp->hold_len;
			if (h == 2 && mp->hold[0] == '\r') {
				mp_part_begin(mp, 0, mp->pos + i);
				return i;
			}
			if (h >= 4 && memcmp(mp->hold + h - 4, "\r\n\r\n", 4) == 0) {
				mp_part_begin(mp, h - 2, mp->pos + i);
				return i;
			}
		}
		if (mp->hold_len >= LIMIT_MP_PART_HEADER_BYTES + 2) {
			mp_fail(mp, MP_TOO_LONG);
			return i;
		}
	}
	return i;
}

mp_status_t
mp_feed(mp_parser_t *mp, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && mp->status == MP_OK) {
		char c;
		mp->pos = mp->fed + i;
		switch (mp->state) {
		case MP_S_PREAMBLE:
			i += mp_scan(mp, p + i, n - i, false);
			break;
		case MP_S_DATA:
			i += mp_scan(mp, p + i, n - i, true);
			break;
		case MP_S_HEADERS:
			i += mp_headers_take(mp, p + i, n - i);
			break;
		case MP_S_BOUNDARY_END:
			c = p[i++];
			if (c == '-')
				mp->state = MP_S_CLOSE_DASH;
			else if (c == ' ' || c == '\t')
				mp->state = MP_S_PADDING;
			else if (c == '\r')
				mp->state = MP_S_BOUNDARY_LF;
			else
				mp_fail(mp, MP_BAD);
			break;
		case MP_S_CLOSE_DASH:
			if (p[i++] == '-')
				mp->state = MP_S_EPILOGUE;
			else
				mp_fail(mp, MP_BAD);
			break;
		case MP_S_PADDING:
			c = p[i++];
			if (c == '\r')
				mp->state = MP_S_BOUNDARY_LF;
			else if (c != ' ' && c != '\t')
				mp_fail(mp, MP_BAD);
			break;
		case MP_S_BOUNDARY_LF:
			if (p[i++] != '\n') {
				mp_fail(mp, MP_BAD);
			} else if (mp->parts == LIMIT_MP_PARTS) {
				mp_fail(mp, MP_TOO_MANY);
			} else {
				mp->parts++;
				mp->hold_len = 0;
				mp->state = MP_S_HEADERS;
			}
			break;
		case MP_S_EPILOGUE:
			i = n;
			break;
		default:
			mp_fail(mp, MP_BAD);   /* cannot happen */
			break;
		}
	}
	mp->fed += n;
	return mp->status;
}

void
mp_set_length(mp_parser_t *mp, uint64_t body_len)
{
	mp->body_len = body_len;
}

mp_status_t
mp_finish(mp_parser_t *mp)
{
	if (mp->status == MP_OK && mp->state != MP_S_EPILOGUE)
		mp->status = MP_INCOMPLETE;
	return mp->status;
}
