/* sandbox: one media job inside bubblewrap, under rlimits and a wall clock; the parent
 * feeds its stdin and reads its output pipes with poll(), capping every byte count.
 * Trusted with nothing secret: the job's bytes pass through, counted, never stored. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/seccomp.h>
#include <unistd.h>

#include "core/log.h"
#include "media/jail.h"
#include "media/sandbox.h"

/* The job's first words on stderr, written by the wrapper once it runs inside the
 * sandbox: stderr without them means bubblewrap never got that far. */
#define SANDBOX_MARK        "sava-media: sandbox up"
#define SANDBOX_WRAP        "printf '%s\\n' '" SANDBOX_MARK "' >&2 && exec \"$@\""
#define SANDBOX_CHUNK       (64 * 1024)
#define SANDBOX_ERR_HEAD    2048   /* the start of stderr: the mark, or bwrap's complaint */
#define SANDBOX_ERR_CARRY   32     /* a stderr mark may span two reads */
#define SANDBOX_KILL_GRACE_MS 5000 /* after SIGKILL, how long the pipes may take to close */
#define SANDBOX_BWRAP_ARGS  96
#define SANDBOX_CHILD_FDS   (JAIL_SECCOMP_FD + 1)

/* Words a process prints when an allocation failed (ffmpeg, coreutils, dash, C++). */
static const char *const sandbox_memory_marks[] = { "Cannot allocate memory", "memory exhausted",
	"Out of memory", "out of memory", "Out of space", "std::bad_alloc" };
/* ... and when a file or the tmpfs was full. */
static const char *const sandbox_space_marks[] = { "No space left on device", "File too large" };

void
media_limits_default(media_limits_t *l)
{
	memset(l, 0, sizeof(*l));
	l->ml_cpu_seconds = 900;
	l->ml_memory_bytes = 2ULL << 30;
	l->ml_file_bytes = 1ULL << 30;
	l->ml_tmpfs_bytes = 1536ULL << 20;   /* the 500 MB upload, its cleaned copy, headroom */
	l->ml_wall_seconds = 1200;
	l->ml_processes = 256;
	l->ml_open_files = 128;
	l->ml_no_sandbox = false;
}

static uint64_t
sandbox_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
sandbox_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Everything the parent tracks while the job runs. */
typedef struct {
	const sandbox_io_t *io;
	int in_w, err_r, ctl_w, pidfd;
	int out_r[SANDBOX_OUTPUTS];
	bool out_ended[SANDBOX_OUTPUTS];
	uint64_t out_n[SANDBOX_OUTPUTS];
	uint8_t *inbuf;
	size_t in_off, in_len;
	uint64_t in_total;
	bool in_done;
	buf_t control;
	size_t ctl_off;
	bool ctl_close;
	char err_head[SANDBOX_ERR_HEAD + 1];
	size_t err_head_len;
	char err_carry[SANDBOX_ERR_CARRY];
	size_t err_carry_len;
	bool mark_memory, mark_space;
	bool killed, stopped, wall, too_big, exited, epipe;
	pid_t pid;
} sandbox_run_t;

static void
sandbox_kill(sandbox_run_t *r)
{
	if (!r->killed && r->pid > 0)
		kill(-r->pid, SIGKILL);
	r->killed = true;
}

