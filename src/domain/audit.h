/* audit: the audit log of CRYPTO.md "Audit". An entry is an hour-rounded time, the
 * actor's account id, an action code and an object id; never content, never an address.
 * This module encodes entries, appends them (the vault computes the keyed link, the store
 * keeps the row), reconciles the two at start, and checks the whole log. */
#ifndef SAVA_AUDIT_H
#define SAVA_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"

#define AUDIT_ENTRY_BYTES 42   /* time u64 | actor 16 | action u16 | object 16 */
#define AUDIT_ID_BYTES    16

struct vault;

/* Action codes are stored in entries: fixed forever, append only. */
typedef enum {
	AUDIT_INSTANCE_CREATED = 1,
	AUDIT_ENROLL = 2,
	AUDIT_LOGIN_OK = 3,
	AUDIT_LOGIN_FAIL = 4,
	AUDIT_LOGOUT = 5,
	AUDIT_REVOKE = 6,
	AUDIT_ROLE_CHANGE = 7,
	AUDIT_PASSPHRASE_CHANGE = 8,
	AUDIT_RECOVER = 9,
	AUDIT_INVITE = 10,
	AUDIT_GROUP_KEY_CREATE = 11,
	AUDIT_GROUP_GRANT = 12,
	AUDIT_GROUP_ROTATE = 13,
	AUDIT_CASE_READ = 14,
	AUDIT_CASE_REPLY = 15,
	AUDIT_CASE_SHRED = 16,
	AUDIT_CASE_EXPIRED = 17,
	AUDIT_CASE_NOTE = 18,
	AUDIT_CASE_ASSIGN = 19,
	AUDIT_PROFILE = 20,
	AUDIT_CASE_STAGE = 21,
	AUDIT_CASE_VERIFY = 22,
	AUDIT_CASE_CHECKLIST = 23,
	AUDIT_VOUCH = 24,
	AUDIT_APPLICATION_ACCEPT = 25,
	AUDIT_APPLICATION_REJECT = 26,
	AUDIT_GROUP_RESET_ALLOW = 27,   /* an operator's `sava triage reset`; object: the account */
	AUDIT_GROUP_RECREATE = 28,      /* that account made the new key; object: the group */
	AUDIT_INVITE_WITHDRAW = 29,
	AUDIT_APPEAL_ADD = 30,          /* an editor registered an appeal; object: its audit id */
	AUDIT_APPEAL_CLEANED = 31,      /* actor none: the media job; the original was shredded */
	AUDIT_APPEAL_REFUSED = 32,
	AUDIT_APPEAL_APPROVE = 33,
	AUDIT_APPEAL_PUBLISH = 34,
	AUDIT_APPEAL_WITHDRAW = 35,     /* actor none: by her receipt */
	AUDIT_APPEAL_READ = 36,
	AUDIT_APPEAL_RECLEAN = 37,
	AUDIT_SUB_SAVE = 40,            /* a subtitle version written (edit, import, restore); object: the appeal */
	AUDIT_SUB_SUBMIT = 41,
	AUDIT_SUB_REVIEW = 42,
	AUDIT_SUB_APPROVE = 43,
	AUDIT_SUB_RETURN = 44,
	AUDIT_SUB_RESTORE = 45,
	AUDIT_SUB_TAKE = 46,
	AUDIT_SUB_HANDBACK = 47,
	AUDIT_SUB_READ = 48,            /* opened in the editor, or exported */
	AUDIT_SUB_START = 49,           /* an editor made the appeal's subtitle tasks */
	AUDIT_TESTIMONY_ADD = 60,         /* object: the testimony's audit id */
	AUDIT_TESTIMONY_READ = 61,
	AUDIT_TESTIMONY_NOTE = 62,
	AUDIT_TESTIMONY_CONSENT = 63,     /* consent recorded or renewed */
	AUDIT_TESTIMONY_WITHDRAW = 64,    /* consent withdrawn (the story went down with it) */
	AUDIT_TESTIMONY_COPY = 65,        /* the published copy edited */
	AUDIT_TESTIMONY_APPROVE = 66,
	AUDIT_TESTIMONY_PUBLISH = 67,
	AUDIT_TESTIMONY_TAKEDOWN = 68,    /* actor none: its consent ran out */
	AUDIT_TESTIMONY_SHRED = 69,       /* its original shredded */
	AUDIT_DROP_READ = 70,           /* an analyst read a drop submission (or one of its files) */
	AUDIT_DROP_REPLY = 71,          /* an analyst answered its mailbox */
	AUDIT_DROP_EXPORT = 72,         /* actor none: `sava drop export` wrote it as a bundle */
	AUDIT_DROP_EXPIRED = 73,        /* actor none: shredded after [drop] keep_days */
	AUDIT_DROP_REPLY_IMPORT = 74,   /* actor none: `sava drop reply` stored a reply written offline */
	AUDIT_DROP_CLEAN_ASK = 75,      /* an analyst asked for a file's cleaned copy */
	AUDIT_DROP_CLEANED = 76,        /* actor none: the media worker made it */
	AUDIT_DROP_CLEAN_REFUSED = 77,  /* actor none: it could not be made */
	/* captions burned in (issue 12): actor none, the media job; object: the appeal */
	AUDIT_SUB_BURNED = 80,          /* a render of approved captions, 16:9 and 9:16, kept */
	AUDIT_SUB_BURN_FAILED = 81,     /* a render failed (the row says why) */
	AUDIT_SUB_TRANSCRIBE = 82,      /* a machine transcription asked for; object: the appeal */
	/* reach (issue 13): no object and no actor (src/domain/reach.c), so the log never ties
	 * an editor to a post or a channel */
	AUDIT_REACH_POST = 50,          /* a post was registered (or linked) */
	AUDIT_REACH_COUNT = 51,         /* a count was typed */
	AUDIT_REACH_IMPORT = 52,        /* an export file was imported */
	AUDIT_REACH_IMPORT_REMOVE = 53, /* an imported file was taken back (no actor, no object) */
} audit_action_t;

