/* stages: the stage file through libinih (no hand-written INI parser); hostile input is
 * possible (a typo, a tampered file), so every section, key and length is checked. */
#include "conf/stages.h"

#include <stdio.h>
#include <string.h>

#include "conf/ini_text.h"
#include "parse/urlenc.h"

#ifndef N_
#define N_(s) s
#endif
/* The ids, which are also the msgids of the stages' built-in names. */
const char *const stages_ids[STAGES_COUNT] = { N_("new"), N_("triage"), N_("verification"), N_("planning"),
	N_("exit"), N_("safe"), N_("aftercare"), N_("closed"), N_("rejected") };

const char stages_default_text[] =
"# stages.conf: the checklists of the green corridor's stages. Copy this file to the\n"
"# instance directory as stages.conf to change them; sava reads it at start. The\n"
"# stages are fixed; each [section] may set a label and up to 12 `item =` lines.\n"
"\n"
"[new]\n"
"item = Read the whole request\n"
"item = Look for signs of a provocation\n"
"item = Answer the requester\n"
"\n"
"[triage]\n"
"item = Find out what he needs and how urgent it is\n"
"item = Give the request to an Owl who speaks his language\n"
"\n"
"[verification]\n"
"item = Talk with him through a channel he chose\n"
"item = Check his story against what we know\n"
"item = Two verifiers confirm him\n"
"\n"
"[planning]\n"
"item = Agree a route and a date\n"
"item = Arrange documents, money and a place to stay\n"
"\n"
"[exit]\n"
"item = Stay in touch during the journey\n"
"item = Confirm that he crossed the border\n"
"\n"
"[safe]\n"
"item = Confirm that he is safe\n"
"\n"
"[aftercare]\n"
"item = Help with papers and a place to live\n"
"item = Offer psychological support\n"
"\n"
"[closed]\n"
"\n"
"[rejected]\n";

/* The default items, for the catalogs: pages show every item through i18n(), so these
 * are translated and an organization's own items are shown as written. */
static const char *const default_items[] __attribute__((unused)) = {
	N_("Read the whole request"), N_("Look for signs of a provocation"), N_("Answer the requester"),
	N_("Find out what he needs and how urgent it is"), N_("Give the request to an Owl who speaks his language"),
	N_("Talk with him through a channel he chose"), N_("Check his story against what we know"),
	N_("Two verifiers confirm him"), N_("Agree a route and a date"), N_("Arrange documents, money and a place to stay"),
	N_("Stay in touch during the journey"), N_("Confirm that he crossed the border"), N_("Confirm that he is safe"),
	N_("Help with papers and a place to live"), N_("Offer psychological support"),
};

struct stages_ctx {
	stages_t *s;
	char *err;
	size_t errlen;
	bool failed;
};

static int
stages_handler(void *user, const char *section, const char *name, const char *value)
{
	struct stages_ctx *x = user;
	if (x->failed)
		return 0;
	int at = -1;
	for (int i = 0; i < STAGES_COUNT; i++)
		if (strcmp(section, stages_ids[i]) == 0)
			at = i;
	if (at < 0) {
		snprintf(x->err, x->errlen, "unknown stage [%.40s]; the stages are new, triage, verification, planning, "
		                            "exit, safe, aftercare, closed and rejected", section);
		x->failed = true;
		return 0;
	}
	stage_def_t *d = &x->s->stage[at];
	size_t n = strlen(value);
	if (n == 0 || n >= STAGES_TEXT_MAX || !text_is_clean_utf8((sv_t){ value, n })) {
		snprintf(x->err, x->errlen, "%.40s in [%.40s] must be text of 1 to %d bytes", name, section,
		    STAGES_TEXT_MAX - 1);
		x->failed = true;
		return 0;
	}
	if (strcmp(name, "label") == 0) {
		if (d->label[0]) {
			snprintf(x->err, x->errlen, "[%.40s] has a second label", section);
			x->failed = true;
			return 0;
		}
		memcpy(d->label, value, n + 1);
	} else if (strcmp(name, "item") == 0) {
		if (d->nitems == STAGES_ITEMS_MAX) {
			snprintf(x->err, x->errlen, "[%.40s] has more than %d items", section, STAGES_ITEMS_MAX);
			x->failed = true;
			return 0;
		}
		memcpy(d->items[d->nitems++], value, n + 1);
	} else {
		snprintf(x->err, x->errlen, "unknown setting %.40s in [%.40s] (label or item)", name, section);
		x->failed = true;
		return 0;
	}
	return 1;
}

int
stages_parse(stages_t *s, const char *text, size_t len, char *err, size_t errlen)
{
	char why[200] = "";
	struct stages_ctx x = { s, why, sizeof(why), false };
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < STAGES_COUNT; i++)
		snprintf(s->stage[i].id, sizeof(s->stage[i].id), "%s", stages_ids[i]);
	return ini_text_parse(text, len, stages_handler, &x, &x.failed, why, err, errlen);
}

int
stages_load(stages_t *s, const char *dir, char *err, size_t errlen)
{
	char path[4096], why[256];
	static __thread char text[INI_TEXT_MAX + 1];
	size_t len;
	snprintf(path, sizeof(path), "%s/stages.conf", dir);
	int rc = ini_text_read(path, text, sizeof(text), &len, err, errlen);
	if (rc == 1)
		return stages_parse(s, stages_default_text, sizeof(stages_default_text) - 1, err, errlen);
	if (rc != 0)
		return -1;
	if (stages_parse(s, text, len, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	return 0;
}
