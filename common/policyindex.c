/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "policyindex.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* common/ stands on libc alone (no helper/ header): the few cleanups it
 * needs are spelled out. */

int policy_index_path(const char *config_path, char *buf, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)config_path; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	if (snprintf(buf, size, "%s/%016llx", NSBOX_INDEX_DIR, (unsigned long long)h) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

static size_t names_bytes(char *const *names, size_t n)
{
	size_t bytes = 0;

	for (size_t i = 0; i < n; i++)
		bytes += strlen(names[i]) + 1;
	return bytes;
}

static char *put_names(char *p, char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]) + 1;
		memcpy(p, names[i], len);
		p += len;
	}
	return p;
}

int policy_index_encode(const struct policy_index *ix, char **ret_buf, size_t *ret_size)
{
	struct nsbox_index_header h = { .version = NSBOX_INDEX_VERSION,
					.header_size = sizeof(h),
					.flags = ix->flags };
	size_t names = names_bytes(ix->users, ix->n_users) + names_bytes(ix->groups, ix->n_groups);
	size_t total = sizeof(h) + ix->config_size + names;
	char *buf, *p;

	for (size_t i = 0; i < ix->n_users + ix->n_groups; i++) {
		const char *name = i < ix->n_users ? ix->users[i] : ix->groups[i - ix->n_users];
		if (!name[0])
			return -EINVAL; /* an empty name would end the list early */
	}
	if (strlen(ix->config_path) >= sizeof(h.config_path))
		return -ENAMETOOLONG;
	if (ix->config_size > NSBOX_CONFIG_MAX_BYTES || names > NSBOX_CONFIG_MAX_BYTES)
		return -EFBIG;
	memcpy(h.magic, NSBOX_INDEX_MAGIC, sizeof(h.magic));
	h.n_users = (uint32_t)ix->n_users;
	h.n_groups = (uint32_t)ix->n_groups;
	h.names_size = (uint32_t)names;
	h.config_size = (uint32_t)ix->config_size;
	strcpy(h.config_path, ix->config_path);
	buf = malloc(total);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, &h, sizeof(h));
	p = buf + sizeof(h);
	if (ix->config_size > 0)
		memcpy(p, ix->config_text, ix->config_size);
	p += ix->config_size;
	put_names(put_names(p, ix->users, ix->n_users), ix->groups, ix->n_groups);
	*ret_buf = buf;
	*ret_size = total;
	return 0;
}

/* N names from *P, each NUL-terminated and not empty, before END. */
static int take_names(const char **p, const char *end, size_t n, char ***ret)
{
	char **v = calloc(n + 1, sizeof(char *));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *nul = memchr(*p, '\0', (size_t)(end - *p));
		if (!nul || nul == *p) {
			free(v);
			return -EBADMSG;
		}
		v[i] = (char *)*p;
		*p = nul + 1;
	}
	*ret = v;
	return 0;
}

int policy_index_decode(const char *buf, size_t size, struct policy_index *ret)
{
	const struct nsbox_index_header *h = (const void *)buf;
	const char *p = buf + sizeof(*h), *end = buf + size;
	struct policy_index ix = { 0 };
	int r;

	*ret = (struct policy_index){ 0 };
	/* The header is read in place: the buffer comes from malloc. */
	if (size < sizeof(*h) || size > NSBOX_INDEX_MAX_BYTES ||
	    memcmp(h->magic, NSBOX_INDEX_MAGIC, sizeof(h->magic)) != 0 ||
	    h->version != NSBOX_INDEX_VERSION || h->header_size != sizeof(*h) ||
	    h->config_size > NSBOX_CONFIG_MAX_BYTES || h->names_size > NSBOX_CONFIG_MAX_BYTES ||
	    (uint64_t)h->config_size + h->names_size != size - sizeof(*h) ||
	    (uint64_t)h->n_users + h->n_groups > h->names_size / 2 || h->reserved != 0 ||
	    !memchr(h->config_path, '\0', sizeof(h->config_path)) ||
	    (h->flags & ~(uint32_t)(NSBOX_INDEX_ROOT_EXEMPT | NSBOX_INDEX_ANYONE)))
		return -EBADMSG;
	ix.flags = h->flags;
	ix.config_path = h->config_path;
	ix.config_text = p;
	ix.config_size = h->config_size;
	p += h->config_size;
	ix.n_users = h->n_users;
	ix.n_groups = h->n_groups;
	r = take_names(&p, end, ix.n_users, &ix.users);
	if (r == 0)
		r = take_names(&p, end, ix.n_groups, &ix.groups);
	if (r == 0 && p != end)
		r = -EBADMSG; /* bytes no name accounts for */
	if (r < 0) {
		policy_index_free(&ix);
		return r;
	}
	*ret = ix;
	return 0;
}

