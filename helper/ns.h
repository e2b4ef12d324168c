/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Creating the box's namespaces and writing its id maps. */
#ifndef NSBOX_NS_H
#define NSBOX_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../common/protocol.h" /* BOX_JOIN_NS */

/* Every namespace a box gets: those the application joins, and the user
 * namespace. */
#define BOX_CLONE_FLAGS (CLONE_NEWUSER | BOX_JOIN_NS)

/* Fork a child in new namespaces FLAGS (one clone3, the child is PID 1 of
 * its PID namespace when CLONE_NEWPID is set). Returns 0 in the child, the
 * child's pid in the parent with a pidfd in *ret_pidfd, or -errno. With
 * PDEATHSIG the child is killed when the parent dies. */
pid_t clone_box(unsigned long flags, bool pdeathsig, int *ret_pidfd);

/* The text written to uid_map/gid_map for one range: "INSIDE OUTSIDE COUNT\n".
 * Returns the length, or -ENOSPC/-EINVAL. */
int format_id_map(char *buf, size_t size, unsigned long inside, unsigned long outside,
		  unsigned long count);

/* Map exactly one uid and one gid into the user namespace of PID (identity
 * or not). DENY_SETGROUPS is required when the writer lacks CAP_SETGID in the
 * parent namespace (the rootless case). */
int write_id_maps(pid_t pid, uid_t uid_inside, uid_t uid_outside, gid_t gid_inside,
		  gid_t gid_outside, bool deny_setgroups);

/* Run FN(ARG) in a child that shares our file descriptors but is in the
 * mount namespace of the process PIDFD names (setns). FN returns a file
 * descriptor it opened, which is ours in *RET_FD once the child is gone,
 * or -errno. For the few things the kernel decides by the caller's mount
 * namespace. */
int call_in_mount_ns(int pidfd, int (*fn)(void *), void *arg, int *ret_fd);

/* fsopen(FSTYPE) from a throwaway copy of our mount namespace, made by a
 * short-lived thread of ours (no child: a fork of the helper costs more
 * than the rest of the devpts it is for; no setns() back: our namespace,
 * root and cwd never change). For what the kernel decides by the mount
 * namespace a context is made in. Needs CAP_SYS_ADMIN. A file descriptor,
 * or -errno. */
int fsopen_in_copied_mount_ns(const char *fstype);

/* Explain a failure to create a user namespace in words an admin can act on. */
const char *userns_failure_hint(int err);

#endif
