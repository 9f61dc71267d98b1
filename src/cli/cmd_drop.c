/* cmd_drop: the secure drop's offline key and bundles. `sava drop keygen` makes the key
 * pair on the offline machine, `sava drop export` writes the waiting submissions of an
 * instance as bundles (for a USB stick), `sava decrypt` opens a bundle on the offline
 * machine: it verifies every frame of every stream before it writes a single byte, and
 * leaves nothing behind when any check fails. docs/formats.md "Drop bundles". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/le.h"
#include "domain/drop.h"
#include "parse/dropbundle.h"
#include "vault/drop.h"

static const char usage_drop[] =
"usage: sava drop keygen OUTFILE\n"
"       sava drop export DIR OUTDIR\n"
"       sava decrypt [--clean] KEYFILE BUNDLE OUTDIR\n"
"       sava drop answer REPLYKEY TEXTFILE OUTFILE\n"
"       sava drop reply DIR FILE\n"
"\n"
"The secure drop's offline mode (docs/operator.md, \"The secure drop\"). On the offline\n"
"machine, keygen makes a key pair: it writes the secret half to OUTFILE (a new file,\n"
"mode 0600) and prints one line, `offline_key = ...`, to put in the [drop] section of\n"
"the server's sava.conf beside `mode = offline`.\n"
"\n"
"On the server, export writes every submission waiting for export as a bundle,\n"
"OUTDIR/ID.savadrop, and marks it exported; [drop] keep_days later the purge\n"
"crypto-shreds it on the server. Nothing on the server can open a bundle.\n"
"\n"
"On the offline machine, decrypt opens BUNDLE with KEYFILE: it checks every frame\n"
"first, and only then writes OUTDIR/ID/ (message.txt, the files as sent, and\n"
"reply-key.txt); if any check fails it writes nothing. With --clean it also writes, in\n"
"OUTDIR/ID/cleaned/, a cleaned copy of each image (JPEG, PNG, WebP: encoded again from\n"
"its pixels) and PDF (every page rasterized, in a new PDF), with no metadata, made in\n"
"the same sandbox as on a server (bubblewrap, ffmpeg and poppler-utils must be\n"
"installed, or it refuses before opening anything). Other files are not cleaned:\n"
"remove their metadata before anything leaves the offline machine.\n"
"\n"
"On the offline machine, answer seals the text of TEXTFILE (UTF-8, at most 20000 bytes)\n"
"to the source's mailbox key, read from REPLYKEY (the reply-key.txt decrypt wrote), into\n"
"OUTFILE. On the server, reply imports that file unopened: the source reads it in his\n"
"mailbox; nothing on the server can open it.\n";

/* ---- small file helpers ---- */

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
pread_all(int fd, uint8_t *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static int
dir_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* ---- keygen ---- */

static int
drop_keygen_cmd(const char *out)
{
	uint8_t pk[32];
	char hex[65];
	uint8_t *kf = sodium_malloc(DROP_KEYFILE_BYTES);
	if (!kf)
		return 1;
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "sava drop keygen: cannot create %s: %s\n", out, strerror(errno));
		sodium_free(kf);
		return 1;
	}
	drop_keygen(kf, pk);
	int rc = write_all(fd, kf, DROP_KEYFILE_BYTES) == 0 && fsync(fd) == 0 ? 0 : 1;
	sodium_free(kf);   /* wiped */
	if (close(fd) != 0)
		rc = 1;
	if (rc != 0) {
		fprintf(stderr, "sava drop keygen: cannot write %s: %s\n", out, strerror(errno));
		unlink(out);
		return 1;
	}
	sodium_bin2hex(hex, sizeof(hex), pk, 32);
	printf("offline_key = %s\n", hex);
	return 0;
}

/* ---- export ---- */

struct export_out {
	const char *dir;
	char tmp[4200], path[4200];
	int fd;
};

static int
export_begin(void *ctx, const uint8_t id[16])
{
	struct export_out *o = ctx;
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	if (snprintf(o->path, sizeof(o->path), "%s/%s.savadrop", o->dir, hex) >= (int)sizeof(o->path) ||
	    snprintf(o->tmp, sizeof(o->tmp), "%s/.%s.partial", o->dir, hex) >= (int)sizeof(o->tmp))
		return -1;
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (o->fd < 0)
		fprintf(stderr, "sava drop export: cannot create %s: %s\n", o->tmp, strerror(errno));
	return o->fd < 0 ? -1 : 0;
}

static int
export_write(void *ctx, const uint8_t *p, size_t n)
{
	struct export_out *o = ctx;
	return write_all(o->fd, p, n);
}

