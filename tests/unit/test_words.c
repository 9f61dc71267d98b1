/* Unit tests for words: the list's size, form, order and content (pinned by a hash),
 * and passphrases: word count, separators, membership, use of the whole list, limits.
 * The Russian and Belarusian lists the same way, and their passphrases' entropy. */
#include <sodium.h>
#include <stdlib.h>

#include "check.h"
#include "vault/words.h"

/* BLAKE2b-256 of the words joined by "\n" with a final "\n", computed outside this code
 * (python3 hashlib.blake2b, digest_size=32). Changing the list changes this on purpose. */
#define WORDS_HASH "71767020346493e10e7dc54a5bfc8e047912b85646fc8f04d5d8f57e5483a678"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
cmp_key(const void *key, const void *elem)
{
	const sv_t *k = key;
	const char *w = *(const char *const *)elem;
	size_t n = strlen(w);
	int c = memcmp(k->p, w, k->len < n ? k->len : n);
	return c ? c : (k->len > n) - (k->len < n);
}

/* Index of the word (p, len) in the list, or -1. Binary search: test_list checks the order. */
static long
word_index(const char *p, size_t len)
{
	static const char *sorted[WORDS_COUNT];
	if (sorted[0] == NULL)
		for (size_t i = 0; i < WORDS_COUNT; i++)
			sorted[i] = words_at(i);
	sv_t key = { p, len };
	const char *const *hit = bsearch(&key, sorted, WORDS_COUNT, sizeof(sorted[0]), cmp_key);
	return hit ? (long)(hit - sorted) : -1;
}

static void
test_list(void)
{
	static const char *copy[WORDS_COUNT];
	size_t bad_form = 0, unsorted = 0, dups = 0;
	crypto_generichash_state st;
	unsigned char h[32];
	char hex[65];

	CHECK(words_count() == 2048);
	CHECK(words_at(2048) == NULL);
	CHECK(words_at((size_t)-1) == NULL);
	CHECK(words_at(0) != NULL && strcmp(words_at(0), "able") == 0);
	CHECK(words_at(2047) != NULL && strcmp(words_at(2047), "zoom") == 0);

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	for (size_t i = 0; i < WORDS_COUNT; i++) {
		const char *w = words_at(i);
		size_t n = w ? strlen(w) : 0;
		int ok = n >= 3 && n <= WORDS_MAX_LEN;
		for (size_t j = 0; ok && j < n; j++)
			ok = w[j] >= 'a' && w[j] <= 'z';
		bad_form += !ok;
		if (i > 0 && w && strcmp(words_at(i - 1), w) >= 0)
			unsorted++;
		copy[i] = w ? w : "";
		if (w) {
			crypto_generichash_update(&st, (const unsigned char *)w, n);
			crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
		}
	}
	crypto_generichash_final(&st, h, sizeof(h));
	CHECK(bad_form == 0);
	CHECK(unsorted == 0);

	/* Distinct, checked without relying on the list's own order. */
	qsort(copy, WORDS_COUNT, sizeof(copy[0]), cmp_str);
	for (size_t i = 1; i < WORDS_COUNT; i++)
		dups += strcmp(copy[i - 1], copy[i]) == 0;
	CHECK(dups == 0);

	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	CHECK(strcmp(hex, WORDS_HASH) == 0);
	if (strcmp(hex, WORDS_HASH) != 0)
		fprintf(stderr, "word list hash: %s\n", hex);
}

/* Splits a passphrase at single spaces; counts the words, and checks each is in the list
 * (its index goes to hits, when given). Returns the word count, or -1 if malformed. */
static int
split_words(sv_t s, unsigned *hits)
{
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= s.len; i++) {
		if (i < s.len && s.p[i] != ' ')
			continue;
		if (i == start)
			return -1;   /* empty word: leading, trailing or double space */
		long k = word_index(s.p + start, i - start);
		if (k < 0)
			return -1;
		if (hits)
			hits[k]++;
		n++;
		start = i + 1;
	}
	return n;
}

static void
test_generate(void)
{
	buf_t a, b;

	buf_init(&a, 256);
	buf_init(&b, 256);
	CHECK(passphrase_generate(&a, PASSPHRASE_WORDS_DEFAULT) == 0);
	CHECK(passphrase_generate(&b, PASSPHRASE_WORDS_DEFAULT) == 0);
	CHECK(split_words(buf_sv(&a), NULL) == 6);
	CHECK(split_words(buf_sv(&b), NULL) == 6);
	CHECK(a.len >= 16 && a.len <= 6 * WORDS_MAX_LEN + 5);
	CHECK(strlen(a.data) == a.len);
	CHECK(!sv_eq(buf_sv(&a), buf_sv(&b)));   /* equal with probability 2^-66 */
	buf_free(&a);
	buf_free(&b);

	/* One word has no space; the maximum is accepted; 0 and max + 1 are refused. */
	buf_init(&a, 1024);
	CHECK(passphrase_generate(&a, 1) == 0 && split_words(buf_sv(&a), NULL) == 1 && sv_index(buf_sv(&a), ' ') < 0);
	buf_free(&a);
	buf_init(&a, 1024);
	CHECK(passphrase_generate(&a, PASSPHRASE_WORDS_MAX) == 0 && split_words(buf_sv(&a), NULL) == PASSPHRASE_WORDS_MAX);
	buf_free(&a);
	buf_init(&a, 1024);
	CHECK(passphrase_generate(&a, 0) == -1 && a.data == NULL);
	buf_init(&a, 1024);
	CHECK(passphrase_generate(&a, PASSPHRASE_WORDS_MAX + 1) == -1 && a.data == NULL);

	/* Too small a buffer: refused and freed, never a partial passphrase. */
	buf_init(&a, 10);
	CHECK(passphrase_generate(&a, 6) == -1 && a.data == NULL && a.len == 0);

	/* It appends to what out holds. */
	buf_init(&a, 1024);
	CHECK(buf_append_cstr(&a, "pw=") == 0);
	CHECK(passphrase_generate(&a, 3) == 0);
	CHECK(sv_starts_with(buf_sv(&a), SV("pw=")));
	CHECK(split_words((sv_t){ a.data + 3, a.len - 3 }, NULL) == 3);
	buf_free(&a);
}

