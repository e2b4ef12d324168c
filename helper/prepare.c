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
 *  - fsopen/fsmount of tmpfs as root: detached, owned by root, so nothing
 *    the application's root code later reads or writes by name in the box
 *    (/run/utmp, /run/userdb, /tmp) can be the user's. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "log.h"
#include "mount.h"
#include "path.h"
#include "syscalls.h"

static bool under(const char *path, const char *dir)
{
	const char *rest = startswith(path, dir);
	return rest && *rest == '/';
}

static int prepare_rootfs(struct box_mounts *m)
{
	_cleanup_close_ int dirfd = -1;
	int r;

	r = walk_path("rootfs", m->rootfs, WALK_DIRECTORY | WALK_ROOT_OWNED, &dirfd);
	if (r < 0)
		return r;
	if ((r = check_system_paths(dirfd, m->rootfs, true)) < 0)
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

/* The per-user upper layer of an overlay rootfs: DIR must lie in root-owned
 * directories; nsbox makes DIR (0700) and its upper/ (0755) and work/
 * (0700), root's, on first use. The user never gets a path to them: what
 * the user writes in the box lands there through the overlay. */
static int prepare_upper(const char *dir, char *upper, char *work, size_t size, int *ret_lock)
{
	_cleanup_close_ int parent = -1, fd = -1;
	_cleanup_free_ char *copy = strdup(dir);
	char *slash = copy ? strrchr(copy, '/') : NULL;
	int r;

	if (!slash || !slash[1])
		return log_errno(EINVAL, "rootfs_upper %s", dir);
	*slash = '\0';
	if ((r = walk_path("rootfs_upper", slash == copy ? "/" : copy,
			   WALK_DIRECTORY | WALK_ROOT_OWNED, &parent)) < 0)
		return r;
	if (mkdirat(parent, slash + 1, 0700) < 0 && errno != EEXIST)
		return log_errno(errno, "mkdir(\"%s\")", dir);
	if ((r = check_root_owned_at(parent, slash + 1, dir)) < 0 ||
	    (r = lock_upper(parent, slash + 1, dir, ret_lock)) < 0)
		return r;
	fd = openat(parent, slash + 1, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return log_errno(errno, "rootfs_upper %s", dir);
	for (const char *sub = "upper"; sub; sub = streq(sub, "upper") ? "work" : NULL) {
		char shown[PATH_MAX];
		snprintf(shown, sizeof(shown), "%s/%s", dir, sub);
		if (mkdirat(fd, sub, streq(sub, "upper") ? 0755 : 0700) < 0 && errno != EEXIST)
			return log_errno(errno, "mkdir(\"%s\")", shown);
		if ((r = check_root_owned_at(fd, sub, shown)) < 0)
			return r;
	}
	snprintf(upper, size, "%s/upper", dir);
	snprintf(work, size, "%s/work", dir);
	return 0;
}

/* rootfs_lower + rootfs_upper: overlayfs, made here by root. The lower is
 * checked like any rootfs, and so is the merged tree. */
static int prepare_overlay(struct box_mounts *m)
{
	char upper[PATH_MAX], work[PATH_MAX], shown[2 * PATH_MAX + 32];
	_cleanup_close_ int lowerfd = -1;
	int r;

	/* Overlay options are a comma and colon separated string. */
	if (strpbrk(m->rootfs, ",:\\") || strpbrk(m->rootfs_upper, ",:\\"))
		return log_errno(EINVAL, "rootfs_lower/rootfs_upper with ',', ':' or '\\'");
	r = walk_path("rootfs_lower", m->rootfs, WALK_DIRECTORY | WALK_ROOT_OWNED, &lowerfd);
	if (r < 0 || (r = check_system_paths(lowerfd, m->rootfs, true)) < 0 ||
	    (r = prepare_upper(m->rootfs_upper, upper, work, sizeof(upper), &m->upper_lock)) < 0)
		return r;
	const char *opts[] = { "lowerdir", m->rootfs, "upperdir", upper, "workdir", work, NULL };
	snprintf(shown, sizeof(shown), "overlay of %s and %s", m->rootfs, upper);
	r = make_fs("overlay", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, shown, &m->rootfs_tree);
	if (r < 0)
		return r;
	return check_system_paths(m->rootfs_tree, shown, true);
}

static int prepare_binds(struct box_mounts *m)
{
	for (size_t i = 0; i < m->n_binds; i++) {
		struct box_bind *b = &m->binds[i];
		uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
		_cleanup_close_ int src = -1;
		int r;

		r = walk_path("bind source", b->source, b->optional ? WALK_MISSING_OK : 0, &src);
		if (r == -ENOENT && b->optional) {
			log_debug("optional bind source %s is missing, skipped", b->source);
			b->tree = SKIPPED_TREE;
			continue;
		}
		if (r < 0)
			return r;
		if (b->readonly)
			attrs |= MOUNT_ATTR_RDONLY;
		if ((r = clone_tree(src, attrs, b->source, &b->tree)) < 0)
			return r;
	}
	return 0;
}

/* Inside a tmpfs the user cannot write, make the mount points of the binds
 * that land in it (directories, or an empty file for a file bind). */
static int make_mount_points(int tree, const char *tmpfs, const struct box_mounts *m)
{
	for (size_t i = 0; i < m->n_binds; i++) {
		const struct box_bind *b = &m->binds[i];
		const char *rel;
		struct stat st;
		int r;

		if (b->tree < 0 || !under(b->target, tmpfs) || fstat(b->tree, &st) < 0)
			continue;
		rel = b->target + strlen(tmpfs) + 1;
		if ((r = create_beneath(tree, rel, S_ISDIR(st.st_mode))) < 0)
			return log_errno(-r, "mount point %s/%s", tmpfs, rel);
	}
	return 0;
}

static int prepare_tmpfs(struct box_mounts *m)
{
	const char *sticky[] = { "mode", "1777", "uid", "0", "gid", "0",
				 m->tmpfs_size ? "size" : NULL, m->tmpfs_size, NULL };
	char mode[8] = "0755";
	const char *plain[] = { "mode", mode, "uid", "0", "gid", "0",
				m->tmpfs_size ? "size" : NULL, m->tmpfs_size, NULL };
	const uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	int r;

	if ((r = make_fs("tmpfs", sticky, attrs, "/tmp", &m->tmp_tree)) < 0 ||
	    (r = make_fs("tmpfs", sticky, attrs, "/dev/shm", &m->shm_tree)) < 0)
		return r;
	if (m->n_tmpfs == 0)
		return 0;
	m->tmpfs_trees = calloc(m->n_tmpfs, sizeof(int));
	if (!m->tmpfs_trees)
		return log_errno(ENOMEM, "tmpfs");
	for (size_t i = 0; i < m->n_tmpfs; i++)
		m->tmpfs_trees[i] = NO_TREE;
	for (size_t i = 0; i < m->n_tmpfs; i++) {
		snprintf(mode, sizeof(mode), "%04o", m->tmpfs_modes ? m->tmpfs_modes[i] : 0755);
		if ((r = make_fs("tmpfs", plain, attrs, m->tmpfs[i], &m->tmpfs_trees[i])) < 0 ||
		    (r = make_mount_points(m->tmpfs_trees[i], m->tmpfs[i], m)) < 0)
			return r;
	}
	return 0;
}

int prepare_box_mounts(struct box_mounts *m)
{
	int r;

	box_mounts_init(m);
	m->trusted = true;
	r = m->rootfs_upper ? prepare_overlay(m) : prepare_rootfs(m);
	if (r == 0)
		r = prepare_binds(m);
	if (r == 0)
		r = prepare_tmpfs(m);
	if (r < 0)
		box_mounts_release(m);
	return r;
}
