/* flood: the instance-wide flood limits, token buckets (core/bucket.h) sized by the
 * configuration: new requests, applications, receipts typed into the mailbox. Private to
 * src/domain; counts and times only, nothing about who asked. */
#ifndef SAVA_FLOOD_H
#define SAVA_FLOOD_H

#include "domain/domain.h"

/* Whether a new request would be taken now, without using up anything. */
bool flood_intake_peek(const app_t *app);
/* The same for a secure-drop submission (its own bucket). */
bool flood_drop_peek(const app_t *app);
/* Takes a place for a new case at stage: a request, or a volunteer's application or a
 * video appeal, which each have a bucket of their own with the same settings, so that a
 * flood of them never closes the help form (false: none left); give it back when it was
 * not stored after all. */
bool flood_intake_take(const app_t *app, int stage);
void flood_intake_give_back(const app_t *app, int stage);
/* Takes a place for a receipt typed back (false: none left). */
bool flood_receipt_take(const app_t *app);
/* Seconds until a receipt is taken again (0: now). */
unsigned flood_receipt_wait_s(const app_t *app);

#endif
