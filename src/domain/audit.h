/* audit: the byte form of an audit-log entry (CRYPTO.md "Audit"): an hour-rounded time,
 * the actor's account id, an action code and an object id; never content, never an
 * address. The chain over entries is computed by the vault, which holds the key. */
#ifndef SAVA_AUDIT_H
#define SAVA_AUDIT_H

#include <stdint.h>
#include <time.h>

#define AUDIT_ENTRY_BYTES 42   /* time u64 | actor 16 | action u16 | object 16 */
#define AUDIT_ID_BYTES    16

typedef enum {
	AUDIT_INSTANCE_CREATED = 1,
} audit_action_t;

/* Encodes an entry; t is rounded down to the hour. actor or object may be NULL
 * (the system itself, or no object): 16 zero bytes. */
void audit_entry_encode(uint8_t out[AUDIT_ENTRY_BYTES], time_t t, const uint8_t *actor, audit_action_t action,
    const uint8_t *object);

#endif
