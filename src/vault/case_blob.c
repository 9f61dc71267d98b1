/* case_blob: file blobs, secretstream frames under a file key wrapped to the case's epoch
 * (CRYPTO.md "Files"). Trusted with file keys, in sodium_malloc memory, wiped on free. */
#include "vault/case.h"

#include <sodium.h>
#include <string.h>

#include "core/le.h"
#include "vault/case_private.h"
#include "vault/secmem.h"
#include "vault/vault_private.h"

#define SS_TAG_MESSAGE crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define SS_TAG_FINAL   crypto_secretstream_xchacha20poly1305_TAG_FINAL

/* ---- files ---- */

uint64_t
case_blob_frames(uint64_t real_len)
{
	if (real_len > CASE_BLOB_MAX)
		return 0;
	uint64_t p = vault_padme((size_t)(real_len + CASE_FRAME));
	return (p + CASE_FRAME - 1) / CASE_FRAME;
}

/* fk_wrap = 01 | e u32 | nonce | AEAD(k_fwrap_e, fk, "sava-file-v1" | case_id | attachment_id | e u32) */
static size_t
fwrap_ad(uint8_t ad[80], const uint8_t case_id[16], const uint8_t aid[16], uint32_t e)
{
	return case_ad_label(ad, "sava-file-v1", case_id, aid, e);
}

struct case_blob_writer {
	uint8_t fk[32], tk[32];
	uint8_t aid[16];
	uint8_t fk_wrap[CASE_FKWRAP_BYTES];
	crypto_secretstream_xchacha20poly1305_state spool;
	uint8_t spool_header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	uint8_t frame[CASE_FRAME];
	uint8_t ct[CASE_FRAME_CT];
	size_t fill;
	uint64_t real_len, spool_frames;
	char name[CASE_NAME_MAX];
	size_t name_len;
	char mime[CASE_MIME_MAX];
	size_t mime_len;
	case_pwrite_fn wr;
	case_pread_fn rd;
	void *arg;
	bool failed;
	bool bound;                 /* fk_wrap made (case_blob_writer_bind) */
	/* direct (case_blob_writer_expect): the stream written as it comes is already the
	 * final one, under fk, frame 0 sealed with the length expected; spool and
	 * spool_header are then that stream's, and finish needs no second pass when the
	 * length comes true */
	bool direct;
	uint64_t expect;
};

static uint64_t
frame_off(uint64_t i)
{
	return CASE_BLOB_HEAD + i * (uint64_t)CASE_FRAME_CT;
}

int
case_blob_writer_start(const uint8_t attachment_id[16], const char *name, size_t name_len, const char *mime,
    size_t mime_len, case_pwrite_fn wr, case_pread_fn rd, void *arg, case_blob_writer_t **out)
{
	if (name_len > CASE_NAME_MAX || mime_len > CASE_MIME_MAX || !wr || !rd)
		return -1;
	case_blob_writer_t *w = sodium_malloc(sizeof(*w));
	if (!w)
		return -1;
	memset(w, 0, sizeof(*w));
	crypto_secretstream_xchacha20poly1305_keygen(w->fk);
	crypto_secretstream_xchacha20poly1305_keygen(w->tk);
	crypto_secretstream_xchacha20poly1305_init_push(&w->spool, w->spool_header, w->tk);
	memcpy(w->aid, attachment_id, 16);
	if (name_len)
		memcpy(w->name, name, name_len);
	if (mime_len)
		memcpy(w->mime, mime, mime_len);
	w->name_len = name_len;
	w->mime_len = mime_len;
	w->wr = wr;
	w->rd = rd;
	w->arg = arg;
	*out = w;
	return 0;
}

/* fk_wrap = 01 | e | nonce | AEAD(file key, fk, AD): the writer's file key sealed to
 * the case at epoch e. */
static void
writer_wrap_fk(case_blob_writer_t *w, const uint8_t key[32], const uint8_t case_id[CASE_ID_BYTES], uint32_t e)
{
	uint8_t ad[80];
	w->fk_wrap[0] = 1;
	le32_put(w->fk_wrap + 1, e);
	randombytes_buf(w->fk_wrap + 5, NPUB);
	crypto_aead_xchacha20poly1305_ietf_encrypt(w->fk_wrap + 5 + NPUB, NULL, w->fk, 32, ad,
	    fwrap_ad(ad, case_id, w->aid, e), NULL, w->fk_wrap + 5, key);
	w->bound = true;
}

