/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The box's mounts as data, as systemd-nspawn's MountPoint table: a list
 * of entries, each a target in the box, a kind, its options and mount
 * attributes and, once prepared, a detached tree.
 *
 *   plan_box() (policy.c)            makes the list from a rule, in the
 *                                    order the mounts are made;
 *   prepare_box_mounts() (prepare.c) the PAM face: fills every tree on the
 *                                    host, as root, with its ownership
 *                                    checks;
 *   build_box_root() (mount.c)       box init: attaches the list in order,
 *                                    in one loop, between the fixed steps
 *                                    (rootfs, /proc, /dev; pivot_root).
 *
 * A new mount is one entry; a new kind is one case in prepare.c (how its
 * tree is made on the host) and, if nsbox run may make it, in mount.c.
 * Data only: nothing here mounts. */
#ifndef NSBOX_MOUNTLIST_H
#define NSBOX_MOUNTLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An entry's tree before it is prepared (nsbox run prepares nothing), and
 * an entry prepared to be left out (an optional source that is missing). */
#define NO_TREE	     (-1)
#define SKIPPED_TREE (-2)

enum mount_kind {
	/* A new tmpfs of MODE (and SIZE); on the PAM face root's, with the
	 * mount points of the entries below it made in it. */
	MOUNT_TMPFS,
	/* The host path SOURCE, walked following root's symlinks only. */
	MOUNT_BIND,
	/* One of the host's login records SOURCE (accounting): a regular
	 * file of root's with one link that others cannot write. */
	MOUNT_LOGIN_RECORD,
};

enum mount_flags {
	/* A missing SOURCE leaves the entry out instead of failing. */
	MOUNT_SOURCE_OPTIONAL = 1 << 0,
	/* Mounted only where the rootfs has the target; never created there
	 * (the rootfs is read-only), so a rootfs without it goes without.
	 * A mount point in a tmpfs of the list is still made, by root. */
	MOUNT_TARGET_EXISTING = 1 << 1,
	/* SOURCE came from a template naming the user (%u, %U, %h): nsbox
	 * check cannot walk it for a rule no single user stands for. */
	MOUNT_SOURCE_PER_USER = 1 << 2,
};

struct mount_entry {
	enum mount_kind kind;
	char *target;	  /* in the box: absolute and normalised, not / */
	char *source;	  /* MOUNT_BIND, MOUNT_LOGIN_RECORD: the host path */
	unsigned mode;	  /* MOUNT_TMPFS: of its root directory */
	const char *size; /* MOUNT_TMPFS: size=, or NULL for the kernel's */
	/* MOUNT_TMPFS: made only to hold the mount point of the entry at this
	 * target, and left out when that one is (static; NULL: always). */
	const char *only_for;
	/* MOUNT_ATTR_*. Every tree gets nosuid and nodev whatever this says
	 * (prepare.c, mount.c): no entry can bring in setuid or device
	 * files. */
	uint64_t attrs;
	unsigned flags; /* enum mount_flags */
	/* The detached mount made by prepare_box_mounts(), NO_TREE, or
	 * SKIPPED_TREE. Owned by the struct box_mounts that prepared it. */
	int tree;
};

struct mount_list {
	struct mount_entry *entries;
	size_t n;
};

/* Append a copy of E (its strings copied, its tree NO_TREE). */
int mount_list_add(struct mount_list *l, const struct mount_entry *e);
/* Insert it before entry AT instead. */
int mount_list_insert(struct mount_list *l, size_t at, const struct mount_entry *e);
/* Leave out every entry with one of FLAGS. */
void mount_list_drop(struct mount_list *l, unsigned flags);
/* Free the entries' strings and the array (not the trees). */
void mount_list_free(struct mount_list *l);

/* The entries every box has, first in its list: /dev/shm and /tmp, tmpfs
 * of 1777 (root's on the PAM face) of SIZE (NULL: the kernel's default). */
int mount_list_add_scratch(struct mount_list *l, const char *size);
/* A configured tmpfs at TARGET of MODE and SIZE. */
int mount_list_add_tmpfs(struct mount_list *l, const char *target, unsigned mode, const char *size);
/* A bind of the host path SOURCE at TARGET in the box. */
int mount_list_add_bind(struct mount_list *l, const char *source, const char *target, bool readonly,
			unsigned flags);
/* accounting: the host's login records (see below) at the same paths,
 * appended, last, so that no other entry covers them; and, unless the
 * list has a tmpfs on /run, a tmpfs of root's for /run, inserted before
 * entry RUN_AT, to hold utmp (the rootfs is read-only and may have no
 * /run/utmp to bind onto). */
int mount_list_add_accounting(struct mount_list *l, size_t run_at);

/* The login records that sshd and login write by name after the session
 * opens: utmp (glibc's _PATH_UTMP, /var/run/utmp, is /run/utmp through
 * the rootfs's /var/run link), wtmp and lastlog. Not btmp: failed logins
 * are written before any session opens, on the host. */
#define ACCOUNTING_FILES_N 3
extern const char *const accounting_files[ACCOUNTING_FILES_N];
/* size= of the /run tmpfs made for utmp (root code may put a little more
 * there, such as pam_motd's /run/motd.dynamic; the user cannot write it). */
#define ACCOUNTING_RUN_SIZE "1m"

#endif
