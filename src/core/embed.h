/* embed: the files built into the binary (templates, static files, content, catalogs). */
#ifndef SAVA_EMBED_H
#define SAVA_EMBED_H

#include <stddef.h>

typedef struct {
	const char *name;   /* e.g. "templates/layout.html", "mo/ru.mo" */
	const char *data;   /* NUL-terminated for convenience; len excludes the NUL */
	size_t len;
} embedded_file_t;

extern const embedded_file_t embedded_files[];
extern const size_t embedded_count;

/* The embedded file with this name, or NULL. */
const embedded_file_t *embedded_find(const char *name);

#endif
