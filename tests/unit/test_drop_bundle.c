/* Unit tests for the secure drop's bundle format (docs/formats.md "Drop bundles"): a
 * bundle built from the vault's own pieces opens with its key file and gives back the
 * exact message and files; any flipped byte, a cut, an extra byte, streams dropped or
 * reordered, another key: all refused by the check, before any output callback runs. */
#include <sodium.h>
#include <stdlib.h>

#include "check.h"
#include "core/le.h"
#include "parse/dropbundle.h"
#include "vault/drop.h"

struct mem {
	uint8_t *p;
	size_t len, cap;
};

static int
mem_pwrite(void *arg, const uint8_t *p, size_t n, uint64_t off)
{
	struct mem *m = arg;
	if (off + n > m->cap) {
		size_t cap = (size_t)(off + n) * 2;
		uint8_t *q = realloc(m->p, cap);
		if (!q)
			return -1;
		memset(q + m->cap, 0, cap - m->cap);
		m->p = q;
		m->cap = cap;
	}
	memcpy(m->p + off, p, n);
	if (off + n > m->len)
		m->len = (size_t)(off + n);
	return 0;
}

static int
mem_pread(void *arg, uint8_t *p, size_t n, uint64_t off)
{
	struct mem *m = arg;
	if (off > m->len || n > m->len - off)
		return -1;
	memcpy(p, m->p + off, n);
	return 0;
}

static void
mem_put(struct mem *m, const void *p, size_t n)
{
	CHECK(mem_pwrite(m, p, n, m->len) == 0);
}

/* One stream: a blob under f whose frames' AD is id. */
static void
stream_put(struct mem *bundle, drop_keys_t *k, const uint8_t id[16], const char *name, const uint8_t *p, size_t n)
{
	struct mem blob = { 0 };
	case_blob_writer_t *w = NULL;
	uint8_t wrap[CASE_FKWRAP_BYTES], len8[8];
	uint64_t len = 0;
	CHECK(drop_writer_start(k, id, name, strlen(name), "application/octet-stream", 24, mem_pwrite, mem_pread, &blob,
	          &w) == 0);
	CHECK(case_blob_writer_write(w, p, n) == 0);
	CHECK(case_blob_writer_finish(w, wrap, &len) == 0);
	CHECK(len == blob.len);
	mem_put(bundle, id, 16);
	le64_put(len8, len);
	mem_put(bundle, len8, 8);
	mem_put(bundle, blob.p, blob.len);
	free(blob.p);
}

static uint8_t file1[200000], file2[10];
static const char message[] = "Приказ № 5, list of names";
static uint8_t drop_id[16], ids[2][16], pk_req[32];

static struct mem
bundle_make(const uint8_t pk[32], int nfiles)
{
	struct mem b = { 0 }, man = { 0 };
	uint8_t sealed[DROP_SEALED_BYTES], n4[4], n2[2] = { (uint8_t)nfiles, 0 };
	drop_keys_t *k = drop_keys_new();
	CHECK(k && drop_keys_seal(k, pk, sealed) == 0);
	mem_put(&b, "SAVADROP\x01\0\0\0", 12);
	mem_put(&b, drop_id, 16);
	mem_put(&b, sealed, sizeof(sealed));
	le32_put(n4, 1u + (uint32_t)nfiles);
	mem_put(&b, n4, 4);
	mem_put(&man, DROP_LABEL, DROP_LABEL_BYTES);
	mem_put(&man, drop_id, 16);
	mem_put(&man, pk_req, 32);
	mem_put(&man, n2, 2);
	for (int i = 0; i < nfiles; i++)
		mem_put(&man, ids[i], 16);
	mem_put(&man, message, sizeof(message) - 1);
	stream_put(&b, k, drop_id, "message.txt", man.p, man.len);
	if (nfiles > 0)
		stream_put(&b, k, ids[0], "order.pdf", file1, sizeof(file1));
	if (nfiles > 1)
		stream_put(&b, k, ids[1], "list.txt", file2, sizeof(file2));
	free(man.p);
	drop_keys_free(k);
	return b;
}

/* What the second pass hands out. */
struct got {
	struct mem *bundle;
	struct mem msg, files[2];
	char names[2][64];
	int calls, cur;
};

static int
got_message(void *ctx, const uint8_t *p, size_t n)
{
	struct got *g = ctx;
	g->calls++;
	mem_put(&g->msg, p, n);
	return 0;
}

static int
got_begin(void *ctx, unsigned index, const char *name, size_t len)
{
	struct got *g = ctx;
	g->calls++;
	g->cur = (int)index - 1;
	if (g->cur < 0 || g->cur > 1 || len >= 64)
		return -1;
	memcpy(g->names[g->cur], name, len);
	return 0;
}

static int
got_data(void *ctx, const uint8_t *p, size_t n)
{
	struct got *g = ctx;
	g->calls++;
	mem_put(&g->files[g->cur], p, n);
	return 0;
}

static int
got_end(void *ctx)
{
	((struct got *)ctx)->calls++;
	return 0;
}

static int
got_pread(void *ctx, uint8_t *p, size_t n, uint64_t off)
{
	return mem_pread(((struct got *)ctx)->bundle, p, n, off);
}

/* Opens and checks (mem as the bundle); on DROP_BUNDLE_OK also writes into g. */
static drop_bundle_status_t
bundle_read(struct mem *m, const uint8_t *kf, struct got *g)
{
	g->bundle = m;
	const drop_bundle_io_t io = { got_pread, m->len, got_message, got_begin, got_data, got_end, g };
	drop_bundle_t *b = NULL;
	drop_bundle_status_t st = drop_bundle_open(kf, DROP_KEYFILE_BYTES, &io, &b);
	if (st == DROP_BUNDLE_OK)
		st = drop_bundle_check(b);
	if (st == DROP_BUNDLE_OK)
		CHECK(g->calls == 0);   /* the check hands out nothing */
	if (st == DROP_BUNDLE_OK)
		st = drop_bundle_write(b);
	drop_bundle_free(b);
	return st;
}

