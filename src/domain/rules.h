/* rules: what a form may carry, for every caller (the pages, `sava dev seed`, whatever comes
 * later): the domain checks these before anything is sealed, and refuses with INTAKE_INVALID;
 * pages ask the same functions first so that they can say what is wrong, field by field. */
#ifndef SAVA_RULES_H
#define SAVA_RULES_H

#include "domain/app.h"

/* What is wrong with one field; pages put it into words. */
typedef enum {
	RULE_OK = 0,
	RULE_EMPTY,          /* required, and blank */
	RULE_TOO_LONG,       /* more characters than the field takes */
	RULE_NOT_LISTED,     /* not one of the list's choices */
} rule_t;

#define RULE_CONTACT_MAX_CHARS 500    /* a request's "how to reach you" */
#define RULE_ABOUT_MAX_CHARS   5000   /* an application's "about you" */
#define RULE_SHORT_MAX_CHARS   500    /* an application's other answers */
#define RULE_NOTE_MAX_CHARS    5000   /* a staff note */

/* Characters (UTF-8 code points) in s. */
size_t rule_chars(sv_t s);
rule_t rule_length(sv_t v, size_t max_chars);
/* Empty is allowed; else one of list's entries (NULL-terminated). */
rule_t rule_choice(const char *const *list, sv_t v);
/* The same, among list's first n entries only. */
rule_t rule_choice_first(const char *const *list, size_t n, sv_t v);
/* A message (a request's, or a reply from either side): at most the configured
 * message_max characters; blank only when it is not required and files come with it. */
rule_t rule_message(const app_t *app, sv_t m, bool required, size_t nfiles);
/* A staff note: not blank, at most RULE_NOTE_MAX_CHARS. */
rule_t rule_note(sv_t text);

/* A request's fields, checked together. True when every field is RULE_OK. */
typedef struct {
	rule_t message, situation, region, contact, writer;
} intake_rules_t;
struct intake_form;
bool intake_rules(const app_t *app, const struct intake_form *f, size_t nfiles, intake_rules_t *out);

/* An application's fields: "about" and "contact" required. */
typedef struct {
	rule_t about, languages, contact, vouchers;
} application_rules_t;
struct application_form;
bool application_rules(const struct application_form *f, application_rules_t *out);

#endif
