/* Fuzz target for vault/case's streaming blob reader: arbitrary bytes as a blob under a fixed
 * file key and attachment id, fed whole and again in pieces whose sizes come from the input.
 * Both feedings must agree; an accepted blob must have exactly 25 + frames(real_len) * 65553
 * bytes and have passed on exactly real_len bytes after one meta call. Traps otherwise. */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "vault/case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The corpus in fuzz/corpus/blob was sealed under these. */
static const uint8_t fz_fk[32] = { 0x66, 0x6b, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 0x2d, 1, 2, 3, 4, 5, 6, 7, 8,
	9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 };
static const uint8_t fz_aid[16] = { 0x61, 0x69, 0x64, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 9, 8, 7, 6, 5, 4, 3, 2 };

typedef struct {
	int metas;
	uint64_t real_len, got;
} fz_seen_t;

static int
fz_meta(void *arg, uint64_t real_len, const char *name, size_t nl, const char *mime, size_t ml)
{
	fz_seen_t *s = arg;
	if (s->metas++ || s->got || nl > CASE_NAME_MAX || ml > CASE_MIME_MAX || (nl && !name) || (ml && !mime))
		__builtin_trap();
	s->real_len = real_len;
	return 0;
}

static int
fz_data(void *arg, const uint8_t *p, size_t n)
{
	fz_seen_t *s = arg;
	if (!s->metas || n == 0 || n > CASE_FRAME || !p)
		__builtin_trap();
	s->got += n;
	if (s->got > s->real_len)
		__builtin_trap();
	return 0;
}

/* Feeds the blob in pieces; step 0 means whole. Returns 0 when accepted. */
static int
fz_read(const uint8_t *data, size_t size, const uint8_t *steps, size_t nsteps, fz_seen_t *seen)
{
	case_blob_sink_t sink = { fz_meta, fz_data, seen };
	case_blob_reader_t *r = NULL;
	if (case_blob_reader_new_raw(fz_fk, fz_aid, &sink, &r) != 0)
		return -1;
	int rc = 0;
	size_t off = 0, k = 0;
	while (off < size && rc == 0) {
		size_t step = nsteps ? (size_t)steps[k++ % nsteps] * 521 + 1 : size;
		size_t take = size - off < step ? size - off : step;
		rc = case_blob_reader_feed(r, data + off, take);
		off += take;
	}
	if (rc == 0)
		rc = case_blob_reader_end(r);
	case_blob_reader_free(r);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_seen_t whole = { 0 }, pieces = { 0 };
	if (sodium_init() < 0)
		__builtin_trap();
	int a = fz_read(data, size, NULL, 0, &whole);
	int b = fz_read(data, size, data, size < 16 ? size : 16, &pieces);
	if (a != b)
		__builtin_trap();
	if (a == 0) {
		uint64_t frames = case_blob_frames(whole.real_len);
		if (whole.metas != 1 || whole.got != whole.real_len || frames == 0 ||
		    size != CASE_BLOB_HEAD + frames * CASE_FRAME_CT || pieces.got != whole.got)
			__builtin_trap();
	}
	return 0;
}
