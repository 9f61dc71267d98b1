/* test_media_sandbox: real jobs through src/media. The sandbox keeps the job off the
 * network and off the disk and kills it at each limit; media_clean() turns a planted
 * "phone video" (GPS, make, model, dates, rotation, XMP, timecode and subtitle tracks)
 * into a copy that scan.c, exiftool and ffprobe all find clean, and refuses what is not
 * a video. Skips (and says why) only when bubblewrap cannot make namespaces here. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "media/ffargs.h"
#include "media/media.h"
#include "media/sandbox.h"
#include "media/scan.h"

static char dir[] = "/tmp/sava-media-test.XXXXXX";

/* ---- running things ------------------------------------------------------------------ */

/* Runs argv outside any sandbox (fixtures, exiftool, ffprobe); its stdout into out. */
static int
run_capture(const char *const *argv, buf_t *out)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		close(p[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	char b[4096];
	ssize_t k;
	while ((k = read(p[0], b, sizeof(b))) > 0)
		if (out && buf_append(out, b, (size_t)k) != 0)
			break;
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Bytes of a sandbox job's outputs, collected. */
typedef struct {
	buf_t out[SANDBOX_OUTPUTS];
	const uint8_t *in;
	size_t in_len, in_off;
} job_t;

static int
job_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	job_t *j = ctx;
	size_t n = j->in_len - j->in_off < cap ? j->in_len - j->in_off : cap;
	memcpy(buf, j->in + j->in_off, n);
	j->in_off += n;
	*got = n;
	return 0;
}

static int
job_write(void *ctx, int which, const uint8_t *p, size_t n)
{
	job_t *j = ctx;
	return buf_append(&j->out[which], p, n);
}

static media_status_t
job_run(const char *script, const media_limits_t *lim, job_t *j, sandbox_result_t *res)
{
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	sandbox_io_t io = { .sb_ctx = j, .sb_read_input = j->in ? job_read : NULL, .sb_write_output = job_write,
		.sb_output_cap = { 1 << 20, 1 << 20, 1 << 20, 1 << 20 }, .sb_input_cap = 1 << 20 };
	for (int i = 0; i < SANDBOX_OUTPUTS; i++)
		buf_init(&j->out[i], 2 << 20);
	return sandbox_run(argv, lim, &io, res);
}

static void
job_free(job_t *j)
{
	for (int i = 0; i < SANDBOX_OUTPUTS; i++)
		buf_free(&j->out[i]);
}

static bool
exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the sandbox itself -------------------------------------------------------------- */

static void
test_network(bool sandboxed)
{
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	CHECK(ls >= 0 && bind(ls, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(ls, 4) == 0);
	CHECK(getsockname(ls, (struct sockaddr *)&a, &alen) == 0);
	char script[256];
	CHECK(snprintf_ok(script, sizeof(script),
		"exec /bin/bash -c 'exec 9<>/dev/tcp/127.0.0.1/%u && echo reached >&9 && echo connected >&3'",
		ntohs(a.sin_port)));
	media_limits_t lim;
	media_limits_default(&lim);
	lim.ml_no_sandbox = !sandboxed;
	lim.ml_no_seccomp = !sandboxed;   /* the control: neither walls nor filter */
	job_t j = { 0 };
	sandbox_result_t res;
	media_status_t st = job_run(script, &lim, &j, &res);
	CHECK(st == MEDIA_OK);
	int c = accept(ls, NULL, NULL);
	if (sandboxed) {
		/* the listener saw nothing, and the job could not connect */
		CHECK(c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
		CHECK(res.sr_exit != 0);
		CHECK(j.out[0].len == 0);
	} else {
		/* the same job without the sandbox does reach it: the test can see a breach */
		CHECK(c >= 0);
		CHECK(res.sr_exit == 0 && j.out[0].len > 0);
	}
	if (c >= 0)
		close(c);
	close(ls);
	job_free(&j);
}

static void
test_disk(void)
{
	char cwd[512], inside[600], script[2048];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(snprintf_ok(inside, sizeof(inside), "%s/build-media-escape-test", cwd));
	CHECK(snprintf_ok(script, sizeof(script),
		"echo x > '%s'; echo x > '%s/escape'; echo x > /tmp/sava-media-escape; echo x > /usr/sava-media-escape;"
		" echo x > /etc/sava-media-escape; echo ok > /job/ok && cat /job/ok >&3", inside, dir));
	media_limits_t lim;
	media_limits_default(&lim);
	job_t j = { 0 };
	sandbox_result_t res;
	CHECK(job_run(script, &lim, &j, &res) == MEDIA_OK);
	char esc[600];
	CHECK(snprintf_ok(esc, sizeof(esc), "%s/escape", dir));
	CHECK(!exists(inside));
	CHECK(!exists(esc));
	CHECK(!exists("/tmp/sava-media-escape"));
	CHECK(!exists("/usr/sava-media-escape"));
	CHECK(!exists("/etc/sava-media-escape"));
	CHECK_SV(buf_sv(&j.out[0]), "ok\n");   /* /job itself is writable */
	job_free(&j);
	unlink(inside);
	unlink(esc);

	/* the sandbox's own root and /dev are tmpfs that RLIMIT_AS does not count: read-only,
	 * so the job's bounded /job is its only place to write (/dev/null still works) */
	media_limits_t lim2;
	media_limits_default(&lim2);
	job_t k = { 0 };
	CHECK(job_run("echo x > /x 2>/dev/null && echo root >&3; echo x > /dev/shm/x 2>/dev/null && echo shm >&3;"
	              " echo x > /dev/null && echo null >&3", &lim2, &k, &res) == MEDIA_OK);
	CHECK_SV(buf_sv(&k.out[0]), "null\n");
	job_free(&k);
}

/* The seccomp filter: the kernel's doors a job never needs answer an error, inside
 * bubblewrap and without it; the same calls with no filter do not (the control). The
 * numbers are x86_64's. */
#if defined(__x86_64__)
static const char filter_probe[] =
	"import ctypes, os\n"
	"libc = ctypes.CDLL(None, use_errno=True)\n"
	"def call(nr, *a):\n"
	"    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(x) for x in a])\n"
	"    return 0 if r >= 0 else ctypes.get_errno()\n"
	"out = ['socket=%d' % call(41, 2, 1, 0), 'ptrace=%d' % call(101, 0, 0, 0, 0),\n"
	"    'keyctl=%d' % call(250, 0, -3, 0), 'unshare=%d' % call(272, 0x20000),\n"
	"    'bpf=%d' % call(321, 0, 0, 0), 'uring=%d' % call(425, 1, 0),\n"
	"    'clone3=%d' % call(435, 0, 0), 'ldt=%d' % call(154, 0, 0, 0), 'secret=%d' % call(447, 0),\n"
	"    'getpid=%d' % call(39)]\n"
	"os.write(3, (' '.join(out) + '\\n').encode())\n";

static void
test_filter(bool sandboxed, bool filtered)
{
	media_limits_t lim;
	media_limits_default(&lim);
	lim.ml_no_sandbox = !sandboxed;
	lim.ml_no_seccomp = !filtered;
	job_t j = { 0 };
	sandbox_result_t res;
	/* the probe goes in on stdin: the sandbox sees none of this machine's files */
	j.in = (const uint8_t *)filter_probe;
	j.in_len = strlen(filter_probe);
	CHECK(job_run("exec /usr/bin/python3 -", &lim, &j, &res) == MEDIA_OK);
	sv_t o = buf_sv(&j.out[0]);
	if (filtered) {
		/* EACCES for a network socket, EPERM for the rest, ENOSYS for clone3 */
		CHECK_SV(o, "socket=13 ptrace=1 keyctl=1 unshare=1 bpf=1 uring=1 clone3=38 ldt=1 secret=1 getpid=0\n");
	} else {
		/* without the filter the socket opens and the process may be traced */
		CHECK(sv_starts_with(o, SV("socket=0 ptrace=0 ")));
		CHECK(memmem(o.p, o.len, "clone3=38", 9) == NULL);
	}
	if (res.sr_exit != 0)
		printf("filter probe (sandboxed %d, filtered %d): exit %d: %.*s\n", sandboxed, filtered, res.sr_exit,
			(int)j.out[1].len, j.out[1].len ? j.out[1].data : "");
	job_free(&j);
}
#endif

/* The parent's descriptors stay out of the job, the one that carries bubblewrap's filter
 * too when there is no bubblewrap: an fd 8 left open (not close-on-exec) is not there. */
static void
test_fds(void)
{
	int fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 0 && dup2(fd, 8) == 8 && dup2(fd, 9) == 9);
	media_limits_t lim;
	media_limits_default(&lim);
	for (int sandboxed = 0; sandboxed < 2; sandboxed++) {
		lim.ml_no_sandbox = !sandboxed;
		job_t j = { 0 };
		sandbox_result_t res;
		CHECK(job_run("for n in 8 9 10 64; do [ -e /proc/self/fd/$n ] && echo $n >&3; done; echo done >&3", &lim, &j,
			&res) == MEDIA_OK);
		CHECK_SV(buf_sv(&j.out[0]), "done\n");
		job_free(&j);
	}
	close(8);
	close(9);
	close(fd);
}

/* What the job sees of the machine: nobody, no capabilities, its own pid namespace. */
static void
test_identity(void)
{
	media_limits_t lim;
	media_limits_default(&lim);
	job_t j = { 0 };
	sandbox_result_t res;
	CHECK(job_run("id -u >&3; grep CapEff /proc/self/status >&3; ls /proc | grep -c '^[0-9]' >&3; ls / >&3",
		&lim, &j, &res) == MEDIA_OK);
	sv_t o = buf_sv(&j.out[0]);
	CHECK(sv_starts_with(o, SV("65534\nCapEff:\t0000000000000000\n")));
	/* bwrap's init, sh, ls, grep: a handful, not the host's processes */
	CHECK(memmem(o.p, o.len, "\nbin\ndev\netc\njob\n", 17) != NULL);
	CHECK(memmem(o.p, o.len, "home", 4) == NULL && memmem(o.p, o.len, "root", 4) == NULL);
	job_free(&j);
}

static void
test_limits(void)
{
	media_limits_t lim;
	job_t j = { 0 };
	sandbox_result_t res;

	media_limits_default(&lim);
	lim.ml_wall_seconds = 1;
	double t0 = now_s();
	CHECK(job_run("sleep 30", &lim, &j, &res) == MEDIA_LIMIT);
	CHECK(res.sr_limit == MEDIA_LIMIT_WALL);
	CHECK(now_s() - t0 < 6);
	job_free(&j);

	media_limits_default(&lim);
	lim.ml_cpu_seconds = 1;
	CHECK(job_run("while :; do :; done", &lim, &j, &res) == MEDIA_LIMIT);
	CHECK(res.sr_limit == MEDIA_LIMIT_CPU);
	job_free(&j);

	media_limits_default(&lim);
	lim.ml_memory_bytes = 256ULL << 20;
	CHECK(job_run("head -c 600M /dev/zero | tail -c 500M > /dev/null", &lim, &j, &res) == MEDIA_LIMIT);
	CHECK(res.sr_limit == MEDIA_LIMIT_MEMORY);
	job_free(&j);

	media_limits_default(&lim);
	lim.ml_file_bytes = 1 << 20;
	CHECK(job_run("head -c 2000000 /dev/zero > big", &lim, &j, &res) == MEDIA_LIMIT);
	CHECK(res.sr_limit == MEDIA_LIMIT_SIZE);
	job_free(&j);

	media_limits_default(&lim);
	lim.ml_tmpfs_bytes = 1 << 20;
	CHECK(job_run("head -c 2000000 /dev/zero > big", &lim, &j, &res) == MEDIA_LIMIT);
	CHECK(res.sr_limit == MEDIA_LIMIT_SIZE);
	job_free(&j);

	/* an output past its cap (1 MiB here) */
	media_limits_default(&lim);
	CHECK(job_run("head -c 3000000 /dev/zero >&3", &lim, &j, &res) == MEDIA_LIMIT);
	CHECK(res.sr_limit == MEDIA_LIMIT_SIZE);
	CHECK(j.out[0].len <= 1 << 20);
	job_free(&j);

	/* and a job within every limit is not blamed on one */
	media_limits_default(&lim);
	static const uint8_t in[] = "hello sandbox";
	j.in = in;
	j.in_len = sizeof(in) - 1;
	CHECK(job_run("cat > in && cat in >&4", &lim, &j, &res) == MEDIA_OK);
	CHECK(res.sr_exit == 0);
	CHECK_SV(buf_sv(&j.out[1]), "hello sandbox");
	job_free(&j);
}

/* ---- cleaning ------------------------------------------------------------------------- */

typedef struct {
	FILE *in;
	buf_t video, poster;
} clean_t;

static int
clean_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	clean_t *c = ctx;
	*got = fread(buf, 1, cap, c->in);
	return ferror(c->in) ? -1 : 0;
}

static int
clean_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	clean_t *c = ctx;
	return buf_append(which == MEDIA_OUT_VIDEO ? &c->video : &c->poster, p, n);
}

