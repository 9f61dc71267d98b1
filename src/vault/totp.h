/* totp: RFC 6238 one-time codes (HMAC-SHA1, 6 digits, 30-second steps, 20-byte secret)
 * and the otpauth:// URI that enrolls them. Pure functions: no clock, no storage; the
 * caller supplies the time and keeps the last accepted step (CRYPTO.md "Accounts"). */
#ifndef SAVA_TOTP_H
#define SAVA_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define TOTP_SECRET_BYTES 20
#define TOTP_DIGITS       6
#define TOTP_PERIOD_S     30
#define TOTP_BASE32_CHARS 32   /* 20 bytes, no padding */

/* The code for one time step (unix time / 30) as 6 ASCII digits and a NUL. */
void totp_code(const uint8_t secret[TOTP_SECRET_BYTES], uint64_t step, char out[TOTP_DIGITS + 1]);

/* Checks a submitted code (code_len bytes, not NUL-terminated) against the steps
 * now/30 - 1, now/30 and now/30 + 1. All three codes are always computed and compared
 * with sodium_memcmp, without an early exit. A step <= last_step is refused, so each
 * code works once (last_step 0: nothing accepted yet; step 0 itself is never accepted).
 * If two steps share the code, the later one is accepted. Returns 0 and sets
 * *accepted_step, which the caller keeps as the next last_step; -1 otherwise (anything
 * but exactly 6 ASCII digits included), leaving *accepted_step untouched. */
int totp_check(const uint8_t secret[TOTP_SECRET_BYTES], uint64_t now_unix, const char *code, size_t code_len,
    uint64_t last_step, uint64_t *accepted_step) WUR;

/* The secret in RFC 4648 base32 (A-Z 2-7), without padding: 32 characters and a NUL.
 * out holds the secret: the caller wipes it. */
void totp_secret_base32(const uint8_t secret[TOTP_SECRET_BYTES], char out[TOTP_BASE32_CHARS + 1]);

/* Writes "otpauth://totp/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30"
 * with ISSUER and ACCOUNT percent-encoded (RFC 3986 unreserved characters kept, the rest
 * as %XX). issuer and account must be non-empty C strings. Returns 0, or -1 when an
 * argument is missing or the URI does not fit in outlen bytes with its NUL; on -1, out
 * (when given) is wiped. out holds the secret: the caller wipes it. */
int totp_uri(const uint8_t secret[TOTP_SECRET_BYTES], const char *issuer, const char *account, char *out,
    size_t outlen) WUR;

#endif
