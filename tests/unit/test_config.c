/* Unit tests for app/config: the shipped default text, every key, and the errors an
 * operator sees (with line numbers). */
#include "conf/config.h"
#include "check.h"

static char err[256];

static int
parse(config_t *c, const char *text)
{
	config_defaults(c);
	err[0] = '\0';
	return config_parse(c, text, strlen(text), err, sizeof(err));
}

int
main(void)
{
	config_t c, d;
	config_defaults(&d);
	CHECK(parse(&c, config_default_text) == 0);
	CHECK(memcmp(&c, &d, sizeof(c)) == 0);   /* the documented file says the defaults */
	CHECK(strcmp(c.listen_addr, "127.0.0.1") == 0 && c.listen_port == 8080);
	CHECK(strcmp(c.default_lang, "ru") == 0 && !c.tls && c.log_requests);

	CHECK(parse(&c, "[server]\nlisten = [::1]:9000\nthreads = 4\ntls = yes\nlog_requests = off\n") == 0);
	CHECK(strcmp(c.listen_addr, "::1") == 0 && c.listen_port == 9000 && c.threads == 4);
	CHECK(c.tls && !c.log_requests);
	CHECK(parse(&c, "[site]\ndefault_language = be\n") == 0 && strcmp(c.default_lang, "be") == 0);
	/* [drop]: offline needs its key; the key is 64 hex digits */
	CHECK(!d.drop_offline && d.drop_max_mb == 100 && d.drop_keep_days == 30);
	CHECK(parse(&c, "[drop]\nmode = offline\n") == -1 && strstr(err, "offline_key") != NULL);
	CHECK(parse(&c, "[drop]\nmode = offline\noffline_key = "
	                "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\nkeep_days = 7\n") == 0);
	CHECK(c.drop_offline && c.drop_has_key && c.drop_offline_key[1] == 0x11 && c.drop_offline_key[31] == 0xff);
	CHECK(c.drop_keep_days == 7);
	CHECK(parse(&c, "[drop]\noffline_key = 0011\n") == -1 && strstr(err, "hexadecimal") != NULL);
	CHECK(parse(&c, "[drop]\noffline_key = "
	                "g0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n") == -1);
	CHECK(parse(&c, "[drop]\nmode = sideways\n") == -1);
	CHECK(parse(&c, "[drop]\nmax_mb = 0\n") == -1);
	/* [network] min_vouches: vouches an application needs before it is accepted (issue 15) */
	CHECK(d.min_vouches == 1 && strstr(config_default_text, "\n[network]\n") != NULL);
	CHECK(parse(&c, "[network]\nmin_vouches = 0\n") == 0 && c.min_vouches == 0);
	CHECK(parse(&c, "[network]\nmin_vouches = 20\n") == 0 && c.min_vouches == 20);
	CHECK(parse(&c, "[network]\nmin_vouches = 21\n") == -1 && strstr(err, "0 to 20"));
	CHECK(parse(&c, "[network]\nvouches = 2\n") == -1);
	/* header_timeout: a total deadline for a request's headers (issue 9, slow clients). */
	CHECK(d.header_timeout_s == 10);
	CHECK(parse(&c, "[server]\nheader_timeout = 3\n") == 0 && c.header_timeout_s == 3);
	CHECK(parse(&c, "[server]\nheader_timeout = 1\n") == 0 && c.header_timeout_s == 1);
	CHECK(parse(&c, "[server]\nheader_timeout = 600\n") == 0 && c.header_timeout_s == 600);
	CHECK(parse(&c, "[server]\nheader_timeout = 0\n") == -1 && strstr(err, "header_timeout"));
	CHECK(parse(&c, "[server]\nheader_timeout = 601\n") == -1 && strstr(err, "1 to 600"));
	CHECK(parse(&c, "[server]\nheader_timeout = 5s\n") == -1 && strstr(err, "line 2"));
	CHECK(parse(&c, "[server]\nheader_timeout = -1\n") == -1);
	CHECK(parse(&c, "[server]\nheader_timeout =\n") == -1);
	const char *onion = "[site]\nonion_address = abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion\n";
	CHECK(parse(&c, onion) == 0 && strlen(c.onion_address) == 62);
	CHECK(parse(&c, "[site]\nonion_address =\n") == 0 && c.onion_address[0] == '\0');

	/* Each purpose has its own waiting places for key derivations (issue 9): staff
	 * fewer than the public's; the vault's gate lets the largest of them wait. */
	CHECK(d.kdf_queue_help == 64 && d.kdf_queue_mailbox == 64 && d.kdf_queue_staff == 32 && d.kdf_queue == 64);
	CHECK(strstr(config_default_text, "\nkdf_queue_help = 64\n") && strstr(config_default_text, "\nkdf_queue_staff = 32\n"));
	CHECK(parse(&c, "[server]\nkdf_queue_help = 500\nkdf_queue_mailbox = 7\nkdf_queue_staff = 3\n") == 0);
	CHECK(c.kdf_queue_help == 500 && c.kdf_queue_mailbox == 7 && c.kdf_queue_staff == 3 && c.kdf_queue == 500);
	CHECK(parse(&c, "[server]\nkdf_queue_staff = 1000\n") == 0 && c.kdf_queue == 1000 && c.kdf_queue_help == 64);
	/* kdf_queue, from files of older versions, sets all three; a later key overrides. */
	CHECK(parse(&c, "[server]\nkdf_queue = 5\n") == 0);
	CHECK(c.kdf_queue_help == 5 && c.kdf_queue_mailbox == 5 && c.kdf_queue_staff == 5 && c.kdf_queue == 5);
	CHECK(parse(&c, "[server]\nkdf_queue = 5\nkdf_queue_help = 9\n") == 0);
	CHECK(c.kdf_queue_help == 9 && c.kdf_queue_mailbox == 5 && c.kdf_queue == 9);
	CHECK(parse(&c, "[server]\nkdf_queue_help = 0\n") == -1 && strstr(err, "kdf_queue_help"));
	CHECK(parse(&c, "[server]\nkdf_queue_mailbox = 100001\n") == -1 && strstr(err, "kdf_queue_mailbox"));
	CHECK(parse(&c, "[server]\nkdf_queue_staff = -1\n") == -1 && strstr(err, "kdf_queue_staff"));
	CHECK(parse(&c, "[server]\nkdf_queue_login = 4\n") == -1 && strstr(err, "unknown setting"));
	CHECK(parse(&c, "[server]\nkdf_queue = 0\n") == -1);
	/* the flood limits' buckets: a burst of at least one */
	CHECK(d.intake_burst == 20 && d.attempts_burst == 10);
	CHECK(parse(&c, "[intake]\nburst = 3\n[mailbox]\nattempts_burst = 1\n") == 0);
	CHECK(c.intake_burst == 3 && c.attempts_burst == 1 && c.per_minute == 60 && c.attempts_per_minute == 30);
	CHECK(parse(&c, "[mailbox]\nattempts_burst = 0\n") == -1 && strstr(err, "attempts_burst"));
	CHECK(parse(&c, "[intake]\nburst = 1000001\n") == -1 && strstr(err, "burst"));

	CHECK(parse(&c, "[server]\nthreads = lots\n") == -1 && strstr(err, "line 2") && strstr(err, "threads"));
	CHECK(parse(&c, "[server]\nthreads = 0\n") == -1);
	CHECK(parse(&c, "[server]\nthreads = 1\n") == -1);   /* no pool: libmicrohttpd stalls */
	CHECK(parse(&c, "[server]\nthreads = 65\n") == -1);
	CHECK(parse(&c, "\n\n[server]\ncolour = red\n") == -1 && strstr(err, "line 4") && strstr(err, "colour"));
	CHECK(parse(&c, "[garden]\nx = 1\n") == -1 && strstr(err, "garden"));
	CHECK(parse(&c, "[server]\nlisten = localhost:80\n") == -1);   /* numeric only */
	CHECK(parse(&c, "[server]\nlisten = 127.0.0.1\n") == -1);
	CHECK(parse(&c, "[server]\nlisten = 127.0.0.1:0\n") == -1);
	CHECK(parse(&c, "[server]\nlisten = 127.0.0.1:65536\n") == -1);
	CHECK(parse(&c, "[server]\ntls = maybe\n") == -1);
	CHECK(parse(&c, "[site]\ndefault_language = de\n") == -1);
	CHECK(parse(&c, "[site]\nonion_address = example.com\n") == -1);
	CHECK(parse(&c, "[site]\nonion_address = ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcdefghijklmnopqrstuvwx.onion\n") == -1);
	CHECK(parse(&c, "just words\n") == -1 && strstr(err, "line 1"));
	CHECK(config_parse(&c, "a\0b", 3, err, sizeof(err)) == -1);   /* not text */
	return check_done("config");
}
