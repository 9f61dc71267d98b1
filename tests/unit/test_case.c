/* Unit tests for vault/case and vault/shredkf: the byte formats of CRYPTO.md "Receipts",
 * "Cases", "Files", "Shred-key file" and "Padding", pinned by a second implementation written
 * here with libsodium alone (records built here must open in case.c, and records case.c makes
 * must open here), then tampering, epochs and links, shredding, and receipts. */
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "vault/case.h"
#include "vault/shredkf.h"
#include "vault/vault.h"

#define CHECK_AT(cond, what, i)                                              \
	do {                                                                     \
		int ok_at_ = (cond) ? 1 : 0;                                         \
		CHECK(ok_at_);                                                       \
		if (!ok_at_)                                                         \
			fprintf(stderr, "    ^ %s, position %zu\n", (what), (size_t)(i)); \
	} while (0)

#define NPUB crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define ATAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define FR   65536
#define FRCT (65536 + 17)

/* Receipt "1234567890123456", salt 00..0f, z 00..1f, Argon2id ops 1 / 8 KiB: A's lookup,
 * pk_req and the audit id, computed with PyNaCl (argon2id.kdf, PrivateKey.from_seed) and
 * hashlib.blake2b (KDF: key A, salt = id LE | zeros, person = ctx | zeros). */
#define KAT_LOOKUP "6dfad0a728672dd4b7275637c64d85e109291c899ceb9a1fd60c362c83916225"
#define KAT_PKREQ  "9290f6277b5c91c89d03e1f9e69e398b2f965cc034663fba7e2ae9fdb6def159"
#define KAT_AUDIT  "70ccf37a71cfd00d4f88e58aa92a248b"

/* ---- the reference implementation (libsodium only) ---- */

static void
le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* CRYPTO.md "Padding", written out again: E, S, m; minimum 256. */
static size_t
ref_padme(size_t l)
{
	if (l <= 256)
		return 256;
	unsigned e = 0, s = 0;
	while (((size_t)1 << (e + 1)) <= l)
		e++;
	while ((1u << (s + 1)) <= e)
		s++;
	s += 1;
	size_t m = ((size_t)1 << (e - s)) - 1;
	return (l + m) & ~m;
}

static void
ref_root(uint8_t out[32], const uint8_t z[32], int notes, const uint8_t cid[16], uint32_t e, const uint8_t sec[32])
{
	uint8_t m[12 + 16 + 4 + 32];
	memcpy(m, notes ? "sava-note-v1" : "sava-case-v1", 12);
	memcpy(m + 12, cid, 16);
	le32(m + 28, e);
	memcpy(m + 32, sec, 32);
	crypto_generichash(out, 32, m, sizeof(m), z, 32);
}

static void
ref_key(uint8_t out[32], const uint8_t z[32], int notes, const uint8_t cid[16], uint32_t e, const uint8_t sec[32],
    uint64_t id)
{
	uint8_t root[32];
	ref_root(root, z, notes, cid, e, sec);
	crypto_kdf_derive_from_key(out, 32, id, notes ? "savaNOTE" : "savaCASE", root);
}

static void
ref_copy(uint8_t out[CASE_COPY_BYTES], const uint8_t pk[32], uint8_t kind, const uint8_t cid[16], uint32_t e,
    const uint8_t sec[32])
{
	uint8_t p[54];
	p[0] = 1;
	p[1] = kind;
	memcpy(p + 2, cid, 16);
	le32(p + 18, e);
	memcpy(p + 22, sec, 32);
	if (crypto_box_seal(out, p, sizeof(p), pk) != 0)
		memset(out, 0, CASE_COPY_BYTES);
}

static size_t
ref_item_ad(uint8_t ad[44], uint8_t kind, const uint8_t cid[16], const uint8_t iid[16], uint32_t e, uint8_t role,
    uint8_t field)
{
	memcpy(ad, "sava\x01", 5);
	ad[5] = kind;
	memcpy(ad + 6, cid, 16);
	memcpy(ad + 22, iid, 16);
	le32(ad + 38, e);
	ad[42] = role;
	ad[43] = field;
	return 44;
}

/* item = 01 | e | nonce | AEAD(key, pt | 80 | 00.., padme(len + 1)); returns its length */
static size_t
ref_item(uint8_t *out, const uint8_t key[32], uint8_t kind, const uint8_t cid[16], const uint8_t iid[16], uint32_t e,
    uint8_t role, uint8_t field, const uint8_t *pt, size_t len)
{
	size_t padded = ref_padme(len + 1);
	uint8_t *buf = calloc(1, padded), ad[44];
	memcpy(buf, pt, len);
	buf[len] = 0x80;
	out[0] = 1;
	le32(out + 1, e);
	randombytes_buf(out + 5, NPUB);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 29, NULL, buf, padded, ad,
	    ref_item_ad(ad, kind, cid, iid, e, role, field), NULL, out + 5, key);
	free(buf);
	return 45 + padded;
}

/* Opens an item here; returns the real length or -1. */
static long
ref_item_open(uint8_t *pt, const uint8_t *item, size_t len, const uint8_t key[32], uint8_t kind, const uint8_t cid[16],
    const uint8_t iid[16], uint8_t role, uint8_t field)
{
	uint8_t ad[44];
	size_t padded = len - 45;
	if (item[0] != 1)
		return -1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, item + 29, padded + ATAG, ad,
	        ref_item_ad(ad, kind, cid, iid, rd32(item + 1), role, field), item + 5, key) != 0)
		return -1;
	size_t i = padded;
	while (i > 0 && pt[i - 1] == 0)
		i--;
	if (i == 0 || pt[i - 1] != 0x80)
		return -1;
	return (long)(i - 1);
}

static size_t
ref_label_ad(uint8_t ad[80], const char *label, const uint8_t cid[16], const uint8_t *id, uint32_t e)
{
	size_t n = strlen(label);
	memcpy(ad, label, n);
	memcpy(ad + n, cid, 16);
	n += 16;
	if (id) {
		memcpy(ad + n, id, 16);
		n += 16;
	}
	le32(ad + n, e);
	return n + 4;
}

/* link_e = 01 | nonce | AEAD(k_link_{e+1}, secret_e, label | cid | e) */
static void
ref_link(uint8_t out[CASE_LINK_BYTES], const uint8_t k[32], const uint8_t sec[32], const char *label,
    const uint8_t cid[16], uint32_t e)
{
	uint8_t ad[80];
	out[0] = 1;
	randombytes_buf(out + 1, NPUB);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 25, NULL, sec, 32, ad, ref_label_ad(ad, label, cid, NULL, e),
	    NULL, out + 1, k);
}

static int
ref_link_open(uint8_t sec[32], const uint8_t link[CASE_LINK_BYTES], const uint8_t k[32], const char *label,
    const uint8_t cid[16], uint32_t e)
{
	uint8_t ad[80];
	return link[0] == 1 ? crypto_aead_xchacha20poly1305_ietf_decrypt(sec, NULL, NULL, link + 25, 32 + ATAG, ad,
	                          ref_label_ad(ad, label, cid, NULL, e), link + 1, k)
	                    : -1;
}

static void
ref_fkwrap(uint8_t out[CASE_FKWRAP_BYTES], const uint8_t kf[32], const uint8_t fk[32], const uint8_t cid[16],
    const uint8_t aid[16], uint32_t e)
{
	uint8_t ad[80];
	out[0] = 1;
	le32(out + 1, e);
	randombytes_buf(out + 5, NPUB);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 29, NULL, fk, 32, ad, ref_label_ad(ad, "sava-file-v1", cid, aid, e),
	    NULL, out + 5, kf);
}

static size_t
ref_frames(uint64_t real)
{
	return (ref_padme((size_t)real + FR) + FR - 1) / FR;
}

