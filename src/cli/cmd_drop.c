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
#include "domain/drop.h"
#include "parse/dropbundle.h"
#include "vault/drop.h"

static const char usage_drop[] =
"usage: sava drop keygen OUTFILE\n"
"       sava drop export DIR OUTDIR\n"
"       sava decrypt KEYFILE BUNDLE OUTDIR\n"
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
"reply-key.txt); if any check fails it writes nothing. sava does not clean documents:\n"
"remove their metadata before anything leaves the offline machine.\n";

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
	fputs(usage_drop, stderr);
	return 2;
}

/* ---- decrypt ---- */

struct stream_out {
	int fd;                     /* -1: verify only */
	uint8_t *keep;              /* stream 0: its content, up to DROPBUNDLE_MANIFEST_MAX */
	size_t kept;
	bool too_long;
	char name[DROPBUNDLE_FILES_MAX + 1024];
	size_t name_len;
};

static int
out_meta(void *arg, uint64_t real_len, const char *name, size_t name_len, const char *mime, size_t mime_len)
{
	struct stream_out *s = arg;
	(void)real_len;
	(void)mime;
	(void)mime_len;
	/* the name as sent, made safe for a file name: no separators, no control bytes,
	 * no leading dot; "file" when nothing is left */
	size_t k = 0;
	for (size_t i = 0; i < name_len && k < 200; i++) {
		unsigned char c = (unsigned char)name[i];
		bool bad = c == '/' || c == '\\' || c < 0x20 || c == 0x7f || (k == 0 && c == '.');
		s->name[k++] = bad ? '_' : (char)c;
	}
	if (k == 0)
		k = (size_t)snprintf(s->name, sizeof(s->name), "file");
	s->name_len = k;
	s->name[k] = '\0';
	return 0;
}

static int
out_data(void *arg, const uint8_t *p, size_t n)
{
	struct stream_out *s = arg;
	if (s->keep) {
		if (n > DROPBUNDLE_MANIFEST_MAX - s->kept) {
			s->too_long = true;
			return -1;
		}
		memcpy(s->keep + s->kept, p, n);
		s->kept += n;
	}
	return s->fd >= 0 ? write_all(s->fd, p, n) : 0;
}

