/* replay: runs a libFuzzer target over the files named on the command line, without
 * libFuzzer, so `make check` replays every corpus under gcc and the sanitizers. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	int ran = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		uint8_t *data = NULL;
		size_t len = 0, cap = 0;
		for (;;) {
			if (len == cap) {
				cap = cap ? cap * 2 : 4096;
				uint8_t *p = realloc(data, cap);
				if (!p) {
					fclose(f);
					free(data);
					return 1;
				}
				data = p;
			}
			size_t n = fread(data + len, 1, cap - len, f);
			if (n == 0)
				break;
			len += n;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		ran++;
	}
	printf("%d passed, 0 failed\n", ran);
	return 0;
}
