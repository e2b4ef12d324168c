/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user -> groups lookup: see userlookup.h. */
#include "userlookup.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Buffers for the _r calls start here and grow by 4 up to the ceiling
 * (an entry larger than 16 MiB is a broken name service, not a user). */
#define ENTRY_BUF_START 4096
#define ENTRY_BUF_MAX	(1 << 24)
/* More groups than this is a broken name service (the kernel takes 65536). */
#define GROUPS_MAX (1 << 20)

void user_record_free(struct user_record *u)
{
	free(u->name);
	free(u->home);
	free(u->shell);
	free(u->gids);
	strv_freep(&u->group_names);
	*u = (struct user_record){ 0 };
}

/* The buffer of the _r calls, on the heap (no static storage: the
 * module may run in threads). */
struct entry_buf {
	char *buf;
	size_t size;
};

static void entry_buf_free(struct entry_buf *b)
{
	free(b->buf);
}

/* Grow B by 4 after ERANGE: 0, or -ERANGE past the ceiling, -ENOMEM. */
static int entry_buf_grow(struct entry_buf *b)
{
	size_t size = b->buf ? b->size * 4 : ENTRY_BUF_START;
	char *bigger;

	if (size > ENTRY_BUF_MAX)
		return -ERANGE;
	bigger = realloc(b->buf, size);
	if (!bigger)
		return -ENOMEM;
	b->buf = bigger;
	b->size = size;
	return 0;
}

/* Run the _r call CALL (on B->buf, B->size) again with a larger buffer
 * while it says ERANGE. 0 when it found the entry (FOUND), 1 when there
 * is none, -errno when the name service failed or the buffer would pass
 * ENTRY_BUF_MAX. */
#define CALL_R(b, call, found)                                                                     \
	({                                                                                         \
		int _r_ = (b)->buf ? 0 : entry_buf_grow(b);                                        \
		while (_r_ == 0 && (_r_ = (call)) == ERANGE)                                       \
			_r_ = entry_buf_grow(b);                                                   \
		_r_ > 0 ? -_r_ : _r_ < 0 ? _r_ : (found) ? 0 : 1;                                   \
	})

int user_record_lookup(const char *name, struct user_record *ret)
{
	_cleanup_(entry_buf_free) struct entry_buf b = { 0 };
	struct passwd pw, *pwp = NULL;
	int r;

	*ret = (struct user_record){ 0 };
	r = CALL_R(&b, getpwnam_r(name, &pw, b.buf, b.size, &pwp), pwp);
	if (r != 0)
		return r > 0 ? -ENOENT : r;
	ret->name = strdup(pw.pw_name);
	ret->home = strdup(pw.pw_dir ? pw.pw_dir : "");
	ret->shell = strdup(pw.pw_shell && *pw.pw_shell ? pw.pw_shell : "/bin/sh");
	ret->uid = pw.pw_uid;
	ret->gid = pw.pw_gid;
	if (!ret->name || !ret->home || !ret->shell) {
		user_record_free(ret);
		return -ENOMEM;
	}
	return 0;
}

int user_record_add_groups(struct user_record *u)
{
	_cleanup_free_ gid_t *gids = NULL;
	_cleanup_strv_free_ char **names = NULL;
	size_t n = 0, n_names = 0;
	int r = user_group_list(u->name, u->gid, &gids, &n);

	if (r == 0)
		r = group_names_of(gids, n, &names, &n_names);
	if (r < 0)
		return r;
	free(u->gids);
	strv_freep(&u->group_names);
	u->gids = TAKE_PTR(gids);
	u->n_gids = n;
	u->group_names = TAKE_PTR(names);
	u->n_group_names = n_names;
	return 0;
}

/* getgrouplist says how many it needs when the array is too small; a
 * source that does not (or a list that grows meanwhile) gets twice as
 * many, until the ceiling: never a list cut short. */
int user_group_list(const char *user, gid_t gid, gid_t **ret_gids, size_t *ret_n)
{
	_cleanup_free_ gid_t *gids = NULL;
	int n = 64;

	for (;;) {
		gid_t *g = realloc(gids, (size_t)n * sizeof(gid_t));
		int want = n;

		if (!g)
			return -ENOMEM;
		gids = g;
		if (getgrouplist(user, gid, gids, &n) >= 0)
			break;
		if (n <= want)
			n = want * 2;
		if (n > GROUPS_MAX)
			return -E2BIG;
	}
	if (n < 0)
		return -EIO;
	*ret_gids = TAKE_PTR(gids);
	*ret_n = (size_t)n;
	return 0;
}

int group_names_of(const gid_t *gids, size_t n, char ***ret_names, size_t *ret_n)
{
	_cleanup_strv_free_ char **names = calloc(n + 1, sizeof(char *));
	_cleanup_(entry_buf_free) struct entry_buf b = { 0 };
	size_t k = 0;

	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct group gr, *grp = NULL;
		int r = CALL_R(&b, getgrgid_r(gids[i], &gr, b.buf, b.size, &grp), grp);

		if (r < 0)
			return r;
		if (r > 0 || !gr.gr_name[0])
			continue; /* a gid without a name is matched by gid only */
		if (!(names[k] = strdup(gr.gr_name)))
			return -ENOMEM;
		k++;
	}
	*ret_names = TAKE_PTR(names);
	*ret_n = k;
	return 0;
}

int group_gid_of(const char *name, gid_t *ret_gid)
{
	_cleanup_(entry_buf_free) struct entry_buf b = { 0 };
	struct group gr, *grp = NULL;
	int r = CALL_R(&b, getgrnam_r(name, &gr, b.buf, b.size, &grp), grp);

	if (r != 0)
		return r > 0 ? -ENOENT : r;
	*ret_gid = gr.gr_gid;
	return 0;
}
