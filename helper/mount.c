/* SPDX-License-Identifier: GPL-2.0-or-later */
/* All mounts use the new mount API on fds: sources are detached trees made
 * from fds that walk_path() vetted, targets come from open_beneath(), so no
 * path string is walked twice and a symlink the user plants cannot redirect
 * a mount (firejail CVE-2021-26910, pam_namespace CVE-2025-6020). */
#include "mount.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/syscalls.h"
#include "audit.h"
#include "log.h"
#include "ns.h"
#include "path.h"

/* The box root: its mount fd and the host path it came from (messages). */
struct root {
	int fd;
	const char *shown;
};

/* Whether an entry of the list may have put something into a code
 * directory, so that its entries must be checked again after mounting. */
static bool mounts_touch_code_dirs(const struct box_mounts *m)
{
	for (size_t i = 0; i < m->list.n; i++)
		if (path_overlaps_code_dir(m->list.entries[i].target))
			return true;
	return false;
}

void box_mounts_init(struct box_mounts *m)
{
	m->rootfs_tree = m->dev_tree = m->devpts_tree = NO_TREE;
	m->upper_lock = -1;
	for (size_t i = 0; i < m->list.n; i++)
		m->list.entries[i].tree = NO_TREE;
}

void box_mounts_release(struct box_mounts *m)
{
	closep(&m->rootfs_tree);
	closep(&m->dev_tree);
	closep(&m->devpts_tree);
	closep(&m->upper_lock);
	m->upper_lock = -1;
	for (size_t i = 0; i < m->list.n; i++)
		if (m->list.entries[i].tree >= 0)
			closep(&m->list.entries[i].tree);
}

/* FS, an fsopen()ed context: set OPTS, create, and mount it detached. */
static int make_fs_from(int fs, const char *fstype, const char *const *opts, uint64_t attrs,
			const char *shown, int *ret_tree)
{
	int mnt;

	for (size_t i = 0; opts && opts[i]; i += 2) {
		unsigned cmd = opts[i + 1] ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG;
		if (sys_fsconfig(fs, cmd, opts[i], opts[i + 1], 0) < 0)
			return log_errno(errno, "%s for %s: option %s=%s", fstype, shown, opts[i],
					 opts[i + 1] ? opts[i + 1] : "");
	}
	if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return log_errno(errno, "mount %s on %s", fstype, shown);
	mnt = sys_fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
	if (mnt < 0)
		return log_errno(errno, "fsmount(%s on %s)", fstype, shown);
	*ret_tree = mnt;
	return 0;
}

int make_fs(const char *fstype, const char *const *opts, uint64_t attrs, const char *shown,
	    int *ret_tree)
{
	_cleanup_close_ int fs = sys_fsopen(fstype, FSOPEN_CLOEXEC);

	if (fs < 0)
		return log_errno(errno, "fsopen(\"%s\")", fstype);
	return make_fs_from(fs, fstype, opts, attrs, shown, ret_tree);
}

int clone_tree(int fd, uint64_t attrs, const char *shown, int *ret_tree)
{
	_cleanup_close_ int tree = -1;

	tree = sys_open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
					     AT_RECURSIVE);
	if (tree < 0)
		return log_errno(errno, "open_tree(%s)", shown);
	/* A clone stays in its source's peer group: on a host where "/" is
	 * shared (systemd makes it so), every mount later made on or under
	 * the copy (proc, /dev, binds) would propagate back into the host's
	 * mount table, and pivot_root refuses a shared new root. Private,
	 * recursively, before anything is mounted on it; nothing the host
	 * mounts later should reach a box either (see SECURITY.md).
	 * mount_setattr() only adds flags, so a read-only or noexec source
	 * stays so (a remount with only nosuid,nodev would fail on those). */
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs, 0, MS_PRIVATE) < 0)
		return log_errno(errno, "mount_setattr(%s)", shown);
	*ret_tree = TAKE_FD(tree);
	return 0;
}

