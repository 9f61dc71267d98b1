/* markdown: the guide and about pages are Markdown in content/LANG/, rendered with md4c.
 * Raw HTML in the Markdown is disabled, so content can never inject markup. */
#include <md4c-html.h>

#include "pages/pages.h"

static void
markdown_sink(const MD_CHAR *text, MD_SIZE size, void *ctx)
{
	buf_t *out = ctx;
	if (out->data == NULL && out->len == 0 && out->cap == 0 && out->max == 0)
		return;   /* an earlier append failed and freed the buffer */
	if (buf_append(out, text, size) != 0)
		out->max = 0;
}

int
markdown_render(const char *md, size_t len, buf_t *out)
{
	if (md_html(md, (MD_SIZE)len, markdown_sink, out, MD_FLAG_NOHTML | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH, 0) != 0)
		return -1;
	return out->max == 0 ? -1 : 0;
}
