/* viewpart: a part of a sealed file, for a Range. A sealed file is one secretstream, which
 * can only be read from its start; a player asks for part after part as it plays, so the
 * reader where the last part ended is kept (a few, for their owners, a few minutes) with
 * the rest of the frame it was in, and the next part goes on from there: one pass over
 * the file for a whole playback, not one per part. A part far from any kept reader
 * (a seek) costs a pass from the start; one such at a time, so that no staff member's
 * seeking can keep every thread that answers requests busy. */
#include "domain/view.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/access.h"
#include "store/blobs.h"

#define PART_READERS       4
#define PART_IDLE_SECONDS  300
#define PART_FAR           ((uint64_t)32 << 20)   /* content to skip that makes a part a seek */

struct part_reader {
	bool used, busy;
	uint8_t aid[16], owner[16];
	case_blob_reader_t *r;
	uint64_t blob_len;
	uint64_t file_off;        /* blob bytes fed to r */
	uint64_t pos;             /* content bytes r has handed out */
	uint64_t real_len;
	bool have_meta;
	uint8_t *carry;           /* the content of the last frame past the last part (sodium_malloc) */
	uint64_t carry_at;        /* content index of carry[0] */
	size_t carry_len;
	time_t used_at;
	/* the part being filled, during one call */
	buf_t *dst;
	uint64_t first, last;
	bool failed;
};

static struct part_reader part_readers[PART_READERS];
static pthread_mutex_t part_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int part_far_busy;

static void
part_reset(struct part_reader *e)
{
	case_blob_reader_free(e->r);
	e->r = NULL;
	e->file_off = e->pos = e->real_len = 0;
	e->have_meta = false;
	e->carry_at = 0;
	e->carry_len = 0;
	if (e->carry)
		sodium_memzero(e->carry, CASE_FRAME);
	e->failed = false;
}

/* A reader and its key gone, its place free. */
static void
part_drop(struct part_reader *e)
{
	part_reset(e);
	sodium_free(e->carry);
	memset(e, 0, sizeof(*e));
}

static int
part_meta(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime, size_t mime_len)
{
	struct part_reader *e = arg;
	(void)name, (void)name_len, (void)mime, (void)mime_len;
	e->real_len = real_len;
	e->have_meta = true;
	return 0;
}

/* A frame's content, [pos, pos + n): its overlap with the part goes to dst, what lies past
 * the part waits in carry for the next one. */
static int
part_data(void *arg, const uint8_t *p, size_t n)
{
	struct part_reader *e = arg;
	uint64_t from = e->pos, to = e->pos + n;
	e->pos = to;
	e->carry_at = to;
	e->carry_len = 0;
	if (n > CASE_FRAME) {
		e->failed = true;
		return 1;
	}
	if (e->dst && to > e->first && from <= e->last) {
		uint64_t a = from > e->first ? from : e->first;
		uint64_t b = to - 1 < e->last ? to - 1 : e->last;
		if (buf_append(e->dst, p + (a - from), (size_t)(b - a + 1)) != 0) {
			e->failed = true;
			return 1;
		}
	}
	uint64_t keep = e->dst ? e->last + 1 : from;   /* no part yet: keep it all */
	if (to > keep) {
		uint64_t a = from > keep ? from : keep;
		e->carry_at = a;
		e->carry_len = (size_t)(to - a);
		memcpy(e->carry, p + (a - from), e->carry_len);
	}
	return 0;
}

/* Feeds the next frame (with the header before the first): 0, 1 at the file's end, -1. */
static int
part_feed(store_blob_t *b, struct part_reader *e, uint8_t *ct)
{
	size_t n = e->file_off == 0 ? CASE_BLOB_HEAD + CASE_FRAME_CT : CASE_FRAME_CT;
	if (e->file_off >= e->blob_len)
		return 1;
	if (e->file_off + n > e->blob_len || store_blob_pread(b, ct, n, e->file_off) != STORE_OK ||
	    case_blob_reader_feed(e->r, ct, n) != 0 || e->failed)
		return -1;
	e->file_off += n;
	return 0;
}

/* Gives a reader back: kept for the next part (keep), or dropped with its key. */
static void
part_give(struct part_reader *e, bool cached, bool keep)
{
	e->dst = NULL;
	if (!cached) {
		part_drop(e);
		free(e);
		return;
	}
	pthread_mutex_lock(&part_lock);
	if (keep) {
		e->busy = false;
		e->used_at = time(NULL);
	} else {
		part_drop(e);
	}
	pthread_mutex_unlock(&part_lock);
}

/* A reader for this file and owner: a kept one (busy now, for the caller alone), or a
 * new one in the least recently used place, or outside the cache when all are busy. */
