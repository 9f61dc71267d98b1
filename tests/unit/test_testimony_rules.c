/* Unit tests for testimony_rules: the consent record's bytes (round trip, refusals), when
 * a consent allows what (scope, place, dates, withdrawal), and the strike list (case,
 * Unicode forms, ё as е, spaces, invisible characters, Cyrillic and Latin, no false hit). */
#include <string.h>

#include "check.h"
#include "domain/testimony_rules.h"

static consent_t
consent(uint8_t scope, uint8_t where, uint32_t given, uint32_t until)
{
	consent_t c;
	memset(&c, 0, sizeof(c));
	c.scope = scope;
	c.where = where;
	c.given_day = given;
	c.until_day = until;
	memset(c.by, 0xAB, 16);
	memcpy(c.how, "in the mailbox, in his words", 28);
	return c;
}

static void
test_record(void)
{
	uint8_t rec[CONSENT_RECORD_MAX];
	consent_t c = consent(CONSENT_TEXT | CONSENT_FACE, CONSENT_SITE, 20000, 20180), d;
	size_t n = consent_encode(&c, rec);
	CHECK(n == 30 + 28);
	CHECK(rec[0] == 1 && rec[1] == (CONSENT_TEXT | CONSENT_FACE) && rec[2] == CONSENT_SITE && rec[3] == 0);
	CHECK(consent_decode(rec, n, &d) == 0);
	CHECK(d.scope == c.scope && d.where == c.where && d.given_day == 20000 && d.until_day == 20180 && !d.withdrawn);
	CHECK(memcmp(d.by, c.by, 16) == 0 && strcmp(d.how, c.how) == 0);
	/* refusals: another version, a byte too many or too few, unknown bits */
	rec[0] = 2;
	CHECK(consent_decode(rec, n, &d) == -1);
	rec[0] = 1;
	CHECK(consent_decode(rec, n - 1, &d) == -1);
	CHECK(consent_decode(rec, n + 1, &d) == -1);
	rec[1] = 0x08;
	CHECK(consent_decode(rec, n, &d) == -1);
	rec[1] = 1;
	rec[3] = 2;
	CHECK(consent_decode(rec, n, &d) == -1);
	CHECK(consent_decode(rec, 3, &d) == -1);
}

static void
test_allows(void)
{
	consent_t c = consent(CONSENT_TEXT | CONSENT_VOICE, CONSENT_SITE, 100, 280);
	CHECK(consent_allows(&c, 100, CONSENT_TEXT, CONSENT_SITE));
	CHECK(consent_allows(&c, 279, CONSENT_TEXT | CONSENT_VOICE, CONSENT_SITE));
	CHECK(!consent_allows(&c, 280, CONSENT_TEXT, CONSENT_SITE));    /* run out: its last day was 279 */
	CHECK(!consent_allows(&c, 99, CONSENT_TEXT, CONSENT_SITE));     /* not given yet */
	CHECK(!consent_allows(&c, 150, CONSENT_FACE, CONSENT_SITE));    /* not his face */
	CHECK(!consent_allows(&c, 150, CONSENT_TEXT | CONSENT_FACE, CONSENT_SITE));
	CHECK(!consent_allows(&c, 150, CONSENT_TEXT, CONSENT_SOCIAL));  /* not on social platforms */
	CHECK(!consent_allows(&c, 150, 0, CONSENT_SITE));
	c.withdrawn = true;
	CHECK(!consent_allows(&c, 150, CONSENT_TEXT, CONSENT_SITE));
}

static int
find(const char *text, const char *list, sv_t *hit)
{
	return strike_find(sv_from_cstr(text), sv_from_cstr(list), hit);
}

