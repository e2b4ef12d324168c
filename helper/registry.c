/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "registry.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "../common/paths.h"
#include "../common/syscalls.h"
#include "box.h"
#include "../common/fullio.h"
#include "config.h"
#include "log.h"
#include "policy.h"

#define BOXES_DIR NSBOX_BOXES_DIR
#define LOCKS_DIR NSBOX_RUN_DIR "/locks"
#define MAX_RECORDS 100000

void box_socket_path(const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s.sock", BOXES_DIR, id);
}

/* DIR: made root's and 0700 if missing, and checked to be so. -EPERM if
 * it is not. */
static int make_private_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077))
		return -EPERM;
	return 0;
}

/* /run/nsbox and its subdirectories: root's, 0700, created on demand. */
static int ensure_dirs(void)
{
	static const char *const dirs[] = { NSBOX_RUN_DIR, BOXES_DIR, LOCKS_DIR };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		int r = make_private_dir(dirs[i]);
		if (r == -EPERM) {
			log_error("%s must be a directory owned by root, mode 0700", dirs[i]);
			return r;
		}
		if (r < 0)
			return log_errno(-r, "mkdir(\"%s\")", dirs[i]);
	}
	return 0;
}

static int read_starttime(pid_t pid, unsigned long long *ret)
{
	char path[64], buf[1024], *p;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* The name may hold anything: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", ret) != 1)
		return -EIO;
	return 0;
}

int record_init(struct box_record *r, const char *user, uint32_t uid, const char *rule,
		bool shared, pid_t pid, const char *rootfs)
{
	int err;

	memset(r, 0, sizeof(*r));
	/* An id must name one box: a user name too long for it, or one that
	 * cannot be an id, gives way to the uid. */
	if (snprintf(r->id, sizeof(r->id), "%s-%d", user, (int)pid) >= (int)sizeof(r->id))
		r->id[0] = '\0';
	snprintf(r->user, sizeof(r->user), "%s", user);
	snprintf(r->rule, sizeof(r->rule), "%s", rule);
	snprintf(r->rootfs, sizeof(r->rootfs), "%s", rootfs ? rootfs : "");
	r->uid = uid;
	r->shared = shared;
	r->pid = pid;
	r->created = (long long)time(NULL);
	if (!box_id_is_valid(r->id))
		snprintf(r->id, sizeof(r->id), "uid%u-%d", uid, (int)pid);
	err = read_starttime(pid, &r->starttime);
	return err < 0 ? log_errno(-err, "start time of box init %d", (int)pid) : 0;
}

/* A record is a fixed-size binary struct: nothing to parse but its
 * strings' termination, and only root writes the directory. */
int registry_write(const struct box_record *r)
{
	char path[PATH_MAX], tmp[PATH_MAX], index[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int err;

	if ((err = ensure_dirs()) < 0)
		return err;
	snprintf(path, sizeof(path), "%s/%s.box", BOXES_DIR, r->id);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", BOXES_DIR, r->id);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return log_errno(errno, "open(\"%s\")", tmp);
	if ((err = write_full(fd, r, sizeof(*r))) < 0)
		return log_errno(-err, "write(\"%s\")", tmp);
	/* The uid's index (registry_each_box_of): a second name of the
	 * record, made before the first, so no box is ever recorded without
	 * it. unlink_box_record() removes both; a lookup removes an index
	 * whose box is gone. */
	box_index_path(r->id, r->uid, index, sizeof(index));
	(void)unlink(index);
	if (link(tmp, index) < 0) {
		err = log_errno(errno, "link(\"%s\")", index);
		(void)unlink(tmp);
		return err;
	}
	if (rename(tmp, path) < 0) {
		err = log_errno(errno, "rename(\"%s\")", path);
		(void)unlink(index);
		(void)unlink(tmp);
		return err;
	}
	return 0;
}

int registry_remove(const char *id)
{
	char path[PATH_MAX];

	if (!box_id_is_valid(id))
		return -EINVAL;
	unlink_box_record(id);
	box_socket_path(id, path, sizeof(path));
	(void)unlink(path);
	return 0;
}

/* -ENOENT: removed since the directory was read. */
static int read_record(int dirfd, const char *name, struct box_record *r)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0 || read(fd, r, sizeof(*r)) != (ssize_t)sizeof(*r))
		return -EIO;
	if (!memchr(r->id, 0, sizeof(r->id)) || !memchr(r->user, 0, sizeof(r->user)) ||
	    !memchr(r->rule, 0, sizeof(r->rule)) || !memchr(r->rootfs, 0, sizeof(r->rootfs)) ||
	    !box_id_is_valid(r->id))
		return -EIO;
	return 0;
}

