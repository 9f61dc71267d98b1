/* Unit tests for vault/account: the byte formats of CRYPTO.md "Accounts", "Sessions" and
 * "Groups", pinned by a second implementation written here with libsodium alone (records
 * built here must be accepted by account.c, and records account.c makes must open here),
 * then tampering, wrong secrets, TOTP window and replay, re-wrapping, group keys,
 * recovery-key parsing and invitations. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "vault/account.h"
#include "vault/totp.h"
#include "vault/vault.h"

/* Like CHECK, and says which byte position failed. */
#define CHECK_AT(cond, what, i)                                              \
	do {                                                                     \
		int ok_at_ = (cond) ? 1 : 0;                                         \
		CHECK(ok_at_);                                                       \
		if (!ok_at_)                                                         \
			fprintf(stderr, "    ^ %s, position %zu\n", (what), (size_t)(i)); \
	} while (0)

#define NPUB  crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define ATAG  crypto_aead_xchacha20poly1305_ietf_ABYTES
#define FIXED_NOW 1700000015u   /* a fixed time for the deterministic TOTP tests */

static const char ref_b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* ---- the reference implementation (libsodium only, nothing from src/ but types) ---- */

static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ad = label | id 16 */
static size_t
ref_ad(uint8_t ad[64], const char *label, const uint8_t id[16])
{
	size_t n = strlen(label);
	memcpy(ad, label, n);
	memcpy(ad + n, id, 16);
	return n + 16;
}

/* RFC 4648 base32 of 16 bytes, no padding: 26 characters. */
static void
ref_b32_encode(const uint8_t in[16], char out[27])
{
	unsigned acc = 0, bits = 0;
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		acc = ((acc << 8) | in[i]) & 0xfffu;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = ref_b32[(acc >> bits) & 31];
		}
	}
	out[o++] = ref_b32[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

/* The fixed inputs of one account. */
typedef struct {
	uint8_t id[16], k_acct[32], salt[16], rec[16], sk[32], pk[32], totp[20];
	uint8_t nonce[4][NPUB];
	const char *pw;
} ref_acct_t;

static void
ref_fill(ref_acct_t *r, uint8_t seed, const char *pw)
{
	for (int i = 0; i < 16; i++) {
		r->id[i] = (uint8_t)(seed + 0xa0 + i);
		r->salt[i] = (uint8_t)(seed + 0x30 + 3 * i);
		r->rec[i] = (uint8_t)(seed * 11 + 0x8f - 17 * i);
	}
	for (int i = 0; i < 32; i++) {
		r->k_acct[i] = (uint8_t)(seed + 7 * i + 1);
		r->sk[i] = (uint8_t)((seed + 0x55) ^ (13 * i));
	}
	for (int i = 0; i < 20; i++)
		r->totp[i] = (uint8_t)(seed + 0x21 + 5 * i);
	for (int k = 0; k < 4; k++)
		for (int i = 0; i < (int)NPUB; i++)
			r->nonce[k][i] = (uint8_t)(seed + 0x10 * k + i);
	crypto_scalarmult_base(r->pk, r->sk);
	r->pw = pw;
}

/* wrap_pw = 01 | ops u32 | mem_kib u32 | salt 16 | nonce 24 | AEAD(pw_key, K_acct, "sava-acct-pw-v1" | id) */
static int
ref_wrap_pw(uint8_t out[ACCT_WRAP_PW_BYTES], const uint8_t id[16], const uint8_t k_acct[32], const char *pw,
    const uint8_t salt[16], const uint8_t nonce[NPUB])
{
	uint8_t pw_key[32], ad[64];
	out[0] = 1;
	le32(out + 1, (uint32_t)crypto_pwhash_OPSLIMIT_MIN);
	le32(out + 5, (uint32_t)(crypto_pwhash_MEMLIMIT_MIN / 1024));
	memcpy(out + 9, salt, 16);
	memcpy(out + 25, nonce, NPUB);
	if (crypto_pwhash(pw_key, 32, pw, strlen(pw), salt, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
	        crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	size_t adlen = ref_ad(ad, "sava-acct-pw-v1", id);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 49, NULL, k_acct, 32, ad, adlen, NULL, out + 25, pw_key);
	return 0;
}

/* box = 01 | nonce 24 | AEAD(key, pt, label | id) */
static void
ref_box(uint8_t *out, const uint8_t key[32], const uint8_t *pt, size_t n, const char *label, const uint8_t id[16],
    const uint8_t nonce[NPUB])
{
	uint8_t ad[64];
	size_t adlen = ref_ad(ad, label, id);
	out[0] = 1;
	memcpy(out + 1, nonce, NPUB);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 1 + NPUB, NULL, pt, n, ad, adlen, NULL, out + 1, key);
}

static int
ref_box_open(uint8_t *pt, size_t n, const uint8_t *box, const uint8_t key[32], const char *label, const uint8_t id[16])
{
	uint8_t ad[64];
	size_t adlen = ref_ad(ad, label, id);
	if (box[0] != 1)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, box + 1 + NPUB, n + ATAG, ad, adlen, box + 1,
	    key);
}

/* H(rec, "sava-recovery-v1"): key rec, message the label. */
static void
ref_rec_key(uint8_t key[32], const uint8_t rec[16])
{
	crypto_generichash(key, 32, (const uint8_t *)"sava-recovery-v1", 16, rec, 16);
}

static void
ref_wrap_rec(uint8_t out[ACCT_WRAP_REC_BYTES], const uint8_t id[16], const uint8_t k_acct[32], const uint8_t rec[16],
    const uint8_t nonce[NPUB])
{
	uint8_t key[32];
	ref_rec_key(key, rec);
	ref_box(out, key, k_acct, 32, "sava-acct-rec-v1", id, nonce);
}

static void
ref_sk_box(uint8_t out[ACCT_SK_BOX_BYTES], const uint8_t id[16], const uint8_t k_acct[32], const uint8_t sk[32],
    const uint8_t nonce[NPUB])
{
	uint8_t key[32];
	crypto_kdf_derive_from_key(key, 32, 1, "savaACCT", k_acct);
	ref_box(out, key, sk, 32, "sava-acct-sk-v1", id, nonce);
}

static void
ref_totp_box(uint8_t out[ACCT_TOTP_BOX_BYTES], const uint8_t id[16], const uint8_t k_acct[32], const uint8_t totp[20],
    const uint8_t nonce[NPUB])
{
	uint8_t key[32];
	crypto_kdf_derive_from_key(key, 32, 2, "savaACCT", k_acct);
	ref_box(out, key, totp, 20, "sava-acct-totp-v1", id, nonce);
}

