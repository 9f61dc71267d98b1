/* account: staff account keys, sessions and group keys, exactly as CRYPTO.md lays them
 * out. Trusted with everything: K_acct, X25519 secret keys, TOTP secrets and group
 * secrets pass through here, in sodium_malloc memory, and are wiped before return. */
#include "vault/account.h"

#include <sodium.h>
#include <string.h>

#include "core/le.h"
#include "vault/secmem.h"
#include "vault/totp.h"
#include "vault/vault_private.h"

#define AEAD_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define AEAD_TAG   crypto_aead_xchacha20poly1305_ietf_ABYTES
#define PW_OPS_MAX 10
#define PW_MEM_MAX (1024u * 1024 * 1024)

static const char acct_b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Secrets that live for one call: one locked, guarded block, wiped on free. */
struct acct_secrets {
	uint8_t k_acct[32];
	uint8_t pw_key[32];
	uint8_t sub[32];
	uint8_t sk[32];
	uint8_t pk[32];
	uint8_t totp[20];
	uint8_t group_plain[53];
};

static struct acct_secrets *
secrets_new(void)
{
	return secmem_alloc(sizeof(struct acct_secrets));
}

static void
secrets_free(struct acct_secrets *s)
{
	secmem_free(s);   /* wiped */
}



/* AD = label | parts... (at most 96 bytes). */
static size_t
ad_build(uint8_t ad[96], const char *label, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = strlen(label);
	memcpy(ad, label, n);
	if (alen)
		memcpy(ad + n, a, alen);
	if (blen)
		memcpy(ad + n + alen, b, blen);
	return n + alen + blen;
}

#define box_seal vault_box_seal
#define box_open vault_box_open

static void
instance_cost(const vault_t *v, uint32_t *ops, uint32_t *mem_kib)
{
	if (v->kdf == KDF_INSECURE_FAST) {
		*ops = crypto_pwhash_OPSLIMIT_MIN;
		*mem_kib = (uint32_t)(crypto_pwhash_MEMLIMIT_MIN / 1024);
	} else {
		*ops = 3;
		*mem_kib = 256u * 1024;
	}
}

static int
pw_derive(uint8_t key[32], const char *pw, size_t len, const uint8_t salt[16], uint32_t ops, uint32_t mem_kib)
{
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > PW_OPS_MAX || (size_t)mem_kib * 1024 < crypto_pwhash_MEMLIMIT_MIN ||
	    (size_t)mem_kib * 1024 > PW_MEM_MAX)
		return -1;
	return crypto_pwhash(key, 32, pw, len, salt, ops, (size_t)mem_kib * 1024, crypto_pwhash_ALG_ARGON2ID13);
}

bool
acct_wrap_above_minimum(const uint8_t wrap_pw[ACCT_WRAP_PW_BYTES])
{
	uint32_t ops = le32_get(wrap_pw + 1), mem_kib = le32_get(wrap_pw + 5);
	return wrap_pw[0] == 1 &&
	    (ops > crypto_pwhash_OPSLIMIT_MIN || (size_t)mem_kib * 1024 > crypto_pwhash_MEMLIMIT_MIN);
}

/* wrap_pw = 01 | ops u32 | mem_kib u32 | salt 16 | nonce 24 | AEAD(pw_key, K_acct, AD) */
static int
wrap_pw_make(vault_t *v, uint8_t out[ACCT_WRAP_PW_BYTES], const uint8_t id[16], const uint8_t k_acct[32],
    const char *pw, size_t len, struct acct_secrets *s)
{
	uint32_t ops, mem_kib;
	uint8_t ad[96];
	instance_cost(v, &ops, &mem_kib);
	out[0] = 1;
	le32_put(out + 1, ops);
	le32_put(out + 5, mem_kib);
	randombytes_buf(out + 9, 16);
	if (pw_derive(s->pw_key, pw, len, out + 9, ops, mem_kib) != 0)
		return -1;
	size_t adlen = ad_build(ad, "sava-acct-pw-v1", id, 16, NULL, 0);
	randombytes_buf(out + 25, AEAD_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 25 + AEAD_NONCE, NULL, k_acct, 32, ad, adlen, NULL, out + 25,
	    s->pw_key);
	return 0;
}

