/* nfc: Unicode Normalization Form C for text that is hashed or compared byte for byte,
 * above all passphrases before Argon2id (CRYPTO.md "Accounts": NFC(passphrase)), so
 * that the same letters typed on two keyboards give the same key. */
#ifndef SAVA_NFC_H
#define SAVA_NFC_H

#include "core/buf.h"

/* Appends the NFC form of in to out. in must be valid UTF-8 (no overlongs, surrogates
 * or code points past U+10FFFF; U+0000 is valid and kept). Returns 0, or -1 when in is
 * not valid UTF-8, normalization fails, or the result does not fit in out's maximum;
 * on -1 out has been freed and wiped, as on any failed buf append. Borrows in. */
int text_nfc(sv_t in, buf_t *out) WUR;

#endif
