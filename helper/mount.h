/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The box's file system: rootfs, /proc, /dev, /tmp, binds, pivot_root.
 * Called by box init, inside the box's mount namespace, with capabilities
 * only in the box's user namespace. */
#ifndef NSBOX_MOUNT_H
#define NSBOX_MOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct box_bind {
	char *source; /* host path */
	char *target; /* path inside the box */
	bool readonly;
	bool optional; /* a missing source is skipped, not an error */
};

struct box_mounts {
	const char *rootfs; /* NULL: the host's root, read-only */
	/* The PAM face: check_rootfs() vetted the rootfs on the host; here it
	 * must be that same directory, and after all mounts the system paths
	 * must still not be the user's. */
	bool trusted;
	dev_t rootfs_dev;
	ino_t rootfs_ino;
	bool syslog_socket; /* bind the host's /dev/log */
	const struct box_bind *binds;
	size_t n_binds;
	char *const *tmpfs; /* extra tmpfs mount points inside the box */
	size_t n_tmpfs;
};

/* On the host, as root, before the box exists: the rootfs and every
 * directory above it must be root's and not writable by group or others
 * (OpenSSH's ChrootDirectory rule), and so must the files root code reads
 * in it after the application joins (/etc/passwd, /etc/group, NSS config,
 * libraries). *RET gets the rootfs's stat for build_box_root(). */
int check_rootfs(const char *rootfs, struct stat *ret);

/* Build the box's tree and pivot_root into it: afterwards "/" is the rootfs
 * (nosuid, nodev) with fresh /proc, /dev (read-only, with devpts and
 * /dev/shm) and /tmp, and the host's tree is detached. */
int build_box_root(const struct box_mounts *m);

/* After build_box_root(): bind the box's PROGRAM over LOGIN_SHELL (the
 * user's passwd shell, which must exist in the box as a regular file), so
 * that what the application execs as the login shell is PROGRAM. */
int bind_login_shell(const char *program, const char *login_shell);

#endif
