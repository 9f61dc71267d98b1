/* vault_private: the vault's own layout, shared only by the files of src/vault/. Nothing
 * outside the vault includes this: the rest of sava sees only vault.h. */
#ifndef SAVA_VAULT_PRIVATE_H
#define SAVA_VAULT_PRIVATE_H

#include <pthread.h>

#include "vault/account.h"
#include "vault/vault.h"

/* instance.key, format 2 (192 bytes):
 *   "SAVAIK" | 02 | kdf | inst_root 32 | receipt_salt 16 | audit_index u64 |
 *   audit_key 32 | ed25519_pk 32 | ed25519_sk 64
 * kdf pins the Argon2id cost profile: 01 production, 02 insecure-fast (test instances).
 * Format 1 had 01 | 00 there; vault_open upgrades it in place, once, to format 2 with the
 * profile the database names at that moment; from then on the file decides, and a
 * database that says otherwise is refused (editing one row must not turn a production
 * instance into one with cheap keys). */
#define IK_MAGIC     "SAVAIK"
#define IK_FORMAT    2
#define IK_FORMAT_V1 1
#define IK_KDF_PRODUCTION    1
#define IK_KDF_INSECURE_FAST 2
#define IK_LEN       192
#define IK_OFF_ROOT  8
#define IK_OFF_SALT  40
#define IK_OFF_AIDX  56
#define IK_OFF_AKEY  64
#define IK_OFF_EDPK  96
#define IK_OFF_EDSK  128

/* shred.kf (CRYPTO.md): header 16 = "SAVAKF" | 01 | 00 | slot_count u32 | reserved 4;
 * slot 128 = state | kind | rsv 2 | e u32 | object_id 16 | z 32 | lookup 32 | rsv 40 */
#define KF_HEADER     16
#define KF_SLOT       128
#define KF_OFF_STATE  0
#define KF_OFF_KIND   1
#define KF_OFF_E      4
#define KF_OFF_OBJECT 8
#define KF_OFF_Z      24
#define KF_OFF_LOOKUP 56
#define KF_INIT_SLOTS 1024
#define KF_MAX_SLOTS  (1u << 22)   /* 512 MiB of slots: growth beyond this is refused */

/* What an Argon2id derivation is for: each purpose waits in its own line at the gate. */
typedef enum {
	KDF_FOR_HELP,      /* a new help request or volunteer application: its receipt */
	KDF_FOR_MAILBOX,   /* a requester opening his mailbox with his receipt */
	KDF_FOR_STAFF,     /* staff login, recovery, passphrase change, enrollment */
	KDF_PURPOSES
} kdf_purpose_t;

struct vault {
	unsigned char *ik;          /* sodium_malloc: the instance key file's bytes */
	char ik_path[4096];
	char kf_path[4096];
	pthread_mutex_t audit_lock; /* one audit append at a time (audit_key.c) */
	int audit_fd;               /* instance.key, flock()ed between begin and end */
	kdf_profile_t kdf;
	pthread_mutex_t kf_lock;    /* one shred.kf allocation, epoch update or shred at a time (shredkf.c) */
	/* The gate around every Argon2id (vault.c): kdf_running < kdf_max, and each purpose
	 * has its own waiting places (kdf_queue each), served in turn and FIFO within one. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned kdf_running, kdf_max, kdf_queue, kdf_turn;
	unsigned kdf_waiting[KDF_PURPOSES];
	uint64_t kdf_ticket[KDF_PURPOSES];   /* tickets given to waiters of each purpose */
	uint64_t kdf_served[KDF_PURPOSES];   /* tickets below this have been let in */
};


/* box.c: shared constructions. box = 01 | nonce 24 | AEAD(key, pt, ad). */
void vault_box_seal(uint8_t *out, const uint8_t key[32], const uint8_t *pt, size_t n, const uint8_t *ad, size_t adlen);
int vault_box_open(uint8_t *pt, size_t n, const uint8_t *box, const uint8_t key[32], const uint8_t *ad, size_t adlen);
/* AD of a session box: "sava-sess-v1" | kind | owner | sid (61 bytes). */
size_t vault_sess_ad(uint8_t ad[96], uint8_t kind, const uint8_t owner[16], const uint8_t sid[32]);
/* A new session of kind for owner whose box holds sk: cookie secret, sid, box, cookie
 * (CRYPTO.md "Sessions"). Only out is filled: totp_step and code_wrong are zero. */
void vault_sess_new(uint8_t kind, const uint8_t owner[16], const uint8_t sk[32], sess_new_t *out);
/* The session's X25519 key pair from its cookie secret and box (CRYPTO.md "Sessions"). */
int vault_sess_key(const sess_t *ss, uint8_t sk[32], uint8_t pk[32]);
/* Opens tag | group_id | epoch u32 | sk_g sealed to (pk, sk); checks tag, group, epoch. */
int vault_group_seal_open(const uint8_t sealed[GROUP_SEAL_BYTES], uint8_t tag, const uint8_t group_id[16],
    uint32_t epoch, const uint8_t pk[32], const uint8_t sk[32], uint8_t gsk[32]);

/* The bounded gate around every Argon2id derivation (vault.c). At most kdf_max run at
 * once (256 MiB each in production), whatever they are for. When all places are taken,
 * a caller waits among its own purpose's waiters, and each freed place goes to the next
 * purpose in turn that has one waiting: a flood of one purpose (logins with random
 * names, say) never fills the waiting places of another, nor takes every turn.
 * Returns -1 at once when the purpose's own waiting places are all taken. */
int vault_kdf_enter(vault_t *v, kdf_purpose_t purpose) WUR;
void vault_kdf_leave(vault_t *v);

#endif
