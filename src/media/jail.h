/* jail: the walls of a media job, private to src/media: bubblewrap's argv (namespaces,
 * read-only system, a bounded tmpfs) and the seccomp program every job runs under, with
 * or without bubblewrap. sandbox.c runs the job inside them. */
#ifndef SAVA_MEDIA_JAIL_H
#define SAVA_MEDIA_JAIL_H

#include <linux/filter.h>
#include <stddef.h>

#include "media/media.h"

#define JAIL_ROOT_LINKS  6
#define JAIL_SECCOMP_FD  8     /* the job's fd that carries the program to bubblewrap */
#define JAIL_SECCOMP_FD_STR "8"

/* The seccomp program (a deny-list: see jail.c), built once with libseccomp and kept for
 * the life of the process. NULL when it cannot be built; then why says so in English,
 * and no job may run. Thread-safe. */
const struct sock_fprog *jail_filter(char *why, size_t whylen);

/* A new sealed memfd holding the program at offset 0 (bubblewrap reads it to its end),
 * close-on-exec; -1 on failure. Call jail_filter first. */
int jail_filter_fd(void);

/* bubblewrap's argv around the job's (job[0] an absolute path inside), into out
 * (cap entries, NULL-terminated). size and links are the caller's storage for strings
 * the argv points into; with_filter adds `--seccomp JAIL_SECCOMP_FD`. 0, or -1 when it
 * does not fit. */
int jail_bwrap_argv(const char **out, size_t cap, const media_limits_t *lim, char *size, size_t sizelen,
	char links[JAIL_ROOT_LINKS][64], const char *const *job, int with_filter);

#endif
