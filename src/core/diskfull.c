/* diskfull: the log line, the "recent" state behind the staff banner, and a per-thread
 * count of reports. Times are CLOCK_MONOTONIC seconds, so a clock change neither hides
 * nor repeats the line. Holds only a path and counts. */
#include "core/diskfull.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

static pthread_mutex_t diskfull_lock = PTHREAD_MUTEX_INITIALIZER;
static long long diskfull_logged_at;        /* monotonic s + 1 of the last line; 0: none yet */
static unsigned long diskfull_unsaid;       /* reports since that line */
static atomic_llong diskfull_failed_at;     /* monotonic s + 1 of the last report; 0 once cleared */
static _Thread_local unsigned long diskfull_mine;

static long long
diskfull_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec + 1;
}

void
diskfull_report(const char *path, int err)
{
	long long now = diskfull_now();
	diskfull_mine++;
	atomic_store(&diskfull_failed_at, now);
	pthread_mutex_lock(&diskfull_lock);
	if (diskfull_logged_at && now - diskfull_logged_at < DISKFULL_LOG_EVERY_S) {
		diskfull_unsaid++;
		pthread_mutex_unlock(&diskfull_lock);
		return;
	}
	unsigned long unsaid = diskfull_unsaid;
	diskfull_logged_at = now;
	diskfull_unsaid = 0;
	pthread_mutex_unlock(&diskfull_lock);
	if (unsaid)
		log_warnx("the disk is full: cannot write %.300s: %s (and %lu more writes failed for lack of space "
		          "since the last such line); new requests, replies and notes are refused until there is room",
		    path, strerror(err), unsaid);
	else
		log_warnx("the disk is full: cannot write %.300s: %s; new requests, replies and notes are refused "
		          "until there is room (this line repeats at most every %d minutes while it lasts)",
		    path, strerror(err), DISKFULL_LOG_EVERY_S / 60);
}

bool
diskfull_check(const char *path, int err)
{
	if (err != ENOSPC && err != EDQUOT)
		return false;
	diskfull_report(path, err);
	return true;
}

void
diskfull_clear(void)
{
	if (atomic_load(&diskfull_failed_at) != 0)
		atomic_store(&diskfull_failed_at, 0);
}

bool
diskfull_recent(void)
{
	long long at = atomic_load(&diskfull_failed_at);
	return at != 0 && diskfull_now() - at < DISKFULL_RECENT_S;
}

unsigned long
diskfull_count(void)
{
	return diskfull_mine;
}
