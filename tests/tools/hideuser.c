/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hideuser.so: LD_PRELOADed into a login program, a name service whose
 * getpwnam_r (what the module asks, common/userlookup.c) finds no one, as
 * a source that is down in the login program and up again by the time the
 * helper asks. getpwnam, which the test driver uses to run its command,
 * still answers (glibc's calls its own getpwnam_r, not this one). The
 * module then sends the helper no passwd entry: the static helper, which
 * has no name service, must hand the request to the full one. */
#include <pwd.h>
#include <stddef.h>

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **ret)
{
	(void)name, (void)pw, (void)buf, (void)size;
	*ret = NULL;
	return 0;
}
