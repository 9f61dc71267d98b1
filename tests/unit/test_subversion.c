/* Unit tests for domain/subversion: the sealed plaintext of a version round-trips; the
 * editor's actions (add, split, merge, delete, shift, set) keep cue ids stable; and a
 * translation follows its source when the source is re-timed or a cue is split. */
#include "check.h"
#include "domain/subversion.h"

static void
add(sub_doc_t *d, uint32_t s, uint32_t e, const char *text, uint32_t cid, uint32_t src)
{
	CHECK(sub_doc_add(d, s, e, SV_NULL, SV_NULL, sv_from_cstr(text)) == SUB_OK);
	d->cues[d->ncues - 1].cid = cid;
	d->cues[d->ncues - 1].src = src;
}

static void
test_codec(void)
{
	sub_doc_t a, b;
	buf_t p;
	uint32_t next = 0;
	sub_doc_init(&a);
	sub_doc_init(&b);
	buf_init(&p, 1 << 20);
	add(&a, 0, 1000, "Я не хочу", 1, 0);
	CHECK(sub_doc_add(&a, 1000, 2500, SV("id"), SV("line:0"), SV("<i>two</i>\nlines")) == SUB_OK);
	a.cues[1].cid = 7;
	a.cues[1].src = 3;
	CHECK(subv_encode(&a, 8, &p) == 0);
	CHECK(subv_decode((sv_t){ p.data, p.len }, &b, &next) == 0);
	CHECK(next == 8 && b.ncues == 2 && b.cues[1].cid == 7 && b.cues[1].src == 3 && b.cues[1].end == 2500);
	CHECK_SV(sub_cue_text(&b, &b.cues[1]), "<i>two</i>\nlines");
	CHECK_SV(sub_cue_settings(&b, &b.cues[1]), "line:0");
	CHECK_SV(sub_cue_id(&b, &b.cues[1]), "id");
	/* truncated or extended bytes do not decode */
	sub_doc_free(&b);
	sub_doc_init(&b);
	CHECK(subv_decode((sv_t){ p.data, p.len - 1 }, &b, &next) != 0);
	sub_doc_free(&b);
	sub_doc_init(&b);
	CHECK(buf_putc(&p, 'x') == 0);
	CHECK(subv_decode((sv_t){ p.data, p.len }, &b, &next) != 0);
	buf_free(&p);
	sub_doc_free(&a);
	sub_doc_free(&b);
}

static void
test_actions(void)
{
	sub_doc_t a, b, c;
	uint32_t next = 4;
	sub_doc_init(&a);
	add(&a, 0, 2000, "one two three four", 1, 0);
	add(&a, 3000, 5000, "five\nsix", 2, 0);
	add(&a, 6000, 8000, "seven", 3, 0);
	/* split: the first half keeps its id, the second gets a new one */
	sub_doc_init(&b);
	CHECK(subv_apply(&a, &next, SUBV_SPLIT, 2, &b) == 0);
	CHECK(b.ncues == 4 && b.cues[1].cid == 2 && b.cues[2].cid == 4 && next == 5);
	CHECK(b.cues[1].start == 3000 && b.cues[1].end == 4000 && b.cues[2].start == 4000 && b.cues[2].end == 5000);
	CHECK_SV(sub_cue_text(&b, &b.cues[1]), "five");
	CHECK_SV(sub_cue_text(&b, &b.cues[2]), "six");
	sub_doc_free(&b);
	sub_doc_init(&b);
	CHECK(subv_apply(&a, &next, SUBV_SPLIT, 1, &b) == 0);
	CHECK_SV(sub_cue_text(&b, &b.cues[0]), "one two");
	CHECK_SV(sub_cue_text(&b, &b.cues[1]), "three four");
	sub_doc_free(&b);
	/* merge with the next: the first id stays */
	sub_doc_init(&b);
	CHECK(subv_apply(&a, &next, SUBV_MERGE, 1, &b) == 0);
	CHECK(b.ncues == 2 && b.cues[0].cid == 1 && b.cues[0].end == 5000);
	CHECK_SV(sub_cue_text(&b, &b.cues[0]), "one two three four\nfive\nsix");
	sub_doc_free(&b);
	sub_doc_init(&b);
	CHECK(subv_apply(&a, &next, SUBV_MERGE, 3, &b) != 0);   /* nothing after the last */
	sub_doc_free(&b);
	/* delete, add */
	sub_doc_init(&b);
	CHECK(subv_apply(&a, &next, SUBV_DELETE, 2, &b) == 0 && b.ncues == 2 && b.cues[1].cid == 3);
	sub_doc_free(&b);
	sub_doc_init(&b);
	CHECK(subv_apply(&a, &next, SUBV_ADD, 1, &b) == 0 && b.ncues == 4);
	CHECK(b.cues[1].start == 2000 && b.cues[1].end == 3000 && b.cues[1].cid == next - 1);
	sub_doc_free(&b);
	sub_doc_init(&b);
	CHECK(subv_apply(&a, &next, SUBV_DELETE, 99, &b) != 0);
	sub_doc_free(&b);
	/* shift all, never below zero */
	sub_doc_init(&b);
	CHECK(subv_shift(&a, -500, &b) == 0 && b.cues[0].start == 0 && b.cues[0].end == 1500 && b.cues[2].start == 5500);
	sub_doc_free(&b);
	/* set: new times and words for one cue, re-sorted */
	subv_edit_t e = { 1, 9000, 9500, SV("moved") };
	sub_doc_init(&b);
	CHECK(subv_set(&a, &e, 1, false, &b) == 0 && b.cues[2].cid == 1 && b.cues[2].start == 9000);
	CHECK_SV(sub_cue_text(&b, &b.cues[2]), "moved");
	sub_doc_free(&b);
	sub_doc_init(&c);
	CHECK(subv_set(&a, &e, 1, true, &c) == 0 && c.cues[0].cid == 1 && c.cues[0].start == 0);
	sub_doc_free(&c);
	sub_doc_free(&a);
}