int box_pidfd(const struct box_record *r, int *ret_pidfd)
{
	_cleanup_close_ int pidfd = sys_pidfd_open(r->pid, 0);
	unsigned long long start;
	char path[64], line[128];
	bool uid_ok = false, name_ok = false;
	FILE *f;

	struct pollfd p;

	if (pidfd < 0)
		return -ESRCH;
	/* A pidfd polls readable once its process has exited: a dead box init
	 * waiting to be reaped is no box. */
	p = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	if (poll(&p, 1, 0) != 0)
		return -ESRCH;
	/* With the pidfd held, the pid cannot be reused: if the start time
	 * matches now, the pidfd is the box init of the record. */
	if (read_starttime(r->pid, &start) < 0 || start != r->starttime)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)r->pid);
	f = fopen(path, "re");
	if (!f)
		return -ESRCH;
	while (fgets(line, sizeof(line), f)) {
		unsigned ruid;
		if (streq(line, "Name:\t" BOX_INIT_NAME "\n"))
			name_ok = true;
		if (sscanf(line, "Uid:\t%u", &ruid) == 1)
			uid_ok = ruid == r->uid;
	}
	fclose(f);
	if (!name_ok || !uid_ok)
		return -ESRCH;
	*ret_pidfd = TAKE_FD(pidfd);
	return 0;
}

int box_has_own_net(int pidfd, pid_t pid, bool *ret)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	struct stat box, ours;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &box) < 0 || stat("/proc/self/ns/net", &ours) < 0)
		return -ESRCH;
	/* Still alive after the stat: the pid named our box init then. */
	if (poll(&p, 1, 0) != 0)
		return -ESRCH;
	*ret = box.st_ino != ours.st_ino || box.st_dev != ours.st_dev;
	return 0;
}

/* Whether NAME, an entry of BOXES_DIR, may be a record of USER (UID): ids
 * start with the user name, or the uid for names that cannot be ids. */
static bool may_be_record_of(const char *name, const char *user, uint32_t uid)
{
	char prefix[300], uid_prefix[32];
	size_t len = strlen(name);

	snprintf(prefix, sizeof(prefix), "%s-", user);
	snprintf(uid_prefix, sizeof(uid_prefix), "uid%u-", uid);
	return len >= 5 && streq(name + len - 4, ".box") &&
	       (startswith(name, prefix) || startswith(name, uid_prefix));
}

/* Whether NAME, an entry of BOXES_DIR, is an index name of UID. */
static bool is_index_of(const char *name, uint32_t uid)
{
	char suffix[16];
	size_t len = strlen(name), n;

	n = (size_t)snprintf(suffix, sizeof(suffix), ".u%u", uid);
	return len > n && streq(name + len - n, suffix);
}

static bool is_record_name(const char *name)
{
	size_t len = strlen(name);

	return len >= 5 && streq(name + len - 4, ".box");
}

typedef int (*box_fn)(const struct box_record *r, int pidfd, void *userdata);

