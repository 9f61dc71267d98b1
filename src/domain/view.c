/* view: a case decrypted for its reader (messages, files' names, and for staff the notes and
 * records), opened with the keys of the way in (access.h), and one file whole in memory within
 * a budget. Plaintext lives in buffers wiped when the view is freed. */
#include "domain/view.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "core/log.h"
#include "domain/access.h"
#include "store/appeals.h"
#include "store/blobs.h"
#include "store/drops.h"
#include "vault/drop.h"

int
intake_status_of(int stage)
{
	if (stage == STAGE_NEW)
		return STATUS_RECEIVED;
	if (stage == STAGE_CLOSED || stage == STAGE_REJECTED)
		return STATUS_CLOSED;
	return STATUS_IN_PROGRESS;
}

struct view_ctx {
	const app_t *app;
	struct access *a;
	case_view_t *v;
	bool staff;
	bool failed;
};

static case_msg_t *
view_msg(case_view_t *v, uint32_t seq)
{
	for (size_t i = v->nmsgs; i > 0; i--)
		if (v->msgs[i - 1].seq == seq)
			return &v->msgs[i - 1];
	return NULL;
}

static int
event_add(case_event_t **list, size_t *n, case_event_t *e)
{
	case_event_t *nl = malloc((*n + 1) * sizeof(*nl));
	if (!nl)
		return -1;
	if (*n) {
		memcpy(nl, *list, *n * sizeof(*nl));
		sodium_memzero(*list, *n * sizeof(*nl));
	}
	free(*list);
	*list = nl;
	nl[(*n)++] = *e;
	return 0;
}

/* Stage changes (actor | from | to | reason), verifications (actor | note) and checklist
 * saves (actor | stage | bits u32), all under the notes key. */
static int
view_event(struct view_ctx *x, const store_item_t *it)
{
	case_view_t *v = x->v;
	buf_t b;
	case_event_t e;
	store_account_t author;
	memset(&e, 0, sizeof(e));
	if (view_item_text(x->app, x->a, it, &b) != 0) {
		v->incomplete = true;
		return 0;
	}
	size_t head = it->field == FIELD_STAGE ? 18 : it->field == FIELD_CHECK ? 21 : it->field == FIELD_VOUCH ? 32 : 16;
	if (b.len < head) {
		buf_free(&b);
		v->incomplete = true;
		return 0;
	}
	const uint8_t *p = (const uint8_t *)b.data;
	if (it->field == FIELD_CHECK) {
		if (p[16] < STAGES_COUNT)
			v->checklist[p[16]] = le32_get(p + 17);
		buf_free(&b);
		return 0;
	}
	memcpy(e.author_id, p, 16);
	e.hour = it->created_hour;
	if (store_account_by_id(x->app->store, p, &author) == STORE_OK)
		snprintf(e.author, sizeof(e.author), "%s", author.handle);
	if (it->field == FIELD_STAGE) {
		e.from = p[16];
		e.to = p[17];
	}
	if (it->field == FIELD_VOUCH && store_account_by_id(x->app->store, p + 16, &author) == STORE_OK)
		snprintf(e.member, sizeof(e.member), "%s", author.handle);
	buf_init(&e.text, b.len - head);
	if (b.len > head && buf_append(&e.text, b.data + head, b.len - head) != 0)
		v->incomplete = true;
	buf_free(&b);
	sodium_memzero(&author, sizeof(author));
	int rc = it->field == FIELD_STAGE   ? event_add(&v->history, &v->nhistory, &e)
	    : it->field == FIELD_VOUCH      ? event_add(&v->vouches, &v->nvouches, &e)
	                                    : event_add(&v->verifications, &v->nverifications, &e);
	if (rc != 0) {
		buf_free(&e.text);
		x->failed = true;
		return 1;
	}
	return 0;
}

