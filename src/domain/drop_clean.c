/* drop_clean: a drop file's cleaned copy, made by the media worker (media_doc_clean) in
 * the background: the original is decrypted as the sandbox reads it (nothing in the
 * clear on the instance's disk), the copy coming back is sealed as it arrives (a one-time
 * spool key), then bound to the case's file keys, so it is sealed to the analysts' group
 * like the original, and added beside it in the same message. The original stays.
 * Asked for by an analyst (drop.c, drop_clean_ask); run by mediajobs.c's threads. */
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/lang.h"
#include "core/log.h"
#include "domain/audit.h"
#include "domain/drop_private.h"
#include "media/media.h"
#include "store/blobs.h"
#include "store/drops.h"

#define CLEAN_NAME_MAX 200

struct clean_job {
	const app_t *app;
	const _Atomic bool *cancelled;
	store_blob_t *in_blob;
	case_blob_reader_t *r;
	uint8_t *pending;           /* plaintext not yet handed over (sodium_malloc) */
	size_t have, off, cap;
	bool ended;
	char name[CLEAN_NAME_MAX + 1];   /* the original's name, for the copy's */
	uint8_t aid[16];            /* the copy's */
	store_blob_t *out_blob;
	case_blob_writer_t *w;
	bool made;
};

static int
cj_meta(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime, size_t mime_len)
{
	struct clean_job *c = arg;
	(void)real_len, (void)mime, (void)mime_len;
	size_t k = name_len < CLEAN_NAME_MAX - 16 ? name_len : CLEAN_NAME_MAX - 16;
	while (k < name_len && k > 0 && ((unsigned char)name[k] & 0xC0) == 0x80)
		k--;   /* cut between characters, never inside one */
	memcpy(c->name, name, k);
	c->name[k] = '\0';
	return 0;
}

static int
cj_data(void *arg, const uint8_t *p, size_t n)
{
	struct clean_job *c = arg;
	if (c->have + n > c->cap) {
		uint8_t *np = sodium_malloc(c->have + n);
		if (!np)
			return 1;
		if (c->have)
			memcpy(np, c->pending, c->have);
		if (c->pending)
			sodium_free(c->pending);   /* wiped */
		c->pending = np;
		c->cap = c->have + n;
	}
	memcpy(c->pending + c->have, p, n);
	c->have += n;
	return 0;
}

static int
cj_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct clean_job *c = ctx;
	uint8_t ct[65536];
	*got = 0;
	if (atomic_load(c->cancelled))
		return -1;
	while (c->off == c->have && !c->ended) {
		c->off = c->have = 0;
		size_t n = 0;
		if (store_blob_read(c->in_blob, ct, sizeof(ct), &n) != STORE_OK)
			return -1;
		if (n == 0) {
			c->ended = true;
			if (case_blob_reader_end(c->r) != 0)
				return -1;   /* cut short, or tampered with */
			break;
		}
		if (case_blob_reader_feed(c->r, ct, n) != 0)
			return -1;
	}
	size_t take = c->have - c->off < cap ? c->have - c->off : cap;
	if (take)
		memcpy(buf, c->pending + c->off, take);
	c->off += take;
	*got = take;
	return 0;
}

static int
cj_pwrite(void *arg, const uint8_t *p, size_t n, uint64_t off)
{
	return store_blob_pwrite(((struct clean_job *)arg)->out_blob, p, n, off) == STORE_OK ? 0 : -1;
}

static int
cj_pread(void *arg, uint8_t *p, size_t n, uint64_t off)
{
	return store_blob_pread(((struct clean_job *)arg)->out_blob, p, n, off) == STORE_OK ? 0 : -1;
}

static int
cj_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	struct clean_job *c = ctx;
	if (atomic_load(c->cancelled) || (which != MEDIA_OUT_DOC_JPEG && which != MEDIA_OUT_DOC_PDF))
		return -1;
	if (!c->w) {
		char name[CLEAN_NAME_MAX + 1];
		bool pdf = which == MEDIA_OUT_DOC_PDF;
		/* a neutral name: the original's ("IMG_20240302_143512", "Скан_паспорт") may name
		 * a day, a device or a person, and the copy is what gets passed on */
		snprintf_cut(name, sizeof(name), "cleaned-copy.%s", pdf ? "pdf" : "jpg");
		const char *mime = pdf ? "application/pdf" : "image/jpeg";
		randombytes_buf(c->aid, 16);
		if (store_blob_create(c->app->store, c->aid, &c->out_blob) != STORE_OK)
			return -1;
		c->made = true;
		if (case_blob_writer_start(c->aid, name, strlen(name), mime, strlen(mime), cj_pwrite, cj_pread, c, &c->w) != 0)
			return -1;
	}
	return case_blob_writer_write(c->w, p, n) == 0 ? 0 : -1;
}