/* Looks for the marks in stderr; a mark may span two reads, so the last bytes carry. */
static void
sandbox_err_scan(sandbox_run_t *r, const char *p, size_t n)
{
	if (r->err_head_len < SANDBOX_ERR_HEAD) {
		size_t k = SANDBOX_ERR_HEAD - r->err_head_len < n ? SANDBOX_ERR_HEAD - r->err_head_len : n;
		memcpy(r->err_head + r->err_head_len, p, k);
		r->err_head_len += k;
		r->err_head[r->err_head_len] = '\0';
	}
	char win[SANDBOX_ERR_CARRY * 2];
	/* Joins carry and chunk in pieces: the carry plus the chunk's first bytes, then the
	 * chunk itself. Each mark is shorter than SANDBOX_ERR_CARRY. */
	size_t head = n < SANDBOX_ERR_CARRY ? n : SANDBOX_ERR_CARRY;
	memcpy(win, r->err_carry, r->err_carry_len);
	memcpy(win + r->err_carry_len, p, head);
	const char *spans[2] = { win, p };
	size_t lens[2] = { r->err_carry_len + head, n };
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < sizeof(sandbox_memory_marks) / sizeof(*sandbox_memory_marks); i++)
			if (memmem(spans[s], lens[s], sandbox_memory_marks[i], strlen(sandbox_memory_marks[i])))
				r->mark_memory = true;
		for (size_t i = 0; i < sizeof(sandbox_space_marks) / sizeof(*sandbox_space_marks); i++)
			if (memmem(spans[s], lens[s], sandbox_space_marks[i], strlen(sandbox_space_marks[i])))
				r->mark_space = true;
	}
	/* keep the last bytes seen, for the next read */
	size_t total = r->err_carry_len + n;
	size_t keep = total < SANDBOX_ERR_CARRY ? total : SANDBOX_ERR_CARRY;
	char next[SANDBOX_ERR_CARRY];
	for (size_t i = 0; i < keep; i++) {
		size_t pos = total - keep + i;   /* index into carry ++ p */
		next[i] = pos < r->err_carry_len ? r->err_carry[pos] : p[pos - r->err_carry_len];
	}
	memcpy(r->err_carry, next, keep);
	r->err_carry_len = keep;
}

static int
sandbox_unlink_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) == 0 ? 0 : -1;
	return unlink(path) == 0 ? 0 : -1;
}

/* In the child, between fork and exec: only async-signal-safe calls. fds[i] becomes fd i
 * (the last one, bubblewrap's filter, may be -1). prog: the filter to load here, without
 * bubblewrap; NULL with it (bubblewrap loads it from its fd) or in a test without one. */
static void __attribute__((noreturn))
sandbox_child(const int fds[SANDBOX_CHILD_FDS], const media_limits_t *lim, const char *dir, const char **argv,
	const struct sock_fprog *prog)
{
	static char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
	int tmp[SANDBOX_CHILD_FDS];
	for (int i = 0; i < SANDBOX_CHILD_FDS; i++) {
		tmp[i] = fds[i] < 0 && i == JAIL_SECCOMP_FD ? -1 : fcntl(fds[i], F_DUPFD_CLOEXEC, 64);
		if (tmp[i] < 0 && fds[i] >= 0)
			_exit(127);
		if (tmp[i] < 0 && i != JAIL_SECCOMP_FD)
			_exit(127);
	}
	for (int i = 0; i < SANDBOX_CHILD_FDS; i++)
		if (tmp[i] >= 0 ? dup2(tmp[i], i) != i : close(i) != 0 && errno != EBADF)
			_exit(127);   /* an fd without a job of its own is closed, never inherited */
	if (syscall(SYS_close_range, (unsigned)SANDBOX_CHILD_FDS, ~0U, 0U) != 0) {
		/* an old kernel: every fd the process may have, not only those below 1024 */
		struct rlimit nofile;
		int top = getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY &&
		        nofile.rlim_cur < 1048576 ?
		    (int)nofile.rlim_cur :
		    1048576;
		for (int fd = SANDBOX_CHILD_FDS; fd < top; fd++)
			close(fd);
	}
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXCPU, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	if (setsid() < 0)
		_exit(127);
	struct rlimit rl;
	rl.rlim_cur = lim->ml_cpu_seconds;
	rl.rlim_max = (rlim_t)lim->ml_cpu_seconds + 5;   /* SIGXCPU first, SIGKILL 5 s later */
	if (setrlimit(RLIMIT_CPU, &rl) != 0)
		_exit(127);
	rl.rlim_cur = rl.rlim_max = lim->ml_memory_bytes;
	if (setrlimit(RLIMIT_AS, &rl) != 0)
		_exit(127);
	rl.rlim_cur = rl.rlim_max = lim->ml_file_bytes;
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		_exit(127);
	rl.rlim_cur = rl.rlim_max = lim->ml_processes;
	if (setrlimit(RLIMIT_NPROC, &rl) != 0)
		_exit(127);
	rl.rlim_cur = rl.rlim_max = lim->ml_open_files;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		_exit(127);
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		_exit(127);
	if (dir && chdir(dir) != 0)
		_exit(127);
	if (prog && (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0 ||
	        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) != 0))
		_exit(127);
	execve(argv[0], (char *const *)argv, envp);
	_exit(127);
}