static int
export_end(void *ctx, bool ok)
{
	struct export_out *o = ctx;
	ok = ok && fsync(o->fd) == 0;
	ok = close(o->fd) == 0 && ok;
	o->fd = -1;
	ok = ok && rename(o->tmp, o->path) == 0 && dir_sync(o->dir) == 0;
	if (!ok) {
		fprintf(stderr, "sava drop export: could not write %s; it stays waiting\n", o->path);
		unlink(o->tmp);
	}
	return ok ? 0 : -1;
}

static int
drop_export_cmd(const char *dir, const char *outdir)
{
	app_t app;
	struct stat sb;
	if (stat(outdir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "sava drop export: %s is not a directory\n", outdir);
		return 1;
	}
	if (cli_open(dir, &app, "drop export") != 0)
		return 1;
	struct export_out o = { .dir = outdir, .fd = -1 };
	const drop_export_sink_t sink = { export_begin, export_write, export_end, &o };
	size_t n = 0;
	int rc = drop_export(&app, &sink, &n);
	printf("Exported %zu submission(s) to %s.\n", n, outdir);
	cli_close(&app);
	return rc == 0 ? 0 : 1;
}

/* ---- replies written offline ---- */

/* Reads a whole small file (at most cap bytes) into p: its length, or -1. */
static long
file_slurp(const char *path, uint8_t *p, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {   /* one byte more than allowed: too large */
			close(fd);
			return -1;
		}
	}
	close(fd);
	return (long)n;
}

/* "drop HEX32\nmailbox_key HEX64\n", as decrypt writes it. */
static int
replykey_parse(const char *t, size_t n, uint8_t id[16], uint8_t pk[32])
{
	size_t used = 0;
	if (n != 5 + 32 + 1 + 12 + 64 + 1 || memcmp(t, "drop ", 5) != 0 || memcmp(t + 38, "mailbox_key ", 12) != 0 ||
	    t[37] != '\n' || t[114] != '\n')
		return -1;
	if (sodium_hex2bin(id, 16, t + 5, 32, NULL, &used, NULL) != 0 || used != 16 ||
	    sodium_hex2bin(pk, 32, t + 50, 64, NULL, &used, NULL) != 0 || used != 32)
		return -1;
	return 0;
}

static int
drop_answer_cmd(const char *keypath, const char *textpath, const char *out)
{
	char key[200];
	uint8_t id[16], pk[32], head[DROPREPLY_HEAD_BYTES];
	uint8_t *text = sodium_malloc(DROPREPLY_TEXT_MAX + 1), *sealed = malloc(DROPREPLY_SEALED_MAX);
	int rc = 1, fd = -1;
	long kn = file_slurp(keypath, (uint8_t *)key, sizeof(key));
	long tn = text ? file_slurp(textpath, text, DROPREPLY_TEXT_MAX + 1) : -1;
	if (kn < 0 || replykey_parse(key, (size_t)kn, id, pk) != 0) {
		fprintf(stderr, "sava drop answer: %s is not a reply-key.txt that sava decrypt wrote\n", keypath);
		goto done;
	}
	if (tn <= 0) {
		fprintf(stderr, "sava drop answer: %s is empty, unreadable, or longer than %d bytes\n", textpath,
		    DROPREPLY_TEXT_MAX);
		goto done;
	}
	size_t slen = drop_reply_sealed_len((size_t)tn);
	if (!sealed || drop_reply_seal(pk, id, text, (size_t)tn, sealed) != 0)
		goto done;
	memcpy(head, DROPREPLY_MAGIC, 8);
	head[8] = DROPREPLY_VERSION;
	head[9] = head[10] = head[11] = 0;
	memcpy(head + 12, id, 16);
	le32_put(head + 28, (uint32_t)slen);
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, head, sizeof(head)) != 0 || write_all(fd, sealed, slen) != 0 || fsync(fd) != 0) {
		fprintf(stderr, "sava drop answer: cannot write %s: %s\n", out, strerror(errno));
		if (fd >= 0)
			unlink(out);
		goto done;
	}
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	if (text)
		sodium_free(text);
	free(sealed);
	return rc;
}

static int
drop_reply_cmd(const char *dir, const char *file)
{
	app_t app;
	uint8_t *buf = malloc(DROPREPLY_HEAD_BYTES + DROPREPLY_SEALED_MAX + 1);
	long n = buf ? file_slurp(file, buf, DROPREPLY_HEAD_BYTES + DROPREPLY_SEALED_MAX + 1) : -1;
	if (n < 0) {
		fprintf(stderr, "sava drop reply: cannot read %s, or it is too large to be a reply\n", file);
		free(buf);
		return 1;
	}
	if (cli_open(dir, &app, "drop reply") != 0) {
		free(buf);
		return 1;
	}
	drop_reply_status_t st = drop_reply_import(&app, buf, (size_t)n);
	cli_close(&app);
	free(buf);
	switch (st) {
	case DROP_REPLY_OK:
		printf("The reply is in the source's mailbox.\n");
		return 0;
	case DROP_REPLY_NOT_REPLY:
		fprintf(stderr, "sava drop reply: %s is not a reply that sava drop answer wrote\n", file);
		return 1;
	case DROP_REPLY_NO_DROP:
		fprintf(stderr, "sava drop reply: its submission is not on this server (shredded, or another instance's)\n");
		return 1;
	default:
		fprintf(stderr, "sava drop reply: the reply could not be stored\n");
		return 1;
	}
}

