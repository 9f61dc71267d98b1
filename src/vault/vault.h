/* vault: key custody. The only module that reads instance.key and shred.kf, and the
 * only one that calls libsodium's secret-key functions. Its API is message-shaped (fixed
 * inputs and outputs, no pointers into its memory), so it can later move into its own
 * process. Secrets live in sodium_malloc memory (locked, excluded from core dumps). */
#ifndef SAVA_VAULT_H
#define SAVA_VAULT_H

#include "core/buf.h"
#include "core/profile.h"

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
int vault_instance_create(const char *dir, kdf_profile_t kdf, const unsigned char *entry0, size_t entry_len,
    vault_audit_first_t *out, char *err, size_t errlen) WUR;

/* One link of an audit chain (CRYPTO.md "Audit"): H(key, prev | i u64 | entry), or the
 * unkeyed H(prev | i u64 | entry) when key is NULL. prev is 32 zero bytes for i = 0. */
void vault_audit_link(const unsigned char *key, const unsigned char prev[32], uint64_t i,
    const unsigned char *entry, size_t len, unsigned char out[32]);

/* Loads the instance key. kdf is the cost profile the database names: it must be the one
 * pinned in instance.key (a format-1 key file is upgraded once, pinning kdf). max_kdf is
 * how many Argon2id derivations may run at once, whatever they are for; queue is how many
 * more may wait, for each purpose (help intake, mailbox, staff) apart. Returns 0, or -1
 * with a sentence in err. */
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


/* ---- audit (audit_key.c): the ratchet key K_i kept in keys/instance.key ----
 * One append, in the order that survives a crash: vault_audit_next computes h_i with
 * K_i; the store commits row i; only then vault_audit_advance ratchets to K_{i+1}. A
 * crash between the last two leaves the log one entry ahead of the key file, which the
 * reconcile at start (domain/audit.h) detects, checks and finishes. */

/* The index i of the next entry: the vault holds K_i. */
uint64_t vault_audit_index(vault_t *v);

/* Computes h_i = H(K_i, prev | i u64 | entry) for the vault's current index i, which it
 * returns in *idx, under the vault's audit lock. Changes nothing, so the same call again
 * gives the same answer (this is also how a stored h_i is checked before a late ratchet).
 * prev is h_{i-1}, or 32 zero bytes for i = 0. Returns 0, or -1 when entry is empty. */
/* Takes the cross-process lock on instance.key (flock) and reloads the audit index and
 * key from it, for a whole append (next, commit, advance); end releases it. */
int vault_audit_begin(vault_t *v) WUR;
void vault_audit_end(vault_t *v);
int vault_audit_next(vault_t *v, const unsigned char prev[32], const unsigned char *entry, size_t len,
    uint64_t *idx, unsigned char h[32]) WUR;

/* After row i is committed: K_{i+1} = KDF(K_i, 1, "savaAUDK") and index i + 1 are
 * written over K_i in keys/instance.key in place (pwrite, fdatasync; never a new file),
 * then over K_i in memory. Refuses (-1, logged) unless i is the vault's current index, or
 * when the file no longer holds what this vault last wrote (a second sava on the same
 * instance). On failure nothing changes in memory, so the call can simply be repeated. */
int vault_audit_advance(vault_t *v, uint64_t i) WUR;

/* Offline checking for `sava audit verify --key K0`: a checker holds the ratchet key,
 * starting at K_0, in guarded memory; the keys never leave it. */
typedef struct vault_audit_checker vault_audit_checker_t;

/* Starts at K_0 (the caller wipes its own copy). When dir is not NULL, first takes the
 * audit index and key of DIR/keys/instance.key, so that a log growing while it is checked
 * is judged against one consistent snapshot of the key file. Returns 0, or -1 with a
 * sentence in err. Caller frees with vault_audit_checker_free. */
int vault_audit_checker_new(const unsigned char k0[VAULT_AUDIT_KEY_BYTES], const char *dir,
    vault_audit_checker_t **out, char *err, size_t errlen) WUR;

/* Checks h == H(K_i, prev | i u64 | entry) for i = the number of entries checked so far.
 * Returns 0 when it matches (and ratchets to K_{i+1}), 1 when it does not (and stays). */
int vault_audit_checker_next(vault_audit_checker_t *c, const unsigned char prev[32], const unsigned char *entry,
    size_t len, const unsigned char h[32]) WUR;

/* After the last entry: the index keys/instance.key held, and whether its key is the one
 * K_0 ratchets to for that index. *known is false when that index lies beyond the entries
 * checked (the comparison was never reached). Returns -1 when the checker has no key file. */
int vault_audit_checker_key(vault_audit_checker_t *c, uint64_t *file_index, bool *known, bool *matches) WUR;

/* Wipes and frees; NULL is fine. */
void vault_audit_checker_free(vault_audit_checker_t *c);

#endif