static int
ref_build(const ref_acct_t *r, acct_blobs_t *a)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->id, r->id, 16);
	memcpy(a->pk, r->pk, 32);
	if (ref_wrap_pw(a->wrap_pw, r->id, r->k_acct, r->pw, r->salt, r->nonce[0]) != 0)
		return -1;
	ref_wrap_rec(a->wrap_rec, r->id, r->k_acct, r->rec, r->nonce[1]);
	ref_sk_box(a->sk_box, r->id, r->k_acct, r->sk, r->nonce[2]);
	ref_totp_box(a->totp_box, r->id, r->k_acct, r->totp, r->nonce[3]);
	return 0;
}

/* Opens wrap_pw with the cost and salt it records. */
static int
ref_open_wrap_pw(const uint8_t w[ACCT_WRAP_PW_BYTES], const uint8_t id[16], const char *pw, uint8_t k_acct[32])
{
	uint8_t pw_key[32], ad[64];
	if (w[0] != 1)
		return -1;
	if (crypto_pwhash(pw_key, 32, pw, strlen(pw), w + 9, rd32(w + 1), (size_t)rd32(w + 5) * 1024,
	        crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	size_t adlen = ref_ad(ad, "sava-acct-pw-v1", id);
	return crypto_aead_xchacha20poly1305_ietf_decrypt(k_acct, NULL, NULL, w + 49, 32 + ATAG, ad, adlen, w + 25,
	    pw_key);
}

/* ad = "sava-sess-v1" | kind | owner 16 | sid 32 */
static size_t
ref_sess_ad(uint8_t ad[96], uint8_t kind, const uint8_t owner[16], const uint8_t sid[32])
{
	memcpy(ad, "sava-sess-v1", 12);
	ad[12] = kind;
	memcpy(ad + 13, owner, 16);
	memcpy(ad + 29, sid, 32);
	return 61;
}

static int
ref_cookie_decode(const char *cookie, uint8_t c[32])
{
	size_t n = 0;
	return strlen(cookie) == 43 &&
	        sodium_base642bin(c, 32, cookie, 43, NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
	        n == 32
	    ? 0
	    : -1;
}

/* Opens a session box as CRYPTO.md says; also checks the stored sid. */
static int
ref_sess_open(const uint8_t c[32], uint8_t kind, const uint8_t owner[16], const uint8_t sid[32],
    const uint8_t box[SESS_BOX_BYTES], uint8_t sk[32])
{
	uint8_t want_sid[32], kek[32], ad[96];
	crypto_kdf_derive_from_key(want_sid, 32, 1, "savaSESS", c);
	if (memcmp(want_sid, sid, 32) != 0 || box[0] != 1)
		return -1;
	crypto_kdf_derive_from_key(kek, 32, 2, "savaSESS", c);
	size_t adlen = ref_sess_ad(ad, kind, owner, sid);
	return crypto_aead_xchacha20poly1305_ietf_decrypt(sk, NULL, NULL, box + 25, 32 + ATAG, ad, adlen, box + 1, kek);
}

/* A session built here: c fixed by seed, sid = KDF(c,1), box under KDF(c,2). A sid other
 * than the derived one may be forced (the AD then uses it). */
static void
ref_sess_make(uint8_t seed, uint8_t kind, const uint8_t owner[16], const uint8_t sk[32], const uint8_t *force_sid,
    sess_t *s)
{
	uint8_t kek[32], ad[96], nonce[NPUB];
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < 32; i++)
		s->c[i] = (uint8_t)(seed ^ (31 * i + 3));
	for (int i = 0; i < (int)NPUB; i++)
		nonce[i] = (uint8_t)(seed + 2 * i);
	crypto_kdf_derive_from_key(s->sid, 32, 1, "savaSESS", s->c);
	if (force_sid)
		memcpy(s->sid, force_sid, 32);
	crypto_kdf_derive_from_key(kek, 32, 2, "savaSESS", s->c);
	s->kind = kind;
	memcpy(s->owner, owner, 16);
	s->box[0] = 1;
	memcpy(s->box + 1, nonce, NPUB);
	size_t adlen = ref_sess_ad(ad, kind, owner, s->sid);
	crypto_aead_xchacha20poly1305_ietf_encrypt(s->box + 25, NULL, sk, 32, ad, adlen, NULL, s->box + 1, kek);
}

/* Group plaintext = tag | group_id 16 | epoch u32 LE | sk 32, opened with (pk, sk). */
static int
ref_group_open(const uint8_t sealed[GROUP_SEAL_BYTES], const uint8_t pk[32], const uint8_t sk[32], uint8_t tag,
    const uint8_t gid[16], uint32_t epoch, uint8_t sk_g[32])
{
	uint8_t plain[53];
	if (crypto_box_seal_open(plain, sealed, GROUP_SEAL_BYTES, pk, sk) != 0)
		return -1;
	if (plain[0] != tag || memcmp(plain + 1, gid, 16) != 0 || rd32(plain + 17) != epoch)
		return -2;
	memcpy(sk_g, plain + 21, 32);
	return 0;
}

static void
ref_group_seal(uint8_t out[GROUP_SEAL_BYTES], const uint8_t pk[32], uint8_t tag, const uint8_t gid[16], uint32_t epoch,
    const uint8_t sk_g[32])
{
	uint8_t plain[53];
	plain[0] = tag;
	memcpy(plain + 1, gid, 16);
	le32(plain + 17, epoch);
	memcpy(plain + 21, sk_g, 32);
	if (crypto_box_seal(out, plain, sizeof(plain), pk) != 0)
		memset(out, 0, GROUP_SEAL_BYTES);
}

static int
pk_of(const uint8_t sk[32], const uint8_t pk[32])
{
	uint8_t p[32];
	return crypto_scalarmult_base(p, sk) == 0 && memcmp(p, pk, 32) == 0;
}

/* ---- calls into account.c ---- */

static vault_status_t
login(vault_t *v, const acct_blobs_t *a, const char *pw, const uint8_t totp[20], uint64_t now, uint64_t code_step,
    uint64_t last_step, sess_new_t *out)
{
	char code[TOTP_DIGITS + 1];
	totp_code(totp, code_step, code);
	memset(out, 0, sizeof(*out));
	return acct_login(v, "alice", a, pw, strlen(pw), code, TOTP_DIGITS, now, last_step, out);
}

/* A sess_t from what acct_login returned, as the request would rebuild it. */
static int
sess_from_new(const sess_new_t *n, const uint8_t owner[16], sess_t *s)
{
	memset(s, 0, sizeof(*s));
	if (ref_cookie_decode(n->cookie, s->c) != 0)
		return -1;
	memcpy(s->sid, n->sid, 32);
	s->kind = SESS_KIND_STAFF;
	memcpy(s->owner, owner, 16);
	memcpy(s->box, n->box, SESS_BOX_BYTES);
	return 0;
}

static const char PW_A[] = "correct horse battery staple";
static const char PW_A2[] = "a second passphrase, long enough";
static const char PW_A3[] = "and a third one after recovery";
static const char PW_B[] = "bob's own long passphrase here";

/* 1. A record built here is accepted, and its session box opens here. */
static void
test_pinned_login(vault_t *v, const ref_acct_t *ra, const acct_blobs_t *a)
{
	uint64_t now = (uint64_t)time(NULL), step = now / TOTP_PERIOD_S;
	sess_new_t sn;
	uint8_t c[32], sid[32], sk[32], csrf[32], csrf_ref[32];

	CHECK(login(v, a, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_OK);
	CHECK(sn.totp_step == step);
	CHECK(strlen(sn.cookie) == SESS_COOKIE_CHARS);
	CHECK(ref_cookie_decode(sn.cookie, c) == 0);
	crypto_kdf_derive_from_key(sid, 32, 1, "savaSESS", c);
	CHECK(memcmp(sid, sn.sid, 32) == 0);
	CHECK(sn.box[0] == 1);
	memset(sk, 0, sizeof(sk));
	CHECK(ref_sess_open(c, 1, ra->id, sn.sid, sn.box, sk) == 0);
	CHECK(memcmp(sk, ra->sk, 32) == 0);
	/* the box is bound to kind 1 and this owner */
	CHECK(ref_sess_open(c, 2, ra->id, sn.sid, sn.box, sk) != 0);
	uint8_t other[16];
	memcpy(other, ra->id, 16);
	other[15] ^= 1;
	CHECK(ref_sess_open(c, 1, other, sn.sid, sn.box, sk) != 0);

	/* the cookie helpers agree with the derivations */
	uint8_t c2[32], sid2[32];
	sv_t cv = { sn.cookie, strlen(sn.cookie) };
	CHECK(sess_from_cookie(cv, c2, sid2) == 0);
	CHECK(memcmp(c2, c, 32) == 0 && memcmp(sid2, sid, 32) == 0);
	sess_csrf(c, csrf);
	crypto_kdf_derive_from_key(csrf_ref, 32, 3, "savaSESS", c);
	CHECK(memcmp(csrf, csrf_ref, 32) == 0);

	/* the stored record's own fields */
	CHECK(a->wrap_pw[0] == 1 && rd32(a->wrap_pw + 1) == 1 && rd32(a->wrap_pw + 5) == 8);
}

/* 1 (reverse). An account made by acct_create opens here. */
static void
test_create_opens(vault_t *v, acct_blobs_t *b, acct_shown_t *shown, uint8_t sk_b[32])
{
	uint8_t k1[32], k2[32], rec[16], tot[20], key[32];
	char enc[27];

	memset(b, 0, sizeof(*b));
	memset(shown, 0, sizeof(*shown));
	CHECK(acct_create(v, PW_B, strlen(PW_B), b, shown) == 0);
	/* KDF_INSECURE_FAST: Argon2id at libsodium's minimum, recorded in wrap_pw */
	CHECK(b->wrap_pw[0] == 1);
	CHECK(rd32(b->wrap_pw + 1) == 1);
	CHECK(rd32(b->wrap_pw + 5) == 8);
	CHECK(b->wrap_rec[0] == 1 && b->sk_box[0] == 1 && b->totp_box[0] == 1);

	memset(k1, 0, 32);
	CHECK(ref_open_wrap_pw(b->wrap_pw, b->id, PW_B, k1) == 0);
	CHECK(ref_open_wrap_pw(b->wrap_pw, b->id, PW_A, k2) != 0);

	CHECK(strlen(shown->recovery) == ACCT_RECOVERY_CHARS);
	CHECK(strspn(shown->recovery, ref_b32) == ACCT_RECOVERY_CHARS);
	CHECK(acct_recovery_decode(shown->recovery, strlen(shown->recovery), rec) == 0);
	ref_b32_encode(rec, enc);
	CHECK(strcmp(enc, shown->recovery) == 0);   /* shown exactly as RFC 4648 base32 */
	ref_rec_key(key, rec);
	memset(k2, 0, 32);
	CHECK(ref_box_open(k2, 32, b->wrap_rec, key, "sava-acct-rec-v1", b->id) == 0);
	CHECK(memcmp(k1, k2, 32) == 0);

	crypto_kdf_derive_from_key(key, 32, 1, "savaACCT", k1);
	CHECK(ref_box_open(sk_b, 32, b->sk_box, key, "sava-acct-sk-v1", b->id) == 0);
	CHECK(pk_of(sk_b, b->pk));
	crypto_kdf_derive_from_key(key, 32, 2, "savaACCT", k1);
	CHECK(ref_box_open(tot, 20, b->totp_box, key, "sava-acct-totp-v1", b->id) == 0);
	CHECK(memcmp(tot, shown->totp_secret, 20) == 0);

	/* and it logs in with what was shown */
	sess_new_t sn;
	uint8_t c[32], sk[32];
	CHECK(login(v, b, PW_B, shown->totp_secret, FIXED_NOW, FIXED_NOW / 30, 0, &sn) == VAULT_OK);
	CHECK(ref_cookie_decode(sn.cookie, c) == 0);
	CHECK(ref_sess_open(c, 1, b->id, sn.sid, sn.box, sk) == 0 && memcmp(sk, sk_b, 32) == 0);

	/* Two accounts never share id, salt, nonces or keys. */
	acct_blobs_t b2;
	acct_shown_t s2;
	CHECK(acct_create(v, PW_B, strlen(PW_B), &b2, &s2) == 0);
	CHECK(memcmp(b2.id, b->id, 16) != 0 && memcmp(b2.pk, b->pk, 32) != 0);
	CHECK(memcmp(b2.wrap_pw + 9, b->wrap_pw + 9, 16) != 0);
	CHECK(memcmp(b2.sk_box + 1, b->sk_box + 1, 24) != 0);
	CHECK(strcmp(s2.recovery, shown->recovery) != 0);
	sodium_memzero(&s2, sizeof(s2));
}

/* 2. Single-bit tampering anywhere in a record, and re-binding to another id. */
static void
test_tamper(vault_t *v, const ref_acct_t *ra, const acct_blobs_t *a)
{
	const uint64_t now = FIXED_NOW, step = now / 30;
	sess_new_t sn;
	acct_blobs_t t;

	CHECK(login(v, a, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_OK);   /* control */
	for (size_t i = 0; i < ACCT_WRAP_PW_BYTES; i++) {
		t = *a;
		t.wrap_pw[i] ^= (uint8_t)(1u << (i % 8));
		CHECK_AT(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND, "wrap_pw", i);
	}
	for (size_t i = 0; i < ACCT_SK_BOX_BYTES; i++) {
		t = *a;
		t.sk_box[i] ^= (uint8_t)(1u << (i % 8));
		CHECK_AT(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND, "sk_box", i);
	}
	for (size_t i = 0; i < ACCT_TOTP_BOX_BYTES; i++) {
		t = *a;
		t.totp_box[i] ^= (uint8_t)(1u << (i % 8));
		CHECK_AT(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND, "totp_box", i);
	}
	for (size_t i = 0; i < ACCT_ID_BYTES; i++) {
		t = *a;
		t.id[i] ^= (uint8_t)(1u << (i % 8));
		CHECK_AT(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND, "account id", i);
	}
	/* A format byte other than 01 is refused even though the rest is intact. */
	t = *a;
	t.wrap_pw[0] = 2;
	CHECK(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);
	t = *a;
	t.sk_box[0] = 2;
	CHECK(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);
	t = *a;
	t.totp_box[0] = 0;
	CHECK(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);

	/* Each box is bound to the id by its own AD: a wrap_pw re-made for another id does
	 * not carry sk_box or totp_box made for the first one. */
	ref_acct_t r2 = *ra;
	r2.id[3] ^= 0x10;
	acct_blobs_t moved;
	CHECK(ref_build(&r2, &moved) == 0);
	CHECK(login(v, &moved, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_OK);   /* control */
	t = moved;
	memcpy(t.sk_box, a->sk_box, ACCT_SK_BOX_BYTES);
	CHECK(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);
	t = moved;
	memcpy(t.totp_box, a->totp_box, ACCT_TOTP_BOX_BYTES);
	CHECK(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);
	/* Boxes swapped between the sk and totp labels (same key schedule otherwise). */
	{
		uint8_t key[32];
		t = *a;
		crypto_kdf_derive_from_key(key, 32, 2, "savaACCT", ra->k_acct);   /* sk under the totp subkey */
		ref_box(t.sk_box, key, ra->sk, 32, "sava-acct-sk-v1", ra->id, ra->nonce[2]);
		CHECK(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);
		t = *a;
		crypto_kdf_derive_from_key(key, 32, 1, "savaACCT", ra->k_acct);
		ref_box(t.sk_box, key, ra->sk, 32, "sava-acct-totp-v1", ra->id, ra->nonce[2]);   /* wrong label */
		CHECK(login(v, &t, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);
	}

	/* wrap_rec: every single-bit flip stops recovery. */
	char rec[27];
	uint8_t nw[ACCT_WRAP_PW_BYTES];
	ref_b32_encode(ra->rec, rec);
	CHECK(acct_rewrap(v, a, rec, strlen(rec), true, PW_A2, strlen(PW_A2), nw) == VAULT_OK);   /* control */
	for (size_t i = 0; i < ACCT_WRAP_REC_BYTES; i++) {
		t = *a;
		t.wrap_rec[i] ^= (uint8_t)(1u << (i % 8));
		memset(nw, 0xee, sizeof(nw));
		CHECK_AT(acct_rewrap(v, &t, rec, strlen(rec), true, PW_A2, strlen(PW_A2), nw) == VAULT_NOT_FOUND,
		    "wrap_rec", i);
	}
	for (size_t i = 0; i < ACCT_ID_BYTES; i++) {
		t = *a;
		t.id[i] ^= (uint8_t)(0x80u >> (i % 8));
		CHECK_AT(acct_rewrap(v, &t, rec, strlen(rec), true, PW_A2, strlen(PW_A2), nw) == VAULT_NOT_FOUND,
		    "account id (recovery)", i);
	}
}

/* 2 (sessions). A session box with any change does not open. */
static void
test_session_tamper(vault_t *v, const ref_acct_t *ra, const acct_blobs_t *a)
{
	sess_new_t sn;
	sess_t s, t;
	uint8_t gid[16] = { 0x47, 0x52, 0x50, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }, pk_g[32], sealed[GROUP_SEAL_BYTES];

	CHECK(login(v, a, ra->pw, ra->totp, FIXED_NOW, FIXED_NOW / 30, 0, &sn) == VAULT_OK);
	CHECK(sess_from_new(&sn, ra->id, &s) == 0);
	CHECK(group_key_create(&s, gid, 0, pk_g, sealed) == 0);   /* control */
	for (size_t i = 0; i < SESS_BOX_BYTES; i++) {
		t = s;
		t.box[i] ^= (uint8_t)(1u << (i % 8));
		CHECK_AT(group_key_create(&t, gid, 0, pk_g, sealed) != 0, "session box", i);
	}
	for (size_t i = 0; i < 16; i++) {
		t = s;
		t.owner[i] ^= (uint8_t)(1u << (i % 8));
		CHECK_AT(group_key_create(&t, gid, 0, pk_g, sealed) != 0, "session owner", i);
	}
	for (size_t i = 0; i < 32; i++) {
		t = s;
		t.sid[i] ^= (uint8_t)(1u << (i % 8));
		CHECK_AT(group_key_create(&t, gid, 0, pk_g, sealed) != 0, "session sid", i);
		t = s;
		t.c[i] ^= (uint8_t)(1u << (i % 8));
		CHECK_AT(group_key_create(&t, gid, 0, pk_g, sealed) != 0, "session cookie", i);
	}
	static const uint8_t kinds[] = { 0, SESS_KIND_MAILBOX, 3, 0x81, 0xff };
	for (size_t i = 0; i < sizeof(kinds); i++) {
		t = s;
		t.kind = kinds[i];
		CHECK_AT(group_key_create(&t, gid, 0, pk_g, sealed) != 0, "session kind", i);
	}

	/* Built here: a box for kind 1 or 2 opens (the AD layout is as pinned), and a box
	 * made for a sid that is not KDF(c,1) is refused even though its AD matches. */
	ref_sess_make(0x31, SESS_KIND_STAFF, ra->id, ra->sk, NULL, &t);
	CHECK(group_key_create(&t, gid, 0, pk_g, sealed) == 0);
	ref_sess_make(0x32, SESS_KIND_MAILBOX, ra->id, ra->sk, NULL, &t);
	CHECK(group_key_create(&t, gid, 0, pk_g, sealed) == 0);
	uint8_t fake_sid[32];
	memset(fake_sid, 0x5a, sizeof(fake_sid));
	ref_sess_make(0x33, SESS_KIND_STAFF, ra->id, ra->sk, fake_sid, &t);
	CHECK(group_key_create(&t, gid, 0, pk_g, sealed) != 0);
	/* a session box sealed for another kind, presented as kind 1 */
	ref_sess_make(0x34, SESS_KIND_MAILBOX, ra->id, ra->sk, NULL, &t);
	t.kind = SESS_KIND_STAFF;
	CHECK(group_key_create(&t, gid, 0, pk_g, sealed) != 0);
}

/* 3. Wrong secrets, the TOTP window and replay, the unknown handle, re-wrapping. */
static void
test_login_rules(vault_t *v, const ref_acct_t *ra, acct_blobs_t *a)
{
	const uint64_t now = FIXED_NOW, step = now / 30;
	sess_new_t sn;
	char codes[5][TOTP_DIGITS + 1];

	/* The test is only meaningful if the five codes differ. */
	for (int i = 0; i < 5; i++)
		totp_code(ra->totp, step - 2 + (uint64_t)i, codes[i]);
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++)
			CHECK(strcmp(codes[i], codes[j]) != 0);

	CHECK(login(v, a, "correct horse battery stapl", ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);
	CHECK(login(v, a, "Correct horse battery staple", ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);
	CHECK(login(v, a, "", ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);
	/* passphrase bytes beyond len are not used: a prefix of the right one is wrong */
	CHECK(acct_login(v, "alice", a, ra->pw, strlen(ra->pw) - 1, codes[2], 6, now, 0, &sn) == VAULT_NOT_FOUND);

	/* window: step-1, step, step+1 accepted (and reported); step-2, step+2 refused */
	CHECK(login(v, a, ra->pw, ra->totp, now, step - 1, 0, &sn) == VAULT_OK && sn.totp_step == step - 1);
	CHECK(login(v, a, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_OK && sn.totp_step == step);
	CHECK(login(v, a, ra->pw, ra->totp, now, step + 1, 0, &sn) == VAULT_OK && sn.totp_step == step + 1);
	CHECK(login(v, a, ra->pw, ra->totp, now, step - 2, 0, &sn) == VAULT_NOT_FOUND);
	CHECK(login(v, a, ra->pw, ra->totp, now, step + 2, 0, &sn) == VAULT_NOT_FOUND);
	/* a code from another secret, and malformed codes */
	{
		uint8_t other[20];
		char oc[TOTP_DIGITS + 1];
		memcpy(other, ra->totp, 20);
		other[0] ^= 1;
		totp_code(other, step, oc);
		CHECK(strcmp(oc, codes[2]) != 0);
		CHECK(login(v, a, ra->pw, other, now, step, 0, &sn) == VAULT_NOT_FOUND);
	}
	CHECK(acct_login(v, "alice", a, ra->pw, strlen(ra->pw), codes[2], 5, now, 0, &sn) == VAULT_NOT_FOUND);
	CHECK(acct_login(v, "alice", a, ra->pw, strlen(ra->pw), "12345a", 6, now, 0, &sn) == VAULT_NOT_FOUND);
	CHECK(acct_login(v, "alice", a, ra->pw, strlen(ra->pw), NULL, 0, now, 0, &sn) == VAULT_NOT_FOUND);
	/* replay: a step at or below last_step is refused; a later one still works */
	CHECK(login(v, a, ra->pw, ra->totp, now, step, step, &sn) == VAULT_NOT_FOUND);
	CHECK(login(v, a, ra->pw, ra->totp, now, step - 1, step - 1, &sn) == VAULT_NOT_FOUND);
	CHECK(login(v, a, ra->pw, ra->totp, now, step - 1, step + 1, &sn) == VAULT_NOT_FOUND);
	CHECK(login(v, a, ra->pw, ra->totp, now, step + 1, step, &sn) == VAULT_OK && sn.totp_step == step + 1);
	CHECK(login(v, a, ra->pw, ra->totp, now, step + 1, step + 1, &sn) == VAULT_NOT_FOUND);

	/* unknown handle: same answer, with or without the real account's secrets */
	CHECK(acct_login(v, "nobody", NULL, ra->pw, strlen(ra->pw), codes[2], 6, now, 0, &sn) == VAULT_NOT_FOUND);
	CHECK(acct_login(v, "alice", NULL, ra->pw, strlen(ra->pw), codes[2], 6, now, 0, &sn) == VAULT_NOT_FOUND);
	CHECK(acct_login(v, "", NULL, "", 0, "000000", 6, now, 0, &sn) == VAULT_NOT_FOUND);

	/* rewrap with the old passphrase: the new one opens, the old one no longer does */
	uint8_t nw[ACCT_WRAP_PW_BYTES], k[32];
	CHECK(acct_rewrap(v, a, "not the passphrase", 18, false, PW_A2, strlen(PW_A2), nw) == VAULT_NOT_FOUND);
	CHECK(acct_rewrap(v, a, ra->pw, strlen(ra->pw), false, PW_A2, strlen(PW_A2), nw) == VAULT_OK);
	CHECK(nw[0] == 1 && rd32(nw + 1) == 1 && rd32(nw + 5) == 8);
	CHECK(memcmp(nw + 9, a->wrap_pw + 9, 16) != 0);   /* a fresh salt */
	CHECK(ref_open_wrap_pw(nw, ra->id, PW_A2, k) == 0 && memcmp(k, ra->k_acct, 32) == 0);
	memcpy(a->wrap_pw, nw, sizeof(nw));
	CHECK(login(v, a, PW_A2, ra->totp, now, step, 0, &sn) == VAULT_OK);
	CHECK(login(v, a, ra->pw, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);

	/* rewrap with the recovery key, typed in lower case with spaces and dashes */
	char rec[27], typed[64];
	ref_b32_encode(ra->rec, rec);
	size_t o = 0;
	for (size_t i = 0; i < 26; i++) {
		if (i && i % 4 == 0)
			typed[o++] = (i % 8 == 0) ? ' ' : '-';
		char ch = rec[i];
		typed[o++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
	}
	typed[o] = '\0';
	CHECK(acct_rewrap(v, a, typed, o, true, PW_A3, strlen(PW_A3), nw) == VAULT_OK);
	CHECK(ref_open_wrap_pw(nw, ra->id, PW_A3, k) == 0 && memcmp(k, ra->k_acct, 32) == 0);
	memcpy(a->wrap_pw, nw, sizeof(nw));
	CHECK(login(v, a, PW_A3, ra->totp, now, step, 0, &sn) == VAULT_OK);
	CHECK(login(v, a, PW_A2, ra->totp, now, step, 0, &sn) == VAULT_NOT_FOUND);

	/* wrong recovery keys: one character changed, another account's key, malformed */
	char bad[27];
	memcpy(bad, rec, sizeof(bad));
	bad[5] = bad[5] == 'A' ? 'B' : 'A';
	memset(nw, 0xee, sizeof(nw));
	CHECK(acct_rewrap(v, a, bad, 26, true, PW_A2, strlen(PW_A2), nw) == VAULT_NOT_FOUND);
	memcpy(bad, rec, sizeof(bad));
	bad[0] = bad[0] == 'A' ? 'B' : 'A';
	CHECK(acct_rewrap(v, a, bad, 26, true, PW_A2, strlen(PW_A2), nw) == VAULT_NOT_FOUND);
	CHECK(acct_rewrap(v, a, rec, 25, true, PW_A2, strlen(PW_A2), nw) == VAULT_NOT_FOUND);
	CHECK(acct_rewrap(v, a, "", 0, true, PW_A2, strlen(PW_A2), nw) == VAULT_NOT_FOUND);
	/* the passphrase is not a recovery key, nor the reverse */
	CHECK(acct_rewrap(v, a, PW_A3, strlen(PW_A3), true, PW_A2, strlen(PW_A2), nw) == VAULT_NOT_FOUND);
	CHECK(acct_rewrap(v, a, rec, 26, false, PW_A2, strlen(PW_A2), nw) == VAULT_NOT_FOUND);
	/* nothing above changed the passphrase */
	CHECK(login(v, a, PW_A3, ra->totp, now, step, 0, &sn) == VAULT_OK);
}

/* 4. Group keys. */
static void
test_groups(vault_t *v, const ref_acct_t *ra, const acct_blobs_t *a, const acct_blobs_t *b, const uint8_t sk_b[32])
{
	sess_new_t sn;
	sess_t sa, sb;
	const uint8_t gid[16] = { 0x67, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0x99 };
	const uint32_t epoch = 0x01020304u;
	uint8_t pk_g[32], sealed[GROUP_SEAL_BYTES], sk_g[32], sk_g2[32];

	CHECK(login(v, a, ra->pw, ra->totp, FIXED_NOW, FIXED_NOW / 30, 0, &sn) == VAULT_OK);
	CHECK(sess_from_new(&sn, ra->id, &sa) == 0);

	CHECK(group_key_create(&sa, gid, epoch, pk_g, sealed) == 0);
	memset(sk_g, 0, 32);
	CHECK(ref_group_open(sealed, ra->pk, ra->sk, 2, gid, epoch, sk_g) == 0);
	CHECK(pk_of(sk_g, pk_g));
	{
		uint8_t plain[53];
		CHECK(crypto_box_seal_open(plain, sealed, GROUP_SEAL_BYTES, ra->pk, ra->sk) == 0);
		CHECK(plain[0] == 2 && memcmp(plain + 1, gid, 16) == 0);
		CHECK(plain[17] == 4 && plain[18] == 3 && plain[19] == 2 && plain[20] == 1);   /* u32 LE */
	}
	/* only A's key opens it */
	CHECK(ref_group_open(sealed, b->pk, sk_b, 2, gid, epoch, sk_g2) != 0);

	/* grant to B: B's keys open the same secret */
	uint8_t to_b[GROUP_SEAL_BYTES];
	CHECK(group_key_grant(&sa, sealed, gid, epoch, b->pk, to_b) == 0);
	memset(sk_g2, 0, 32);
	CHECK(ref_group_open(to_b, b->pk, sk_b, 2, gid, epoch, sk_g2) == 0);
	CHECK(memcmp(sk_g2, sk_g, 32) == 0);
	/* grant refuses a copy for another group or epoch, or a damaged one */
	uint8_t gid2[16], out[GROUP_SEAL_BYTES];
	memcpy(gid2, gid, 16);
	gid2[15] ^= 1;
	CHECK(group_key_grant(&sa, sealed, gid2, epoch, b->pk, out) != 0);
	CHECK(group_key_grant(&sa, sealed, gid, epoch + 1, b->pk, out) != 0);
	CHECK(group_key_grant(&sa, sealed, gid, epoch - 1, b->pk, out) != 0);
	CHECK(group_key_grant(&sa, sealed, gid, epoch ^ 0x01000000u, b->pk, out) != 0);
	for (size_t i = 0; i < GROUP_SEAL_BYTES; i += 5) {
		uint8_t t[GROUP_SEAL_BYTES];
		memcpy(t, sealed, sizeof(t));
		t[i] ^= (uint8_t)(1u << (i % 8));
		CHECK_AT(group_key_grant(&sa, t, gid, epoch, b->pk, out) != 0, "group copy", i);
	}
	/* B's copy is not A's: A's session cannot use it */
	CHECK(group_key_grant(&sa, to_b, gid, epoch, b->pk, out) != 0);
	/* copies built here: tag 2 is accepted, a link (tag 3) or another tag is not */
	{
		uint8_t mine[GROUP_SEAL_BYTES], k2[32];
		ref_group_seal(mine, ra->pk, 2, gid, 77, sk_g);
		CHECK(group_key_grant(&sa, mine, gid, 77, b->pk, out) == 0);
		CHECK(ref_group_open(out, b->pk, sk_b, 2, gid, 77, k2) == 0 && memcmp(k2, sk_g, 32) == 0);
		ref_group_seal(mine, ra->pk, 3, gid, 77, sk_g);
		CHECK(group_key_grant(&sa, mine, gid, 77, b->pk, out) != 0);
		ref_group_seal(mine, ra->pk, 1, gid, 77, sk_g);
		CHECK(group_key_grant(&sa, mine, gid, 77, b->pk, out) != 0);
	}

	/* B, through a session built here, grants back to A */
	ref_sess_make(0x44, SESS_KIND_STAFF, b->id, sk_b, NULL, &sb);
	uint8_t to_a[GROUP_SEAL_BYTES];
	CHECK(group_key_grant(&sb, to_b, gid, epoch, ra->pk, to_a) == 0);
	memset(sk_g2, 0, 32);
	CHECK(ref_group_open(to_a, ra->pk, ra->sk, 2, gid, epoch, sk_g2) == 0 && memcmp(sk_g2, sk_g, 32) == 0);

	/* rotation */
	uint8_t new_pk[32], new_sealed[GROUP_SEAL_BYTES], link[GROUP_SEAL_BYTES], sk_new[32], old[32];
	CHECK(group_key_rotate(&sa, sealed, gid, epoch, new_pk, new_sealed, link) == 0);
	CHECK(memcmp(new_pk, pk_g, 32) != 0);
	memset(sk_new, 0, 32);
	CHECK(ref_group_open(new_sealed, ra->pk, ra->sk, 2, gid, epoch + 1, sk_new) == 0);
	CHECK(pk_of(sk_new, new_pk));
	CHECK(memcmp(sk_new, sk_g, 32) != 0);
	memset(old, 0, 32);
	CHECK(ref_group_open(link, new_pk, sk_new, 3, gid, epoch, old) == 0);   /* 03 | gid | old epoch | old sk */
	CHECK(memcmp(old, sk_g, 32) == 0);
	CHECK(ref_group_open(link, pk_g, sk_g, 3, gid, epoch, old) != 0);       /* not the old key */
	CHECK(ref_group_open(link, ra->pk, ra->sk, 3, gid, epoch, old) != 0);   /* not the member's key */
	/* the new copy is granted for epoch + 1 only */
	CHECK(group_key_grant(&sa, new_sealed, gid, epoch + 1, b->pk, out) == 0);
	CHECK(ref_group_open(out, b->pk, sk_b, 2, gid, epoch + 1, sk_g2) == 0 && memcmp(sk_g2, sk_new, 32) == 0);
	CHECK(group_key_grant(&sa, new_sealed, gid, epoch, b->pk, out) != 0);
	/* rotation refuses a wrong group or epoch, a bad session */
	CHECK(group_key_rotate(&sa, sealed, gid2, epoch, new_pk, new_sealed, link) != 0);
	CHECK(group_key_rotate(&sa, sealed, gid, epoch + 1, new_pk, new_sealed, link) != 0);
	sess_t bad = sa;
	bad.box[30] ^= 4;
	CHECK(group_key_rotate(&bad, sealed, gid, epoch, new_pk, new_sealed, link) != 0);
	CHECK(group_key_grant(&bad, sealed, gid, epoch, b->pk, out) != 0);
	/* a second rotation gives another key again */
	uint8_t pk3[32], s3[GROUP_SEAL_BYTES], l3[GROUP_SEAL_BYTES], sk3[32];
	CHECK(group_key_rotate(&sa, new_sealed, gid, epoch + 1, pk3, s3, l3) == 0);
	CHECK(ref_group_open(s3, ra->pk, ra->sk, 2, gid, epoch + 2, sk3) == 0 && pk_of(sk3, pk3));
	CHECK(ref_group_open(l3, pk3, sk3, 3, gid, epoch + 1, old) == 0 && memcmp(old, sk_new, 32) == 0);
}

/* 5. Recovery-key parsing. */
static void
test_recovery_decode(void)
{
	uint8_t rec[16], want[16];
	char enc[27], buf[80];

	for (int i = 0; i < 16; i++)
		want[i] = (uint8_t)i;
	/* RFC 4648 base32 of 00..0f (Python base64.b32encode, padding dropped) */
	CHECK(acct_recovery_decode("AAAQEAYEAUDAOCAJBIFQYDIOB4", 26, rec) == 0 && memcmp(rec, want, 16) == 0);
	ref_b32_encode(want, enc);
	CHECK(strcmp(enc, "AAAQEAYEAUDAOCAJBIFQYDIOB4") == 0);
	memset(want, 0xff, 16);
	CHECK(acct_recovery_decode("77777777777777777777777774", 26, rec) == 0 && memcmp(rec, want, 16) == 0);
	static const uint8_t kat3[16] = { 0x8f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3,
		0xd2, 0xe1, 0xf0 };
	CHECK(acct_recovery_decode("R4PC2PCLLJUXRB4WUW2MHUXB6A", 26, rec) == 0 && memcmp(rec, kat3, 16) == 0);
	CHECK(acct_recovery_decode("r4pc2pcllJUXRB4wuw2mhuxb6a", 26, rec) == 0 && memcmp(rec, kat3, 16) == 0);
	static const char *const typed[] = {
		"r4pc-2pcl-ljux-rb4w-uw2m-huxb-6a",
		"R4PC 2PCL LJUX RB4W UW2M HUXB 6A",
		"  r4pc2pcl - ljuxrb4w -- uw2mhuxb6a  ",
		"-R-4-P-C-2-P-C-L-L-J-U-X-R-B-4-W-U-W-2-M-H-U-X-B-6-A-",
	};
	for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
		memset(rec, 0, 16);
		CHECK_AT(acct_recovery_decode(typed[i], strlen(typed[i]), rec) == 0 && memcmp(rec, kat3, 16) == 0,
		    "typed recovery key", i);
	}
	/* every byte value round-trips in every position */
	for (int pos = 0; pos < 16; pos++) {
		for (int val = 0; val < 256; val += 17) {
			uint8_t in[16];
			for (int i = 0; i < 16; i++)
				in[i] = (uint8_t)(pos * 31 + i * 7);
			in[pos] = (uint8_t)val;
			ref_b32_encode(in, enc);
			CHECK(acct_recovery_decode(enc, 26, rec) == 0 && memcmp(rec, in, 16) == 0);
		}
	}

	/* lengths: 25 and 27 characters, with or without separators; empty; separators only */
	CHECK(acct_recovery_decode("R4PC2PCLLJUXRB4WUW2MHUXB6", 25, rec) != 0);
	CHECK(acct_recovery_decode("R4PC2PCLLJUXRB4WUW2MHUXB6AA", 27, rec) != 0);
	CHECK(acct_recovery_decode("R4PC2PCLLJUXRB4WUW2MHUXB6AQ", 27, rec) != 0);
	CHECK(acct_recovery_decode("r4pc-2pcl-ljux-rb4w-uw2m-huxb-6", 31, rec) != 0);
	CHECK(acct_recovery_decode("r4pc-2pcl-ljux-rb4w-uw2m-huxb-6a-a", 34, rec) != 0);
	CHECK(acct_recovery_decode("", 0, rec) != 0);
	CHECK(acct_recovery_decode("- - - -", 7, rec) != 0);
	/* the length given is honoured: a longer buffer does not make 25 characters valid */
	CHECK(acct_recovery_decode("R4PC2PCLLJUXRB4WUW2MHUXB6A", 25, rec) != 0);
	/* 52 characters (two keys) */
	CHECK(acct_recovery_decode("R4PC2PCLLJUXRB4WUW2MHUXB6AR4PC2PCLLJUXRB4WUW2MHUXB6A", 52, rec) != 0);

	/* characters outside A-Z a-z 2-7 (and the separators), in every position */
	static const char badc[] = "01890189=+/_.,:;@[`{~!\"#$%&'()*<>?\\^|\n\r";
	for (size_t p = 0; p < 26; p++) {
		for (size_t j = 0; j < sizeof(badc) - 1; j++) {
			memcpy(buf, "R4PC2PCLLJUXRB4WUW2MHUXB6A", 27);
			buf[p] = badc[j];
			CHECK_AT(acct_recovery_decode(buf, 26, rec) != 0, "bad character (position*64 + symbol)", p * 64 + j);
		}
		memcpy(buf, "R4PC2PCLLJUXRB4WUW2MHUXB6A", 27);
		buf[p] = '\0';
		CHECK_AT(acct_recovery_decode(buf, 26, rec) != 0, "NUL inside", p);
		buf[p] = (char)0xc3;   /* a UTF-8 lead byte (e.g. of a Cyrillic letter) */
		CHECK_AT(acct_recovery_decode(buf, 26, rec) != 0, "non-ASCII", p);
		buf[p] = (char)0x80;
		CHECK_AT(acct_recovery_decode(buf, 26, rec) != 0, "non-ASCII", p);
	}
	/* a bad character in place of a separator, and one appended */
	CHECK(acct_recovery_decode("r4pc-2pcl_ljux-rb4w-uw2m-huxb-6a", 32, rec) != 0);
	CHECK(acct_recovery_decode("R4PC2PCLLJUXRB4WUW2MHUXB6A.", 27, rec) != 0);
	CHECK(acct_recovery_decode("R4PC2PCLLJUXRB4WUW2MHUXB6A0", 27, rec) != 0);
}

/* 6. Invitations. */
static void
test_invites(void)
{
	char tok[44], tok2[44], bad[64];
	uint8_t h[32], h2[32], t[32];

	invite_token_new(tok, h);
	CHECK(strlen(tok) == 43);
	CHECK(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 43);
	sv_t tv = { tok, 43 };
	CHECK(invite_token_hash(tv, h2) == 0 && memcmp(h, h2, 32) == 0);
	invite_token_new(tok2, h2);
	CHECK(strcmp(tok, tok2) != 0 && memcmp(h, h2, 32) != 0);
	/* the hash is not the token's bytes */
	CHECK(ref_cookie_decode(tok, t) == 0 && memcmp(t, h, 32) != 0);

	/* 42 and 44 characters; characters outside base64url in each position */
	sv_t s42 = { tok, 42 };
	CHECK(invite_token_hash(s42, h2) != 0);
	memcpy(bad, tok, 43);
	bad[43] = 'A';
	sv_t s44 = { bad, 44 };
	CHECK(invite_token_hash(s44, h2) != 0);
	bad[43] = '=';
	CHECK(invite_token_hash(s44, h2) != 0);
	sv_t s0 = { tok, 0 };
	CHECK(invite_token_hash(s0, h2) != 0);
	static const char badc[] = "+/= .!\t\n";
	for (size_t p = 0; p < 43; p++) {
		for (size_t j = 0; j < sizeof(badc) - 1; j++) {
			memcpy(bad, tok, 43);
			bad[p] = badc[j];
			sv_t sb = { bad, 43 };
			CHECK_AT(invite_token_hash(sb, h2) != 0, "invite token character (position*8 + symbol)", p * 8 + j);
		}
	}

	/* the note opens here with KDF(token bytes, 1, "savaINVT") and its AD */
	static const char note[] = "Welcome: ask Ana for the Tuesday rota.";
	uint8_t box[sizeof(note) - 1 + INVITE_NOTE_BOX_EXTRA], key[32], pt[sizeof(note)];
	static const char ad[] = "sava-invite-note-v1";
	CHECK(invite_note_seal(tv, note, sizeof(note) - 1, box) == 0);
	CHECK(box[0] == 1);
	crypto_kdf_derive_from_key(key, 32, 1, "savaINVT", t);
	memset(pt, 0, sizeof(pt));
	CHECK(crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, box + 25, sizeof(note) - 1 + ATAG,
	          (const uint8_t *)ad, sizeof(ad) - 1, box + 1, key) == 0);
	CHECK(memcmp(pt, note, sizeof(note) - 1) == 0);
	/* another token's key does not open it */
	uint8_t t2[32], key2[32];
	CHECK(ref_cookie_decode(tok2, t2) == 0);
	crypto_kdf_derive_from_key(key2, 32, 1, "savaINVT", t2);
	CHECK(crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, box + 25, sizeof(note) - 1 + ATAG,
	          (const uint8_t *)ad, sizeof(ad) - 1, box + 1, key2) != 0);
	/* an empty note, and refusals for a bad token */
	uint8_t ebox[INVITE_NOTE_BOX_EXTRA];
	CHECK(invite_note_seal(tv, "", 0, ebox) == 0);
	CHECK(crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, ebox + 25, ATAG, (const uint8_t *)ad,
	          sizeof(ad) - 1, ebox + 1, key) == 0);
	CHECK(invite_note_seal(s42, note, sizeof(note) - 1, box) != 0);
	memcpy(bad, tok, 43);
	bad[10] = '+';
	sv_t sb = { bad, 43 };
	CHECK(invite_note_seal(sb, note, sizeof(note) - 1, box) != 0);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;

	char dir[] = "/tmp/sava-account-XXXXXX", path[256], err[256];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/keys", dir);
	CHECK(mkdir(path, 0700) == 0);
	vault_audit_first_t first;
	unsigned char entry[42];
	for (int i = 0; i < 42; i++)
		entry[i] = (unsigned char)(0x42 ^ i);
	CHECK(vault_instance_create(dir, KDF_INSECURE_FAST, entry, sizeof(entry), &first, err, sizeof(err)) == 0);
	sodium_memzero(&first, sizeof(first));
	vault_t *v = NULL;
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 2, 4, &v, err, sizeof(err)) == 0);
	if (!v) {
		fprintf(stderr, "vault_open: %s\n", err);
		return check_done("account");
	}

	ref_acct_t ra;
	acct_blobs_t a, b;
	acct_shown_t shown;
	uint8_t sk_b[32];
	ref_fill(&ra, 0, PW_A);
	CHECK(ref_build(&ra, &a) == 0);

	test_pinned_login(v, &ra, &a);
	test_create_opens(v, &b, &shown, sk_b);
	test_tamper(v, &ra, &a);
	test_session_tamper(v, &ra, &a);
	test_groups(v, &ra, &a, &b, sk_b);
	test_login_rules(v, &ra, &a);   /* changes a's passphrase: last */
	test_recovery_decode();
	test_invites();

	sodium_memzero(&shown, sizeof(shown));
	vault_close(v);
	snprintf(path, sizeof(path), "%s/keys/instance.key", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/keys/shred.kf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/keys", dir);
	rmdir(path);
	rmdir(dir);
	return check_done("account");
}
