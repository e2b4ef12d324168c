/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nsbox run`: the rootless face. */
#ifndef NSBOX_RUN_H
#define NSBOX_RUN_H

#include <stdbool.h>

struct run_opts {
	const char *rootfs; /* NULL: the host root, read-only */
	const char *hostname;
	bool map_root; /* --root: the caller is uid/gid 0 inside */
	bool verbose;
	bool help;
	char **cmd;  /* NULL-terminated; NULL: the user's shell */
	char *shell; /* the user's login shell, for a NULL cmd */
};

/* Parse `run` arguments (ARGV[0] is "run"). Returns 0, or -EINVAL after one
 * error line naming the bad argument. */
int parse_run_args(int argc, char **argv, struct run_opts *ret);

/* nsbox run: parse_run_args, then run_parsed. */
int cmd_run(int argc, char **argv);
/* Run the box O describes (or print the usage for --help); for no command,
 * the caller's login shell, which needs the name service (getpwuid): the
 * static nsbox hands such a run to nsbox-full instead (main.c). */
int run_parsed(struct run_opts o);

#endif
