/* config: sava.conf through libinih (no hand-written INI parser). Hostile input is
 * possible (an operator's typo, a tampered file): every value is range-checked. */
#include "conf/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/ini_text.h"
#include "core/limits.h"

const char config_default_text[] =
"# sava.conf: settings for one sava instance (INI). Lines starting with # are comments.\n"
"# Every key below shows its default. sava refuses unknown keys, so a typo is caught\n"
"# at start instead of being ignored.\n"
"\n"
"[server]\n"
"# Address and port to listen on. Keep it on loopback: put Tor or nginx in front.\n"
"listen = 127.0.0.1:8080\n"
"# Threads serving pages (libmicrohttpd thread pool): one per core, and at least 2.\n"
"threads = 2\n"
"# Connections served at once; further ones wait in the kernel's queue.\n"
"max_connections = 1024\n"
"# Seconds an idle connection stays open.\n"
"timeout = 30\n"
"# Seconds a new connection has, in all, to send its request's headers (a kept-alive\n"
"# one has timeout seconds for its next request's). Slower ones are closed, and the\n"
"# oldest of them first when connections run short, so that clients trickling header\n"
"# lines cannot hold every connection (docs/operator.md).\n"
"header_timeout = 10\n"
"# yes when visitors reach sava over HTTPS or a Tor onion service: cookies then get\n"
"# the Secure flag and the __Host- prefix. Leave no for plain http://127.0.0.1 tests.\n"
"tls = no\n"
"# One log line per request (method, route, status, duration; never an address,\n"
"# User-Agent, Referer, query string or form value).\n"
"log_requests = yes\n"
"# Passphrase and receipt checks (Argon2id, 256 MiB each in production) run on their\n"
"# own threads, never on the ones that serve pages. auto = one per core.\n"
"kdf_threads = auto\n"
"# Checks that may wait for a thread, for each purpose apart, so that a flood of one\n"
"# (logins with made-up names, say) never turns the others away: new help requests and\n"
"# volunteer applications; mailboxes opened with a receipt; staff login, recovery,\n"
"# enrollment and signed-in staff work. Past them, visitors see \"busy, try again in\n"
"# a minute\" (503) instead of the server running out of memory. Within each, every\n"
"# kind of request has one more place of its own, one kind takes at most three quarters\n"
"# of the shared places, and one browser at most half. (kdf_queue = N, in files\n"
"# written by older versions, sets all three.)\n"
"kdf_queue_help = 64\n"
"kdf_queue_mailbox = 64\n"
"kdf_queue_staff = 32\n"
"\n"
"[site]\n"
"# Language that / redirects to: be, ru or en.\n"
"default_language = ru\n"
"# The onion service address (for example abc...xyz.onion). When set, pages carry an\n"
"# Onion-Location header so Tor Browser offers the onion version.\n"
"onion_address =\n"
"# Where the \"Exit this page\" link in every public page's header goes: a neutral page on\n"
"# another site (https only), so that someone who is being watched can leave at once.\n"
"exit_url = https://www.gismeteo.by/\n"
"\n"
"[intake]\n"
"# Digits in a requester's receipt: 16 (looks like a card or phone number) or 20\n"
"# (10,000 times harder to guess from a seized database; see docs/operator.md).\n"
"receipt_digits = 16\n"
"# Attachments per message, and the size of each in MiB. Files stream to disk\n"
"# encrypted as they arrive; nothing is held whole in memory.\n"
"max_files = 5\n"
"max_file_mb = 50\n"
"# Characters in one message.\n"
"message_max = 20000\n"
"# Flood limits for the whole instance (behind Tor every visitor has the same\n"
"# address, so there is no per-address limit): new requests accepted per minute, and\n"
"# requests waiting for triage. Past either, visitors see \"we are overloaded, try\n"
"# again later\" and nothing is stored. 0 means no limit.\n"
"per_minute = 60\n"
"untriaged_max = 5000\n"
"# per_minute comes back continuously (one every 60/per_minute seconds), never a\n"
"# whole minute's worth at once; burst is how many may come at once after a quiet\n"
"# time (at most per_minute).\n"
"burst = 20\n"
"\n"
"[mailbox]\n"
"# Receipt attempts per minute for the whole instance (each costs one Argon2id\n"
"# derivation), refilled continuously like [intake] per_minute, with at most\n"
"# attempts_burst at once. Whoever is refused is told in how many seconds to try\n"
"# again. 0 means no limit; the kdf_queue_mailbox bound applies in any case.\n"
"attempts_per_minute = 30\n"
"attempts_burst = 10\n"
"# Minutes after which an idle mailbox session ends.\n"
"idle_minutes = 15\n"
"\n"
"[retention]\n"
"# Days a request is kept after its last activity (a message from either side, a\n"
"# change of stage). Then it is crypto-shredded: its key is destroyed, so no copy of\n"
"# anything (a backup, a disk image) can open it, and its rows and files are deleted.\n"
"# Fewer live requests also means fewer receipts to guess (docs/operator.md). Checked\n"
"# every hour, and by `sava purge DIR`.\n"
"days = 60\n"
"# ... for a closed request, and for a rejected one.\n"
"closed_days = 7\n"
"rejected_days = 2\n"
"\n"
"[cases]\n"
"# Hours a requester's message may wait for an answer before the coordinators' board\n"
"# lists his request (longest first).\n"
"response_hours = 24\n"
"\n"
"[network]\n"
"# Vouches (members who know the applicant) a volunteer's application needs before a\n"
"# coordinator can accept it.\n"
"min_vouches = 1\n"
"\n"
"[appeals]\n"
"# A video appeal's upload: its size in MiB, and its length in seconds. It streams\n"
"# to disk encrypted as it arrives; the media worker refuses a longer video.\n"
"max_mb = 500\n"
"max_seconds = 600\n"
"# Appeals waiting to be cleaned or reviewed. Past it, the upload page says\n"
"# \"try again later\" and takes nothing (a flood of videos must not fill the disk).\n"
"# 0 means no limit.\n"
"waiting_max = 200\n"
"\n"
"[testimonies]\n"
"# Days a man's consent to publish his story holds, unless renewed: the story\n"
"# leaves the site on its last day.\n"
"consent_days = 180\n"
"# Days a testimony's original (its notes, consent records and copies) is kept\n"
"# after its last activity; then it is crypto-shredded. A published story stays\n"
"# until its consent ends.\n"
"keep_days = 365\n"
"\n"
"[drop]\n"
"# The secure drop at /{lang}/drop. \"online\": submissions are sealed to the\n"
"# analysts' key and read by analysts on the staff pages. \"offline\": they are sealed\n"
"# to offline_key, whose secret half stays on an offline machine (sava drop keygen);\n"
"# this server cannot open them; export them with sava drop export.\n"
"mode = online\n"
"# offline_key = (64 hex digits, the line that sava drop keygen prints)\n"
"# MiB of each file, and days a submission is kept: online, after its last activity;\n"
"# offline, after it was exported.\n"
"max_mb = 100\n"
"keep_days = 30\n"
"# Offline: how many submissions may wait for export at once (past it the page asks\n"
"# the source to come back later), and days one may wait before it is shredded unread.\n"
"waiting_max = 500\n"
"waiting_days = 60\n"
"\n"
"[media]\n"
"# The media worker runs ffprobe and ffmpeg under bubblewrap (no network, only its\n"
"# own memory-backed folder, limits on time and memory). \"none\" runs them without\n"
"# the sandbox: for a test instance only; sava says so in its log at every start.\n"
"sandbox = bubblewrap\n"
"# Media jobs at once (1 or 2): each takes one core while it runs.\n"
"jobs = 1\n"
"\n"
"[subtitles]\n"
"# The languages every appeal is translated into (two-letter codes, spaces between).\n"
"targets = ru be\n"
"# Hours a translator's taken task stays hers before others may take it.\n"
"claim_hours = 48\n"
"# A speech recogniser the operator installed (whisper.cpp, for one), run in the media\n"
"# sandbox as `CMD audio.wav LANG` with only its own folder and /usr to read; it writes\n"
"# a WebVTT file on standard output, which becomes a draft to correct. Empty: none.\n"
"transcribe_cmd =\n"
"# Quality checks (after Netflix's timed-text guide). Errors block approval: more lines\n"
"# or longer lines than these, overlapping or empty cues, unbalanced markup, reading\n"
"# speed over cps_error. Warnings: on screen less than min_ms or more than max_ms, fewer\n"
"# than gap_frames frames between cues, reading speed over cps_warn (characters a\n"
"# second, spaces and punctuation counted).\n"
"max_lines = 2\n"
"chars_per_line = 42\n"
"chars_per_line_ru = 39\n"
"chars_per_line_be = 39\n"
"min_ms = 833\n"
"max_ms = 7000\n"
"gap_frames = 2\n"
"frame_rate = 25\n"
"cps_warn = 15\n"
"cps_error = 20\n"
CAMPAIGN_DEFAULT_TEXT;