static void
cj_audit(const app_t *app, const uint8_t case_id[16], audit_action_t action)
{
	store_case_t cs;
	uint8_t object[16];
	if (store_case_get(app->store, case_id, &cs) != STORE_OK ||
	    case_audit_id(app->vault, case_id, cs.slot, object) != VAULT_OK ||
	    audit_append(app->vault, app->store, NULL, action, object) != 0)
		log_warnx("could not append to the audit log (action %d)", (int)action);
}

void
drop_clean_run(const app_t *app, const uint8_t original[16], const case_file_keys_t *keys, const _Atomic bool *cancelled)
{
	struct clean_job *c = calloc(1, sizeof(*c));
	store_attachment_t orig, att;
	media_doc_result_t res;
	media_limits_t lim;
	media_status_t st = MEDIA_ERROR;
	memset(&res, 0, sizeof(res));
	if (!c || store_attachment_get(app->store, original, &orig) != STORE_OK) {
		free(c);
		return;   /* shredded meanwhile: its row went with it */
	}
	c->app = app;
	c->cancelled = cancelled;
	case_blob_sink_t sink = { cj_meta, cj_data, c };
	if (store_blob_open(app->store, original, false, &c->in_blob) == STORE_OK &&
	    case_file_keys_reader(keys, &sink, &c->r) == VAULT_OK) {
		media_limits_default(&lim);
		lim.ml_no_sandbox = app->config.media_no_sandbox;
		uint64_t in_max = ((uint64_t)app->config.drop_max_mb << 20) + (64u << 20);
		if (lim.ml_file_bytes < in_max)
			lim.ml_file_bytes = in_max;
		media_io_t io = { c, cj_read, cj_write };
		st = media_doc_clean(&lim, &io, &res);
	}
	case_blob_reader_free(c->r);
	store_blob_close(c->in_blob);
	if (c->pending)
		sodium_free(c->pending);
	int rc = STORE_ERROR;
	if (st == MEDIA_OK && c->w) {
		memset(&att, 0, sizeof(att));
		int64_t hour = clock_hour();
		if (case_blob_writer_bind_file_keys(keys, c->w) == VAULT_OK &&
		    case_blob_writer_finish(c->w, att.fk_wrap, &att.blob_len) == 0 && store_blob_sync(c->out_blob) == STORE_OK &&
		    store_blobs_sync(app->store) == STORE_OK) {
			memcpy(att.id, c->aid, 16);
			memcpy(att.case_id, orig.case_id, 16);
			att.seq = orig.seq;
			att.created_hour = hour;
			rc = store_clean_made(app->store, original, &att);
		}
		c->w = NULL;   /* finish frees it, whatever it answers */
	}
	case_blob_writer_free(c->w);
	store_blob_close(c->out_blob);
	if (rc == STORE_OK) {
		cj_audit(app, orig.case_id, AUDIT_DROP_CLEANED);
	} else {
		if (c->made && store_blob_unlink(app->store, c->aid) != STORE_OK)
			log_warnx("a cleaned copy that was not kept could not be deleted; the next start deletes it");
		const char *why = st == MEDIA_REFUSED && res.md_refusal ? res.md_refusal
		    : st == MEDIA_LIMIT                                 ? N_("it could not be cleaned within the worker's limits")
		    : st == MEDIA_NO_SANDBOX                            ? N_("The media worker's sandbox cannot start on this server.")
		                                                        : N_("the media worker failed: ask again");
		log_warnx("a drop file could not be cleaned: %s", res.md_reason[0] ? res.md_reason : why);
		if (store_clean_refused(app->store, original, why) == STORE_OK)
			cj_audit(app, orig.case_id, AUDIT_DROP_CLEAN_REFUSED);
	}
	sodium_memzero(c, sizeof(*c));
	free(c);
}
