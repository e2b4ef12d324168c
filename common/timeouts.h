/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How long nsbox waits, and for what: every timeout in one place, so that
 * the one that must outlast others can be seen to (and is checked to). */
#ifndef NSBOX_TIMEOUTS_H
#define NSBOX_TIMEOUTS_H

/* The module, for the helper's reply: longer than the helper's own waits
 * for one login (checked below), so that a slow box gets its own error. */
#define HELPER_TIMEOUT_MS (60 * 1000)

/* The helper, for box init to build the box. */
#define SETUP_TIMEOUT_MS (30 * 1000)
/* The helper, for a shared box's init to count a new session: it answers
 * at once unless the user has stopped it or starved it (their own box). */
#define JOIN_TIMEOUT_MS (10 * 1000)
/* The helper, for a shared box that did not count the session to exit
 * (its linger ran out as we came): then it is replaced, else refused. */
#define EXITING_BOX_WAIT_MS 2000
/* nsbox list, for a shared box's number of sessions. */
#define QUERY_TIMEOUT_MS 2000
/* nsbox stop, for a killed box's init to exit. */
#define STOP_TIMEOUT_MS 5000
/* Box init out of file descriptors with a session queued: before it
 * tries to accept again (rather than spin on the readable listener). */
#define ACCEPT_RETRY_MS 100
/* How long box init lets the login that started its box go through before
 * it executes nsbox-init (boxinit.c): the exec then takes no login's time
 * on a machine with few CPUs. Sessions' sockets wait meanwhile. */
#define INIT_EXEC_DELAY_MS 20

/* A login that finds its shared box exiting waits for the join, the exit
 * and a new box's setup, one after the other. */
_Static_assert(HELPER_TIMEOUT_MS > JOIN_TIMEOUT_MS + EXITING_BOX_WAIT_MS + SETUP_TIMEOUT_MS,
	       "the module outwaits the helper");

#endif