/* re-timing (and splitting) the source carries the translation: the bug Amara's users
 * complain about most */
static void
test_retime_carries_translation(void)
{
	sub_doc_t src, tr, retimed, split;
	uint32_t next = 4;
	sub_doc_init(&src);
	add(&src, 0, 2000, "I do not want", 1, 0);
	add(&src, 2000, 4000, "my son to go to war", 2, 0);
	add(&src, 4000, 6000, "bring him home", 3, 0);
	sub_doc_init(&tr);
	CHECK(subv_blank(&src, &tr) == 0 && tr.ncues == 3 && tr.cues[1].src == 2);
	subv_edit_t e[3] = { { 0, 0, 0, SV("Я не хочу") }, { 0, 0, 0, SV("чтобы мой сын шёл на войну") },
		{ 0, 0, 0, SV("верните его домой") } };
	uint32_t tnext = 0;
	subv_number(&tr, &tnext);
	for (int i = 0; i < 3; i++)
		e[i].cid = tr.cues[i].cid;
	sub_doc_t filled;
	sub_doc_init(&filled);
	CHECK(subv_set(&tr, e, 3, true, &filled) == 0);
	/* the source is re-timed: everything 1.5 s later */
	sub_doc_init(&retimed);
	CHECK(subv_shift(&src, 1500, &retimed) == 0);
	CHECK(subv_follow(&filled, &retimed) == 0);
	CHECK(filled.cues[0].start == 1500 && filled.cues[1].start == 3500 && filled.cues[2].end == 7500);
	CHECK_SV(sub_cue_text(&filled, &filled.cues[1]), "чтобы мой сын шёл на войну");
	/* a source cue split in two: the translation stays on the first half; nothing is lost */
	sub_doc_init(&split);
	CHECK(subv_apply(&retimed, &next, SUBV_SPLIT, 2, &split) == 0);
	CHECK(subv_follow(&filled, &split) == 0);
	CHECK(filled.ncues == 3 && filled.cues[1].start == 3500 && filled.cues[1].end == 4500);
	CHECK_SV(sub_cue_text(&filled, &filled.cues[2]), "верните его домой");
	/* a source cue deleted: its translation is an orphan that keeps its last times */
	sub_doc_t del;
	sub_doc_init(&del);
	CHECK(subv_apply(&split, &next, SUBV_DELETE, 3, &del) == 0);
	CHECK(subv_follow(&filled, &del) == 1);
	/* an imported translation links to the source cue it overlaps most */
	sub_doc_t imp;
	sub_doc_init(&imp);
	CHECK(sub_doc_add(&imp, 100, 1900, SV_NULL, SV_NULL, SV("a")) == SUB_OK);
	CHECK(sub_doc_add(&imp, 1900, 4100, SV_NULL, SV_NULL, SV("b")) == SUB_OK);
	CHECK(sub_doc_add(&imp, 9000, 9100, SV_NULL, SV_NULL, SV("c")) == SUB_OK);
	subv_link(&imp, &src);
	CHECK(imp.cues[0].src == 1 && imp.cues[1].src == 2 && imp.cues[2].src == 0);
	sub_doc_free(&imp);
	sub_doc_free(&del);
	sub_doc_free(&split);
	sub_doc_free(&retimed);
	sub_doc_free(&filled);
	sub_doc_free(&tr);
	sub_doc_free(&src);
}

int
main(void)
{
	test_codec();
	test_actions();
	test_retime_carries_translation();
	return check_done("subversion");
}
