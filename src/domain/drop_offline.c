/* drop_offline: the secure drop in offline mode. A submission is a case sealed to the
 * requester alone (his receipt and mailbox), whose message and files are blobs under a
 * fresh file key f: stream 0, the manifest (its drop id, the requester's public key for
 * replies written offline, the files' ids, the message), then each file. f and a fresh
 * root are sealed to the offline key and wrapped under the case's shred key; nothing on
 * this server opens them. `sava drop export` writes them as bundles (docs/formats.md),
 * and the purge shreds exported ones after [drop] keep_days. */
#include <errno.h>
#include <string.h>

#include "core/clock.h"
#include "core/le.h"
#include "core/limits.h"
#include "core/log.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/drop_private.h"
#include "domain/submit.h"
#include "parse/dropbundle.h"
#include "store/blobs.h"
#include "store/drops.h"
#include "vault/drop.h"

_Static_assert(DROPBUNDLE_SEALED_BYTES == DROP_SEALED_BYTES, "the parser and the vault agree on the sealed box");
_Static_assert(DROPBUNDLE_BLOB_HEAD == CASE_BLOB_HEAD && DROPBUNDLE_FRAME_CT == CASE_FRAME_CT,
    "the parser and the vault agree on a stream's frames");
_Static_assert(STORE_DROP_WRAP_BYTES == DROP_WRAP_BYTES, "the store keeps the vault's wrap");
_Static_assert(STORE_DROP_STREAMS_MAX == DROPBUNDLE_STREAMS_MAX, "a bundle holds every stream of a drop");

struct offline {
	const drop_keys_t *k;       /* the upload's, or own (a submission with no upload) */
	sv_t message;
	uint8_t case_id[16];
	uint8_t ids[STORE_DROP_STREAMS_MAX][16];    /* [0]: the manifest (the case's id) */
	uint64_t lens[STORE_DROP_STREAMS_MAX];
	size_t n;
	bool manifest_made;
};

static int
blob_pwrite(void *arg, const uint8_t *p, size_t n, uint64_t off)
{
	return store_blob_pwrite(arg, p, n, off) == STORE_OK ? 0 : -1;
}

static int
blob_pread(void *arg, uint8_t *p, size_t n, uint64_t off)
{
	return store_blob_pread(arg, p, n, off) == STORE_OK ? 0 : -1;
}

/* Stream 0: label | drop id | pk_req | nfiles u16 | ids | message, under f. */
static int
manifest_write(const app_t *app, struct offline *o, const uint8_t pk_req[32])
{
	static const char name[] = "message.txt", mime[] = "text/plain; charset=utf-8";
	uint8_t head[DROPBUNDLE_LABEL_BYTES + 16 + 32 + 2];
	store_blob_t *b = NULL;
	case_blob_writer_t *w = NULL;
	memcpy(head, DROPBUNDLE_LABEL, DROPBUNDLE_LABEL_BYTES);
	memcpy(head + DROPBUNDLE_LABEL_BYTES, o->case_id, 16);
	memcpy(head + DROPBUNDLE_LABEL_BYTES + 16, pk_req, 32);
	head[sizeof(head) - 2] = (uint8_t)(o->n - 1);
	head[sizeof(head) - 1] = (uint8_t)((o->n - 1) >> 8);
	/* the same floor as uploads keep (upload.c), with room for this blob twice over:
	 * a message alone must not fill the disk either */
	uint64_t floor = ((uint64_t)LIMIT_DISK_FLOOR_MB << 20) + 2 * ((uint64_t)o->message.len + sizeof(head) + 16 * o->n + 4096);
	if (!store_blobs_room(app->store, floor))
		return -1;
	if (store_blob_create(app->store, o->case_id, &b) != STORE_OK)
		return -1;
	o->manifest_made = true;
	int rc = -1;
	if (drop_writer_start(o->k, o->case_id, name, sizeof(name) - 1, mime, sizeof(mime) - 1, blob_pwrite, blob_pread, b,
	        &w) != 0)
		goto out;
	if (case_blob_writer_write(w, head, sizeof(head)) != 0)
		goto out;
	for (size_t i = 1; i < o->n; i++)
		if (case_blob_writer_write(w, o->ids[i], 16) != 0)
			goto out;
	if (case_blob_writer_write(w, (const uint8_t *)o->message.p, o->message.len) != 0)
		goto out;
	rc = case_blob_writer_finish(w, (uint8_t[CASE_FKWRAP_BYTES]){ 0 }, &o->lens[0]);
	w = NULL;   /* finish frees it */
	if (rc == 0 && (store_blob_sync(b) != STORE_OK || store_blobs_sync(app->store) != STORE_OK))
		rc = -1;
out:
	case_blob_writer_free(w);
	store_blob_close(b);
	return rc;
}