/* One stream of the bundle at off through a reader under f: its bytes to s. */
static int
stream_feed(int fd, uint64_t size, uint64_t *off, const drop_keys_t *k, dropbundle_stream_t *st, struct stream_out *s)
{
	uint8_t head[DROPBUNDLE_STREAM_HEAD];
	static uint8_t buf[1 << 16];
	case_blob_reader_t *r = NULL;
	if (*off > size || pread_all(fd, head, sizeof(head), *off) != 0 ||
	    dropbundle_stream_parse(head, sizeof(head), size - *off, st) != 0)
		return -1;
	const case_blob_sink_t sink = { out_meta, out_data, s };
	if (drop_reader_new(k, st->id, &sink, &r) != 0)
		return -1;
	uint64_t pos = *off + DROPBUNDLE_STREAM_HEAD, end = pos + st->len;
	int rc = 0;
	while (rc == 0 && pos < end) {
		size_t take = end - pos < sizeof(buf) ? (size_t)(end - pos) : sizeof(buf);
		rc = pread_all(fd, buf, take, pos) == 0 && case_blob_reader_feed(r, buf, take) == 0 ? 0 : -1;
		pos += take;
	}
	if (rc == 0 && case_blob_reader_end(r) != 0)
		rc = -1;
	case_blob_reader_free(r);
	sodium_memzero(buf, sizeof(buf));
	*off = end;
	return rc;
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

/* Pass one (out NULL): every stream checked, and the manifest matched with the bundle.
 * Pass two: the same again, writing into out. */
static int
bundle_pass(int fd, uint64_t size, const dropbundle_head_t *h, const drop_keys_t *k, const char *out,
    dropbundle_manifest_t *m, uint8_t *manifest)
{
	uint64_t off = DROPBUNDLE_HEAD_BYTES;
	dropbundle_stream_t st;
	char path[4400];
	for (uint32_t i = 0; i < h->nstreams; i++) {
		struct stream_out s = { .fd = -1, .keep = i == 0 ? manifest : NULL };
		if (out && i > 0) {
			/* the name comes from frame 0: a first, verify-only read gives it */
			struct stream_out probe = { .fd = -1 };
			uint64_t at = off;
			if (stream_feed(fd, size, &at, k, &st, &probe) != 0 ||
			    snprintf(path, sizeof(path), "%s/%02u-%s", out, (unsigned)i, probe.name) >= (int)sizeof(path) ||
			    (s.fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
				return -1;
		}
		int rc = stream_feed(fd, size, &off, k, &st, &s);
		if (s.fd >= 0 && (fsync(s.fd) != 0 || close(s.fd) != 0))
			rc = -1;
		if (rc != 0)
			return -1;
		if (i == 0 && (memcmp(st.id, h->drop_id, 16) != 0 || dropbundle_manifest_parse(manifest, s.kept, m) != 0 ||
		                  memcmp(m->drop_id, h->drop_id, 16) != 0 || m->nfiles + 1u != h->nstreams))
			return -1;
		if (i == 0 && out) {   /* the message alone, out of the checked manifest */
			int mfd = snprintf(path, sizeof(path), "%s/message.txt", out) < (int)sizeof(path)
			    ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
			    : -1;
			rc = mfd >= 0 && write_all(mfd, m->message, m->message_len) == 0 && fsync(mfd) == 0 ? 0 : -1;
			if ((mfd >= 0 && close(mfd) != 0) || rc != 0)
				return -1;
		}
		if (i > 0 && memcmp(st.id, m->ids[i - 1], 16) != 0)
			return -1;
	}
	return off == size ? 0 : -1;
}

static int
decrypt_fail(const char *why, int fd, uint8_t *kf, uint8_t *manifest, drop_keys_t *k)
{
	fprintf(stderr, "sava decrypt: %s; nothing was written\n", why);
	if (fd >= 0)
		close(fd);
	if (kf)
		sodium_free(kf);
	if (manifest)
		sodium_free(manifest);
	drop_keys_free(k);
	return 1;
}

int
cmd_decrypt(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage_drop, stdout);
		return 0;
	}
	if (argc != 4) {
		fputs(usage_drop, stderr);
		return 2;
	}
	const char *keyfile = argv[1], *bundle = argv[2], *outdir = argv[3];
	struct stat sb;
	uint8_t head[DROPBUNDLE_HEAD_BYTES];
	dropbundle_head_t h;
	dropbundle_manifest_t m;
	drop_keys_t *k = NULL;
	char hex[33], out[4200], partial[4300], line[200];
	uint8_t *kf = sodium_malloc(DROP_KEYFILE_BYTES + 1), *manifest = sodium_malloc(DROPBUNDLE_MANIFEST_MAX);
	if (!kf || !manifest)
		return decrypt_fail("out of memory", -1, kf, manifest, NULL);
	int fd = open(keyfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0)
		return decrypt_fail("cannot read the key file", fd, kf, manifest, NULL);
	if (sb.st_mode & 077)
		return decrypt_fail("the key file may be read by others (run chmod 600 on it)", fd, kf, manifest, NULL);
	ssize_t got = read(fd, kf, DROP_KEYFILE_BYTES + 1);
	close(fd);
	if (got != DROP_KEYFILE_BYTES)
		return decrypt_fail("the key file is not one sava drop keygen wrote", -1, kf, manifest, NULL);
	fd = open(bundle, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return decrypt_fail("cannot read the bundle", fd, kf, manifest, NULL);
	if (pread_all(fd, head, sizeof(head), 0) != 0 || dropbundle_head_parse(head, sizeof(head), &h) != 0)
		return decrypt_fail("this is not a drop bundle sava can read", fd, kf, manifest, NULL);
	if (drop_keys_open(kf, DROP_KEYFILE_BYTES, h.sealed, &k) != 0)
		return decrypt_fail("this key does not open the bundle", fd, kf, manifest, NULL);
	if (bundle_pass(fd, (uint64_t)sb.st_size, &h, k, NULL, &m, manifest) != 0)
		return decrypt_fail("the bundle is damaged, cut short or altered", fd, kf, manifest, k);
	sodium_bin2hex(hex, sizeof(hex), h.drop_id, 16);
	if (snprintf(out, sizeof(out), "%s/%s", outdir, hex) >= (int)sizeof(out) ||
	    snprintf(partial, sizeof(partial), "%s/.%s.partial", outdir, hex) >= (int)sizeof(partial))
		return decrypt_fail("OUTDIR is too long", fd, kf, manifest, k);
	if (access(out, F_OK) == 0)
		return decrypt_fail("this bundle was opened into OUTDIR before", fd, kf, manifest, k);
	partial_remove(partial);
	if (mkdir(partial, 0700) != 0)
		return decrypt_fail("cannot write into OUTDIR", fd, kf, manifest, k);
	int rc = bundle_pass(fd, (uint64_t)sb.st_size, &h, k, partial, &m, manifest);
	if (rc == 0) {
		/* what an offline reply is sealed to: the requester's mailbox key */
		char pkhex[65], path[4400];
		sodium_bin2hex(pkhex, sizeof(pkhex), m.pk_req, 32);
		int n = snprintf(line, sizeof(line), "drop %s\nmailbox_key %s\n", hex, pkhex);
		int kfd = snprintf(path, sizeof(path), "%s/reply-key.txt", partial) < (int)sizeof(path)
		    ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
		    : -1;
		rc = kfd >= 0 && write_all(kfd, (const uint8_t *)line, (size_t)n) == 0 && fsync(kfd) == 0 ? 0 : -1;
		if (kfd >= 0 && close(kfd) != 0)
			rc = -1;
	}
	if (rc == 0)
		rc = dir_sync(partial) == 0 && rename(partial, out) == 0 && dir_sync(outdir) == 0 ? 0 : -1;
	if (rc != 0) {
		partial_remove(partial);
		return decrypt_fail("the bundle changed while it was read, or OUTDIR could not be written", fd, kf, manifest, k);
	}
	close(fd);
	sodium_free(kf);
	sodium_free(manifest);
	drop_keys_free(k);
	printf("%s\n", out);
	return 0;
}
