/* throttle: what logins remember in memory only, per account: the last TOTP step accepted
 * (a code logs in once), the wrong codes typed after the right passphrase (a budget that
 * refills slowly), and failed logins queued for the audit log. Private to src/domain. */
#ifndef SAVA_THROTTLE_H
#define SAVA_THROTTLE_H

#include "domain/domain.h"

/* The last TOTP step accepted for the account in the last two minutes (0: none). */
uint64_t throttle_step_last(const uint8_t id[16]);
/* Records step as used, atomically: false when it (or a later one) was used already. */
bool throttle_step_accept(const uint8_t id[16], uint64_t step);
/* Counts one attempt whose passphrase was right; false when its code may not count. */
bool throttle_code_try(const uint8_t id[16], bool wrong);
/* A new passphrase: the wrong codes typed after the old one are forgotten. */
void throttle_code_forget(const uint8_t id[16]);
/* A failed login on a real account: audited at most once per account and hour. */
void throttle_fail_note(const uint8_t id[16]);
/* The thread that writes failed logins to the audit log (serve only; without it,
 * failures are counted but not logged). */
int throttle_start(const app_t *app) WUR;
void throttle_stop(void);

#endif
