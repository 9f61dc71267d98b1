/* strike: the strike list's check (testimony_rules.h, strike_find): no struck name or
 * place may be left in a testimony's published copy, however it is written. Both sides
 * are folded the same way (fold): case-folded and decomposed (NFD), stress marks (acute,
 * grave) dropped, ё read as е, Belarusian ў as в, Latin letters that look Cyrillic (a e o p c x y i k m t h b)
 * read as the Cyrillic ones, every dash and hyphen as "-", every space as one, invisible
 * characters dropped. A line of the list then strikes the copy when it is found anywhere
 * in it (even inside a word), or when its words are found in a row as inflected forms:
 * each word of four letters or more matches a word with the same stem (at least three
 * letters) and any common Russian or Belarusian case ending (Иванов: Иванова, Ивановым;
 * Гомель: Гомеле, Гомеля; Орша: Орше). Pure: no key, no store; what is folded is wiped
 * before it is freed, since a strike list is a list of real names. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "domain/testimony_rules.h"

#define STRIKE_STEM_MIN   3     /* letters a stem keeps */
#define STRIKE_WORD_MIN   4     /* letters a word needs before an ending is taken off */

/* Case endings of Russian and Belarusian nouns, adjectives and surnames (in folded form:
 * е for ё, і for Belarusian і). Used only to compare two words of one stem. */
static const char *const strike_endings[] = {
	"а", "я", "о", "е", "у", "ю", "ы", "и", "і", "ь", "й",
	"ой", "ей", "ою", "ею", "ом", "ем", "ам", "ям", "ах", "ях", "ую", "юю", "ая", "яя", "ое", "ее", "ые", "ие",
	"ых", "их", "ым", "им", "ый", "ий", "ай", "яй", "ае", "ія", "іх", "ім",
	"ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "амі", "ямі", "ымі", "імі", "ага", "яга", "аму",
	"яму", "ога",
};
/* Not "ов", "ев" or "аў" (ў folds to в): a surname's suffix is part of its stem, so that
 * Иванов never strikes Иван. */
#define STRIKE_ENDINGS (sizeof(strike_endings) / sizeof(*strike_endings))

/* Characters that change nothing a reader sees: soft hyphen, zero-width space, joiners,
 * word joiner, byte order mark. */
static bool
strike_invisible(ucs4_t u)
{
	return u == 0xAD || (u >= 0x200B && u <= 0x200D) || u == 0x2060 || u == 0xFEFF;
}

static bool
strike_space(ucs4_t u)
{
	return u == ' ' || u == '\t' || u == '\n' || u == '\r' || u == 0xA0 || u == 0x2007 || u == 0x202F ||
	    (u >= 0x2000 && u <= 0x200A);
}

static bool
strike_dash(ucs4_t u)
{
	return u == '-' || (u >= 0x2010 && u <= 0x2015) || u == 0x2212 || u == 0x2043 || u == 0xFE58 || u == 0xFE63 ||
	    u == 0xFF0D;
}

static bool
strike_combining(ucs4_t u)
{
	return u >= 0x300 && u <= 0x36F;
}

/* A Latin or Greek letter that looks like a Cyrillic one, as that one (folded: lower
 * case; fullwidth and other compatibility forms are already plain letters: NFKD). */
static ucs4_t
strike_lookalike(ucs4_t u)
{
	switch (u) {
	case 0x3B1: return 0x430;   /* Greek alpha, epsilon, iota, kappa, omicron, rho, tau, upsilon, chi, beta, mu */
	case 0x3B5: return 0x435;
	case 0x3B9: return 0x456;
	case 0x3BA: return 0x43A;
	case 0x3BF: return 0x43E;
	case 0x3C1: return 0x440;
	case 0x3C4: return 0x442;
	case 0x3C5: return 0x443;
	case 0x3C7: return 0x445;
	case 0x3B2: return 0x432;
	case 0x3BC: return 0x43C;
	case 0x458: return 'j';     /* Cyrillic je and dze, the other way round */
	case 0x455: return 's';
	case 'a': return 0x430;
	case 'e': return 0x435;
	case 'o': return 0x43E;
	case 'p': return 0x440;
	case 'c': return 0x441;
	case 'x': return 0x445;
	case 'y': return 0x443;
	case 'i': return 0x456;
	case 'k': return 0x43A;
	case 'm': return 0x43C;
	case 't': return 0x442;
	case 'h': return 0x43D;
	case 'b': return 0x432;
	default: return u;
	}
}

