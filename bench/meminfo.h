/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel memory a box costs, as bench/boxes and bench/floors count it:
 * Slab + KernelStack + PageTables of /proc/meminfo, in KB (-1 on error). */
#ifndef NSBOX_BENCH_MEMINFO_H
#define NSBOX_BENCH_MEMINFO_H

#include <stdio.h>
#include <string.h>

static inline long meminfo_kb(void)
{
	static const char *const keys[] = { "Slab:", "KernelStack:", "PageTables:" };
	char line[256];
	long total = 0, v;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; i < 3; i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0 &&
			    sscanf(line + strlen(keys[i]), "%ld", &v) == 1)
				total += v;
	fclose(f);
	return total;
}

#endif
