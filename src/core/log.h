/* log: the daemon's only way to say anything on stderr. Lines carry no client address,
 * User-Agent, Referer, query string or form value: callers pass route names, not paths. */
#ifndef SAVA_LOG_H
#define SAVA_LOG_H

#include "core/buf.h"

void log_info(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_warnx(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Like log_warnx, with ": strerror(errno)" appended. */
void log_warn(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A broken invariant: logs and exits(1). */
void fatalx(const char *fmt, ...) PRINTF_LIKE(1, 2) __attribute__((noreturn));
void fatal(const char *fmt, ...) PRINTF_LIKE(1, 2) __attribute__((noreturn));

#endif