static int
offline_files(const app_t *app, void *ctx, struct access *a, upload_t *u, int64_t hour)
{
	struct offline *o = ctx;
	uint8_t pk_req[32];
	(void)hour;
	memcpy(o->case_id, a->ref.case_id, 16);
	memcpy(o->ids[0], o->case_id, 16);
	o->n = 1 + upload_count(u);
	if (o->n > STORE_DROP_STREAMS_MAX || upload_seal_drop(u, app, &o->ids[1], &o->lens[1]) != 0 ||
	    drop_pk_req(app->vault, &a->who, &a->ref, pk_req) != VAULT_OK)
		return -1;
	return manifest_write(app, o, pk_req);
}

static int
offline_commit(const app_t *app, void *ctx, struct access *a, const store_case_t *row, const store_copy_t *copies,
    size_t ncopies, const store_item_t *items, size_t nitems, const store_attachment_t *att, size_t natt)
{
	struct offline *o = ctx;
	store_drop_t d;
	store_drop_stream_t s[STORE_DROP_STREAMS_MAX];
	(void)a;
	(void)att;
	if (natt != 0 || sodium_memcmp(row->id, o->case_id, 16) != 0)
		return STORE_ERROR;
	memset(&d, 0, sizeof(d));
	memcpy(d.id, row->id, 16);
	d.created_hour = row->created_hour;
	if (drop_seal(app->vault, row->id, row->slot, o->k, app->config.drop_offline_key, d.wrap) != VAULT_OK)
		return STORE_ERROR;
	for (size_t i = 0; i < o->n; i++) {
		memcpy(s[i].id, o->ids[i], 16);
		s[i].blob_len = o->lens[i];
	}
	return store_drop_create(app->store, row, copies, ncopies, items, nitems, &d, s, o->n);
}

intake_status_t
drop_offline_submit(const app_t *app, lang_t lang, sv_t message, upload_t *u, char receipt[RECEIPT_DIGITS_MAX + 1])
{
	struct offline o = { .message = message };
	drop_keys_t *own = NULL;
	if (!app->config.drop_has_key)
		return INTAKE_CLOSED;
	/* files (if any) are already under the upload's f; with no upload, a fresh one */
	if (upload_count(u) > 0 && !upload_drop_keys(u))
		return INTAKE_ERROR;
	o.k = upload_drop_keys(u);
	if (!o.k && !(o.k = own = drop_keys_new()))
		return INTAKE_ERROR;
	const struct submit_target target = { .group = NULL, .stage = STAGE_DROP, .pk = app->config.drop_offline_key,
		.files = offline_files, .commit = offline_commit, .ctx = &o };
	/* no item under the case's key: its words are in the manifest, under f */
	intake_status_t st = case_submit(app, lang, &target, NULL, 0, u, receipt);
	if (st != INTAKE_OK && o.manifest_made && store_blob_unlink(app->store, o.case_id) != STORE_OK)
		log_warnx("could not delete an unused blob: %s", strerror(errno));
	drop_keys_free(own);
	return st;
}

bool
drop_mailbox_offline(const app_t *app, const mailbox_t *m)
{
	return store_drop_stream_exists(app->store, m->case_id) == 1;
}

/* ---- export ---- */

static int
sink_blob(const app_t *app, const drop_export_sink_t *sink, const store_drop_stream_t *s)
{
	uint8_t head[DROPBUNDLE_STREAM_HEAD], buf[1 << 16];
	store_blob_t *b = NULL;
	uint64_t total = 0;
	size_t got = 0;
	memcpy(head, s->id, 16);
	le64_put(head + 16, s->blob_len);
	if (sink->write(sink->ctx, head, sizeof(head)) != 0 || store_blob_open(app->store, s->id, false, &b) != STORE_OK)
		return -1;
	int rc = 0;
	while (rc == 0 && (rc = store_blob_read(b, buf, sizeof(buf), &got) == STORE_OK ? 0 : -1) == 0 && got > 0) {
		total += got;
		if (total > s->blob_len || sink->write(sink->ctx, buf, got) != 0)
			rc = -1;
	}
	store_blob_close(b);
	return rc == 0 && total == s->blob_len ? 0 : -1;
}

