/* reach_csv: the bounded RFC 4180 record reader of reach_csv.h. Every field is copied
 * into the record's own buffer (quoted fields lose their quotes and doubled quotes), so a
 * record never points into bytes a later record reuses. Hostile input ends in an error
 * status with the line it began on, never in a read past the end. */
#include "parse/reach_csv.h"

#include <string.h>

void
csv_init(csv_t *c, const char *p, size_t n, char sep)
{
	c->p = p;
	c->end = p + n;
	c->sep = sep;
	c->line = 1;
}

bool
csv_blank(const csv_rec_t *rec)
{
	return rec->n == 1 && rec->f[0].len == 0;
}

/* Consumes one line end at c->p, if there is one: true when it did. */
static bool
csv_eol(csv_t *c)
{
	if (c->p < c->end && *c->p == '\r') {
		c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		c->line++;
		return true;
	}
	if (c->p < c->end && *c->p == '\n') {
		c->p++;
		c->line++;
		return true;
	}
	return false;
}

csv_status_t
csv_next(csv_t *c, csv_rec_t *rec)
{
	size_t used = 0;
	rec->n = 0;
	rec->line = c->line;
	if (c->p >= c->end)
		return CSV_END;
	for (;;) {
		size_t start = used;
		if (rec->n >= REACH_FIELDS_MAX)
			return CSV_TOO_LONG;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				if (c->p >= c->end)
					return CSV_BAD_QUOTE;   /* never closed */
				char ch = *c->p++;
				if (ch == '"') {
					if (c->p < c->end && *c->p == '"') {
						c->p++;
					} else {
						break;
					}
				} else if (ch == '\n' || (ch == '\r' && !(c->p < c->end && *c->p == '\n'))) {
					c->line++;
				}
				if (used - start >= REACH_FIELD_MAX || used >= sizeof(rec->buf))
					return CSV_TOO_LONG;
				rec->buf[used++] = ch;
			}
			if (c->p < c->end && *c->p != c->sep && *c->p != '\n' && *c->p != '\r')
				return CSV_BAD_QUOTE;
		} else {
			while (c->p < c->end && *c->p != c->sep && *c->p != '\n' && *c->p != '\r') {
				if (used - start >= REACH_FIELD_MAX || used >= sizeof(rec->buf))
					return CSV_TOO_LONG;
				rec->buf[used++] = *c->p++;
			}
		}
		rec->f[rec->n++] = (sv_t){ rec->buf + start, used - start };
		if (c->p < c->end && *c->p == c->sep) {
			c->p++;
			continue;
		}
		(void)csv_eol(c);
		return CSV_RECORD;
	}
}
