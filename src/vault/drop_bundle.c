/* drop_bundle: a secure-drop bundle opened on the offline machine (docs/formats.md "Drop
 * bundles"): the header and the sealed box, then pass one (every frame of every stream,
 * and the manifest against the streams, with no output), then pass two (the same again,
 * handing out the message and files). Trusted with f and the decrypted frames; the
 * bundle's layout is read through parse/dropbundle.h. */
#include <stdlib.h>
#include <string.h>

#include "parse/dropbundle.h"
#include "vault/case_private.h"
#include "vault/drop.h"

_Static_assert(DROPBUNDLE_SEALED_BYTES == DROP_SEALED_BYTES, "the parser and the vault agree on the sealed box");
_Static_assert(DROPBUNDLE_BLOB_HEAD == CASE_BLOB_HEAD && DROPBUNDLE_FRAME_CT == CASE_FRAME_CT,
    "the parser and the vault agree on a stream's frames");

struct drop_bundle {
	drop_bundle_io_t io;
	dropbundle_head_t head;
	drop_keys_t *k;
	dropbundle_manifest_t m;
	bool checked;
	uint8_t buf[1 << 16];
	size_t kept;                        /* of the manifest, in manifest */
	bool keeping, writing, too_long;
	unsigned index;                     /* the file being handed out */
	uint8_t manifest[DROPBUNDLE_MANIFEST_MAX];   /* the message: wiped on free */
};

drop_bundle_status_t
drop_bundle_open(const uint8_t *keyfile, size_t kflen, const drop_bundle_io_t *io, drop_bundle_t **out)
{
	uint8_t head[DROPBUNDLE_HEAD_BYTES];
	*out = NULL;
	/* a megabyte: heap memory, wiped by drop_bundle_free (f is in locked memory) */
	drop_bundle_t *b = calloc(1, sizeof(*b));
	if (!b)
		return DROP_BUNDLE_ERROR;
	b->io = *io;
	drop_bundle_status_t st = DROP_BUNDLE_OK;
	if (io->size < DROPBUNDLE_HEAD_BYTES || io->pread(io->ctx, head, sizeof(head), 0) != 0 ||
	    dropbundle_head_parse(head, sizeof(head), &b->head) != 0)
		st = DROP_BUNDLE_NOT_BUNDLE;
	else if (drop_keys_open(keyfile, kflen, b->head.sealed, &b->k) != 0)
		st = DROP_BUNDLE_WRONG_KEY;
	if (st != DROP_BUNDLE_OK)
		drop_bundle_free(b);
	else
		*out = b;
	return st;
}

static int
sink_meta(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime, size_t mime_len)
{
	drop_bundle_t *b = arg;
	(void)real_len;
	(void)mime;
	(void)mime_len;
	return b->writing && b->io.file_begin ? b->io.file_begin(b->io.ctx, b->index, name, name_len) : 0;
}

static int
sink_data(void *arg, const uint8_t *p, size_t n)
{
	drop_bundle_t *b = arg;
	if (b->keeping) {
		if (n > sizeof(b->manifest) - b->kept) {
			b->too_long = true;
			return -1;
		}
		memcpy(b->manifest + b->kept, p, n);
		b->kept += n;
		return 0;
	}
	return b->writing && b->io.file_data ? b->io.file_data(b->io.ctx, p, n) : 0;
}

/* The stream at *off: its header checked, its blob fed to a reader under f, whole. */
static int
stream_read(drop_bundle_t *b, uint64_t *off, dropbundle_stream_t *st)
{
	uint8_t head[DROPBUNDLE_STREAM_HEAD];
	case_blob_reader_t *r = NULL;
	uint64_t size = b->io.size;
	if (*off > size || size - *off < sizeof(head) || b->io.pread(b->io.ctx, head, sizeof(head), *off) != 0 ||
	    dropbundle_stream_parse(head, sizeof(head), size - *off, st) != 0)
		return -1;
	const case_blob_sink_t sink = { sink_meta, sink_data, b };
	if (drop_reader_new(b->k, st->id, &sink, &r) != 0)
		return -1;
	uint64_t pos = *off + DROPBUNDLE_STREAM_HEAD, end = pos + st->len;
	int rc = 0;
	while (rc == 0 && pos < end) {
		size_t take = end - pos < sizeof(b->buf) ? (size_t)(end - pos) : sizeof(b->buf);
		rc = b->io.pread(b->io.ctx, b->buf, take, pos) == 0 && case_blob_reader_feed(r, b->buf, take) == 0 ? 0 : -1;
		pos += take;
	}
	if (rc == 0 && case_blob_reader_end(r) != 0)
		rc = -1;
	case_blob_reader_free(r);
	*off = end;
	return rc;
}

/* One pass over every stream; writing: through the output callbacks. */
static drop_bundle_status_t
bundle_pass(drop_bundle_t *b, bool writing)
{
	uint64_t off = DROPBUNDLE_HEAD_BYTES;
	dropbundle_stream_t st;
	const dropbundle_head_t *h = &b->head;
	for (uint32_t i = 0; i < h->nstreams; i++) {
		b->keeping = i == 0;
		b->writing = writing && i > 0;
		b->index = i;
		b->kept = 0;
		if (stream_read(b, &off, &st) != 0)
			return DROP_BUNDLE_DAMAGED;
		if (i == 0) {
			/* the manifest names this drop and exactly the streams that follow */
			if (sodium_memcmp(st.id, h->drop_id, 16) != 0 || dropbundle_manifest_parse(b->manifest, b->kept, &b->m) != 0 ||
			    sodium_memcmp(b->m.drop_id, h->drop_id, 16) != 0 || b->m.nfiles + 1u != h->nstreams)
				return DROP_BUNDLE_DAMAGED;
			if (writing && b->io.message && b->io.message(b->io.ctx, b->m.message, b->m.message_len) != 0)
				return DROP_BUNDLE_ERROR;
		} else {
			if (sodium_memcmp(st.id, b->m.ids[i - 1], 16) != 0)
				return DROP_BUNDLE_DAMAGED;
			if (writing && b->io.file_end && b->io.file_end(b->io.ctx) != 0)
				return DROP_BUNDLE_ERROR;
		}
	}
	b->keeping = b->writing = false;
	return off == b->io.size ? DROP_BUNDLE_OK : DROP_BUNDLE_DAMAGED;
}

drop_bundle_status_t
drop_bundle_check(drop_bundle_t *b)
{
	drop_bundle_status_t st = bundle_pass(b, false);
	b->checked = st == DROP_BUNDLE_OK;
	return st;
}

drop_bundle_status_t
drop_bundle_write(drop_bundle_t *b)
{
	return b->checked ? bundle_pass(b, true) : DROP_BUNDLE_ERROR;
}

void
drop_bundle_ids(const drop_bundle_t *b, uint8_t drop_id[16], uint8_t pk_req[32])
{
	memcpy(drop_id, b->head.drop_id, 16);
	memcpy(pk_req, b->m.pk_req, 32);
}

void
drop_bundle_free(drop_bundle_t *b)
{
	if (!b)
		return;
	drop_keys_free(b->k);
	sodium_memzero(b, sizeof(*b));
	free(b);
}
