/* vault: key custody. The only module that reads instance.key and shred.kf, and the
 * only one that calls libsodium's secret-key functions. Its API is message-shaped (fixed
 * inputs and outputs, no pointers into its memory), so it can later move into its own
 * process. Secrets live in sodium_malloc memory (locked, excluded from core dumps). */
#ifndef SAVA_VAULT_H
#define SAVA_VAULT_H

#include "core/buf.h"
#include "store/store.h"

#define VAULT_AUDIT_KEY_BYTES 32
#define RECEIPT_DIGITS_MIN 16
#define RECEIPT_DIGITS_MAX 20

typedef struct vault vault_t;

typedef enum {
	VAULT_OK = 0,
	VAULT_NOT_FOUND,   /* no live case has this receipt */
	VAULT_BUSY,        /* the bounded queue of key derivations is full: answer 503 */
	VAULT_ERROR,
} vault_status_t;

/* The first audit entry, made by `sava init` under K_0. */
typedef struct {
	unsigned char k0[VAULT_AUDIT_KEY_BYTES];   /* printed once by init, then wiped; never stored */
	unsigned char h[32];                       /* keyed link h_0 */
	unsigned char u[32];                       /* unkeyed link u_0 */
} vault_audit_first_t;

/* `sava init`: writes DIR/keys/instance.key (0600, created exclusively, fsynced) and a
 * preallocated DIR/keys/shred.kf. Chains entry 0 (AUDIT_ENTRY_BYTES) under a new K_0
 * and stores K_1 = KDF(K_0, 1, "savaAUDK") with index 1, so K_0 exists only in out. */
int vault_instance_create(const char *dir, const unsigned char *entry0, size_t entry_len,
    vault_audit_first_t *out, char *err, size_t errlen) WUR;

/* One link of an audit chain (CRYPTO.md "Audit"): H(key, prev | i u64 | entry), or the
 * unkeyed H(prev | i u64 | entry) when key is NULL. prev is 32 zero bytes for i = 0. */
void vault_audit_link(const unsigned char *key, const unsigned char prev[32], uint64_t i,
    const unsigned char *entry, size_t len, unsigned char out[32]);

/* Loads the instance key. max_kdf is how many Argon2id derivations may run at once;
 * queue is how many more may wait. Returns 0, or -1 with a sentence in err. */
int vault_open(const char *dir, kdf_profile_t kdf, unsigned max_kdf, unsigned queue, vault_t **out,
    char *err, size_t errlen) WUR;
void vault_close(vault_t *v);

/* Checks a receipt (digits only, canonical form) against the live cases in shred.kf.
 * Always runs the full derivation and scans every slot, so the answer and its time
 * do not depend on whether, or where, it matched. */
vault_status_t vault_receipt_find(vault_t *v, const char *digits, size_t n) WUR;

/* Known-answer helpers for tests: the receipt derivation at a given cost. */
int vault_receipt_lookup(const unsigned char salt[16], const char *digits, size_t n,
    unsigned long long ops, size_t mem, unsigned char lookup[32]) WUR;
/* Padmé length (CRYPTO.md "Padding"), minimum 256. */
size_t vault_padme(size_t len);

#endif
