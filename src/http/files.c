/* files: published media (issue 11), served as they lie in DIR/media/<slug>/<name>, for
 * GET and HEAD /media/<slug>/<name>. Names are checked character by character; nothing
 * beneath DIR/media is opened through a link; libmicrohttpd sends the bytes with
 * sendfile from the open descriptor (never read into memory), with ranges, validators
 * and a year's cache. Trusted with nothing secret: the files are public by design, and
 * this route never touches the database, the vault or a session. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "http/server.h"
#include "parse/range.h"

#define FILES_PREFIX "/media/"
#define FILES_NAME_MAX 64            /* a slug or a file name, in bytes */
/* An hour, then a revalidation (a 304 by ETag costs nothing): a file never changes under
 * its name, but a withdrawn one must leave every cache soon, not in a year. */
#define FILES_CACHE "public, max-age=3600"
#define FILES_ETAG_BYTES 16          /* of BLAKE2b: 32 hex digits between quotes */
#define FILES_DATE_BYTES 30          /* "Sun, 06 Nov 1994 08:49:37 GMT" and its NUL */

/* The types served, by extension. The Content-Type comes from here, never from the
 * request or the file's bytes. */
static const struct files_type {
	const char *ext;
	const char *content_type;
	bool is_inline;   /* Content-Disposition: inline (a browser shows it, never saves it) */
} files_types[] = {
	{ ".mp4", "video/mp4", true },
	{ ".jpg", "image/jpeg", true },
	{ ".vtt", "text/vtt; charset=utf-8", false },
	{ ".srt", "application/x-subrip", false },
	{ ".txt", "text/plain; charset=utf-8", false },
};

/* Never called: the server answers this route with files_answer. A 404 if it ever were. */
static void
files_page(request_t *rq, response_t *rs)
{
	(void)rq;
	rs->status = 404;
}

const route_t files_route = { "/media/{slug}/{name}", HTTP_GET | HTTP_HEAD, BODY_NONE, 0, files_page, false };

/* DIR/media, opened once, when first needed (the domain makes it with the first file
 * it publishes, maybe after the start). -1 until then. A link at DIR/media itself, made
 * by the operator (to another disk), is followed; none beneath it ever is. */
static atomic_int files_dirfd = -1;

static int
files_dir(const app_t *app)
{
	int fd = atomic_load(&files_dirfd);
	if (fd >= 0)
		return fd;
	char path[PATH_MAX];
	if (!snprintf_ok(path, sizeof(path), "%s/media", app->dir))
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int none = -1;
	if (!atomic_compare_exchange_strong(&files_dirfd, &none, fd)) {
		close(fd);   /* another thread opened it first */
		return none;
	}
	return fd;
}

void
files_stop(void)
{
	int fd = atomic_exchange(&files_dirfd, -1);
	if (fd >= 0)
		close(fd);
}

const route_t *
files_match(sv_t path)
{
	return sv_starts_with(path, SV(FILES_PREFIX)) ? &files_route : NULL;
}

/* A slug is [a-z0-9][a-z0-9-]{0,63}; a name [a-z0-9][a-z0-9._-]{0,63}. So neither is
 * ever "." or "..", nor holds a slash, a percent sign or an upper-case letter. */
static bool
files_name_ok(sv_t s, bool is_name)
{
	if (s.len == 0 || s.len > FILES_NAME_MAX)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		          (i > 0 && (c == '-' || (is_name && (c == '.' || c == '_'))));
		if (!ok)
			return false;
	}
	return true;
}

static const struct files_type *
files_type_of(sv_t name)
{
	for (size_t i = 0; i < sizeof(files_types) / sizeof(files_types[0]); i++) {
		sv_t ext = sv_from_cstr(files_types[i].ext);
		if (name.len > ext.len && sv_eq((sv_t){ name.p + name.len - ext.len, ext.len }, ext))
			return &files_types[i];
	}
	return NULL;
}

/* ---- validators ---- */

static void
files_put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A strong ETag from the inode, size and both times, hashed: it changes with any of
 * them, and says neither the inode number (how many files, in what order) nor the
 * nanoseconds of a write. out gets "\"<32 hex digits>\"". */
static void
files_etag(const struct stat *st, char out[FILES_ETAG_BYTES * 2 + 3])
{
	static const char context[] = "sava media etag 1";
	unsigned char in[sizeof(context) + 6 * 8], h[FILES_ETAG_BYTES];
	memcpy(in, context, sizeof(context));
	unsigned char *p = in + sizeof(context);
	files_put_u64(p, (uint64_t)st->st_ino);
	files_put_u64(p + 8, (uint64_t)st->st_size);
	files_put_u64(p + 16, (uint64_t)st->st_mtim.tv_sec);
	files_put_u64(p + 24, (uint64_t)st->st_mtim.tv_nsec);
	files_put_u64(p + 32, (uint64_t)st->st_ctim.tv_sec);
	files_put_u64(p + 40, (uint64_t)st->st_ctim.tv_nsec);
	crypto_generichash(h, sizeof(h), in, sizeof(in), NULL, 0);
	out[0] = '"';
	sodium_bin2hex(out + 1, FILES_ETAG_BYTES * 2 + 1, h, sizeof(h));
	out[FILES_ETAG_BYTES * 2 + 1] = '"';
	out[FILES_ETAG_BYTES * 2 + 2] = '\0';
}

