/* embed: lookup over the files that tools/embed.c compiled into the binary. */
#include "core/embed.h"

#include <string.h>

const embedded_file_t *
embedded_find(const char *name)
{
	for (size_t i = 0; i < embedded_count; i++)
		if (strcmp(embedded_files[i].name, name) == 0)
			return &embedded_files[i];
	return NULL;
}
