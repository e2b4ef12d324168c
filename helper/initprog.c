/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsbox-init: box init of the PAM face once its box is built.
 *
 * Box init starts as a clone of the helper (boxinit.c): it builds the box
 * as the user, drops every capability, sets no_new_privs, and then
 * executes this program, which only holds the box (serve.c). A live box
 * then costs this small static program's pages and page tables, not a
 * copy of the helper's address space (libc, libconfuse, heap, stack).
 *
 * The helper opened this file on the host, as root, before it built the
 * box, and box init uses it only if the file and its directory are root's
 * and not writable by group or others, and the file is not setuid or
 * setgid (open_init_program in boxinit.c): what runs here is what root
 * installed. It runs as the user, without a capability and with no way to
 * gain one (no_new_privs and an empty bounding set are kept across exec),
 * so it can do nothing the user's own processes cannot, except hold the
 * sockets box init was given.
 *
 * What exec undoes of box init's hardening, redone first thing: exec makes
 * a process dumpable again (and names it after the file, here "/dev/fd/N"'s
 * "N"). Installed execute-only (0711) it never is: the kernel keeps an exec
 * of a file its user cannot read non-dumpable, with the memory's owner the
 * host's user namespace (would_dump() in fs/exec.c); box init uses no
 * program that others may read (open_init_program), because a dumpable
 * process of the user's uid may be ptraced by the user's other processes
 * until its prctl() below: a window, however short, the helper's image
 * never had. Once non-dumpable, ptrace needs a capability in the box's
 * user namespace, which is root's: no process of the user's has one.
 *
 * No parameters on the command line, which the box's processes read in
 * /proc/1/cmdline: box init passes three numbers in the environment,
 * which only a process that may ptrace this one can read (serve.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "box.h"
#include "serve.h"

/* The helper logs what box init reports instead of "OK"; no stdio here. */
static _noreturn_ void fail(int report_fd, const char *why)
{
	if (report_fd >= 0)
		(void)send(report_fd, why, strlen(why), MSG_NOSIGNAL);
	_exit(1);
}

/* The decimal number in environment variable NAME, from MIN to MAX. */
static int env_number(const char *name, long min, long max, long *ret)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int main(void)
{
	long report_fd = -1, listen_fd, linger;
	int sigfd;

	/* Before anything else (see above), and again the name a box record
	 * is trusted for (registry.c): the helper records the box only once
	 * we report it ready, below. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(1);
	(void)prctl(PR_SET_NAME, BOX_INIT_NAME, 0, 0, 0);
	if (env_number(SERVE_ENV_REPORT_FD, 0, INT_MAX, &report_fd) < 0 ||
	    env_number(SERVE_ENV_LISTEN_FD, -1, INT_MAX, &listen_fd) < 0 ||
	    env_number(SERVE_ENV_LINGER, LONG_MIN, LONG_MAX, &linger) < 0)
		fail((int)report_fd, "nsbox-init: run by box init only (bad environment)");
	sigfd = serve_child_signals();
	if (sigfd < 0)
		fail((int)report_fd, "nsbox-init: cannot watch its children (signalfd)");
	/* "OK" means what it meant from the helper's image: box init serves. */
	if (send((int)report_fd, "OK", 2, MSG_NOSIGNAL) != 2)
		_exit(1);
	close((int)report_fd);
	serve(sigfd, (int)listen_fd, linger);
}
