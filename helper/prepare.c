/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The PAM face's host side of the mounts: run by the helper as root, in the
 * host's mount namespace, before the box exists. Everything whose safety
 * depends on ownership is decided here, where ownership means what it says
 * (inside the box's user namespace every other user, root included, shows
 * as the overflow uid). Box init then only attaches the detached mounts
 * made here; it walks no host path itself.
 *
 * Privileged operations, and why each is safe:
 *  - walking the rootfs and bind sources as root: one O_PATH|O_NOFOLLOW
 *    component at a time, following only root-owned symlinks, nothing
 *    opened for reading (no FIFO or device can block us);
 *  - open_tree(OPEN_TREE_CLONE) of them: a detached copy, nothing in the
 *    host's mount table changes; flags are only added (ro, nosuid, nodev);
 *  - fsopen/fsmount of tmpfs (and /dev's devpts) as root: detached, owned
 *    by root, so nothing the application's root code later reads or writes
 *    by name in the box (/run/utmp, /run/userdb, /tmp, /dev/ptmx) can be
 *    the user's;
 *  - creating, as root, the mount points of the list's entries in those
 *    tmpfs (create_beneath: one component at a time, no symlink followed),
 *    while they are fresh, detached and seen by no one else;
 *  - entering the mount namespace of a box of the same user (a child,
 *    setns by the pidfd of its verified init) to clone its /dev/pts,
 *    which no one in that namespace can change (no process of the box has
 *    a capability there); the clone must be a devpts root and not ours;
 *  - making a new devpts instance from a copy of our mount namespace (a
 *    thread of ours unshares and calls fsopen(); the kernel decides at
 *    fsopen() by the caller's namespace), so that it gets no share of
 *    kernel.pty.reserve;
 *  - cloning the host's utmp, wtmp and lastlog (accounting): each must be
 *    a root-owned regular file with one link that others cannot write; box
 *    init binds them writable, for the application's root code, which
 *    writes them after joining as it would on the host; the user's own
 *    permissions on them are the host's (read, for 0664). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "../common/syscalls.h"
#include "audit.h"
#include "log.h"
#include "mount.h"
#include "ns.h"
#include "path.h"

static int prepare_rootfs(struct box_mounts *m)
{
	_cleanup_close_ int dirfd = -1;
	int r;

	r = walk_path("rootfs", m->rootfs, WALK_DIRECTORY | WALK_ROOT_OWNED, PATH_TRUST_ROOT,
		      &dirfd);
	if (r < 0)
		return r;
	if ((r = audit_rootfs(dirfd, m->rootfs, NULL)) < 0)
		return r;
	/* Read-only: the user cannot write it anyway, and the application's
	 * root code, which later runs with the box as its root, must not
	 * write it either. */
	return clone_tree(dirfd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
			  m->rootfs, &m->rootfs_tree);
}

/* Two boxes must never mount one upper layer (overlayfs: "upperdir is
 * in-use ... undefined behavior"; a rule renamed while the old box lingers
 * would do it): an flock on NAME.lock beside it, in the root-owned parent
 * the user cannot write, held by box init (it inherits the fd) until the
 * box is gone. */
static int lock_upper(int parent, const char *name, const char *dir, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	char lock[NAME_MAX + 1];
	struct stat st;

	if (snprintf(lock, sizeof(lock), ".%s.lock", name) >= (int)sizeof(lock))
		return log_errno(ENAMETOOLONG, "rootfs_upper %s: lock file", dir);
	fd = openat(parent, lock, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0)
		return log_errno(errno, "open(lock file of \"%s\")", dir);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0)
		return log_errno(EPERM, "lock file of \"%s\" is not a file of root's", dir);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			log_error("rootfs_upper %s is in use by another box (of another rule, or "
				  "one still exiting): one upper layer is never mounted twice",
				  dir);
			return -EBUSY;
		}
		return log_errno(errno, "flock(lock file of \"%s\")", dir);
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Open SUB of AT (O_PATH, no symlink) and check it is root's as an fd:
 * what is checked is what the overlay gets. */
static int open_layer_dir(int at, const char *sub, const char *shown, int *ret_fd)
{
	_cleanup_close_ int fd = openat(at, sub, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (fd < 0)
		return log_errno(errno, "rootfs_upper %s", shown);
	if ((r = check_root_owned_at(fd, "", shown, PATH_TRUST_ROOT)) < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* The per-user upper layer of an overlay rootfs: DIR must lie in root-owned
 * directories; nsbox makes DIR (0700) and its upper/ (0755) and work/
 * (0700), root's, on first use. The user never gets a path to them: what
 * the user writes in the box lands there through the overlay. LAYERS get
 * O_PATH fds of upper/ and work/, checked. */
static int prepare_upper(const char *dir, int layers[2], int *ret_lock)
{
	_cleanup_close_ int parent = -1, fd = -1;
	_cleanup_free_ char *copy = strdup(dir);
	char *slash = copy ? strrchr(copy, '/') : NULL;
	int r;

	if (!slash || !slash[1])
		return log_errno(EINVAL, "rootfs_upper %s", dir);
	*slash = '\0';
	if ((r = walk_path("rootfs_upper", slash == copy ? "/" : copy,
			   WALK_DIRECTORY | WALK_ROOT_OWNED, PATH_TRUST_ROOT, &parent)) < 0)
		return r;
	if (mkdirat(parent, slash + 1, 0700) < 0 && errno != EEXIST)
		return log_errno(errno, "mkdir(\"%s\")", dir);
	if ((r = open_layer_dir(parent, slash + 1, dir, &fd)) < 0 ||
	    (r = lock_upper(parent, slash + 1, dir, ret_lock)) < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		const char *sub = i == 0 ? "upper" : "work";
		char shown[PATH_MAX];

		snprintf(shown, sizeof(shown), "%s/%s", dir, sub);
		if (mkdirat(fd, sub, i == 0 ? 0755 : 0700) < 0 && errno != EEXIST)
			return log_errno(errno, "mkdir(\"%s\")", shown);
		if ((r = open_layer_dir(fd, sub, shown, &layers[i])) < 0)
			return r;
	}
	return 0;
}

/* The overlay from the checked fds, never from path strings that could be
 * walked again to something else: FSCONFIG_SET_FD for lowerdir+, upperdir
 * and workdir (Linux 6.13+); older kernels get /proc/self/fd/N of the same
 * fds, which the kernel resolves to the very directories we hold. */
static int make_overlay(int lowerfd, const int layers[2], const char *shown, int *ret_tree)
{
	static const char *const keys[] = { "lowerdir+", "upperdir", "workdir" };
	const uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	const int fds[] = { lowerfd, layers[0], layers[1] };
	char paths[3][32];
	_cleanup_close_ int fs = sys_fsopen("overlay", FSOPEN_CLOEXEC);
	int mnt, i;

	if (fs < 0)
		return log_errno(errno, "fsopen(\"overlay\")");
	for (i = 0; i < 3; i++)
		if (sys_fsconfig(fs, FSCONFIG_SET_FD, keys[i], NULL, fds[i]) < 0)
			break;
	if (i == 0 && errno == EINVAL) {
		for (i = 0; i < 3; i++)
			snprintf(paths[i], sizeof(paths[i]), "/proc/self/fd/%d", fds[i]);
		const char *opts[] = { "lowerdir", paths[0], "upperdir", paths[1],
				       "workdir",  paths[2], NULL };
		return make_fs("overlay", opts, attrs, shown, ret_tree);
	}
	if (i < 3)
		return log_errno(errno, "overlay for %s: option %s by fd", shown, keys[i]);
	if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return log_errno(errno, "mount overlay on %s", shown);
	mnt = sys_fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
	if (mnt < 0)
		return log_errno(errno, "fsmount(overlay on %s)", shown);
	*ret_tree = mnt;
	return 0;
}

/* rootfs_lower + rootfs_upper: overlayfs, made here by root. The lower is
 * checked like any rootfs, and so is the merged tree. */
static int prepare_overlay(struct box_mounts *m)
{
	char shown[2 * PATH_MAX + 32];
	_cleanup_close_ int lowerfd = -1, upperfd = -1, workfd = -1;
	int layers[2] = { -1, -1 }, r;
	struct audit_summary lower;

	/* nsbox check refuses these (overlayfs option separators); the fds
	 * need no such care, but a config that passed once stays valid. */
	if (strpbrk(m->rootfs, ",:\\") || strpbrk(m->rootfs_upper, ",:\\"))
		return log_errno(EINVAL, "rootfs_lower/rootfs_upper with ',', ':' or '\\'");
	r = walk_path("rootfs_lower", m->rootfs, WALK_DIRECTORY | WALK_ROOT_OWNED, PATH_TRUST_ROOT,
		      &lowerfd);
	if (r < 0 || (r = audit_rootfs(lowerfd, m->rootfs, &lower)) < 0)
		return r;
	r = prepare_upper(m->rootfs_upper, layers, &m->upper_lock);
	upperfd = layers[0];
	workfd = layers[1];
	if (r < 0)
		return r;
	snprintf(shown, sizeof(shown), "overlay of %s and %s/upper", m->rootfs, m->rootfs_upper);
	if ((r = make_overlay(lowerfd, layers, shown, &m->rootfs_tree)) < 0)
		return r;
	return audit_merged(m->rootfs_tree, upperfd, shown, &lower);
}

/* One of the host's login records: a regular file of root's that others
 * cannot write (root:utmp 0664 on Debian), with one link (not some other
 * root file linked there). */
static int check_login_record(int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return log_errno(errno, "stat(\"%s\")", path);
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & S_IWOTH) || st.st_nlink != 1) {
		log_error("accounting: %s must be a regular file of root's, not writable by others, "
			  "with one link",
			  path);
		return -EPERM;
	}
	return 0;
}

/* The tree of an entry that comes from the host (a bind source, a login
 * record): walked following root's symlinks only, checked on the fd it
 * opened, cloned with the entry's attributes, nosuid and nodev always.
 * A missing optional source leaves the entry out. */
static int prepare_source(struct mount_entry *e)
{
	const char *what = e->kind == MOUNT_LOGIN_RECORD ? "accounting file" : "bind source";
	bool optional = e->flags & MOUNT_SOURCE_OPTIONAL;
	_cleanup_close_ int src = -1;
	int r;

	/* For login records, directories on the way may be group-writable
	 * (Ubuntu's /var/log is root:syslog 0775): what counts is the file
	 * we opened, checked on its fd. */
	r = walk_path(what, e->source, optional ? WALK_MISSING_OK : 0, PATH_TRUST_ROOT, &src);
	if (r == -ENOENT && optional) {
		log_debug("%s %s is missing, skipped", what, e->source);
		e->tree = SKIPPED_TREE;
		return 0;
	}
	if (r < 0)
		return r;
	if (e->kind == MOUNT_LOGIN_RECORD && (r = check_login_record(src, e->source)) < 0)
		return r;
	return clone_tree(src, e->attrs | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, e->source, &e->tree);
}

/* Inside a tmpfs the user cannot write, at DIR in the box, make the mount
 * points of the entries that land in it: directories, or an empty file
 * for a file's tree (entries left out get none). */
static int make_mount_points(int tree, const char *dir, const struct box_mounts *m)
{
	for (size_t i = 0; i < m->list.n; i++) {
		const struct mount_entry *e = &m->list.entries[i];
		bool is_dir = true;
		const char *rel;
		struct stat st;
		int r;

		if (!path_strictly_below(e->target, dir))
			continue;
		if (e->kind != MOUNT_TMPFS) {
			if (e->tree < 0 || fstat(e->tree, &st) < 0)
				continue;
			is_dir = S_ISDIR(st.st_mode);
		}
		rel = e->target + strlen(dir) + 1;
		if ((r = create_beneath(tree, rel, is_dir)) < 0)
			return log_errno(-r, "mount point %s/%s", dir, rel);
	}
	return 0;
}

/* Whether the entry at TARGET has a tree (it was not left out). */
static bool entry_prepared(const struct box_mounts *m, const char *target)
{
	for (size_t i = 0; i < m->list.n; i++)
		if (streq(m->list.entries[i].target, target) && m->list.entries[i].tree >= 0)
			return true;
	return false;
}

/* A tmpfs of the list, root's, with the mount points of what lands in it;
 * one made only for an entry that was left out is left out too. */
static int prepare_tmpfs(struct box_mounts *m, struct mount_entry *e)
{
	int r;

	if (e->only_for && !entry_prepared(m, e->only_for)) {
		e->tree = SKIPPED_TREE;
		return 0;
	}
	if ((r = make_entry_tmpfs(e, true, &e->tree)) < 0)
		return r;
	return make_mount_points(e->tree, e->target, m);
}

/* Every entry's tree: first what comes from the host, then the tmpfs,
 * which need to know which entries below them have a tree and of what
 * type, for their mount points. */
static int prepare_list(struct box_mounts *m)
{
	int r;

	for (size_t i = 0; i < m->list.n; i++)
		if (m->list.entries[i].kind != MOUNT_TMPFS &&
		    (r = prepare_source(&m->list.entries[i])) < 0)
			return r;
	for (size_t i = 0; i < m->list.n; i++)
		if (m->list.entries[i].kind == MOUNT_TMPFS &&
		    (r = prepare_tmpfs(m, &m->list.entries[i])) < 0)
			return r;
	return 0;
}

/* /dev, root's: a user-owned /dev would let the user plant what the
 * application's root code opens there (/dev/ptmx, /dev/tty). Read-only
 * before anyone but root has seen it; box init only binds onto it. */
static int prepare_dev(struct box_mounts *m)
{
	static const char *const opts[] = { "mode", "0755", "uid", "0", "gid", "0",
					    "size", "64k", NULL };
	int r;

	if ((r = make_fs("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev",
			 &m->dev_tree)) < 0 ||
	    (r = make_dev_entries(m->dev_tree, m->syslog_socket)) < 0)
		return r;
	if (sys_mount_setattr(m->dev_tree, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, 0, 0) < 0)
		return log_errno(errno, "mount_setattr(/dev, ro)");
	/* One devpts instance for all of the user's boxes, so that its max=
	 * caps their ptys together, whichever box holds them, and wherever
	 * their fds were passed. Made here, by root in the host's user
	 * namespace, its pts/ptmx is root's (made in box init, it would be
	 * the user's), and the user cannot remount it with another max=. */
	if (m->user_devpts >= 0) {
		m->devpts_tree = fcntl(m->user_devpts, F_DUPFD_CLOEXEC, 3);
		return m->devpts_tree < 0 ? log_errno(errno, "dup(devpts)") : 0;
	}
	return make_devpts("/dev/pts", m->ptys_max, true, &m->devpts_tree);
}

/* In the box's mount namespace (call_in_mount_ns): a clone of its
 * /dev/pts, if it is a devpts instance other than OURS (the devpts the
 * helper sees at /dev/pts). */
static int clone_devpts_here(void *ours)
{
	_cleanup_close_ int fd = -1;
	struct statfs sfs;
	struct stat st;
	int tree, r;

	fd = sys_openat2(AT_FDCWD, "/dev/pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
			 RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return log_errno(errno, "open(\"/dev/pts\") in a box of the user");
	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0)
		return log_errno(errno, "stat(\"/dev/pts\") in a box of the user");
	/* The root of a devpts instance (inode 1), and not the host's. */
	if (sfs.f_type != DEVPTS_SUPER_MAGIC || st.st_ino != 1 || st.st_dev == *(dev_t *)ours) {
		log_error("/dev/pts in a box of the user is not a devpts instance of its own");
		return -EPERM;
	}
	r = clone_tree(fd, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev/pts of a box of the user",
		       &tree);
	return r < 0 ? r : tree;
}

int clone_box_devpts(int pidfd, int *ret_tree)
{
	dev_t ours = 0;
	struct stat st;

	if (stat("/dev/pts", &st) == 0)
		ours = st.st_dev;
	return call_in_mount_ns(pidfd, clone_devpts_here, &ours, ret_tree);
}

int prepare_box_mounts(struct box_mounts *m)
{
	int r;

	box_mounts_init(m);
	m->trusted = true;
	r = m->rootfs_upper ? prepare_overlay(m) : prepare_rootfs(m);
	if (r == 0)
		r = prepare_list(m);
	if (r == 0)
		r = prepare_dev(m);
	if (r < 0)
		box_mounts_release(m);
	return r;
}