int attach_tree(int tree, int target_fd, const char *shown)
{
	if (sys_move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return log_errno(errno, "move_mount(%s)", shown);
	return 0;
}

int make_entry_tmpfs(const struct mount_entry *e, bool root_owned, int *ret_tree)
{
	char mode[8];
	const char *opts[9] = { "mode", mode }, **o = opts + 2;

	snprintf(mode, sizeof(mode), "%04o", e->mode);
	if (root_owned) {
		*o++ = "uid", *o++ = "0";
		*o++ = "gid", *o++ = "0";
	}
	if (e->size)
		*o++ = "size", *o++ = e->size;
	return make_fs("tmpfs", opts, e->attrs | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, e->target,
		       ret_tree);
}

/* The rootless face: clone the caller's rootfs (or the host root,
 * read-only) in box init. The PAM face's is made by the helper. */
static int clone_rootfs(const struct box_mounts *m, int *ret_tree)
{
	_cleanup_close_ int dirfd = -1;
	const char *path = m->rootfs ? m->rootfs : "/";
	uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	int r;

	if (!m->rootfs)
		attrs |= MOUNT_ATTR_RDONLY;
	r = walk_path("rootfs", path, WALK_DIRECTORY, PATH_TRUST_ROOT, &dirfd);
	if (r < 0)
		return r;
	return clone_tree(dirfd, attrs, path, ret_tree);
}

/* Put the rootfs tree on top of "/" of the box's (private) mount namespace,
 * ready to become "/" by pivot_root. */
static int mount_rootfs(const struct box_mounts *m, struct root *ret)
{
	_cleanup_close_ int tree = -1, slash = -1;
	int r;

	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return log_errno(errno, "mount(\"/\", MS_REC|MS_PRIVATE)");
	tree = fcntl(m->rootfs_tree, F_DUPFD_CLOEXEC, 3);
	if (tree < 0)
		return log_errno(errno, "dup(rootfs)");
	slash = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (slash < 0)
		return log_errno(errno, "open(\"/\")");
	if ((r = attach_tree(tree, slash, m->rootfs ? m->rootfs : "/")) < 0)
		return r;
	ret->fd = TAKE_FD(tree);
	ret->shown = m->rootfs ? m->rootfs : "";
	return 0;
}

/* Create what is missing of REL beneath ROOTFD, one component at a time,
 * never following a symlink; the last component is a directory if DIR,
 * else an empty file. Runs with the user's own file permissions (PAM face),
 * so it only succeeds where the user could create the path anyway. */
int create_beneath(int rootfd, const char *rel, bool dir)
{
	char path[PATH_MAX], *comp, *save = NULL;
	_cleanup_close_ int parent = -1;
	int r;

	if (snprintf(path, sizeof(path), "%s", rel) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	parent = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0)
		return -errno;
	for (comp = strtok_r(path, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		bool last = !save || *save == '\0';
		bool want_dir = !last || dir;
		int next = -1;

		r = open_beneath(parent, comp, want_dir ? O_DIRECTORY : 0, &next);
		if (r == -ENOENT) {
			if (want_dir)
				r = mkdirat(parent, comp, 0755) < 0 ? -errno : 0;
			else {
				int fd = openat(parent, comp,
						O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
				r = fd < 0 ? -errno : (close(fd), 0);
			}
			if (r == 0)
				r = open_beneath(parent, comp, want_dir ? O_DIRECTORY : 0, &next);
		}
		if (r < 0)
			return r;
		closep(&parent);
		parent = next;
	}
	return 0;
}

/* Open the mount point REL inside the box, creating it if it is missing and
 * the user could create it. */
static int open_mount_point(const struct root *root, const char *rel, bool dir, int *ret_fd)
{
	int r = open_beneath(root->fd, rel, dir ? O_DIRECTORY : 0, ret_fd);

	if (r == -ENOENT) {
		r = create_beneath(root->fd, rel, dir);
		if (r < 0 && r != -ELOOP)
			return log_errno(-r, "mount point %s/%s is missing and cannot be created",
					 root->shown, rel);
		if (r == 0)
			r = open_beneath(root->fd, rel, dir ? O_DIRECTORY : 0, ret_fd);
	}
	if (r == -ELOOP)
		log_error("mount point %s/%s: a symlink is in the way", root->shown, rel);
	else if (r < 0)
		log_errno(-r, "mount point %s/%s", root->shown, rel);
	return r;
}

/* A new /proc: made here, by box init, as only it can (a proc shows the
 * PID namespace of whoever mounts it). */
static int mount_proc(const struct root *root)
{
	static const char *const opts[] = { NULL };
	_cleanup_close_ int target = -1, mnt = -1;
	char shown[PATH_MAX];
	int r;

	r = open_mount_point(root, "proc", true, &target);
	if (r < 0)
		return r;
	snprintf(shown, sizeof(shown), "%s/proc", root->shown);
	if ((r = make_fs("proc", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			 shown, &mnt)) < 0)
		return r;
	return attach_tree(mnt, target, shown);
}

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

/* Bind a host device node (or socket) onto the placeholder DEVFD/NAME. The
 * host's /dev is trusted; the placeholder lives on the box's fresh tmpfs. */
static int bind_host_node(int devfd, const char *host_path, const char *name)
{
	_cleanup_close_ int src = -1, target = -1, tree = -1;
	int r;

	src = open(host_path, O_PATH | O_CLOEXEC);
	if (src < 0)
		return log_errno(errno, "open(\"%s\")", host_path);
	target = openat(devfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return log_errno(errno, "open /dev/%s", name);
	if ((r = clone_tree(src, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, host_path, &tree)) < 0)
		return r;
	return attach_tree(tree, target, host_path);
}

static int make_placeholder(int devfd, const char *name)
{
	int fd = openat(devfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);

	if (fd < 0)
		return log_errno(errno, "create /dev/%s", name);
	close(fd);
	return 0;
}

int make_dev_entries(int devfd, bool syslog_socket)
{
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" },		{ "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};
	struct stat st;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++)
		if ((r = make_placeholder(devfd, dev_nodes[i])) < 0)
			return r;
	/* Without the host's /dev/log there is nothing to bind (box init
	 * warns). */
	if (syslog_socket && stat("/dev/log", &st) == 0 && (r = make_placeholder(devfd, "log")) < 0)
		return r;
	if (mkdirat(devfd, "pts", 0755) < 0 || mkdirat(devfd, "shm", 01777) < 0)
		return log_errno(errno, "mkdir /dev/pts, /dev/shm");
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][0], devfd, links[i][1]) < 0)
			return log_errno(errno, "symlink /dev/%s", links[i][1]);
	return 0;
}