static media_status_t
clean_file(const char *path, uint32_t max_seconds, bool no_sandbox, clean_t *c, media_result_t *r)
{
	media_job_t job = { .mj_kind = MEDIA_KIND_VIDEO, .mj_max_seconds = max_seconds, .mj_poster_ms = 1000 };
	media_limits_default(&job.mj_limits);
	job.mj_limits.ml_no_sandbox = no_sandbox;
	job.mj_limits.ml_wall_seconds = 120;
	buf_init(&c->video, 64 << 20);
	buf_init(&c->poster, 16 << 20);
	c->in = fopen(path, "rb");
	if (!c->in)
		return MEDIA_ERROR;
	media_io_t io = { c, clean_read, clean_write };
	media_status_t st = media_clean(&job, &io, r);
	fclose(c->in);
	return st;
}

static void
clean_free(clean_t *c)
{
	buf_free(&c->video);
	buf_free(&c->poster);
}

static void
fixture_path(char *out, size_t len, const char *name)
{
	if (!snprintf_ok(out, len, "%s/%s", dir, name))
		abort();
}

static bool
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

static size_t
count(sv_t hay, const char *needle)
{
	size_t n = 0, k = strlen(needle);
	for (const char *p = hay.p; (p = memmem(p, hay.len - (size_t)(p - hay.p), needle, k)); p += k)
		n++;
	return n;
}

