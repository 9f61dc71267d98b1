/* Fuzz target for parse/dropbundle: the first byte chooses the bundle walk (0 mod 3), the
 * manifest (1 mod 3) or a reply file (2 mod 3). Whatever the walk accepts is a header and streams that end exactly at
 * the input's end, each a whole number of sealed frames; whatever the manifest accepts
 * has its files' ids distinct and its message inside the input. */
#include <stdint.h>
#include <string.h>

#include "parse/dropbundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sum {
	uint64_t next;
	uint32_t n;
};

static int
each(void *ctx, const dropbundle_stream_t *s, uint64_t off)
{
	struct sum *x = ctx;
	if (off != x->next || (s->len - DROPBUNDLE_BLOB_HEAD) % DROPBUNDLE_FRAME_CT != 0 ||
	    s->len < DROPBUNDLE_BLOB_HEAD + DROPBUNDLE_FRAME_CT)
		__builtin_trap();
	x->next = off + DROPBUNDLE_STREAM_HEAD + s->len;
	x->n++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	if (data[0] % 3 == 2) {
		dropreply_t r;
		if (dropreply_parse(p, n, &r) == 0 &&
		    (r.sealed != p + DROPREPLY_HEAD_BYTES || r.sealed_len != n - DROPREPLY_HEAD_BYTES ||
		        r.sealed_len < DROPREPLY_SEALED_MIN || r.sealed_len > DROPREPLY_SEALED_MAX))
			__builtin_trap();
		return 0;
	}
	if (data[0] % 3 == 0) {
		dropbundle_head_t h;
		struct sum x = { DROPBUNDLE_HEAD_BYTES, 0 };
		if (dropbundle_walk(p, n, &h, each, &x) == 0 && (x.next != n || x.n != h.nstreams || h.nstreams < 1 ||
		                                                     h.nstreams > DROPBUNDLE_STREAMS_MAX))
			__builtin_trap();
		return 0;
	}
	dropbundle_manifest_t m;
	if (dropbundle_manifest_parse(p, n, &m) != 0)
		return 0;
	if (m.nfiles > DROPBUNDLE_FILES_MAX || m.message < p || m.message + m.message_len != p + n)
		__builtin_trap();
	for (size_t i = 0; i < m.nfiles; i++)
		for (size_t j = 0; j < i; j++)
			if (memcmp(m.ids[i], m.ids[j], 16) == 0)
				__builtin_trap();
	return 0;
}