/* One output pipe became readable (or hung up). */
static void
sandbox_read_output(sandbox_run_t *r, int i, uint8_t *buf)
{
	ssize_t k = read(r->out_r[i], buf, SANDBOX_CHUNK);
	if (k < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		k = 0;
	}
	if (k == 0) {
		sandbox_close(&r->out_r[i]);
		r->out_ended[i] = true;
		if (r->killed || !r->io->sb_output_end)
			return;
		int rc = r->io->sb_output_end(r->io->sb_ctx, i, &r->control);
		if (rc < 0) {
			r->stopped = true;
			sandbox_kill(r);
		} else if (rc > 0) {
			r->ctl_close = true;
		}
		return;
	}
	if (r->killed)
		return;   /* draining after a kill: the bytes go nowhere */
	r->out_n[i] += (uint64_t)k;
	if (r->out_n[i] > r->io->sb_output_cap[i]) {
		r->too_big = true;
		sandbox_kill(r);
		return;
	}
	if (r->io->sb_write_output && r->io->sb_write_output(r->io->sb_ctx, i, buf, (size_t)k) != 0) {
		r->stopped = true;
		sandbox_kill(r);
	}
}

/* The job's stdin is writable: hand it the next input bytes. */
static void
sandbox_write_input(sandbox_run_t *r)
{
	if (r->in_off == r->in_len && !r->in_done) {
		size_t got = 0;
		if (r->io->sb_read_input(r->io->sb_ctx, r->inbuf, SANDBOX_CHUNK, &got) != 0 || got > SANDBOX_CHUNK) {
			r->stopped = true;
			sandbox_kill(r);
			sandbox_close(&r->in_w);
			return;
		}
		if (got == 0) {
			r->in_done = true;
		} else {
			r->in_total += got;
			if (r->in_total > r->io->sb_input_cap) {
				r->too_big = true;
				sandbox_kill(r);
				sandbox_close(&r->in_w);
				return;
			}
			r->in_off = 0;
			r->in_len = got;
		}
	}
	if (r->in_off < r->in_len) {
		ssize_t k = write(r->in_w, r->inbuf + r->in_off, r->in_len - r->in_off);
		if (k > 0) {
			r->in_off += (size_t)k;
		} else if (k < 0 && errno != EAGAIN && errno != EINTR) {
			if (errno == EPIPE)
				r->epipe = true;
			sandbox_close(&r->in_w);   /* the job stopped reading; its exit will say why */
			return;
		}
	}
	if (r->in_done && r->in_off == r->in_len)
		sandbox_close(&r->in_w);
}

static void
sandbox_write_control(sandbox_run_t *r)
{
	sv_t c = buf_sv(&r->control);
	if (r->ctl_off < c.len) {
		ssize_t k = write(r->ctl_w, c.p + r->ctl_off, c.len - r->ctl_off);
		if (k > 0) {
			r->ctl_off += (size_t)k;
		} else if (k < 0 && errno != EAGAIN && errno != EINTR) {
			if (errno == EPIPE)
				r->epipe = true;
			sandbox_close(&r->ctl_w);
			return;
		}
	}
	if (r->ctl_off == c.len && r->ctl_close)
		sandbox_close(&r->ctl_w);
}

