/* ini_text: what sava.conf and stages.conf share: reading the file (bounded), and running
 * libinih over its bytes with the caller's handler, turning a refusal into "line N: why". */
#ifndef SAVA_INI_TEXT_H
#define SAVA_INI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define INI_TEXT_MAX (64 * 1024)

/* A handler as libinih calls it; it sets *failed and writes why when it refuses a line. */
typedef int (*ini_text_handler)(void *user, const char *section, const char *name, const char *value);

/* Parses len bytes (at most INI_TEXT_MAX, no NUL). failed and why are the handler's
 * verdict, read after the parse. Returns 0, or -1 with "line N: ..." in err. */
int ini_text_parse(const char *text, size_t len, ini_text_handler handler, void *user, const bool *failed,
    const char *why, char *err, size_t errlen) WUR;
/* Reads path into buf (cap > INI_TEXT_MAX, so a longer file shows as longer). Returns 0,
 * 1 when the file does not exist, or -1 with a sentence in err. */
int ini_text_read(const char *path, char *buf, size_t cap, size_t *len, char *err, size_t errlen) WUR;

#endif
