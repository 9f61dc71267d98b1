/* log: one write(2) per line to stderr, so lines from pool threads never interleave.
 * No timestamps: whoever collects stderr (journald) adds its own. */
#include "core/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void PRINTF_LIKE(2, 0)
log_emit(const char *level, const char *fmt, va_list ap, int err)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "sava: %s", level);
	if (n < 0)
		return;
	size_t len = (size_t)n;
	int m = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	if (m > 0)
		len += (size_t)m;
	if (len > sizeof(line) - 80)
		len = sizeof(line) - 80;
	if (err) {
		m = snprintf(line + len, sizeof(line) - len, ": %s", strerror(err));
		if (m > 0)
			len += (size_t)m;
	}
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}

void
log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_emit("", fmt, ap, 0);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_emit("warning: ", fmt, ap, 0);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	log_emit("warning: ", fmt, ap, err);
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_emit("fatal: ", fmt, ap, 0);
	va_end(ap);
	exit(1);
}

void
fatal(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	log_emit("fatal: ", fmt, ap, err);
	va_end(ap);
	exit(1);
}
