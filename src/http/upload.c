/* upload: multipart/form-data bodies for the server. The streaming parser (fuzzed, in
 * parse/multipart.c) hands each part over as it arrives: text fields go straight into
 * rq->form, bounded and checked as a urlencoded form's (parse/urlenc.c), decoded once;
 * file parts go to the route's upload hooks, which encrypt them as they come. Nothing of
 * a file is held whole in memory. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "http/server.h"

int
http_form_status(urlenc_status_t st)
{
	switch (st) {
	case URLENC_OK:
		return 0;
	case URLENC_TOO_LONG:
	case URLENC_TOO_MANY:
		return 413;
	case URLENC_NOMEM:
		return 503;
	default:
		return 400;
	}
}


static int
mp_part_begin(void *ctx, const mp_part_t *part)
{
	request_t *rq = ctx;
	rq->mp_text = !part->is_file;
	if (rq->mp_text) {
		rq->error = http_form_status(form_field_begin(&rq->form, part->name));
		return rq->error != 0;
	}
	/* the first file: nothing is written before the form is known to be this browser's */
	if (!rq->upload) {
		int st = rq->mp_csrf_ok ? rq->route->upload->begin(rq, &rq->upload) : 403;
		if (st != 0 || !rq->upload) {
			rq->error = st ? st : 503;
			return 1;
		}
	}
	int st = rq->route->upload->file_begin(rq->upload, part);
	if (st != 0) {
		rq->error = st;
		return 1;
	}
	return 0;
}

static int
mp_part_data(void *ctx, const char *p, size_t n)
{
	request_t *rq = ctx;
	if (rq->mp_text) {
		rq->error = http_form_status(form_field_data(&rq->form, p, n));
		return rq->error != 0;
	}
	int st = rq->route->upload->file_data(rq->upload, p, n);
	if (st != 0) {
		rq->error = st;
		return 1;
	}
	return 0;
}

static int
mp_part_end(void *ctx)
{
	request_t *rq = ctx;
	if (rq->mp_text) {
		if ((rq->error = http_form_status(form_field_end(&rq->form))) != 0)
			return 1;
		/* the field just ended; a csrf field must come, and match, before any file */
		const form_field_t *last = &rq->form.fields[rq->form.count - 1];
		if (sv_eq(last->name, SV("csrf")))
			rq->mp_csrf_ok = http_csrf_value_ok(rq, last->value);
		return 0;
	}
	int st = rq->route->upload->file_end(rq->upload);
	if (st != 0) {
		rq->error = st;
		return 1;
	}
	return 0;
}

static const mp_sink_t mp_sink = { mp_part_begin, mp_part_data, mp_part_end };

int
http_mp_begin(request_t *rq, sv_t content_type, const char *content_length)
{
	sv_t boundary;
	uint64_t n;
	if (mp_boundary_from_content_type(content_type, &boundary) != 0)
		return 415;
	rq->body_max = rq->route->upload->limit(rq);
	if (content_length && num_parse_u64(sv_from_cstr(content_length), 0, UINT64_MAX, &n) == 0 && n > rq->body_max)
		return 413;
	rq->mp = calloc(1, sizeof(*rq->mp));
	if (!rq->mp)
		return 503;
	mp_init(rq->mp, boundary, LIMIT_MP_FILES_MAX, &mp_sink, rq);
	if (content_length && num_parse_u64(sv_from_cstr(content_length), 0, UINT64_MAX, &n) == 0)
		mp_set_length(rq->mp, n);   /* the last file's length, guessed (mp_part_t) */
	/* the text fields together hold at most a urlencoded form's worth of bytes */
	return http_form_status(form_stream_open(&rq->form, LIMIT_FORM_BODY_BYTES));
}

int
http_mp_feed(request_t *rq, const char *p, size_t n)
{
	rq->body_bytes += n;
	if (rq->body_bytes > rq->body_max)
		return 413;
	switch (mp_feed(rq->mp, p, n)) {
	case MP_OK:
		return 0;
	case MP_TOO_MANY:
	case MP_TOO_LONG:
		return 413;
	case MP_ABORTED:
		return rq->error ? rq->error : 500;
	default:
		return 400;
	}
}

int
http_mp_finish(request_t *rq)
{
	mp_status_t st = mp_finish(rq->mp);
	free(rq->mp);
	rq->mp = NULL;
	return st == MP_OK ? 0 : 400;
}

void
http_mp_end(request_t *rq)
{
	free(rq->mp);
	rq->mp = NULL;
	if (rq->upload && rq->route && rq->route->upload)
		rq->route->upload->free(rq->upload);
	rq->upload = NULL;
}