/* exiftool -j of the file: no GPS, make, model, creator, XMP; dates only zero. */
static void
check_exiftool_clean(const char *path)
{
	const char *argv[] = { "/usr/bin/exiftool", "-a", "-G1", "-ee", "-j", path, NULL };
	buf_t out;
	buf_init(&out, 1 << 20);
	CHECK(run_capture(argv, &out) == 0);
	sv_t o = buf_sv(&out);
	CHECK(o.len > 100);
	CHECK(count(o, "GPS") == 0);
	CHECK(count(o, "Make") == 0);
	CHECK(count(o, "Model") == 0);
	CHECK(count(o, "Creator") == 0);
	CHECK(count(o, "XMP") == 0);
	CHECK(count(o, "iPhone") == 0);
	/* every date not of the file system is zero */
	size_t dates = 0, zero = 0;
	for (sv_t rest = o, line, tail; rest.len; rest = tail) {
		(void)sv_split(rest, '\n', &line, &tail);
		if (memmem(line.p, line.len, "Date\"", 5) && !memmem(line.p, line.len, "System:", 7)) {
			dates++;
			zero += memmem(line.p, line.len, "\"0000:00:00 00:00:00\"", 21) != NULL;
		}
	}
	CHECK(dates == zero);
	buf_free(&out);
}

