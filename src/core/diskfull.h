/* diskfull: what sava knows about its disk being full. Every place that writes the
 * instance's disk (the store's SQLite calls, the blob files) reports ENOSPC, EDQUOT or
 * SQLITE_FULL here; the operator reads it in the log (once, then at most every
 * DISKFULL_LOG_EVERY_S while it lasts), staff see it on their pages, and a domain call
 * can tell whether its own writes failed for lack of space. No content, no client. */
#ifndef SAVA_DISKFULL_H
#define SAVA_DISKFULL_H

#include <stdbool.h>

#define DISKFULL_LOG_EVERY_S  (10 * 60)   /* at most one log line per this, while it lasts */
#define DISKFULL_RECENT_S     (10 * 60)   /* how long a failed write is "recent" for the staff banner */

/* path (a file or directory of the instance) could not be written because err is
 * ENOSPC or EDQUOT. Logs "the disk is full" with path and strerror(err) unless a line was
 * logged in the last DISKFULL_LOG_EVERY_S (the next line says how many failed since),
 * and counts it for diskfull_recent() and diskfull_count(). */
void diskfull_report(const char *path, int err);
/* When err is ENOSPC or EDQUOT: diskfull_report(path, err) and true; else false. */
bool diskfull_check(const char *path, int err);
/* A write that needs room succeeded (a committed transaction): the disk is not full now. */
void diskfull_clear(void);
/* True while the last write failed for lack of space, if that was within the last
 * DISKFULL_RECENT_S seconds. */
bool diskfull_recent(void);
/* How many times this thread has reported a full disk. Read before and after a call
 * that writes: a change means the call failed (at least partly) for lack of space. */
unsigned long diskfull_count(void);

#endif
