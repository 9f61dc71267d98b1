/* profile: the Argon2id cost profile an instance was made with. A plain value shared by
 * the store (which records it) and the vault (which pins it in instance.key and derives
 * with it), so that neither includes the other. */
#ifndef SAVA_PROFILE_H
#define SAVA_PROFILE_H

typedef enum {
	KDF_PRODUCTION = 0,
	KDF_INSECURE_FAST = 1,   /* libsodium's minimum Argon2id cost: tests and demos only */
} kdf_profile_t;

#endif