/* A staff note: its author's account id, then the text, both under the notes key. */
static int
view_note(struct view_ctx *x, const store_item_t *it)
{
	case_view_t *v = x->v;
	buf_t b;
	store_account_t author;
	if (view_item_text(x->app, x->a, it, &b) != 0 || b.len < 16) {
		if (b.data)
			buf_free(&b);
		v->incomplete = true;
		return 0;
	}
	case_note_t *nn = malloc((v->nnotes + 1) * sizeof(*nn));
	if (!nn) {
		buf_free(&b);
		x->failed = true;
		return 1;
	}
	if (v->nnotes) {
		memcpy(nn, v->notes, v->nnotes * sizeof(*nn));
		sodium_memzero(v->notes, v->nnotes * sizeof(*nn));
	}
	free(v->notes);
	v->notes = nn;
	case_note_t *n = &v->notes[v->nnotes++];
	memset(n, 0, sizeof(*n));
	n->hour = it->created_hour;
	if (store_account_by_id(x->app->store, (const uint8_t *)b.data, &author) == STORE_OK)
		snprintf(n->author, sizeof(n->author), "%s", author.handle);
	buf_init(&n->text, b.len);
	if (buf_append(&n->text, b.data + 16, b.len - 16) != 0)
		v->incomplete = true;
	sodium_memzero(&author, sizeof(author));
	buf_free(&b);
	return 0;
}

/* A reply written offline to an offline drop's requester: opened with his session's key. */
static int
view_drop_reply(struct view_ctx *x, const store_item_t *it)
{
	case_view_t *v = x->v;
	case_msg_t *nm = realloc(v->msgs, (v->nmsgs + 1) * sizeof(*nm));
	if (!nm) {
		x->failed = true;
		return 1;
	}
	v->msgs = nm;
	case_msg_t *m = &v->msgs[v->nmsgs++];
	memset(m, 0, sizeof(*m));
	m->seq = it->seq;
	m->role = it->role;
	m->hour = it->created_hour;
	size_t cap = it->ct_len, len = 0;
	uint8_t *pt = malloc(cap);
	buf_init(&m->text, cap);
	if (!pt || drop_reply_open(x->app->vault, &x->a->who, &x->a->ref, it->ct, it->ct_len, pt, cap, &len) != VAULT_OK ||
	    buf_append(&m->text, pt, len) != 0)
		v->incomplete = true;
	if (pt) {
		sodium_memzero(pt, cap);
		free(pt);
	}
	return 0;
}

/* Opens one item into out (wiped and freed by the caller). */
int
view_item_text(const app_t *app, const struct access *a, const store_item_t *it, buf_t *out)
{
	struct access *m = (struct access *)a;   /* the keys are a cache of what a opens */
	size_t cap = it->ct_len > CASE_ITEM_OVERHEAD ? it->ct_len - CASE_ITEM_OVERHEAD : 0, len = 0;
	uint8_t *pt = cap ? malloc(cap) : NULL;
	int rc = -1;
	buf_init(out, 0);
	case_keys_t *k = pt ? access_keys(app, m) : NULL;
	if (k && case_keys_item_open(k, (uint8_t)it->kind, it->id, (uint8_t)it->role, (uint8_t)it->field, it->ct,
	        it->ct_len, pt, cap, &len) == VAULT_OK) {
		buf_init(out, cap);
		rc = buf_append(out, pt, len);
	}
	if (pt) {
		sodium_memzero(pt, cap);
		free(pt);
	}
	return rc;
}