/* blob = 01 | header | frames; returns its length (out is malloc()ed). */
static size_t
ref_blob(uint8_t **out, const uint8_t fk[32], const uint8_t aid[16], const char *name, const char *mime,
    const uint8_t *content, size_t len)
{
	crypto_secretstream_xchacha20poly1305_state st;
	size_t n = ref_frames(len), total = 25 + n * FRCT;
	uint8_t *b = malloc(total), *frame = malloc(FR);
	b[0] = 1;
	crypto_secretstream_xchacha20poly1305_init_push(&st, b + 1, fk);
	for (size_t i = 0; i < n; i++) {
		memset(frame, 0, FR);
		if (i == 0) {
			size_t nl = strlen(name), ml = strlen(mime);
			for (int k = 0; k < 8; k++)
				frame[k] = (uint8_t)((uint64_t)len >> (8 * k));
			frame[8] = (uint8_t)nl;
			frame[9] = (uint8_t)(nl >> 8);
			memcpy(frame + 10, name, nl);
			frame[10 + nl] = (uint8_t)ml;
			memcpy(frame + 11 + nl, mime, ml);
		} else if ((i - 1) * FR < len) {
			size_t off = (i - 1) * FR, take = len - off < FR ? len - off : FR;
			memcpy(frame, content + off, take);
		}
		crypto_secretstream_xchacha20poly1305_push(&st, b + 25 + i * FRCT, NULL, frame, FR, aid, 16,
		    i == n - 1 ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
	}
	free(frame);
	*out = b;
	return total;
}

static void
ref_sess(sess_t *s, uint8_t kind, const uint8_t owner[16], const uint8_t sk[32])
{
	uint8_t kek[32], ad[61];
	memset(s, 0, sizeof(*s));
	randombytes_buf(s->c, 32);
	crypto_kdf_derive_from_key(s->sid, 32, 1, "savaSESS", s->c);
	crypto_kdf_derive_from_key(kek, 32, 2, "savaSESS", s->c);
	s->kind = kind;
	memcpy(s->owner, owner, 16);
	memcpy(ad, "sava-sess-v1", 12);
	ad[12] = kind;
	memcpy(ad + 13, owner, 16);
	memcpy(ad + 29, s->sid, 32);
	s->box[0] = 1;
	randombytes_buf(s->box + 1, NPUB);
	crypto_aead_xchacha20poly1305_ietf_encrypt(s->box + 25, NULL, sk, 32, ad, sizeof(ad), NULL, s->box + 1, kek);
}

static void
ref_group_seal(uint8_t out[GROUP_SEAL_BYTES], const uint8_t pk[32], uint8_t tag, const uint8_t gid[16], uint32_t g,
    const uint8_t sk_g[32])
{
	uint8_t p[53];
	p[0] = tag;
	memcpy(p + 1, gid, 16);
	le32(p + 17, g);
	memcpy(p + 21, sk_g, 32);
	if (crypto_box_seal(out, p, sizeof(p), pk) != 0)
		memset(out, 0, GROUP_SEAL_BYTES);
}

/* slot = state | kind | rsv 2 | e | object_id | z | lookup | rsv 40, written at 16 + 128 i */
static int
ref_slot_write(const char *kf, uint32_t i, const uint8_t cid[16], const uint8_t z[32], const uint8_t lookup[32])
{
	uint8_t s[128] = { 1, 0 };
	memcpy(s + 8, cid, 16);
	memcpy(s + 24, z, 32);
	memcpy(s + 56, lookup, 32);
	int fd = open(kf, O_WRONLY);
	int ok = fd >= 0 && pwrite(fd, s, 128, 16 + 128 * (off_t)i) == 128;
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static int
ref_slot_read(const char *kf, uint32_t i, uint8_t s[128])
{
	int fd = open(kf, O_RDONLY);
	int ok = fd >= 0 && pread(fd, s, 128, 16 + 128 * (off_t)i) == 128;
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* ---- in-memory destination for the blob writer ---- */

typedef struct {
	uint8_t *p;
	size_t len, cap;
	int fail_at_write;   /* fail the n-th write (1-based); 0 never */
	int writes;
	int reads;
} mem_file_t;

static int
mem_pwrite(void *arg, const uint8_t *p, size_t n, uint64_t off)
{
	mem_file_t *f = arg;
	if (f->fail_at_write && ++f->writes == f->fail_at_write)
		return -1;
	if (off + n > f->cap) {
		size_t c = (size_t)(off + n) * 2;
		f->p = realloc(f->p, c);
		memset(f->p + f->cap, 0, c - f->cap);
		f->cap = c;
	}
	memcpy(f->p + off, p, n);
	if (off + n > f->len)
		f->len = (size_t)(off + n);
	return 0;
}

static int
mem_pread(void *arg, uint8_t *p, size_t n, uint64_t off)
{
	mem_file_t *f = arg;
	f->reads++;
	if (off + n > f->len)
		return -1;
	memcpy(p, f->p + off, n);
	return 0;
}

typedef struct {
	uint8_t *data;
	size_t len, cap;
	uint64_t real_len;
	char name[CASE_NAME_MAX + 1], mime[CASE_MIME_MAX + 1];
	int metas;
} sink_buf_t;

static int
sink_meta(void *arg, uint64_t real_len, const char *name, size_t nl, const char *mime, size_t ml)
{
	sink_buf_t *b = arg;
	b->real_len = real_len;
	memcpy(b->name, name, nl);
	b->name[nl] = '\0';
	memcpy(b->mime, mime, ml);
	b->mime[ml] = '\0';
	b->metas++;
	return 0;
}

static int
sink_data(void *arg, const uint8_t *p, size_t n)
{
	sink_buf_t *b = arg;
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->data = realloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/* Feeds a blob to a reader in pieces of step bytes: 0 when feed and end both accept it. */
static int
read_blob(case_blob_reader_t *r, const uint8_t *b, size_t len, size_t step)
{
	int rc = 0;
	for (size_t off = 0; off < len && rc == 0; off += step)
		rc = case_blob_reader_feed(r, b + off, len - off < step ? len - off : step);
	if (rc == 0)
		rc = case_blob_reader_end(r);
	case_blob_reader_free(r);
	return rc;
}

/* ---- fixtures ---- */

static char g_dir[64], g_kf[128];
static uint8_t g_salt[16];

typedef struct {
	uint8_t cid[16], z[32], s[32], n[32], gid[16];
	uint8_t acct_id[16], pk_a[32], sk_a[32];   /* a staff account */
	uint8_t pk_g[32], sk_g[32];                /* its group's key at epoch 3 */
	case_opener_t who;
	case_ref_t ref;
	uint32_t slot;
} pinned_t;

/* A case built wholly here: slot 5 written into shred.kf, copies sealed to the group key. */
static void
pinned_make(pinned_t *p)
{
	memset(p, 0, sizeof(*p));
	randombytes_buf(p->cid, 16);
	randombytes_buf(p->z, 32);
	randombytes_buf(p->s, 32);
	randombytes_buf(p->n, 32);
	randombytes_buf(p->gid, 16);
	randombytes_buf(p->acct_id, 16);
	crypto_box_keypair(p->pk_a, p->sk_a);
	crypto_box_keypair(p->pk_g, p->sk_g);
	uint8_t lookup[32];
	randombytes_buf(lookup, 32);
	p->slot = 5;
	CHECK(ref_slot_write(g_kf, p->slot, p->cid, p->z, lookup) == 0);
	p->who.by = CASE_BY_GROUP;
	ref_sess(&p->who.sess, SESS_KIND_STAFF, p->acct_id, p->sk_a);
	memcpy(p->who.group_id, p->gid, 16);
	p->who.group_epoch = 3;
	ref_group_seal(p->who.group_copy, p->pk_a, 2, p->gid, 3, p->sk_g);
	memcpy(p->ref.case_id, p->cid, 16);
	p->ref.slot = p->slot;
	p->ref.e = 0;
	ref_copy(p->ref.copy, p->pk_g, 0, p->cid, 0, p->s);
	ref_copy(p->ref.ncopy, p->pk_g, 1, p->cid, 0, p->n);
}

/* 1. Items built here open in case.c and the reverse; every bit and every AD input counts. */
static void
test_items(vault_t *v)
{
	pinned_t p;
	pinned_make(&p);
	uint8_t iid[16], key[32], item[2048], pt[2048], out[2048];
	size_t n = 0;
	const char *msg = "I was detained at the border crossing on Tuesday.";
	size_t mlen = strlen(msg);
	randombytes_buf(iid, 16);

	/* kind 0 under k_item, kind 1 under k_note */
	ref_key(key, p.z, 0, p.cid, 0, p.s, 1);
	size_t ilen = ref_item(item, key, 0, p.cid, iid, 0, CASE_ROLE_STAFF, 7, (const uint8_t *)msg, mlen);
	CHECK(ilen == 45 + 256);
	CHECK(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) == VAULT_OK);
	CHECK(n == mlen && memcmp(pt, msg, mlen) == 0);
	/* the same bytes claimed as notes, or with the notes key: refused */
	CHECK(case_item_open(v, &p.who, &p.ref, 1, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	uint8_t nkey[32];
	ref_key(nkey, p.z, 1, p.cid, 0, p.n, 1);
	size_t nlen = ref_item(out, nkey, 1, p.cid, iid, 0, CASE_ROLE_STAFF, 9, (const uint8_t *)msg, mlen);
	CHECK(case_item_open(v, &p.who, &p.ref, 1, iid, CASE_ROLE_STAFF, 9, out, nlen, pt, sizeof(pt), &n) == VAULT_OK);
	CHECK(n == mlen && memcmp(pt, msg, mlen) == 0);
	/* k_note is KDF(nroot, 1, "savaNOTE"), not the case key */
	CHECK(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 9, out, nlen, pt, sizeof(pt), &n) != VAULT_OK);

	/* the reverse: case.c seals, this file opens */
	CHECK(case_item_seal(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 4, (const uint8_t *)msg, mlen, out, sizeof(out),
	          &n) == VAULT_OK);
	CHECK(n == 45 + 256 && out[0] == 1 && rd32(out + 1) == 0);
	CHECK(ref_item_open(pt, out, n, key, 0, p.cid, iid, CASE_ROLE_STAFF, 4) == (long)mlen && memcmp(pt, msg, mlen) == 0);
	CHECK(case_item_seal(v, &p.who, &p.ref, 1, iid, CASE_ROLE_STAFF, 4, (const uint8_t *)msg, mlen, out, sizeof(out),
	          &n) == VAULT_OK);
	CHECK(ref_item_open(pt, out, n, nkey, 1, p.cid, iid, CASE_ROLE_STAFF, 4) == (long)mlen);
	/* staff may not write as the requester; a full buffer is needed */
	CHECK(case_item_seal(v, &p.who, &p.ref, 0, iid, CASE_ROLE_REQUESTER, 4, (const uint8_t *)msg, mlen, out,
	          sizeof(out), &n) != VAULT_OK);
	CHECK(case_item_seal(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 4, (const uint8_t *)msg, mlen, out, 300, &n) !=
	    VAULT_OK);

	/* Padmé lengths of items, 0 bytes included */
	static const size_t lens[] = { 0, 1, 254, 255, 256, 300, 1000, 1500 };
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		uint8_t src[1500];
		randombytes_buf(src, lens[k]);
		CHECK_AT(case_item_seal(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 1, src, lens[k], out, sizeof(out), &n) ==
		        VAULT_OK && n == 45 + ref_padme(lens[k] + 1) && n == 45 + vault_padme(lens[k] + 1),
		    "padme length", lens[k]);
		CHECK_AT(ref_item_open(pt, out, n, key, 0, p.cid, iid, CASE_ROLE_STAFF, 1) == (long)lens[k] &&
		        memcmp(pt, src, lens[k]) == 0,
		    "padded item", lens[k]);
		size_t m = 0;
		CHECK(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 1, out, n, pt, sizeof(pt), &m) == VAULT_OK &&
		    m == lens[k]);
	}
	/* a padding that is not padme(len + 1) long is refused even with a good tag */
	{
		uint8_t odd[45 + 512], buf[512] = { 0 }, ad[44];
		memcpy(buf, "short", 5);
		buf[5] = 0x80;
		odd[0] = 1;
		le32(odd + 1, 0);
		randombytes_buf(odd + 5, NPUB);
		crypto_aead_xchacha20poly1305_ietf_encrypt(odd + 29, NULL, buf, 512, ad,
		    ref_item_ad(ad, 0, p.cid, iid, 0, CASE_ROLE_STAFF, 1), NULL, odd + 5, key);
		CHECK(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 1, odd, sizeof(odd), pt, sizeof(pt), &n) !=
		    VAULT_OK);
	}

	/* one bit anywhere in the item */
	for (size_t i = 0; i < ilen; i++) {
		for (int b = 0; b < 8; b += 3) {
			item[i] ^= (uint8_t)(1u << b);
			CHECK_AT(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) !=
			        VAULT_OK,
			    "item bit", i);
			item[i] ^= (uint8_t)(1u << b);
		}
	}
	CHECK(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) == VAULT_OK);
	CHECK(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, item, ilen - 1, pt, sizeof(pt), &n) != VAULT_OK);
	/* its AD inputs: item id, role, field, kind; case id and epoch through the ref */
	for (size_t i = 0; i < 16; i++) {
		iid[i] ^= 0x10;
		CHECK_AT(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) !=
		        VAULT_OK,
		    "item id", i);
		iid[i] ^= 0x10;
	}
	CHECK(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_SYSTEM, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	CHECK(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 6, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	CHECK(case_item_open(v, &p.who, &p.ref, 2, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	{
		/* an item claiming epoch 1 under the epoch-0 key */
		uint8_t e1[2048];
		size_t l1 = ref_item(e1, key, 0, p.cid, iid, 1, CASE_ROLE_STAFF, 7, (const uint8_t *)msg, mlen);
		CHECK(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, e1, l1, pt, sizeof(pt), &n) != VAULT_OK);
		/* the right key for case id X, presented for case id Y (slot and copies made for Y) */
		uint8_t other[16];
		randombytes_buf(other, 16);
		l1 = ref_item(e1, key, 0, other, iid, 0, CASE_ROLE_STAFF, 7, (const uint8_t *)msg, mlen);
		CHECK(case_item_open(v, &p.who, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, e1, l1, pt, sizeof(pt), &n) != VAULT_OK);
	}
	/* the ref's case id not matching the slot */
	case_ref_t bad = p.ref;
	bad.case_id[3] ^= 1;
	CHECK(case_item_open(v, &p.who, &bad, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	bad = p.ref;
	bad.slot = 6;
	CHECK(case_item_open(v, &p.who, &bad, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);

	/* a copy: any bit, or a copy for another kind, case or epoch */
	for (size_t i = 0; i < CASE_COPY_BYTES; i++) {
		bad = p.ref;
		bad.copy[i] ^= 0x04;
		CHECK_AT(case_item_open(v, &p.who, &bad, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK,
		    "copy bit", i);
	}
	bad = p.ref;
	ref_copy(bad.copy, p.pk_g, 1, p.cid, 0, p.s);
	CHECK(case_item_open(v, &p.who, &bad, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	ref_copy(bad.copy, p.pk_g, 0, p.cid, 1, p.s);
	CHECK(case_item_open(v, &p.who, &bad, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	ref_copy(bad.copy, p.pk_g, 0, p.cid, 0, p.s);
	CHECK(case_item_open(v, &p.who, &bad, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) == VAULT_OK);

	/* the group copy of another epoch, or a session of another account */
	case_opener_t w2 = p.who;
	w2.group_epoch = 2;
	CHECK(case_item_open(v, &w2, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	w2 = p.who;
	w2.group_copy[50] ^= 1;
	CHECK(case_item_open(v, &w2, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	/* group rotated twice since: g 5 opens g 3 through glink_4 and glink_3 */
	{
		uint8_t pk4[32], sk4[32], pk5[32], sk5[32], gl[2][GROUP_SEAL_BYTES];
		crypto_box_keypair(pk4, sk4);
		crypto_box_keypair(pk5, sk5);
		ref_group_seal(gl[0], pk5, 3, p.gid, 4, sk4);
		ref_group_seal(gl[1], pk4, 3, p.gid, 3, p.sk_g);
		w2 = p.who;
		w2.group_epoch = 5;
		ref_group_seal(w2.group_copy, p.pk_a, 2, p.gid, 5, sk5);
		w2.glinks = (const uint8_t(*)[GROUP_SEAL_BYTES])gl;
		w2.nglinks = 2;
		CHECK(case_item_open(v, &w2, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) == VAULT_OK);
		w2.nglinks = 1;
		CHECK(case_item_open(v, &w2, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
		w2.nglinks = 2;
		gl[1][60] ^= 1;
		CHECK(case_item_open(v, &w2, &p.ref, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	}
	/* a staff account holding a direct copy (fan-out): BY_SESSION */
	{
		case_opener_t d = { .by = CASE_BY_SESSION };
		d.sess = p.who.sess;
		case_ref_t r = p.ref;
		ref_copy(r.copy, p.pk_a, 0, p.cid, 0, p.s);
		CHECK(case_item_open(v, &d, &r, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) == VAULT_OK);
		d.sess.box[30] ^= 1;
		CHECK(case_item_open(v, &d, &r, 0, iid, CASE_ROLE_STAFF, 7, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	}
}

/* 2. Receipts: the form, the known answer, the requester's opener. */
static void
test_receipts(vault_t *v)
{
	char r[RECEIPT_DIGITS_MAX + 1], hex[65];
	CHECK(case_receipt_new(16, r) == 0 && strlen(r) == 16 && strspn(r, "0123456789") == 16);
	CHECK(case_receipt_new(20, r) == 0 && strlen(r) == 20 && strspn(r, "0123456789") == 20);
	CHECK(case_receipt_new(15, r) != 0 && case_receipt_new(21, r) != 0);
	/* every digit about equally often: 160,000 digits, each within 5% of 16,000 */
	unsigned counts[10] = { 0 };
	for (int i = 0; i < 10000; i++) {
		CHECK(case_receipt_new(16, r) == 0);
		for (int k = 0; k < 16; k++)
			counts[r[k] - '0']++;
	}
	for (int d = 0; d < 10; d++)
		CHECK_AT(counts[d] > 15200 && counts[d] < 16800, "digit count", d);

	/* the known answer */
	uint8_t salt[16], z[32], lookup[32], pk[32], again[32];
	for (int i = 0; i < 16; i++)
		salt[i] = (uint8_t)i;
	for (int i = 0; i < 32; i++)
		z[i] = (uint8_t)i;
	CHECK(case_receipt_keys(salt, "1234567890123456", 16, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN, z,
	          lookup, pk) == 0);
	sodium_bin2hex(hex, sizeof(hex), lookup, 32);
	CHECK(strcmp(hex, KAT_LOOKUP) == 0);
	sodium_bin2hex(hex, sizeof(hex), pk, 32);
	CHECK(strcmp(hex, KAT_PKREQ) == 0);
	if (strcmp(hex, KAT_PKREQ) != 0)
		fprintf(stderr, "pk_req: %s\n", hex);
	CHECK(vault_receipt_lookup(salt, "1234567890123456", 16, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
	          again) == 0 &&
	    memcmp(again, lookup, 32) == 0);
	/* not digits, or not 16..20 of them */
	CHECK(case_receipt_keys(salt, "123456789012345a", 16, 1, crypto_pwhash_MEMLIMIT_MIN, z, lookup, pk) != 0);
	CHECK(case_receipt_keys(salt, "123456789012345", 15, 1, crypto_pwhash_MEMLIMIT_MIN, z, lookup, pk) != 0);

	/* a pinned slot whose lookup is this instance's: the requester opens with the receipt */
	const char *rc = "5555666677778888";
	uint8_t cid[16], s0[32], iid[16], key[32], item[512], pt[512];
	size_t n = 0;
	randombytes_buf(cid, 16);
	randombytes_buf(z, 32);
	randombytes_buf(s0, 32);
	randombytes_buf(iid, 16);
	CHECK(case_receipt_keys(g_salt, rc, 16, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN, z, lookup, pk) == 0);
	CHECK(ref_slot_write(g_kf, 9, cid, z, lookup) == 0);
	case_ref_t ref = { .slot = 9, .e = 0 };
	memcpy(ref.case_id, cid, 16);
	ref_copy(ref.copy, pk, 0, cid, 0, s0);
	ref_key(key, z, 0, cid, 0, s0, 1);
	size_t ilen = ref_item(item, key, 0, cid, iid, 0, CASE_ROLE_STAFF, 2, (const uint8_t *)"hello", 5);
	case_opener_t who = { .by = CASE_BY_RECEIPT, .receipt_len = 16 };
	memcpy(who.receipt, rc, 16);
	CHECK(case_item_open(v, &who, &ref, 0, iid, CASE_ROLE_STAFF, 2, item, ilen, pt, sizeof(pt), &n) == VAULT_OK &&
	    n == 5 && memcmp(pt, "hello", 5) == 0);
	CHECK(case_item_open(v, &who, &ref, 1, iid, CASE_ROLE_STAFF, 2, item, ilen, pt, sizeof(pt), &n) != VAULT_OK);
	/* the requester writes only as the requester, only kind 0 */
	CHECK(case_item_seal(v, &who, &ref, 0, iid, CASE_ROLE_REQUESTER, 3, (const uint8_t *)"hi", 2, item, sizeof(item),
	          &n) == VAULT_OK);
	CHECK(ref_item_open(pt, item, n, key, 0, cid, iid, CASE_ROLE_REQUESTER, 3) == 2);
	CHECK(case_item_seal(v, &who, &ref, 0, iid, CASE_ROLE_STAFF, 3, (const uint8_t *)"hi", 2, item, sizeof(item), &n) !=
	    VAULT_OK);
	CHECK(case_item_seal(v, &who, &ref, 1, iid, CASE_ROLE_REQUESTER, 3, (const uint8_t *)"hi", 2, item, sizeof(item),
	          &n) != VAULT_OK);
	who.receipt[15] = '9';
	CHECK(case_item_open(v, &who, &ref, 0, iid, CASE_ROLE_REQUESTER, 3, item, n, pt, sizeof(pt), &n) != VAULT_OK);
	CHECK(vault_receipt_find(v, rc, 16) == VAULT_OK);
	CHECK(vault_receipt_find(v, "5555666677778889", 16) == VAULT_NOT_FOUND);
	uint8_t zero[128] = { 0 };
	int fd = open(g_kf, O_WRONLY);
	CHECK(fd >= 0 && pwrite(fd, zero, 128, 16 + 128 * 9) == 128);
	close(fd);
	CHECK(vault_receipt_find(v, rc, 16) == VAULT_NOT_FOUND);
}

/* Regression: while the triage key waits for rotation, a new case is sealed to every
 * remaining holder; more than 16 of them refused every new request. */
static void
test_many_holders(vault_t *v)
{
	enum { N = 40 };
	uint8_t(*pk)[32] = malloc(N * 32), (*sk)[32] = malloc(N * 32);
	case_new_t *cn = malloc(sizeof(*cn));
	for (int i = 0; i < N; i++)
		crypto_box_keypair(pk[i], sk[i]);
	CHECK(case_create(v, 16, (const uint8_t(*)[32])pk, N, cn) == VAULT_OK);
	int opened = 0;
	uint8_t pt[CASE_COPY_PLAIN];
	for (int i = 0; i < N; i++)
		opened += crypto_box_seal_open(pt, cn->copies[i], CASE_COPY_BYTES, pk[i], sk[i]) == 0 && pt[0] == 1 &&
		    pt[1] == CASE_KIND_CASE && memcmp(pt + 2, cn->case_id, 16) == 0 &&
		    crypto_box_seal_open(pt, cn->ncopies[i], CASE_COPY_BYTES, pk[i], sk[i]) == 0 && pt[1] == CASE_KIND_NOTES;
	CHECK(opened == N);
	CHECK(case_shred(v, cn->case_id, cn->slot) == VAULT_OK);
	free(cn);
	free(pk);
	free(sk);
}

/* 3. A case made by case.c, with its epochs, links, the requester's login and shredding. */
static void
test_lifecycle(vault_t *v)
{
	uint8_t pk_g[32], sk_g[32], gid[16], acct[16], pk_a[32], sk_a[32], acct_b[16], pk_b[32], sk_b[32];
	crypto_box_keypair(pk_g, sk_g);
	crypto_box_keypair(pk_a, sk_a);
	crypto_box_keypair(pk_b, sk_b);
	randombytes_buf(gid, 16);
	randombytes_buf(acct, 16);
	randombytes_buf(acct_b, 16);
	uint8_t holders[1][32];
	memcpy(holders[0], pk_g, 32);

	case_new_t *cn = malloc(sizeof(*cn));
	CHECK(case_create(v, 16, (const uint8_t(*)[32])holders, 1, cn) == VAULT_OK);
	CHECK(strlen(cn->receipt) == 16 && strspn(cn->receipt, "0123456789") == 16);
	/* the slot, read here: live, kind 0, e 0, the case id, z, the receipt's lookup */
	uint8_t slot[128], z[32], lookup[32], pk_req[32], rsv_zero = 1;
	CHECK(ref_slot_read(g_kf, cn->slot, slot) == 0);
	CHECK(slot[0] == 1 && slot[1] == 0 && rd32(slot + 4) == 0 && memcmp(slot + 8, cn->case_id, 16) == 0);
	memcpy(z, slot + 24, 32);
	CHECK(case_receipt_keys(g_salt, cn->receipt, 16, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN, z, lookup,
	          pk_req) == 0);
	CHECK(memcmp(slot + 56, lookup, 32) == 0);
	for (int i = 88; i < 128; i++)
		rsv_zero &= slot[i] == 0;
	CHECK(rsv_zero);
	/* the copies open here: s_0 for pk_req and the group, n_0 for the group only */
	uint8_t plain[54], s0[32], n0[32];
	CHECK(crypto_box_seal_open(plain, cn->copies[0], CASE_COPY_BYTES, pk_g, sk_g) == 0 && plain[0] == 1 &&
	    plain[1] == 0 && memcmp(plain + 2, cn->case_id, 16) == 0 && rd32(plain + 18) == 0);
	memcpy(s0, plain + 22, 32);
	CHECK(crypto_box_seal_open(plain, cn->ncopies[0], CASE_COPY_BYTES, pk_g, sk_g) == 0 && plain[1] == 1);
	memcpy(n0, plain + 22, 32);
	CHECK(memcmp(s0, n0, 32) != 0);
	/* pk_req only as an item under s_0 */
	uint8_t key[32], pt[2048];
	ref_key(key, z, 0, cn->case_id, 0, s0, 1);
	CHECK(ref_item_open(pt, cn->pk_req_item, CASE_PKREQ_ITEM_BYTES, key, 0, cn->case_id, cn->pk_req_item_id,
	          CASE_ROLE_SYSTEM, CASE_FIELD_PK_REQ) == 32 &&
	    memcmp(pt, pk_req, 32) == 0);
	/* the audit id */
	uint8_t h[32], aid[16];
	crypto_generichash(h, 32, (const uint8_t *)"sava-audit-v1", 13, z, 32);
	CHECK(memcmp(cn->audit_id, h, 16) == 0);
	CHECK(case_audit_id(v, cn->case_id, cn->slot, aid) == VAULT_OK && memcmp(aid, h, 16) == 0);

	/* the requester logs in with the receipt: a mailbox session holding sk_req */
	uint8_t cid[16];
	uint32_t at = 0;
	sess_new_t sn;
	CHECK(case_receipt_login(v, cn->receipt, 16, cid, &at, &sn) == VAULT_OK);
	CHECK(memcmp(cid, cn->case_id, 16) == 0 && at == cn->slot);
	char wrong[17];
	memcpy(wrong, cn->receipt, 17);
	wrong[0] = wrong[0] == '0' ? '1' : '0';
	CHECK(case_receipt_login(v, wrong, 16, cid, &at, &sn) == VAULT_NOT_FOUND);
	CHECK(case_receipt_login(v, cn->receipt, 15, cid, &at, &sn) == VAULT_NOT_FOUND);
	CHECK(case_receipt_login(v, cn->receipt, 16, cid, &at, &sn) == VAULT_OK);
	case_opener_t req = { .by = CASE_BY_SESSION };
	CHECK(sess_from_cookie(sv_from_cstr(sn.cookie), req.sess.c, req.sess.sid) == 0);
	CHECK(memcmp(req.sess.sid, sn.sid, 32) == 0);
	req.sess.kind = SESS_KIND_MAILBOX;
	memcpy(req.sess.owner, cn->case_id, 16);
	memcpy(req.sess.box, sn.box, SESS_BOX_BYTES);

	case_ref_t rref = { .slot = cn->slot, .e = 0 };
	memcpy(rref.case_id, cn->case_id, 16);
	memcpy(rref.copy, cn->req_copy, CASE_COPY_BYTES);
	uint8_t iid_r[16], item_r[512], iid_s[16], item_s[512], iid_n[16], item_n[512];
	size_t lr = 0, ls = 0, ln = 0, n = 0;
	randombytes_buf(iid_r, 16);
	randombytes_buf(iid_s, 16);
	randombytes_buf(iid_n, 16);
	CHECK(case_item_seal(v, &req, &rref, 0, iid_r, CASE_ROLE_REQUESTER, 1, (const uint8_t *)"help me", 7, item_r,
	          sizeof(item_r), &lr) == VAULT_OK);
	/* a mailbox session for another case is refused */
	case_opener_t req2 = req;
	req2.sess.owner[0] ^= 1;
	CHECK(case_item_open(v, &req2, &rref, 0, iid_r, CASE_ROLE_REQUESTER, 1, item_r, lr, pt, sizeof(pt), &n) !=
	    VAULT_OK);

	/* staff of the group at epoch 0 */
	case_opener_t grp = { .by = CASE_BY_GROUP, .group_epoch = 0 };
	ref_sess(&grp.sess, SESS_KIND_STAFF, acct, sk_a);
	memcpy(grp.group_id, gid, 16);
	ref_group_seal(grp.group_copy, pk_a, 2, gid, 0, sk_g);
	case_ref_t gref = rref;
	memcpy(gref.copy, cn->copies[0], CASE_COPY_BYTES);
	memcpy(gref.ncopy, cn->ncopies[0], CASE_COPY_BYTES);
	CHECK(case_item_open(v, &grp, &gref, 0, iid_r, CASE_ROLE_REQUESTER, 1, item_r, lr, pt, sizeof(pt), &n) == VAULT_OK &&
	    n == 7 && memcmp(pt, "help me", 7) == 0);
	CHECK(case_item_seal(v, &grp, &gref, 0, iid_s, CASE_ROLE_STAFF, 2, (const uint8_t *)"we read you", 11, item_s,
	          sizeof(item_s), &ls) == VAULT_OK);
	CHECK(case_item_seal(v, &grp, &gref, 1, iid_n, CASE_ROLE_STAFF, 3, (const uint8_t *)"suspected provocation", 21,
	          item_n, sizeof(item_n), &ln) == VAULT_OK);
	CHECK(case_item_open(v, &req, &rref, 0, iid_s, CASE_ROLE_STAFF, 2, item_s, ls, pt, sizeof(pt), &n) == VAULT_OK);
	CHECK(case_item_open(v, &req, &rref, 1, iid_n, CASE_ROLE_STAFF, 3, item_n, ln, pt, sizeof(pt), &n) != VAULT_OK);

	/* the group key opened once (a page of the triage queue) opens the same items */
	group_key_t *gk = NULL;
	CHECK(group_key_open(&req, &gk) != VAULT_OK && gk == NULL);   /* not a group opener */
	CHECK(group_key_open(&grp, &gk) == VAULT_OK && gk != NULL);
	case_opener_t grpk = grp;
	grpk.gkey = gk;
	memset(grpk.sess.box, 0, sizeof(grpk.sess.box));   /* the session is not needed again */
	CHECK(case_item_open(v, &grpk, &gref, 0, iid_r, CASE_ROLE_REQUESTER, 1, item_r, lr, pt, sizeof(pt), &n) ==
	        VAULT_OK && n == 7 && memcmp(pt, "help me", 7) == 0);
	/* a handle for another epoch or group is not used: the session is tried, and fails */
	grpk.group_epoch = 1;
	CHECK(case_item_open(v, &grpk, &gref, 0, iid_r, CASE_ROLE_REQUESTER, 1, item_r, lr, pt, sizeof(pt), &n) != VAULT_OK);
	grpk.group_epoch = 0;
	grpk.group_id[0] ^= 1;
	CHECK(case_item_open(v, &grpk, &gref, 0, iid_r, CASE_ROLE_REQUESTER, 1, item_r, lr, pt, sizeof(pt), &n) != VAULT_OK);
	group_key_free(gk);
	/* seals through one opened handle open like case_item_seal's, with the same role rules */
	case_keys_t *ck = NULL;
	uint8_t item_k[CASE_ITEM_OVERHEAD + 256], iid_k[16] = { 9 };
	size_t lk = 0;
	CHECK(case_keys_open(v, &grp, &gref, &ck) == VAULT_OK);
	CHECK(case_keys_item_seal(ck, 0, iid_k, CASE_ROLE_REQUESTER, 2, (const uint8_t *)"x", 1, item_k, sizeof(item_k),
	          &lk) != VAULT_OK);   /* staff may not write as the requester */
	CHECK(case_keys_item_seal(ck, 0, iid_k, CASE_ROLE_STAFF, 2, (const uint8_t *)"one handle", 10, item_k,
	          sizeof(item_k), &lk) == VAULT_OK);
	case_keys_free(ck);
	CHECK(case_item_open(v, &req, &rref, 0, iid_k, CASE_ROLE_STAFF, 2, item_k, lk, pt, sizeof(pt), &n) == VAULT_OK &&
	    n == 10 && memcmp(pt, "one handle", 10) == 0);
	CHECK(case_keys_open(v, &req, &rref, &ck) == VAULT_OK);
	CHECK(case_keys_item_seal(ck, 1, iid_k, CASE_ROLE_REQUESTER, 2, (const uint8_t *)"x", 1, item_k, sizeof(item_k),
	          &lk) != VAULT_OK);   /* the requester writes no notes */
	case_keys_free(ck);

	/* epoch 1: the group is removed, account B holds the case directly */
	uint8_t hold_b[1][32];
	memcpy(hold_b[0], pk_b, 32);
	case_epoch_t *ep = malloc(sizeof(*ep));
	CHECK(case_epoch_next(v, &req, &rref, cn->pk_req_item_id, cn->pk_req_item, CASE_PKREQ_ITEM_BYTES,
	          (const uint8_t(*)[32])hold_b, 1, ep) != VAULT_OK);   /* not the requester */
	CHECK(case_epoch_next(v, &grp, &gref, cn->pk_req_item_id, cn->pk_req_item, CASE_PKREQ_ITEM_BYTES,
	          (const uint8_t(*)[32])hold_b, 1, ep) == VAULT_OK);
	CHECK(ep->e == 1);
	CHECK(ref_slot_read(g_kf, cn->slot, slot) == 0 && rd32(slot + 4) == 1);
	/* the link formats, checked here: s_1 and n_1 from B's copies, then k_link_1, k_nlink_1 */
	uint8_t s1[32], n1[32], kl[32], back[32];
	CHECK(crypto_box_seal_open(plain, ep->copies[0], CASE_COPY_BYTES, pk_b, sk_b) == 0 && plain[1] == 0 &&
	    rd32(plain + 18) == 1);
	memcpy(s1, plain + 22, 32);
	CHECK(crypto_box_seal_open(plain, ep->ncopies[0], CASE_COPY_BYTES, pk_b, sk_b) == 0 && plain[1] == 1 &&
	    rd32(plain + 18) == 1);
	memcpy(n1, plain + 22, 32);
	CHECK(crypto_box_seal_open(plain, ep->req_copy, CASE_COPY_BYTES, pk_req, (const uint8_t[32]){ 0 }) != 0);
	ref_key(kl, z, 0, cn->case_id, 1, s1, 3);
	CHECK(ref_link_open(back, ep->link, kl, "sava-case-link-v1", cn->case_id, 0) == 0 && memcmp(back, s0, 32) == 0);
	ref_key(kl, z, 1, cn->case_id, 1, n1, 3);
	CHECK(ref_link_open(back, ep->nlink, kl, "sava-note-link-v1", cn->case_id, 0) == 0 && memcmp(back, n0, 32) == 0);
	CHECK(ref_link_open(back, ep->nlink, kl, "sava-case-link-v1", cn->case_id, 0) != 0);

	/* B at epoch 1 reads epoch 0 items through the links */
	case_opener_t b = { .by = CASE_BY_SESSION };
	ref_sess(&b.sess, SESS_KIND_STAFF, acct_b, sk_b);
	uint8_t links[1][CASE_LINK_BYTES], nlinks[1][CASE_LINK_BYTES];
	memcpy(links[0], ep->link, CASE_LINK_BYTES);
	memcpy(nlinks[0], ep->nlink, CASE_LINK_BYTES);
	case_ref_t bref = { .slot = cn->slot, .e = 1, .links = (const uint8_t(*)[CASE_LINK_BYTES])links, .nlinks_s = 1,
		.nlinks = (const uint8_t(*)[CASE_LINK_BYTES])nlinks, .nlinks_n = 1 };
	memcpy(bref.case_id, cn->case_id, 16);
	memcpy(bref.copy, ep->copies[0], CASE_COPY_BYTES);
	memcpy(bref.ncopy, ep->ncopies[0], CASE_COPY_BYTES);
	CHECK(case_item_open(v, &b, &bref, 0, iid_r, CASE_ROLE_REQUESTER, 1, item_r, lr, pt, sizeof(pt), &n) == VAULT_OK);
	CHECK(case_item_open(v, &b, &bref, 0, iid_s, CASE_ROLE_STAFF, 2, item_s, ls, pt, sizeof(pt), &n) == VAULT_OK);
	CHECK(case_item_open(v, &b, &bref, 1, iid_n, CASE_ROLE_STAFF, 3, item_n, ln, pt, sizeof(pt), &n) == VAULT_OK &&
	    n == 21 && memcmp(pt, "suspected provocation", 21) == 0);
	/* any bit of a link, or no link */
	for (size_t i = 0; i < CASE_LINK_BYTES; i++) {
		links[0][i] ^= 0x20;
		CHECK_AT(case_item_open(v, &b, &bref, 0, iid_s, CASE_ROLE_STAFF, 2, item_s, ls, pt, sizeof(pt), &n) != VAULT_OK,
		    "link bit", i);
		links[0][i] ^= 0x20;
	}
	bref.nlinks_n = 0;
	CHECK(case_item_open(v, &b, &bref, 1, iid_n, CASE_ROLE_STAFF, 3, item_n, ln, pt, sizeof(pt), &n) != VAULT_OK);
	bref.nlinks_n = 1;
	/* a link built here opens in case.c too */
	{
		uint8_t mylinks[1][CASE_LINK_BYTES];
		ref_key(kl, z, 0, cn->case_id, 1, s1, 3);
		ref_link(mylinks[0], kl, s0, "sava-case-link-v1", cn->case_id, 0);
		case_ref_t r2 = bref;
		r2.links = (const uint8_t(*)[CASE_LINK_BYTES])mylinks;
		CHECK(case_item_open(v, &b, &r2, 0, iid_s, CASE_ROLE_STAFF, 2, item_s, ls, pt, sizeof(pt), &n) == VAULT_OK);
		ref_link(mylinks[0], kl, s0, "sava-case-link-v1", cn->case_id, 1);   /* wrong epoch in AD */
		CHECK(case_item_open(v, &b, &r2, 0, iid_s, CASE_ROLE_STAFF, 2, item_s, ls, pt, sizeof(pt), &n) != VAULT_OK);
	}
	/* new items at epoch 1: B and the requester read them; the removed group cannot */
	uint8_t iid_1[16], item_1[512];
	size_t l1 = 0;
	randombytes_buf(iid_1, 16);
	CHECK(case_item_seal(v, &b, &bref, 0, iid_1, CASE_ROLE_STAFF, 2, (const uint8_t *)"epoch one", 9, item_1,
	          sizeof(item_1), &l1) == VAULT_OK);
	CHECK(rd32(item_1 + 1) == 1);
	case_ref_t rref1 = bref;
	memcpy(rref1.copy, ep->req_copy, CASE_COPY_BYTES);
	memset(rref1.ncopy, 0, CASE_COPY_BYTES);
	CHECK(case_item_open(v, &req, &rref1, 0, iid_1, CASE_ROLE_STAFF, 2, item_1, l1, pt, sizeof(pt), &n) == VAULT_OK &&
	    n == 9);
	CHECK(case_item_open(v, &req, &rref1, 0, iid_s, CASE_ROLE_STAFF, 2, item_s, ls, pt, sizeof(pt), &n) == VAULT_OK);
	/* the group holds only its epoch-0 copies: with them, epoch 1 does not open */
	case_ref_t gref1 = bref;
	memcpy(gref1.copy, cn->copies[0], CASE_COPY_BYTES);
	memcpy(gref1.ncopy, cn->ncopies[0], CASE_COPY_BYTES);
	CHECK(case_item_open(v, &grp, &gref1, 0, iid_1, CASE_ROLE_STAFF, 2, item_1, l1, pt, sizeof(pt), &n) != VAULT_OK);
	CHECK(case_item_open(v, &grp, &gref, 0, iid_1, CASE_ROLE_STAFF, 2, item_1, l1, pt, sizeof(pt), &n) != VAULT_OK);
	/* nor is any epoch-1 copy sealed to it, nor to account A */
	CHECK(crypto_box_seal_open(plain, ep->copies[0], CASE_COPY_BYTES, pk_g, sk_g) != 0);
	CHECK(crypto_box_seal_open(plain, ep->copies[0], CASE_COPY_BYTES, pk_a, sk_a) != 0);
	/* B, at epoch 1, starts epoch 2 (pk_req from its epoch-0 item, through the link) */
	case_epoch_t *ep2 = malloc(sizeof(*ep2));
	CHECK(case_epoch_next(v, &b, &bref, cn->pk_req_item_id, cn->pk_req_item, CASE_PKREQ_ITEM_BYTES,
	          (const uint8_t(*)[32])hold_b, 1, ep2) == VAULT_OK &&
	    ep2->e == 2);
	{
		uint8_t l2[2][CASE_LINK_BYTES], nl2[2][CASE_LINK_BYTES];
		memcpy(l2[0], ep2->link, CASE_LINK_BYTES);
		memcpy(l2[1], ep->link, CASE_LINK_BYTES);
		memcpy(nl2[0], ep2->nlink, CASE_LINK_BYTES);
		memcpy(nl2[1], ep->nlink, CASE_LINK_BYTES);
		case_ref_t r2 = { .slot = cn->slot, .e = 2, .links = (const uint8_t(*)[CASE_LINK_BYTES])l2, .nlinks_s = 2,
			.nlinks = (const uint8_t(*)[CASE_LINK_BYTES])nl2, .nlinks_n = 2 };
		memcpy(r2.case_id, cn->case_id, 16);
		memcpy(r2.copy, ep2->copies[0], CASE_COPY_BYTES);
		memcpy(r2.ncopy, ep2->ncopies[0], CASE_COPY_BYTES);
		CHECK(case_item_open(v, &b, &r2, 0, iid_r, CASE_ROLE_REQUESTER, 1, item_r, lr, pt, sizeof(pt), &n) == VAULT_OK);
		CHECK(case_item_open(v, &b, &r2, 1, iid_n, CASE_ROLE_STAFF, 3, item_n, ln, pt, sizeof(pt), &n) == VAULT_OK);
		CHECK(case_item_open(v, &b, &r2, 0, iid_1, CASE_ROLE_STAFF, 2, item_1, l1, pt, sizeof(pt), &n) == VAULT_OK);
		r2.nlinks_s = 1;   /* a chain too short for epoch 0 */
		CHECK(case_item_open(v, &b, &r2, 0, iid_r, CASE_ROLE_REQUESTER, 1, item_r, lr, pt, sizeof(pt), &n) != VAULT_OK);
	}
	free(ep2);

	/* live list, then shred: nothing opens, no receipt finds it, no audit id */
	CHECK(case_shred(v, acct, cn->slot) == VAULT_NOT_FOUND);   /* another object's id */
	CHECK(case_shred(v, cn->case_id, cn->slot) == VAULT_OK);
	CHECK(ref_slot_read(g_kf, cn->slot, slot) == 0);
	uint8_t acc = 0;
	for (int i = 0; i < 128; i++)
		acc |= slot[i];
	CHECK(acc == 0);
	CHECK(case_item_open(v, &b, &bref, 0, iid_s, CASE_ROLE_STAFF, 2, item_s, ls, pt, sizeof(pt), &n) != VAULT_OK);
	CHECK(case_item_open(v, &req, &rref, 0, iid_s, CASE_ROLE_STAFF, 2, item_s, ls, pt, sizeof(pt), &n) != VAULT_OK);
	CHECK(case_receipt_login(v, cn->receipt, 16, cid, &at, &sn) == VAULT_NOT_FOUND);
	CHECK(vault_receipt_find(v, cn->receipt, 16) == VAULT_NOT_FOUND);
	CHECK(case_audit_id(v, cn->case_id, cn->slot, aid) == VAULT_NOT_FOUND);
	free(ep);
	free(cn);
}

/* 4. Files: fk_wrap and blobs both ways, tampering, truncation and extension. */
static vault_t *g_v;

static void
test_files(vault_t *v)
{
	pinned_t p;
	pinned_make(&p);
	uint8_t aid[16], fk[32], kf[32], wrap[CASE_FKWRAP_BYTES];
	randombytes_buf(aid, 16);
	crypto_secretstream_xchacha20poly1305_keygen(fk);
	ref_key(kf, p.z, 0, p.cid, 0, p.s, 2);
	ref_fkwrap(wrap, kf, fk, p.cid, aid, 0);

	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 200000 };
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t len = sizes[k];
		uint8_t *content = malloc(len + 1), *blob = NULL;
		randombytes_buf(content, len);
		size_t blen = ref_blob(&blob, fk, aid, "photo.jpg", "image/jpeg", content, len);
		CHECK(blen == 25 + ref_frames(len) * FRCT);
		CHECK(case_blob_frames(len) == ref_frames(len));
		/* built here, read by case.c, in pieces of several sizes */
		static const size_t steps[] = { 1 << 20, 7, 65553, 4096 };
		for (size_t st = 0; st < sizeof(steps) / sizeof(steps[0]); st++) {
			if (steps[st] == 7 && len > 70000)
				continue;
			sink_buf_t sb = { 0 };
			case_blob_sink_t sink = { sink_meta, sink_data, &sb };
			case_blob_reader_t *r = NULL;
			CHECK(case_blob_reader_new(v, &p.who, &p.ref, aid, wrap, &sink, &r) == VAULT_OK);
			CHECK_AT(r && read_blob(r, blob, blen, steps[st]) == 0, "ref blob", len);
			CHECK(sb.metas == 1 && sb.real_len == len && sb.len == len && (len == 0 || memcmp(sb.data, content, len) == 0));
			CHECK(strcmp(sb.name, "photo.jpg") == 0 && strcmp(sb.mime, "image/jpeg") == 0);
			free(sb.data);
		}
		/* truncated (a byte, a frame, the final frame's tag) and extended: refused */
		size_t cuts[] = { blen - 1, blen - FRCT, 25, 24, 0 };
		for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
			case_blob_reader_t *r = NULL;
			sink_buf_t sb = { 0 };
			case_blob_sink_t sink = { sink_meta, sink_data, &sb };
			CHECK(case_blob_reader_new_raw(fk, aid, &sink, &r) == 0);
			CHECK_AT(read_blob(r, blob, cuts[c], 4096) != 0, "truncated blob", cuts[c]);
			free(sb.data);
		}
		{
			uint8_t *ext = malloc(blen + FRCT);
			memcpy(ext, blob, blen);
			memset(ext + blen, 0, FRCT);
			for (size_t extra = 1; extra <= FRCT; extra += FRCT - 1) {
				case_blob_reader_t *r = NULL;
				case_blob_sink_t sink = { NULL, NULL, NULL };
				CHECK(case_blob_reader_new_raw(fk, aid, &sink, &r) == 0);
				CHECK_AT(read_blob(r, ext, blen + extra, 4096) != 0, "extended blob", extra);
			}
			free(ext);
		}
		/* one bit in the format byte, the header, or any frame */
		size_t step = len < 70000 ? 1021 : 8191;
		for (size_t i = 0; i < blen; i += (i < 64 ? 1 : step)) {
			blob[i] ^= 0x40;
			case_blob_reader_t *r = NULL;
			case_blob_sink_t sink = { NULL, NULL, NULL };
			CHECK(case_blob_reader_new_raw(fk, aid, &sink, &r) == 0);
			CHECK_AT(read_blob(r, blob, blen, 65553) != 0, "blob bit", i);
			blob[i] ^= 0x40;
		}
		/* another attachment id (the push AD) */
		{
			uint8_t other[16];
			memcpy(other, aid, 16);
			other[0] ^= 1;
			case_blob_reader_t *r = NULL;
			case_blob_sink_t sink = { NULL, NULL, NULL };
			CHECK(case_blob_reader_new_raw(fk, other, &sink, &r) == 0);
			CHECK(read_blob(r, blob, blen, 65553) != 0);
		}
		free(blob);

		/* written by case.c in uneven pieces, read here with libsodium alone; told the
		 * length up front (mode 1: right, no byte read back; 2: one more than came;
		 * 3: one fewer) or not (0): the same blob every time */
		for (int mode = 0; mode < 4; mode++) {
		mem_file_t mf = { 0 };
		case_blob_writer_t *w = NULL;
		uint8_t wrap2[CASE_FKWRAP_BYTES], fk2[32], ad[80];
		uint64_t out_len = 0;
		CHECK(case_blob_writer_new(v, &p.who, &p.ref, aid, "report.pdf", 10, "application/pdf", 15, mem_pwrite,
		          mem_pread, &mf, &w) == VAULT_OK);
		uint64_t expect = mode == 1 ? len : mode == 2 ? len + 1 : mode == 3 ? (uint64_t)len - 1 : 0;
		if (mode > 0) {
			int rc = case_blob_writer_expect(w, expect);
			CHECK_AT(expect == 0 || expect > len + 1 ? rc != 0 : rc == 0, "expect", len * 4 + (size_t)mode);
		}
		for (size_t off = 0; off < len;) {
			size_t take = 1 + (off * 7919) % 70001;
			if (take > len - off)
				take = len - off;
			CHECK(case_blob_writer_write(w, content + off, take) == 0);
			off += take;
		}
		CHECK(case_blob_writer_finish(w, wrap2, &out_len) == 0);
		CHECK(out_len == mf.len && out_len == 25 + ref_frames(len) * FRCT);
		if (mode == 1 && len > 0)
			CHECK_AT(mf.reads == 0, "read back", len);
		else if (len > 0)
			CHECK_AT(mf.reads > 0, "second pass", len * 4 + (size_t)mode);
		CHECK(wrap2[0] == 1 && rd32(wrap2 + 1) == 0);
		CHECK(crypto_aead_xchacha20poly1305_ietf_decrypt(fk2, NULL, NULL, wrap2 + 29, 32 + ATAG, ad,
		          ref_label_ad(ad, "sava-file-v1", p.cid, aid, 0), wrap2 + 5, kf) == 0);
		crypto_secretstream_xchacha20poly1305_state st;
		CHECK(mf.p[0] == 1 && crypto_secretstream_xchacha20poly1305_init_pull(&st, mf.p + 1, fk2) == 0);
		uint8_t *frame = malloc(FR), *all = malloc(ref_frames(len) * FR);
		size_t nf = ref_frames(len);
		int ok = 1;
		for (size_t i = 0; i < nf && ok; i++) {
			uint8_t tag = 0;
			ok = crypto_secretstream_xchacha20poly1305_pull(&st, frame, NULL, &tag, mf.p + 25 + i * FRCT, FRCT, aid, 16) ==
			        0 &&
			    tag == (i == nf - 1 ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
			memcpy(all + i * FR, frame, FR);
		}
		CHECK_AT(ok, "writer blob", len);
		CHECK(rd64(all) == len && all[8] == 10 && all[9] == 0 && memcmp(all + 10, "report.pdf", 10) == 0 &&
		    all[20] == 15 && memcmp(all + 21, "application/pdf", 15) == 0);
		uint8_t acc = 0;
		for (size_t i = 36; i < FR; i++)
			acc |= all[i];
		for (size_t i = FR + len; i < nf * FR; i++)
			acc |= all[i];
		CHECK(acc == 0);
		CHECK(len == 0 || memcmp(all + FR, content, len) == 0);
		/* and case.c reads it back */
		sink_buf_t sb = { 0 };
		case_blob_sink_t sink = { sink_meta, sink_data, &sb };
		case_blob_reader_t *r = NULL;
		CHECK(case_blob_reader_new(v, &p.who, &p.ref, aid, wrap2, &sink, &r) == VAULT_OK);
		CHECK(r && read_blob(r, mf.p, mf.len, 30000) == 0 && sb.len == len);
		free(sb.data);
		/* a damaged fk_wrap, or one presented for another attachment */
		for (size_t i = 0; i < CASE_FKWRAP_BYTES; i++) {
			wrap2[i] ^= 1;
			r = NULL;
			CHECK_AT(case_blob_reader_new(v, &p.who, &p.ref, aid, wrap2, &sink, &r) != VAULT_OK, "fk_wrap bit", i);
			case_blob_reader_free(r);
			wrap2[i] ^= 1;
		}
		uint8_t other[16];
		randombytes_buf(other, 16);
		r = NULL;
		CHECK(case_blob_reader_new(v, &p.who, &p.ref, other, wrap2, &sink, &r) != VAULT_OK);
		case_blob_reader_free(r);
		free(frame);
		free(all);
		free(mf.p);
		}
		free(content);
	}
	/* a write that fails mid-way fails the whole blob */
	{
		mem_file_t mf = { .fail_at_write = 3 };
		case_blob_writer_t *w = NULL;
		uint8_t buf[65536] = { 0 }, wr[CASE_FKWRAP_BYTES];
		uint64_t ol = 0;
		CHECK(case_blob_writer_new(v, &p.who, &p.ref, aid, "a", 1, "b", 1, mem_pwrite, mem_pread, &mf, &w) == VAULT_OK);
		int rc = 0;
		for (int i = 0; i < 4 && rc == 0; i++)
			rc = case_blob_writer_write(w, buf, sizeof(buf));
		CHECK(rc != 0 || case_blob_writer_finish(w, wr, &ol) != 0);
		if (rc != 0)
			case_blob_writer_free(w);
		free(mf.p);
	}
	/* a spool changed between the two passes is caught */
	{
		mem_file_t mf = { 0 };
		case_blob_writer_t *w = NULL;
		uint8_t buf[65536] = { 0 }, wr[CASE_FKWRAP_BYTES];
		uint64_t ol = 0;
		CHECK(case_blob_writer_new(v, &p.who, &p.ref, aid, "a", 1, "b", 1, mem_pwrite, mem_pread, &mf, &w) == VAULT_OK);
		/* a full frame is held until more comes: one byte more spools it */
		CHECK(case_blob_writer_write(w, buf, sizeof(buf)) == 0 && case_blob_writer_write(w, buf, 1) == 0);
		mf.p[25 + FRCT + 100] ^= 1;
		CHECK(case_blob_writer_finish(w, wr, &ol) != 0);
		free(mf.p);
	}
	/* a job's keys: read one file, seal new files to the same holders, nothing else */
	{
		mem_file_t in = { 0 }, out = { 0 };
		case_blob_writer_t *w = NULL;
		uint8_t buf[70000], wr_in[CASE_FKWRAP_BYTES], wr_out[CASE_FKWRAP_BYTES], aid2[16];
		uint64_t ol = 0;
		randombytes_buf(buf, sizeof(buf));
		randombytes_buf(aid2, 16);
		CHECK(case_blob_writer_new(v, &p.who, &p.ref, aid, "in.mp4", 6, "video/mp4", 9, mem_pwrite, mem_pread, &in, &w) ==
		    VAULT_OK);
		CHECK(case_blob_writer_write(w, buf, sizeof(buf)) == 0 && case_blob_writer_finish(w, wr_in, &ol) == 0);
		case_keys_t *k = NULL;
		case_file_keys_t *j = NULL;
		CHECK(case_keys_open(v, &p.who, &p.ref, &k) == VAULT_OK);
		uint8_t bad[CASE_FKWRAP_BYTES];
		memcpy(bad, wr_in, sizeof(bad));
		bad[40] ^= 1;
		CHECK(case_file_keys_new(k, aid, bad, &j) != VAULT_OK && j == NULL);      /* a changed wrap */
		CHECK(case_file_keys_new(k, aid2, wr_in, &j) != VAULT_OK && j == NULL);   /* another file's id */
		CHECK(case_file_keys_new(k, aid, wr_in, &j) == VAULT_OK && j != NULL);
		case_keys_free(k);
		/* the job reads the input with its own keys only */
		sink_buf_t sb = { 0 };
		case_blob_sink_t sink = { sink_meta, sink_data, &sb };
		case_blob_reader_t *r = NULL;
		CHECK(j && case_file_keys_reader(j, &sink, &r) == VAULT_OK);
		CHECK(r && read_blob(r, in.p, in.len, 8192) == 0);
		CHECK(sb.len == sizeof(buf) && memcmp(sb.data, buf, sizeof(buf)) == 0 && strcmp(sb.name, "in.mp4") == 0);
		free(sb.data);
		/* and seals an output that the case's holders open like any file */
		CHECK(case_blob_writer_start(aid2, "clean.mp4", 9, "video/mp4", 9, mem_pwrite, mem_pread, &out, &w) == 0);
		CHECK(case_blob_writer_write(w, buf, 1000) == 0);
		CHECK(j && case_blob_writer_bind_file_keys(j, w) == VAULT_OK);
		CHECK(case_blob_writer_finish(w, wr_out, &ol) == 0);
		case_file_keys_free(j);
		sink_buf_t sb2 = { 0 };
		case_blob_sink_t sink2 = { sink_meta, sink_data, &sb2 };
		r = NULL;
		CHECK(case_blob_reader_new(v, &p.who, &p.ref, aid2, wr_out, &sink2, &r) == VAULT_OK);
		CHECK(r && read_blob(r, out.p, out.len, 4096) == 0);
		CHECK(sb2.len == 1000 && memcmp(sb2.data, buf, 1000) == 0);
		free(sb2.data);
		free(in.p);
		free(out.p);
	}
}

/* 5. shred.kf: growth, lookups, shredding, the live list, the file's format. */
static int
count_live(void *arg, uint32_t slot, const uint8_t cid[16])
{
	(void)slot;
	(void)cid;
	(*(int *)arg)++;
	return 0;
}

static void
test_shredkf(vault_t *v)
{
	struct stat sb;
	int live0 = 0, live1 = 0;
	CHECK(case_live_list(v, count_live, &live0) == 0);
	kf_slot_t *s = sodium_malloc(sizeof(*s));
	uint32_t idx[1100], at = 0;
	bool found = false;
	for (int i = 0; i < 1100; i++) {
		memset(s, 0, sizeof(*s));
		s->kind = KF_KIND_CASE;
		s->e = (uint32_t)i;
		randombytes_buf(s->object_id, 16);
		randombytes_buf(s->z, 32);
		memset(s->lookup, 0, 32);
		s->lookup[0] = (uint8_t)i;
		s->lookup[1] = (uint8_t)(i >> 8);
		s->lookup[2] = 0xee;
		CHECK_AT(shredkf_alloc(v, s, &idx[i]) == 0, "alloc", i);
	}
	/* 1024 slots grew to 2048 by doubling; the header says so */
	CHECK(stat(g_kf, &sb) == 0 && sb.st_size == 16 + 128 * 2048);
	uint8_t hdr[16];
	int fd = open(g_kf, O_RDONLY);
	CHECK(fd >= 0 && pread(fd, hdr, 16, 0) == 16);
	close(fd);
	CHECK(memcmp(hdr, "SAVAKF\x01\x00", 8) == 0 && rd32(hdr + 8) == 2048 && rd32(hdr + 12) == 0);
	/* every slot distinct, found by its lookup, readable */
	int distinct = 1;
	for (int i = 1; i < 1100; i++)
		distinct &= idx[i] != idx[i - 1];
	CHECK(distinct);
	uint8_t lk[32] = { 0 };
	for (int i = 0; i < 1100; i += 99) {
		lk[0] = (uint8_t)i;
		lk[1] = (uint8_t)(i >> 8);
		lk[2] = 0xee;
		CHECK_AT(shredkf_find(v, lk, &at, &found) == 0 && found && at == idx[i], "find", i);
		CHECK(shredkf_read(v, idx[i], s) == 0 && s->e == (uint32_t)i && memcmp(s->lookup, lk, 32) == 0);
	}
	CHECK(case_live_list(v, count_live, &live1) == 0 && live1 == live0 + 1100);
	/* shred: not found, not readable, all zeros; the slot is reused next */
	lk[0] = 7;
	lk[1] = 0;
	uint8_t obj7[16];
	CHECK(shredkf_read(v, idx[7], s) == KF_OK);
	memcpy(obj7, s->object_id, 16);
	uint8_t other[16];
	randombytes_buf(other, 16);
	CHECK(shredkf_shred(v, idx[7], other) == KF_GONE);   /* not this object's slot: untouched */
	CHECK(shredkf_read(v, idx[7], s) == KF_OK);
	CHECK(shredkf_shred(v, idx[7], obj7) == KF_OK);
	CHECK(shredkf_find(v, lk, &at, &found) == 0 && !found);
	CHECK(shredkf_read(v, idx[7], s) == KF_GONE);
	uint8_t slot[128], acc = 0;
	CHECK(ref_slot_read(g_kf, idx[7], slot) == 0);
	for (int i = 0; i < 128; i++)
		acc |= slot[i];
	CHECK(acc == 0);

	/* Regression: two overlapping shreds of one case, with a new case taking the freed slot
	 * in between. The late shred names the old object, finds the new one and leaves it. */
	memset(s, 0, sizeof(*s));
	s->kind = KF_KIND_CASE;
	randombytes_buf(s->object_id, 16);
	randombytes_buf(s->z, 32);
	CHECK(shredkf_alloc(v, s, &at) == 0 && at == idx[7]);
	uint8_t newer[16];
	memcpy(newer, s->object_id, 16);
	CHECK(shredkf_shred(v, idx[7], obj7) == KF_GONE);
	CHECK(case_shred(v, obj7, idx[7]) == VAULT_NOT_FOUND);
	CHECK(shredkf_read(v, idx[7], s) == KF_OK && memcmp(s->object_id, newer, 16) == 0);

	/* Regression: a crash between the random and the zero overwrite leaves a state byte
	 * that is neither free nor live; it is swept, and the slot can be taken again. */
	size_t torn = 0;
	uint8_t junk[128];
	randombytes_buf(junk, sizeof(junk));
	junk[0] = 0x5a;
	int kfd = open(g_kf, O_WRONLY);
	CHECK(kfd >= 0 && pwrite(kfd, junk, sizeof(junk), 16 + (off_t)128 * idx[8]) == 128);
	close(kfd);
	CHECK(shredkf_read(v, idx[8], s) == KF_GONE);
	CHECK(case_slots_sweep(v, &torn) == 0 && torn == 1);
	CHECK(ref_slot_read(g_kf, idx[8], slot) == 0);
	acc = 0;
	for (int i = 0; i < 128; i++)
		acc |= slot[i];
	CHECK(acc == 0);
	CHECK(case_slots_sweep(v, &torn) == 0 && torn == 0);

	memset(s, 0, sizeof(*s));
	CHECK(shredkf_alloc(v, s, &at) == 0 && at <= idx[8]);
	CHECK(shredkf_read(v, 4000, s) == KF_GONE);
	CHECK(shredkf_shred(v, 4000, other) == KF_GONE);

	/* Regression: a file that cannot be opened is an error, never "free": a shred must
	 * not be reported as done when nothing could be read. */
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	int spare[64], nspare = 0;
	/* leave no descriptor free: open until the table is full, under a low limit */
	CHECK(setrlimit(RLIMIT_NOFILE, &(struct rlimit){ 64, rl.rlim_max }) == 0);
	while (nspare < 64 && (spare[nspare] = open("/dev/null", O_RDONLY)) >= 0)
		nspare++;
	CHECK(shredkf_read(v, idx[9], s) == KF_ERROR);
	CHECK(shredkf_shred(v, idx[9], newer) == KF_ERROR);
	CHECK(case_shred(v, newer, idx[7]) == VAULT_ERROR);
	uint8_t aid[16];
	CHECK(case_audit_id(v, newer, idx[7], aid) == VAULT_ERROR);
	while (nspare > 0)
		close(spare[--nspare]);
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	CHECK(shredkf_read(v, idx[7], s) == KF_OK);
	sodium_free(s);
	(void)g_v;
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	char path[256], err[256];
	snprintf(g_dir, sizeof(g_dir), "/tmp/sava-case-XXXXXX");
	CHECK(mkdtemp(g_dir) != NULL);
	snprintf(path, sizeof(path), "%s/keys", g_dir);
	CHECK(mkdir(path, 0700) == 0);
	vault_audit_first_t first;
	uint8_t entry[42] = { 0 };
	CHECK(vault_instance_create(g_dir, KDF_INSECURE_FAST, entry, sizeof(entry), &first, err, sizeof(err)) == 0);
	snprintf(g_kf, sizeof(g_kf), "%s/keys/shred.kf", g_dir);
	snprintf(path, sizeof(path), "%s/keys/instance.key", g_dir);
	uint8_t ik[192];
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, ik, sizeof(ik)) == 192);
	close(fd);
	memcpy(g_salt, ik + 40, 16);
	vault_t *v = NULL;
	CHECK(vault_open(g_dir, KDF_INSECURE_FAST, 2, 8, &v, err, sizeof(err)) == 0);
	g_v = v;

	test_items(v);
	test_receipts(v);
	test_lifecycle(v);
	test_many_holders(v);
	test_files(v);
	test_shredkf(v);

	vault_close(v);
	unlink(g_kf);
	unlink(path);
	snprintf(path, sizeof(path), "%s/keys", g_dir);
	rmdir(path);
	rmdir(g_dir);
	return check_done("case");
}
