/* epoch: a case's copies for a new epoch, and the rekey after triage lost a member (CRYPTO.md
 * "Cases"). Private to src/domain: for staff.c (after a rotation), casework.c (reassignment),
 * intake.c and seed.c (a new case). Sealed copies only, never a secret. */
#ifndef SAVA_EPOCH_H
#define SAVA_EPOCH_H

#include "domain/domain.h"
#include "vault/case.h"

/* The most rows epoch_copies writes for a group and one Owl: requester, group, Owl. */
#define EPOCH_COPIES_OWL 3

/* The rows the store keeps for the copies of one epoch of case_id: out[0] the
 * requester's (req_copy), then one per staff key in the order the vault sealed them
 * (copies[i] and ncopies[i]): the group g at its epoch when g is not NULL, then each of
 * the naccounts accounts (an Owl; or while the triage key waits for rotation, each
 * remaining member). out must hold 1 + (g != NULL) + naccounts rows; returns that count. */
size_t epoch_copies(const uint8_t case_id[16], const uint8_t req_copy[CASE_COPY_BYTES],
    const uint8_t (*copies)[CASE_COPY_BYTES], const uint8_t (*ncopies)[CASE_COPY_BYTES], const store_group_t *g,
    const uint8_t (*accounts)[16], size_t naccounts, store_copy_t *out);

/* After a member left triage and its key was rotated (in the session s of a remaining
 * member), every case still sealed to an older triage key, or to single members, starts
 * a new epoch sealed to the current key, the requester and its Owl only: a removed
 * member's old key opens nothing written from then on. Returns how many cases could not
 * be moved (opened with no key this member holds), or -1 on error. */
long epoch_rekey(const app_t *app, const staff_t *s);
/* The same for the cases of any group: "editors" moves the video appeals. */
long epoch_rekey_group(const app_t *app, const staff_t *s, const char *group);

#endif