int
cmd_drop(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage_drop, stdout);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "keygen") == 0)
		return drop_keygen_cmd(argv[2]);
	if (argc == 4 && strcmp(argv[1], "export") == 0)
		return drop_export_cmd(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "answer") == 0)
		return drop_answer_cmd(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "reply") == 0)
		return drop_reply_cmd(argv[2], argv[3]);
	fputs(usage_drop, stderr);
	return 2;
}

/* ---- decrypt ---- */

struct decrypt_out {
	int bundle_fd;
	const char *dir;            /* the .partial folder being written */
	int fd;                     /* the file being written */
};

static int
out_pread(void *ctx, uint8_t *p, size_t n, uint64_t off)
{
	return pread_all(((struct decrypt_out *)ctx)->bundle_fd, p, n, off);
}

/* A new file in the output folder: 0600, never over another. */
static int
out_create(struct decrypt_out *o, const char *name)
{
	char path[4400];
	if (snprintf(path, sizeof(path), "%s/%s", o->dir, name) >= (int)sizeof(path))
		return -1;
	o->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	return o->fd >= 0 ? 0 : -1;
}

static int
out_close(struct decrypt_out *o)
{
	int rc = fsync(o->fd) == 0 ? 0 : -1;
	if (close(o->fd) != 0)
		rc = -1;
	o->fd = -1;
	return rc;
}

static int
out_message(void *ctx, const uint8_t *p, size_t n)
{
	struct decrypt_out *o = ctx;
	if (out_create(o, "message.txt") != 0)
		return -1;
	int rc = write_all(o->fd, p, n);
	return out_close(o) == 0 ? rc : -1;
}

/* The length of an invisible or reordering character in UTF-8 at p (n bytes left), 0
 * if none: C1 controls, the soft hyphen, the Arabic letter mark, zero-width characters
 * and direction marks, bidi embeddings, overrides and isolates (U+202A-202E,
 * U+2066-2069), invisible operators, the byte order mark. A name holding one could
 * show in a file manager as another name (or another extension) than it has. */
static size_t
format_char_len(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0xc2 && ((p[1] >= 0x80 && p[1] <= 0x9f) || p[1] == 0xad))
		return 2;
	if (n >= 2 && p[0] == 0xd8 && p[1] == 0x9c)
		return 2;
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && ((p[2] >= 0x8b && p[2] <= 0x8f) || (p[2] >= 0xaa && p[2] <= 0xae)))
		return 3;
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa0 && p[2] <= 0xaf)
		return 3;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return 3;
	return 0;
}

/* The name as sent (untrusted), made safe for a file name: no separators, no control
 * bytes or invisible/bidi characters, no leading dot, at most 200 bytes; "file" when
 * nothing is left; numbered. */
static int
out_file_begin(void *ctx, unsigned index, const char *name, size_t name_len)
{
	char safe[256];
	size_t k = 0;
	for (size_t i = 0; i < name_len && k < 200; i++) {
		unsigned char c = (unsigned char)name[i];
		size_t f = format_char_len((const unsigned char *)name + i, name_len - i);
		if (f) {
			safe[k++] = '_';
			i += f - 1;
			continue;
		}
		bool bad = c == '/' || c == '\\' || c < 0x20 || c == 0x7f || (k == 0 && c == '.');
		safe[k++] = bad ? '_' : (char)c;
	}
	safe[k] = '\0';
	char file[300];
	if (snprintf(file, sizeof(file), "%02u-%s", index, k ? safe : "file") >= (int)sizeof(file))
		return -1;
	return out_create(ctx, file);
}

static int
out_file_data(void *ctx, const uint8_t *p, size_t n)
{
	return write_all(((struct decrypt_out *)ctx)->fd, p, n);
}

static int
out_file_end(void *ctx)
{
	return out_close(ctx);
}

/* Removes what a failed second pass wrote under dir, and dir. */
static void
partial_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4400];
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static const char *
bundle_why(drop_bundle_status_t st)
{
	switch (st) {
	case DROP_BUNDLE_NOT_BUNDLE: return "this is not a drop bundle sava can read";
	case DROP_BUNDLE_WRONG_KEY: return "this key does not open the bundle";
	case DROP_BUNDLE_DAMAGED: return "the bundle is damaged, cut short or altered";
	default: return "the bundle could not be read, or OUTDIR could not be written";
	}
}

