/* Unit tests for vault: Padmé lengths, the receipt derivation (known answer), the
 * instance key and shred-key files on disk, receipt lookups over shred.kf. */
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "vault/vault.h"

/* Argon2id(1234567890123456, salt 00..0f, ops 1, mem 8 KiB) then KDF(A, 1, "savaRCPT");
 * cross-checked outside this code with PyNaCl argon2id and hashlib.blake2b
 * (key A, salt = id LE | zeros, person = "savaRCPT" | zeros). */
#define RECEIPT_KAT "6dfad0a728672dd4b7275637c64d85e109291c899ceb9a1fd60c362c83916225"

static int
mode_of(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	/* Padmé (CRYPTO.md "Padding"), minimum 256 */
	CHECK(vault_padme(0) == 256);
	CHECK(vault_padme(1) == 256);
	CHECK(vault_padme(256) == 256);
	CHECK(vault_padme(257) == 272);
	CHECK(vault_padme(300) == 304);
	CHECK(vault_padme(1000) == 1024);
	CHECK(vault_padme(65537) == 67584);
	CHECK(vault_padme(1000000) == 1015808);
	for (size_t l = 1; l < 200000; l += 997)
		CHECK(vault_padme(l) >= l && vault_padme(l) - l <= l / 8 + 256);

	/* Receipt derivation at the minimum cost: a known answer pins the format. */
	unsigned char salt[16], lookup[32], again[32];
	char hex[65];
	for (int i = 0; i < 16; i++)
		salt[i] = (unsigned char)i;
	CHECK(vault_receipt_lookup(salt, "1234567890123456", 16, crypto_pwhash_OPSLIMIT_MIN,
	          crypto_pwhash_MEMLIMIT_MIN, lookup) == 0);
	sodium_bin2hex(hex, sizeof(hex), lookup, 32);
	CHECK(strcmp(hex, RECEIPT_KAT) == 0);
	if (strcmp(hex, RECEIPT_KAT) != 0)
		fprintf(stderr, "receipt lookup: %s\n", hex);
	CHECK(vault_receipt_lookup(salt, "1234567890123457", 16, crypto_pwhash_OPSLIMIT_MIN,
	          crypto_pwhash_MEMLIMIT_MIN, again) == 0);
	CHECK(memcmp(lookup, again, 32) != 0);
	salt[0] ^= 1;
	CHECK(vault_receipt_lookup(salt, "1234567890123456", 16, crypto_pwhash_OPSLIMIT_MIN,
	          crypto_pwhash_MEMLIMIT_MIN, again) == 0);
	CHECK(memcmp(lookup, again, 32) != 0);

	/* Audit chain links, known answers cross-checked with hashlib.blake2b. */
	{
		unsigned char key[32], prev[32], e[42], out[32];
		for (int i = 0; i < 32; i++)
			key[i] = (unsigned char)i;
		for (int i = 0; i < 42; i++)
			e[i] = (unsigned char)i;
		memset(prev, 0, sizeof(prev));
		vault_audit_link(key, prev, 0, e, sizeof(e), out);
		sodium_bin2hex(hex, sizeof(hex), out, 32);
		CHECK(strcmp(hex, "f1f8c3779ebb443b2b63130750de057253a4c857210625ad49055475b0a163ae") == 0);
		vault_audit_link(NULL, prev, 0, e, sizeof(e), out);
		sodium_bin2hex(hex, sizeof(hex), out, 32);
		CHECK(strcmp(hex, "aca41e9c647f27a5c953fa20b08aa2926eb7b193223fe9426a5c5c379eb55669") == 0);
		memset(prev, 7, sizeof(prev));
		vault_audit_link(key, prev, 5, e, sizeof(e), out);
		sodium_bin2hex(hex, sizeof(hex), out, 32);
		CHECK(strcmp(hex, "07404deb6b398fc2ea88e1db86d9714cba674ce082e2f2cd8c088a5c8a663a73") == 0);
	}

	/* instance.key and shred.kf */
	char dir[] = "/tmp/sava-vault-XXXXXX", path[256], err[256];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/keys", dir);
	CHECK(mkdir(path, 0700) == 0);
	vault_audit_first_t first, second;
	unsigned char entry[42], zero[32] = { 0 }, link[32];
	for (int i = 0; i < 42; i++)
		entry[i] = (unsigned char)i;
	CHECK(vault_instance_create(dir, KDF_INSECURE_FAST, entry, sizeof(entry), &first, err, sizeof(err)) == 0);
	CHECK(vault_instance_create(dir, KDF_INSECURE_FAST, entry, sizeof(entry), &second, err, sizeof(err)) == -1);   /* never overwrites */
	vault_audit_link(first.k0, zero, 0, entry, sizeof(entry), link);
	CHECK(memcmp(link, first.h, 32) == 0);
	vault_audit_link(NULL, zero, 0, entry, sizeof(entry), link);
	CHECK(memcmp(link, first.u, 32) == 0);
	snprintf(path, sizeof(path), "%s/keys/instance.key", dir);
	CHECK(mode_of(path) == 0600);
	unsigned char ik[193];
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, ik, sizeof(ik)) == 192);
	close(fd);
	CHECK(memcmp(ik, "SAVAIK\x02\x02", 8) == 0);   /* format 2, the insecure-fast profile pinned */
	/* K_0 is stored nowhere: the file holds K_1 = KDF(K_0, 1, "savaAUDK") and index 1. */
	unsigned char k1[32];
	crypto_kdf_derive_from_key(k1, 32, 1, "savaAUDK", first.k0);
	CHECK(memcmp(ik + 64, k1, 32) == 0);
	CHECK(memcmp(ik + 64, first.k0, 32) != 0);
	CHECK(ik[56] == 1 && memcmp(ik + 57, zero, 7) == 0);
	snprintf(path, sizeof(path), "%s/keys/shred.kf", dir);
	CHECK(mode_of(path) == 0600);
	struct stat sb;
	CHECK(stat(path, &sb) == 0 && sb.st_size == 16 + 128 * 1024);

	vault_t *v = NULL;
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 2, 4, &v, err, sizeof(err)) == 0);
	CHECK(vault_receipt_find(v, "1234567890123456", 16) == VAULT_NOT_FOUND);
	CHECK(vault_receipt_find(v, "123456789012345", 15) == VAULT_NOT_FOUND);

	/* A live slot holding this instance's lookup for a receipt is found. */
	unsigned char slot[128] = { 1 };
	CHECK(vault_receipt_lookup(ik + 40, "5555666677778888", 16, crypto_pwhash_OPSLIMIT_MIN,
	          crypto_pwhash_MEMLIMIT_MIN, slot + 56) == 0);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0 && pwrite(fd, slot, sizeof(slot), 16 + 128 * 700) == 128);
	CHECK(vault_receipt_find(v, "5555666677778888", 16) == VAULT_OK);
	CHECK(vault_receipt_find(v, "5555666677778889", 16) == VAULT_NOT_FOUND);
	slot[0] = 0;   /* a freed slot no longer matches */
	CHECK(pwrite(fd, slot, sizeof(slot), 16 + 128 * 700) == 128);
	close(fd);
	CHECK(vault_receipt_find(v, "5555666677778888", 16) == VAULT_NOT_FOUND);
	vault_close(v);

	/* A key file others can read is refused. */
	snprintf(path, sizeof(path), "%s/keys/instance.key", dir);
	chmod(path, 0644);
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == -1 && strstr(err, "chmod"));
	chmod(path, 0600);
	/* A damaged shred-key file is refused at start, not at the first receipt. */
	snprintf(path, sizeof(path), "%s/keys/shred.kf", dir);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0 && pwrite(fd, "X", 1, 0) == 1);
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == -1 && strstr(err, "damaged"));
	CHECK(pwrite(fd, "S", 1, 0) == 1);
	close(fd);
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == 0);
	vault_close(v);
	snprintf(path, sizeof(path), "%s/keys/instance.key", dir);

	/* Regression (review): the cost profile lived only in the database, so editing one row
	 * turned a production instance into one with cheap keys. The key file pins it now: a
	 * database that names another profile is refused, either way round. */
	CHECK(vault_open(dir, KDF_PRODUCTION, 1, 0, &v, err, sizeof(err)) == -1 && strstr(err, "changed outside sava"));
	unsigned char head[8];
	fd = open(path, O_RDWR);
	CHECK(fd >= 0 && pwrite(fd, "\x02\x01", 2, 6) == 2);   /* a production key file */
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == -1 && strstr(err, "changed outside sava"));
	CHECK(vault_open(dir, KDF_PRODUCTION, 1, 0, &v, err, sizeof(err)) == 0);
	vault_close(v);
	/* A format-1 key file is upgraded in place, once, pinning what the database said then. */
	CHECK(pwrite(fd, "\x01\x00", 2, 6) == 2);
	CHECK(vault_open(dir, KDF_PRODUCTION, 1, 0, &v, err, sizeof(err)) == 0);
	vault_close(v);
	CHECK(pread(fd, head, 8, 0) == 8 && memcmp(head, "SAVAIK\x02\x01", 8) == 0);
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == -1);
	CHECK(pwrite(fd, "\x02\x02", 2, 6) == 2);
	close(fd);

	/* A tampered format byte or a truncated key file is refused. */
	snprintf(path, sizeof(path), "%s/keys/instance.key", dir);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0 && pwrite(fd, "\x03", 1, 6) == 1);
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == -1 && strstr(err, "instance key"));
	CHECK(pwrite(fd, "\x02\x07", 2, 6) == 2);   /* an unknown profile */
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == -1 && strstr(err, "instance key"));
	CHECK(ftruncate(fd, 100) == 0);
	close(fd);
	CHECK(vault_open(dir, KDF_INSECURE_FAST, 1, 0, &v, err, sizeof(err)) == -1);

	snprintf(path, sizeof(path), "%s/keys/instance.key", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/keys/shred.kf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/keys", dir);
	rmdir(path);
	rmdir(dir);
	return check_done("vault");
}
