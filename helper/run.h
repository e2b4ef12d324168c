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

int cmd_run(int argc, char **argv);

#endif
