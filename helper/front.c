/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The static nsbox hands what needs the name service to nsbox-full
 * (front.h). Not a privileged step: nsbox is never setuid, so nsbox-full
 * runs with the caller's own privileges, as nsbox did. Which file runs is
 * the one concern: the one beside the running program (open_own_dir), only
 * if root or the running program's owner owns it and its directory and
 * nobody else may write either. Whoever owns the running program could
 * have replaced it as well, so nsbox-full is trusted exactly as far as
 * nsbox is: root running an installed nsbox runs only root's nsbox-full,
 * a developer's build runs the nsbox-full built beside it. Inside a user
 * namespace every owner it does not map (root's and other users' alike)
 * shows as the overflow uid: an nsbox owned by it is trusted with nothing
 * beside it. */
#include "front.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "exitcodes.h"
#include "log.h"
#include "path.h"

extern char **environ;

/* The uid an unmapped owner shows as (65534 unless the admin changed it). */
static uid_t overflow_uid(void)
{
	FILE *f = fopen("/proc/sys/kernel/overflowuid", "re");
	unsigned uid = 65534;

	if (f) {
		if (fscanf(f, "%u", &uid) != 1)
			uid = 65534;
		fclose(f);
	}
	return (uid_t)uid;
}

int hand_to_full_program(char **argv, bool handed_on)
{
	struct stat self;

	if (handed_on) {
		log_error("%s was set: the " NSBOX_FULL_PROGRAM " beside nsbox handed the command "
			  "back; it must be the full program, not a copy of nsbox",
			  NSBOX_HANDED_ON_ENV);
		return EXIT_NSBOX_FAILED;
	}
	if (stat("/proc/self/exe", &self) < 0)
		return log_errno(errno, "stat(/proc/self/exe)"), EXIT_NSBOX_FAILED;
	if (self.st_uid == overflow_uid()) {
		log_error("nsbox's owner is not mapped in this user namespace: the %s beside it "
			  "cannot be trusted (run nsbox %s outside it)",
			  NSBOX_FULL_PROGRAM, argv[1]);
		return EXIT_NSBOX_FAILED;
	}
	if (setenv(NSBOX_HANDED_ON_ENV, "1", 1) < 0)
		return log_errno(errno, "setenv"), EXIT_NSBOX_FAILED;
	(void)exec_beside_us(NSBOX_FULL_PROGRAM, self.st_uid, "needs the name service", argv,
			     environ);
	return EXIT_NSBOX_FAILED;
}