/* Opens wrap_pw with a passphrase: K_acct into s->k_acct. */
static int
wrap_pw_open(const uint8_t w[ACCT_WRAP_PW_BYTES], const uint8_t id[16], const char *pw, size_t len,
    struct acct_secrets *s)
{
	uint8_t ad[96];
	if (w[0] != 1 || pw_derive(s->pw_key, pw, len, w + 9, le32_get(w + 1), le32_get(w + 5)) != 0)
		return -1;
	size_t adlen = ad_build(ad, "sava-acct-pw-v1", id, 16, NULL, 0);
	return crypto_aead_xchacha20poly1305_ietf_decrypt(s->k_acct, NULL, NULL, w + 25 + AEAD_NONCE, 32 + AEAD_TAG,
	    ad, adlen, w + 25, s->pw_key);
}

static void
recovery_key(uint8_t key[32], const uint8_t rec[16])
{
	crypto_generichash(key, 32, (const uint8_t *)"sava-recovery-v1", 16, rec, 16);
}

static void
recovery_encode(const uint8_t rec[16], char out[ACCT_RECOVERY_CHARS + 1])
{
	unsigned bits = 0, acc = 0;
	size_t n = 0;
	for (int i = 0; i < 16; i++) {
		acc = (acc << 8) | rec[i];
		bits += 8;
		while (bits >= 5) {
			out[n++] = acct_b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	out[n++] = acct_b32[(acc << (5 - bits)) & 31];
	out[n] = '\0';
}

/* Reads a recovery key typed with any case, spaces or dashes. */
int
acct_recovery_decode(const char *in, size_t len, uint8_t rec[16])
{
	unsigned acc = 0, bits = 0;
	size_t n = 0, chars = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		const char *at = (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7') ? memchr(acct_b32, c, 32) : NULL;
		if (!at || chars == ACCT_RECOVERY_CHARS)
			return -1;
		chars++;
		acc = (acc << 5) | (unsigned)(at - acct_b32);
		bits += 5;
		if (bits >= 8 && n < 16) {
			rec[n++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
		acc &= (1u << bits) - 1;
	}
	return (chars == ACCT_RECOVERY_CHARS && n == 16) ? 0 : -1;
}

int
acct_create(vault_t *v, const char *passphrase, size_t len, acct_blobs_t *out, acct_shown_t *shown)
{
	struct acct_secrets *s = secrets_new();
	uint8_t ad[96], rec[16];
	int rc = -1;
	if (!s)
		return -1;
	randombytes_buf(out->id, sizeof(out->id));
	randombytes_buf(s->k_acct, 32);
	crypto_box_keypair(out->pk, s->sk);
	randombytes_buf(s->totp, sizeof(s->totp));
	randombytes_buf(rec, sizeof(rec));

	if (vault_kdf_enter(v, KDF_FOR_STAFF) != 0)
		goto done;
	int made = wrap_pw_make(v, out->wrap_pw, out->id, s->k_acct, passphrase, len, s);
	vault_kdf_leave(v);
	if (made != 0)
		goto done;
	recovery_key(s->sub, rec);
	box_seal(out->wrap_rec, s->sub, s->k_acct, 32, ad, ad_build(ad, "sava-acct-rec-v1", out->id, 16, NULL, 0));
	crypto_kdf_derive_from_key(s->sub, 32, 1, "savaACCT", s->k_acct);
	box_seal(out->sk_box, s->sub, s->sk, 32, ad, ad_build(ad, "sava-acct-sk-v1", out->id, 16, NULL, 0));
	crypto_kdf_derive_from_key(s->sub, 32, 2, "savaACCT", s->k_acct);
	box_seal(out->totp_box, s->sub, s->totp, 20, ad, ad_build(ad, "sava-acct-totp-v1", out->id, 16, NULL, 0));
	recovery_encode(rec, shown->recovery);
	memcpy(shown->totp_secret, s->totp, 20);
	rc = 0;
done:
	sodium_memzero(rec, sizeof(rec));
	secrets_free(s);
	return rc;
}

/* Opens sk_box and totp_box with s->k_acct. */
static int
acct_open_boxes(const acct_blobs_t *a, struct acct_secrets *s)
{
	uint8_t ad[96];
	crypto_kdf_derive_from_key(s->sub, 32, 1, "savaACCT", s->k_acct);
	if (box_open(s->sk, 32, a->sk_box, s->sub, ad, ad_build(ad, "sava-acct-sk-v1", a->id, 16, NULL, 0)) != 0)
		return -1;
	crypto_kdf_derive_from_key(s->sub, 32, 2, "savaACCT", s->k_acct);
	return box_open(s->totp, 20, a->totp_box, s->sub, ad, ad_build(ad, "sava-acct-totp-v1", a->id, 16, NULL, 0));
}

int
sess_from_cookie(sv_t cookie, uint8_t c[32], uint8_t sid[32])
{
	size_t n = 0;
	if (cookie.len != SESS_COOKIE_CHARS ||
	    sodium_base642bin(c, 32, cookie.p, cookie.len, NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != 32)
		return -1;
	crypto_kdf_derive_from_key(sid, 32, 1, "savaSESS", c);
	return 0;
}

void
sess_csrf(const uint8_t c[32], uint8_t csrf[32])
{
	crypto_kdf_derive_from_key(csrf, 32, 3, "savaSESS", c);
}

/* The session's secret key into s->sk (and its public key into s->pk). */
static int
sess_open(const sess_t *ss, struct acct_secrets *s)
{
	return vault_sess_key(ss, s->sk, s->pk);
}

vault_status_t
acct_login(vault_t *v, const char *handle, const acct_blobs_t *acct, const char *passphrase, size_t len,
    const char *code, size_t code_len, uint64_t now, uint64_t last_step, sess_new_t *out)
{
	/* A wrap that opens with nothing: the unknown handle's path ends here. */
	static const uint8_t dummy_wrap[ACCT_WRAP_PW_BYTES] = { 1 };
	static const uint8_t dummy_id[16];
	struct acct_secrets *s = secrets_new();
	uint8_t wrap[ACCT_WRAP_PW_BYTES];
	const uint8_t *id = acct ? acct->id : dummy_id;
	int ok = 0;

	out->code_wrong = false;
	if (!s)
		return VAULT_ERROR;
	if (vault_kdf_enter(v, KDF_FOR_STAFF) != 0) {
		secrets_free(s);
		return VAULT_BUSY;
	}
	if (acct) {
		memcpy(wrap, acct->wrap_pw, sizeof(wrap));
	} else {
		/* The same cost as a real account, with a salt only this handle gets. */
		uint32_t ops, mem_kib;
		uint8_t fake_key[32];
		crypto_generichash_state h;
		instance_cost(v, &ops, &mem_kib);
		memcpy(wrap, dummy_wrap, sizeof(wrap));
		le32_put(wrap + 1, ops);
		le32_put(wrap + 5, mem_kib);
		crypto_kdf_derive_from_key(fake_key, 32, 1, "savaINST", v->ik + IK_OFF_ROOT);
		crypto_generichash_init(&h, fake_key, 32, 32);
		crypto_generichash_update(&h, (const uint8_t *)"fake-salt", 9);
		crypto_generichash_update(&h, (const uint8_t *)handle, strlen(handle));
		crypto_generichash_final(&h, s->sub, 32);
		memcpy(wrap + 9, s->sub, 16);
		sodium_memzero(fake_key, sizeof(fake_key));
	}
	ok = wrap_pw_open(wrap, id, passphrase, len, s) == 0;
	vault_kdf_leave(v);
	ok = ok && acct && acct_open_boxes(acct, s) == 0;
	/* The code is checked either way, against a zero secret when nothing opened. */
	uint64_t step = 0;
	if (!ok)
		sodium_memzero(s->totp, sizeof(s->totp));
	int code_ok = totp_check(s->totp, now, code, code_len, last_step, &step) == 0;
	out->code_wrong = ok && !code_ok;
	ok = ok && code_ok;
	if (ok) {
		vault_sess_new(SESS_KIND_STAFF, acct->id, s->sk, out);
		out->totp_step = step;
	}
	secrets_free(s);
	return ok ? VAULT_OK : VAULT_NOT_FOUND;
}

vault_status_t
acct_rewrap(vault_t *v, const acct_blobs_t *acct, const char *secret, size_t secret_len, bool use_recovery,
    const char *new_passphrase, size_t new_len, uint8_t new_wrap_pw[ACCT_WRAP_PW_BYTES])
{
	/* A wrap_rec that opens with nothing: an unknown handle's recovery ends here. */
	static const uint8_t dummy_rec[ACCT_WRAP_REC_BYTES] = { 1 };
	static const uint8_t dummy_id[16];
	const uint8_t *id = acct ? acct->id : dummy_id;
	struct acct_secrets *s = secrets_new();
	uint8_t rec[16], ad[96];
	int ok;
	if (!s)
		return VAULT_ERROR;
	if (vault_kdf_enter(v, KDF_FOR_STAFF) != 0) {
		secrets_free(s);
		return VAULT_BUSY;
	}
	if (use_recovery) {
		ok = acct_recovery_decode(secret, secret_len, rec) == 0;
		if (ok) {
			recovery_key(s->sub, rec);
			ok = box_open(s->k_acct, 32, acct ? acct->wrap_rec : dummy_rec, s->sub, ad,
			         ad_build(ad, "sava-acct-rec-v1", id, 16, NULL, 0)) == 0;
		}
		sodium_memzero(rec, sizeof(rec));
	} else {
		ok = acct && wrap_pw_open(acct->wrap_pw, acct->id, secret, secret_len, s) == 0;
	}
	ok = ok && acct && wrap_pw_make(v, new_wrap_pw, acct->id, s->k_acct, new_passphrase, new_len, s) == 0;
	vault_kdf_leave(v);
	secrets_free(s);
	return ok ? VAULT_OK : VAULT_NOT_FOUND;
}

/* group plaintext = tag | group_id 16 | epoch u32 | sk 32 */
static void
group_plain(uint8_t out[53], uint8_t tag, const uint8_t group_id[16], uint32_t epoch, const uint8_t sk[32])
{
	out[0] = tag;
	memcpy(out + 1, group_id, 16);
	le32_put(out + 17, epoch);
	memcpy(out + 21, sk, 32);
}

/* Opens a member copy with the session's key; checks tag, group and epoch. */
static int
group_open(struct acct_secrets *s, const uint8_t sealed[GROUP_SEAL_BYTES], const uint8_t group_id[16],
    uint32_t epoch, uint8_t sk_g[32])
{
	return vault_group_seal_open(sealed, 2, group_id, epoch, s->pk, s->sk, sk_g);
}

int
group_key_create(const sess_t *ss, const uint8_t group_id[16], uint32_t epoch, uint8_t pk_g[32],
    uint8_t sealed_for_me[GROUP_SEAL_BYTES])
{
	struct acct_secrets *s = secrets_new();
	int rc = -1;
	if (!s)
		return -1;
	if (sess_open(ss, s) == 0) {
		crypto_box_keypair(pk_g, s->sub);
		group_plain(s->group_plain, 2, group_id, epoch, s->sub);
		rc = crypto_box_seal(sealed_for_me, s->group_plain, 53, s->pk);
	}
	secrets_free(s);
	return rc;
}

int
group_key_grant(const sess_t *ss, const uint8_t my_sealed[GROUP_SEAL_BYTES], const uint8_t group_id[16],
    uint32_t epoch, const uint8_t member_pk[32], uint8_t sealed_out[GROUP_SEAL_BYTES])
{
	struct acct_secrets *s = secrets_new();
	int rc = -1;
	if (!s)
		return -1;
	if (sess_open(ss, s) == 0 && group_open(s, my_sealed, group_id, epoch, s->sub) == 0) {
		group_plain(s->group_plain, 2, group_id, epoch, s->sub);
		rc = crypto_box_seal(sealed_out, s->group_plain, 53, member_pk);
	}
	secrets_free(s);
	return rc;
}

int
group_key_rotate(const sess_t *ss, const uint8_t my_sealed[GROUP_SEAL_BYTES], const uint8_t group_id[16],
    uint32_t epoch, uint8_t new_pk[32], uint8_t new_sealed_for_me[GROUP_SEAL_BYTES], uint8_t link_out[GROUP_SEAL_BYTES])
{
	struct acct_secrets *s = secrets_new();
	uint8_t *sk_new = NULL;
	int rc = -1;
	if (!s || !(sk_new = sodium_malloc(32))) {
		secrets_free(s);
		return -1;
	}
	if (epoch < UINT32_MAX && sess_open(ss, s) == 0 && group_open(s, my_sealed, group_id, epoch, s->sub) == 0) {
		crypto_box_keypair(new_pk, sk_new);
		/* glink_g = SEAL(pk_{g+1}, 03 | group_id | g | sk_g): the new key opens the old */
		group_plain(s->group_plain, 3, group_id, epoch, s->sub);
		rc = crypto_box_seal(link_out, s->group_plain, 53, new_pk);
		group_plain(s->group_plain, 2, group_id, epoch + 1, sk_new);
		rc |= crypto_box_seal(new_sealed_for_me, s->group_plain, 53, s->pk);
	}
	sodium_free(sk_new);
	secrets_free(s);
	return rc;
}

void
invite_token_new(char token[44], uint8_t hash[32])
{
	uint8_t t[32];
	randombytes_buf(t, sizeof(t));
	sodium_bin2base64(token, 44, t, sizeof(t), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_generichash(hash, 32, (const uint8_t *)"sava-invite-v1", 14, t, sizeof(t));   /* H(token, label) */
	sodium_memzero(t, sizeof(t));
}

static int
invite_token_bytes(sv_t token, uint8_t t[32])
{
	size_t n = 0;
	return (token.len == 43 &&
	           sodium_base642bin(t, 32, token.p, token.len, NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
	           n == 32)
	    ? 0
	    : -1;
}

int
invite_token_hash(sv_t token, uint8_t hash[32])
{
	uint8_t t[32];
	if (invite_token_bytes(token, t) != 0)
		return -1;
	crypto_generichash(hash, 32, (const uint8_t *)"sava-invite-v1", 14, t, sizeof(t));   /* H(token, label) */
	sodium_memzero(t, sizeof(t));
	return 0;
}

int
invite_note_seal(sv_t token, const char *note, size_t len, uint8_t *out)
{
	uint8_t t[32], key[32];
	static const char ad[] = "sava-invite-note-v1";
	if (invite_token_bytes(token, t) != 0)
		return -1;
	crypto_kdf_derive_from_key(key, 32, 1, "savaINVT", t);
	box_seal(out, key, (const uint8_t *)note, len, (const uint8_t *)ad, sizeof(ad) - 1);
	sodium_memzero(t, sizeof(t));
	sodium_memzero(key, sizeof(key));
	return 0;
}