void
config_defaults(config_t *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen_addr, sizeof(c->listen_addr), "127.0.0.1");
	c->listen_port = 8080;
	c->threads = 2;
	c->max_connections = LIMIT_CONNECTIONS;
	c->timeout_s = LIMIT_CONN_TIMEOUT_S;
	c->header_timeout_s = LIMIT_HEADER_TIMEOUT_S;
	c->tls = false;
	c->log_requests = true;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	c->kdf_threads = cores > 0 ? (unsigned)(cores < 16 ? cores : 16) : 1;
	c->kdf_queue_help = 64;
	c->kdf_queue_mailbox = 64;
	c->kdf_queue_staff = 32;
	c->kdf_queue = 64;   /* the largest of the three */
	snprintf(c->default_lang, sizeof(c->default_lang), "ru");
	snprintf(c->exit_url, sizeof(c->exit_url), "https://www.gismeteo.by/");
	c->receipt_digits = 16;
	c->max_files = LIMIT_MP_FILES;
	c->max_file_mb = 50;
	c->message_max = 20000;
	c->per_minute = 60;
	c->intake_burst = 20;
	c->untriaged_max = 5000;
	c->attempts_per_minute = 30;
	c->attempts_burst = 10;
	c->mailbox_idle_min = 15;
	c->retention_days = 60;
	c->closed_days = 7;
	c->rejected_days = 2;
	c->response_hours = 24;
	c->min_vouches = 1;
	c->appeal_max_mb = 500;
	c->appeal_max_s = 600;
	c->appeal_waiting_max = 200;
	c->consent_days = 180;
	c->testimony_keep_days = 365;
	c->drop_max_mb = 100;
	c->drop_keep_days = 30;
	c->drop_waiting_max = 500;
	c->drop_waiting_days = 60;
	c->media_no_sandbox = false;
	c->media_jobs = 1;
	c->sub_ntargets = 2;
	snprintf(c->sub_targets[0], sizeof(c->sub_targets[0]), "ru");
	snprintf(c->sub_targets[1], sizeof(c->sub_targets[1]), "be");
	c->sub_claim_hours = 48;
	campaign_defaults(&c->campaign);
	c->sub_max_lines = 2;
	c->sub_chars_per_line = 42;
	c->sub_ncpl = 2;
	snprintf(c->sub_cpl[0].lang, sizeof(c->sub_cpl[0].lang), "ru");
	c->sub_cpl[0].chars = 39;
	snprintf(c->sub_cpl[1].lang, sizeof(c->sub_cpl[1].lang), "be");
	c->sub_cpl[1].chars = 39;
	c->sub_min_ms = 833;
	c->sub_max_ms = 7000;
	c->sub_gap_frames = 2;
	c->sub_frame_rate = 25;
	c->sub_cps_warn = 15;
	c->sub_cps_error = 20;
}