/* English, lower case, for the command line ("login failed"); "unknown action" for a
 * code this sava does not know. */
const char *audit_action_name(audit_action_t action);

/* Encodes an entry; t is rounded down to the hour. actor or object may be NULL
 * (the system itself, or no object): 16 zero bytes. */
void audit_entry_encode(uint8_t out[AUDIT_ENTRY_BYTES], time_t t, const uint8_t *actor, audit_action_t action,
    const uint8_t *object);

/* An entry decoded: the one reader of the byte format audit_entry_encode writes. */
typedef struct {
	time_t t;                       /* the start of its hour */
	bool by_system;                 /* actor: sava itself (16 zero bytes) */
	uint8_t actor[AUDIT_ID_BYTES];
	audit_action_t action;          /* may be a code this sava does not know */
	bool has_object;                /* object: none (16 zero bytes) */
	uint8_t object[AUDIT_ID_BYTES];
} audit_entry_t;
/* Decodes an entry of len bytes: 0, or -1 when it is not AUDIT_ENTRY_BYTES long. */
int audit_entry_decode(const uint8_t *entry, size_t len, audit_entry_t *out) WUR;

/* Appends one entry, now: reads the last row, has the vault compute h_i with K_i,
 * commits row i, then has the vault ratchet to K_{i+1}. One append at a time across
 * threads. A ratchet an earlier append could not finish is finished first (after
 * checking that row's h). Returns 0, or -1 (logged) when nothing could be appended. */
int audit_append(struct vault *v, store_t *st, const uint8_t *actor, audit_action_t action, const uint8_t *object) WUR;

/* At start, before anything is appended: the log's last index must be one below the
 * vault's. When it equals the vault's (a crash after a commit, before the ratchet), that
 * row's h is checked with the current key and the ratchet is finished. Anything else is
 * refused with a sentence naming both numbers. Returns 0 or -1. */
int audit_reconcile(struct vault *v, store_t *st, char *err, size_t errlen) WUR;

typedef enum {
	AUDIT_VERIFY_OK = 0,
	AUDIT_VERIFY_EMPTY,       /* no entry at all: entry 0 is missing */
	AUDIT_VERIFY_MISSING,     /* entry bad_idx is missing; found_idx is the next one there */
	AUDIT_VERIFY_LENGTH,      /* entry bad_idx (or one of its links) has the wrong length */
	AUDIT_VERIFY_UNKEYED,     /* entry bad_idx: u does not match (edited, deleted or reordered) */
	AUDIT_VERIFY_KEYED,       /* entry bad_idx: h does not match the ratchet from K_0 */
	AUDIT_VERIFY_KEY_AHEAD,   /* instance.key is at key_index, past the end of the log */
	AUDIT_VERIFY_KEY_BEHIND,  /* the log runs more than one entry past instance.key */
	AUDIT_VERIFY_KEY_WRONG,   /* instance.key's key is not what K_0 ratchets to */
	AUDIT_VERIFY_ERROR,       /* the database or the key file could not be read: see err */
} audit_verify_status_t;

typedef struct {
	audit_verify_status_t status;
	uint64_t entries;           /* entries that checked out (all of them when OK) */
	uint64_t bad_idx;           /* the first bad entry */
	int64_t found_idx;          /* MISSING: the index found in its place */
	size_t bad_len;             /* LENGTH: the entry's stored length */
	uint64_t head_idx;          /* the last entry, when entries > 0 */
	uint8_t head_h[32];
	bool keyed;                 /* every h_i was checked from K_0 */
	bool key_checked;           /* keys/instance.key was compared too */
	uint64_t key_index;         /* the index keys/instance.key holds */
	bool key_pending;           /* OK, but instance.key still holds K_{n-1}: the ratchet
	                             * after the last entry is not done yet (sava serve does it) */
	char err[512];
} audit_verify_t;

/* Checks the whole log in one read: entries numbered 0, 1, ... with none missing, each
 * AUDIT_ENTRY_BYTES long, each u_i = H(u_{i-1} | i u64 | entry_i) from u_{-1} = 32 zero
 * bytes. With k0, also every h_i by ratcheting from K_0; with k0 and dir, also that
 * DIR/keys/instance.key holds K_n and index n for n entries (or K_{n-1} and n - 1, a
 * ratchet still pending). Stops at the first problem. Returns 0 when the log is intact,
 * else -1 with r->status saying why. */
int audit_verify(store_t *st, const uint8_t *k0, const char *dir, audit_verify_t *r) WUR;

#endif
