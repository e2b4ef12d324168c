/* SPDX-License-Identifier: GPL-2.0-or-later */
/* noop: a static program that exits at once; bench/floors spawns it as the
 * cheapest program start there is. With an argument it waits for a
 * signal instead: the least PID 1 a minimal box can have (floors -k). */
#include <unistd.h>

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		pause();
	return 0;
}
