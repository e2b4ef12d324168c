/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path checks and race-free path walking. Every path the helper mounts from
 * or onto is opened here, as an O_PATH fd, and used only through that fd. */
#ifndef NSBOX_PATH_H
#define NSBOX_PATH_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/* struct path_trust, path_is_normalized_absolute(): the rules every
 * walk applies, the module's too. */
#include "../common/pathcheck.h"

/* Whether PATH lies strictly below DIR ("/a/b" below "/a"; not "/a" itself,
 * nor "/ab"), and whether it is DIR or lies below it. Compares names only
 * (no file system): both normalised, without a trailing slash, so DIR is
 * never "/"; both absolute, or both relative to the same directory. */
bool path_strictly_below(const char *path, const char *dir);
bool path_at_or_below(const char *path, const char *dir);

enum walk_flags {
	/* Every directory on the way must be owned by root and not writable by
	 * group or others (sticky root-owned directories such as /tmp are
	 * accepted on the way, not at the end), like OpenSSH's
	 * ChrootDirectory check. */
	WALK_ROOT_OWNED = 1 << 0,
	/* The last component must be a directory. */
	WALK_DIRECTORY = 1 << 1,
	/* A missing component is reported as -ENOENT without a log line. */
	WALK_MISSING_OK = 1 << 2,
};

/* Walk the absolute PATH one component at a time with O_PATH|O_NOFOLLOW,
 * checking each step on the fd it opened (no window between check and use).
 * Symlinks are followed only when owned by a trusted owner (TRUST; root
 * on the host: a user can neither create nor replace those); any other is
 * an error. On success
 * *ret_fd is an O_PATH|O_CLOEXEC fd of the target and 0 is returned;
 * otherwise -errno with one log line naming the offending component. WHAT
 * names the path in messages ("rootfs", "bind source"). */
int walk_path(const char *what, const char *path, unsigned flags, struct path_trust trust,
	      int *ret_fd);

/* Check that the file at REL beneath DIRFD (not following a final symlink)
 * has a trusted owner and is not writable by group or others; a missing
 * file is fine. SHOWN is its name for messages. */
int check_root_owned_at(int dirfd, const char *rel, const char *shown, struct path_trust trust);
/* The same judgement on what fstatat(AT_SYMLINK_NOFOLLOW) reported: a
 * symlink must have a trusted owner and a single link; anything else a
 * trusted owner and no write permission for group or others. */
int check_trusted_stat(const struct stat *st, const char *shown, struct path_trust trust);

/* Open REL strictly beneath ROOTFD without following any symlink (the
 * user may own directories on the way; RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS keeps a planted link from redirecting a mount).
 * O_PATH, so FIFOs and devices are never opened. */
int open_beneath(int rootfd, const char *rel, int flags, int *ret_fd);

/* The directory we were executed from, the one of /proc/self/exe, O_PATH
 * in *RET_DIR and its path in SHOWN (SIZE bytes): only while it still holds
 * the very file running (not a directory a path now names), and only if
 * root or OWNER owns it and nobody else may write it (no sticky exception:
 * someone else's file in it could then pass for ours). Its ancestors are
 * trusted as far as the running program is. The programs beside us
 * (nsbox-init, nsbox-full) are looked up there. 0, or -errno with *RET_WHY
 * saying why in a few words. */
int open_own_dir(char *shown, size_t size, uid_t owner, int *ret_dir, const char **ret_why);

/* Execute NAME from our own directory (open_own_dir, OWNER) with ARGV and
 * ENVP: only a regular file (not a symlink), owned by root or OWNER,
 * writable by nobody else, neither setuid nor setgid. WHAT says why, in
 * the debug line. Returns only on failure: -errno, after one log line. */
int exec_beside_us(const char *name, uid_t owner, const char *what, char *const argv[],
		   char *const envp[]);

#endif
