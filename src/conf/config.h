/* config: DIR/sava.conf, an INI file read with libinih. Every key is validated and an
 * unknown section or key is an error naming its line, so a typo never silently falls
 * back to a default. Pure: config_parse works on bytes; config_load reads the file. */
#ifndef SAVA_CONFIG_H
#define SAVA_CONFIG_H

#include "core/buf.h"
#include "conf/campaign.h"

#define CONFIG_LANG_MAX 3
#define CONFIG_SUB_TARGETS_MAX 8   /* [subtitles] targets: languages */
#define CONFIG_SUB_CPL_MAX 16      /* [subtitles] chars_per_line_LANG lines */

typedef struct {
	char listen_addr[64];      /* [server] listen = 127.0.0.1:8080 (IPv4 or [IPv6]) */
	uint16_t listen_port;
	unsigned threads;          /* [server] threads: libmicrohttpd's pool */
	unsigned max_connections;  /* [server] max_connections */
	unsigned timeout_s;        /* [server] timeout: idle connection seconds */
	unsigned header_timeout_s; /* [server] header_timeout: a request's headers, in total */
	bool tls;                  /* [server] tls: the public side is HTTPS or an onion */
	bool log_requests;         /* [server] log_requests: one line per request */
	unsigned kdf_threads;      /* [server] kdf_threads: key derivations at once */
	unsigned kdf_queue_help;   /* [server] kdf_queue_help: help requests and applications that may wait */
	unsigned kdf_queue_mailbox; /* [server] kdf_queue_mailbox: mailbox openings and replies that may wait */
	unsigned kdf_queue_staff;  /* [server] kdf_queue_staff: staff logins, recoveries, enrollments, ... */
	unsigned kdf_queue;        /* the largest of the three: what may wait at the vault's gate, per purpose.
	                            * ([server] kdf_queue = N, in older files, sets all three.) */
	char onion_address[128];   /* [site] onion_address: adds Onion-Location when set */
	char default_lang[4];      /* [site] default_language: be, ru or en */
	char exit_url[201];        /* [site] exit_url: where "Exit this page" goes */
	unsigned receipt_digits;   /* [intake] receipt_digits: 16 or 20 */
	unsigned max_files;        /* [intake] max_files: attachments per message */
	unsigned max_file_mb;      /* [intake] max_file_mb: MiB per attachment */
	unsigned message_max;      /* [intake] message_max: characters per message */
	unsigned per_minute;       /* [intake] per_minute: new requests a minute (0: no limit) */
	unsigned intake_burst;     /* [intake] burst: of those, at most this many at once */
	unsigned untriaged_max;    /* [intake] untriaged_max: requests waiting (0: no limit) */
	unsigned attempts_per_minute; /* [mailbox] attempts_per_minute (0: no limit) */
	unsigned attempts_burst;   /* [mailbox] attempts_burst: of those, at most this many at once */
	unsigned mailbox_idle_min; /* [mailbox] idle_minutes */
	unsigned retention_days;   /* [retention] days: an open request with no activity */
	unsigned closed_days;      /* [retention] closed_days */
	unsigned rejected_days;    /* [retention] rejected_days */
	unsigned response_hours;   /* [cases] response_hours: a requester waiting longer is shown */
	unsigned min_vouches;      /* [network] min_vouches: vouches an application needs to be accepted */
	unsigned appeal_max_mb;    /* [appeals] max_mb: MiB of one uploaded video */
	unsigned appeal_max_s;     /* [appeals] max_seconds: its length */
	unsigned appeal_waiting_max; /* [appeals] waiting_max: appeals not yet reviewed (0: no limit) */
	unsigned consent_days;     /* [testimonies] consent_days: a consent's default length */
	unsigned testimony_keep_days; /* [testimonies] keep_days: an original kept after its last activity */
	bool drop_offline;         /* [drop] mode = offline: sealed to offline_key, never readable here */
	bool drop_has_key;         /* [drop] offline_key is set */
	uint8_t drop_offline_key[32]; /* [drop] offline_key: the offline machine's X25519 public key */
	unsigned drop_max_mb;      /* [drop] max_mb: MiB of each file of a submission */
	unsigned drop_keep_days;   /* [drop] keep_days: online, after its last activity; offline, after export */
	unsigned drop_waiting_max;  /* [drop] waiting_max: offline submissions waiting for export, at most */
	unsigned drop_waiting_days; /* [drop] waiting_days: one never exported is shredded after these */
	bool media_no_sandbox;     /* [media] sandbox = none (test instances only; logged) */
	unsigned media_jobs;       /* [media] jobs: media jobs at once (1 or 2) */
	/* [subtitles]: the languages appeals are translated into, how long a taken task stays
	 * hers, and the quality checks' limits (chars_per_line_LANG overrides per language) */
	char sub_targets[CONFIG_SUB_TARGETS_MAX][4];   /* [subtitles] targets = ru be */
	size_t sub_ntargets;
	char sub_transcribe_cmd[204];  /* [subtitles] transcribe_cmd: empty, or an absolute path */
	unsigned sub_claim_hours;  /* [subtitles] claim_hours */
	unsigned sub_max_lines;    /* [subtitles] max_lines */
	unsigned sub_chars_per_line; /* [subtitles] chars_per_line: a language without its own */
	struct {
		char lang[4];
		unsigned chars;
	} sub_cpl[CONFIG_SUB_CPL_MAX];                 /* [subtitles] chars_per_line_ru = 39 */
	size_t sub_ncpl;
	unsigned sub_min_ms;       /* [subtitles] min_ms: on screen at least */
	unsigned sub_max_ms;       /* [subtitles] max_ms: on screen at most */
	unsigned sub_gap_frames;   /* [subtitles] gap_frames: between two cues, at least */
	unsigned sub_frame_rate;   /* [subtitles] frame_rate: of the clean video (frames a second) */
	unsigned sub_cps_warn;     /* [subtitles] cps_warn: reading speed, characters a second */
	unsigned sub_cps_error;    /* [subtitles] cps_error */
	campaign_conf_t campaign;  /* [campaign], [reach], [metrics] (campaign.h) */
} config_t;

void config_defaults(config_t *c);
/* Parses INI text (need not be NUL-terminated) over c, which holds the defaults.
 * Returns 0, or -1 with a sentence in err (including the line number). */
int config_parse(config_t *c, const char *text, size_t len, char *err, size_t errlen) WUR;
/* Reads and parses DIR/sava.conf. Returns 0, or -1 with a sentence in err. */
int config_load(config_t *c, const char *dir, char *err, size_t errlen) WUR;
/* The documented sava.conf that `sava init` writes. */
extern const char config_default_text[];

#endif
