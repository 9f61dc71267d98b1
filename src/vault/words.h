/* words: sava's own lists of words for suggested passphrases, and passphrases drawn from
 * them with libsodium's randomness. English: 2048 short, plain words (3 to 8 lowercase
 * ASCII letters; common homophones and US/UK spelling variants left out): 11 bits per
 * word, 66 bits for six. Russian and Belarusian (words_ru.c, words_be.c): 1024 words each
 * (3 to 10 lowercase Cyrillic letters): 10 bits per word, so seven words, 70 bits, to give
 * at least the 66 bits of an English one. */
#ifndef SAVA_WORDS_H
#define SAVA_WORDS_H

#include <stddef.h>

#include "core/buf.h"

#define WORDS_COUNT              2048
#define WORDS_MAX_LEN            8
#define PASSPHRASE_WORDS_DEFAULT 6
#define PASSPHRASE_WORDS_MAX     24

#define WORDS_LANG_COUNT         1024   /* each of the Russian and Belarusian lists */
#define WORDS_LANG_MAX_BYTES     20     /* 10 Cyrillic letters of UTF-8 */
#define PASSPHRASE_WORDS_LANG    7      /* 7 x 10 bits = 70 bits >= 6 x 11 bits */

typedef enum { WORDS_EN = 0, WORDS_RU, WORDS_BE } words_list_t;
extern const char words_ru_list[WORDS_LANG_COUNT][WORDS_LANG_MAX_BYTES + 1];
extern const char words_be_list[WORDS_LANG_COUNT][WORDS_LANG_MAX_BYTES + 1];

/* The size of list l, and its i-th word (sorted by code point; static storage), or NULL
 * when i is past its end. */
size_t words_list_count(words_list_t l);
const char *words_list_at(words_list_t l, size_t i);
/* How many words of list l make a suggestion of at least 66 bits: 6 (English) or 7. */
unsigned passphrase_words_for(words_list_t l);
/* passphrase_generate from list l: the same contract. */
int passphrase_generate_from(buf_t *out, words_list_t l, unsigned nwords) WUR;

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
