/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rootfs audit (audit.h; SECURITY.md, "The rootfs audit and its
 * record").
 *
 * Privileged operations, and why each is safe:
 *  - walking the rootfs as root: one O_PATH|O_NOFOLLOW component at a time
 *    from the rootfs's fd; symlinks are read and spliced here, never
 *    followed by the kernel, and ".." never leaves the rootfs; only
 *    directories are opened for reading (O_DIRECTORY), so no FIFO or
 *    device can block us, and nothing but directory entries and link
 *    targets is read;
 *  - the records in /run/nsbox/audit: the directory is root's, 0700 and no
 *    symlink (made so when missing); a record is written 0600 under a new
 *    name (O_EXCL) and renamed into place, and read only from a regular
 *    file of root's with one link and the exact size, every field checked.
 *    A record only ever saves work: any doubt, or anything the kernel
 *    reports now that differs from it, means a full audit. */
#include "audit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "../common/paths.h"
#include "../common/syscalls.h"
#include "../common/fullio.h"
#include "log.h"
#include "path.h"

#ifndef NSBOX_MULTIARCH
#define NSBOX_MULTIARCH "x86_64-linux-gnu"
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U /* Linux 6.8: mount ids never reused */
#endif
#define STATX_WANT   (STATX_BASIC_STATS | STATX_MNT_ID | STATX_MNT_ID_UNIQUE)
#define STATX_MNT    (STATX_MNT_ID | STATX_MNT_ID_UNIQUE)
#define MAX_SYMLINKS 40

/* What root code in the application reads or writes by name once it has
 * joined the box: NSS configuration and modules, initgroups' /etc/group,
 * the dynamic linker's files, PAM's, the time zone, utmp and wtmp. None of
 * it may be the user's, or the user could feed root code
 * (sudo CVE-2025-32463 class) or make it write where the user points. */
static const char *const system_paths[] = {
	"etc",
	"etc/passwd",
	"etc/group",
	"etc/shadow",
	"etc/gshadow",
	"etc/nsswitch.conf",
	"etc/ld.so.preload",
	"etc/ld.so.cache",
	"etc/ld.so.conf",
	"etc/ld.so.conf.d",
	"etc/pam.d",
	"etc/security",
	"etc/localtime",
	"lib",
	"lib64",
	"lib32",
	"lib/" NSBOX_MULTIARCH,
	"lib/" NSBOX_MULTIARCH "/security",
	"usr",
	"usr/lib",
	"usr/lib64",
	"usr/lib32",
	"usr/lib/" NSBOX_MULTIARCH,
	"usr/lib/" NSBOX_MULTIARCH "/security",
	"bin",
	"sbin",
	"usr/bin",
	"usr/sbin",
	"run",
	"var",
	"var/run",
	"var/log",
	"var/lib",
};

/* The directories whose entries root code loads or reads by name: NSS and
 * PAM modules and the libraries they pull in, PAM's and the dynamic
 * linker's configuration. Every entry in them must be root's too, not only
 * the directory (a user-owned libnss_files.so.2 would run as root). */
#define HWCAPS(dir)                                                                                \
	dir "/glibc-hwcaps/x86-64-v2", dir "/glibc-hwcaps/x86-64-v3",                              \
		dir "/glibc-hwcaps/x86-64-v4", dir "/tls"
static const char *const code_dirs[] = {
	"lib",
	"lib64",
	"lib/" NSBOX_MULTIARCH,
	"lib/" NSBOX_MULTIARCH "/security",
	"usr/lib",
	"usr/lib64",
	"usr/lib/" NSBOX_MULTIARCH,
	"usr/lib/" NSBOX_MULTIARCH "/security",
	/* The dynamic linker looks in these before the directory itself. */
	HWCAPS("lib/" NSBOX_MULTIARCH),
	HWCAPS("usr/lib/" NSBOX_MULTIARCH),
	/* In Debian's ld.so.conf.d. */
	"usr/local/lib",
	"usr/local/lib/" NSBOX_MULTIARCH,
	"etc/pam.d",
	"etc/security",
	"etc/ld.so.conf.d",
};

/* --- the record -------------------------------------------------------------- */

/* What the kernel reports of a directory the audit relied on. Any entry
 * added, removed or renamed in it changes its mtime and ctime; chmod,
 * chown, ACLs and xattrs its ctime and mode or owner; a mount on it its
 * device, inode and mount id. ctime cannot be set by anyone. */
struct dir_key {
	uint64_t dev, ino, mnt_id, size;
	int64_t mtime_sec, ctime_sec;
	uint32_t mtime_nsec, ctime_nsec, mode, uid, gid, nlink, mnt_kind, unused;
};

enum { RECORD_DIR = 1, RECORD_TOP_NAME = 2 };
#define AUDIT_MAX_RECORDS 256
#define AUDIT_PATH_MAX	  240

struct audit_record {
	uint32_t type, unused;
	struct dir_key key; /* RECORD_DIR */
	/* RECORD_DIR: its canonical path in the rootfs ("" is its top);
	 * RECORD_TOP_NAME: a name looked up in the top directory. */
	char path[AUDIT_PATH_MAX];
};

#define AUDIT_MAGIC   "nsboxaud"
#define AUDIT_VERSION 1
struct audit_header {
	char magic[8];
	uint32_t version, n_records;
	uint64_t scope;	    /* what was audited: the code directory list, the format */
	int64_t audited_at; /* CLOCK_REALTIME when the audit started, seconds */
	uint32_t one_mount, unused;
};

/* What a full audit relied on, as it goes. */
struct recorder {
	struct audit_record rec[AUDIT_MAX_RECORDS];
	size_t n;
	const char *unrecordable; /* why this state cannot be recorded, or NULL */
	uint64_t root_mnt;
	uint32_t root_mnt_kind;
	bool one_mount;
	/* Something was not recorded: the summary cannot tell every name. */
	bool incomplete;
	dev_t fs_checked[16];
	size_t n_fs_checked;
};

/* One audit: the tree, its name in messages, and the recorder (NULL: the
 * audit is not recorded). */
struct audit {
	int rootfd;
	const char *shown_root;
	struct path_trust trust; /* who may own what root code reads */
	struct recorder *rec;
};

static bool force_full;

void audit_force_full(void)
{
	force_full = true;
}

static void key_of(const struct statx *sx, struct dir_key *k)
{
	memset(k, 0, sizeof(*k));
	k->dev = makedev(sx->stx_dev_major, sx->stx_dev_minor);
	k->ino = sx->stx_ino;
	k->mnt_id = sx->stx_mnt_id;
	k->mnt_kind = sx->stx_mask & STATX_MNT;
	k->size = sx->stx_size;
	k->mtime_sec = sx->stx_mtime.tv_sec;
	k->mtime_nsec = sx->stx_mtime.tv_nsec;
	k->ctime_sec = sx->stx_ctime.tv_sec;
	k->ctime_nsec = sx->stx_ctime.tv_nsec;
	k->mode = sx->stx_mode;
	k->uid = sx->stx_uid;
	k->gid = sx->stx_gid;
	k->nlink = sx->stx_nlink;
}

static int statx_at(int fd, const char *rel, struct statx *sx)
{
	return statx(fd, rel, AT_SYMLINK_NOFOLLOW | (rel[0] ? 0 : AT_EMPTY_PATH), STATX_WANT, sx);
}

/* The verdict of path.c on what statx reported. */
static int check_statx(const struct statx *sx, const char *shown, struct path_trust trust)
{
	struct stat st = { .st_mode = sx->stx_mode,
			   .st_uid = sx->stx_uid,
			   .st_gid = sx->stx_gid,
			   .st_nlink = sx->stx_nlink };

	return check_trusted_stat(&st, shown, trust);
}

/* File systems whose directory times change with every entry change, as
 * POSIX wants, and whose device and inode numbers name one directory:
 * ext2/3/4, xfs, btrfs, tmpfs, ramfs, overlayfs, f2fs, squashfs, erofs,
 * zfs. On others (FUSE, network file systems) the audit is never recorded. */
static bool fs_times_trusted(long type)
{
	static const unsigned long ok[] = { 0xEF53,	0x58465342, 0x9123683E, 0x01021994,
					    0x858458f6, 0x794c7630, 0xF2F52010, 0x73717368,
					    0xE0F5E1E2, 0x2fc12fc1 };

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if ((unsigned long)type == ok[i])
			return true;
	return false;
}

static void note_mount(struct recorder *rec, const struct statx *sx)
{
	if (rec && (!(sx->stx_mask & rec->root_mnt_kind) || sx->stx_mnt_id != rec->root_mnt))
		rec->one_mount = false;
}

static bool recorded(const struct recorder *rec, uint32_t type, const char *path)
{
	for (size_t i = 0; rec && i < rec->n; i++)
		if (rec->rec[i].type == type && streq(rec->rec[i].path, path))
			return true;
	return false;
}

static void record(struct recorder *rec, uint32_t type, const char *path, const struct statx *sx)
{
	if (!rec || recorded(rec, type, path))
		return;
	if (rec->n == AUDIT_MAX_RECORDS || strlen(path) >= AUDIT_PATH_MAX) {
		rec->unrecordable = rec->n == AUDIT_MAX_RECORDS
					    ? "more directories than a record holds"
					    : "a path too long for a record";
		rec->incomplete = true;
		return;
	}
	rec->rec[rec->n].type = type;
	if (sx)
		key_of(sx, &rec->rec[rec->n].key);
	snprintf(rec->rec[rec->n].path, AUDIT_PATH_MAX, "%s", path);
	rec->n++;
}

/* The audit relies on the directory FD at PATH from now on: its key, taken
 * before anything is looked up or listed in it, goes into the record, so
 * that whatever changes in it later no longer matches. */
static void record_dir(struct recorder *rec, int fd, const char *path, const struct statx *sx)
{
	dev_t dev = makedev(sx->stx_dev_major, sx->stx_dev_minor);
	struct statfs fs;
	size_t i;

	if (!rec)
		return;
	note_mount(rec, sx);
	for (i = 0; i < rec->n_fs_checked && rec->fs_checked[i] != dev; i++)
		;
	if (i == rec->n_fs_checked) {
		if (fstatfs(fd, &fs) < 0 || !fs_times_trusted(fs.f_type))
			rec->unrecordable =
				"a file system whose directory times nsbox does not rely on";
		else if (rec->n_fs_checked < ARRAY_SIZE(rec->fs_checked))
			rec->fs_checked[rec->n_fs_checked++] = dev;
		else
			rec->unrecordable = "too many file systems";
	}
	record(rec, RECORD_DIR, path, sx);
}

/* --- resolving names in the rootfs by hand --------------------------------- */

/* What a walk resolves, for messages: a code directory, or what the link
 * at "DIR/NAME" of a code directory points to. */
enum role { ROLE_CODE_DIR, ROLE_LINK };
struct walk {
	const struct audit *a;
	enum role role;
	const char *of;
};

static void shown_dir(const struct walk *w, const char *dir, char *buf, size_t size)
{
	if (w->role == ROLE_LINK)
		snprintf(buf, size, "%s/%s (a directory above what it points to)", w->a->shown_root,
			 w->of);
	else
		snprintf(buf, size, "%s%s%s (a directory on the way to code directory %s)",
			 w->a->shown_root, dir[0] ? "/" : "", dir, w->of);
}

static void shown_link(const struct walk *w, const char *dir, const char *name, char *buf,
		       size_t size)
{
	if (w->role == ROLE_LINK)
		snprintf(buf, size, "%s/%s (a link on the way to what it points to)",
			 w->a->shown_root, w->of);
	else
		snprintf(buf, size, "%s/%s%s%s (a link on the way to code directory %s)",
			 w->a->shown_root, dir, dir[0] ? "/" : "", name, w->of);
}

/* A name is about to be looked up in the directory FD (canonical path
 * DIR): nobody but root may be able to add, remove or rename names in it,
 * or the user could redirect the walk later. */
static int lookup_in(const struct walk *w, int fd, const char *dir)
{
	char shown[2 * PATH_MAX];
	struct statx sx;
	int r;

	if (recorded(w->a->rec, RECORD_DIR, dir))
		return 0; /* checked, and its key taken, the first time */
	shown_dir(w, dir, shown, sizeof(shown));
	if (statx_at(fd, "", &sx) < 0)
		return log_errno(errno, "stat(\"%s\")", shown);
	if ((r = check_statx(&sx, shown, w->a->trust)) < 0)
		return r;
	record_dir(w->a->rec, fd, dir, &sx);
	return 0;
}

/* FD becomes the directory at canonical path DIR (for ".."): opened from
 * the rootfs without following anything, so never above it. */
static int reopen_dir(const struct walk *w, const char *dir, int *fd)
{
	int next = sys_openat2(w->a->rootfd, dir[0] ? dir : ".", O_PATH | O_DIRECTORY | O_CLOEXEC,
			       RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);

	if (next < 0)
		return log_errno(errno, "open(\"%s/%s\")", w->a->shown_root, dir);
	closep(fd);
	*fd = next;
	return 0;
}

/* A symlink met on the way at DIR/NAME (LINK, its statx SX): trusted, and
 * its target spliced in front of what is left of the walk (REST, after
 * NEXT). An absolute target restarts the walk at the rootfs's top. */
static int follow_link(const struct walk *w, int link, const struct statx *sx, const char *dir,
		       const char *name, char *rest, const char *next, bool *ret_absolute)
{
	char target[PATH_MAX], joined[2 * PATH_MAX + 2], shown[2 * PATH_MAX];
	ssize_t n;
	int r;

	shown_link(w, dir, name, shown, sizeof(shown));
	if ((r = check_statx(sx, shown, w->a->trust)) < 0)
		return r;
	n = readlinkat(link, "", target, sizeof(target) - 1);
	if (n < 0)
		return log_errno(errno, "readlink(\"%s\")", shown);
	target[n] = '\0';
	if (snprintf(joined, sizeof(joined), "%s/%s", target, next) >= 2 * PATH_MAX)
		return log_errno(ENAMETOOLONG, "%s", shown);
	strcpy(rest, joined);
	*ret_absolute = target[0] == '/';
	return 0;
}

/* Resolve REL inside the rootfs as openat2(RESOLVE_IN_ROOT) would, from
 * the directory FD0 (canonical path DIR0, "" for the top), but by hand, so
 * that every directory a name is looked up in and every symlink followed
 * is seen: each must be trusted (whoever could rename or plant a name
 * there could redirect root code later), and the record keeps each
 * directory's key. Returns 0 with *RET_FD (O_PATH), RET_PATH (its
 * canonical path, PATH_MAX) and RET_SX for what REL names; -ENOENT when it
 * names nothing (a component missing, or not a directory); other errors
 * are logged and fail the audit. */
static int resolve(const struct walk *w, int fd0, const char *dir0, const char *rel, int *ret_fd,
		   char *ret_path, struct statx *ret_sx)
{
	const struct audit *a = w->a;
	char rest[2 * PATH_MAX], cur[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int hops = 0, r;

	if (snprintf(rest, sizeof(rest), "%s", rel) >= PATH_MAX)
		return log_errno(ENAMETOOLONG, "%s/%s", a->shown_root, w->of);
	snprintf(cur, sizeof(cur), "%s", rel[0] == '/' ? "" : dir0);
	fd = fcntl(rel[0] == '/' ? a->rootfd : fd0, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return log_errno(errno, "dup");
	for (;;) {
		char *comp, *next;
		_cleanup_close_ int child = -1;
		struct statx sx;
		size_t len;
		bool last, absolute = false;

		if (!(comp = path_next_component(rest, &next, &last)))
			break;
		len = strlen(comp);
		if (streq(comp, ".") || streq(comp, "..")) {
			char *slash = strrchr(cur, '/');

			if (streq(comp, "..") && cur[0]) { /* at the top, ".." stays there */
				*(slash ? slash : cur) = '\0';
				if ((r = reopen_dir(w, cur, &fd)) < 0)
					return r;
			}
			path_drop_component(rest, next);
			continue;
		}
		if ((r = lookup_in(w, fd, cur)) < 0)
			return r;
		if (!cur[0])
			record(a->rec, RECORD_TOP_NAME, comp, NULL);
		child = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (child < 0 && (errno == ENOENT || errno == ENOTDIR))
			return -ENOENT;
		if (child < 0 || statx_at(child, "", &sx) < 0)
			return log_errno(errno, "%s/%s%s%s", a->shown_root, cur, cur[0] ? "/" : "",
					 comp);
		note_mount(a->rec, &sx);
		if (S_ISLNK(sx.stx_mode)) {
			if (++hops > MAX_SYMLINKS)
				return log_errno(ELOOP, "%s/%s", a->shown_root, w->of);
			r = follow_link(w, child, &sx, cur, comp, rest, next, &absolute);
			if (r < 0)
				return r;
			if (absolute) {
				cur[0] = '\0';
				if ((r = reopen_dir(w, "", &fd)) < 0)
					return r;
			}
			continue;
		}
		if (!last && !S_ISDIR(sx.stx_mode))
			return -ENOENT;
		if (strlen(cur) + len + 2 > sizeof(cur))
			return log_errno(ENAMETOOLONG, "%s/%s", a->shown_root, w->of);
		if (cur[0])
			strcat(cur, "/");
		strcat(cur, comp);
		closep(&fd);
		fd = TAKE_FD(child);
		path_drop_component(rest, next);
	}
	if (statx_at(fd, "", ret_sx) < 0)
		return log_errno(errno, "%s/%s", a->shown_root, w->of);
	note_mount(a->rec, ret_sx);
	*ret_fd = TAKE_FD(fd);
	strcpy(ret_path, cur);
	return 0;
}

/* --- the entries of code directories ----------------------------------------- */

/* A symlink NAME in the code directory DFD (PATH "DIR/NAME"; the
 * directory's O_PATH fd PATHFD, canonical path CANON) that points elsewhere than a sibling: what it
 * resolves to is root's, and so is every directory on the way (a root-owned link to
 * /home/alice/x.so, or a dangling one to /tmp/x.so, would let the user put
 * the file there later). A target without a '/' is another entry of the
 * same directory, checked in its own turn. */
static int audit_link(const struct audit *a, int pathfd, const char *canon, int dfd,
		      const char *path, const char *name, const char *shown)
{
	char target[PATH_MAX], resolved[PATH_MAX], final[2 * PATH_MAX + 16];
	const struct walk w = { .a = a, .role = ROLE_LINK, .of = path };
	_cleanup_close_ int fd = -1;
	struct statx sx;
	ssize_t n;
	int r;

	n = readlinkat(dfd, name, target, sizeof(target) - 1);
	if (n < 0)
		return log_errno(errno, "readlink(\"%s\")", shown);
	target[n] = '\0';
	if (!strchr(target, '/') && !streq(target, "..") && !streq(target, "."))
		return 0;
	r = resolve(&w, pathfd, canon, target, &fd, resolved, &sx);
	if (r == -ENOENT)
		return 0; /* dangling: where it would appear, only root can add names */
	if (r < 0)
		return r;
	snprintf(final, sizeof(final), "%s (resolved)", shown);
	return check_statx(&sx, final, a->trust);
}

/* Every entry of the code directory NAME, resolved to PATHFD (O_PATH) at
 * canonical path CANON. */
static int audit_entries(const struct audit *a, const char *name, int pathfd, const char *canon)
{
	int fd = openat(pathfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;
	struct dirent *e;
	DIR *d;

	if (fd < 0) /* unreadable to us is not empty: fail closed */
		return log_errno(errno, "open(\"%s/%s\")", a->shown_root, name);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return log_errno(errno, "%s/%s", a->shown_root, name);
	}
	while (r == 0 && (errno = 0, e = readdir(d))) {
		char path[PATH_MAX], shown[2 * PATH_MAX];
		struct statx sx;

		if (streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", name, e->d_name);
		snprintf(shown, sizeof(shown), "%s/%s", a->shown_root, path);
		if (statx_at(dirfd(d), e->d_name, &sx) < 0) {
			if (errno == ENOENT)
				continue; /* gone since readdir */
			r = log_errno(errno, "stat(\"%s\")", shown);
			break;
		}
		note_mount(a->rec, &sx);
		r = check_statx(&sx, shown, a->trust);
		if (r == 0 && S_ISLNK(sx.stx_mode))
			r = audit_link(a, pathfd, canon, dirfd(d), path, e->d_name, shown);
	}
	if (r == 0 && !e && errno != 0)
		r = log_errno(errno, "readdir(\"%s/%s\")", a->shown_root, name);
	closedir(d);
	return r;
}

/* Every code directory: the way to it, itself, and its entries. With a
 * merged /usr, lib/x and usr/lib/x are one directory, audited once. */
static int audit_code_dirs(const struct audit *a)
{
	dev_t seen_dev[ARRAY_SIZE(code_dirs)];
	ino_t seen_ino[ARRAY_SIZE(code_dirs)];
	size_t n_seen = 0;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(code_dirs); i++) {
		const struct walk w = { .a = a, .role = ROLE_CODE_DIR, .of = code_dirs[i] };
		char canon[PATH_MAX], shown[PATH_MAX + 64];
		_cleanup_close_ int fd = -1;
		struct statx sx;
		dev_t dev;
		size_t j;

		r = resolve(&w, a->rootfd, "", code_dirs[i], &fd, canon, &sx);
		if (r == -ENOENT)
			continue; /* missing: nothing is loaded from it */
		if (r < 0)
			return r;
		if (!S_ISDIR(sx.stx_mode))
			continue; /* nothing is loaded from a file by a directory's name */
		snprintf(shown, sizeof(shown), "%s/%s", a->shown_root, code_dirs[i]);
		if ((r = check_statx(&sx, shown, a->trust)) < 0)
			return r;
		record_dir(a->rec, fd, canon, &sx);
		dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
		for (j = 0; j < n_seen && !(seen_dev[j] == dev && seen_ino[j] == sx.stx_ino); j++)
			;
		if (j < n_seen)
			continue;
		seen_dev[n_seen] = dev;
		seen_ino[n_seen++] = sx.stx_ino;
		if ((r = audit_entries(a, code_dirs[i], fd, canon)) < 0)
			return r;
	}
	return 0;
}

/* --- system paths -------------------------------------------------------------- */

/* What PATH (in the box, as "a/b") resolves to inside the box trusted
 * (a root-owned link into the user's files is no better than theirs). */
static int check_resolved(int rootfd, const char *path, const char *shown_root,
			  struct path_trust trust)
{
	_cleanup_close_ int fd = -1;
	char shown[PATH_MAX];

	/* EAGAIN: a rename or mount somewhere on the system while a ".." was
	 * resolved; the kernel asks us to try again. */
	for (int tries = 0; tries < 16; tries++) {
		fd = sys_openat2(rootfd, path, O_PATH | O_CLOEXEC,
				 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	snprintf(shown, sizeof(shown), "%s/%s (resolved)", shown_root, path);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return 0; /* missing (or dangling): nothing to read there */
	if (fd < 0)	  /* EACCES, EMFILE, ENOMEM...: not known to be missing */
		return log_errno(errno, "%s", shown);
	return check_root_owned_at(fd, "", shown, trust);
}

/* PATH trusted as a name and as what it resolves to. */
static int check_name_and_target(int rootfd, const char *path, const char *shown_root,
				 struct path_trust trust)
{
	char shown[PATH_MAX];
	int r;

	snprintf(shown, sizeof(shown), "%s/%s", shown_root, path);
	r = check_root_owned_at(rootfd, path, shown, trust);
	return r < 0 ? r : check_resolved(rootfd, path, shown_root, trust);
}

int check_system_paths(int rootfd, const char *shown_root, bool entries, struct path_trust trust)
{
	const struct audit a = { .rootfd = rootfd, .shown_root = shown_root, .trust = trust };
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(system_paths); i++)
		if ((r = check_name_and_target(rootfd, system_paths[i], shown_root, trust)) < 0)
			return r;
	return entries ? audit_code_dirs(&a) : 0;
}

/* A box path ("/a/b") that is, contains or lies in code directory DIR
 * ("a/b", relative). */
static bool overlaps(const char *target, const char *dir)
{
	return path_at_or_below(target + 1, dir) || path_strictly_below(dir, target + 1);
}

bool path_overlaps_code_dir(const char *target)
{
	for (size_t i = 0; i < ARRAY_SIZE(code_dirs); i++)
		if (overlaps(target, code_dirs[i]))
			return true;
	return false;
}

/* --- the records in /run/nsbox/audit ----------------------------------------- */

/* What a record vouches for: this list of code directories audited with
 * this format. A helper with another list never trusts the record. */
static uint64_t audit_scope(void)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char head[64];

	snprintf(head, sizeof(head), "%d %zu %zu", AUDIT_VERSION, sizeof(struct audit_header),
		 sizeof(struct audit_record));
	for (size_t i = 0; i <= ARRAY_SIZE(code_dirs); i++)
		for (const char *p = i ? code_dirs[i - 1] : head;; p++) {
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
			if (!*p)
				break;
		}
	return h;
}

/* AUDIT_DIR, a part at a time: root's, 0700, not a symlink, and so is
 * NSBOX_RUN_DIR (registry.c keeps the same rule); made so with CREATE. */
static int open_audit_dir(bool create, int *ret_fd)
{
	static const char *const parts[] = { NSBOX_RUN_DIR, "audit" };
	_cleanup_close_ int fd = -1;

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		int at = i ? fd : AT_FDCWD, next;
		struct stat st;

		if (create && mkdirat(at, parts[i], 0700) < 0 && errno != EEXIST)
			return -errno;
		next = openat(at, parts[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return -errno;
		closep(&fd);
		fd = next;
		if (fstat(fd, &st) < 0)
			return -errno;
		if (st.st_uid != 0 || (st.st_mode & 077))
			return -EPERM;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static void drop_record(const char *name)
{
	_cleanup_close_ int dir = -1;

	if (open_audit_dir(false, &dir) == 0 && unlinkat(dir, name, 0) < 0 && errno != ENOENT)
		log_warning("cannot remove the audit record %s/%s: %s", AUDIT_DIR, name,
			    strerror(errno));
}

static void summarize(const struct audit_record *rec, size_t n, bool one_mount,
		      struct audit_summary *sum)
{
	if (!sum)
		return;
	sum->one_mount = one_mount;
	sum->n_top = 0;
	for (size_t i = 0; i < n; i++) {
		if (rec[i].type != RECORD_TOP_NAME)
			continue;
		if (sum->n_top < AUDIT_TOP_MAX && strlen(rec[i].path) < AUDIT_TOP_NAME_MAX)
			snprintf(sum->top[sum->n_top], AUDIT_TOP_NAME_MAX, "%s", rec[i].path);
		else
			sum->n_top = AUDIT_TOP_MAX; /* too many to tell: see below */
		sum->n_top++;
	}
}

/* A path as the audit records it: relative, "" for the top, no empty, "."
 * or ".." component; a top name is one component. */
static bool recordable_path(const char *path, bool one_component)
{
	if (!path[0])
		return !one_component;
	for (const char *p = path;;) {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!p[len])
			return true;
		if (one_component)
			return false;
		p += len + 1;
	}
}

/* The record NAME, if it is one we wrote: *RET (malloc'd) and its header. */
static int read_record(const char *name, struct audit_header *h, struct audit_record **ret)
{
	_cleanup_close_ int dir = -1, fd = -1;
	_cleanup_free_ struct audit_record *rec = NULL;
	struct stat st;
	size_t n;

	if (open_audit_dir(false, &dir) < 0)
		return -ENOENT;
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return -ENOENT;
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) || st.st_nlink != 1 ||
	    st.st_size < (off_t)sizeof(*h) || (st.st_size - sizeof(*h)) % sizeof(*rec) != 0 ||
	    (n = (st.st_size - sizeof(*h)) / sizeof(*rec)) > AUDIT_MAX_RECORDS)
		return -EBADMSG;
	rec = calloc(n + 1, sizeof(*rec));
	if (!rec || read(fd, h, sizeof(*h)) != (ssize_t)sizeof(*h) ||
	    read(fd, rec, n * sizeof(*rec)) != (ssize_t)(n * sizeof(*rec)))
		return -EBADMSG;
	if (memcmp(h->magic, AUDIT_MAGIC, sizeof(h->magic)) != 0 || h->version != AUDIT_VERSION ||
	    h->n_records != n || h->scope != audit_scope())
		return -EBADMSG;
	for (size_t i = 0; i < n; i++)
		if ((rec[i].type != RECORD_DIR && rec[i].type != RECORD_TOP_NAME) ||
		    !memchr(rec[i].path, 0, AUDIT_PATH_MAX) ||
		    !recordable_path(rec[i].path, rec[i].type == RECORD_TOP_NAME))
			return -EBADMSG;
	*ret = TAKE_PTR(rec);
	return 0;
}

/* Whether the record NAME vouches for the rootfs at ROOTFD as it is now:
 * young enough, and every directory it relied on as the kernel reports it
 * now. Parents come before children in a record, so a path is looked at
 * only once every directory above it is known unchanged (hence still
 * leads where it led, through no symlink). Any doubt: no. */
static bool record_holds(int rootfd, const char *name, struct audit_summary *sum, const char **why)
{
	_cleanup_free_ struct audit_record *rec = NULL;
	struct audit_header h;
	struct timespec now;
	int r = read_record(name, &h, &rec);

	*why = r == -ENOENT ? "no record" : "a record nsbox did not write";
	if (r < 0)
		return false;
	*why = "the record is too old";
	if (clock_gettime(CLOCK_REALTIME, &now) < 0 || now.tv_sec < h.audited_at ||
	    now.tv_sec - h.audited_at > AUDIT_MAX_AGE_S)
		return false;
	for (size_t i = 0; i < h.n_records; i++) {
		struct statx sx;
		struct dir_key k;

		if (rec[i].type != RECORD_DIR)
			continue;
		*why = "a directory it relied on changed";
		if (statx_at(rootfd, rec[i].path, &sx) < 0)
			return false;
		key_of(&sx, &k);
		if (memcmp(&k, &rec[i].key, sizeof(k)) != 0)
			return false;
	}
	summarize(rec, h.n_records, h.one_mount, sum);
	return true;
}

static void store_record(const char *name, const struct recorder *rec, int64_t audited_at)
{
	const struct audit_header h = { .magic = AUDIT_MAGIC,
					.version = AUDIT_VERSION,
					.n_records = (uint32_t)rec->n,
					.scope = audit_scope(),
					.audited_at = audited_at,
					.one_mount = rec->one_mount };
	_cleanup_close_ int dir = -1, fd = -1;
	char tmp[NAME_MAX + 1];
	int r;

	if ((r = open_audit_dir(true, &dir)) < 0) {
		log_warning("%s: %s; rootfs audits are not recorded", AUDIT_DIR, strerror(-r));
		return;
	}
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	r = fd < 0 ? -errno : write_full(fd, &h, sizeof(h));
	if (r == 0)
		r = write_full(fd, rec->rec, rec->n * sizeof(rec->rec[0]));
	if (r == 0 && renameat(dir, tmp, dir, name) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlinkat(dir, tmp, 0);
		log_warning("cannot write the audit record %s/%s: %s", AUDIT_DIR, name,
			    strerror(-r));
	}
}

/* A directory whose times are within 2 s of the audit's start could change
 * again without its times changing (they are kept with the granularity of
 * the kernel's clock tick, or of the file system: 1 s on some). */
static const char *racy(const struct recorder *rec, const struct timespec *start)
{
	const int64_t margin = 2000000000LL, t0 = start->tv_sec * 1000000000LL + start->tv_nsec;

	for (size_t i = 0; i < rec->n; i++) {
		const struct dir_key *k = &rec->rec[i].key;

		if (rec->rec[i].type == RECORD_DIR &&
		    (k->mtime_sec * 1000000000LL + k->mtime_nsec > t0 - margin ||
		     k->ctime_sec * 1000000000LL + k->ctime_nsec > t0 - margin))
			return "a directory changed less than 2 s before the audit";
	}
	return NULL;
}

static int audit_and_record(int rootfd, const char *shown_root, const struct statx *root,
			    const char *name, struct audit_summary *sum)
{
	_cleanup_free_ struct recorder *rec = calloc(1, sizeof(*rec));
	struct timespec start;
	const char *why;
	int r;

	if (!rec || clock_gettime(CLOCK_REALTIME, &start) < 0)
		return log_errno(rec ? errno : ENOMEM, "audit of %s", shown_root);
	rec->root_mnt = root->stx_mnt_id;
	rec->root_mnt_kind = root->stx_mask & STATX_MNT;
	rec->one_mount = rec->root_mnt_kind != 0;
	r = audit_code_dirs(
		&(struct audit){ .rootfd = rootfd, .shown_root = shown_root, .rec = rec,
				 .trust = PATH_TRUST_ROOT });
	if (r < 0) {
		drop_record(name);
		return r;
	}
	summarize(rec->rec, rec->n, rec->one_mount, sum);
	if (sum && rec->incomplete)
		sum->n_top = AUDIT_TOP_MAX + 1;
	why = rec->unrecordable ? rec->unrecordable : racy(rec, &start);
	if (why) {
		drop_record(name);
		log_debug("rootfs %s: code directories audited in full, not recorded: %s",
			  shown_root, why);
		return 0;
	}
	store_record(name, rec, start.tv_sec);
	log_debug("rootfs %s: code directories audited in full and recorded (%zu directories and "
		  "names)",
		  shown_root, rec->n);
	return 0;
}

int audit_rootfs(int rootfd, const char *shown_root, struct audit_summary *ret_summary)
{
	const char *why = "nsbox check audits in full";
	struct statx root;
	char name[80];
	int r;

	if ((r = check_system_paths(rootfd, shown_root, false, PATH_TRUST_ROOT)) < 0)
		return r;
	if (statx_at(rootfd, "", &root) < 0)
		return log_errno(errno, "stat(\"%s\")", shown_root);
	/* The rootfs by the directory and mount the kernel says it is: the
	 * same directory through another mount (other submounts) is another
	 * tree. */
	snprintf(name, sizeof(name), "%llx-%llx-%llx",
		 (unsigned long long)makedev(root.stx_dev_major, root.stx_dev_minor),
		 (unsigned long long)root.stx_ino, (unsigned long long)root.stx_mnt_id);
	if (!force_full && record_holds(rootfd, name, ret_summary, &why)) {
		log_debug("rootfs %s: code directories as audited (record %s)", shown_root, name);
		return 0;
	}
	log_debug("rootfs %s: code directories audited in full: %s", shown_root, why);
	return audit_and_record(rootfd, shown_root, &root, name, ret_summary);
}

int audit_merged(int mergedfd, int upperfd, const char *shown, const struct audit_summary *lower)
{
	const struct audit a = { .rootfd = mergedfd, .shown_root = shown, .trust = PATH_TRUST_ROOT };
	size_t i = 0;
	int r;

	if ((r = check_system_paths(mergedfd, shown, false, PATH_TRUST_ROOT)) < 0)
		return r;
	/* If the upper layer holds none of the names the lower's audit looked
	 * up at the top, every lookup in the merged tree finds the lower's
	 * entry alone (no upper directory to merge, no whiteout, no opaque or
	 * redirected directory), so every directory, entry and link the audit
	 * saw is the lower's, as audited; with a mount below the lower that
	 * the audit crossed (overlayfs does not), it is not. */
	if (!force_full && lower->one_mount && lower->n_top <= AUDIT_TOP_MAX) {
		struct stat st;

		for (; i < lower->n_top; i++)
			if (fstatat(upperfd, lower->top[i], &st, AT_SYMLINK_NOFOLLOW) == 0 ||
			    errno != ENOENT)
				break;
		if (i == lower->n_top) {
			log_debug("%s: the upper layer holds nothing the lower's audit relied on",
				  shown);
			return 0;
		}
	}
	if (force_full)
		log_debug("%s: code directories audited in full (nsbox check)", shown);
	else if (!lower->one_mount || lower->n_top > AUDIT_TOP_MAX)
		log_debug("%s: code directories audited in full (%s)", shown,
			  !lower->one_mount ? "the lower has mounts in it"
					    : "the lower's audit looked at too many names");
	else
		log_debug("%s: code directories audited in full (the upper layer has %s, where "
			  "the lower's audit looked)",
			  shown, lower->top[i]);
	return audit_code_dirs(&a);
}
