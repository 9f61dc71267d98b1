/* cmd_audit: `sava audit verify [--key K0] DIR`. */
#include <stdio.h>

#include "app/commands.h"

int
cmd_audit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "sava audit: not built yet\n");
	return 1;
}
