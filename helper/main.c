/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsbox: never setuid. `run` is for any user; `list`, `enter`, `stop` and
 * `check` for admins; `pam-helper` is what pam_nsbox.so's static helper
 * hands requests to (as root, empty environment).
 *
 * Built twice (front.h): as nsbox-full, every command; and, with
 * NSBOX_STATIC_FRONT, as nsbox itself, static and without a name service,
 * which serves run with a command, list, enter and stop and hands
 * everything else to nsbox-full unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/protocol.h"
#include "admin.h"
#include "box.h"
#include "check.h"
#include "exitcodes.h"
#include "front.h"
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

#ifdef NSBOX_STATIC_FRONT
/* run: without a command, the caller's login shell, a name-service
 * lookup: nsbox-full's. */
static int front_run(int argc, char **argv, bool handed_on)
{
	struct run_opts o;

	if (parse_run_args(argc - 1, argv + 1, &o) < 0)
		return EXIT_NSBOX_FAILED;
	if (!o.cmd && !o.help)
		return hand_to_full_program(argv, handed_on);
	return run_parsed(o);
}
#endif

int main(int argc, char **argv)
{
	/* Handed on by a static nsbox (front.h); nothing run in a box
	 * inherits it. */
	const bool handed_on = getenv(NSBOX_HANDED_ON_ENV) != NULL;

	unsetenv(NSBOX_HANDED_ON_ENV);
	save_argv(argc, argv);
	log_setup(LOG_TO_STDERR, false);

	if (argc < 2) {
		usage(stderr);
		return EXIT_NSBOX_FAILED;
	}
#ifdef NSBOX_STATIC_FRONT
	if (streq(argv[1], "run"))
		return front_run(argc, argv, handed_on);
#else
	(void)handed_on;
	if (streq(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
#endif
	if (streq(argv[1], "list"))
		return cmd_list(argc - 1, argv + 1);
	if (streq(argv[1], "enter"))
		return cmd_enter(argc - 1, argv + 1);
	if (streq(argv[1], "stop"))
		return cmd_stop(argc - 1, argv + 1);
	if (streq(argv[1], "--version")) {
		printf("nsbox %s\n", NSBOX_VERSION);
		return 0;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
#ifdef NSBOX_STATIC_FRONT
	/* check, pam-helper and whatever else: nsbox-full says. */
	return hand_to_full_program(argv, handed_on);
#else
	if (streq(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (streq(argv[1], NSBOX_HELPER_COMMAND))
		return cmd_pam_helper(NULL);
	log_error("unknown command '%s' (see nsbox --help)", argv[1]);
	return EXIT_NSBOX_FAILED;
#endif
}