vault_status_t
case_blob_writer_bind(vault_t *v, const case_opener_t *who, const case_ref_t *ref, case_blob_writer_t *w)
{
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK && case_root_at(ref, CASE_KIND_CASE, ref->e, s) != 0)
		st = VAULT_NOT_FOUND;
	if (st == VAULT_OK) {
		case_subkey(s->key, s->root, CASE_KIND_CASE, 2);
		writer_wrap_fk(w, s->key, ref->case_id, ref->e);
	}
	case_secrets_free(s);
	return st;
}

vault_status_t
case_blob_writer_bind_keys(case_keys_t *k, case_blob_writer_t *w)
{
	uint8_t key[32], case_id[CASE_ID_BYTES];
	uint32_t e;
	if (case_keys_file_key(k, key, case_id, &e) != 0)
		return VAULT_NOT_FOUND;
	writer_wrap_fk(w, key, case_id, e);
	sodium_memzero(key, sizeof(key));
	return VAULT_OK;
}

vault_status_t
case_blob_writer_new(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t attachment_id[16],
    const char *name, size_t name_len, const char *mime, size_t mime_len, case_pwrite_fn wr, case_pread_fn rd,
    void *arg, case_blob_writer_t **out)
{
	case_blob_writer_t *w;
	if (case_blob_writer_start(attachment_id, name, name_len, mime, mime_len, wr, rd, arg, &w) != 0)
		return VAULT_ERROR;
	vault_status_t st = case_blob_writer_bind(v, who, ref, w);
	if (st != VAULT_OK)
		case_blob_writer_free(w);
	else
		*out = w;
	return st;
}

uint64_t
case_blob_writer_length(const case_blob_writer_t *w)
{
	return w->real_len;
}

/* First pass: the full frame buffer as spool frame number spool_frames. */
static int
writer_spool(case_blob_writer_t *w)
{
	crypto_secretstream_xchacha20poly1305_push(&w->spool, w->ct, NULL, w->frame, CASE_FRAME, w->aid, 16,
	    SS_TAG_MESSAGE);
	if (w->wr(w->arg, w->ct, CASE_FRAME_CT, frame_off(w->spool_frames + 1)) != 0)
		return -1;
	w->spool_frames++;
	w->fill = 0;
	return 0;
}

/* frame 0: real_len u64 | name_len u16 | name | mime_len u8 | mime, zero-filled */
static void
writer_meta_frame(case_blob_writer_t *w, uint64_t real_len)
{
	memset(w->frame, 0, CASE_FRAME);
	le64_put(w->frame, real_len);
	w->frame[8] = (uint8_t)w->name_len;
	w->frame[9] = (uint8_t)(w->name_len >> 8);
	memcpy(w->frame + 10, w->name, w->name_len);
	w->frame[10 + w->name_len] = (uint8_t)w->mime_len;
	memcpy(w->frame + 11 + w->name_len, w->mime, w->mime_len);
}

int
case_blob_writer_expect(case_blob_writer_t *w, uint64_t len)
{
	uint8_t head[CASE_BLOB_HEAD];
	if (w->failed || w->direct || w->real_len || w->spool_frames || len == 0 || len > CASE_BLOB_MAX)
		return -1;
	/* the final stream from its first byte: header and frame 0 under fk, as finish
	 * would write them (the spool key is not used) */
	head[0] = 1;
	crypto_secretstream_xchacha20poly1305_init_push(&w->spool, head + 1, w->fk);
	memcpy(w->spool_header, head + 1, sizeof(w->spool_header));
	writer_meta_frame(w, len);
	/* len > 0: at least one frame follows frame 0, so frame 0 is never the final one */
	crypto_secretstream_xchacha20poly1305_push(&w->spool, w->ct, NULL, w->frame, CASE_FRAME, w->aid, 16,
	    SS_TAG_MESSAGE);
	memset(w->frame, 0, CASE_FRAME);
	if (w->wr(w->arg, head, sizeof(head), 0) != 0 || w->wr(w->arg, w->ct, CASE_FRAME_CT, frame_off(0)) != 0) {
		w->failed = true;
		return -1;
	}
	w->direct = true;
	w->expect = len;
	return 0;
}

