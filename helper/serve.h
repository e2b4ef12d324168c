/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Box init of the PAM face once the box is built: it holds the box while
 * sessions hold it (see boxinit.c). This one piece of code runs in two
 * programs: in nsbox-init (initprog.c), which box init executes once the
 * box is built so that a live box costs a small static program's pages
 * rather than a copy of the helper's address space, and in the helper's
 * own image when that program cannot be used. nsbox-init is linked
 * statically and kept small: nothing here may use stdio, malloc, the
 * helper's log or anything else beyond plain system calls. */
#ifndef NSBOX_SERVE_H
#define NSBOX_SERVE_H

#include "../common/util.h"

/* Sessions one shared box holds at most. */
#define MAX_SESSIONS 1024

/* What box init hands nsbox-init, in its environment: not on its command
 * line, which every process of the box can read in /proc/1/cmdline (the
 * environment only one that may ptrace it, i.e. none: see initprog.c).
 * Decimal numbers: the fd of the listening socket of a shared box (-1:
 * none), and the linger time (seconds; 0: exit with the last session;
 * negative: never). */
#define SERVE_ENV_LISTEN_FD "NSBOX_LISTEN_FD"
#define SERVE_ENV_LINGER    "NSBOX_LINGER"

/* Block SIGCHLD and return a signalfd (close-on-exec, non-blocking) that
 * announces it, for serve() to reap children; -errno on failure. */
int serve_child_signals(void);

/* Hold the box: the first session on NSBOX_PROTOCOL_FD and, for a shared
 * box, the sessions (and queries) that connect to LISTEN_FD (or -1); reap
 * what SIGFD (serve_child_signals) announces; exit once no session is left
 * and LINGER seconds have passed (0: at once; negative: never). */
_noreturn_ void serve(int sigfd, int listen_fd, long linger);

#endif