/* ffprobe of the copy: exactly one video (h264 High yuv420p, longest side <= 1280, no
 * rotation) and one audio (aac). Returns width * 10000 + height. */
static unsigned
check_ffprobe_copy(const char *path)
{
	const char *argv[] = { FFARGS_FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "flat", path, NULL };
	buf_t out;
	buf_init(&out, 1 << 20);
	CHECK(run_capture(argv, &out) == 0);
	sv_t o = buf_sv(&out);
	CHECK(count(o, "codec_type=\"video\"") == 1);
	CHECK(count(o, "codec_type=\"audio\"") == 1);
	CHECK(count(o, "codec_type=") == 2);
	CHECK(count(o, "codec_name=\"h264\"") == 1);
	CHECK(count(o, "profile=\"High\"") == 1);
	CHECK(count(o, "pix_fmt=\"yuv420p\"") == 1);
	CHECK(count(o, "codec_name=\"aac\"") == 1);
	CHECK(count(o, "side_data") == 0);
	CHECK(count(o, "rotate") == 0);
	CHECK(count(o, "creation_time") == 0);
	CHECK(count(o, "tags.location") == 0);
	unsigned w = 0, h = 0;
	const char *p = memmem(o.p, o.len, "stream.0.width=", 15);
	if (p)
		w = (unsigned)strtoul(p + 15, NULL, 10);
	p = memmem(o.p, o.len, "stream.0.height=", 16);
	if (p)
		h = (unsigned)strtoul(p + 16, NULL, 10);
	CHECK(w > 0 && h > 0 && w <= 1280 && h <= 1280);
	buf_free(&out);
	return w * 10000 + h;
}

