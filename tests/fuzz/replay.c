/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replay the fuzz corpus through the fuzz target, one TAP line per file:
 * what make check runs (built with gcc; make fuzz builds the libFuzzer
 * binary with clang). A crash or sanitizer report fails the run. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef CORPUS_DIR
#define CORPUS_DIR "tests/fuzz/corpus"
#endif

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	static uint8_t buf[1 << 20];
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : CORPUS_DIR;
	struct dirent **names;
	char path[4096];
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0) {
		printf("1..0 # SKIP no corpus at %s\n", dir);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			ok(replay(path) == 0, "fuzz corpus %s", names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return done_testing();
}
