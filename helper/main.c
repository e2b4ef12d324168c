/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsbox: one binary, never setuid. `run` is for any user; `pam-helper` is
 * spawned by pam_nsbox.so (as root, empty environment); `check` is for
 * admins. */
#include <stdio.h>
#include <string.h>

#include "../common/protocol.h"
#include "admin.h"
#include "box.h"
#include "check.h"
#include "exitcodes.h"
#include "log.h"
#include "pamface.h"
#include "run.h"

#ifndef NSBOX_VERSION
#define NSBOX_VERSION "0.1"
#endif

static void usage(FILE *out)
{
	fprintf(out, "Usage: nsbox run [OPTIONS] [--] [CMD [ARGS...]]\n"
		     "       nsbox check [-f FILE] [-u USER] [-s] [-v]\n"
		     "       nsbox list [--json]\n"
		     "       nsbox enter BOX|USER [-- CMD [ARGS...]]\n"
		     "       nsbox stop BOX|USER\n"
		     "       nsbox --version | --help\n"
		     "See nsbox run --help, nsbox check --help.\n");
}

int main(int argc, char **argv)
{
	save_argv(argc, argv);
	log_setup(LOG_TO_STDERR, false);

	if (argc < 2) {
		usage(stderr);
		return EXIT_NSBOX_FAILED;
	}
	if (streq(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (streq(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (streq(argv[1], "list"))
		return cmd_list(argc - 1, argv + 1);
	if (streq(argv[1], "enter"))
		return cmd_enter(argc - 1, argv + 1);
	if (streq(argv[1], "stop"))
		return cmd_stop(argc - 1, argv + 1);
	if (streq(argv[1], NSBOX_HELPER_COMMAND))
		return cmd_pam_helper(NULL);
	if (streq(argv[1], "--version")) {
		printf("nsbox %s\n", NSBOX_VERSION);
		return 0;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	log_error("unknown command '%s' (see nsbox --help)", argv[1]);
	return EXIT_NSBOX_FAILED;
}