typedef struct {
	ucs4_t *p;
	size_t n;
} folded_t;

static void
folded_free(folded_t *f)
{
	if (f->p) {
		sodium_memzero(f->p, f->n * sizeof(*f->p));
		free(f->p);
	}
	f->p = NULL;
	f->n = 0;
}

/* s folded (above) into f (folded_free it). 0, or -1: not UTF-8, or no memory. */
static int
strike_fold(sv_t s, folded_t *f)
{
	f->p = NULL;
	f->n = 0;
	if (s.len == 0)
		return 0;
	if (u8_check((const uint8_t *)s.p, s.len) != NULL || s.len > SIZE_MAX / 16 - 16)
		return -1;
	size_t len = 0;
	/* NFKD: fullwidth, circled and other compatibility forms become plain letters */
	uint8_t *cf = u8_casefold((const uint8_t *)s.p, s.len, NULL, UNINORM_NFKD, NULL, &len);
	if (!cf)
		return -1;
	ucs4_t *out = malloc((len + 1) * sizeof(*out));
	size_t w = 0;
	bool in_space = true;   /* leading spaces dropped */
	for (size_t i = 0; out && i < len;) {
		ucs4_t u;
		int k = u8_mbtouc(&u, cf + i, len - i);
		if (k <= 0)
			break;
		i += (size_t)k;
		if (strike_invisible(u) || uc_is_property_default_ignorable_code_point(u) ||
		    uc_is_general_category(u, UC_CATEGORY_Cf))
			continue;   /* nothing a reader sees: LRM, invisible separators, joiners */
		if (u == 0x306 && w > 0 && out[w - 1] == 0x443) {
			out[w - 1] = 0x432;   /* Belarusian ў as в, which it becomes when declined (Іванаў: Іванава) */
			continue;
		}
		if (uc_is_general_category(u, UC_CATEGORY_Mn) || uc_is_general_category(u, UC_CATEGORY_Me))
			continue;   /* every mark: stress marks, ё's dots (ё read as е), й's breve, a macron */
		if (strike_space(u)) {
			if (!in_space)
				out[w++] = ' ';
			in_space = true;
			continue;
		}
		in_space = false;
		out[w++] = strike_dash(u) ? '-' : u == 0x2019 || u == 0x2BC ? '\'' : strike_lookalike(u);
	}
	if (out && w > 0 && out[w - 1] == ' ')
		w--;
	sodium_memzero(cf, len);
	free(cf);
	if (!out)
		return -1;
	f->p = out;
	f->n = w;
	return 0;
}

/* ---- words ---- */

static bool
strike_word_char(ucs4_t u)
{
	return uc_is_alpha(u) || uc_is_digit(u) || strike_combining(u) || u == '\'';
}

typedef struct {
	size_t off, len;
} word_t;

