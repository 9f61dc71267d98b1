/* Fuzz target for pages/tmpl: any bytes as a template; what parses must render within
 * its bound without crashing. */
#include <stdint.h>
#include <string.h>

#include "pages/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[200];
	tmpl_t *t = tmpl_parse("fuzz", (const char *)data, size, err, sizeof(err));
	if (!t)
		return 0;
	tvars_t *v = tvars_new();
	tvars_set_cstr(v, "a", "<x>");
	tvars_set_html(v, "h", SV("<b>"));
	for (int i = 0; i < 3; i++) {
		tvars_t *it = tvars_add_item(v, "items");
		if (it)
			tvars_setf(it, "i", "%d", i);
	}
	buf_t b;
	buf_init(&b, 1 << 16);
	if (tmpl_render(t, v, LANG_EN, &b) == 0 && b.len > 0 && b.data[b.len] != '\0')
		__builtin_trap();
	buf_free(&b);
	tvars_free(v);
	tmpl_free(t);
	return 0;
}
