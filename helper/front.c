/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The static nsbox hands what needs the name service to nsbox-full
 * (front.h). Not a privileged step: nsbox is never setuid, so nsbox-full
 * runs with the caller's own privileges, as nsbox did. Which file runs is
 * the one concern: the one beside the running program (open_own_dir), only
 * if root or the running program's owner owns it and its directory and
 * nobody else may write either. Whoever owns the running program could
 * have replaced it as well, so nsbox-full is trusted exactly as far as
 * nsbox is: root running an installed nsbox runs only root's nsbox-full,
 * a developer's build runs the nsbox-full built beside it. */
#include "front.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "exitcodes.h"
#include "log.h"
#include "path.h"

extern char **environ;

int hand_to_full_program(char **argv)
{
	struct stat self;

	if (getenv(NSBOX_HANDED_ON_ENV)) {
		log_error("the " NSBOX_FULL_PROGRAM " beside nsbox handed the command back: it must "
			  "be the full program, not a copy of nsbox");
		return EXIT_NSBOX_FAILED;
	}
	if (stat("/proc/self/exe", &self) < 0)
		return log_errno(errno, "stat(/proc/self/exe)"), EXIT_NSBOX_FAILED;
	if (setenv(NSBOX_HANDED_ON_ENV, "1", 1) < 0)
		return log_errno(errno, "setenv"), EXIT_NSBOX_FAILED;
	(void)exec_beside_us(NSBOX_FULL_PROGRAM, self.st_uid, "needs the name service", argv,
			     environ);
	return EXIT_NSBOX_FAILED;
}
