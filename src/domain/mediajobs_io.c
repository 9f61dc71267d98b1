/* mediajobs_io: a media job's bytes (mediajobs_private.h): a sealed file decrypted into
 * guarded memory as the worker reads it, and the outputs sealed as they stream back, under
 * a one-time spool key first and under the case's file keys once the worker has checked
 * them. Nothing in the clear ever reaches the instance's disk. */
#include "domain/mediajobs_private.h"

#include <sodium.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"

static int
in_meta(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime, size_t mime_len)
{
	(void)arg, (void)real_len, (void)name, (void)name_len, (void)mime, (void)mime_len;
	return 0;
}

static int
in_data(void *arg, const uint8_t *p, size_t n)
{
	struct input *in = arg;
	if (in->have + n > in->cap) {
		size_t cap = in->have + n;
		uint8_t *np = sodium_malloc(cap);
		if (!np)
			return 1;
		if (in->have)
			memcpy(np, in->pending, in->have);
		if (in->pending)
			sodium_free(in->pending);   /* wiped */
		in->pending = np;
		in->cap = cap;
	}
	memcpy(in->pending + in->have, p, n);
	in->have += n;
	return 0;
}

int
mediajobs_in_read(struct input *in, uint8_t *buf, size_t cap, size_t *got)
{
	uint8_t ct[65536];
	*got = 0;
	while (in->off == in->have && !in->ended) {
		in->off = in->have = 0;
		size_t n = 0;
		if (store_blob_read(in->blob, ct, sizeof(ct), &n) != STORE_OK)
			return -1;
		if (n == 0) {
			in->ended = true;
			if (case_blob_reader_end(in->r) != 0)
				return -1;   /* cut short, or tampered with: nothing of it is used */
			break;
		}
		if (case_blob_reader_feed(in->r, ct, n) != 0)
			return -1;
	}
	size_t take = in->have - in->off < cap ? in->have - in->off : cap;
	if (take)
		memcpy(buf, in->pending + in->off, take);
	in->off += take;
	*got = take;
	return 0;
}

static int
out_pwrite(void *arg, const uint8_t *p, size_t n, uint64_t off)
{
	struct output *o = arg;
	return store_blob_pwrite(o->blob, p, n, off) == STORE_OK ? 0 : -1;
}

static int
out_pread(void *arg, uint8_t *p, size_t n, uint64_t off)
{
	struct output *o = arg;
	return store_blob_pread(o->blob, p, n, off) == STORE_OK ? 0 : -1;
}

int
mediajobs_out_write(const app_t *app, struct output *o, const char *name, const char *mime, const uint8_t *p, size_t n)
{
	if (!o->w) {
		randombytes_buf(o->aid, 16);
		if (store_blob_create(app->store, o->aid, &o->blob) != STORE_OK)
			return -1;
		o->made = true;
		if (case_blob_writer_start(o->aid, name, strlen(name), mime, strlen(mime), out_pwrite, out_pread, o, &o->w) != 0)
			return -1;
	}
	return case_blob_writer_write(o->w, p, n) == 0 ? 0 : -1;
}

void
mediajobs_outs_drop(const app_t *app, struct output *outs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct output *o = &outs[i];
		case_blob_writer_free(o->w);
		o->w = NULL;
		store_blob_close(o->blob);
		o->blob = NULL;
		if (o->made && store_blob_unlink(app->store, o->aid) != STORE_OK)
			log_warnx("a media job's sealed output could not be deleted");
		o->made = false;
	}
}

int
mediajobs_outs_finish(const app_t *app, struct output *outs, size_t n, const case_file_keys_t *keys,
    store_attachment_t *att, const uint8_t case_id[16])
{
	int64_t hour = clock_hour();
	for (size_t i = 0; i < n; i++) {
		struct output *o = &outs[i];
		memset(&att[i], 0, sizeof(att[i]));
		if (!o->w || case_blob_writer_bind_file_keys(keys, o->w) != VAULT_OK ||
		    case_blob_writer_finish(o->w, att[i].fk_wrap, &att[i].blob_len) != 0) {
			o->w = NULL;   /* finish frees it, whatever it answers */
			return -1;
		}
		o->w = NULL;
		if (store_blob_sync(o->blob) != STORE_OK)
			return -1;
		memcpy(att[i].id, o->aid, 16);
		memcpy(att[i].case_id, case_id, 16);
		att[i].created_hour = hour;
	}
	return store_blobs_sync(app->store) == STORE_OK ? 0 : -1;
}

int
mediajobs_in_open(const app_t *app, const case_file_keys_t *keys, const uint8_t att[16], struct input *in)
{
	case_blob_sink_t sink = { in_meta, in_data, in };
	memset(in, 0, sizeof(*in));
	return store_blob_open(app->store, att, false, &in->blob) == STORE_OK &&
	        case_file_keys_reader(keys, &sink, &in->r) == VAULT_OK ? 0 : -1;
}

void
mediajobs_in_close(struct input *in)
{
	case_blob_reader_free(in->r);
	store_blob_close(in->blob);
	if (in->pending)
		sodium_free(in->pending);
	memset(in, 0, sizeof(*in));
}

/* The outputs are kept: the store holds their rows now. */
void
mediajobs_outs_keep(struct output *outs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		store_blob_close(outs[i].blob);
		outs[i].blob = NULL;
		outs[i].made = false;
	}
}
