/* secmem: a small per-thread cache of sodium_malloc blocks in power-of-two size classes.
 * Blocks are never shared between threads, so no lock is needed; a thread keeps at most
 * SECMEM_CACHE blocks, each of at most SECMEM_CLASS_MAX bytes (larger ones are released
 * at once). The cache of a thread that ends is not released: the threads that use it
 * (the page and worker pools) live as long as the process. */
#include "vault/secmem.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define SECMEM_CACHE     8
#define SECMEM_CLASS_MIN 256
#define SECMEM_CLASS_MAX (1024 * 1024)

static __thread struct {
	void *p;
	size_t cap;    /* the size class */
	size_t used;   /* bytes handed out while in use; 0 when free */
	bool busy;
} secmem_cache[SECMEM_CACHE];

static size_t
secmem_class(size_t n)
{
	size_t c = SECMEM_CLASS_MIN;
	while (c < n)
		c <<= 1;
	return c;
}

void *
secmem_alloc(size_t n)
{
	if (n == 0)
		n = 1;
	if (n > SECMEM_CLASS_MAX) {
		void *p = sodium_malloc(n);
		if (p)
			memset(p, 0, n);
		return p;
	}
	size_t cap = secmem_class(n);
	int spare = -1;
	for (int i = 0; i < SECMEM_CACHE; i++) {
		if (secmem_cache[i].p && !secmem_cache[i].busy && secmem_cache[i].cap == cap) {
			secmem_cache[i].busy = true;
			secmem_cache[i].used = n;
			return secmem_cache[i].p;   /* wiped when it was returned */
		}
		if (!secmem_cache[i].p && spare < 0)
			spare = i;
	}
	void *p = sodium_malloc(cap);
	if (!p)
		return NULL;
	memset(p, 0, cap);
	if (spare >= 0) {
		secmem_cache[spare].p = p;
		secmem_cache[spare].cap = cap;
		secmem_cache[spare].used = n;
		secmem_cache[spare].busy = true;
	}
	return p;
}

void
secmem_free(void *p)
{
	if (!p)
		return;
	for (int i = 0; i < SECMEM_CACHE; i++) {
		if (secmem_cache[i].p != p)
			continue;
		if (!secmem_cache[i].busy)
			abort();   /* freed twice: stop here, not where the block is next used */
		sodium_memzero(p, secmem_cache[i].used);
		secmem_cache[i].busy = false;
		secmem_cache[i].used = 0;
		return;
	}
	sodium_free(p);   /* not cached: zeroes before unmapping */
}
