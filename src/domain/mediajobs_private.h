/* mediajobs_private: what the queue (mediajobs.c) shares with the job kinds kept in their
 * own files (subburn_job.c): a job, the sealed input read into the sandbox, and the
 * outputs sealed as they stream back. Private to those files. */
#ifndef SAVA_MEDIAJOBS_PRIVATE_H
#define SAVA_MEDIAJOBS_PRIVATE_H

#include <stdatomic.h>

#include "domain/audit.h"
#include "domain/mediajobs.h"
#include "store/blobs.h"

struct job {
	bool used, running;
	_Atomic bool cancelled;     /* withdrawn (or replaced) while queued or running: stop reading it */
	int kind;                   /* STORE_JOB_CLEAN (an appeal), STORE_JOB_REDACT (a testimony), STORE_JOB_BURN */
	uint8_t id[16];             /* the appeal or testimony */
	case_file_keys_t *keys;
	uint32_t poster_at;
	media_redact_t redact;      /* a testimony's: what its copy hides */
	/* a burn's: the language, its run (store/subtitles.h) and the approved WebVTT
	 * (sodium_malloc: guarded, wiped when the job ends) */
	char lang[4];
	uint8_t run[16];
	uint8_t *vtt;
	size_t vtt_len;
};

/* A sealed file, decrypted as the worker reads it. */
struct input {
	store_blob_t *blob;
	case_blob_reader_t *r;
	uint8_t *pending;           /* plaintext not yet handed over */
	size_t have, off, cap;
	bool ended, failed;
};
/* Opens attachment att with the job's keys: 0 or -1 (close it either way). */
int mediajobs_in_open(const app_t *app, const case_file_keys_t *keys, const uint8_t att[16], struct input *in) WUR;
/* Up to cap bytes of plaintext; *got = 0 at the end (checked whole). 0 or -1. */
int mediajobs_in_read(struct input *in, uint8_t *buf, size_t cap, size_t *got) WUR;
void mediajobs_in_close(struct input *in);

/* One output sealed as it streams back: the spool pass now, the case's keys at the end. */
struct output {
	uint8_t aid[16];
	store_blob_t *blob;
	case_blob_writer_t *w;
	bool made;
};
/* The next bytes of o (made, as name and mime, on the first call). 0 or -1. */
int mediajobs_out_write(const app_t *app, struct output *o, const char *name, const char *mime, const uint8_t *p,
    size_t n) WUR;
/* n outputs bound to the case's keys, written whole and synced; att[i] their rows. */
int mediajobs_outs_finish(const app_t *app, struct output *outs, size_t n, const case_file_keys_t *keys,
    store_attachment_t *att, const uint8_t case_id[16]) WUR;
/* Kept: the store holds their rows now. */
void mediajobs_outs_keep(struct output *outs, size_t n);
/* Not kept (or kept already): writers freed, blobs of unkept outputs deleted. */
void mediajobs_outs_drop(const app_t *app, struct output *outs, size_t n);
/* A job's step, audited with no actor. */
void mediajobs_audit(const app_t *app, const uint8_t id[16], uint32_t slot, audit_action_t action);

/* A burn job (subburn_job.c), a timing aids job (subaids_job.c). */
void mediajobs_burn_run(const app_t *app, struct job *j);
void mediajobs_aids_run(const app_t *app, struct job *j);
void mediajobs_transcribe_run(const app_t *app, struct job *j);

#endif