/* The one walk over BOXES_DIR: FN for each live box whose record is named
 * after USER (UID) or by UID's index, or, with USER NULL, every record
 * (by its .box name only), with a pidfd of its init checked as box_pidfd()
 * does (closed after FN), until FN returns non-zero, which is then
 * returned. Records of boxes that are gone are removed on the way. Fails
 * closed: a record it should read and cannot is -EIO (it may be a live
 * box the caller would miss), and so is a failed readdir. */
static int each_live_box(const char *user, uint32_t uid, box_fn fn, void *userdata)
{
	struct dirent *e;
	DIR *d = opendir(BOXES_DIR);
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : log_errno(errno, "opendir(\"%s\")", BOXES_DIR);
	while (r == 0 && (errno = 0, e = readdir(d))) {
		struct box_record rec;
		_cleanup_close_ int pidfd = -1;
		bool index = user && is_index_of(e->d_name, uid);

		/* The uid's index names every box of that uid, whatever its
		 * user name (two names of one uid are one user); records
		 * named after USER are read too (boxes recorded before the
		 * index existed). */
		if (user ? !index && !may_be_record_of(e->d_name, user, uid)
			 : !is_record_name(e->d_name))
			continue;
		/* Only root writes records, whole (rename, link): one we
		 * cannot read may still be a live box we would miss. */
		if ((r = read_record(dirfd(d), e->d_name, &rec)) < 0) {
			if (r == -ENOENT) { /* both names of a record we removed */
				r = 0;
				continue;
			}
			log_error("box record %s/%s cannot be read: it may be a box of %s (remove "
				  "it if no such box runs)",
				  BOXES_DIR, e->d_name, user ? user : "any user");
			r = -EIO;
			break;
		}
		if (user && rec.uid != uid)
			continue;
		if (box_pidfd(&rec, &pidfd) < 0) {
			/* The box is gone. */
			registry_remove(rec.id);
			if (index)
				(void)unlinkat(dirfd(d), e->d_name, 0);
			continue;
		}
		r = fn(&rec, pidfd, userdata);
	}
	if (r == 0 && errno != 0)
		r = log_errno(errno, "readdir(\"%s\")", BOXES_DIR);
	closedir(d);
	return r;
}

struct record_list {
	struct box_record *all;
	size_t n;
};

static int add_to_list(const struct box_record *r, _unused_ int pidfd, void *userdata)
{
	struct record_list *l = userdata;
	struct box_record *grown;

	if (l->n >= MAX_RECORDS)
		return 1;
	grown = realloc(l->all, (l->n + 1) * sizeof(*l->all));
	if (!grown)
		return log_errno(ENOMEM, "box records");
	l->all = grown;
	l->all[l->n++] = *r;
	return 0;
}

int registry_list(struct box_record **ret, size_t *ret_n)
{
	struct record_list l = { 0 };
	int r = each_live_box(NULL, 0, add_to_list, &l);

	if (r < 0) {
		free(l.all);
		*ret = NULL;
		*ret_n = 0;
		return r;
	}
	*ret = l.all;
	*ret_n = l.n;
	return 0;
}

int registry_each_box_of(const char *user, uint32_t uid, box_fn fn, void *userdata)
{
	return each_live_box(user, uid, fn, userdata);
}

struct shared_wanted {
	const char *user, *rule;
	uint32_t uid;
	struct box_record *ret;
	int *ret_pidfd;
};