static int config_uint(const char *v, unsigned min, unsigned max, unsigned *out);

/* A two-letter language code, lower case. */
static bool
config_lang2(const char *v, size_t n)
{
	return n == 2 && v[0] >= 'a' && v[0] <= 'z' && v[1] >= 'a' && v[1] <= 'z';
}

/* [subtitles] transcribe_cmd: empty, or an absolute path of [A-Za-z0-9._/-] without "..",
 * whose words are safe inside the media job's script. 0, or 1 when bad. */
static int
config_command(const char *value, char *out, size_t cap)
{
	size_t n = strlen(value);
	out[0] = '\0';
	if (n == 0)
		return 0;
	if (n >= cap || n > 200 || value[0] != '/' || strstr(value, ".."))
		return 1;
	for (size_t i = 0; i < n; i++) {
		char c = value[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		        c == '/' || c == '-'))
			return 1;
	}
	memcpy(out, value, n + 1);
	return 0;
}

/* "ru be uk": up to CONFIG_SUB_TARGETS_MAX codes, each once. */
static int
config_targets(const char *v, config_t *c)
{
	size_t n = 0;
	for (const char *p = v; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, " \t,");
		if (!config_lang2(p, len) || n == CONFIG_SUB_TARGETS_MAX)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (memcmp(c->sub_targets[i], p, 2) == 0)
				return -1;
		memcpy(c->sub_targets[n], p, 2);
		c->sub_targets[n][2] = '\0';
		n++;
		p += len;
	}
	if (n == 0)
		return -1;
	c->sub_ntargets = n;
	return 0;
}

