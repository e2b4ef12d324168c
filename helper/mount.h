/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The box's file system: rootfs, /proc, /dev, /tmp, binds, pivot_root.
 * Called by box init, inside the box's mount namespace, with capabilities
 * only in the box's user namespace. */
#ifndef NSBOX_MOUNT_H
#define NSBOX_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

struct box_bind {
	char *source; /* host path */
	char *target; /* path inside the box */
	bool readonly;
	bool optional; /* a missing source is skipped, not an error */
};

struct box_mounts {
	const char *rootfs; /* NULL: the host's root, read-only */
	bool trusted;	    /* rootfs path and system dirs must be root's */
	bool syslog_socket; /* bind the host's /dev/log */
	const struct box_bind *binds;
	size_t n_binds;
	char *const *tmpfs; /* extra tmpfs mount points inside the box */
	size_t n_tmpfs;
};

/* Build the box's tree and pivot_root into it: afterwards "/" is the rootfs
 * (nosuid, nodev) with fresh /proc, /dev (read-only, with devpts and
 * /dev/shm) and /tmp, and the host's tree is detached. */
int build_box_root(const struct box_mounts *m);

#endif