/* The JPEG's segments before the first scan: none is APP1 (Exif/XMP) or APP2 (ICC). */
static void
check_poster(sv_t jpg)
{
	CHECK(jpg.len > 100 && (uint8_t)jpg.p[0] == 0xFF && (uint8_t)jpg.p[1] == 0xD8);
	size_t i = 2;
	bool app12 = false, sos = false;
	while (i + 4 <= jpg.len && (uint8_t)jpg.p[i] == 0xFF) {
		uint8_t m = (uint8_t)jpg.p[i + 1];
		if (m == 0xE1 || m == 0xE2)
			app12 = true;
		if (m == 0xDA) {
			sos = true;
			break;
		}
		i += 2 + ((size_t)(uint8_t)jpg.p[i + 2] << 8 | (uint8_t)jpg.p[i + 3]);
	}
	CHECK(sos && !app12);
	scan_jpeg_t s;
	scan_jpeg_init(&s);
	CHECK(scan_jpeg_feed(&s, (const uint8_t *)jpg.p, jpg.len) == 0 && scan_jpeg_end(&s) == 0);
}

static bool
make_fixtures(void)
{
	char srt[600], p0[600], phone[600], quiet[600], cut[600], plain[600], html[600];
	fixture_path(srt, sizeof(srt), "s.srt");
	fixture_path(p0, sizeof(p0), "p0.mov");
	fixture_path(phone, sizeof(phone), "phone.mov");
	fixture_path(quiet, sizeof(quiet), "quiet.mp4");
	fixture_path(plain, sizeof(plain), "plain.mp4");
	fixture_path(cut, sizeof(cut), "cut.mp4");
	fixture_path(html, sizeof(html), "page.mp4");
	static const char sub[] = "1\n00:00:00,000 --> 00:00:01,000\nhello\n";
	static const char page[] = "<!doctype html><html><body><video src=x></video></body></html>\n";
	if (!write_file(srt, sub, sizeof(sub) - 1) || !write_file(html, page, sizeof(page) - 1))
		return false;
	/* a timecode (data) track and a subtitle track */
	const char *a1[] = { FFARGS_FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=2",
		"-f", "lavfi", "-i", "sine=d=2", "-i", srt, "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264",
		"-preset", "ultrafast", "-c:a", "aac", "-c:s", "mov_text", "-timecode", "01:00:00:00",
		"-f", "mov", p0, NULL };
	/* the phone's rotation, place, time and device, as QuickTime keys */
	const char *a2[] = { FFARGS_FFMPEG, "-v", "error", "-y", "-i", p0, "-map", "0", "-c", "copy",
		"-metadata:s:v:0", "rotate=90", "-metadata", "location=+52.2297+021.0122/",
		"-metadata", "creation_time=2024-05-01T10:00:00Z", "-metadata", "make=Apple", "-metadata", "model=iPhone 12",
		"-movflags", "use_metadata_tags", "-f", "mov", phone, NULL };
	/* and an XMP packet with a creator and GPS */
	const char *a3[] = { "/usr/bin/exiftool", "-q", "-overwrite_original", "-XMP-dc:Creator=Jan Kowalski",
		"-XMP-exif:GPSLatitude=52.2297", "-XMP-exif:GPSLongitude=21.0122", phone, NULL };
	const char *a4[] = { FFARGS_FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=2",
		"-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4", quiet, NULL };
	/* moov at the end, as phones write it: cut in half, the index is gone */
	const char *a5[] = { FFARGS_FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=3",
		"-f", "lavfi", "-i", "sine=d=3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest",
		"-f", "mp4", plain, NULL };
	if (run_capture(a1, NULL) != 0 || run_capture(a2, NULL) != 0 || run_capture(a3, NULL) != 0 ||
		run_capture(a4, NULL) != 0 || run_capture(a5, NULL) != 0)
		return false;
	FILE *f = fopen(plain, "rb");
	if (!f)
		return false;
	uint8_t b[200000];
	size_t n = fread(b, 1, sizeof(b), f);
	fclose(f);
	return n > 1000 && write_file(cut, b, n / 2);
}

