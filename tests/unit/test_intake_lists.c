/* Unit tests for the help form's lists (issue 15): every stored value has a label, the
 * regions offered are Belarus's and no longer Russia's federal districts, and the earlier
 * list's values are refused by the rules but still have their names for staff pages. */
#include "check.h"
#include "domain/intake.h"
#include "pages/pages.h"

static size_t
count(const char *const *list)
{
	size_t n = 0;
	while (list[n])
		n++;
	return n;
}

static bool
offered(const char *v)
{
	for (size_t i = 0; i < intake_regions_offered; i++)
		if (strcmp(intake_regions[i], v) == 0)
			return true;
	return false;
}

int
main(void)
{
	CHECK(count(intake_regions) == count(page_region_labels));
	CHECK(count(intake_writers) == count(page_writer_labels) && count(intake_writers) == 2);
	CHECK(intake_regions_offered == 10 && count(intake_regions) == 20);

	static const char *const belarus[] = { "brest", "vitebsk", "gomel", "grodno", "minsk_region", "mogilev",
		"minsk_city", "army", "abroad", "undisclosed" };
	for (size_t i = 0; i < sizeof(belarus) / sizeof(belarus[0]); i++)
		CHECK(offered(belarus[i]));
	static const char *const russia[] = { "central", "volga", "siberia", "moscow", "st_petersburg" };
	for (size_t i = 0; i < sizeof(russia) / sizeof(russia[0]); i++) {
		CHECK(!offered(russia[i]));
		/* not taken any more, yet still named on staff pages */
		CHECK(rule_choice_first(intake_regions, intake_regions_offered, sv_from_cstr(russia[i])) == RULE_NOT_LISTED);
		CHECK(rule_choice(intake_regions, sv_from_cstr(russia[i])) == RULE_OK);
	}
	CHECK(rule_choice_first(intake_regions, intake_regions_offered, sv_from_cstr("grodno")) == RULE_OK);
	CHECK(rule_choice_first(intake_regions, intake_regions_offered, SV("")) == RULE_OK);
	CHECK(strcmp(page_region_labels[3], "Grodno region") == 0);
	CHECK(strcmp(page_region_labels[14], "Volga") == 0 && strcmp(intake_regions[14], "volga") == 0);
	CHECK(rule_choice(intake_writers, SV("relative")) == RULE_OK);
	CHECK(rule_choice(intake_writers, SV("neighbour")) == RULE_NOT_LISTED);
	return check_done("intake_lists");
}