struct export_ctx {
	const app_t *app;
	const drop_export_sink_t *sink;
	size_t done, failed;
};

static int
export_one(void *arg, const store_drop_t *d)
{
	struct export_ctx *x = arg;
	const app_t *app = x->app;
	store_drop_stream_t s[STORE_DROP_STREAMS_MAX];
	uint8_t head[DROPBUNDLE_HEAD_BYTES], object[16];
	size_t n = 0;
	memcpy(head, DROPBUNDLE_MAGIC, 8);
	head[8] = DROPBUNDLE_VERSION;
	head[9] = head[10] = head[11] = 0;
	memcpy(head + 12, d->id, 16);
	bool ok = drop_unwrap(app->vault, d->id, d->slot, d->wrap, head + 28) == VAULT_OK &&
	    store_drop_streams(app->store, d->id, s, STORE_DROP_STREAMS_MAX, &n) == STORE_OK && n >= 1;
	le32_put(head + 28 + DROPBUNDLE_SEALED_BYTES, (uint32_t)n);
	if (ok && x->sink->begin(x->sink->ctx, d->id) != 0)
		ok = false;
	else if (ok) {
		ok = x->sink->write(x->sink->ctx, head, sizeof(head)) == 0;
		for (size_t i = 0; ok && i < n; i++)
			ok = sink_blob(app, x->sink, &s[i]) == 0;
		/* marked exported only once the bundle is durable where it was written */
		ok = x->sink->end(x->sink->ctx, ok) == 0 && ok;
	}
	if (ok && store_drop_exported(app->store, d->id, clock_hour()) == STORE_OK) {
		if (case_audit_id(app->vault, d->id, d->slot, object) != VAULT_OK ||
		    audit_append(app->vault, app->store, NULL, AUDIT_DROP_EXPORT, object) != 0)
			log_warnx("could not append to the audit log (action %d)", (int)AUDIT_DROP_EXPORT);
		x->done++;
	} else {
		x->failed++;
	}
	return 0;
}

int
drop_export(const app_t *app, const drop_export_sink_t *sink, size_t *exported)
{
	struct export_ctx x = { app, sink, 0, 0 };
	int rc = store_drops_each(app->store, STORE_DROP_WAITING, export_one, &x);
	*exported = x.done;
	return rc == STORE_OK && x.failed == 0 ? 0 : -1;
}

drop_reply_status_t
drop_reply_import(const app_t *app, const uint8_t *file, size_t n)
{
	dropreply_t r;
	store_case_t row;
	uint8_t object[16];
	uint32_t seq;
	if (dropreply_parse(file, n, &r) != 0)
		return DROP_REPLY_NOT_REPLY;
	/* only an offline drop's case takes one: its manifest is a stream of the drop */
	int rc = store_drop_stream_exists(app->store, r.drop_id);
	if (rc < 0)
		return DROP_REPLY_ERROR;
	if (rc == 0 || (rc = store_case_get(app->store, r.drop_id, &row)) != STORE_OK)
		return rc == STORE_ERROR ? DROP_REPLY_ERROR : DROP_REPLY_NO_DROP;
	int64_t hour = clock_hour();
	store_item_t it = { .kind = CASE_KIND_CASE, .role = CASE_ROLE_STAFF, .field = FIELD_DROP_REPLY,
		.created_hour = hour, .ct = r.sealed, .ct_len = r.sealed_len };
	randombytes_buf(it.id, sizeof(it.id));
	rc = store_case_add(app->store, row.id, &it, 1, NULL, 0, hour, -1, -1, -1, &seq);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? DROP_REPLY_NO_DROP : DROP_REPLY_ERROR;
	if (case_audit_id(app->vault, row.id, row.slot, object) != VAULT_OK ||
	    audit_append(app->vault, app->store, NULL, AUDIT_DROP_REPLY_IMPORT, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)AUDIT_DROP_REPLY_IMPORT);
	return DROP_REPLY_OK;
}

size_t
drop_waiting(const app_t *app)
{
	size_t n = 0;
	return store_drops_count(app->store, STORE_DROP_WAITING, &n) == STORE_OK ? n : 0;
}
