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
 * Decimal numbers: the version of this interface (SERVE_ABI), the fds of
 * the signalfd and the timerfd serve() needs (made by box init before it
 * reported the box ready, so that nothing the program does can fail for
 * want of an fd, say after the user lowered its RLIMIT_NOFILE), of the
 * listening socket of a shared box (-1: none), and the linger time
 * (seconds; 0: exit with the last session; negative: never). */
#define SERVE_ABI           "1"
#define SERVE_ENV_ABI       "NSBOX_INIT_ABI"
#define SERVE_ENV_SIGNAL_FD "NSBOX_SIGNAL_FD"
#define SERVE_ENV_TIMER_FD  "NSBOX_TIMER_FD"
#define SERVE_ENV_LISTEN_FD "NSBOX_LISTEN_FD"
#define SERVE_ENV_LINGER    "NSBOX_LINGER"

/* Block SIGCHLD; make a signalfd that announces it (for serve() to reap
 * children) and the timerfd of the linger time, both close-on-exec and
 * non-blocking. 0, or -errno (then neither is left open). */
int serve_prepare(int *ret_sigfd, int *ret_timer);

/* Hold the box: the first session on NSBOX_PROTOCOL_FD and, for a shared
 * box, the sessions (and queries) that connect to LISTEN_FD (or -1); reap
 * what SIGFD announces; exit once no session is left and LINGER seconds
 * (timed by TIMER) have passed (0: at once; negative: never). SIGFD and
 * TIMER from serve_prepare(); without either it exits at once: a box
 * that could not end with its last session must not live on. */
_noreturn_ void serve(int sigfd, int timer, int listen_fd, long linger);

#endif
