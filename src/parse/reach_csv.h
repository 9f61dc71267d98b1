/* reach_csv: a bounded RFC 4180 reader for the platforms' export files (reach.h). Pure:
 * works on bytes already in memory, allocates nothing, copies each record's fields into
 * the caller's record buffer. Quoted fields may hold the separator, line ends and doubled
 * quotes; a quote inside an unquoted field is taken as a character (titles such as
 * 5" screen); anything after a closing quote but the separator or a line end is an
 * error. Line ends are LF, CRLF or a lone CR. */
#ifndef SAVA_REACH_CSV_H
#define SAVA_REACH_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define REACH_FIELDS_MAX      64            /* fields in one record: else an error */
#define REACH_FIELD_MAX       4096          /* bytes of one field: else an error */
#define REACH_RECORD_MAX      (64 * 1024)   /* bytes of one record's fields together */

typedef struct {
	const char *p, *end;   /* what is left to read */
	char sep;              /* ',' unless a "sep=X" line said otherwise */
	uint32_t line;         /* the physical line the next record starts on (1-based) */
} csv_t;

typedef struct {
	sv_t f[REACH_FIELDS_MAX];   /* views into buf */
	size_t n;
	uint32_t line;              /* the line it started on */
	char buf[REACH_RECORD_MAX];
} csv_rec_t;

typedef enum {
	CSV_RECORD = 1,        /* one record in rec */
	CSV_END = 0,           /* nothing left */
	CSV_BAD_QUOTE = -1,    /* a character after a closing quote, or a quote never closed */
	CSV_TOO_LONG = -2,     /* a field, a record, or too many fields */
} csv_status_t;

void csv_init(csv_t *c, const char *p, size_t n, char sep);
/* Reads the next record; an empty line is a record of one empty field. On an error,
 * rec->line is the line the bad record began on. */
csv_status_t csv_next(csv_t *c, csv_rec_t *rec);
/* True when the record is one empty field (a blank line). */
bool csv_blank(const csv_rec_t *rec);

#endif