int
case_blob_writer_write(case_blob_writer_t *w, const uint8_t *p, size_t n)
{
	if (w->failed || n > CASE_BLOB_MAX - w->real_len) {
		w->failed = true;
		return -1;
	}
	w->real_len += n;
	while (n) {
		/* a full frame is held until more content comes: the last one may need the
		 * final tag, which only finish knows */
		if (w->fill == CASE_FRAME && writer_spool(w) != 0) {
			w->failed = true;
			return -1;
		}
		size_t take = CASE_FRAME - w->fill < n ? CASE_FRAME - w->fill : n;
		memcpy(w->frame + w->fill, p, take);
		w->fill += take;
		p += take;
		n -= take;
	}
	return 0;
}

/* Direct, and the length came true: the held frame and the padding, in the same stream,
 * the last one final. No byte is read back. */
static int
writer_finish_direct(case_blob_writer_t *w, uint64_t nframes)
{
	uint64_t i = w->spool_frames + 1;   /* the held frame's index */
	if (w->fill) {
		memset(w->frame + w->fill, 0, CASE_FRAME - w->fill);
		crypto_secretstream_xchacha20poly1305_push(&w->spool, w->ct, NULL, w->frame, CASE_FRAME, w->aid, 16,
		    i == nframes - 1 ? SS_TAG_FINAL : SS_TAG_MESSAGE);
		if (w->wr(w->arg, w->ct, CASE_FRAME_CT, frame_off(i)) != 0)
			return -1;
		i++;
	}
	memset(w->frame, 0, CASE_FRAME);
	for (; i < nframes; i++) {
		crypto_secretstream_xchacha20poly1305_push(&w->spool, w->ct, NULL, w->frame, CASE_FRAME, w->aid, 16,
		    i == nframes - 1 ? SS_TAG_FINAL : SS_TAG_MESSAGE);
		if (w->wr(w->arg, w->ct, CASE_FRAME_CT, frame_off(i)) != 0)
			return -1;
	}
	return 0;
}

int
case_blob_writer_finish(case_blob_writer_t *w, uint8_t fk_wrap[CASE_FKWRAP_BYTES], uint64_t *blob_len)
{
	crypto_secretstream_xchacha20poly1305_state st, pull;
	uint8_t head[CASE_BLOB_HEAD], tag = 0;
	int rc = -1;
	if (w->failed || !w->bound)
		goto done;
	uint64_t nframes = case_blob_frames(w->real_len);
	if (w->direct && w->real_len == w->expect) {
		if (nframes < w->spool_frames + 1 + (w->fill ? 1 : 0) || writer_finish_direct(w, nframes) != 0)
			goto done;
		goto written;
	}
	if (w->fill) {
		memset(w->frame + w->fill, 0, CASE_FRAME - w->fill);
		if (writer_spool(w) != 0)
			goto done;
	}
	if (nframes < w->spool_frames + 1)
		goto done;
	/* second pass. Its input is the spool under tk; or, when the length expected did
	 * not come true, the direct stream under fk, whose frame 0 is pulled (to advance
	 * the state) before the new frame 0 takes its place */
	if (crypto_secretstream_xchacha20poly1305_init_pull(&pull, w->spool_header, w->direct ? w->fk : w->tk) != 0)
		goto done;
	if (w->direct &&
	    (w->rd(w->arg, w->ct, CASE_FRAME_CT, frame_off(0)) != 0 ||
	     crypto_secretstream_xchacha20poly1305_pull(&pull, w->frame, NULL, &tag, w->ct, CASE_FRAME_CT, w->aid,
	         16) != 0 ||
	     tag != SS_TAG_MESSAGE))
		goto done;
	head[0] = 1;
	crypto_secretstream_xchacha20poly1305_init_push(&st, head + 1, w->fk);
	if (w->wr(w->arg, head, sizeof(head), 0) != 0)
		goto done;
	writer_meta_frame(w, w->real_len);
	crypto_secretstream_xchacha20poly1305_push(&st, w->ct, NULL, w->frame, CASE_FRAME, w->aid, 16,
	    nframes == 1 ? SS_TAG_FINAL : SS_TAG_MESSAGE);
	if (w->wr(w->arg, w->ct, CASE_FRAME_CT, frame_off(0)) != 0)
		goto done;
	/* each spool frame read back, opened, sealed under fk over itself */
	for (uint64_t i = 1; i < nframes; i++) {
		if (i <= w->spool_frames) {
			if (w->rd(w->arg, w->ct, CASE_FRAME_CT, frame_off(i)) != 0 ||
			    crypto_secretstream_xchacha20poly1305_pull(&pull, w->frame, NULL, &tag, w->ct, CASE_FRAME_CT,
			        w->aid, 16) != 0 ||
			    tag != SS_TAG_MESSAGE)
				goto done;
		} else {
			memset(w->frame, 0, CASE_FRAME);
		}
		crypto_secretstream_xchacha20poly1305_push(&st, w->ct, NULL, w->frame, CASE_FRAME, w->aid, 16,
		    i == nframes - 1 ? SS_TAG_FINAL : SS_TAG_MESSAGE);
		if (w->wr(w->arg, w->ct, CASE_FRAME_CT, frame_off(i)) != 0)
			goto done;
	}
written:
	memcpy(fk_wrap, w->fk_wrap, CASE_FKWRAP_BYTES);
	*blob_len = frame_off(nframes);
	rc = 0;
done:
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(&pull, sizeof(pull));
	case_blob_writer_free(w);
	return rc;
}