/* The key file: exactly its bytes, and only if nobody else may read it. */
static int
keyfile_read(const char *path, uint8_t *kf, size_t *len)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		fprintf(stderr, "sava decrypt: cannot read %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (sb.st_mode & 077) {
		fprintf(stderr, "sava decrypt: %s may be read by others: run chmod 600 on it\n", path);
		close(fd);
		return -1;
	}
	ssize_t got = read(fd, kf, DROP_KEYFILE_BYTES + 1);
	close(fd);
	*len = got > 0 ? (size_t)got : 0;
	return 0;
}

static int
decrypt_run(const char *outdir, struct decrypt_out *o, drop_bundle_t *b, bool clean)
{
	uint8_t id[16], pk_req[32];
	char hex[33], pkhex[65], out[4200], partial[4300], line[200];
	drop_bundle_status_t st = drop_bundle_check(b);
	if (st != DROP_BUNDLE_OK) {
		fprintf(stderr, "sava decrypt: %s; nothing was written\n", bundle_why(st));
		return 1;
	}
	drop_bundle_ids(b, id, pk_req);
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	if (snprintf(out, sizeof(out), "%s/%s", outdir, hex) >= (int)sizeof(out) ||
	    snprintf(partial, sizeof(partial), "%s/.%s.partial", outdir, hex) >= (int)sizeof(partial))
		return 1;
	if (access(out, F_OK) == 0) {
		fprintf(stderr, "sava decrypt: %s exists: this bundle was opened there before; nothing was written\n", out);
		return 1;
	}
	partial_remove(partial);
	if (mkdir(partial, 0700) != 0) {
		fprintf(stderr, "sava decrypt: cannot write into %s: %s\n", outdir, strerror(errno));
		return 1;
	}
	o->dir = partial;
	st = drop_bundle_write(b);
	int rc = st == DROP_BUNDLE_OK ? 0 : -1;
	if (o->fd >= 0)
		out_close(o);
	if (rc == 0) {
		/* what a reply written offline is sealed to: the requester's mailbox key */
		sodium_bin2hex(pkhex, sizeof(pkhex), pk_req, 32);
		int n = snprintf(line, sizeof(line), "drop %s\nmailbox_key %s\n", hex, pkhex);
		rc = out_create(o, "reply-key.txt") == 0 && write_all(o->fd, (const uint8_t *)line, (size_t)n) == 0 ? 0 : -1;
		if (o->fd >= 0 && out_close(o) != 0)
			rc = -1;
	}
	if (rc == 0)
		rc = dir_sync(partial) == 0 && rename(partial, out) == 0 && dir_sync(outdir) == 0 ? 0 : -1;
	if (rc != 0) {
		partial_remove(partial);
		fprintf(stderr, "sava decrypt: %s; nothing was written\n",
		    st == DROP_BUNDLE_OK ? "OUTDIR could not be written" : "the bundle changed while it was read");
		return 1;
	}
	printf("%s\n", out);
	return clean ? clean_dir(out) : 0;
}

int
cmd_decrypt(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage_drop, stdout);
		return 0;
	}
	bool clean = argc >= 2 && strcmp(argv[1], "--clean") == 0;
	if (clean) {
		argc--;
		argv++;
	}
	if (argc != 4) {
		fputs(usage_drop, stderr);
		return 2;
	}
	if (clean && clean_check_tools() != 0)
		return 1;
	struct stat sb;
	size_t kflen = 0;
	drop_bundle_t *b = NULL;
	struct decrypt_out o = { .bundle_fd = -1, .fd = -1 };
	uint8_t *kf = sodium_malloc(DROP_KEYFILE_BYTES + 1);
	int rc = 1;
	if (!kf || keyfile_read(argv[1], kf, &kflen) != 0)
		goto done;
	o.bundle_fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (o.bundle_fd < 0 || fstat(o.bundle_fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "sava decrypt: cannot read %s\n", argv[2]);
		goto done;
	}
	const drop_bundle_io_t io = { out_pread, (uint64_t)sb.st_size, out_message, out_file_begin, out_file_data,
		out_file_end, &o };
	drop_bundle_status_t st = drop_bundle_open(kf, kflen, &io, &b);
	if (st != DROP_BUNDLE_OK) {
		fprintf(stderr, "sava decrypt: %s; nothing was written\n", bundle_why(st));
		goto done;
	}
	rc = decrypt_run(argv[3], &o, b, clean);
done:
	drop_bundle_free(b);
	if (o.bundle_fd >= 0)
		close(o.bundle_fd);
	if (kf)
		sodium_free(kf);
	return rc;
}
