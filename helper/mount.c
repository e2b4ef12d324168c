/* SPDX-License-Identifier: GPL-2.0-or-later */
/* All mounts use the new mount API on O_PATH fds: sources come from
 * walk_path() and targets from open_beneath(), so no path string is walked
 * twice and a symlink the user plants cannot redirect a mount
 * (firejail CVE-2021-26910, pam_namespace CVE-2025-6020). */
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "path.h"
#include "syscalls.h"

/* The box root: its mount fd and the host path it came from (messages). */
struct root {
	int fd;
	const char *shown;
};

/* Programs that run as root after the application joins (NSS modules,
 * initgroups reading /etc/group, PAM's own files) come from these: they must
 * be root's, or the user could feed root code or group memberships
 * (sudo CVE-2025-32463 class). */
static const char *const system_paths[] = {
	"etc",
	"etc/passwd",
	"etc/group",
	"etc/shadow",
	"etc/nsswitch.conf",
	"etc/ld.so.preload",
	"etc/ld.so.cache",
	"lib",
	"lib64",
	"lib32",
	"usr",
	"usr/lib",
	"usr/lib64",
	"usr/lib32",
	"bin",
	"sbin",
	"usr/bin",
	"usr/sbin",
};

static int check_system_paths(int rootfd, const char *shown_root)
{
	char shown[4096];
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(system_paths); i++) {
		snprintf(shown, sizeof(shown), "%s/%s", shown_root, system_paths[i]);
		r = check_root_owned_at(rootfd, system_paths[i], shown);
		if (r < 0)
			return r;
	}
	return 0;
}

int check_rootfs(const char *rootfs, struct stat *ret)
{
	_cleanup_close_ int fd = -1;
	int r;

	r = walk_path("rootfs", rootfs, WALK_DIRECTORY | WALK_ROOT_OWNED, &fd);
	if (r < 0)
		return r;
	if (fstat(fd, ret) < 0)
		return log_errno(errno, "stat(\"%s\")", rootfs);
	return check_system_paths(fd, rootfs);
}

/* Clone the rootfs tree, lock it down and mount it on top of itself, ready
 * to become "/". The clone is what we pivot into, so the fd that walked the
 * path (which now points below the new mount) is not used afterwards. */
