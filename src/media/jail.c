/* jail: the walls of a media job. bubblewrap gives it namespaces of every kind, no
 * network, a read-only system and one bounded tmpfs; the seccomp program below takes
 * away the kernel's rarely needed and often attacked doors (other processes' memory,
 * keyrings, BPF, io_uring, namespaces, mounts, modules) that ffmpeg never uses, so that
 * a decoder bug exploited by a hostile video has less kernel to reach. A deny-list, as
 * Flatpak's and Docker's are: ffmpeg's needs change with every release and an allow-list
 * would break it silently; what is denied answers EPERM (clone3: ENOSYS, so that the C
 * library falls back to clone, whose namespace flags are checked). */
#include "media/jail.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "media/sandbox.h"

#define JAIL_FILTER_MAX (64 * 1024)   /* bytes of BPF: the program is a few hundred */

/* Denied outright. Every name is resolved on this machine's architecture; a name it does
 * not have (a 32-bit-only call) is skipped. */
static const char *const jail_denied[] = {
	/* other processes and their memory */
	"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
	/* namespaces, mounts, roots */
	"unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount",
	"fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
	/* the kernel's keyrings, BPF, performance counters, page-fault handling, io_uring */
	"keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	/* the machine itself */
	"init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
	"swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog", "uselib", "personality",
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "iopl", "ioperm",
	"open_by_handle_at", "name_to_handle_at", "lookup_dcookie", "fanotify_init", "nfsservctl",
	"vhangup", "sethostname", "setdomainname",
	/* memory of other kinds: secret memory, segment tables, other processes' pages and
	 * NUMA placement */
	"memfd_secret", "modify_ldt", "process_madvise", "pidfd_open", "mbind", "migrate_pages", "move_pages",
	"set_mempolicy",
};

/* clone's namespace flags: a job may make threads and processes, never namespaces */
static const unsigned long jail_clone_ns[] = { CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
	CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWCGROUP };

static pthread_once_t jail_once = PTHREAD_ONCE_INIT;
static struct sock_fprog jail_prog;
static uint8_t *jail_bytes;
static size_t jail_len;
static char jail_why[120];

static int
jail_deny(scmp_filter_ctx ctx, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return -1;  /* a name this libseccomp does not know: no filter rather than a hole */
	if (nr < 0)
		return 0;   /* a call of another architecture only */
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
}

static int
jail_rules(scmp_filter_ctx ctx)
{
	for (size_t i = 0; i < sizeof(jail_denied) / sizeof(*jail_denied); i++)
		if (jail_deny(ctx, jail_denied[i]) != 0)
			return -1;
	for (size_t i = 0; i < sizeof(jail_clone_ns) / sizeof(*jail_clone_ns); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
		        SCMP_A0(SCMP_CMP_MASKED_EQ, jail_clone_ns[i], jail_clone_ns[i])) != 0)
			return -1;
	/* clone3 passes its flags in memory, where seccomp cannot look */
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0)
		return -1;
	/* sockets: none but local ones (no network exists inside bubblewrap anyway; this
	 * holds without it too) */
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX)) != 0)
		return -1;
	/* typing into a terminal, whatever the session */
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
	        SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, (unsigned long)TIOCSTI)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
	        SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, (unsigned long)TIOCLINUX)) != 0)
		return -1;
	return 0;
}

static void
jail_build(void)
{
	/* Calls of another architecture (32-bit int 0x80, x32) kill the job (below). */
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int fd = -1;
	if (!ctx) {
		snprintf_cut(jail_why, sizeof(jail_why), "libseccomp could not start a filter");
		return;
	}
	/* a call of another architecture kills the whole job, not one of its threads */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0 || jail_rules(ctx) != 0) {
		snprintf_cut(jail_why, sizeof(jail_why), "libseccomp refused a rule of the media filter");
		goto done;
	}
	fd = memfd_create("sava-media-filter", MFD_CLOEXEC);
	struct stat st;
	if (fd < 0 || seccomp_export_bpf(ctx, fd) != 0 || fstat(fd, &st) != 0 || st.st_size <= 0 ||
	    st.st_size > JAIL_FILTER_MAX || st.st_size % (off_t)sizeof(struct sock_filter) != 0) {
		snprintf_cut(jail_why, sizeof(jail_why), "libseccomp could not write the media filter");
		goto done;
	}
	uint8_t *b = malloc((size_t)st.st_size);
	if (!b || pread(fd, b, (size_t)st.st_size, 0) != st.st_size) {
		free(b);
		snprintf_cut(jail_why, sizeof(jail_why), "could not read the media filter back");
		goto done;
	}
	jail_bytes = b;
	jail_len = (size_t)st.st_size;
	jail_prog.len = (unsigned short)(jail_len / sizeof(struct sock_filter));
	jail_prog.filter = (struct sock_filter *)(void *)jail_bytes;
done:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
}

const struct sock_fprog *
jail_filter(char *why, size_t whylen)
{
	pthread_once(&jail_once, jail_build);
	if (jail_bytes)
		return &jail_prog;
	snprintf_cut(why, whylen, "%s", jail_why[0] ? jail_why : "no media filter");
	return NULL;
}

int
jail_filter_fd(void)
{
	if (!jail_bytes)
		return -1;
	int fd = memfd_create("sava-media-filter", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	if (pwrite(fd, jail_bytes, jail_len, 0) != (ssize_t)jail_len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
jail_bwrap_argv(const char **out, size_t cap, const media_limits_t *lim, char *size, size_t sizelen,
	char links[JAIL_ROOT_LINKS][64], const char *const *job, int with_filter)
{
	static const char *const roots[JAIL_ROOT_LINKS] = { "/bin", "/sbin", "/lib", "/lib64", "/lib32",
		"/libx32" };
	size_t n = 0;
#define ADD(s)                      \
	do {                            \
		if (n + 1 >= cap)           \
			return -1;              \
		out[n++] = (s);             \
	} while (0)
	if (!snprintf_ok(size, sizelen, "%llu", (unsigned long long)lim->ml_tmpfs_bytes))
		return -1;
	ADD(SANDBOX_BWRAP);
	/* New user, pid, net, ipc, uts and cgroup namespaces: no network at all, no view of
	 * other processes; the user namespace is required (not "-try"), and the job may not
	 * make another one. */
	ADD("--unshare-all");
	ADD("--unshare-user");
	ADD("--disable-userns");
	ADD("--uid"); ADD(SANDBOX_UID);
	ADD("--gid"); ADD(SANDBOX_UID);
	ADD("--hostname"); ADD("media");
	ADD("--die-with-parent");
	ADD("--new-session");         /* no TIOCSTI into a terminal */
	ADD("--clearenv");
	ADD("--setenv"); ADD("PATH"); ADD("/usr/bin:/bin");
	ADD("--setenv"); ADD("LC_ALL"); ADD("C");
	ADD("--cap-drop"); ADD("ALL");
	ADD("--ro-bind"); ADD("/usr"); ADD("/usr");
	if (lim->ml_extra_ro && lim->ml_extra_ro[0] == '/') {
		ADD("--ro-bind"); ADD(lim->ml_extra_ro); ADD(lim->ml_extra_ro);
	}
	for (int i = 0; i < JAIL_ROOT_LINKS; i++) {
		struct stat st;
		if (lstat(roots[i], &st) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			ssize_t k = readlink(roots[i], links[i], 63);
			if (k <= 0)
				return -1;
			links[i][k] = '\0';
			ADD("--symlink"); ADD(links[i]); ADD(roots[i]);
		} else if (S_ISDIR(st.st_mode)) {
			ADD("--ro-bind"); ADD(roots[i]); ADD(roots[i]);
		}
	}
	/* ffmpeg's libraries: the linker's cache, and Debian's alternatives (libblas.so.3
	 * is a symlink through /etc/alternatives). Nothing else of /etc but fonts. */
	ADD("--ro-bind-try"); ADD("/etc/ld.so.cache"); ADD("/etc/ld.so.cache");
	ADD("--ro-bind-try"); ADD("/etc/alternatives"); ADD("/etc/alternatives");
	/* fontconfig's settings: pdftoppm finds the fonts a PDF names but does not embed */
	ADD("--ro-bind-try"); ADD("/etc/fonts"); ADD("/etc/fonts");
	ADD("--proc"); ADD("/proc");
	ADD("--dev"); ADD("/dev");
	ADD("--size"); ADD(size);
	ADD("--tmpfs"); ADD("/job");
	/* the sandbox's own root and /dev are tmpfs too, unbounded and not counted by
	 * RLIMIT_AS: read-only, so that /job, with its size, is the only place to write
	 * (device nodes such as /dev/null still work) */
	ADD("--remount-ro"); ADD("/dev");
	ADD("--remount-ro"); ADD("/");
	ADD("--chdir"); ADD("/job");
	/* the last thing bubblewrap does before it runs the job: the filter */
	if (with_filter) {
		ADD("--seccomp"); ADD(JAIL_SECCOMP_FD_STR);
	}
	ADD("--");
	for (size_t i = 0; job[i]; i++)
		ADD(job[i]);
	out[n] = NULL;
	return 0;
#undef ADD
}
