/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The box's file system: rootfs, /proc, /dev, the list of mounts
 * (mountlist.h: /tmp, tmpfs, binds, login records), pivot_root.
 * build_box_root() runs in box init, inside the box's mount namespace,
 * with capabilities only in the box's user namespace. For the PAM face,
 * prepare_box_mounts() (prepare.c) first does on the host, as root,
 * everything whose safety depends on who owns what, and hands box init
 * ready-made detached mounts. */
#ifndef NSBOX_MOUNT_H
#define NSBOX_MOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "mountlist.h"
#include "path.h"

/* Terminals one box of the rootless face may hold at once (its devpts
 * instance's max=); the PAM face takes ptys_max of the rule. */
#define BOX_PTYS_MAX 128

struct box_mounts {
	const char *rootfs; /* NULL: the host's root, read-only */
	/* PAM face: an overlay of rootfs (the lower, shared and read-only)
	 * and this per-user directory (its upper and work directories). */
	const char *rootfs_upper;
	/* The PAM face: the rootfs and everything the user must not own was
	 * vetted on the host; after all mounts the system paths must still
	 * not be the user's. */
	bool trusted;
	bool syslog_socket; /* bind the host's /dev/log */
	/* PAM face: the devpts instance of the user's other boxes (a detached
	 * clone, the caller's), or -1 for a new one that holds at most
	 * ptys_max ptys. */
	int user_devpts;
	long ptys_max;
	/* Everything mounted after /dev, in order (the plan's list, whose
	 * trees prepare_box_mounts() fills; nsbox run's prepares none). */
	struct mount_list list;
	/* Filled by prepare_box_mounts(), else NO_TREE. */
	int rootfs_tree;
	/* /dev: root's tmpfs, read-only, with the mount points of the nodes,
	 * pts and shm, and the links; and its devpts instance, root's. */
	int dev_tree, devpts_tree;
	/* Overlay: the flock on rootfs_upper's lock file, or -1. Box init
	 * keeps its copy (and the lock) until it exits. */
	int upper_lock;
};

/* Every tree fd NO_TREE (the list's too), ready for the rootless face or
 * for prepare. */
void box_mounts_init(struct box_mounts *m);
void box_mounts_release(struct box_mounts *m);

/* On the host, as root, before the box exists (prepare.c):
 *  - the rootfs and every directory above it must be root's and not
 *    writable by group or others (OpenSSH's ChrootDirectory rule), and so
 *    must the files root code reads in it once the application has joined;
 *    it is cloned read-only, nosuid, nodev;
 *  - the list's tmpfs (/dev/shm, /tmp, the configured ones, accounting's
 *    /run) are created owned by root (the application's root code writes
 *    utmp and reads NSS data by fixed names: nothing it reads may be the
 *    user's), with the mount points of the entries below them inside;
 *  - bind sources are walked following root-owned symlinks only and
 *    cloned nosuid, nodev;
 *  - /dev is a tmpfs of root's with the mount points box init binds the
 *    device nodes, devpts and /dev/shm onto, read-only; its devpts
 *    instance is made here too, so /dev/pts/ptmx is root's;
 *  - login records (accounting: the host's utmp, wtmp and lastlog) must be
 *    root-owned regular files with one link, and are cloned.
 * On failure one error is logged and everything made so far released. */
int prepare_box_mounts(struct box_mounts *m);

/* The devpts instance of the box whose init PIDFD names, as a detached
 * clone in *RET_TREE (for another box of the same user). */
int clone_box_devpts(int pidfd, int *ret_tree);

/* nsbox run's counterpart of prepare_box_mounts(), in box init, as the
 * caller, in a user namespace of the caller's: the caller's rootfs (or the
 * host's root, read-only) cloned nosuid, nodev; /dev, a tmpfs with the
 * mount points of the nodes and links, and a devpts instance of
 * BOX_PTYS_MAX; the list's tmpfs (it may hold nothing else). Nothing here
 * needs more than the caller has; no ownership is checked (the tree is the
 * caller's own). */
int prepare_own_mounts(struct box_mounts *m);

/* Build the box's tree from prepared mounts and pivot_root into it: afterwards "/" is the rootfs
 * (nosuid, nodev) with fresh /proc, /dev (read-only, with devpts) and the
 * list's mounts (/dev/shm, /tmp, ...), and the host's tree is detached. */
int build_box_root(const struct box_mounts *m, struct path_trust trust);

/* After build_box_root(): bind the box's PROGRAM over LOGIN_SHELL (the
 * user's passwd shell, which must exist in the box as a regular file), so
 * that what the application execs as the login shell is PROGRAM. */
int bind_login_shell(const char *program, const char *login_shell);

/* Primitives shared by mount.c and prepare.c. */

/* A new, detached file system of FSTYPE with string options OPTS (pairs of
 * key, value; a NULL value sets a flag) and mount attributes ATTRS. */
int make_fs(const char *fstype, const char *const *opts, uint64_t attrs, const char *shown,
	    int *ret_tree);
/* A detached clone of the tree at FD (recursive), with ATTRS added. */
int clone_tree(int fd, uint64_t attrs, const char *shown, int *ret_tree);
/* Create what is missing of REL beneath ROOTFD, one component at a time,
 * never following a symlink; the last component is a directory if DIR,
 * else an empty file. Returns 0 or -errno. */
int create_beneath(int rootfd, const char *rel, bool dir);
/* A new tmpfs for entry E, of its mode and size; owned by root (uid=0,
 * gid=0) if ROOT_OWNED, else by whoever makes it. */
int make_entry_tmpfs(const struct mount_entry *e, bool root_owned, int *ret_tree);
/* Attach the detached TREE on TARGET_FD. */
int attach_tree(int tree, int target_fd, const char *shown);
/* The entries of a box's /dev in the directory DEVFD: empty files where
 * device nodes (and /dev/log with SYSLOG_SOCKET, if the host has it) are
 * bound, pts and shm, and the links (ptmx, fd, stdin, ...). */
int make_dev_entries(int devfd, bool syslog_socket);
/* A new devpts instance for boxes (detached) that holds at most MAX ptys;
 * with NO_RESERVE never any of the kernel.pty.reserve ones. */
int make_devpts(const char *shown, long max, bool no_reserve, int *ret_tree);

#endif
