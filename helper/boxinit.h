/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Box init of the PAM face: how the helper starts it and what it does.
 * How a later session of a shared box gets hold of it: boxsocket.h. */
#ifndef NSBOX_BOXINIT_H
#define NSBOX_BOXINIT_H

#include <sys/types.h>

#include "config.h"
#include "policy.h"

struct box_start {
	const struct user_info *user;
	const struct box_plan *plan;
	const struct rule *rule;
	const char *pause_step; /* test builds: where to wait for SIGUSR1 */
	/* Shared boxes: init accepts further sessions on this listening
	 * socket; -1 for a box of one session (it lives as long as fd 3). */
	int listen_fd;
	/* The devpts instance of the user's other boxes (a detached clone,
	 * the caller's), or -1: a new one, of the rule's ptys_max. */
	int devpts_tree;
};

/* Check and prepare on the host, clone box init into its namespaces, write
 * its id maps and wait (30 s at most) until it reports the box ready. On
 * success box init runs on (it outlives the helper) and *RET_PID and
 * *RET_PIDFD say which it is. */
int start_box_init(const struct box_start *b, pid_t *ret_pid, int *ret_pidfd);

/* nsbox check: start_box_init() (host checks, box init builds the tree and
 * checks the login shell as the user), then stop the box at once. Nothing
 * is recorded; a rootfs_upper directory is made as a first login would. */
int try_box(const struct box_start *b);

/* Only the host half of start_box_init(): the rootfs (or overlay), system
 * paths and bind sources, as root, for a rule no single user stands for.
 * Makes nothing but detached mounts, released at once. */
int check_box_host_side(const struct box_start *b);

#endif
