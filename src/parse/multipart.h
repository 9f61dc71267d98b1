/* multipart: a streaming multipart/form-data parser (RFC 7578). Bytes are fed in chunks
 * of any size, as they arrive; part contents are handed to a sink and never held whole,
 * so a file part can be encrypted as it streams. Pure: no I/O, no allocation after init.
 * Hostile input: bounded boundary, part headers, part count, file count, names. */
#ifndef SAVA_MULTIPART_H
#define SAVA_MULTIPART_H

#include "core/buf.h"
#include "core/limits.h"

typedef enum {
	MP_OK = 0,
	MP_BAD,          /* malformed: missing boundary, bad part header (the epilogue after
	                  * the close delimiter is ignored, as RFC 2046 says) */
	MP_TOO_MANY,     /* more parts than LIMIT_MP_PARTS, or more files than max_files */
	MP_TOO_LONG,     /* a part header block or a name over its limit */
	MP_ABORTED,      /* a sink callback returned non-zero */
	MP_INCOMPLETE,   /* mp_finish: the closing boundary never came */
} mp_status_t;

/* One part's headers, as seen by part_begin. Views are valid only during the call. */
typedef struct {
	sv_t name;          /* from Content-Disposition: form-data; name="..." (required) */
	sv_t filename;      /* filename="...", when is_file */
	bool is_file;       /* a filename parameter was present (even empty) */
	sv_t content_type;  /* Content-Type of the part, or empty */
	/* The part's length if it is the last one and the body ends as clients end it
	 * ("\r\n--" boundary "--\r\n"), from the body's length (mp_set_length); 0 when
	 * unknown. A guess for a writer to check (vault's case_blob_writer_expect), never a
	 * limit: the part's bytes are what decides. */
	uint64_t length_if_last;
} mp_part_t;

typedef struct {
	/* Each returns 0 to go on, non-zero to stop parsing with MP_ABORTED. */
	int (*part_begin)(void *ctx, const mp_part_t *part);
	int (*part_data)(void *ctx, const char *p, size_t n);   /* any number of calls */
	int (*part_end)(void *ctx);
} mp_sink_t;

typedef struct {
	/* private state; sized so no allocation is needed */
	char boundary[LIMIT_MP_BOUNDARY_BYTES + 4];   /* "\r\n--" + boundary */
	size_t boundary_len;
	char hold[LIMIT_MP_PART_HEADER_BYTES + LIMIT_MP_BOUNDARY_BYTES + 8];
	size_t hold_len;
	int state;
	size_t parts;
	size_t files;
	size_t max_files;
	const mp_sink_t *sink;
	void *ctx;
	mp_status_t status;  /* sticky: after an error every call returns it */
	uint64_t fed;        /* body bytes fed before the current mp_feed call */
	uint64_t pos;        /* the body offset of the byte the current step starts at */
	uint64_t body_len;   /* mp_set_length, or 0 */
} mp_parser_t;

/* Extracts the boundary parameter from a Content-Type header value such as
 * 'multipart/form-data; boundary="abc"'. Returns 0 and a view into ct, or -1 when the
 * type is not multipart/form-data or the boundary is missing, empty, longer than
 * LIMIT_MP_BOUNDARY_BYTES or has characters RFC 2046 does not allow. */
int mp_boundary_from_content_type(sv_t ct, sv_t *boundary) WUR;

/* Starts a parser for this boundary (copied). max_files <= LIMIT_MP_FILES_MAX. */
void mp_init(mp_parser_t *mp, sv_t boundary, size_t max_files, const mp_sink_t *sink, void *ctx);
/* The body's whole length (a Content-Length), for mp_part_t.length_if_last. */
void mp_set_length(mp_parser_t *mp, uint64_t body_len);
/* Feeds the next n bytes of the body. Returns MP_OK or the (sticky) error. After an
 * error, part_end is not called for the open part: the caller must throw away
 * everything from a body that does not end in MP_OK, so no partial upload is kept.
 * A bad boundary given to mp_init shows as MP_BAD on the first feed. */
mp_status_t mp_feed(mp_parser_t *mp, const char *p, size_t n) WUR;
/* Ends the body: MP_OK only if the closing boundary was seen (epilogue ignored). */
mp_status_t mp_finish(mp_parser_t *mp) WUR;

#endif
