/* Unit tests for vault/secmem: blocks come back zero-filled and writable at every size
 * (class edges, the largest class and past it), a returned block is wiped and reused for
 * its class, blocks in use are distinct, and a thread with more than 8 blocks still works
 * (the ninth is released with sodium_free, checked by reading it in a child process). */
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "vault/secmem.h"

#define MIB (1024 * 1024)

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

enum { PROBE_UNMAPPED = -1, PROBE_DIRTY = 0, PROBE_ZERO = 1 };

/* Whether n bytes at p (a block already returned) are still mapped and all zero, read
 * in a child process so that a released block (unmapped by sodium_free) only kills the
 * child. Its stderr goes to /dev/null (a sanitizer reports the fault there). */
static int
probe(const uint8_t *p, size_t n)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 2);
		_exit(all_zero(p, n) ? 10 : 11);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return PROBE_UNMAPPED;
	return WEXITSTATUS(status) == 10 ? PROBE_ZERO : WEXITSTATUS(status) == 11 ? PROBE_DIRTY : PROBE_UNMAPPED;
}

/* Every size: zero-filled, and all n bytes writable (a block too small would hit the
 * guard page here). Freed again at once. */
static void
test_sizes(void)
{
	static const size_t sizes[] = { 1, 255, 256, 257, 4096, MIB, MIB + 1 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *p = secmem_alloc(sizes[i]);
		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK(all_zero(p, sizes[i]));
		memset(p, 0xA5, sizes[i]);
		CHECK(p[0] == 0xA5 && p[sizes[i] - 1] == 0xA5);
		secmem_free(p);
	}
	uint8_t *z = secmem_alloc(0);   /* a zero-byte request still gives a block */
	CHECK(z != NULL);
	secmem_free(z);
}

/* A block returned and asked for again in its class is the same block, wiped. */
static void
test_reuse(void)
{
	uint8_t *p = secmem_alloc(300);   /* the 512-byte class */
	CHECK(p != NULL);
	if (!p)
		return;
	memset(p, 0x5A, 300);
	secmem_free(p);
	CHECK(probe(p, 300) == PROBE_ZERO);   /* kept, and wiped when returned, not when next asked for */
	uint8_t *q = secmem_alloc(300);
	CHECK(q == p);
	CHECK(q && all_zero(q, 300));
	if (!q)
		return;
	memset(q, 0x3C, 300);
	secmem_free(q);
	uint8_t *r = secmem_alloc(512);   /* the whole class, not only the bytes last used */
	CHECK(r == p);
	CHECK(r && all_zero(r, 512));
	if (r)
		memset(r, 0x77, 512);
	secmem_free(r);
	uint8_t *s = secmem_alloc(257);   /* a smaller request, same class: wiped in full before */
	CHECK(s == p && all_zero(s, 257));
	secmem_free(s);

	/* a larger request is not served by the smaller class's block */
	uint8_t *big = secmem_alloc(1000);
	CHECK(big != NULL && big != p);
	if (big) {
		memset(big, 0x11, 1000);
		secmem_free(big);
	}

	/* the largest class is cached too */
	uint8_t *m = secmem_alloc(MIB);
	CHECK(m != NULL);
	if (m) {
		memset(m, 0xC3, MIB);
		secmem_free(m);
	}
	uint8_t *m2 = secmem_alloc(MIB);
	CHECK(m2 == m && m2 && all_zero(m2, MIB));
	secmem_free(m2);

	/* past it, a block is not cached, and a new one is zero-filled again */
	uint8_t *h = secmem_alloc(MIB + 1);
	CHECK(h != NULL);
	if (h) {
		memset(h, 0xE7, MIB + 1);
		secmem_free(h);
		CHECK(probe(h, 1) == PROBE_UNMAPPED);
	}
	uint8_t *h2 = secmem_alloc(MIB + 1);
	CHECK(h2 != NULL && all_zero(h2, MIB + 1));
	secmem_free(h2);
}

/* Two blocks of one class in use at once are different blocks. */
static void
test_distinct(void)
{
	uint8_t *a = secmem_alloc(100), *b = secmem_alloc(100);
	CHECK(a != NULL && b != NULL && a != b);
	if (!a || !b)
		return;
	memset(a, 0xFF, 100);
	CHECK(all_zero(b, 100));
	memset(b, 0x01, 100);
	CHECK(a[0] == 0xFF && a[99] == 0xFF);
	secmem_free(a);
	secmem_free(b);
}

#define MANY 9   /* one more than the cache holds */

/* On a fresh thread (so its cache starts empty): nine blocks in use at once; the ninth is
 * not cached and is released with sodium_free. The eight cached ones come back, wiped. */
static void *
many_blocks(void *arg)
{
	(void)arg;
	uint8_t *p[MANY], *again[MANY];
	for (int i = 0; i < MANY; i++) {
		p[i] = secmem_alloc(100);
		CHECK(p[i] != NULL && all_zero(p[i], 100));
		if (!p[i])
			return NULL;
		memset(p[i], 0x40 + i, 100);
	}
	for (int i = 0; i < MANY; i++)
		for (int j = 0; j < i; j++)
			CHECK(p[i] != p[j]);
	for (int i = 0; i < MANY; i++)
		CHECK(p[i][0] == 0x40 + i && p[i][99] == 0x40 + i);   /* no block overlaps another */
	for (int i = 0; i < MANY; i++)
		secmem_free(p[i]);
	CHECK(probe(p[0], 100) == PROBE_ZERO && probe(p[MANY - 2], 100) == PROBE_ZERO);   /* kept, wiped */
	CHECK(probe(p[MANY - 1], 100) == PROBE_UNMAPPED);   /* the ninth was released */

	for (int i = 0; i < MANY; i++) {
		again[i] = secmem_alloc(100);
		CHECK(again[i] != NULL && all_zero(again[i], 100));
		if (!again[i])
			return NULL;
	}
	/* the first eight are the eight cached blocks, in some order */
	for (int i = 0; i < MANY - 1; i++) {
		bool found = false;
		for (int j = 0; j < MANY - 1; j++)
			found = found || again[i] == p[j];
		CHECK(found);
	}
	for (int i = 0; i < MANY; i++)
		secmem_free(again[i]);

	/* the cache is full of free 256-byte blocks: another class is served uncached */
	uint8_t *other = secmem_alloc(3000);
	CHECK(other != NULL && all_zero(other, 3000));
	if (other) {
		memset(other, 0x99, 3000);
		for (int i = 0; i < MANY - 1; i++)
			CHECK(other != p[i]);
		secmem_free(other);
	}
	uint8_t *other2 = secmem_alloc(3000);
	CHECK(other2 != NULL && all_zero(other2, 3000));
	secmem_free(other2);
	return NULL;
}

int
main(void)
{
	CHECK(sodium_init() >= 0);
	test_sizes();
	test_reuse();
	test_distinct();
	pthread_t t;
	CHECK(pthread_create(&t, NULL, many_blocks, NULL) == 0 && pthread_join(t, NULL) == 0);
	secmem_free(NULL);   /* harmless: nothing is released, and the cache goes on working */
	uint8_t *after = secmem_alloc(10);
	CHECK(after != NULL && all_zero(after, 10));
	secmem_free(after);
	/* blocks freed on another thread than the one that made them: not supported, not tested */
	return check_done("secmem");
}
