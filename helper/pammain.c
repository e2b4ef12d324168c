/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsbox-pam-helper: what pam_nsbox.so executes at every login, the PAM face
 * of nsbox (pamface.c) and nothing else, linked statically so that a login
 * pays for no dynamic loader (2.5 ms a login on the VM of README's
 * "Performance"). Beside it (LIBEXECDIR) lies the full helper, nsbox-full
 * (front.h).
 *
 * A static glibc can use only the name service modules of its own version
 * (it loads the installed libnss_*.so, built for the installed glibc), so
 * this program has none (nonss.c): it serves the requests that need no
 * lookup (the module sent the user's passwd entry and no rule names a
 * group) and hands the others, still unread, to the full helper
 * (pamface.c: hand_off), which serves them from the start. */
#include <stdio.h>

#include "../common/protocol.h"
#include "box.h"
#include "exitcodes.h"
#include "front.h"
#include "log.h"
#include "pamface.h"

int main(int argc, char **argv)
{
	save_argv(argc, argv);
	log_setup(LOG_TO_STDERR, false);

	if (argc == 2 && streq(argv[1], NSBOX_HELPER_COMMAND))
		return cmd_pam_helper(NSBOX_FULL_PROGRAM);
	/* Handed on by a static helper: the nsbox-full beside it is a static
	 * helper too (say, a copy of us), which would hand on to itself forever. */
	if (argc == 3 && streq(argv[1], NSBOX_HELPER_COMMAND) &&
	    streq(argv[2], PAM_HELPER_HANDED_OFF)) {
		log_setup(LOG_TO_SYSLOG, false);
		log_error("nsbox-pam-helper: handed a request by a static helper: the %s beside it "
			  "must be the full helper",
			  NSBOX_FULL_PROGRAM);
		return EXIT_NSBOX_FAILED;
	}
	/* What bench/floors times: a start of this program, and nothing else. */
	if (argc == 2 && streq(argv[1], "--version")) {
		printf("nsbox-pam-helper %s\n", NSBOX_VERSION);
		return 0;
	}
	fprintf(stderr, "nsbox-pam-helper: run by pam_nsbox.so only (see nsbox(1))\n");
	return EXIT_NSBOX_FAILED;
}