void policy_index_free(struct policy_index *ix)
{
	free(ix->users);
	free(ix->groups);
	ix->users = ix->groups = NULL;
	ix->n_users = ix->n_groups = 0;
}

/* OpenSSH's rule for a trusted directory (safe_path), with root-owned
 * sticky directories accepted on the way, as the helper's walk_path()
 * accepts them: there others may add names but not replace root's. */
static bool trusted_dir(const struct stat *st)
{
	return S_ISDIR(st->st_mode) && st->st_uid == 0 &&
	       (!(st->st_mode & (S_IWGRP | S_IWOTH)) || (st->st_mode & S_ISVTX));
}

static bool normalised_absolute(const char *path)
{
	if (path[0] != '/' || strlen(path) >= PATH_MAX)
		return false;
	for (const char *p = path; *p == '/';) {
		size_t len = strcspn(p + 1, "/");
		if (len == 0 || (len == 1 && p[1] == '.') ||
		    (len == 2 && p[1] == '.' && p[2] == '.'))
			return false;
		p += 1 + len;
	}
	return true;
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
		*fd = -1;
	}
}

/* The directory DIR (consumed) if trusted, then its entry NAME opened
 * with FLAGS | O_NOFOLLOW. */
static int open_in_trusted(int dir, const char *name, int flags)
{
	struct stat st = { 0 };
	int fd, err;

	if (fstat(dir, &st) < 0 || !trusted_dir(&st)) {
		err = S_ISDIR(st.st_mode) ? EPERM : ENOTDIR;
		close_fd(&dir);
		return -err;
	}
	fd = openat(dir, name, flags | O_NOFOLLOW | O_CLOEXEC);
	err = errno;
	close_fd(&dir);
	/* A symlink where a directory should be: ENOTDIR with O_NOFOLLOW. */
	return fd >= 0 ? fd : err == ENOTDIR ? -ELOOP : -err;
}

int open_root_owned(const char *path, bool for_reading, int *ret_fd, struct stat *ret_st)
{
	char rest[PATH_MAX];
	char *comp = rest, *slash;
	struct stat st;
	int fd;

	if (!normalised_absolute(path) || strcmp(path, "/") == 0)
		return -EINVAL;
	snprintf(rest, sizeof(rest), "%s", path + 1);
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (; (slash = strchr(comp, '/')); comp = slash + 1) {
		*slash = '\0';
		fd = open_in_trusted(fd, comp, O_PATH | O_DIRECTORY);
		if (fd < 0)
			return fd;
	}
	/* O_PATH opens nothing (a device node's open has effects); reading
	 * opens with O_NONBLOCK, so a FIFO in the file's place cannot hang
	 * us. */
	fd = open_in_trusted(fd, comp,
			     for_reading ? O_RDONLY | O_NONBLOCK | O_NOCTTY : O_PATH);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		st.st_mode = 0; /* not a regular file: refused below */
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		int err = S_ISLNK(st.st_mode) ? ELOOP : EPERM;
		close_fd(&fd);
		return -err;
	}
	*ret_fd = fd;
	*ret_st = st;
	return 0;
}

/* The whole of FD (of size SIZE, as fstat said). */
static int read_all(int fd, size_t size, char **ret)
{
	char *buf = malloc(size ? size : 1);
	size_t got = 0;

	if (!buf)
		return -ENOMEM;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EBADMSG; /* shorter than it said */
			free(buf);
			return -err;
		}
		got += (size_t)n;
	}
	*ret = buf;
	return 0;
}