static void
got_free(struct got *g)
{
	free(g->msg.p);
	free(g->files[0].p);
	free(g->files[1].p);
	memset(g, 0, sizeof(*g));
}

int
main(void)
{
	uint8_t kf[DROP_KEYFILE_BYTES], other[DROP_KEYFILE_BYTES], pk[32], pk2[32];
	struct got g = { 0 };
	if (sodium_init() < 0)
		return 1;
	randombytes_buf(file1, sizeof(file1));
	randombytes_buf(file2, sizeof(file2));
	randombytes_buf(drop_id, 16);
	randombytes_buf(ids, sizeof(ids));
	randombytes_buf(pk_req, 32);
	drop_keygen(kf, pk);
	drop_keygen(other, pk2);
	CHECK(memcmp(kf, "SAVADKEY\x01\0\0\0", 12) == 0 && memcmp(kf + 44, pk, 32) == 0);

	/* round trip: the exact bytes */
	struct mem b = bundle_make(pk, 2);
	dropbundle_head_t h;
	CHECK(dropbundle_walk(b.p, b.len, &h, NULL, NULL) == 0 && h.nstreams == 3);
	CHECK(bundle_read(&b, kf, &g) == DROP_BUNDLE_OK);
	CHECK(g.msg.len == sizeof(message) - 1 && memcmp(g.msg.p, message, g.msg.len) == 0);
	CHECK(g.files[0].len == sizeof(file1) && memcmp(g.files[0].p, file1, sizeof(file1)) == 0);
	CHECK(g.files[1].len == sizeof(file2) && memcmp(g.files[1].p, file2, sizeof(file2)) == 0);
	CHECK(strcmp(g.names[0], "order.pdf") == 0 && strcmp(g.names[1], "list.txt") == 0);
	got_free(&g);

	/* another key file, or a damaged one, opens nothing */
	CHECK(bundle_read(&b, other, &g) == DROP_BUNDLE_WRONG_KEY && g.calls == 0);
	uint8_t bad[DROP_KEYFILE_BYTES];
	memcpy(bad, kf, sizeof(bad));
	bad[50] ^= 1;
	CHECK(bundle_read(&b, bad, &g) == DROP_BUNDLE_WRONG_KEY && g.calls == 0);

	/* any flipped byte: every byte of the header and stream headers, and a sample of the
	 * frames (every 251st byte, and the last) */
	size_t refused = 0, tried = 0;
	for (size_t pos = 0; pos < b.len; pos += pos < 400 ? 1 : 251) {
		for (int bit = 0; bit < 8; bit += 7) {
			b.p[pos] ^= (uint8_t)(1u << bit);
			tried++;
			refused += bundle_read(&b, kf, &g) != DROP_BUNDLE_OK && g.calls == 0;
			got_free(&g);
			b.p[pos] ^= (uint8_t)(1u << bit);
		}
	}
	b.p[b.len - 1] ^= 0x80;
	tried++;
	refused += bundle_read(&b, kf, &g) != DROP_BUNDLE_OK && g.calls == 0;
	got_free(&g);
	b.p[b.len - 1] ^= 0x80;
	CHECK(tried > 2000 && refused == tried);

	/* cut anywhere (a sample), or one byte too many */
	size_t full = b.len;
	refused = tried = 0;
	for (size_t cut = 0; cut < full; cut += cut < 300 ? 1 : 4099) {
		b.len = cut;
		tried++;
		refused += bundle_read(&b, kf, &g) != DROP_BUNDLE_OK && g.calls == 0;
		got_free(&g);
	}
	b.len = full - 1;
	tried++;
	refused += bundle_read(&b, kf, &g) != DROP_BUNDLE_OK && g.calls == 0;
	got_free(&g);
	CHECK(tried > 300 && refused == tried);
	b.len = full;
	uint8_t zero = 0;
	mem_put(&b, &zero, 1);
	CHECK(bundle_read(&b, kf, &g) == DROP_BUNDLE_DAMAGED && g.calls == 0);
	b.len = full;
	CHECK(bundle_read(&b, kf, &g) == DROP_BUNDLE_OK);
	got_free(&g);

	/* the last file dropped (its count changed to match): the manifest still names it */
	size_t second = 0;
	{
		dropbundle_stream_t s0, s1;
		CHECK(dropbundle_stream_parse(b.p + 144, b.len - 144, b.len - 144, &s0) == 0);
		size_t off1 = 144 + 24 + (size_t)s0.len;
		CHECK(dropbundle_stream_parse(b.p + off1, b.len - off1, b.len - off1, &s1) == 0);
		second = off1 + 24 + (size_t)s1.len;
	}
	struct mem cut = { 0 };
	mem_put(&cut, b.p, second);
	le32_put(cut.p + 140, 2);
	CHECK(bundle_read(&cut, kf, &g) == DROP_BUNDLE_DAMAGED && g.calls == 0);
	free(cut.p);

	/* a bundle with no file at all still opens (a message only) */
	struct mem only = bundle_make(pk, 0);
	CHECK(bundle_read(&only, kf, &g) == DROP_BUNDLE_OK && g.msg.len == sizeof(message) - 1);
	got_free(&g);
	/* and another drop's stream 0 spliced in front of this one's header is refused */
	memcpy(only.p + 12, ids[0], 16);
	CHECK(bundle_read(&only, kf, &g) != DROP_BUNDLE_OK && g.calls == 0);
	free(only.p);
	free(b.p);
	return check_done("drop_bundle");
}