/* A devpts instance for boxes.
 * max: every devpts instance but the host's draws on one pool
 * (kernel.pty.max); without a cap one box could take it all and leave
 * other users' logins without a terminal.
 * NO_RESERVE: the kernel lets an instance made from the initial mount
 * namespace (where the helper runs on a real host) use the last
 * kernel.pty.reserve ptys too, which are kept for the host's own
 * logins; so the context is made in a copy of our mount namespace
 * (fsopen_in_copied_mount_ns).
 * No gid=5: made in box init (rootless face), the tty group is not mapped
 * there; the login program's root code chowns its ptys. */
int make_devpts(const char *shown, long max, bool no_reserve, int *ret_tree)
{
	char max_text[24];
	const char *const devpts_opts[] = { "newinstance", NULL, "ptmxmode", "0666",
					    "mode", "0620", "max", max_text, NULL };
	_cleanup_close_ int fs = -1;
	int r;

	snprintf(max_text, sizeof(max_text), "%ld", max);
	if (max < 1)
		return log_errno(EINVAL, "devpts for %s: max=%ld", shown, max);
	if (no_reserve)
		r = fs = fsopen_in_copied_mount_ns("devpts");
	else if ((r = fs = sys_fsopen("devpts", FSOPEN_CLOEXEC)) < 0)
		r = log_errno(errno, "fsopen(\"devpts\")");
	if (r < 0)
		return r;
	return make_fs_from(fs, "devpts", devpts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, shown,
			    ret_tree);
}