static int mount_rootfs(const struct box_mounts *m, struct root *ret)
{
	_cleanup_close_ int dirfd = -1, tree = -1;
	const char *path = m->rootfs ? m->rootfs : "/";
	uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	int r;

	if (!m->rootfs)
		attrs |= MOUNT_ATTR_RDONLY;
	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return log_errno(errno, "mount(\"/\", MS_REC|MS_PRIVATE)");

	r = walk_path("rootfs", path, WALK_DIRECTORY | (m->trusted ? WALK_ROOT_OWNED : 0), &dirfd);
	if (r < 0)
		return r;
	tree = sys_open_tree(dirfd, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return log_errno(errno, "open_tree(\"%s\")", path);
	/* mount_setattr() only adds flags, so a read-only or noexec source
	 * stays so (a remount with only nosuid,nodev would fail on those). */
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs, 0) < 0)
		return log_errno(errno, "mount_setattr(\"%s\", nosuid,nodev)", path);
	if (sys_move_mount(tree, "", dirfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return log_errno(errno, "move_mount(\"%s\")", path);

	ret->fd = TAKE_FD(tree);
	ret->shown = m->rootfs ? m->rootfs : "";
	return 0;
}

/* Create what is missing of REL beneath ROOTFD, one component at a time,
 * never following a symlink; the last component is a directory if DIR,
 * else an empty file. Runs with the user's own file permissions (PAM face),
 * so it only succeeds where the user could create the path anyway. */
static int create_beneath(int rootfd, const char *rel, bool dir)
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

/* Create a new file system of FSTYPE with string options OPTS (pairs of
 * key, value; a NULL value sets a flag) and mount attributes ATTRS, and
 * attach it at TARGET_FD. On success *ret_mnt (if given) is the new mount. */
static int mount_fs(const char *fstype, const char *const *opts, uint64_t attrs, int target_fd,
		    const char *shown, int *ret_mnt)
{
	_cleanup_close_ int fs = -1, mnt = -1;

	fs = sys_fsopen(fstype, FSOPEN_CLOEXEC);
	if (fs < 0)
		return log_errno(errno, "fsopen(\"%s\")", fstype);
	for (size_t i = 0; opts && opts[i]; i += 2) {
		unsigned cmd = opts[i + 1] ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG;
		if (sys_fsconfig(fs, cmd, opts[i], opts[i + 1], 0) < 0)
			return log_errno(errno, "mount %s on %s: option %s", fstype, shown,
					 opts[i]);
	}
	if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return log_errno(errno, "mount %s on %s", fstype, shown);
	mnt = sys_fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
	if (mnt < 0)
		return log_errno(errno, "fsmount(%s on %s)", fstype, shown);
	if (sys_move_mount(mnt, "", target_fd, "",
			   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return log_errno(errno, "move_mount(%s on %s)", fstype, shown);
	if (ret_mnt)
		*ret_mnt = TAKE_FD(mnt);
	return 0;
}

static int mount_fs_at(const struct root *root, const char *rel, const char *fstype,
		       const char *const *opts, uint64_t attrs, int *ret_mnt)
{
	_cleanup_close_ int target = -1;
	char shown[4096];
	int r;

	r = open_mount_point(root, rel, true, &target);
	if (r < 0)
		return r;
	snprintf(shown, sizeof(shown), "%s/%s", root->shown, rel);
	return mount_fs(fstype, opts, attrs, target, shown, ret_mnt);
}

/* Bind the host file or tree SOURCE_FD onto TARGET_FD. */
static int bind_fd(int source_fd, int target_fd, uint64_t attrs, const char *shown)
{
	_cleanup_close_ int tree = -1;

	tree = sys_open_tree(source_fd, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return log_errno(errno, "open_tree(%s)", shown);
	if (attrs && sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs, 0) < 0)
		return log_errno(errno, "mount_setattr(%s)", shown);
	if (sys_move_mount(tree, "", target_fd, "",
			   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return log_errno(errno, "move_mount(%s)", shown);
	return 0;
}

/* Bind a host device node (or socket) at DEVFD/NAME. The host's /dev is
 * trusted; the placeholder lives on the box's fresh tmpfs. */
static int bind_host_node(int devfd, const char *host_path, const char *name)
{
	_cleanup_close_ int src = -1, target = -1, fd = -1;

	src = open(host_path, O_PATH | O_CLOEXEC);
	if (src < 0)
		return log_errno(errno, "open(\"%s\")", host_path);
	fd = openat(devfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return log_errno(errno, "create /dev/%s", name);
	target = openat(devfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return log_errno(errno, "open /dev/%s", name);
	return bind_fd(src, target, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, host_path);
}

static int populate_dev(int devfd, bool syslog_socket)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" },		 { "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" },	 { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};
	static const char *const devpts_opts[] = { "newinstance", NULL,	  "ptmxmode", "0666",
						   "mode",	  "0620", NULL };
	static const char *const shm_opts[] = { "mode", "1777", NULL };
	_cleanup_close_ int pts = -1, shm = -1;
	char host[64];
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		snprintf(host, sizeof(host), "/dev/%s", nodes[i]);
		if ((r = bind_host_node(devfd, host, nodes[i])) < 0)
			return r;
	}
	if (mkdirat(devfd, "pts", 0755) < 0 || mkdirat(devfd, "shm", 01777) < 0)
		return log_errno(errno, "mkdir /dev/pts, /dev/shm");
	pts = openat(devfd, "pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	shm = openat(devfd, "shm", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pts < 0 || shm < 0)
		return log_errno(errno, "open /dev/pts, /dev/shm");
	/* No gid=5: the tty group is not mapped in the box's namespace. */
	r = mount_fs("devpts", devpts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, pts, "/dev/pts",
		     NULL);
	if (r < 0)
		return r;
	r = mount_fs("tmpfs", shm_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, shm, "/dev/shm",
		     NULL);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][0], devfd, links[i][1]) < 0)
			return log_errno(errno, "symlink /dev/%s", links[i][1]);
	if (syslog_socket) {
		struct stat st;
		if (stat("/dev/log", &st) < 0)
			log_warning("syslog_socket: the host has no /dev/log to bind into the box");
		else if ((r = bind_host_node(devfd, "/dev/log", "log")) < 0)
			return r;
	}
	return 0;
}

/* A fresh tmpfs /dev with the usual nodes bound from the host, devpts, and
 * its own /dev/shm; then read-only, because the tmpfs belongs to the user
 * (uid 0 is not mapped) and the application's root code later opens
 * /dev/ptmx and friends there. */
static int mount_dev(const struct root *root, bool syslog_socket)
{
	static const char *const dev_opts[] = { "mode", "0755", "size", "64k", NULL };
	_cleanup_close_ int dev = -1;
	int r;

	r = mount_fs_at(root, "dev", "tmpfs", dev_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
			&dev);
	if (r < 0)
		return r;
	if ((r = populate_dev(dev, syslog_socket)) < 0)
		return r;
	if (sys_mount_setattr(dev, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, 0) < 0)
		return log_errno(errno, "mount_setattr(/dev, ro)");
	return 0;
}

static int mount_binds(const struct root *root, const struct box_mounts *m)
{
	for (size_t i = 0; i < m->n_binds; i++) {
		const struct box_bind *b = &m->binds[i];
		_cleanup_close_ int src = -1, target = -1;
		uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
		struct stat st;
		int r;

		r = walk_path("bind source", b->source, b->optional ? WALK_MISSING_OK : 0, &src);
		if (r == -ENOENT && b->optional) {
			log_debug("optional bind source %s is missing, skipped", b->source);
			continue;
		}
		if (r < 0)
			return r;
		if (fstat(src, &st) < 0)
			return log_errno(errno, "stat(\"%s\")", b->source);
		r = open_mount_point(root, b->target + 1, S_ISDIR(st.st_mode), &target);
		if (r < 0)
			return r;
		if (b->readonly)
			attrs |= MOUNT_ATTR_RDONLY;
		if ((r = bind_fd(src, target, attrs, b->source)) < 0)
			return r;
	}
	return 0;
}

static int mount_extra_tmpfs(const struct root *root, const struct box_mounts *m)
{
	static const char *const opts[] = { "mode", "0755", NULL };

	for (size_t i = 0; i < m->n_tmpfs; i++) {
		int r = mount_fs_at(root, m->tmpfs[i] + 1, "tmpfs", opts,
				    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, NULL);
		if (r < 0)
			return r;
	}
	return 0;
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

int build_box_root(const struct box_mounts *m)
{
	static const char *const tmp_opts[] = { "mode", "1777", NULL };
	static const char *const proc_opts[] = { NULL };
	struct root root = { .fd = -1 };
	int r;

	if ((r = mount_rootfs(m, &root)) < 0)
		return r;
	/* proc first: the kernel allows a new proc only while a fully visible
	 * one (the host's) is still in this mount namespace. */
	r = mount_fs_at(&root, "proc", "proc", proc_opts,
			MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, NULL);
	if (r == 0)
		r = mount_dev(&root, m->syslog_socket);
	if (r == 0)
		r = mount_fs_at(&root, "tmp", "tmpfs", tmp_opts,
				MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, NULL);
	if (r == 0)
		r = mount_extra_tmpfs(&root, m);
	if (r == 0)
		r = mount_binds(&root, m);
	/* Binds and tmpfs mounts may have covered a system path with
	 * something the user owns. */
	if (r == 0 && m->trusted)
		r = check_system_paths(root.fd, root.shown);
	if (r == 0)
		r = enter_root(&root);
	closep(&root.fd);
	return r;
}

int bind_login_shell(const char *program, const char *login_shell)
{
	_cleanup_close_ int root = -1, src = -1, target = -1;
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
	return bind_fd(src, target, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, program);
}