/* Passphrases of 24 words until 204800 words were drawn, about 100 per word: every word
 * must come up (a generator that used only part of the list fails), and none absurdly
 * often. For a uniform draw, P(some word 0 times or 220+ times) < 1e-19. */
static void
test_uniform(void)
{
	static unsigned hits[WORDS_COUNT];
	const unsigned draws = 100 * WORDS_COUNT;
	unsigned done = 0, malformed = 0, never = 0, most = 0;
	buf_t b;

	buf_init(&b, 4096);
	while (done < draws) {
		buf_reset(&b);
		if (passphrase_generate(&b, PASSPHRASE_WORDS_MAX) != 0) {
			malformed++;
			break;
		}
		int n = split_words(buf_sv(&b), hits);
		if (n != PASSPHRASE_WORDS_MAX)
			malformed++;
		done += PASSPHRASE_WORDS_MAX;
	}
	buf_free(&b);
	for (size_t i = 0; i < WORDS_COUNT; i++) {
		never += hits[i] == 0;
		if (hits[i] > most)
			most = hits[i];
	}
	CHECK(malformed == 0);
	CHECK(never == 0);
	CHECK(most < 220);
}

/* The letters each Cyrillic list may use (UTF-8, two bytes each): Russian without ё and ъ;
 * Belarusian (which has no и, щ, ъ) with і and ў, without ё. */
static const char *const lang_letters[] = {
	[WORDS_RU] = "абвгдежзийклмнопрстуфхцчшщыьэюя",
	[WORDS_BE] = "абвгдежзйклмнопрстуфхцчшыьэюяіў",
};
static const char *const lang_hash[] = {
	[WORDS_RU] = "d903570dd19c28387519fb92be0458291270bd0e6ce8f61249ab9e7c32c7e88d",
	[WORDS_BE] = "587a8fcb2a2ed7c79dbcf0ed714c761d438453cef0d584090d6027811d1c47ff",
};

static bool
lang_word_ok(words_list_t l, const char *w)
{
	size_t n = strlen(w), letters = 0;
	if (n % 2 || n > WORDS_LANG_MAX_BYTES)
		return false;
	for (size_t i = 0; i < n; i += 2, letters++) {
		bool found = false;
		for (const char *a = lang_letters[l]; *a && !found; a += 2)
			found = a[0] == w[i] && a[1] == w[i + 1];
		if (!found)
			return false;
	}
	return letters >= 3 && letters <= 10;
}

static long
lang_index(words_list_t l, const char *p, size_t len)
{
	for (size_t i = 0; i < words_list_count(l); i++) {
		const char *w = words_list_at(l, i);
		if (strlen(w) == len && memcmp(w, p, len) == 0)
			return (long)i;
	}
	return -1;
}

static void
test_lang_lists(void)
{
	for (words_list_t l = WORDS_RU; l <= WORDS_BE; l++) {
		size_t count = words_list_count(l), bad = 0, unsorted = 0;
		unsigned char h[32];
		char hex[65];
		crypto_generichash_state st;
		CHECK(count == WORDS_LANG_COUNT && count == 1024);
		CHECK(words_list_at(l, count) == NULL);
		crypto_generichash_init(&st, NULL, 0, sizeof(h));
		for (size_t i = 0; i < count; i++) {
			const char *w = words_list_at(l, i);
			bad += !lang_word_ok(l, w);
			/* strictly increasing bytes: sorted by code point, and no word twice */
			unsorted += i > 0 && strcmp(words_list_at(l, i - 1), w) >= 0;
			crypto_generichash_update(&st, (const unsigned char *)w, strlen(w));
			crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
		}
		crypto_generichash_final(&st, h, sizeof(h));
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		CHECK(bad == 0);
		CHECK(unsorted == 0);
		CHECK(strcmp(hex, lang_hash[l]) == 0);
		if (strcmp(hex, lang_hash[l]) != 0)
			fprintf(stderr, "word list %d hash: %s\n", (int)l, hex);

		/* at least the 66 bits an English suggestion has: 7 words of 10 bits */
		unsigned nw = passphrase_words_for(l), bits = 0;
		while ((1u << (bits + 1)) <= count)
			bits++;
		CHECK((1u << bits) == count && nw * bits >= 66 && nw == PASSPHRASE_WORDS_LANG);
		CHECK(passphrase_words_for(WORDS_EN) * 11 >= 66);

		buf_t a;
		buf_init(&a, 512);
		CHECK(passphrase_generate_from(&a, l, nw) == 0);
		sv_t s = buf_sv(&a);
		unsigned n = 0;
		size_t start = 0;
		bool all_listed = true;
		for (size_t i = 0; i <= s.len; i++) {
			if (i < s.len && s.p[i] != ' ')
				continue;
			all_listed = all_listed && i > start && lang_index(l, s.p + start, i - start) >= 0;
			n++;
			start = i + 1;
		}
		CHECK(n == nw && all_listed);
		buf_free(&a);
		CHECK(passphrase_generate_from(&a, l, 0) == -1 && a.data == NULL);
	}
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_list();
	test_generate();
	test_uniform();
	test_lang_lists();
	return check_done("words");
}