/* Copies the first line of bubblewrap's complaint, printable ASCII only. */
static void
sandbox_first_line(const char *head, size_t len, char *out, size_t outlen)
{
	size_t n = 0;
	for (size_t i = 0; i < len && head[i] != '\n' && n + 1 < outlen; i++)
		out[n++] = head[i] >= 0x20 && head[i] < 0x7f ? head[i] : '?';
	out[n] = '\0';
}

static bool
sandbox_pipe(int fds[2])
{
	return pipe2(fds, O_CLOEXEC) == 0;
}

static void
sandbox_loop(sandbox_run_t *r, const media_limits_t *lim, uint8_t *outbuf)
{
	uint64_t deadline = sandbox_now_ms() + (uint64_t)lim->ml_wall_seconds * 1000;
	uint64_t kill_deadline = 0;
	for (;;) {
		bool outs_open = r->err_r >= 0;
		bool all_ended = true;
		for (int i = 0; i < SANDBOX_OUTPUTS; i++) {
			outs_open = outs_open || r->out_r[i] >= 0;
			all_ended = all_ended && r->out_ended[i];
		}
		if (all_ended && r->ctl_w >= 0 && r->ctl_off == r->control.len)
			sandbox_close(&r->ctl_w);
		if (r->exited) {
			sandbox_close(&r->in_w);
			sandbox_close(&r->ctl_w);
		}
		if (!outs_open && r->exited)
			return;
		if (r->killed && kill_deadline == 0)
			kill_deadline = sandbox_now_ms() + SANDBOX_KILL_GRACE_MS;

		struct pollfd pf[4 + SANDBOX_OUTPUTS];
		int who[4 + SANDBOX_OUTPUTS];
		nfds_t n = 0;
		if (r->in_w >= 0) {
			pf[n] = (struct pollfd){ .fd = r->in_w, .events = POLLOUT };
			who[n++] = -1;
		}
		if (r->ctl_w >= 0 && (r->ctl_off < r->control.len || r->ctl_close)) {
			pf[n] = (struct pollfd){ .fd = r->ctl_w, .events = POLLOUT };
			who[n++] = -2;
		}
		if (r->err_r >= 0) {
			pf[n] = (struct pollfd){ .fd = r->err_r, .events = POLLIN };
			who[n++] = -3;
		}
		if (r->pidfd >= 0 && !r->exited) {
			pf[n] = (struct pollfd){ .fd = r->pidfd, .events = POLLIN };
			who[n++] = -4;
		}
		for (int i = 0; i < SANDBOX_OUTPUTS; i++)
			if (r->out_r[i] >= 0) {
				pf[n] = (struct pollfd){ .fd = r->out_r[i], .events = POLLIN };
				who[n++] = i;
			}

		uint64_t now = sandbox_now_ms();
		if (!r->killed && now >= deadline) {
			r->wall = true;
			sandbox_kill(r);
			continue;
		}
		if (r->killed && now >= kill_deadline) {
			/* Something outlived the kill and holds a pipe: stop listening to it. */
			for (int i = 0; i < SANDBOX_OUTPUTS; i++)
				sandbox_close(&r->out_r[i]);
			sandbox_close(&r->err_r);
			if (!r->exited) {
				siginfo_t si = { 0 };
				if (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOWAIT) == 0)
					r->exited = true;
			}
			continue;
		}
		uint64_t until = r->killed ? kill_deadline : deadline;
		uint64_t wait_ms = until - now;
		if (r->pidfd < 0 && wait_ms > 200)
			wait_ms = 200;   /* no pidfd: look at the child now and then */
		int rc = poll(pf, n, (int)wait_ms);
		if (rc < 0 && errno != EINTR) {
			log_warn("media: poll");
			sandbox_kill(r);
			continue;
		}
		if (!r->exited) {
			siginfo_t si = { 0 };
			/* WNOWAIT: the child stays a zombie, so its pid (our process group's id)
			 * cannot be reused before the kill below. */
			if (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == r->pid) {
				r->exited = true;
				kill(-r->pid, SIGKILL);   /* anything it left behind (sandbox = none) */
			}
		}
		if (rc <= 0)
			continue;
		for (nfds_t k = 0; k < n; k++) {
			if (pf[k].revents == 0)
				continue;
			if (who[k] == -1) {
				if (pf[k].revents & (POLLERR | POLLHUP))
					sandbox_close(&r->in_w);
				else
					sandbox_write_input(r);
			} else if (who[k] == -2) {
				if (pf[k].revents & (POLLERR | POLLHUP))
					sandbox_close(&r->ctl_w);
				else
					sandbox_write_control(r);
			} else if (who[k] == -3) {
				ssize_t got = read(r->err_r, outbuf, SANDBOX_CHUNK);
				if (got > 0)
					sandbox_err_scan(r, (const char *)outbuf, (size_t)got);
				else if (got == 0 || (errno != EAGAIN && errno != EINTR))
					sandbox_close(&r->err_r);
			} else if (who[k] == -4) {
				;   /* the child ended: waitid above saw it */
			} else {
				sandbox_read_output(r, who[k], outbuf);
			}
		}
	}
}

