/* secmem: guarded memory for secrets (libsodium's sodium_malloc: guard pages, mlock,
 * excluded from core dumps), kept for reuse by each thread. sodium_malloc and sodium_free
 * each change page mappings, and on a busy server every such change interrupts every
 * core to flush its TLB: a few per request cost a third of the CPU (bench/README.md).
 * A block comes back zero-filled and is wiped when it is returned. */
#ifndef SAVA_SECMEM_H
#define SAVA_SECMEM_H

#include <stddef.h>

/* n zero-filled bytes of guarded memory, or NULL. */
void *secmem_alloc(size_t n);
/* Wipes the n bytes given to secmem_alloc and keeps the block for this thread's next
 * secmem_alloc (or releases it). p may be NULL. A block must be freed by the thread that
 * allocated it, and once: freeing it twice aborts. Blocks are rounded up to a size class,
 * so an overrun within the class does not reach sodium_malloc's guard page. */
void secmem_free(void *p);

#endif
