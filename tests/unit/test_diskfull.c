/* Unit tests for core/diskfull: one log line for a burst (with the path and errno's
 * words), the "recent" state and its end, and a count per thread. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "check.h"
#include "core/diskfull.h"

static FILE *err_file;
static int saved_stderr;

/* Everything the module logs from now on goes to err_file. */
static void
capture_begin(void)
{
	err_file = tmpfile();
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(err_file), STDERR_FILENO);
}

/* The captured text (at most cap - 1 bytes); stderr is given back. */
static void
capture_end(char *out, size_t cap)
{
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(err_file);
	size_t n = fread(out, 1, cap - 1, err_file);
	out[n] = '\0';
	fclose(err_file);
}

static size_t
count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void *
other_thread(void *arg)
{
	unsigned long *seen = arg;
	diskfull_report("/srv/other", ENOSPC);
	*seen = diskfull_count();
	return NULL;
}

int
main(void)
{
	char log[4096];
	unsigned long before = diskfull_count(), other = 0;
	pthread_t t;

	CHECK(!diskfull_recent());
	capture_begin();
	CHECK(!diskfull_check("/srv/sava/sava.db", EIO));     /* not a full disk */
	CHECK(!diskfull_check("/srv/sava/sava.db", 0));
	CHECK(diskfull_count() == before && !diskfull_recent());
	CHECK(diskfull_check("/srv/sava/sava.db", ENOSPC));
	CHECK(diskfull_count() == before + 1 && diskfull_recent());
	for (int i = 0; i < 5; i++)
		CHECK(diskfull_check("/srv/sava/blobs", i % 2 ? EDQUOT : ENOSPC));
	CHECK(diskfull_count() == before + 6);
	diskfull_clear();
	CHECK(!diskfull_recent());
	diskfull_report("/srv/sava/sava.db", ENOSPC);    /* full again, within the interval */
	CHECK(diskfull_recent());
	CHECK(pthread_create(&t, NULL, other_thread, &other) == 0 && pthread_join(t, NULL) == 0);
	CHECK(other == 1 && diskfull_count() == before + 7);   /* each thread counts its own */
	capture_end(log, sizeof(log));

	/* A burst is one line, naming the first path and the cause. */
	CHECK(count_of(log, "the disk is full") == 1);
	CHECK(count_of(log, "\n") == 1);
	CHECK(strstr(log, "cannot write /srv/sava/sava.db: No space left on device") != NULL);
	CHECK(strstr(log, "/srv/sava/blobs") == NULL);
	return check_done("diskfull");
}