static void
test_clean_phone(void)
{
	char phone[600], copy[600], poster[600];
	fixture_path(phone, sizeof(phone), "phone.mov");
	fixture_path(copy, sizeof(copy), "copy.mp4");
	fixture_path(poster, sizeof(poster), "poster.jpg");

	/* the fixture really is dirty, as exiftool sees it */
	const char *ex[] = { "/usr/bin/exiftool", "-a", "-G1", "-ee", "-j", phone, NULL };
	buf_t o;
	buf_init(&o, 1 << 20);
	CHECK(run_capture(ex, &o) == 0);
	CHECK(count(buf_sv(&o), "GPSLatitude") > 0 && count(buf_sv(&o), "\"Apple\"") > 0 &&
		count(buf_sv(&o), "iPhone 12") > 0 && count(buf_sv(&o), "Jan Kowalski") > 0 &&
		count(buf_sv(&o), "2024:05:01") > 0);
	buf_free(&o);

	clean_t c;
	media_result_t r;
	CHECK(clean_file(phone, 0, false, &c, &r) == MEDIA_OK);
	CHECK(r.mr_reason[0] == '\0');
	CHECK(r.mr_input_had_audio);
	/* 320x240 turned 90 degrees: the pixels are upright now */
	CHECK(r.mr_width == 240 && r.mr_height == 320);
	CHECK(r.mr_duration_ms >= 1900 && r.mr_duration_ms <= 2200);
	CHECK(r.mr_video_bytes == c.video.len && r.mr_poster_bytes == c.poster.len);

	scan_mp4_t s;
	scan_mp4_init(&s);
	CHECK(scan_mp4_feed(&s, (const uint8_t *)c.video.data, c.video.len) == 0 && scan_mp4_end(&s) == 0);
	CHECK(write_file(copy, c.video.data, c.video.len));
	CHECK(write_file(poster, c.poster.data, c.poster.len));
	check_exiftool_clean(copy);
	check_exiftool_clean(poster);
	CHECK(check_ffprobe_copy(copy) == 240 * 10000 + 320);
	check_poster(buf_sv(&c.poster));

	/* sandbox = none runs the very same commands: the same bytes (bitexact) */
	clean_t d;
	media_result_t r2;
	CHECK(clean_file(phone, 0, true, &d, &r2) == MEDIA_OK);
	CHECK(d.video.len == c.video.len && d.video.len > 0 && memcmp(d.video.data, c.video.data, c.video.len) == 0);
	clean_free(&d);
	clean_free(&c);
}