media_status_t
sandbox_run(const char *const *argv, const media_limits_t *lim, const sandbox_io_t *io, sandbox_result_t *res)
{
	memset(res, 0, sizeof(*res));
	res->sr_status = MEDIA_ERROR;
	res->sr_exit = -1;

	const char *full[SANDBOX_BWRAP_ARGS + SANDBOX_ARGV_MAX];
	const char *wrapped[SANDBOX_ARGV_MAX + 4];
	char size[24];
	char links[JAIL_ROOT_LINKS][64];
	char dir[] = "/dev/shm/sava-media.XXXXXX";
	bool have_dir = false;
	size_t jobc = 0;
	while (argv[jobc]) {
		if (++jobc >= SANDBOX_ARGV_MAX) {
			snprintf_cut(res->sr_why, sizeof(res->sr_why), "the job's argv is too long");
			return res->sr_status;
		}
	}
	/* the seccomp filter is not optional: without it, no job runs (a test alone may
	 * leave it off, to show what it stops) */
	const struct sock_fprog *prog = NULL;
	if (!lim->ml_no_seccomp && !(prog = jail_filter(res->sr_why, sizeof(res->sr_why)))) {
		res->sr_status = MEDIA_NO_SANDBOX;
		log_warnx("media: the seccomp filter could not be built: %s", res->sr_why);
		return res->sr_status;
	}
	size_t n = 0;
	wrapped[n++] = "/bin/sh";
	wrapped[n++] = "-c";
	wrapped[n++] = SANDBOX_WRAP;
	wrapped[n++] = "sh";
	for (size_t i = 0; i < jobc; i++)
		wrapped[n++] = argv[i];
	wrapped[n] = NULL;
	int filter_fd = -1;
	if (lim->ml_no_sandbox) {
		log_warnx("media: [media] sandbox = none: the job runs WITHOUT bubblewrap, under rlimits and the seccomp filter only (test instances only)");
		memcpy(full, wrapped, (n + 1) * sizeof(*wrapped));
		/* Memory-backed, like the sandbox's tmpfs; ours alone (0700). */
		if (!mkdtemp(dir)) {
			log_warn("media: mkdtemp %s", dir);
			snprintf_cut(res->sr_why, sizeof(res->sr_why), "no job directory in /dev/shm");
			return res->sr_status;
		}
		have_dir = true;
	} else {
		if (prog && (filter_fd = jail_filter_fd()) < 0) {
			snprintf_cut(res->sr_why, sizeof(res->sr_why), "could not hand the seccomp filter to bubblewrap");
			return res->sr_status;
		}
		if (jail_bwrap_argv(full, sizeof(full) / sizeof(*full), lim, size, sizeof(size), links, wrapped,
		        prog != NULL) != 0) {
			if (filter_fd >= 0)
				close(filter_fd);
			snprintf_cut(res->sr_why, sizeof(res->sr_why), "could not build bubblewrap's arguments");
			return res->sr_status;
		}
		prog = NULL;   /* bubblewrap loads it, from filter_fd, as its last step */
	}

	sandbox_run_t r;
	memset(&r, 0, sizeof(r));
	r.io = io;
	r.in_w = r.err_r = r.ctl_w = r.pidfd = -1;
	for (int i = 0; i < SANDBOX_OUTPUTS; i++)
		r.out_r[i] = -1;
	buf_init(&r.control, 1 << 20);

	/* child[i] becomes the job's fd i */
	int child[SANDBOX_CHILD_FDS] = { -1, -1, -1, -1, -1, -1, -1, -1, filter_fd };
	int p[2];
	bool ok = true;
	uint8_t *outbuf = malloc(SANDBOX_CHUNK);
	r.inbuf = malloc(SANDBOX_CHUNK);
	ok = outbuf && r.inbuf;
	if (ok && (ok = sandbox_pipe(p))) {
		child[0] = p[0];
		r.in_w = p[1];
	}
	if (ok && (ok = sandbox_pipe(p))) {
		r.err_r = p[0];
		child[2] = p[1];
		child[1] = p[1];
	}
	for (int i = 0; ok && i < SANDBOX_OUTPUTS; i++)
		if ((ok = sandbox_pipe(p))) {
			r.out_r[i] = p[0];
			child[3 + i] = p[1];
		}
	if (ok && (ok = sandbox_pipe(p))) {
		child[SANDBOX_CONTROL_FD] = p[0];
		r.ctl_w = p[1];
	}
	if (!io->sb_read_input)
		sandbox_close(&r.in_w);
	sigset_t pipeset, oldset;
	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipeset, &oldset);
	if (ok) {
		r.pid = fork();
		if (r.pid == 0)
			sandbox_child(child, lim, have_dir ? dir : NULL, full, prog);
		ok = r.pid > 0;
		if (!ok)
			log_warn("media: fork");
	} else {
		log_warn("media: pipe");
	}
	for (int i = 0; i < SANDBOX_CHILD_FDS; i++)
		if (i != 1)
			sandbox_close(&child[i]);
	child[1] = -1;

	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	int wst = 0;
	if (ok) {
		int fl;
		int *mine[] = { &r.in_w, &r.err_r, &r.ctl_w, &r.out_r[0], &r.out_r[1], &r.out_r[2], &r.out_r[3] };
		for (size_t i = 0; i < sizeof(mine) / sizeof(*mine); i++)
			if (*mine[i] >= 0 && (fl = fcntl(*mine[i], F_GETFL)) >= 0)
				(void)fcntl(*mine[i], F_SETFL, fl | O_NONBLOCK);
		r.pidfd = (int)syscall(SYS_pidfd_open, r.pid, 0);
		sandbox_loop(&r, lim, outbuf);
		while (wait4(r.pid, &wst, 0, &ru) < 0 && errno == EINTR)
			;
	}
	sandbox_close(&r.in_w);
	sandbox_close(&r.ctl_w);
	sandbox_close(&r.err_r);
	sandbox_close(&r.pidfd);
	for (int i = 0; i < SANDBOX_OUTPUTS; i++)
		sandbox_close(&r.out_r[i]);
	if (r.epipe) {
		/* the SIGPIPEs our writes raised, taken before the mask is restored */
		struct timespec zero = { 0, 0 };
		sigset_t pending;
		while (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) &&
			sigtimedwait(&pipeset, NULL, &zero) == SIGPIPE)
			;
	}
	pthread_sigmask(SIG_SETMASK, &oldset, NULL);
	buf_free(&r.control);
	/* the last pieces of her video that passed through: wiped, not just freed */
	if (outbuf)
		sodium_memzero(outbuf, SANDBOX_CHUNK);
	if (r.inbuf)
		sodium_memzero(r.inbuf, SANDBOX_CHUNK);
	free(outbuf);
	free(r.inbuf);
	if (have_dir && nftw(dir, sandbox_unlink_one, 8, FTW_DEPTH | FTW_PHYS) != 0)
		log_warn("media: could not remove %s", dir);
	if (!ok) {
		snprintf_cut(res->sr_why, sizeof(res->sr_why), "could not start the job (pipe or fork)");
		return res->sr_status;
	}

	res->sr_cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	res->sr_exit = WIFEXITED(wst) ? WEXITSTATUS(wst) : WIFSIGNALED(wst) ? 128 + WTERMSIG(wst) : -1;
	res->sr_stopped = r.stopped;
	bool started = memmem(r.err_head, r.err_head_len, SANDBOX_MARK, strlen(SANDBOX_MARK)) != NULL;
	int code = res->sr_exit;

	if (r.wall) {
		res->sr_status = MEDIA_LIMIT;
		res->sr_limit = MEDIA_LIMIT_WALL;
		snprintf_cut(res->sr_why, sizeof(res->sr_why), "killed at the wall-clock limit (%u s)", lim->ml_wall_seconds);
	} else if (r.too_big) {
		res->sr_status = MEDIA_LIMIT;
		res->sr_limit = MEDIA_LIMIT_SIZE;
		snprintf_cut(res->sr_why, sizeof(res->sr_why), "killed: the input or an output passed its size limit");
	} else if (r.stopped) {
		res->sr_status = MEDIA_ERROR;
		snprintf_cut(res->sr_why, sizeof(res->sr_why), "stopped by the caller");
	} else if (!started) {
		char line[120];
		sandbox_first_line(r.err_head, r.err_head_len, line, sizeof(line));
		if (lim->ml_no_sandbox) {
			res->sr_status = MEDIA_ERROR;
			snprintf_cut(res->sr_why, sizeof(res->sr_why), "the job did not start (exit %d): %s", code, line);
		} else {
			res->sr_status = MEDIA_NO_SANDBOX;
			snprintf_cut(res->sr_why, sizeof(res->sr_why), "bubblewrap could not make the sandbox (exit %d): %s",
				code, line[0] ? line : "no message");
		}
		log_warnx("media: %s", res->sr_why);
	} else if (code == 128 + SIGXCPU || (code != 0 && res->sr_cpu_seconds + 0.5 >= (double)lim->ml_cpu_seconds)) {
		res->sr_status = MEDIA_LIMIT;
		res->sr_limit = MEDIA_LIMIT_CPU;
		snprintf_cut(res->sr_why, sizeof(res->sr_why), "killed at the CPU limit (%u s)", lim->ml_cpu_seconds);
	} else if (code == 128 + SIGXFSZ || (code != 0 && r.mark_space)) {
		res->sr_status = MEDIA_LIMIT;
		res->sr_limit = MEDIA_LIMIT_SIZE;
		snprintf_cut(res->sr_why, sizeof(res->sr_why), "stopped at the file-size or tmpfs limit");
	} else if (code != 0 && r.mark_memory) {
		res->sr_status = MEDIA_LIMIT;
		res->sr_limit = MEDIA_LIMIT_MEMORY;
		snprintf_cut(res->sr_why, sizeof(res->sr_why), "stopped at the memory limit (%llu MiB)",
			(unsigned long long)(lim->ml_memory_bytes >> 20));
	} else {
		res->sr_status = MEDIA_OK;
	}
	return res->sr_status;
}