/* The words of f (letters, digits, marks, apostrophes): a new array (free it), *n. */
static word_t *
strike_words(const folded_t *f, size_t *n)
{
	word_t *w = malloc((f->n / 2 + 1) * sizeof(*w));
	*n = 0;
	for (size_t i = 0; w && i < f->n;) {
		if (!strike_word_char(f->p[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < f->n && strike_word_char(f->p[i]))
			i++;
		w[(*n)++] = (word_t){ start, i - start };
	}
	return w;
}

static size_t
strike_letters(const ucs4_t *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += !strike_combining(p[i]);
	return k;
}

struct endings {
	folded_t e[STRIKE_ENDINGS];
};

/* Whether p (n) is empty or one of the endings. */
static bool
strike_is_ending(const struct endings *es, const ucs4_t *p, size_t n)
{
	if (n == 0)
		return true;
	for (size_t i = 0; i < STRIKE_ENDINGS; i++)
		if (es->e[i].n == n && memcmp(es->e[i].p, p, n * sizeof(*p)) == 0)
			return true;
	return false;
}

/* Whether text word t is term word w, or w's stem with another ending: w = s + e1 and
 * t = s + e2, e1 and e2 endings (or empty), s at least STRIKE_STEM_MIN letters. */
static bool
strike_word_match(const struct endings *es, const ucs4_t *t, size_t tn, const ucs4_t *w, size_t wn)
{
	if (tn == wn && memcmp(t, w, tn * sizeof(*t)) == 0)
		return true;
	if (strike_letters(w, wn) < STRIKE_WORD_MIN)
		return false;
	for (size_t s = wn; s > 0; s--) {
		if (strike_combining(w[s - 1]) || (s < wn && strike_combining(w[s])))
			continue;   /* never between a letter and its mark */
		if (strike_letters(w, s) < STRIKE_STEM_MIN)
			break;
		if (!strike_is_ending(es, w + s, wn - s))
			continue;
		if (tn >= s && memcmp(t, w, s * sizeof(*t)) == 0 && (tn == s || !strike_combining(t[s])) &&
		    strike_is_ending(es, t + s, tn - s))
			return true;
	}
	/* a vowel that drops out when declined (Павел: Павла, Орёл: Орла, Лёв: Льва is not
	 * caught): w = s + V + C with V е or о, t = s + C + an ending */
	if (wn >= 4 && (w[wn - 2] == 0x435 || w[wn - 2] == 0x43E) && uc_is_property_alphabetic(w[wn - 1]) &&
	    tn > wn - 1 && memcmp(t, w, (wn - 2) * sizeof(*t)) == 0 && t[wn - 2] == w[wn - 1] &&
	    strike_is_ending(es, t + wn - 1, tn - (wn - 1)) && tn - (wn - 1) > 0)
		return true;
	return false;
}

/* The term's words in a row among the text's, each matching (strike_word_match). */
static bool
strike_words_match(const struct endings *es, const folded_t *text, const word_t *tw, size_t ntw,
    const folded_t *term, const word_t *mw, size_t nmw)
{
	if (nmw == 0 || nmw > ntw)
		return false;
	for (size_t i = 0; i + nmw <= ntw; i++) {
		size_t j = 0;
		while (j < nmw && strike_word_match(es, text->p + tw[i + j].off, tw[i + j].len, term->p + mw[j].off, mw[j].len))
			j++;
		if (j == nmw)
			return true;
	}
	return false;
}

static bool
strike_contains(const folded_t *hay, const folded_t *needle)
{
	if (needle->n == 0 || needle->n > hay->n)
		return false;
	for (size_t i = 0; i + needle->n <= hay->n; i++)
		if (hay->p[i] == needle->p[0] && memcmp(hay->p + i, needle->p, needle->n * sizeof(*needle->p)) == 0)
			return true;
	return false;
}

int
strike_find(sv_t text, sv_t list, sv_t *hit)
{
	folded_t t = { NULL, 0 };
	struct endings *es = calloc(1, sizeof(*es));
	word_t *tw = NULL;
	size_t ntw = 0;
	int found = -1;
	*hit = SV_NULL;
	if (!es || strike_fold(text, &t) != 0 || !(tw = strike_words(&t, &ntw)))
		goto done;
	for (size_t i = 0; i < STRIKE_ENDINGS; i++)
		if (strike_fold(sv_from_cstr(strike_endings[i]), &es->e[i]) != 0)
			goto done;
	found = 0;
	sv_t rest = list, line;
	while (found == 0 && rest.len > 0) {
		(void)sv_split(rest, '\n', &line, &rest);   /* the last line: line is the rest */
		sv_t term = line;
		while (term.len && (term.p[term.len - 1] == '\r' || term.p[term.len - 1] == ' ' || term.p[term.len - 1] == '\t'))
			term.len--;
		term = sv_trim_ows(term);
		if (term.len == 0)
			continue;
		folded_t f;
		size_t nmw = 0;
		if (strike_fold(term, &f) != 0) {
			found = -1;
			break;
		}
		word_t *mw = strike_words(&f, &nmw);
		if (!mw && f.n) {
			folded_free(&f);
			found = -1;
			break;
		}
		if (f.n > 0 && (strike_contains(&t, &f) || strike_words_match(es, &t, tw, ntw, &f, mw, nmw))) {
			found = 1;
			*hit = term;
		}
		free(mw);
		folded_free(&f);
	}
done:
	if (es)
		for (size_t i = 0; i < STRIKE_ENDINGS; i++)
			folded_free(&es->e[i]);
	free(es);
	free(tw);
	folded_free(&t);
	return found;
}
