/* flood: the flood limits for the whole instance, token buckets (core/bucket.h): new
 * requests, volunteers' applications, and receipts typed into the mailbox. Their rates and
 * bursts come from the configuration; they hold counts and times only. */
#include "domain/flood.h"

#include "core/bucket.h"

static bucket_t rate_intake = BUCKET_INIT;
static bucket_t rate_apply = BUCKET_INIT;   /* volunteers' applications: the same settings, their own
                                             * bucket, so a flood of them never closes the help form */
static bucket_t rate_appeal = BUCKET_INIT;   /* video appeals: the same, their own bucket too */
static bucket_t rate_testimony = BUCKET_INIT;   /* testimonies staff make: never the help form's */
static bucket_t rate_drop = BUCKET_INIT;     /* secure-drop submissions: the same, their own bucket */
static bucket_t rate_receipts = BUCKET_INIT;

static bucket_t *
intake_bucket(int stage)
{
	return stage == STAGE_APPLICATION ? &rate_apply
	    : stage == STAGE_APPEAL       ? &rate_appeal
	    : stage == STAGE_TESTIMONY    ? &rate_testimony
	    : stage == STAGE_DROP         ? &rate_drop
	                                  : &rate_intake;
}

bool
flood_drop_peek(const app_t *app)
{
	return bucket_peek(&rate_drop, app->config.per_minute, app->config.intake_burst, bucket_now_ms());
}

bool
flood_intake_peek(const app_t *app)
{
	return bucket_peek(&rate_intake, app->config.per_minute, app->config.intake_burst, bucket_now_ms());
}

bool
flood_intake_take(const app_t *app, int stage)
{
	return bucket_take(intake_bucket(stage), app->config.per_minute, app->config.intake_burst,
	    bucket_now_ms(), NULL);
}

void
flood_intake_give_back(const app_t *app, int stage)
{
	bucket_give_back(intake_bucket(stage), app->config.per_minute, app->config.intake_burst,
	    bucket_now_ms());
}

bool
flood_receipt_take(const app_t *app)
{
	return bucket_take(&rate_receipts, app->config.attempts_per_minute, app->config.attempts_burst, bucket_now_ms(),
	    NULL);
}

unsigned
flood_receipt_wait_s(const app_t *app)
{
	return bucket_wait_s(&rate_receipts, app->config.attempts_per_minute, app->config.attempts_burst, bucket_now_ms());
}
