/* init: the pages' start and end: the templates (page.c), the stylesheet (style.c) and the
 * public documents (public.c), each built once; the one file that calls all three, so that
 * none of them calls another's start. */
#include "pages/pages.h"

int
pages_init(char *err, size_t errlen)
{
	if (page_templates_init(err, errlen) != 0 || pages_style_init(err, errlen) != 0)
		return -1;
	return pages_public_init(err, errlen);
}

void
pages_shutdown(void)
{
	pages_public_shutdown();
	page_templates_shutdown();
}