/* Onto the placeholders of /dev (DEVFD): the host's nodes and devpts.
 * /dev/shm is an entry of the list. */
static int populate_dev(int devfd, const struct box_mounts *m)
{
	_cleanup_close_ int pts = -1;
	struct stat st;
	char host[64];
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		snprintf(host, sizeof(host), "/dev/%s", dev_nodes[i]);
		if ((r = bind_host_node(devfd, host, dev_nodes[i])) < 0)
			return r;
	}
	pts = openat(devfd, "pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pts < 0)
		return log_errno(errno, "open /dev/pts");
	if ((r = attach_tree(m->devpts_tree, pts, "/dev/pts")) < 0)
		return r;
	if (!m->syslog_socket)
		return 0;
	if (stat("/dev/log", &st) < 0 || fstatat(devfd, "log", &st, AT_SYMLINK_NOFOLLOW) < 0) {
		log_warning("syslog_socket: the host has no /dev/log to bind into the box");
		return 0;
	}
	return bind_host_node(devfd, "/dev/log", "log");
}

/* /dev: the prepared tmpfs (the PAM face's is root's), read-only already;
 * made so again after the binds onto it, whichever face made it: the
 * application's root code later opens /dev/ptmx and friends there. */
static int mount_dev(const struct root *root, const struct box_mounts *m)
{
	_cleanup_close_ int dev = -1, target = -1;
	int r;

	dev = fcntl(m->dev_tree, F_DUPFD_CLOEXEC, 3);
	if (dev < 0)
		return log_errno(errno, "dup(/dev)");
	r = open_mount_point(root, "dev", true, &target);
	if (r < 0 || (r = attach_tree(dev, target, "/dev")) < 0 || (r = populate_dev(dev, m)) < 0)
		return r;
	if (sys_mount_setattr(dev, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, 0, 0) < 0)
		return log_errno(errno, "mount_setattr(/dev, ro)");
	return 0;
}

/* Attach entry E at its target in the box, on a mount point opened beneath
 * the root without following a symlink, and created (with the user's own
 * permissions) only where the entry allows and the user could anyway. */
static int mount_entry(const struct root *root, const struct mount_entry *e)
{
	_cleanup_close_ int tree = -1, target = -1;
	const char *rel = e->target + 1;
	char shown[PATH_MAX];
	struct stat st;
	bool dir;
	int r;

	if (e->tree == SKIPPED_TREE)
		return 0;
	/* Every tree was prepared (prepare_box_mounts(), or for nsbox run
	 * prepare_own_mounts()); a host path is walked only there. */
	if (e->tree < 0)
		return log_errno(EINVAL, "%s: not prepared", e->target);
	tree = fcntl(e->tree, F_DUPFD_CLOEXEC, 3);
	if (tree < 0 || fstat(tree, &st) < 0)
		return log_errno(errno, "%s", e->source ? e->source : e->target);
	dir = S_ISDIR(st.st_mode);
	snprintf(shown, sizeof(shown), "%s%s", root->shown, e->target);
	if (e->flags & MOUNT_TARGET_EXISTING) {
		r = open_beneath(root->fd, rel, dir ? O_DIRECTORY : 0, &target);
		if (r == -ENOENT) {
			log_debug("%s is missing in the rootfs: nothing mounted there", shown);
			return 0;
		}
		if (r < 0)
			return log_errno(-r, "mount point %s", shown);
	} else if ((r = open_mount_point(root, rel, dir, &target)) < 0) {
		return r;
	}
	return attach_tree(tree, target, e->source ? e->source : shown);
}

/* pivot_root(".", ".") stacks the old root on the new one; detaching it
 * leaves nothing of the host reachable (a bare chroot can be escaped). */
