/* stages: the green corridor's stages and their checklists (DESIGN.md section 5), from
 * DIR/stages.conf when the organization has written one, else the default that ships.
 * The stages themselves are fixed (requests store them as numbers, and the rules hang on
 * them: two verifiers before "safe"); the file sets each stage's label and checklist.
 * INI through libinih, every section and key checked; pure: stages_parse works on bytes. */
#ifndef SAVA_STAGES_H
#define SAVA_STAGES_H

#include "core/buf.h"

#define STAGES_COUNT       9      /* new .. closed, and rejected */
#define STAGES_ITEMS_MAX   12     /* checklist items per stage */
#define STAGES_TEXT_MAX    160    /* bytes of a label or an item */

typedef struct {
	char id[16];                                  /* "new", ..., "rejected" */
	char label[STAGES_TEXT_MAX];                  /* empty: the built-in, translated name */
	char items[STAGES_ITEMS_MAX][STAGES_TEXT_MAX];
	unsigned nitems;
} stage_def_t;

typedef struct {
	stage_def_t stage[STAGES_COUNT];
} stages_t;

/* The stages' ids, in order (also the msgids of their built-in names). */
extern const char *const stages_ids[STAGES_COUNT];
/* The default: every stage with its checklist (English; the catalogs translate it). */
extern const char stages_default_text[];
/* Parses INI text over the built-in stage ids. Returns 0, or -1 with a sentence in err
 * (with the line). Sections: a stage id; keys: label (once), item (repeated). */
int stages_parse(stages_t *s, const char *text, size_t len, char *err, size_t errlen) WUR;
/* DIR/stages.conf when it exists, else the default. */
int stages_load(stages_t *s, const char *dir, char *err, size_t errlen) WUR;

#endif