/* chars_per_line_LANG = N: replaces LANG's own, or adds it. */
static int
config_cpl(const char *lang, const char *v, config_t *c)
{
	unsigned chars;
	if (!config_lang2(lang, strlen(lang)) || config_uint(v, 10, 200, &chars) != 0)
		return -1;
	size_t i = 0;
	while (i < c->sub_ncpl && strcmp(c->sub_cpl[i].lang, lang) != 0)
		i++;
	if (i == CONFIG_SUB_CPL_MAX)
		return -1;
	if (i == c->sub_ncpl)
		c->sub_ncpl++;
	snprintf(c->sub_cpl[i].lang, sizeof(c->sub_cpl[i].lang), "%s", lang);
	c->sub_cpl[i].chars = chars;
	return 0;
}

/* 64 hex digits (either case) into 32 bytes: 0, or -1. */
static int
config_hex32(const char *v, uint8_t out[32])
{
	if (strlen(v) != 64)
		return -1;
	for (size_t i = 0; i < 64; i++) {
		char ch = v[i];
		int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(d << 4);
		else
			out[i / 2] |= (uint8_t)d;
	}
	return 0;
}

struct config_ctx {
	config_t *c;
	char *err;
	size_t errlen;
	bool failed;
};

static int
config_bool(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0) {
		*out = false;
		return 0;
	}
	return -1;
}

static int
config_uint(const char *v, unsigned min, unsigned max, unsigned *out)
{
	uint64_t n;
	if (num_parse_u64(sv_from_cstr(v), min, max, &n) != 0)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* "127.0.0.1:8080" or "[::1]:8080"; the address must be numeric. */
static int
config_listen(const char *v, config_t *c)
{
	sv_t s = sv_from_cstr(v), host, port;
	const char *colon = memrchr(s.p, ':', s.len);
	if (!colon)
		return -1;
	host = (sv_t){ s.p, (size_t)(colon - s.p) };
	port = (sv_t){ colon + 1, s.len - host.len - 1 };
	if (host.len >= 2 && host.p[0] == '[' && host.p[host.len - 1] == ']') {
		host.p++;
		host.len -= 2;
	}
	uint64_t p;
	if (num_parse_u64(port, 1, 65535, &p) != 0 || host.len == 0 || host.len >= sizeof(c->listen_addr))
		return -1;
	char tmp[64];
	memcpy(tmp, host.p, host.len);
	tmp[host.len] = '\0';
	unsigned char addr[16];
	if (inet_pton(AF_INET, tmp, addr) != 1 && inet_pton(AF_INET6, tmp, addr) != 1)
		return -1;
	memcpy(c->listen_addr, tmp, host.len + 1);
	c->listen_port = (uint16_t)p;
	return 0;
}

/* An https:// address to leave for: printable ASCII without spaces, quotes or angle
 * brackets (it goes into every public page's header as a link). */
static bool
config_exit_url(const char *v, config_t *c)
{
	size_t n = strlen(v);
	if (n < 9 || n >= sizeof(c->exit_url) || strncmp(v, "https://", 8) != 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] >= 127 || v[i] == '"' || v[i] == '\'' || v[i] == '<' || v[i] == '>' || v[i] == '\\' ||
		    v[i] == '`')
			return true;
	memcpy(c->exit_url, v, n + 1);
	return false;
}

/* An onion address: 56 base32 characters and ".onion" (v3), or empty. */
static int
config_onion(const char *v, config_t *c)
{
	size_t n = strlen(v);
	if (n == 0) {
		c->onion_address[0] = '\0';
		return 0;
	}
	if (n != 62 || strcmp(v + 56, ".onion") != 0)
		return -1;
	for (size_t i = 0; i < 56; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '2' && v[i] <= '7')))
			return -1;
	memcpy(c->onion_address, v, n + 1);
	return 0;
}