/* The time Last-Modified says: the later of the file's mtime and ctime. The ctime is
 * when the file last changed on this server and no program can set it, so a date
 * copied onto the mtime (a camera's recording time, by a tool that keeps times) never
 * shows; for a file sava wrote, both are when it wrote it. */
static time_t
files_modified(const struct stat *st)
{
	return st->st_ctim.tv_sec > st->st_mtim.tv_sec ? st->st_ctim.tv_sec : st->st_mtim.tv_sec;
}

static const char files_days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char files_months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* An IMF-fixdate (RFC 9110, 5.6.7), in English whatever the locale. */
static bool
files_date_format(time_t t, char out[FILES_DATE_BYTES])
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11)
		return false;
	return snprintf_ok(out, FILES_DATE_BYTES, "%s, %02d %s %04d %02d:%02d:%02d GMT", files_days[tm.tm_wday],
	    tm.tm_mday, files_months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
files_digits(const char *p, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* Parses an IMF-fixdate; the obsolete forms RFC 9110 also names are taken as absent
 * (the request is then answered in full, which is always correct). */
static int
files_date_parse(sv_t s, time_t *out)
{
	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (s.len != 29 || memcmp(s.p + 3, ", ", 2) != 0 || s.p[7] != ' ' || s.p[11] != ' ' || s.p[16] != ' ' ||
	    s.p[19] != ':' || s.p[22] != ':' || memcmp(s.p + 25, " GMT", 4) != 0)
		return -1;
	int mon = -1;
	for (int i = 0; i < 12; i++)
		if (memcmp(s.p + 8, files_months[i], 3) == 0)
			mon = i;
	int day = files_digits(s.p + 5, 2), year = files_digits(s.p + 12, 4);
	int hh = files_digits(s.p + 17, 2), mm = files_digits(s.p + 20, 2), ss = files_digits(s.p + 23, 2);
	if (mon < 0 || day < 1 || day > 31 || year < 1970 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return -1;
	struct tm tm = { .tm_year = year - 1900, .tm_mon = mon, .tm_mday = day, .tm_hour = hh, .tm_min = mm,
		.tm_sec = ss };
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = t;
	return 0;
}

/* If-None-Match: "*", or a list of entity tags compared weakly (W/"x" matches "x").
 * A list that does not parse matches nothing. */
static bool
files_none_match(sv_t v, const char *etag)
{
	sv_t mine = sv_from_cstr(etag);
	v = sv_trim_ows(v);
	if (sv_eq(v, SV("*")))
		return true;
	const char *p = v.p, *end = v.p + v.len;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if (p == end)
			break;
		if (end - p >= 2 && p[0] == 'W' && p[1] == '/')
			p += 2;
		if (p == end || *p != '"')
			return false;
		const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));
		if (!close)
			return false;
		if (sv_eq((sv_t){ p, (size_t)(close - p + 1) }, mine))
			return true;
		p = close + 1;
	}
	return false;
}

/* ---- ranges ---- */

/* If-Range (RFC 9110, 13.1.5): the range is honoured only when the validator is our
 * strong ETag, or exactly our Last-Modified. */
static bool
files_if_range_holds(sv_t v, const char *etag, const char *modified)
{
	v = sv_trim_ows(v);
	if (v.len > 0 && (v.p[0] == '"' || sv_starts_with(v, SV("W/"))))
		return sv_eq_cstr(v, etag);   /* a weak tag never matches */
	return sv_eq_cstr(v, modified);
}

/* ---- the answer ---- */

static sv_t
files_header(struct MHD_Connection *conn, const char *name, bool *present)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
	*present = v != NULL;
	return v ? sv_from_cstr(v) : SV_NULL;
}

/* Opens DIR/media/<slug>/<name> for reading, following no link, refusing anything but
 * a regular file. Returns the descriptor (the caller closes it), or -1 with *status
 * 404 (not there, not a file, a link) or 503 (out of descriptors or memory). */