static int take_if_shared(const struct box_record *r, int pidfd, void *userdata)
{
	const struct shared_wanted *w = userdata;
	char name[NSBOX_BOX_ID_SIZE + 8];
	int fd;

	/* Named after the user as well (an index name finds every box of
	 * the uid): the boxes registry_find_shared() has always joined. */
	snprintf(name, sizeof(name), "%s.box", r->id);
	if (!r->shared || !streq(r->rule, w->rule) || !may_be_record_of(name, w->user, w->uid))
		return 0;
	fd = fcntl(pidfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return log_errno(errno, "pidfd of box %s", r->id);
	*w->ret = *r;
	*w->ret_pidfd = fd;
	return 1;
}

int registry_find_shared(const char *user, uint32_t uid, const char *rule, struct box_record *ret,
			 int *ret_pidfd)
{
	struct shared_wanted w = { .user = user, .rule = rule, .uid = uid, .ret = ret,
				   .ret_pidfd = ret_pidfd };
	int r = each_live_box(user, uid, take_if_shared, &w);

	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

static void lock_path(uint32_t uid, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%u.lock", LOCKS_DIR, uid);
}

int registry_lock(uint32_t uid, struct user_lock *ret)
{
	char path[PATH_MAX];
	int err;

	if ((err = ensure_dirs()) < 0)
		return err;
	lock_path(uid, path, sizeof(path));
	for (;;) {
		_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		struct stat held, named;

		if (fd < 0)
			return log_errno(errno, "open(\"%s\")", path);
		if (RETRY_EINTR(flock(fd, LOCK_EX)) < 0 || fstat(fd, &held) < 0)
			return log_errno(errno, "flock(\"%s\")", path);
		/* The holder before us unlinks the file before it lets go
		 * (registry_unlock): a lock on a file no longer at PATH locks
		 * nothing; take the new one. */
		if (stat(path, &named) == 0 && named.st_ino == held.st_ino &&
		    named.st_dev == held.st_dev) {
			*ret = (struct user_lock){ .fd = TAKE_FD(fd), .uid = uid };
			return 0;
		}
	}
}

void registry_unlock(struct user_lock *l)
{
	char path[PATH_MAX];

	if (l->fd < 0)
		return;
	/* Unlinked while held: nothing is left in /run per user. */
	lock_path(l->uid, path, sizeof(path));
	(void)unlink(path);
	closep(&l->fd);
}

/* Whether PATH already holds DATA, and passes the module's checks (the
 * very function the module opens it with). */
static bool index_is_current(const char *path, const char *data, size_t size)
{
	_cleanup_free_ char *old = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (policy_index_open(path, &fd, &st) < 0 || (size_t)st.st_size != size ||
	    !(old = malloc(size)))
		return false;
	return read(fd, old, size) == (ssize_t)size && memcmp(old, data, size) == 0;
}

/* Written as root into root's 0700 directory, to a new file (O_EXCL, no
 * symlink followed) renamed over the old one: a reader has the old file
 * or the new one, whole. */
static int write_index_file(const char *path, const char *data, size_t size)
{
	char tmp[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r;

	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	(void)unlink(tmp); /* left by a killed helper that had our pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if ((r = write_full(fd, data, size)) < 0) {
		(void)unlink(tmp);
		return r;
	}
	if (rename(tmp, path) < 0) {
		int err = errno;
		(void)unlink(tmp);
		return -err;
	}
	return 0;
}

int registry_write_index(const struct config *c)
{
	struct policy_index ix;
	_cleanup_free_ char *data = NULL;
	char path[sizeof(NSBOX_INDEX_DIR) + 32];
	const char *step = "encode";
	size_t size;
	int r;

	if (!c->text || geteuid() != 0)
		return 0;
	r = policy_index_of(c, &ix);
	if (r == 0) {
		r = policy_index_encode(&ix, &data, &size);
		policy_index_free(&ix);
	}
	if (r == 0)
		r = policy_index_path(c->path, path, sizeof(path));
	if (r == 0) {
		step = "mkdir";
		r = make_private_dir(NSBOX_RUN_DIR);
		r = r ?: make_private_dir(NSBOX_INDEX_DIR);
	}
	if (r == 0 && index_is_current(path, data, size))
		return 0;
	if (r == 0) {
		step = "write";
		r = write_index_file(path, data, size);
	}
	/* Never an error: without an index, logins ask the helper. */
	if (r < 0)
		log_warning("policy index of %s not written (%s: %s): every login runs the helper",
			    c->path, step, strerror(-r));
	return r;
}
