/* intake: help requests, from the form to the requester's mailbox and the triage queue. The one
 * header pages include for cases: it brings staff.h and every public part of the case domain.
 * Everything written is sealed by the vault before the store sees it. */
#ifndef SAVA_INTAKE_H
#define SAVA_INTAKE_H

#include "domain/app.h"
#include "core/limits.h"
#include "domain/domain.h"
#include "domain/mailbox.h"
#include "domain/recover.h"
#include "domain/rules.h"
#include "domain/retention.h"
#include "domain/staff.h"
#include "domain/triage.h"
#include "domain/upload.h"
#include "domain/view.h"
#include "core/lang.h"
#include "vault/case.h"

/* DESIGN.md sections 2, 4 and 5; CRYPTO.md "Receipts", "Cases", "Files". Everything a
 * requester or an Owl writes is sealed by the vault before the store sees it; uploads are
 * encrypted as they stream in. The rules: who may open a request (its requester's mailbox
 * session, members of triage, staff it is sealed to; nobody else, with the same answer as
 * for a request that does not exist: access.c), the flood limits (flood.c), and the order
 * of durable writes (shred-key slot, then blobs, then the commit; only then a receipt:
 * intake.c). The jobs' own headers: upload.h, mailbox.h, view.h, triage.h, retention.h,
 * recover.h; staff's: staff.h. */

/* The choices of the form's lists, as stored (encrypted) and as the form sends them;
 * NULL-terminated. Who is writing (the man himself, or a relative or friend), what
 * happened, and where he is. Only the first intake_regions_offered regions are offered
 * and taken; the ones after them are an earlier list's, kept so that a request holding
 * one still shows it. */
extern const char *const intake_writers[];
extern const char *const intake_situations[];
extern const char *const intake_regions[];
extern const size_t intake_regions_offered;

/* ---- the requester ---- */
typedef struct intake_form {
	sv_t message, situation, region, contact;   /* clean UTF-8 (parse/); the rest: rules.h */
	sv_t writer;
} intake_form_t;

/* A volunteer's application (public form): stored like a request, sealed to triage,
 * with nothing to come back with; coordinators review it (casework.h). */
typedef struct application_form {
	sv_t about, languages, contact, vouchers;
} application_form_t;
/* INTAKE_INVALID when application_rules refuses it. */
intake_status_t application_submit(const app_t *app, lang_t lang, const application_form_t *f) WUR;

/* True when requests can be taken: a triage key exists. */
bool intake_open(const app_t *app);
/* Whether a request would be taken now (INTAKE_OK, INTAKE_CLOSED or INTAKE_OVERLOADED),
 * without using up anything: checked before an upload writes its first byte. */
intake_status_t intake_admit(const app_t *app);
/* A new request (Argon2id: on the worker pool). On INTAKE_OK everything is durable and
 * receipt holds its digits, to show once. INTAKE_INVALID when intake_rules refuses it. */
intake_status_t intake_submit(const app_t *app, lang_t lang, const intake_form_t *f, upload_t *u,
    char receipt[RECEIPT_DIGITS_MAX + 1]) WUR;

#endif