static void
test_strike(void)
{
	sv_t hit;
	/* the review's cases: invisible and bidi characters, other marks, Greek and fullwidth
	 * look-alikes, a vowel that drops out when declined */
	CHECK(find("Это был Ива\u200Eнов.", "Иванов", &hit) == 1);
	CHECK(find("Это был Ива\u2063нов.", "Иванов", &hit) == 1);
	CHECK(find("Это был Ива\u034Fнов.", "Иванов", &hit) == 1);
	CHECK(find("Это был Ива\u0304нов.", "Иванов", &hit) == 1);
	CHECK(find("Это был Иван\u03BFв.", "Иванов", &hit) == 1);
	CHECK(find("Это был Ив\uFF41нов.", "Иванов", &hit) == 1);
	CHECK(find("Спросите Павла.", "Павел", &hit) == 1);
	CHECK(find("Он из Орла.", "Орёл", &hit) == 1);
	CHECK(find("Спросите Павлика.", "Павел", &hit) == 0);   /* another word */
	CHECK(find("Я служил в Гродно, потом ушёл.", "Минск\nгродно\n", &hit) == 1);
	CHECK_SV(hit, "гродно");
	CHECK(find("ИВАН ПЕТРОВ сказал", "  иван   петров  ", &hit) == 1);    /* case, spaces */
	CHECK(find("Иван\nПетров сказал", "иван петров", &hit) == 1);        /* a line break as a space */
	CHECK(find("Он жил в Берёзе", "береза", &hit) == 1);                  /* declined: one stem */
	CHECK(find("Он жил в Берёзе", "берез", &hit) == 1);                   /* ё written е */
	CHECK(find("Он жил в Березе", "Берёз", &hit) == 1);                   /* and the other way */
	CHECK(find("Казарма в Бре\xc2\xadсте", "брест", &hit) == 1);          /* a soft hyphen inside */
	CHECK(find("Казарма в Бре\xe2\x80\x8bсте", "брест", &hit) == 1);      /* a zero-width space inside */
	/* NFC: й as и + combining breve in the text, precomposed in the list */
	CHECK(find("Андреи\xcc\x86 был там", "Андрей", &hit) == 1);
	CHECK(find("Андрей был там", "Андреи\xcc\x86", &hit) == 1);
	CHECK(find("Ў Магілёве", "магілеў", &hit) == 1);                       /* ў declined as в */
	CHECK(find("У Магілёве", "МАГІЛЕ", &hit) == 1);                       /* Belarusian і */
	CHECK(find("Stationed near Baranovichi", "BARANOVICHI", &hit) == 1);
	CHECK(find("Nothing here to strike.", "Minsk\nГомель\n\n", &hit) == 0);
	CHECK(hit.len == 0);
	CHECK(find("Nothing", "", &hit) == 0);
	CHECK(find("", "Minsk", &hit) == 0);
	CHECK(find("Minsk", "\n\n  \n", &hit) == 0);                           /* blank lines strike nothing */
	CHECK(find("a\xff b", "a", &hit) == -1);                               /* not UTF-8 */
	CHECK(find("text", "bad\xc3", &hit) == -1);
	/* declensions: one stem, any common case ending, on either side */
	CHECK(find("Письмо от Иванова пришло", "Иванов", &hit) == 1);
	CHECK(find("Скажите Иванову", "Иванов", &hit) == 1);
	CHECK(find("с Ивановым", "Иванов", &hit) == 1);
	CHECK(find("с Ивановой", "Иванова", &hit) == 1);                     /* -а off, -ой on */
	CHECK(find("Жили в Гомеле", "Гомель", &hit) == 1);                    /* -ь off, -е on */
	CHECK(find("родом из Гомеля", "Гомель", &hit) == 1);
	CHECK(find("под Гомелем", "Гомель", &hit) == 1);
	CHECK(find("Служыў у Гомелі", "Гомель", &hit) == 1);                  /* Belarusian -і */
	CHECK(find("в Орше", "Орша", &hit) == 1);                             /* four letters, stem of three */
	CHECK(find("в Москве и Минске", "Москва", &hit) == 1);
	CHECK(find("приказ Андрея", "Андрей", &hit) == 1);                    /* -й off (и + breve in NFD) */
	CHECK(find("Ивана Петрова вызвали", "Иван Петров", &hit) == 1);        /* word by word */
	CHECK(find("у Іванава", "Іванаў", &hit) == 1);                         /* Belarusian -аў / -а */
	/* ... but a stem never matches a longer word that merely starts like it */
	CHECK(find("Это аннулировали", "Анна", &hit) == 0);
	CHECK(find("Ему дали Ивашку", "Иванов", &hit) == 0);
	CHECK(find("Иван пришёл", "Иванов", &hit) == 0);                      /* "ов" is no case ending */
	CHECK(find("мой ум", "Ума", &hit) == 0);                              /* three letters: exact only */
	/* stress marks (combining acute or grave) are dropped */
	CHECK(find("Ива\xcc\x81нов", "Иванов", &hit) == 1);
	CHECK(find("Иванов", "Ива\xcc\x81нова", &hit) == 1);
	CHECK(find("Го\xcc\x80мель", "гомель", &hit) == 1);
	/* Latin look-alikes inside a Cyrillic word, either side */
	CHECK(find("Служил в Mинскe", "Минск", &hit) == 1);                   /* Latin M and e */
	CHECK(find("Служил в Минске", "Mинck", &hit) == 1);                   /* Latin M, c, k */
	CHECK(find("ВОРОНОВ", "BOPOHOB", &hit) == 1);                         /* all Latin capitals */
	CHECK(find("Kypc", "курс", &hit) == 1);
	/* hyphens and dashes as one, a no-break space as a space */
	CHECK(find("в Нова\xe2\x80\x91Гуте", "Нова-Гута", &hit) == 1);         /* non-breaking hyphen */
	CHECK(find("Нова\xe2\x80\x93Гута", "нова-гута", &hit) == 1);           /* en dash */
	CHECK(find("Иван\xc2\xa0Петров", "Иван Петров", &hit) == 1);           /* no-break space */
	CHECK(find("Марьина Горка", "Марьина\xe2\x80\x94Горка", &hit) == 1);    /* words in a row, any separator */
	/* the first listed term found is the one reported, with its line's own spelling */
	CHECK(find("в Пинске и в Бресте", "Брест\r\nПинск", &hit) == 1);
	CHECK_SV(hit, "Брест");
}