void
case_blob_writer_free(case_blob_writer_t *w)
{
	if (w)
		sodium_free(w);
}

enum { RD_HEAD = 0, RD_FRAMES, RD_DONE, RD_FAILED };

struct case_blob_reader {
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t fk[32];
	uint8_t aid[16];
	uint8_t in[CASE_FRAME_CT];
	size_t fill;
	uint8_t pt[CASE_FRAME];
	uint64_t index, nframes, real_len;
	int state;
	case_blob_sink_t sink;
};

int
case_blob_reader_new_raw(const uint8_t fk[32], const uint8_t attachment_id[16], const case_blob_sink_t *sink,
    case_blob_reader_t **out)
{
	case_blob_reader_t *r = sodium_malloc(sizeof(*r));
	if (!r)
		return -1;
	memset(r, 0, sizeof(*r));
	memcpy(r->fk, fk, 32);
	memcpy(r->aid, attachment_id, 16);
	r->sink = *sink;
	r->state = RD_HEAD;
	*out = r;
	return 0;
}

vault_status_t
case_blob_reader_new(vault_t *v, const case_opener_t *who, const case_ref_t *ref, const uint8_t attachment_id[16],
    const uint8_t fk_wrap[CASE_FKWRAP_BYTES], const case_blob_sink_t *sink, case_blob_reader_t **out)
{
	uint8_t ad[80];
	if (fk_wrap[0] != 1)
		return VAULT_NOT_FOUND;
	struct case_secrets *s = case_secrets_new();
	if (!s)
		return VAULT_ERROR;
	uint32_t e = le32_get(fk_wrap + 1);
	vault_status_t st = case_unlock(v, who, ref, s);
	if (st == VAULT_OK && case_root_at(ref, CASE_KIND_CASE, e, s) != 0)
		st = VAULT_NOT_FOUND;
	if (st == VAULT_OK) {
		case_subkey(s->key, s->root, CASE_KIND_CASE, 2);
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(s->fk, NULL, NULL, fk_wrap + 5 + NPUB, 32 + ATAG, ad,
		        fwrap_ad(ad, ref->case_id, attachment_id, e), fk_wrap + 5, s->key) != 0)
			st = VAULT_NOT_FOUND;
	}
	if (st == VAULT_OK && case_blob_reader_new_raw(s->fk, attachment_id, sink, out) != 0)
		st = VAULT_ERROR;
	case_secrets_free(s);
	return st;
}

/* ---- the keys of a background job ---- */

struct case_file_keys {
	uint8_t case_id[CASE_ID_BYTES];
	uint32_t e;                 /* the epoch new files are sealed at */
	uint8_t wrap[32];           /* k_fwrap_e */
	uint8_t aid[16];            /* the input file */
	uint8_t fk[32];             /* and its file key */
};

vault_status_t
case_file_keys_new(case_keys_t *k, const uint8_t attachment_id[16], const uint8_t fk_wrap[CASE_FKWRAP_BYTES],
    case_file_keys_t **out)
{
	uint8_t ad[80], key[32];
	*out = NULL;
	if (fk_wrap[0] != 1)
		return VAULT_NOT_FOUND;
	case_file_keys_t *j = secmem_alloc(sizeof(*j));
	if (!j)
		return VAULT_ERROR;
	uint32_t e = le32_get(fk_wrap + 1);
	vault_status_t st = VAULT_NOT_FOUND;
	if (case_keys_file_key(k, j->wrap, j->case_id, &j->e) == 0 && e <= j->e && case_keys_file_key_at(k, e, key) == 0 &&
	    crypto_aead_xchacha20poly1305_ietf_decrypt(j->fk, NULL, NULL, fk_wrap + 5 + NPUB, 32 + ATAG, ad,
	        fwrap_ad(ad, j->case_id, attachment_id, e), fk_wrap + 5, key) == 0) {
		memcpy(j->aid, attachment_id, 16);
		*out = j;
		st = VAULT_OK;
	}
	sodium_memzero(key, sizeof(key));
	if (st != VAULT_OK)
		secmem_free(j);
	return st;
}

