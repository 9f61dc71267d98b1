/* rules: the limits of what people type, in one place, applied by the domain to every
 * caller. Pure functions of their arguments and the configuration. */
#include "domain/rules.h"

#include "domain/intake.h"

size_t
rule_chars(sv_t s)
{
	size_t n = 0;
	for (size_t i = 0; i < s.len; i++)
		if (((unsigned char)s.p[i] & 0xC0) != 0x80)
			n++;
	return n;
}

rule_t
rule_length(sv_t v, size_t max_chars)
{
	return rule_chars(v) > max_chars ? RULE_TOO_LONG : RULE_OK;
}

rule_t
rule_choice(const char *const *list, sv_t v)
{
	if (v.len == 0)
		return RULE_OK;
	for (size_t i = 0; list[i]; i++)
		if (sv_eq(v, sv_from_cstr(list[i])))
			return RULE_OK;
	return RULE_NOT_LISTED;
}

rule_t
rule_choice_first(const char *const *list, size_t n, sv_t v)
{
	if (v.len == 0)
		return RULE_OK;
	for (size_t i = 0; i < n && list[i]; i++)
		if (sv_eq(v, sv_from_cstr(list[i])))
			return RULE_OK;
	return RULE_NOT_LISTED;
}

rule_t
rule_message(const app_t *app, sv_t m, bool required, size_t nfiles)
{
	if (sv_is_blank(m) && (required || nfiles == 0))
		return RULE_EMPTY;
	return rule_length(m, app->config.message_max);
}

rule_t
rule_note(sv_t text)
{
	return sv_is_blank(text) ? RULE_EMPTY : rule_length(text, RULE_NOTE_MAX_CHARS);
}

bool
intake_rules(const app_t *app, const intake_form_t *f, size_t nfiles, intake_rules_t *out)
{
	out->message = rule_message(app, f->message, true, nfiles);
	out->situation = rule_choice(intake_situations, f->situation);
	out->region = rule_choice_first(intake_regions, intake_regions_offered, f->region);
	out->contact = rule_length(f->contact, RULE_CONTACT_MAX_CHARS);
	out->writer = rule_choice(intake_writers, f->writer);
	return !out->message && !out->situation && !out->region && !out->contact && !out->writer;
}

bool
application_rules(const application_form_t *f, application_rules_t *out)
{
	out->about = sv_is_blank(f->about) ? RULE_EMPTY : rule_length(f->about, RULE_ABOUT_MAX_CHARS);
	out->languages = rule_length(f->languages, RULE_SHORT_MAX_CHARS);
	out->contact = sv_is_blank(f->contact) ? RULE_EMPTY : rule_length(f->contact, RULE_SHORT_MAX_CHARS);
	out->vouchers = rule_length(f->vouchers, RULE_SHORT_MAX_CHARS);
	return !out->about && !out->languages && !out->contact && !out->vouchers;
}
