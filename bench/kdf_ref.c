/* kdf_ref: the raw library limit for the benchmarks: Argon2id derivations per second at
 * sava's production cost (256 MiB, 3 passes), with THREADS threads each doing N in a row,
 * through libsodium's crypto_pwhash, called from C the way sava calls it.
 * usage: kdf_ref THREADS N   (prints: "<derivations/s> <seconds of one alone>") */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int per_thread;

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
run(void *arg)
{
	unsigned char out[32], salt[16] = { 0 };
	int n = arg ? *(int *)arg : per_thread;
	for (int i = 0; i < n; i++)
		if (crypto_pwhash(out, sizeof(out), "1234567890123456", 16, salt, 3, 256u * 1024 * 1024,
		        crypto_pwhash_ALG_ARGON2ID13) != 0)
			exit(1);
	return NULL;
}

int
main(int argc, char **argv)
{
	if (argc != 3 || sodium_init() < 0)
		return 2;
	char *end1, *end2;
	long threads = strtol(argv[1], &end1, 10), n = strtol(argv[2], &end2, 10);
	if (*end1 || *end2 || threads < 1 || threads > 64 || n < 1 || n > 1000)
		return 2;
	per_thread = (int)n;
	int two = 2;
	double t = now();
	run(&two);
	double one = (now() - t) / 2;
	pthread_t th[64];
	t = now();
	for (long i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, run, NULL) != 0)
			return 1;
	for (long i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	printf("%.3f %.3f\n", threads * per_thread / (now() - t), one);
	return 0;
}