vault_status_t
case_file_keys_reader(const case_file_keys_t *j, const case_blob_sink_t *sink, case_blob_reader_t **out)
{
	return case_blob_reader_new_raw(j->fk, j->aid, sink, out) == 0 ? VAULT_OK : VAULT_ERROR;
}

vault_status_t
case_blob_writer_bind_file_keys(const case_file_keys_t *j, case_blob_writer_t *w)
{
	writer_wrap_fk(w, j->wrap, j->case_id, j->e);
	return VAULT_OK;
}

void
case_file_keys_free(case_file_keys_t *j)
{
	secmem_free(j);   /* wiped */
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* One whole frame in r->in: opens it, checks its tag and padding, passes on its content. */
static int
reader_frame(case_blob_reader_t *r)
{
	uint8_t tag = 0xff;
	if (crypto_secretstream_xchacha20poly1305_pull(&r->st, r->pt, NULL, &tag, r->in, CASE_FRAME_CT, r->aid, 16) != 0)
		return -1;
	if (r->index == 0) {
		r->real_len = le64_get(r->pt);
		size_t name_len = (size_t)r->pt[8] | (size_t)r->pt[9] << 8;
		if (r->real_len > CASE_BLOB_MAX || name_len > CASE_NAME_MAX)
			return -1;
		size_t mime_len = r->pt[10 + name_len];
		size_t used = 11 + name_len + mime_len;
		if (mime_len > CASE_MIME_MAX || !all_zero(r->pt + used, CASE_FRAME - used))
			return -1;
		r->nframes = case_blob_frames(r->real_len);
		if (r->nframes == 0)
			return -1;
		if (r->sink.meta &&
		    r->sink.meta(r->sink.arg, r->real_len, (const char *)r->pt + 10, name_len,
		        (const char *)r->pt + 11 + name_len, mime_len) != 0)
			return -1;
	} else {
		uint64_t off = (r->index - 1) * (uint64_t)CASE_FRAME;
		size_t take = off >= r->real_len ? 0 : r->real_len - off < CASE_FRAME ? (size_t)(r->real_len - off) : CASE_FRAME;
		if (!all_zero(r->pt + take, CASE_FRAME - take))
			return -1;
		if (take && r->sink.data && r->sink.data(r->sink.arg, r->pt, take) != 0)
			return -1;
	}
	bool last = r->index == r->nframes - 1;
	if (tag != (last ? SS_TAG_FINAL : SS_TAG_MESSAGE))
		return -1;
	r->index++;
	r->state = last ? RD_DONE : RD_FRAMES;
	return 0;
}

int
case_blob_reader_feed(case_blob_reader_t *r, const uint8_t *p, size_t n)
{
	while (n && r->state != RD_FAILED) {
		if (r->state == RD_DONE) {
			r->state = RD_FAILED;   /* a byte after TAG_FINAL */
			break;
		}
		size_t want = r->state == RD_HEAD ? CASE_BLOB_HEAD : CASE_FRAME_CT;
		size_t take = want - r->fill < n ? want - r->fill : n;
		memcpy(r->in + r->fill, p, take);
		r->fill += take;
		p += take;
		n -= take;
		if (r->fill < want)
			break;
		r->fill = 0;
		if (r->state == RD_HEAD) {
			if (r->in[0] != 1 || crypto_secretstream_xchacha20poly1305_init_pull(&r->st, r->in + 1, r->fk) != 0)
				r->state = RD_FAILED;
			else
				r->state = RD_FRAMES;
		} else if (reader_frame(r) != 0) {
			r->state = RD_FAILED;
		}
	}
	if (r->state == RD_FAILED) {
		sodium_memzero(r->pt, sizeof(r->pt));
		return -1;
	}
	return 0;
}

int
case_blob_reader_end(case_blob_reader_t *r)
{
	return r->state == RD_DONE && r->fill == 0 ? 0 : -1;
}

void
case_blob_reader_free(case_blob_reader_t *r)
{
	if (r)
		sodium_free(r);
}
