/* Unit tests for app/stages: the default file parses into the nine stages with their
 * checklists; an organization's file sets labels and items; anything else is refused with
 * the line and a reason. */
#include <string.h>

#include "conf/stages.h"
#include "check.h"

int
main(void)
{
	static stages_t s;
	char err[256];
	CHECK(stages_parse(&s, stages_default_text, strlen(stages_default_text), err, sizeof(err)) == 0);
	CHECK(strcmp(s.stage[0].id, "new") == 0 && strcmp(s.stage[8].id, "rejected") == 0);
	CHECK(strcmp(s.stage[5].id, "safe") == 0);
	CHECK(s.stage[0].nitems == 3 && strcmp(s.stage[0].items[1], "Look for signs of a provocation") == 0);
	CHECK(s.stage[7].nitems == 0 && s.stage[8].nitems == 0 && s.stage[0].label[0] == '\0');

	const char mine[] = "[triage]\nlabel = Sorting\nitem = Call back within a day\n";
	CHECK(stages_parse(&s, mine, strlen(mine), err, sizeof(err)) == 0);
	CHECK(strcmp(s.stage[1].label, "Sorting") == 0 && s.stage[1].nitems == 1 && s.stage[0].nitems == 0);

	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "[done]\nitem = x\n", "line 2: unknown stage [done]" },
		{ "[new]\ncolour = red\n", "line 2: unknown setting colour in [new]" },
		{ "[new]\nitem =\n", "line 2: item in [new] must be text" },
		{ "[new]\nitem = a\nitem = a\nitem = a\nitem = a\nitem = a\nitem = a\nitem = a\nitem = a\nitem = a\n"
		  "item = a\nitem = a\nitem = a\nitem = a\n", "line 14: [new] has more than 12 items" },
		{ "[new]\nno equals sign\n", "line 2: not a valid line" },
		{ "[new]\nlabel = A\nlabel = B\n", "line 3: [new] has a second label" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(stages_parse(&s, bad[i].text, strlen(bad[i].text), err, sizeof(err)) == -1);
		CHECK(strncmp(err, bad[i].why, strlen(bad[i].why)) == 0);
	}
	char big[STAGES_TEXT_MAX + 32];
	memset(big, 'x', sizeof(big));
	memcpy(big, "[new]\nitem = ", 13);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	CHECK(stages_parse(&s, big, strlen(big), err, sizeof(err)) == -1);
	CHECK(stages_parse(&s, "[new]\nitem = a\0b\n", 17, err, sizeof(err)) == -1);
	return check_done("stages");
}
