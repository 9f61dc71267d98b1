/* cmd_clean: `sava decrypt --clean`: on the offline machine, after a bundle is opened,
 * each file of it that is an image or a PDF gets a cleaned copy in ID/cleaned/, made by
 * the same sandboxed worker as on a server (media_doc_clean): images encoded again from
 * their pixels, PDFs rasterized page by page into a new PDF, no metadata. The original
 * files stay beside them. Without bubblewrap, ffmpeg or pdftoppm it refuses before any
 * bundle is opened, so nothing hostile is ever parsed outside the sandbox. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "media/media.h"

struct clean_io {
	int in_fd, out_fd;
	bool failed;
};

static int
clean_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct clean_io *c = ctx;
	ssize_t k;
	while ((k = read(c->in_fd, buf, cap)) < 0 && errno == EINTR)
		;
	if (k < 0)
		return -1;
	*got = (size_t)k;
	return 0;
}

static int
clean_write(void *ctx, media_out_t which, const uint8_t *p, size_t n)
{
	struct clean_io *c = ctx;
	(void)which;
	while (n) {
		ssize_t k = write(c->out_fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			c->failed = true;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
clean_check_tools(void)
{
	const char *missing = media_doc_missing_tool(true);
	if (!missing)
		return 0;
	fprintf(stderr,
	    "sava decrypt --clean: %s is missing on this machine, so documents cannot be cleaned here safely;\n"
	    "nothing was written. Install bubblewrap, ffmpeg and poppler-utils (apt-get install bubblewrap ffmpeg\n"
	    "poppler-utils), or run sava decrypt without --clean.\n",
	    missing);
	return -1;
}

/* One file of dir: its cleaned copy into dir/cleaned/, or a line saying why not. 0 when
 * it was cleaned or is not a kind that can be; 1 when cleaning it failed. */
static int
clean_one(const char *dir, const char *name, unsigned index)
{
	char in[4400], tmp[4500], out[4500];
	struct clean_io c = { -1, -1, false };
	media_limits_t lim;
	media_doc_result_t res;
	if (snprintf(in, sizeof(in), "%s/%s", dir, name) >= (int)sizeof(in) ||
	    snprintf(tmp, sizeof(tmp), "%s/cleaned/.%s.partial", dir, name) >= (int)sizeof(tmp))
		return 1;
	c.in_fd = open(in, O_RDONLY | O_CLOEXEC);
	c.out_fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (c.in_fd < 0 || c.out_fd < 0) {
		fprintf(stderr, "sava decrypt --clean: %s: cannot read it or write its copy: %s\n", name, strerror(errno));
		if (c.in_fd >= 0)
			close(c.in_fd);
		if (c.out_fd >= 0)
			close(c.out_fd);
		unlink(tmp);
		return 1;
	}
	media_limits_default(&lim);
	const media_io_t io = { &c, clean_read, clean_write };
	media_status_t st = media_doc_clean(&lim, &io, &res);
	close(c.in_fd);
	int rc = fsync(c.out_fd);
	if (close(c.out_fd) != 0)
		rc = -1;
	if (st == MEDIA_OK && rc == 0 &&
	    snprintf(out, sizeof(out), "%s/cleaned/cleaned-%02u.%s", dir, index, res.md_kind == MEDIA_DOC_PDF ? "pdf" : "jpg") <
	        (int)sizeof(out) &&
	    rename(tmp, out) == 0) {
		/* a neutral name (the original's may name a day, a device or a person); this
		 * line, on the offline machine only, says which is which */
		printf("%s <- %s\n", out, name);
		return 0;
	}
	unlink(tmp);
	if (st == MEDIA_REFUSED && res.md_kind == MEDIA_DOC_NONE) {
		fprintf(stderr, "sava decrypt --clean: %s not cleaned: not an image (JPEG, PNG, WebP) or a PDF; "
		    "remove its metadata by other means before it leaves this machine\n", name);
		return 0;
	}
	fprintf(stderr, "sava decrypt --clean: %s could not be cleaned: %s\n", name,
	    res.md_reason[0] ? res.md_reason : "the media worker failed");
	return 1;
}

static int
clean_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
clean_dir(const char *dir)
{
	char sub[4400];
	char *names[80];
	size_t n = 0;
	int failed = 0;
	if (snprintf(sub, sizeof(sub), "%s/cleaned", dir) >= (int)sizeof(sub) || mkdir(sub, 0700) != 0) {
		fprintf(stderr, "sava decrypt --clean: cannot make %s\n", sub);
		return 1;
	}
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL && n < sizeof(names) / sizeof(*names)) {
		/* the files as sent are NN-name; message.txt and reply-key.txt are sava's own */
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || e->d_type == DT_DIR)
			continue;
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(*names), clean_cmp);
	for (size_t i = 0; i < n; i++) {
		failed |= clean_one(dir, names[i], (unsigned)i + 1);
		free(names[i]);
	}
	return failed;
}