static int enter_root(const struct root *root)
{
	if (fchdir(root->fd) < 0)
		return log_errno(errno, "fchdir(\"%s\")", root->shown);
	if (sys_pivot_root(".", ".") < 0)
		return log_errno(errno, "pivot_root(\"%s\")", root->shown[0] ? root->shown : "/");
	if (umount2(".", MNT_DETACH) < 0)
		return log_errno(errno, "umount2(old root, MNT_DETACH)");
	if (chdir("/") < 0)
		return log_errno(errno, "chdir(\"/\")");
	return 0;
}

int prepare_own_mounts(struct box_mounts *m)
{
	static const char *const dev_opts[] = { "mode", "0755", "size", "64k", NULL };
	int r;

	box_mounts_init(m);
	if ((r = clone_rootfs(m, &m->rootfs_tree)) < 0 ||
	    (r = make_fs("tmpfs", dev_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev",
			 &m->dev_tree)) < 0 ||
	    (r = make_dev_entries(m->dev_tree, m->syslog_socket)) < 0 ||
	    (r = make_devpts("/dev/pts", BOX_PTYS_MAX, false, &m->devpts_tree)) < 0)
		return r;
	for (size_t i = 0; i < m->list.n; i++) {
		struct mount_entry *e = &m->list.entries[i];

		/* A bind or login record is walked on the host only, with the
		 * PAM face's ownership checks; nsbox run has none. */
		if (e->kind != MOUNT_TMPFS)
			return log_errno(EINVAL, "%s: nsbox run makes only tmpfs mounts", e->target);
		if ((r = make_entry_tmpfs(e, false, &e->tree)) < 0)
			return r;
	}
	return 0;
}

int build_box_root(const struct box_mounts *m, struct path_trust trust)
{
	struct root root = { .fd = -1 };
	int r;

	if ((r = mount_rootfs(m, &root)) < 0)
		return r;
	/* proc first: the kernel allows a new proc only while a fully visible
	 * one (the host's) is still in this mount namespace. */
	r = mount_proc(&root);
	if (r == 0)
		r = mount_dev(&root, m);
	/* The list, in order: /dev/shm, /tmp, accounting's /run, the
	 * configured tmpfs, the binds, the login records last, so that no
	 * other entry covers them. */
	for (size_t i = 0; r == 0 && i < m->list.n; i++)
		r = mount_entry(&root, &m->list.entries[i]);
	/* Binds and tmpfs mounts may have covered a system path with
	 * something the user owns. */
	if (r == 0 && m->trusted)
		r = check_system_paths(root.fd, root.shown, mounts_touch_code_dirs(m), trust);
	if (r == 0)
		r = enter_root(&root);
	closep(&root.fd);
	return r;
}

int bind_login_shell(const char *program, const char *login_shell)
{
	_cleanup_close_ int root = -1, src = -1, target = -1, tree = -1;
	struct stat st;
	int r;

	if (streq(program, login_shell))
		return 0;
	if (!path_is_normalized_absolute(login_shell) || streq(login_shell, "/")) {
		log_error("shell: the login shell \"%s\" is not an absolute path", login_shell);
		return -EINVAL;
	}
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return log_errno(errno, "open(\"/\")");
	/* The program may be reached through the box's own symlinks
	 * (/bin/sh -> busybox); they cannot lead out of the box. */
	src = sys_openat2(root, program + 1, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (src < 0)
		return log_errno(errno, "shell %s in the box", program);
	/* The target must be the file itself: binding over a symlink's target
	 * would replace that program (busybox) for everything. */
	r = open_beneath(root, login_shell + 1, O_NOFOLLOW, &target);
	if (r < 0)
		return log_errno(-r, "login shell %s in the box (shell = %s needs it there)",
				 login_shell, program);
	if (fstat(target, &st) < 0)
		return log_errno(errno, "stat(\"%s\")", login_shell);
	if (!S_ISREG(st.st_mode)) {
		log_error("login shell %s in the box is not a regular file (shell = %s)", login_shell,
			  program);
		return -EINVAL;
	}
	if ((r = clone_tree(src, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, program, &tree)) < 0)
		return r;
	return attach_tree(tree, target, program);
}