static void
test_clean_no_audio(void)
{
	char quiet[600], copy[600];
	fixture_path(quiet, sizeof(quiet), "quiet.mp4");
	fixture_path(copy, sizeof(copy), "quiet-copy.mp4");
	clean_t c;
	media_result_t r;
	CHECK(clean_file(quiet, 0, false, &c, &r) == MEDIA_OK);
	CHECK(!r.mr_input_had_audio);
	CHECK(r.mr_width == 320 && r.mr_height == 240);
	CHECK(write_file(copy, c.video.data, c.video.len));
	CHECK(check_ffprobe_copy(copy) == 320 * 10000 + 240);   /* a silent AAC track is there */
	clean_free(&c);
}

static void
test_clean_refusals(void)
{
	char path[600];
	clean_t c;
	media_result_t r;

	fixture_path(path, sizeof(path), "page.mp4");
	CHECK(clean_file(path, 0, false, &c, &r) == MEDIA_REFUSED);
	CHECK(r.mr_refusal == MEDIA_REFUSAL_NOT_VIDEO && strcmp(r.mr_reason, "not a video") == 0);
	CHECK(c.video.len == 0 && c.poster.len == 0);
	clean_free(&c);

	fixture_path(path, sizeof(path), "cut.mp4");
	CHECK(clean_file(path, 0, false, &c, &r) == MEDIA_REFUSED);
	CHECK(r.mr_refusal == MEDIA_REFUSAL_NOT_VIDEO && r.mr_reason[0] != '\0');
	clean_free(&c);

	fixture_path(path, sizeof(path), "plain.mp4");
	CHECK(clean_file(path, 2, false, &c, &r) == MEDIA_REFUSED);
	CHECK(r.mr_refusal == MEDIA_REFUSAL_TOO_LONG && strcmp(r.mr_reason, "too long: 3 s (limit 2 s)") == 0);
	CHECK(c.video.len == 0);
	clean_free(&c);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int
main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	/* Can bubblewrap make namespaces on this machine at all? */
	media_limits_t lim;
	media_limits_default(&lim);
	job_t j = { 0 };
	sandbox_result_t res;
	media_status_t st = job_run("true", &lim, &j, &res);
	job_free(&j);
	if (st == MEDIA_NO_SANDBOX) {
		printf("test_media_sandbox: SKIPPED: %s\n", res.sr_why);
		rmdir(dir);
		return check_done("media_sandbox");
	}
	CHECK(st == MEDIA_OK && res.sr_exit == 0);

	test_network(true);
	test_network(false);
#if defined(__x86_64__)
	test_filter(true, true);
	test_filter(false, true);
	test_filter(false, false);
#endif
	test_disk();
	test_identity();
	test_fds();
	test_limits();
	bool fixtures = make_fixtures();
	CHECK(fixtures);
	if (fixtures) {
		test_clean_phone();
		test_clean_no_audio();
		test_clean_refusals();
	}
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return check_done("media_sandbox");
}