static int
config_handler(void *user, const char *section, const char *name, const char *value)
{
	struct config_ctx *x = user;
	config_t *c = x->c;
	int bad = 0;
	const char *want = NULL;

	if (x->failed)
		return 0;
	if (strcmp(section, "server") == 0) {
		if (strcmp(name, "listen") == 0) {
			bad = config_listen(value, c);
			want = "an address and port such as 127.0.0.1:8080";
		} else if (strcmp(name, "threads") == 0) {
			/* One thread means no pool, where libmicrohttpd 0.9.75 stalls with many
			 * keep-alive connections (bench/README.md): at least two. */
			bad = config_uint(value, 2, 64, &c->threads);
			want = "a number from 2 to 64";
		} else if (strcmp(name, "max_connections") == 0) {
			bad = config_uint(value, 4, 65536, &c->max_connections);
			want = "a number from 4 to 65536";
		} else if (strcmp(name, "timeout") == 0) {
			bad = config_uint(value, 1, 3600, &c->timeout_s);
			want = "a number of seconds from 1 to 3600";
		} else if (strcmp(name, "header_timeout") == 0) {
			bad = config_uint(value, 1, 600, &c->header_timeout_s);
			want = "a number of seconds from 1 to 600";
		} else if (strcmp(name, "tls") == 0) {
			bad = config_bool(value, &c->tls);
			want = "yes or no";
		} else if (strcmp(name, "log_requests") == 0) {
			bad = config_bool(value, &c->log_requests);
			want = "yes or no";
		} else if (strcmp(name, "kdf_threads") == 0) {
			bad = strcmp(value, "auto") != 0 && config_uint(value, 1, 16, &c->kdf_threads);
			want = "auto or a number from 1 to 16";
		} else if (strcmp(name, "kdf_queue") == 0) {   /* older files: all three at once */
			bad = config_uint(value, 1, 100000, &c->kdf_queue_help);
			c->kdf_queue_staff = c->kdf_queue_mailbox = c->kdf_queue_help;
			want = "a number from 1 to 100000";
		} else if (strcmp(name, "kdf_queue_help") == 0) {
			bad = config_uint(value, 1, 100000, &c->kdf_queue_help);
			want = "a number from 1 to 100000";
		} else if (strcmp(name, "kdf_queue_mailbox") == 0) {
			bad = config_uint(value, 1, 100000, &c->kdf_queue_mailbox);
			want = "a number from 1 to 100000";
		} else if (strcmp(name, "kdf_queue_staff") == 0) {
			bad = config_uint(value, 1, 100000, &c->kdf_queue_staff);
			want = "a number from 1 to 100000";
		} else {
			goto unknown;
		}
	} else if (strcmp(section, "site") == 0) {
		if (strcmp(name, "default_language") == 0) {
			bad = !(strcmp(value, "be") == 0 || strcmp(value, "ru") == 0 || strcmp(value, "en") == 0);
			if (!bad)
				snprintf(c->default_lang, sizeof(c->default_lang), "%s", value);
			want = "be, ru or en";
		} else if (strcmp(name, "onion_address") == 0) {
			bad = config_onion(value, c);
			want = "a v3 onion address (56 letters and digits, then .onion) or nothing";
		} else if (strcmp(name, "exit_url") == 0) {
			bad = config_exit_url(value, c);
			want = "an https:// address of at most 200 characters, without spaces or quotes";
		} else {
			goto unknown;
		}
	} else if (strcmp(section, "intake") == 0) {
		if (strcmp(name, "receipt_digits") == 0) {
			bad = config_uint(value, 16, 20, &c->receipt_digits) || (c->receipt_digits != 16 && c->receipt_digits != 20);
			want = "16 or 20";
		} else if (strcmp(name, "max_files") == 0) {
			bad = config_uint(value, 0, LIMIT_MP_FILES_MAX, &c->max_files);
			want = "a number from 0 to 20";
		} else if (strcmp(name, "max_file_mb") == 0) {
			bad = config_uint(value, 1, 4096, &c->max_file_mb);
			want = "a number from 1 to 4096";
		} else if (strcmp(name, "message_max") == 0) {
			bad = config_uint(value, 100, 100000, &c->message_max);
			want = "a number from 100 to 100000";
		} else if (strcmp(name, "per_minute") == 0) {
			bad = config_uint(value, 0, 1000000, &c->per_minute);
			want = "a number from 0 to 1000000";
		} else if (strcmp(name, "burst") == 0) {
			bad = config_uint(value, 1, 1000000, &c->intake_burst);
			want = "a number from 1 to 1000000";
		} else if (strcmp(name, "untriaged_max") == 0) {
			bad = config_uint(value, 0, 10000000, &c->untriaged_max);
			want = "a number from 0 to 10000000";
		} else {
			goto unknown;
		}
	} else if (strcmp(section, "mailbox") == 0) {
		if (strcmp(name, "attempts_per_minute") == 0) {
			bad = config_uint(value, 0, 1000000, &c->attempts_per_minute);
			want = "a number from 0 to 1000000";
		} else if (strcmp(name, "attempts_burst") == 0) {
			bad = config_uint(value, 1, 1000000, &c->attempts_burst);
			want = "a number from 1 to 1000000";
		} else if (strcmp(name, "idle_minutes") == 0) {
			bad = config_uint(value, 1, 720, &c->mailbox_idle_min);
			want = "a number from 1 to 720";
		} else {
			goto unknown;
		}
	} else if (strcmp(section, "cases") == 0) {
		if (strcmp(name, "response_hours") != 0)
			goto unknown;
		bad = config_uint(value, 1, 8760, &c->response_hours);
		want = "a number of hours from 1 to 8760";
	} else if (strcmp(section, "network") == 0) {
		if (strcmp(name, "min_vouches") != 0)
			goto unknown;
		bad = config_uint(value, 0, 20, &c->min_vouches);
		want = "a number from 0 to 20";
	} else if (strcmp(section, "appeals") == 0) {
		if (strcmp(name, "max_mb") == 0) {
			bad = config_uint(value, 1, 4096, &c->appeal_max_mb);
			want = "a number of MiB from 1 to 4096";
		} else if (strcmp(name, "max_seconds") == 0) {
			bad = config_uint(value, 1, 7200, &c->appeal_max_s);
			want = "a number of seconds from 1 to 7200";
		} else if (strcmp(name, "waiting_max") == 0) {
			bad = config_uint(value, 0, 100000, &c->appeal_waiting_max);
			want = "a number from 0 to 100000";
		} else {
			goto unknown;
		}
	} else if (strcmp(section, "testimonies") == 0) {
		if (strcmp(name, "consent_days") == 0)
			bad = config_uint(value, 1, 3650, &c->consent_days);
		else if (strcmp(name, "keep_days") == 0)
			bad = config_uint(value, 1, 3650, &c->testimony_keep_days);
		else
			goto unknown;
		want = "a number of days from 1 to 3650";
	} else if (strcmp(section, "drop") == 0) {
		if (strcmp(name, "mode") == 0) {
			bad = strcmp(value, "online") != 0 && strcmp(value, "offline") != 0;
			c->drop_offline = strcmp(value, "offline") == 0;
			want = "online or offline";
		} else if (strcmp(name, "offline_key") == 0) {
			bad = config_hex32(value, c->drop_offline_key) != 0;
			c->drop_has_key = !bad;
			want = "64 hexadecimal digits (the line sava drop keygen prints)";
		} else if (strcmp(name, "max_mb") == 0) {
			bad = config_uint(value, 1, 4096, &c->drop_max_mb);
			want = "a number of MiB from 1 to 4096";
		} else if (strcmp(name, "keep_days") == 0) {
			bad = config_uint(value, 1, 3650, &c->drop_keep_days);
			want = "a number of days from 1 to 3650";
		} else if (strcmp(name, "waiting_days") == 0) {
			bad = config_uint(value, 1, 3650, &c->drop_waiting_days);
			want = "a number of days from 1 to 3650";
		} else if (strcmp(name, "waiting_max") == 0) {
			bad = config_uint(value, 1, 100000, &c->drop_waiting_max);
			want = "a number from 1 to 100000";
		} else {
			goto unknown;
		}
	} else if (strcmp(section, "media") == 0) {
		if (strcmp(name, "sandbox") == 0) {
			bad = strcmp(value, "bubblewrap") != 0 && strcmp(value, "none") != 0;
			c->media_no_sandbox = strcmp(value, "none") == 0;
			want = "bubblewrap or none";
		} else if (strcmp(name, "jobs") == 0) {
			bad = config_uint(value, 1, 2, &c->media_jobs);
			want = "1 or 2";
		} else {
			goto unknown;
		}
	} else if (strcmp(section, "subtitles") == 0) {
		unsigned *field = strcmp(name, "claim_hours") == 0 ? &c->sub_claim_hours
		    : strcmp(name, "max_lines") == 0              ? &c->sub_max_lines
		    : strcmp(name, "chars_per_line") == 0         ? &c->sub_chars_per_line
		    : strcmp(name, "min_ms") == 0                 ? &c->sub_min_ms
		    : strcmp(name, "max_ms") == 0                 ? &c->sub_max_ms
		    : strcmp(name, "gap_frames") == 0             ? &c->sub_gap_frames
		    : strcmp(name, "frame_rate") == 0             ? &c->sub_frame_rate
		    : strcmp(name, "cps_warn") == 0               ? &c->sub_cps_warn
		    : strcmp(name, "cps_error") == 0              ? &c->sub_cps_error
		                                                  : NULL;
		if (strcmp(name, "transcribe_cmd") == 0) {
			bad = config_command(value, c->sub_transcribe_cmd, sizeof(c->sub_transcribe_cmd));
			want = "an absolute path of letters, digits and . _ / - (no ..), 200 bytes at most, or nothing";
		} else if (strcmp(name, "targets") == 0) {
			bad = config_targets(value, c);
			want = "one to 8 two-letter language codes";
		} else if (strncmp(name, "chars_per_line_", 15) == 0) {
			bad = config_cpl(name + 15, value, c);
			want = "a number from 10 to 200, for a two-letter language code (16 at most)";
		} else if (!field) {
			goto unknown;
		} else {
			bool hours = field == &c->sub_claim_hours, ms = field == &c->sub_min_ms || field == &c->sub_max_ms;
			bad = config_uint(value, hours || ms ? 1 : 0, hours ? 720 : ms ? 60000 : 200, field);
			want = hours ? "a number of hours from 1 to 720" : ms ? "a number of milliseconds from 1 to 60000"
			                                                      : "a number from 0 to 200";
		}
	} else if (campaign_section(section)) {
		int r = campaign_setting(&c->campaign, section, name, value, &want);
		if (r < 0)
			goto unknown;
		bad = r;
	} else if (strcmp(section, "retention") == 0) {
		unsigned *field = strcmp(name, "days") == 0 ? &c->retention_days
		    : strcmp(name, "closed_days") == 0      ? &c->closed_days
		    : strcmp(name, "rejected_days") == 0    ? &c->rejected_days
		                                            : NULL;
		if (!field)
			goto unknown;
		bad = config_uint(value, 1, 3650, field);
		want = "a number of days from 1 to 3650";
	} else {
		snprintf(x->err, x->errlen, "unknown section [%.40s]", section);
		x->failed = 1;
		return 0;
	}
	if (bad) {
		snprintf(x->err, x->errlen, "%.40s must be %s", name, want);
		x->failed = 1;
		return 0;
	}
	return 1;
unknown:
	snprintf(x->err, x->errlen, "unknown setting %.40s in [%.40s]", name, section);
	x->failed = 1;
	return 0;
}

