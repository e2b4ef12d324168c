/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/syscalls.h"
#include "log.h"

#define MAX_SYMLINK_HOPS 40

static int log_untrusted_owner(const char *shown, const struct stat *st, struct path_trust trust)
{
	if (trust.not_user)
		log_error("%s is owned by the user (uid %u); it must be root's (see nsbox.conf(5))",
			  shown, (unsigned)st->st_uid);
	else
		log_error("%s is owned by uid %u, not root; make it root's (chown root), see "
			  "nsbox.conf(5)",
			  shown, (unsigned)st->st_uid);
	return -EPERM;
}

bool path_strictly_below(const char *path, const char *dir)
{
	const char *rest = startswith(path, dir);
	return rest && *rest == '/';
}

bool path_at_or_below(const char *path, const char *dir)
{
	return streq(path, dir) || path_strictly_below(path, dir);
}

/* A trusted owner (TRUST) and OpenSSH's rule on the mode, sticky
 * directories accepted on the way (common/pathcheck.h). */
static int check_trusted(const char *shown, const struct stat *st, bool last,
			 struct path_trust trust)
{
	if (!path_owner_trusted(st, trust))
		return log_untrusted_owner(shown, st, trust);
	if (!path_mode_trusted(st, last)) {
		log_error("%s is writable by group or others (mode %04o); make it 0755 or "
			  "chmod go-w, see nsbox.conf(5)",
			  shown, (unsigned)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* Whether someone other than root may add entries to the directory ST: its
 * owner if that is not root (or, when owners are judged by "not the user",
 * if it is the user), and anyone if it is group or other writable (sticky
 * or not: in /tmp anyone may add a name). ACLs are not read. */
static bool dir_writable_by_user(const struct stat *st, struct path_trust trust)
{
	bool owner_untrusted = !path_owner_trusted(st, trust);

	return (owner_untrusted && (st->st_mode & S_IWUSR)) || (st->st_mode & (S_IWGRP | S_IWOTH));
}

/* A symlink is followed only if nobody but root chose that it stands where
 * it does: root's, one link only (a hard link to root's symlink, made by the
 * user where fs.protected_hardlinks = 0, points wherever root's did but
 * stands where the user put it), in a directory the user cannot write
 * (whoever owns the link, the user chose the name there). DIRFD is the
 * directory it was found in. */
static int check_symlink(const char *what, const char *path, const char *shown,
			 const struct stat *st, int dirfd, struct path_trust trust)
{
	struct stat dir;

	if (!path_owner_trusted(st, trust)) {
		log_error("%s %s: %s is a symlink owned by uid %u", what, path, shown,
			  (unsigned)st->st_uid);
		return -ELOOP;
	}
	if (st->st_nlink > 1) {
		log_error("%s %s: %s is a symlink with %u hard links; only a single link is followed",
			  what, path, shown, (unsigned)st->st_nlink);
		return -ELOOP;
	}
	if (fstat(dirfd, &dir) < 0)
		return log_errno(errno, "stat(directory of \"%s\")", shown);
	if (dir_writable_by_user(&dir, trust)) {
		log_error("%s %s: %s is a symlink in a directory others than root can write "
			  "(owner uid %u, mode %04o); it is not followed",
			  what, path, shown, (unsigned)dir.st_uid, (unsigned)(dir.st_mode & 07777));
		return -ELOOP;
	}
	return 0;
}

/* Splice a symlink's target in front of the rest of the walk. */
static int splice_symlink(int linkfd, const char *shown, char *rest, size_t size)
{
	char target[PATH_MAX], joined[PATH_MAX * 2];
	ssize_t n = readlinkat(linkfd, "", target, sizeof(target) - 1);

	if (n < 0)
		return log_errno(errno, "readlink(\"%s\")", shown);
	target[n] = '\0';
	if (snprintf(joined, sizeof(joined), "%s/%s", target, rest) >= (int)size) {
		log_error("%s: path too long after following symlinks", shown);
		return -ENAMETOOLONG;
	}
	strcpy(rest, joined);
	return 0;
}

static int open_root(int *ret_fd)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return log_errno(errno, "open(\"/\")");
	*ret_fd = fd;
	return 0;
}

int walk_path(const char *what, const char *path, unsigned flags, struct path_trust trust,
	      int *ret_fd)
{
	char rest[PATH_MAX * 2], shown[PATH_MAX * 2] = "";
	_cleanup_close_ int fd = -1;
	struct stat st;
	int hops = 0, r;

	if (!path || path[0] != '/' || strlen(path) >= PATH_MAX) {
		log_error("%s \"%s\" is not an absolute path", what, path ? path : "");
		return -EINVAL;
	}
	snprintf(rest, sizeof(rest), "%s", path);
	if ((r = open_root(&fd)) < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return log_errno(errno, "stat(\"/\")");
	if ((flags & WALK_ROOT_OWNED) && (r = check_trusted("/", &st, streq(path, "/"), trust)) < 0)
		return r;

	for (;;) {
		char *comp, *next;
		_cleanup_close_ int child = -1;
		bool last;
		size_t len;

		if (!(comp = path_next_component(rest, &next, &last)))
			break;
		len = strlen(comp);
		if (streq(comp, ".")) {
			path_drop_component(rest, next);
			continue;
		}
		if (streq(comp, "..")) {
			log_error("%s %s: \"..\" is not allowed on the way", what, path);
			return -EINVAL;
		}
		child = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (child < 0) {
			int err = errno;
			char at[PATH_MAX * 2 + 8];

			if (err == ENOENT && (flags & WALK_MISSING_OK))
				return -ENOENT;
			snprintf(at, sizeof(at), "%s/%s", shown, comp);
			if (streq(at, path))
				return log_errno(err, "%s %s", what, path);
			return log_errno(err, "%s %s: %s", what, path, at);
		}
		if (fstat(child, &st) < 0)
			return log_errno(errno, "stat(\"%s/%s\")", shown, comp);
		if (strlen(shown) + len + 2 >= sizeof(shown))
			return -ENAMETOOLONG;
		strcat(shown, "/");
		strcat(shown, comp);

		if (S_ISLNK(st.st_mode)) {
			if ((r = check_symlink(what, path, shown, &st, fd, trust)) < 0)
				return r;
			if (++hops > MAX_SYMLINK_HOPS) {
				log_error("%s %s: too many symlinks", what, path);
				return -ELOOP;
			}
			path_drop_component(rest, next);
			if ((r = splice_symlink(child, shown, rest, sizeof(rest))) < 0)
				return r;
			/* The link's own name is not part of where we are. */
			*strrchr(shown, '/') = '\0';
			if (rest[0] == '/') {
				closep(&fd);
				if ((r = open_root(&fd)) < 0)
					return r;
				shown[0] = '\0';
			}
			continue;
		}
		if ((flags & WALK_ROOT_OWNED) && (r = check_trusted(shown, &st, last, trust)) < 0)
			return r;
		if (!last && !S_ISDIR(st.st_mode)) {
			log_error("%s %s: %s is not a directory", what, path, shown);
			return -ENOTDIR;
		}
		closep(&fd);
		fd = TAKE_FD(child);
		path_drop_component(rest, next);
	}

	if (fstat(fd, &st) < 0)
		return log_errno(errno, "stat(\"%s\")", path);
	if ((flags & WALK_DIRECTORY) && !S_ISDIR(st.st_mode)) {
		log_error("%s %s: Not a directory", what, path);
		return -ENOTDIR;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int check_trusted_stat(const struct stat *st, const char *shown, struct path_trust trust)
{
	if (S_ISLNK(st->st_mode) && st->st_nlink > 1) {
		log_error("%s is a symlink with %u hard links; only a single link is trusted", shown,
			  (unsigned)st->st_nlink);
		return -EPERM;
	}
	if (S_ISLNK(st->st_mode))
		return path_owner_trusted(st, trust) ? 0 : log_untrusted_owner(shown, st, trust);
	return check_trusted(shown, st, true, trust);
}

int check_root_owned_at(int dirfd, const char *rel, const char *shown, struct path_trust trust)
{
	struct stat st;

	if (fstatat(dirfd, rel, &st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) < 0) {
		if (errno == ENOENT)
			return 0;
		return log_errno(errno, "stat(\"%s\")", shown);
	}
	return check_trusted_stat(&st, shown, trust);
}

int open_beneath(int rootfd, const char *rel, int flags, int *ret_fd)
{
	int fd = sys_openat2(rootfd, rel, (uint64_t)(flags | O_PATH | O_CLOEXEC),
			     RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);

	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

/* Whether root or OWNER owns ST and nobody else may write it. */
static bool only_root_or(const struct stat *st, uid_t owner)
{
	return (st->st_uid == 0 || st->st_uid == owner) && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

int open_own_dir(char *shown, size_t size, uid_t owner, int *ret_dir, const char **ret_why)
{
	_cleanup_close_ int dir_fd = -1;
	struct stat dir, entry, running;
	ssize_t n = readlink("/proc/self/exe", shown, size - 1);
	char *slash;

	*ret_why = "/proc/self/exe cannot be read";
	if (n <= 0) {
		shown[0] = '\0';
		return -EIO;
	}
	shown[n] = '\0';
	*ret_why = "it is not an absolute path";
	if (!(slash = strrchr(shown, '/')))
		return -EINVAL;
	*slash = '\0';
	dir_fd = open(slash == shown ? "/" : shown, O_PATH | O_DIRECTORY | O_CLOEXEC);
	*ret_why = "it cannot be opened";
	if (dir_fd < 0)
		return -errno;
	/* The directory we were executed from, not one a path now names. */
	*ret_why = "it no longer holds the running program";
	if (stat("/proc/self/exe", &running) < 0 ||
	    fstatat(dir_fd, slash + 1, &entry, AT_SYMLINK_NOFOLLOW) < 0 ||
	    running.st_dev != entry.st_dev || running.st_ino != entry.st_ino)
		return -ESTALE;
	*ret_why = owner == 0 ? "only root may own and write it"
			      : "only root or the running program's owner may own and write it";
	if (fstat(dir_fd, &dir) < 0 || !only_root_or(&dir, owner))
		return -EPERM;
	*ret_why = NULL;
	*ret_dir = TAKE_FD(dir_fd);
	return 0;
}

int exec_beside_us(const char *name, uid_t owner, const char *what, char *const argv[],
		   char *const envp[])
{
	_cleanup_close_ int dir_fd = -1, fd = -1;
	char dir[PATH_MAX];
	const char *why;
	struct stat st;

	if (open_own_dir(dir, sizeof(dir), owner, &dir_fd, &why) < 0) {
		log_error("program directory %s: %s", dir, why);
		return -EPERM;
	}
	fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return log_errno(errno, "%s/%s", dir, name);
	if (!S_ISREG(st.st_mode) || !only_root_or(&st, owner) ||
	    (st.st_mode & (S_ISUID | S_ISGID))) {
		if (owner == 0)
			log_error("%s/%s is not a program that root owns and alone may write", dir,
				  name);
		else
			log_error("%s/%s is not a program that root or uid %u owns and alone may "
				  "write",
				  dir, name, (unsigned)owner);
		return -EPERM;
	}
	log_debug("%s: executing %s/%s", what, dir, name);
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return log_errno(errno, "cannot execute %s/%s", dir, name);
}
