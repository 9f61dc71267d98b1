/* dropbundle: the header, the stream headers and the manifest of a secure-drop bundle,
 * checked against the limits of dropbundle.h before anything is trusted. Pure. */
#include "parse/dropbundle.h"

#include <string.h>

#include "core/le.h"

int
dropbundle_head_parse(const uint8_t *p, size_t n, dropbundle_head_t *out)
{
	memset(out, 0, sizeof(*out));
	if (n < DROPBUNDLE_HEAD_BYTES || memcmp(p, DROPBUNDLE_MAGIC, 8) != 0 || p[8] != DROPBUNDLE_VERSION || p[9] ||
	    p[10] || p[11])
		return -1;
	memcpy(out->drop_id, p + 12, 16);
	memcpy(out->sealed, p + 28, DROPBUNDLE_SEALED_BYTES);
	out->nstreams = le32_get(p + 28 + DROPBUNDLE_SEALED_BYTES);
	if (out->nstreams < 1 || out->nstreams > DROPBUNDLE_STREAMS_MAX)
		return -1;
	return 0;
}

int
dropbundle_stream_parse(const uint8_t *p, size_t n, uint64_t left, dropbundle_stream_t *out)
{
	memset(out, 0, sizeof(*out));
	if (n < DROPBUNDLE_STREAM_HEAD || left < DROPBUNDLE_STREAM_HEAD)
		return -1;
	memcpy(out->id, p, 16);
	out->len = le64_get(p + 16);
	if (out->len < (uint64_t)DROPBUNDLE_BLOB_HEAD + DROPBUNDLE_FRAME_CT || out->len > DROPBUNDLE_STREAM_MAX ||
	    out->len > left - DROPBUNDLE_STREAM_HEAD || (out->len - DROPBUNDLE_BLOB_HEAD) % DROPBUNDLE_FRAME_CT != 0)
		return -1;
	return 0;
}

int
dropbundle_walk(const uint8_t *p, size_t n, dropbundle_head_t *head,
    int (*fn)(void *ctx, const dropbundle_stream_t *s, uint64_t off), void *ctx)
{
	if (dropbundle_head_parse(p, n, head) != 0)
		return -1;
	uint64_t off = DROPBUNDLE_HEAD_BYTES;
	for (uint32_t i = 0; i < head->nstreams; i++) {
		dropbundle_stream_t s;
		if (off > n || dropbundle_stream_parse(p + off, n - off, n - off, &s) != 0)
			return -1;
		if (fn && fn(ctx, &s, off) != 0)
			return -1;
		off += DROPBUNDLE_STREAM_HEAD + s.len;
	}
	return off == n ? 0 : -1;
}

int
dropreply_parse(const uint8_t *p, size_t n, dropreply_t *out)
{
	memset(out, 0, sizeof(*out));
	if (n < DROPREPLY_HEAD_BYTES || memcmp(p, DROPREPLY_MAGIC, 8) != 0 || p[8] != DROPREPLY_VERSION || p[9] || p[10] || p[11])
		return -1;
	memcpy(out->drop_id, p + 12, 16);
	size_t len = le32_get(p + 28);
	if (len < DROPREPLY_SEALED_MIN || len > DROPREPLY_SEALED_MAX || len != n - DROPREPLY_HEAD_BYTES)
		return -1;
	out->sealed = p + DROPREPLY_HEAD_BYTES;
	out->sealed_len = len;
	return 0;
}

int
dropbundle_manifest_parse(const uint8_t *p, size_t n, dropbundle_manifest_t *out)
{
	const size_t fixed = DROPBUNDLE_LABEL_BYTES + 16 + 32 + 2;
	memset(out, 0, sizeof(*out));
	if (n < fixed || n > DROPBUNDLE_MANIFEST_MAX || memcmp(p, DROPBUNDLE_LABEL, DROPBUNDLE_LABEL_BYTES) != 0)
		return -1;
	memcpy(out->drop_id, p + DROPBUNDLE_LABEL_BYTES, 16);
	memcpy(out->pk_req, p + DROPBUNDLE_LABEL_BYTES + 16, 32);
	size_t nfiles = (size_t)p[fixed - 2] | (size_t)p[fixed - 1] << 8;
	if (nfiles > DROPBUNDLE_FILES_MAX || n - fixed < nfiles * 16)
		return -1;
	out->nfiles = (uint16_t)nfiles;
	for (size_t i = 0; i < nfiles; i++) {
		memcpy(out->ids[i], p + fixed + 16 * i, 16);
		if (memcmp(out->ids[i], out->drop_id, 16) == 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (memcmp(out->ids[i], out->ids[j], 16) == 0)
				return -1;
	}
	out->message = p + fixed + 16 * nfiles;
	out->message_len = n - fixed - 16 * nfiles;
	return 0;
}