static int
view_item(void *ctx, const store_item_t *it)
{
	struct view_ctx *x = ctx;
	case_view_t *v = x->v;
	if (it->kind == CASE_KIND_NOTES && x->staff && it->field == FIELD_NOTE && it->role == CASE_ROLE_STAFF)
		return view_note(x, it);
	if (it->kind == CASE_KIND_NOTES && x->staff && it->role == CASE_ROLE_STAFF &&
	    (it->field == FIELD_STAGE || it->field == FIELD_VERIFY || it->field == FIELD_CHECK || it->field == FIELD_VOUCH))
		return view_event(x, it);
	if (it->kind != CASE_KIND_CASE || it->field == CASE_FIELD_PK_REQ)
		return 0;
	if (it->field == FIELD_DROP_REPLY)   /* sealed to the requester alone */
		return x->staff || it->role != CASE_ROLE_STAFF ? 0 : view_drop_reply(x, it);
	if (it->field == FIELD_MESSAGE) {
		if (it->role != CASE_ROLE_REQUESTER && it->role != CASE_ROLE_STAFF)
			return 0;
		case_msg_t *nm = realloc(v->msgs, (v->nmsgs + 1) * sizeof(*nm));
		if (!nm) {
			x->failed = true;
			return 1;
		}
		v->msgs = nm;
		case_msg_t *m = &v->msgs[v->nmsgs++];
		memset(m, 0, sizeof(*m));
		m->seq = it->seq;
		m->role = it->role;
		m->hour = it->created_hour;
		if (view_item_text(x->app, x->a, it, &m->text) != 0)
			v->incomplete = true;
		return 0;
	}
	if (it->role != CASE_ROLE_REQUESTER || it->seq != 1)
		return 0;
	buf_t b;
	if (view_item_text(x->app, x->a, it, &b) != 0) {
		v->incomplete = true;
		return 0;
	}
	if (it->field == FIELD_CONTACT && x->staff) {
		buf_free(&v->contact);
		v->contact = b;
		return 0;
	}
	if ((it->field == FIELD_LANGUAGES || it->field == FIELD_VOUCHERS) && x->staff) {
		buf_t *dstb = it->field == FIELD_LANGUAGES ? &v->languages : &v->vouchers;
		buf_free(dstb);
		*dstb = b;
		return 0;
	}
	char *dst = it->field == FIELD_SITUATION ? v->situation : it->field == FIELD_REGION ? v->region
	    : it->field == FIELD_WRITER ? v->writer : NULL;
	if (dst && b.len < sizeof(v->situation))
		memcpy(dst, b.data, b.len + 1);
	buf_free(&b);
	return 0;
}

/* The name and size of a blob: frame 0 only. */
struct meta_ctx {
	case_file_t *f;
	bool got;
};

static int
meta_take(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime, size_t mime_len)
{
	struct meta_ctx *m = arg;
	(void)mime;
	(void)mime_len;
	m->f->size = real_len;
	memcpy(m->f->name, name, name_len < CASE_NAME_MAX ? name_len : CASE_NAME_MAX);
	m->f->name[name_len < CASE_NAME_MAX ? name_len : CASE_NAME_MAX] = '\0';
	m->got = true;
	return 1;   /* stop: the rest is not needed */
}

static int
data_ignore(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
	return 1;
}

int
view_blob_feed(const app_t *app, const uint8_t id[16], uint64_t max, case_blob_reader_t *r, bool whole)
{
	uint8_t *chunk = malloc(CASE_FRAME_CT);
	store_blob_t *b = NULL;
	int rc = -1;
	if (!chunk || store_blob_open(app->store, id, false, &b) != STORE_OK)
		goto done;
	uint64_t total = 0;
	for (;;) {
		size_t got;
		if (store_blob_read(b, chunk, CASE_FRAME_CT, &got) != STORE_OK)
			goto done;
		if (got == 0)
			break;
		total += (uint64_t)got;
		if (total > max)
			goto done;
		if (case_blob_reader_feed(r, chunk, got) != 0) {
			rc = whole ? -1 : 0;   /* the metadata reader stops itself after frame 0 */
			goto done;
		}
	}
	rc = whole ? case_blob_reader_end(r) : 0;
done:
	store_blob_close(b);
	if (chunk) {
		sodium_memzero(chunk, CASE_FRAME_CT);
		free(chunk);
	}
	return rc;
}

struct files_ctx {
	store_attachment_t *list;
	size_t n, cap;
	bool failed;
};

static int
files_collect(void *ctx, const store_attachment_t *at)
{
	struct files_ctx *fc = ctx;
	if (fc->n == fc->cap) {
		size_t cap = fc->cap ? 2 * fc->cap : 16;
		store_attachment_t *l = realloc(fc->list, cap * sizeof(*l));
		if (!l) {
			fc->failed = true;
			return 1;
		}
		fc->list = l;
		fc->cap = cap;
	}
	fc->list[fc->n++] = *at;
	return 0;
}