static int
files_open(const app_t *app, sv_t slug, sv_t name, struct stat *st, int *status)
{
	char s[FILES_NAME_MAX + 1], n[FILES_NAME_MAX + 1];
	memcpy(s, slug.p, slug.len);
	s[slug.len] = '\0';
	memcpy(n, name.p, name.len);
	n[name.len] = '\0';
	*status = 404;
	int dir = files_dir(app);
	if (dir < 0)
		return -1;
	int sfd = openat(dir, s, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
			*status = 503;
		return -1;
	}
	/* O_NONBLOCK: a FIFO left in the folder must not hold this thread in open(). */
	int fd = openat(sfd, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int err = errno;
	close(sfd);
	if (fd < 0) {
		if (err == EMFILE || err == ENFILE || err == ENOMEM)
			*status = 503;
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || st->st_size < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* An answer with no body (304, 416, or an empty file). */
static struct MHD_Response *
files_empty(void)
{
	return MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
}

struct MHD_Response *
files_answer(request_t *rq, struct MHD_Connection *conn, int *status, uint64_t *size)
{
	*status = 404;
	*size = 0;
	sv_t rest = { rq->path.p + strlen(FILES_PREFIX), rq->path.len - strlen(FILES_PREFIX) };
	sv_t slug, name;
	if (!sv_split(rest, '/', &slug, &name) || !files_name_ok(slug, false) || !files_name_ok(name, true))
		return NULL;
	const struct files_type *type = files_type_of(name);
	if (!type)
		return NULL;

	struct stat st;
	int fd = files_open(rq->app, slug, name, &st, status);
	if (fd < 0)
		return NULL;
	uint64_t length = (uint64_t)st.st_size;
	char etag[FILES_ETAG_BYTES * 2 + 3], modified[FILES_DATE_BYTES];
	files_etag(&st, etag);
	time_t mtime = files_modified(&st);
	if (!files_date_format(mtime, modified)) {
		close(fd);
		*status = 500;
		return NULL;
	}

	/* Preconditions, in RFC 9110's order (13.2.2): If-None-Match, else If-Modified-Since. */
	bool have_inm, have_ims, have_range, have_if_range;
	sv_t inm = files_header(conn, MHD_HTTP_HEADER_IF_NONE_MATCH, &have_inm);
	sv_t ims = files_header(conn, MHD_HTTP_HEADER_IF_MODIFIED_SINCE, &have_ims);
	time_t since;
	bool not_modified = have_inm ? files_none_match(inm, etag)
	                             : have_ims && files_date_parse(sv_trim_ows(ims), &since) == 0 &&
	                                   since <= time(NULL) && mtime <= since;

	/* Range is defined for GET only; HEAD and a 304 ignore it. */
	uint64_t first = 0, last = length ? length - 1 : 0;
	range_t range = RANGE_NONE;
	sv_t rv = files_header(conn, MHD_HTTP_HEADER_RANGE, &have_range);
	sv_t ir = files_header(conn, MHD_HTTP_HEADER_IF_RANGE, &have_if_range);
	if (!not_modified && rq->method == HTTP_GET && have_range &&
	    (!have_if_range || files_if_range_holds(ir, etag, modified)))
		range = range_parse(rv, length, &first, &last);

	struct MHD_Response *r;
	char content_range[80];
	bool ok = true;
	if (not_modified || range == RANGE_UNSATISFIABLE) {
		close(fd);
		r = files_empty();
		if (!r)
			goto fail;
		if (not_modified) {
			*status = 304;
			ok = server_add_headers(r, FILES_CACHE, NULL, NULL) == 0 &&
			     MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) == MHD_YES;
		} else {
			*status = 416;
			ok = server_add_headers(r, "no-store", NULL, NULL) == 0 &&
			     snprintf_ok(content_range, sizeof(content_range), "bytes */%llu", (unsigned long long)length) &&
			     MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, content_range) == MHD_YES;
		}
	} else {
		uint64_t count = range == RANGE_ONE ? last - first + 1 : length;
		if (count == 0) {
			close(fd);
			r = files_empty();
		} else {
			/* From here the response owns fd: libmicrohttpd closes it when the response
			 * is destroyed (after the last byte, or when the client goes away). A file
			 * withdrawn meanwhile is unlinked, not truncated: this answer goes on from
			 * the open inode, and the next request gets a 404. */
			r = MHD_create_response_from_fd_at_offset64(count, fd, first);
			if (!r)
				close(fd);
		}
		if (!r)
			goto fail;
		*status = range == RANGE_ONE ? 206 : 200;
		*size = rq->method == HTTP_HEAD ? 0 : count;
		ok = server_add_headers(r, FILES_CACHE, type->content_type, NULL) == 0 &&
		     MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) == MHD_YES &&
		     MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, modified) == MHD_YES &&
		     MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes") == MHD_YES;
		if (ok && type->is_inline)
			ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, "inline") == MHD_YES;
		if (ok && range == RANGE_ONE)
			ok = snprintf_ok(content_range, sizeof(content_range), "bytes %llu-%llu/%llu",
			         (unsigned long long)first, (unsigned long long)last, (unsigned long long)length) &&
			     MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, content_range) == MHD_YES;
	}
	if (!ok) {
		MHD_destroy_response(r);   /* closes fd, when it held it */
		goto fail;
	}
	return r;
fail:
	*status = 500;
	*size = 0;
	return NULL;
}
