/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The static programs' name service: none (pammain.c, front.h say why).
 * Linked into nsbox-pam-helper and nsbox, ahead of libc, these definitions
 * stand in for glibc's, so that glibc's static NSS code is never linked
 * in: glibc marks each NSS function with a link-time warning for static
 * programs, they are linked with --fatal-warnings, and a link fails too
 * if it holds any symbol of glibc's NSS code (Makefile: glibc's own
 * internal lookups carry no warning), so a new lookup fails the build
 * rather than a login after a libc upgrade.
 *
 * Nothing reaches these: pamface.c hands every request that needs a lookup
 * to the full helper first, nsbox (main.c) hands check and run without a
 * command to nsbox-full, and libconfuse looks users up only to expand
 * "~user" in file names it opens, which the helper never asks it to do (it
 * parses a buffer, config.c). Should a new path reach one anyway, the
 * helper stops there: the module denies the login (root: its documented
 * fail-open), never a lookup answered wrong. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "exitcodes.h"
#include "log.h"

static _noreturn_ void no_name_service(const char *function)
{
	log_error("%s: %s: this program has no name service (a bug: nsbox-full should have "
		  "served this)",
		  program_invocation_short_name, function);
	_exit(EXIT_NSBOX_FAILED);
}

struct passwd *getpwnam(const char *name)
{
	(void)name;
	no_name_service(__func__);
}

struct passwd *getpwuid(uid_t uid)
{
	(void)uid;
	no_name_service(__func__);
}

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **ret)
{
	(void)name, (void)pw, (void)buf, (void)size, (void)ret;
	no_name_service(__func__);
}

int getgrnam_r(const char *name, struct group *gr, char *buf, size_t size, struct group **ret)
{
	(void)name, (void)gr, (void)buf, (void)size, (void)ret;
	no_name_service(__func__);
}

int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size, struct group **ret)
{
	(void)gid, (void)gr, (void)buf, (void)size, (void)ret;
	no_name_service(__func__);
}

int getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups)
{
	(void)user, (void)group, (void)groups, (void)ngroups;
	no_name_service(__func__);
}