int
config_parse(config_t *c, const char *text, size_t len, char *err, size_t errlen)
{
	char why[200] = "";
	struct config_ctx x = { c, why, sizeof(why), false };
	int rc = ini_text_parse(text, len, config_handler, &x, &x.failed, why, err, errlen);
	/* The vault's gate lets as many wait, for each purpose, as the largest room here. */
	c->kdf_queue = c->kdf_queue_help > c->kdf_queue_mailbox ? c->kdf_queue_help : c->kdf_queue_mailbox;
	if (c->kdf_queue_staff > c->kdf_queue)
		c->kdf_queue = c->kdf_queue_staff;
	if (rc == 0 && c->drop_offline && !c->drop_has_key) {
		snprintf(err, errlen, "[drop] mode = offline needs offline_key (the line sava drop keygen prints)");
		rc = -1;
	}
	return rc;
}

int
config_load(config_t *c, const char *dir, char *err, size_t errlen)
{
	char path[4096], why[256];
	static __thread char text[INI_TEXT_MAX + 1];
	size_t len;
	snprintf(path, sizeof(path), "%s/sava.conf", dir);
	int rc = ini_text_read(path, text, sizeof(text), &len, err, errlen);
	if (rc == 1)
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(ENOENT));
	if (rc != 0)
		return -1;
	if (config_parse(c, text, len, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	return 0;
}
