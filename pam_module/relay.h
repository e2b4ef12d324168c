/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stdio relay of a confined session (module argument "pty"): the box
 * never holds the standard fds of the program that ran su. See relay.c. */
#ifndef NSBOX_RELAY_H
#define NSBOX_RELAY_H

#include <security/pam_modules.h>
#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

struct relay {
	int sock;	   /* child -> relay: the pty master (SCM_RIGHTS) */
	int pipes[3][2];   /* std fd i is not a terminal: the pipe that replaces it */
	bool is_tty[3];	   /* std fd i is a terminal: the new pty replaces it */
	bool stderr_joins_stdout; /* 2>&1: fd 2 gets fd 1's pipe */
	int term_fd;	   /* the first std fd that is a terminal, or -1 */
	bool have_termios; /* the invoker's terminal settings, taken before any change */
	struct termios termios;
	bool have_winsize;
	struct winsize winsize;
	uid_t uid; /* the session user: owner of the new pty */
	gid_t gid;
	gid_t tty_gid; /* group "tty" of the host, or the user's group */
};

/* Before joining the box: fork. The parent becomes the relay and never
 * returns; the child, in a new session, returns 0 and goes on as the login
 * program. A negative errno means no fork happened (deny the session). */
int relay_fork(pam_handle_t *pamh, const char *user, struct relay *ret);

/* In the child, after joining: a pty of the box's devpts as the session's
 * controlling terminal, it and the pipes on fds 0-2, the master handed to
 * the relay. 0 or a negative errno (deny the session). */
int relay_attach(pam_handle_t *pamh, struct relay *r);

#endif
