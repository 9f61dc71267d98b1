/* sandbox: runs one media job, a fixed argv, inside bubblewrap (new namespaces of every
 * kind, no network, /usr read-only, a size-bounded tmpfs at /job as its working
 * directory) under rlimits and a wall clock. Bytes go in on the job's stdin and come back
 * on inherited pipes; the parent never stores them. Trusts its argv: never put untrusted
 * bytes in it. */
#ifndef SAVA_MEDIA_SANDBOX_H
#define SAVA_MEDIA_SANDBOX_H

#include "core/buf.h"
#include "media/media.h"

#define SANDBOX_OUTPUTS     4      /* the job's fds 3, 4, 5, 6: outputs 0..3 */
#define SANDBOX_CONTROL_FD  7      /* the job reads the parent's later orders here */
#define SANDBOX_ARGV_MAX    64     /* the job's own argv, NULL included */
#define SANDBOX_BWRAP       "/usr/bin/bwrap"
#define SANDBOX_UID         "65534"   /* nobody, inside the sandbox's user namespace */

/* The parent's side of one job. ctx is the caller's.
 * read_input (may be NULL: no input): as media_io_t's; its bytes are the job's stdin.
 * write_output: output `which` (0..3) has more bytes. 0 goes on, -1 stops (kills) the job.
 * output_end: output `which` has ended (EOF). May append orders to `control`; return 1
 *   to send them and then close the control pipe (the job reads EOF after them), 0 to do
 *   nothing now, -1 to stop the job. The control pipe is closed anyway once every output
 *   has ended. */
typedef struct {
	void *sb_ctx;
	int (*sb_read_input)(void *ctx, uint8_t *buf, size_t cap, size_t *got);
	int (*sb_write_output)(void *ctx, int which, const uint8_t *p, size_t n);
	int (*sb_output_end)(void *ctx, int which, buf_t *control);
	uint64_t sb_output_cap[SANDBOX_OUTPUTS];  /* bytes; past it: MEDIA_LIMIT_SIZE */
	uint64_t sb_input_cap;                    /* bytes; past it: MEDIA_LIMIT_SIZE */
} sandbox_io_t;

typedef struct {
	media_status_t sr_status;   /* MEDIA_OK: the job ran and ended (see sr_exit) */
	media_limit_t sr_limit;     /* with MEDIA_LIMIT */
	int sr_exit;                /* the job's exit code, 128 + signal when killed */
	bool sr_stopped;            /* a callback returned -1 and the job was killed */
	double sr_cpu_seconds;      /* user + system, the job's processes together */
	char sr_why[MEDIA_REASON_BYTES];  /* English, for logs and staff; never file content */
} sandbox_result_t;

/* Runs argv (argv[0] an absolute path inside the sandbox) to its end or a limit, and
 * fills res. Returns res->sr_status. Blocks; safe to call from several threads at once
 * (SIGPIPE is blocked in the calling thread only while it writes). */
media_status_t sandbox_run(const char *const *argv, const media_limits_t *lim,
	const sandbox_io_t *io, sandbox_result_t *res);

#endif
