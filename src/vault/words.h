/* words: sava's own list of 2048 short, plain English words (3 to 8 lowercase ASCII
 * letters; common homophones and US/UK spelling variants left out), and passphrases
 * drawn from it with libsodium's randomness: 11 bits per word, 66 bits for six. */
#ifndef SAVA_WORDS_H
#define SAVA_WORDS_H

#include <stddef.h>

#include "core/buf.h"

#define WORDS_COUNT              2048
#define WORDS_MAX_LEN            8
#define PASSPHRASE_WORDS_DEFAULT 6
#define PASSPHRASE_WORDS_MAX     24

size_t words_count(void);   /* WORDS_COUNT */
/* The i-th word (sorted order; static storage), or NULL when i >= WORDS_COUNT. */
const char *words_at(size_t i);

/* Appends nwords words, each chosen with randombytes_uniform(WORDS_COUNT) and separated
 * by single spaces, to out. nwords must be 1 to PASSPHRASE_WORDS_MAX (sava uses
 * PASSPHRASE_WORDS_DEFAULT). Returns 0, or -1 when nwords is out of range or the result
 * does not fit in out's maximum; on -1 out has been freed and wiped. out holds a
 * secret: the caller frees it with buf_free, which wipes. */
int passphrase_generate(buf_t *out, unsigned nwords) WUR;

#endif