static void
view_files(struct view_ctx *x)
{
	struct files_ctx fc = { NULL, 0, 0, false };
	if (store_case_attachments(x->app->store, x->a->row.id, files_collect, &fc) != STORE_OK || fc.failed) {
		x->v->incomplete = true;
		free(fc.list);
		return;
	}
	for (size_t i = 0; i < fc.n; i++) {
		const store_attachment_t *at = &fc.list[i];
		/* a drop file's cleaned copy is the analysts' (drop_clean.c): not in the source's mailbox */
		if (!x->staff && store_clean_is_copy(x->app->store, at->id) != 0)
			continue;
		case_msg_t *m = view_msg(x->v, at->seq);
		/* grown by hand: realloc would release the old names unwiped */
		case_file_t *nf = m ? malloc((m->nfiles + 1) * sizeof(*nf)) : NULL;
		if (!nf) {
			x->v->incomplete = true;   /* shown as such, never hidden */
			continue;
		}
		if (m->nfiles) {
			memcpy(nf, m->files, m->nfiles * sizeof(*nf));
			sodium_memzero(m->files, m->nfiles * sizeof(*nf));
		}
		free(m->files);
		m->files = nf;
		case_file_t *f = &m->files[m->nfiles];
		memset(f, 0, sizeof(*f));
		memcpy(f->id, at->id, 16);
		struct meta_ctx mc = { f, false };
		case_blob_sink_t sink = { meta_take, data_ignore, &mc };
		case_blob_reader_t *r = NULL;
		if (case_blob_reader_new(x->app->vault, &x->a->who, &x->a->ref, at->id, at->fk_wrap, &sink, &r) == VAULT_OK &&
		    view_blob_feed(x->app, at->id, 2 * (uint64_t)CASE_FRAME_CT, r, false) == 0 && mc.got)
			m->nfiles++;
		else
			x->v->incomplete = true;
		case_blob_reader_free(r);
	}
	free(fc.list);
}

intake_status_t
view_fill(const app_t *app, struct access *a, bool staff, case_view_t *v)
{
	struct view_ctx x = { app, a, v, staff, false };
	memcpy(v->id, a->row.id, 16);
	memcpy(v->lang, a->row.lang, 3);
	v->stage = a->row.stage;
	v->status = intake_status_of(a->row.stage);
	v->created_hour = a->row.created_hour;
	v->activity_hour = a->row.activity_hour;
	buf_init(&v->contact, 0);
	buf_init(&v->languages, 0);
	buf_init(&v->vouchers, 0);
	if (store_case_items(app->store, a->row.id, view_item, &x) != STORE_OK || x.failed)
		return INTAKE_ERROR;
	view_files(&x);
	return INTAKE_OK;
}

void
case_view_free(case_view_t *v)
{
	for (size_t i = 0; i < v->nmsgs; i++) {
		buf_free(&v->msgs[i].text);
		if (v->msgs[i].files)
			sodium_memzero(v->msgs[i].files, v->msgs[i].nfiles * sizeof(case_file_t));
		free(v->msgs[i].files);
	}
	if (v->msgs)
		sodium_memzero(v->msgs, v->nmsgs * sizeof(*v->msgs));
	free(v->msgs);
	for (size_t i = 0; i < v->nnotes; i++)
		buf_free(&v->notes[i].text);
	if (v->notes)
		sodium_memzero(v->notes, v->nnotes * sizeof(*v->notes));
	free(v->notes);
	for (size_t i = 0; i < v->nhistory; i++)
		buf_free(&v->history[i].text);
	if (v->history)
		sodium_memzero(v->history, v->nhistory * sizeof(*v->history));
	free(v->history);
	for (size_t i = 0; i < v->nverifications; i++)
		buf_free(&v->verifications[i].text);
	if (v->verifications)
		sodium_memzero(v->verifications, v->nverifications * sizeof(*v->verifications));
	free(v->verifications);
	for (size_t i = 0; i < v->nvouches; i++)
		buf_free(&v->vouches[i].text);
	if (v->vouches)
		sodium_memzero(v->vouches, v->nvouches * sizeof(*v->vouches));
	free(v->vouches);
	buf_free(&v->languages);
	buf_free(&v->vouchers);
	buf_free(&v->contact);
	sodium_memzero(v, sizeof(*v));
}

