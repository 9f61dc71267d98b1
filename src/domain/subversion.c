/* subversion: the sealed plaintext of a subtitle version and the cue editor's actions
 * (subversion.h). Every action builds a new document from the old one, so a failed
 * action leaves the old one as it was. */
#include "domain/subversion.h"

#include <stdlib.h>
#include <string.h>


static int
put_u32(buf_t *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	return buf_append(b, x, 4);
}

static int
put_u16(buf_t *b, uint32_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	return buf_append(b, x, 2);
}

int
subv_encode(const sub_doc_t *d, uint32_t next_cid, buf_t *out)
{
	if (buf_putc(out, SUBV_FORMAT) != 0 || put_u32(out, next_cid) != 0 || put_u32(out, (uint32_t)d->ncues) != 0)
		return -1;
	for (size_t i = 0; i < d->ncues; i++) {
		const sub_cue_t *c = &d->cues[i];
		sv_t id = sub_cue_id(d, c), set = sub_cue_settings(d, c), text = sub_cue_text(d, c);
		if (put_u32(out, c->cid) != 0 || put_u32(out, c->src) != 0 || put_u32(out, c->start) != 0 ||
		    put_u32(out, c->end) != 0 || put_u16(out, (uint32_t)id.len) != 0 || put_u16(out, (uint32_t)set.len) != 0 ||
		    put_u16(out, (uint32_t)text.len) != 0 || buf_append_sv(out, id) != 0 || buf_append_sv(out, set) != 0 ||
		    buf_append_sv(out, text) != 0)
			return -1;
	}
	return 0;
}

static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int
subv_decode(sv_t in, sub_doc_t *d, uint32_t *next_cid)
{
	const uint8_t *p = (const uint8_t *)in.p;
	size_t n = in.len, off = 9;
	if (n < 9 || p[0] != SUBV_FORMAT)
		return -1;
	*next_cid = get_u32(p + 1);
	uint32_t ncues = get_u32(p + 5);
	if (ncues > SUB_CUES_MAX)
		return -1;
	for (uint32_t i = 0; i < ncues; i++) {
		if (n - off < 22)
			return -1;
		const uint8_t *h = p + off;
		size_t il = (size_t)h[16] | (size_t)h[17] << 8, sl = (size_t)h[18] | (size_t)h[19] << 8,
		       tl = (size_t)h[20] | (size_t)h[21] << 8;
		off += 22;
		if (n - off < il + sl + tl)
			return -1;
		sv_t id = { in.p + off, il }, set = { in.p + off + il, sl }, text = { in.p + off + il + sl, tl };
		off += il + sl + tl;
		if (sub_doc_add(d, get_u32(h + 8), get_u32(h + 12), id, set, text) != SUB_OK)
			return -1;
		d->cues[d->ncues - 1].cid = get_u32(h);
		d->cues[d->ncues - 1].src = get_u32(h + 4);
	}
	return off == n ? 0 : -1;
}

void
subv_number(sub_doc_t *d, uint32_t *next_cid)
{
	if (*next_cid == 0)
		*next_cid = 1;
	for (size_t i = 0; i < d->ncues; i++)
		if (d->cues[i].cid == 0)
			d->cues[i].cid = (*next_cid)++;
}

sub_err_t
subv_copy(sub_doc_t *d, const sub_doc_t *from, const sub_cue_t *c, uint32_t start, uint32_t end, sv_t text)
{
	sub_err_t e = sub_doc_add(d, start, end, sub_cue_id(from, c), sub_cue_settings(from, c), text);
	if (e == SUB_OK) {
		d->cues[d->ncues - 1].cid = c->cid;
		d->cues[d->ncues - 1].src = c->src;
		d->cues[d->ncues - 1].line = c->line;
	}
	return e;
}

static int
by_start(const void *a, const void *b)
{
	const sub_cue_t *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	/* stable: the offset in the pool says which came first */
	return x->text < y->text ? -1 : x->text > y->text;
}

void
subv_sort(sub_doc_t *d)
{
	if (d->ncues > 1)
		qsort(d->cues, d->ncues, sizeof(d->cues[0]), by_start);
}

long
subv_find(const sub_doc_t *d, uint32_t cid)
{
	for (size_t i = 0; i < d->ncues; i++)
		if (d->cues[i].cid == cid)
			return (long)i;
	return -1;
}

