/* dropbundle: a secure-drop bundle as `sava decrypt` reads it (docs/formats.md "Drop
 * bundles"): its header, each stream's header, and the manifest that stream 0 decrypts
 * to. Pure; hostile input (a file carried on a USB stick): every length is checked
 * against named limits and against what is left of the input before it is used. No
 * cryptography here: the vault opens what these describe. */
#ifndef SAVA_DROPBUNDLE_H
#define SAVA_DROPBUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DROPBUNDLE_MAGIC            "SAVADROP"
#define DROPBUNDLE_VERSION          1
#define DROPBUNDLE_SEALED_BYTES     112      /* crypto_box_seal of f | root (64 bytes) */
#define DROPBUNDLE_HEAD_BYTES       (8 + 1 + 3 + 16 + DROPBUNDLE_SEALED_BYTES + 4)   /* 144 */
#define DROPBUNDLE_STREAM_HEAD      (16 + 8)                 /* id | length u64 */
#define DROPBUNDLE_FILES_MAX        64                       /* files of one submission */
#define DROPBUNDLE_STREAMS_MAX      (1 + DROPBUNDLE_FILES_MAX)
#define DROPBUNDLE_BLOB_HEAD        25                       /* 01 | secretstream header */
#define DROPBUNDLE_FRAME_CT         (65536 + 17)             /* one sealed 64 KiB frame */
#define DROPBUNDLE_STREAM_MAX       ((uint64_t)DROPBUNDLE_BLOB_HEAD + ((((uint64_t)1 << 36) >> 16) + 2) * DROPBUNDLE_FRAME_CT)
#define DROPBUNDLE_LABEL            "sava-drop-v1"
#define DROPBUNDLE_LABEL_BYTES      12
#define DROPBUNDLE_MANIFEST_MAX     ((size_t)1 << 20)        /* stream 0's content */

typedef struct {
	uint8_t drop_id[16];
	uint8_t sealed[DROPBUNDLE_SEALED_BYTES];
	uint32_t nstreams;          /* 1 (the manifest) + its files */
} dropbundle_head_t;

typedef struct {
	uint8_t id[16];             /* the stream's id: its frames' AD */
	uint64_t len;               /* bytes of its blob that follow */
} dropbundle_stream_t;

/* The bundle's first DROPBUNDLE_HEAD_BYTES of p[0..n): 0, or -1 (too short, not a bundle,
 * an unknown version, a reserved byte set, a stream count outside 1..STREAMS_MAX). */
int dropbundle_head_parse(const uint8_t *p, size_t n, dropbundle_head_t *out);
/* A stream's header at p[0..n), with left bytes of the bundle from p on (its own header
 * included): 0, or -1 (too short, a blob shorter than one frame or longer than the
 * limit or than what is left, a length that is not a whole number of frames). */
int dropbundle_stream_parse(const uint8_t *p, size_t n, uint64_t left, dropbundle_stream_t *out);
/* A whole bundle in memory: the header, then every stream's header in turn (fn with its
 * offset in p, may be NULL), ending exactly at n. 0, or -1. */
int dropbundle_walk(const uint8_t *p, size_t n, dropbundle_head_t *head,
    int (*fn)(void *ctx, const dropbundle_stream_t *s, uint64_t off), void *ctx);

/* What stream 0 decrypts to: label | drop_id 16 | pk_req 32 | nfiles u16 | file ids
 * (16 each) | the message (UTF-8, the rest). */
typedef struct {
	uint8_t drop_id[16];
	uint8_t pk_req[32];
	uint16_t nfiles;
	uint8_t ids[DROPBUNDLE_FILES_MAX][16];
	const uint8_t *message;     /* points into the input */
	size_t message_len;
} dropbundle_manifest_t;
/* 0, or -1: too short, too long, another label, more than FILES_MAX files, a file id
 * twice or equal to the drop's. */
int dropbundle_manifest_parse(const uint8_t *p, size_t n, dropbundle_manifest_t *out);

/* A reply written offline (`sava drop answer`), imported unopened (`sava drop reply`):
 * "SAVAREPL" | 02 | 00 00 00 | drop_id 16 | len u32 | sealed (len bytes, to the end).
 * Version 2 seals the text padded to padme(len + 1) (at least 256 bytes), so neither the
 * file nor the stored item tells the reply's length; version 1 (unpadded) is refused. */
#define DROPREPLY_MAGIC        "SAVAREPL"
#define DROPREPLY_VERSION      2
#define DROPREPLY_HEAD_BYTES   (8 + 1 + 3 + 16 + 4)
#define DROPREPLY_LABEL        "sava-drop-reply-v2"
#define DROPREPLY_LABEL_BYTES  18
#define DROPREPLY_TEXT_MAX     20000     /* bytes of the reply's text */
#define DROPREPLY_PADDED_MIN   256       /* padme's least */
#define DROPREPLY_PADDED_MAX   20480     /* padme(DROPREPLY_TEXT_MAX + 1) */
#define DROPREPLY_SEALED_MIN   (48 + DROPREPLY_LABEL_BYTES + 16 + DROPREPLY_PADDED_MIN)
#define DROPREPLY_SEALED_MAX   (48 + DROPREPLY_LABEL_BYTES + 16 + DROPREPLY_PADDED_MAX)
typedef struct {
	uint8_t drop_id[16];
	const uint8_t *sealed;      /* points into the input */
	size_t sealed_len;
} dropreply_t;
/* 0, or -1: too short, another magic, version or reserved byte, a length outside the
 * limits or other than what follows. */
int dropreply_parse(const uint8_t *p, size_t n, dropreply_t *out);

#endif