/* 1 if what is left to read of FD is TEXT (SIZE bytes), to the end of the
 * file, 0 if not, -errno if a read failed. One read past SIZE must find
 * the end: a file that grew is another file. */
static int rest_of_file_is(int fd, const char *text, size_t size)
{
	char chunk[4096];
	size_t got = 0;

	for (;;) {
		size_t left = size - got;
		ssize_t n = read(fd, chunk, left < sizeof(chunk) ? left + 1 : sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return got == size;
		if ((size_t)n > left || memcmp(chunk, text + got, (size_t)n) != 0)
			return 0;
		got += (size_t)n;
	}
}

int policy_index_check_config(const struct policy_index *ix, const char *config_path, int fd,
			      off_t size, const char **why)
{
	int r = 0;

	if (strcmp(ix->config_path, config_path) != 0) {
		*why = "the index is of another config";
		return -ESTALE;
	}
	/* The size first (most edits change it: then nothing is read), then
	 * every byte. */
	if (size >= 0 && (uint64_t)size == ix->config_size)
		r = rest_of_file_is(fd, ix->config_text, ix->config_size);
	if (r < 0) {
		*why = "the config could not be read";
		return r;
	}
	if (r == 0) {
		*why = "the config changed since it was indexed";
		return -ESTALE;
	}
	return 0;
}

enum index_verdict policy_index_decide(const struct policy_index *ix, uid_t uid,
				       const struct match_user *u, bool groups_known,
				       group_lookup_fn lookup, const char **why)
{
	int r;

	/* Root: the index answers only "exempt". A root the config may
	 * confine is decided by the helper, which also keeps root's login
	 * working when the config is broken. */
	if (uid == 0) {
		if (ix->flags & NSBOX_INDEX_ROOT_EXEMPT)
			return INDEX_ROOT_EXEMPT;
		*why = "root is not exempt (confine_root = true)";
		return INDEX_ASK_HELPER;
	}
	if (ix->flags & NSBOX_INDEX_ANYONE) {
		*why = "a rule names everyone";
		return INDEX_ASK_HELPER;
	}
	if (ix->n_groups > 0 && !groups_known) {
		*why = "rules name groups, and the user's groups are not known";
		return INDEX_ASK_HELPER;
	}
	r = names_match(ix->users, ix->n_users, ix->groups, ix->n_groups, u, lookup);
	if (r > 0) {
		*why = "a rule may match";
		return INDEX_ASK_HELPER;
	}
	if (r < 0) {
		*why = "a group lookup failed";
		return INDEX_ASK_HELPER;
	}
	return INDEX_NO_RULE;
}

int policy_index_load(const char *config_path, struct policy_index *ret, char **ret_buf,
		      const char **why)
{
	struct stat st;
	char path[sizeof(NSBOX_INDEX_DIR) + 32];
	char *buf = NULL;
	int fd = -1, r;

	r = policy_index_path(config_path, path, sizeof(path));
	r = r ?: open_root_owned(path, true, &fd, &st);
	if (r < 0) {
		*why = "no index that only root can have written";
		return r;
	}
	r = st.st_size <= NSBOX_INDEX_MAX_BYTES ? read_all(fd, (size_t)st.st_size, &buf) : -EFBIG;
	close_fd(&fd);
	r = r ?: policy_index_decode(buf, (size_t)st.st_size, ret);
	if (r < 0) {
		free(buf);
		*why = "the index is not one of this version, whole";
		return r;
	}
	/* The config is read as the helper reads it: an ordinary open (on
	 * NFS, one that revalidates the cached attributes and pages), at
	 * the end of the same walk. */
	r = open_root_owned(config_path, true, &fd, &st);
	if (r < 0)
		*why = "the config is not a root-owned file on a root-owned path without symlinks";
	else
		r = policy_index_check_config(ret, config_path, fd, st.st_size, why);
	close_fd(&fd);
	if (r < 0) {
		policy_index_free(ret);
		free(buf);
		return r;
	}
	*ret_buf = buf;
	return 0;
}