/* The source's cues by cid, for lookups: a sorted index. */
struct cid_ix {
	uint32_t cid;
	uint32_t i;
};

static int
by_cid(const void *a, const void *b)
{
	const struct cid_ix *x = a, *y = b;
	return x->cid < y->cid ? -1 : x->cid > y->cid;
}

static long
ix_find(const struct cid_ix *ix, size_t n, uint32_t cid)
{
	struct cid_ix key = { cid, 0 };
	const struct cid_ix *hit = n ? bsearch(&key, ix, n, sizeof(*ix), by_cid) : NULL;
	return hit ? (long)hit->i : -1;
}

size_t
subv_follow(sub_doc_t *t, const sub_doc_t *source)
{
	size_t orphans = 0;
	struct cid_ix *ix = calloc(source->ncues ? source->ncues : 1, sizeof(*ix));
	if (!ix)
		return t->ncues;
	for (size_t i = 0; i < source->ncues; i++)
		ix[i] = (struct cid_ix){ source->cues[i].cid, (uint32_t)i };
	qsort(ix, source->ncues, sizeof(*ix), by_cid);
	for (size_t i = 0; i < t->ncues; i++) {
		long k = t->cues[i].src ? ix_find(ix, source->ncues, t->cues[i].src) : -1;
		if (k < 0) {
			orphans++;
			continue;
		}
		t->cues[i].start = source->cues[k].start;
		t->cues[i].end = source->cues[k].end;
	}
	free(ix);
	subv_sort(t);
	return orphans;
}

void
subv_link(sub_doc_t *t, const sub_doc_t *source)
{
	/* both sorted by time: walk the source alongside */
	size_t from = 0;
	for (size_t i = 0; i < t->ncues; i++) {
		sub_cue_t *c = &t->cues[i];
		uint32_t best = 0, best_overlap = 0;
		while (from < source->ncues && source->cues[from].end <= c->start)
			from++;
		for (size_t k = from; k < source->ncues && source->cues[k].start < c->end; k++) {
			const sub_cue_t *s = &source->cues[k];
			uint32_t lo = s->start > c->start ? s->start : c->start, hi = s->end < c->end ? s->end : c->end;
			if (hi > lo && hi - lo > best_overlap) {
				best_overlap = hi - lo;
				best = s->cid;
			}
		}
		c->src = best;
	}
}

int
subv_blank(const sub_doc_t *source, sub_doc_t *out)
{
	for (size_t i = 0; i < source->ncues; i++) {
		const sub_cue_t *s = &source->cues[i];
		if (sub_doc_add(out, s->start, s->end, SV_NULL, sub_cue_settings(source, s), SV_NULL) != SUB_OK)
			return -1;
		out->cues[out->ncues - 1].src = s->cid;
	}
	return 0;
}

/* Splits text at the line break, else at the space nearest its middle. */
static void
text_halves(sv_t t, sv_t *a, sv_t *b)
{
	ptrdiff_t nl = sv_index(t, '\n');
	if (nl >= 0) {
		*a = (sv_t){ t.p, (size_t)nl };
		*b = (sv_t){ t.p + nl + 1, t.len - (size_t)nl - 1 };
		return;
	}
	size_t mid = t.len / 2, best = t.len;
	for (size_t i = 0; i < t.len; i++)
		if (t.p[i] == ' ' && (best == t.len || (i > mid ? i - mid : mid - i) < (best > mid ? best - mid : mid - best)))
			best = i;
	if (best == t.len) {
		*a = t;
		*b = SV_NULL;
		return;
	}
	*a = (sv_t){ t.p, best };
	*b = (sv_t){ t.p + best + 1, t.len - best - 1 };
}

