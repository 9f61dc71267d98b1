/* store: the only module that speaks SQL. SQLite in WAL mode with secure_delete and
 * full fsync on commit; schema migrations run forward at open, and a database written
 * by a newer sava is refused. Prepared statements with bound parameters only. */
#ifndef SAVA_STORE_H
#define SAVA_STORE_H

#include "core/buf.h"

typedef struct store store_t;

typedef enum {
	KDF_PRODUCTION = 0,
	KDF_INSECURE_FAST = 1,   /* libsodium's minimum Argon2id cost: tests and demos only */
} kdf_profile_t;

typedef struct {
	kdf_profile_t kdf;
	int64_t created_day;     /* days since 1970-01-01, UTC */
} store_instance_t;

/* The schema version this sava writes and understands. */
int store_schema_version(void);

/* Creates DIR/sava.db (mode 0600; it must not exist), migrates it to the current
 * schema and records the instance row. Returns 0, or -1 with a sentence in err. */
int store_create(const char *dir, kdf_profile_t kdf, store_t **out, char *err, size_t errlen) WUR;
/* Opens an existing DIR/sava.db, runs forward migrations, refuses a newer schema. */
int store_open(const char *dir, store_t **out, char *err, size_t errlen) WUR;
void store_close(store_t *st);

int store_instance_get(store_t *st, store_instance_t *out) WUR;
/* Appends audit entry idx with its chain links. */
int store_audit_append(store_t *st, uint64_t idx, const unsigned char *entry, size_t len, const unsigned char h[32],
    const unsigned char u[32]) WUR;
/* PRAGMA integrity_check; 0 when "ok". */
int store_check(store_t *st) WUR;

#endif