static void
test_redact(void)
{
	uint8_t b[REDACT_BYTES_MAX];
	media_redact_t r = { .mr_voice = true, .mr_nboxes = 2 }, d;
	r.mr_boxes[0] = (media_box_t){ 0, 1500, 10, 20, 300, 400 };
	r.mr_boxes[1] = (media_box_t){ 70000, 90000, 0, 0, 1000, 1000 };
	size_t n = redact_encode(&r, b);
	CHECK(n == 2 + 32 && b[0] == 1 && b[1] == 2);
	CHECK(redact_decode(b, n, &d) == 0 && d.mr_voice && !d.mr_still && d.mr_nboxes == 2);
	CHECK(d.mr_boxes[1].mb_from_ms == 70000 && d.mr_boxes[1].mb_to_ms == 90000 && d.mr_boxes[0].mb_h == 400);
	CHECK(redact_decode(b, n - 1, &d) == -1);
	b[0] = 4;
	CHECK(redact_decode(b, n, &d) == -1);
	b[0] = 2;
	b[2 + 13] = 0xff;   /* a box wider than the picture */
	CHECK(redact_decode(b, n, &d) == -1);
	media_redact_t card = { .mr_still = true };
	n = redact_encode(&card, b);
	CHECK(n == 2 && redact_decode(b, n, &d) == 0 && d.mr_still && !d.mr_voice && d.mr_nboxes == 0);
}

int
main(void)
{
	test_redact();
	test_record();
	test_allows();
	test_strike();
	return check_done("testimony_rules");
}
