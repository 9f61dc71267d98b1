/* ini_text: libinih over bounded bytes, and the bounded read of a settings file. */
#include "conf/ini_text.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
ini_text_parse(const char *text, size_t len, ini_text_handler handler, void *user, const bool *failed, const char *why,
    char *err, size_t errlen)
{
	if (len > INI_TEXT_MAX || memchr(text, '\0', len)) {
		snprintf(err, errlen, "the file is larger than 64 KiB or is not text");
		return -1;
	}
	char *copy = malloc(len + 1);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	int rc = ini_parse_string(copy, handler, user);
	free(copy);
	if (*failed) {
		/* inih returns the line of the first line a handler refused */
		snprintf(err, errlen, "line %d: %s", rc, why);
		return -1;
	}
	if (rc != 0) {
		snprintf(err, errlen, "line %d: not a valid line (expected [section] or key = value)", rc);
		return -1;
	}
	return 0;
}

int
ini_text_read(const char *path, char *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	*len = 0;
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
		if (*len == cap)
			break;
	}
	close(fd);
	return 0;
}
