/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsbox-init: box init of the PAM face once its box is built.
 *
 * Box init starts as a clone of the helper (boxinit.c): it builds the box
 * as the user, drops every capability, sets no_new_privs, and then
 * executes this program, which only holds the box (serve.c). A live box
 * then costs this small static program's pages and page tables, not a
 * copy of the helper's address space (libc, libconfuse, heap, stack).
 *
 * The helper checked this file on the host, as root, before it built the
 * box, and box init uses it only if the file and its directory are root's
 * and not writable by group or others, and the file is not setuid or
 * setgid (open_init_program in boxinit.c): what runs here is what root
 * installed. It runs as the user, without a capability and with no way to
 * gain one (no_new_privs and an empty bounding set are kept across exec),
 * so it can do nothing the user's own processes cannot, except hold the
 * sockets box init was given.
 *
 * What exec undoes of box init's hardening, redone first thing: exec makes
 * a process dumpable again (and names it after the file: nsbox-init, as
 * box init executes it by name; a copy of another name renames itself
 * below). No process of the user's could ptrace it even then: its
 * credentials are in the box's user namespace, root's, which none of the
 * user's processes is in, and a tracer without a capability there may
 * trace only in its own (cap_ptrace_access_check). Installed execute-only
 * (0711) is a second layer: the kernel keeps an exec of a file its user
 * cannot read non-dumpable (with fs.suid_dumpable 0 or 2), with the
 * memory's owner the host's user namespace (would_dump() in fs/exec.c).
 *
 * No parameters on the command line, which the box's processes read in
 * /proc/1/cmdline: box init passes them in the environment,
 * which only a process that may ptrace this one can read (serve.h). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "box.h"
#include "serve.h"

/* Box init reported "OK" before it executed us: a failure here ends the
 * box (and its session). It cannot happen when box init runs us; run by
 * hand, the reason goes to stderr. No stdio here. */
static _noreturn_ void fail(const char *why)
{
	(void)!write(2, why, strlen(why));
	(void)!write(2, "\n", 1);
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
	long sigfd = -1, timer = -1, listen_fd, linger;
	const char *abi = getenv(SERVE_ENV_ABI);

	/* Before anything else (see above); then the name a box record is
	 * trusted for (registry.c), which the kernel gave us already when box
	 * init executed us by name, and which a copy of another name needs. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(1);
	(void)prctl(PR_SET_NAME, BOX_INIT_NAME, 0, 0, 0);
	if (!abi || strcmp(abi, SERVE_ABI) != 0 ||
	    env_number(SERVE_ENV_LISTEN_FD, -1, INT_MAX, &listen_fd) < 0 ||
	    env_number(SERVE_ENV_LINGER, LONG_MIN, LONG_MAX, &linger) < 0)
		fail("nsbox-init: run by box init only (bad environment)");
	/* Box init made them before it reported the box ready. Run by hand,
	 * without them, we make our own; serve() exits if we could not. */
	if (env_number(SERVE_ENV_SIGNAL_FD, 0, INT_MAX, &sigfd) == 0 &&
	    env_number(SERVE_ENV_TIMER_FD, 0, INT_MAX, &timer) == 0) {
		/* Blocked across the exec already; the signalfd needs it so. */
		sigset_t chld;
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0)
			_exit(1);
	} else {
		int s, t;
		if (serve_prepare(&s, &t) < 0)
			fail("nsbox-init: cannot make its signalfd and timerfd");
		sigfd = s;
		timer = t;
	}
	serve((int)sigfd, (int)timer, (int)listen_fd, linger);
}