int
subv_apply(const sub_doc_t *in, uint32_t *next_cid, subv_op_t op, uint32_t cid, sub_doc_t *out)
{
	long at = cid ? subv_find(in, cid) : -1;
	if ((cid || op != SUBV_ADD) && at < 0)
		return -1;
	if (op == SUBV_MERGE && (size_t)at + 1 >= in->ncues)
		return -1;
	if (*next_cid == 0)
		*next_cid = 1;
	if (op == SUBV_ADD && at < 0) {
		uint32_t end = in->ncues && in->cues[0].start < SUBV_NEW_CUE_MS ? in->cues[0].start : SUBV_NEW_CUE_MS;
		if (sub_doc_add(out, 0, end, SV_NULL, SV_NULL, SV_NULL) != SUB_OK)
			return -1;
		out->cues[out->ncues - 1].cid = (*next_cid)++;
	}
	for (size_t i = 0; i < in->ncues; i++) {
		const sub_cue_t *c = &in->cues[i];
		sv_t text = sub_cue_text(in, c);
		if ((long)i != at) {
			if (subv_copy(out, in, c, c->start, c->end, text) != SUB_OK)
				return -1;
			continue;
		}
		if (op == SUBV_DELETE)
			continue;
		if (op == SUBV_ADD) {
			uint32_t start = c->end, end = start + SUBV_NEW_CUE_MS;
			if (i + 1 < in->ncues && in->cues[i + 1].start > start && in->cues[i + 1].start < end)
				end = in->cues[i + 1].start;
			if (end > SUB_TIME_MAX_MS)
				end = SUB_TIME_MAX_MS;
			if (subv_copy(out, in, c, c->start, c->end, text) != SUB_OK ||
			    sub_doc_add(out, start, end, SV_NULL, SV_NULL, SV_NULL) != SUB_OK)
				return -1;
			out->cues[out->ncues - 1].cid = (*next_cid)++;
		} else if (op == SUBV_SPLIT) {
			sv_t a, b;
			uint32_t mid = c->start + (c->end > c->start ? (c->end - c->start) / 2 : 0);
			text_halves(text, &a, &b);
			if (subv_copy(out, in, c, c->start, mid, a) != SUB_OK ||
			    sub_doc_add(out, mid, c->end, SV_NULL, sub_cue_settings(in, c), b) != SUB_OK)
				return -1;
			out->cues[out->ncues - 1].cid = (*next_cid)++;
		} else if (op == SUBV_MERGE) {
			const sub_cue_t *n = &in->cues[i + 1];
			buf_t t;
			buf_init(&t, SUB_TEXT_MAX * 2 + 2);
			sv_t nt = sub_cue_text(in, n);
			if ((text.len && buf_append_sv(&t, text) != 0) || (text.len && nt.len && buf_putc(&t, '\n') != 0) ||
			    (nt.len && buf_append_sv(&t, nt) != 0) || buf_append(&t, "", 0) != 0)
				return -1;
			sub_err_t e = subv_copy(out, in, c, c->start, n->end > c->end ? n->end : c->end, (sv_t){ t.data, t.len });
			buf_free(&t);
			if (e != SUB_OK)
				return -1;
			i++;
		}
	}
	return 0;
}

int
subv_shift(const sub_doc_t *in, int32_t ms, sub_doc_t *out)
{
	for (size_t i = 0; i < in->ncues; i++) {
		const sub_cue_t *c = &in->cues[i];
		int64_t s = (int64_t)c->start + ms, e = (int64_t)c->end + ms;
		s = s < 0 ? 0 : s > SUB_TIME_MAX_MS ? SUB_TIME_MAX_MS : s;
		e = e < 0 ? 0 : e > SUB_TIME_MAX_MS ? SUB_TIME_MAX_MS : e;
		if (subv_copy(out, in, c, (uint32_t)s, (uint32_t)e, sub_cue_text(in, c)) != SUB_OK)
			return -1;
	}
	return 0;
}

int
subv_set(const sub_doc_t *in, const subv_edit_t *edits, size_t n, bool keep_times, sub_doc_t *out)
{
	for (size_t i = 0; i < in->ncues; i++) {
		const sub_cue_t *c = &in->cues[i];
		const subv_edit_t *e = NULL;
		for (size_t k = 0; k < n && !e; k++)
			if (edits[k].cid == c->cid)
				e = &edits[k];
		sub_err_t r = e ? subv_copy(out, in, c, keep_times ? c->start : e->start, keep_times ? c->end : e->end, e->text)
		                : subv_copy(out, in, c, c->start, c->end, sub_cue_text(in, c));
		if (r != SUB_OK)
			return -1;
	}
	if (!keep_times)
		subv_sort(out);
	return 0;
}
