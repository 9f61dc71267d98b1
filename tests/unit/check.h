/* check: the unit-test harness. Each tests/unit/test_*.c is its own program; CHECK
 * records a failure with its line and goes on, and check_done() prints one line
 * "unit NAME: N passed, N failed" and returns the exit status. */
#ifndef SAVA_CHECK_H
#define SAVA_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                  \
	do {                                                                             \
		if (cond) {                                                                  \
			check_passed++;                                                          \
		} else {                                                                     \
			check_failed++;                                                          \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                            \
	} while (0)

/* Compares a view (p, len) with a C string. */
#define CHECK_SV(sv, cstr) CHECK((sv).len == strlen(cstr) && memcmp((sv).p, (cstr), (sv).len) == 0)

static inline int
check_done(const char *name)
{
	printf("unit %s: %d passed, %d failed\n", name, check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