static struct part_reader *
part_take(const uint8_t aid[16], const uint8_t owner[16], bool *cached)
{
	time_t now = time(NULL);
	struct part_reader *e = NULL, *old = NULL;
	pthread_mutex_lock(&part_lock);
	for (int i = 0; i < PART_READERS; i++) {
		struct part_reader *x = &part_readers[i];
		if (x->used && !x->busy && now - x->used_at > PART_IDLE_SECONDS)
			part_drop(x);   /* forgotten: its file key goes with it */
		if (x->used && !x->busy && !e && memcmp(x->aid, aid, 16) == 0 && sodium_memcmp(x->owner, owner, 16) == 0)
			e = x;
		if (!x->busy && (!old || !x->used || (old->used && x->used_at < old->used_at)))
			old = x;
	}
	if (!e && old) {
		if (old->used)
			part_drop(old);
		e = old;
	}
	if (e) {
		e->busy = true;
		e->used = true;
	}
	pthread_mutex_unlock(&part_lock);
	*cached = e != NULL;
	if (!e && !(e = calloc(1, sizeof(*e))))
		return NULL;
	if (!e->carry && !(e->carry = sodium_malloc(CASE_FRAME))) {
		part_give(e, *cached, false);
		return NULL;
	}
	if (memcmp(e->aid, aid, 16) != 0 || sodium_memcmp(e->owner, owner, 16) != 0) {
		part_reset(e);
		memcpy(e->aid, aid, 16);
		memcpy(e->owner, owner, 16);
	}
	return e;
}

/* Opens e's reader at the file's start and reads frame 0: the length. */
static int
part_start(const app_t *app, struct access *a, const store_attachment_t *at, store_blob_t *b,
    struct part_reader *e, uint8_t *ct)
{
	part_reset(e);
	e->blob_len = at->blob_len;
	case_blob_sink_t sink = { part_meta, part_data, e };
	if (case_blob_reader_new(app->vault, &a->who, &a->ref, at->id, at->fk_wrap, &sink, &e->r) != VAULT_OK ||
	    part_feed(b, e, ct) != 0 || !e->have_meta)
		return -1;
	return 0;
}

intake_status_t
view_file_part(const app_t *app, struct access *a, const store_attachment_t *at, sv_t range,
    const uint8_t owner[16], case_file_out_t *out)
{
	memset(out, 0, sizeof(*out));
	if (range.len == 0)
		return view_file_read(app, a, at, out);
	bool cached = false, far = false, keep = false;
	intake_status_t st = INTAKE_ERROR;
	store_blob_t *b = NULL;
	uint8_t *ct = malloc(CASE_BLOB_HEAD + CASE_FRAME_CT);
	struct part_reader *e = ct ? part_take(at->id, owner, &cached) : NULL;
	if (!e || store_blob_open(app->store, at->id, false, &b) != STORE_OK)
		goto done;
	if (!e->r && part_start(app, a, at, b, e, ct) != 0)
		goto done;
	uint64_t first = 0, last = 0;
	range_t kind = range_parse(range, e->real_len, &first, &last);
	if (kind == RANGE_NONE) {
		part_give(e, cached, true);
		e = NULL;
		store_blob_close(b);
		b = NULL;
		free(ct);
		return view_file_read(app, a, at, out);
	}
	out->range = kind;
	out->total = e->real_len;
	if (kind == RANGE_UNSATISFIABLE) {
		st = INTAKE_OK;
		keep = true;
		goto done;
	}
	if (last - first + 1 > VIEW_PART_MAX)
		last = first + VIEW_PART_MAX - 1;
	/* the kept reader is past this part (a seek back): from the start again */
	if (first < e->carry_at && part_start(app, a, at, b, e, ct) != 0)
		goto done;
	uint64_t skip = first > e->pos ? first - e->pos : 0;
	if (skip > PART_FAR) {
		int idle = 0;
		if (!atomic_compare_exchange_strong(&part_far_busy, &idle, 1)) {
			st = INTAKE_BUSY;
			keep = true;
			goto done;
		}
		far = true;
	}
	uint64_t want = last - first + 1;
	if (!view_file_reserve(want)) {
		st = INTAKE_BUSY;
		keep = true;
		goto done;
	}
	out->reserved = (size_t)want;
	out->first = first;
	buf_init(&out->data, (size_t)want);
	e->dst = &out->data;
	e->first = first;
	e->last = last;
	/* what the last part left of its frame, then frame after frame */
	if (e->carry_len && first < e->carry_at + e->carry_len) {
		uint64_t a0 = first > e->carry_at ? first : e->carry_at;
		uint64_t b0 = e->carry_at + e->carry_len - 1 < last ? e->carry_at + e->carry_len - 1 : last;
		if (buf_append(&out->data, e->carry + (a0 - e->carry_at), (size_t)(b0 - a0 + 1)) != 0)
			goto done;
	}
	while (out->data.len < want && e->pos <= last) {
		if (part_feed(b, e, ct) != 0)
			goto done;
	}
	if (out->data.len == want) {
		st = INTAKE_OK;
		keep = e->pos < e->real_len;   /* a reader at the end has nothing more to give */
	}
done:
	if (far)
		atomic_store(&part_far_busy, 0);
	if (e)
		part_give(e, cached, keep);
	store_blob_close(b);
	if (ct) {
		sodium_memzero(ct, CASE_BLOB_HEAD + CASE_FRAME_CT);
		free(ct);
	}
	if (st != INTAKE_OK) {
		buf_free(&out->data);
		intake_file_release(out->reserved);
		out->reserved = 0;
		if (st == INTAKE_ERROR)
			log_warnx("a part of an attachment could not be opened");
	}
	return st;
}
