/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The listening socket of a shared box (in NSBOX_BOXES_DIR, root-only):
 * what goes over it, and the helper's side of it. A peer connects and
 * says one byte first: HELLO_SESSION, and box init counts it as a session
 * for as long as the connection is open, answering SESSION_COUNTED once it
 * has; or HELLO_QUERY, and box init answers with its number of sessions
 * ("N\n") and closes. Box init's side is serve() in boxinit.c. */
#ifndef NSBOX_BOXSOCKET_H
#define NSBOX_BOXSOCKET_H

#define HELLO_SESSION	'S'
#define HELLO_QUERY	'Q'
#define SESSION_COUNTED 'A'

/* A socket listening at PATH (root-only directory), for a shared box. */
int make_box_listener(const char *path, int *ret_fd);

/* A new session's hold on the shared box listening at PATH: while the
 * returned fd is open the box counts the session. Returns once box init has
 * counted it; -ECONNRESET if box init went away first (linger over),
 * -ETIMEDOUT if it did not answer, -EAGAIN if its backlog is full. */
int connect_box(const char *path, int *ret_fd);

/* How many sessions the shared box listening at PATH has. */
int query_box_sessions(const char *path, int *ret_n);

#endif