/* A whole file into memory, for one response. */
struct data_ctx {
	case_file_out_t *out;
	bool failed;
};

static int
data_meta(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime, size_t mime_len)
{
	struct data_ctx *d = arg;
	(void)mime;
	(void)mime_len;
	size_t n = name_len < CASE_NAME_MAX ? name_len : CASE_NAME_MAX;
	memcpy(d->out->name, name, n);
	d->out->name[n] = '\0';
	buf_init(&d->out->data, (size_t)real_len);
	return 0;
}

static int
data_take(void *arg, const uint8_t *p, size_t n)
{
	struct data_ctx *d = arg;
	if (buf_append(&d->out->data, p, n) != 0) {
		d->failed = true;
		return 1;
	}
	return 0;
}

static atomic_uint_fast64_t files_in_memory;

void
intake_file_release(size_t reserved)
{
	atomic_fetch_sub(&files_in_memory, reserved);
}

bool
view_file_reserve(uint64_t n)
{
	uint64_t budget = (uint64_t)LIMIT_FILES_IN_MEMORY_MB << 20;
	if (atomic_fetch_add(&files_in_memory, n) + n > budget) {
		atomic_fetch_sub(&files_in_memory, n);
		return false;
	}
	return true;
}

intake_status_t
view_file_read(const app_t *app, struct access *a, const store_attachment_t *at, case_file_out_t *out)
{
	struct data_ctx d = { out, false };
	case_blob_sink_t sink = { data_meta, data_take, &d };
	case_blob_reader_t *r = NULL;
	memset(out, 0, sizeof(*out));
	/* the blob's length bounds the content's */
	uint64_t budget = (uint64_t)LIMIT_FILES_IN_MEMORY_MB << 20;
	if (atomic_fetch_add(&files_in_memory, at->blob_len) + at->blob_len > budget) {
		atomic_fetch_sub(&files_in_memory, at->blob_len);
		return INTAKE_BUSY;
	}
	out->reserved = (size_t)at->blob_len;
	intake_status_t st = INTAKE_ERROR;
	if (case_blob_reader_new(app->vault, &a->who, &a->ref, at->id, at->fk_wrap, &sink, &r) == VAULT_OK &&
	    view_blob_feed(app, at->id, at->blob_len, r, true) == 0 && !d.failed)
		st = INTAKE_OK;
	case_blob_reader_free(r);
	if (st != INTAKE_OK) {
		buf_free(&out->data);
		sodium_memzero(out->name, sizeof(out->name));
		intake_file_release(out->reserved);
		out->reserved = 0;
		log_warnx("an attachment could not be opened");
	}
	return st;
}

/* One sealed file of the case, decrypted straight into a public file (appeals, stories). */
struct copy_ctx {
	store_media_file_t *f;
	bool failed;
};

static int
copy_meta(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime, size_t mime_len)
{
	(void)arg, (void)real_len, (void)name, (void)name_len, (void)mime, (void)mime_len;
	return 0;
}

static int
copy_data(void *arg, const uint8_t *p, size_t n)
{
	struct copy_ctx *c = arg;
	if (store_media_write(c->f, p, n) != STORE_OK) {
		c->failed = true;
		return 1;
	}
	return 0;
}

int
view_publish_file(const app_t *app, struct access *a, const uint8_t aid[16], const char *slug, const char *name)
{
	store_attachment_t at;
	case_blob_reader_t *r = NULL;
	struct copy_ctx c = { NULL, false };
	case_blob_sink_t sink = { copy_meta, copy_data, &c };
	int rc = -1;
	if (store_attachment_get(app->store, aid, &at) == STORE_OK &&
	    store_media_create(app->store, slug, name, &c.f) == STORE_OK &&
	    case_blob_reader_new(app->vault, &a->who, &a->ref, aid, at.fk_wrap, &sink, &r) == VAULT_OK &&
	    view_blob_feed(app, aid, at.blob_len, r, true) == 0 && !c.failed) {
		rc = store_media_commit(c.f) == STORE_OK ? 0 : -1;
		c.f = NULL;
	}
	store_media_abort(c.f);
	case_blob_reader_free(r);
	return rc;
}
