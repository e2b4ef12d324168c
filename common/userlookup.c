/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user -> groups lookup: see userlookup.h. */
#include "userlookup.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "../helper/util.h"

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

/* Grow *BUF (of *SIZE bytes) after ERANGE: 0, or -ERANGE past the ceiling. */
static int grow_entry_buf(char **buf, size_t *size)
{
	char *bigger;

	if (*size >= ENTRY_BUF_MAX)
		return -ERANGE;
	bigger = realloc(*buf, *size * 4);
	if (!bigger)
		return -ENOMEM;
	*buf = bigger;
	*size *= 4;
	return 0;
}

int user_record_lookup(const char *name, struct user_record *ret)
{
	_cleanup_free_ char *buf = NULL;
	struct passwd pw, *pwp = NULL;
	size_t size = ENTRY_BUF_START;
	int r;

	*ret = (struct user_record){ 0 };
	if (!(buf = malloc(size)))
		return -ENOMEM;
	while ((r = getpwnam_r(name, &pw, buf, size, &pwp)) == ERANGE)
		if ((r = grow_entry_buf(&buf, &size)) < 0)
			return r;
	if (r != 0)
		return -r;
	if (!pwp)
		return -ENOENT;
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

int user_record_lookup_all(const char *name, struct user_record *ret)
{
	int r = user_record_lookup(name, ret);

	if (r < 0)
		return r;
	r = user_group_list(ret->name, ret->gid, &ret->gids, &ret->n_gids);
	if (r == 0)
		r = group_names_of(ret->gids, ret->n_gids, &ret->group_names, &ret->n_group_names);
	if (r < 0)
		user_record_free(ret);
	return r;
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
	_cleanup_free_ char *buf = NULL;
	size_t size = ENTRY_BUF_START, k = 0;

	if (!names || !(buf = malloc(size)))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct group gr, *grp = NULL;
		int r;

		while ((r = getgrgid_r(gids[i], &gr, buf, size, &grp)) == ERANGE)
			if ((r = grow_entry_buf(&buf, &size)) < 0)
				return r;
		if (r != 0)
			return -r;
		if (!grp || !gr.gr_name[0])
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
	_cleanup_free_ char *buf = malloc(ENTRY_BUF_START);
	size_t size = ENTRY_BUF_START;
	struct group gr, *grp = NULL;
	int r;

	if (!buf)
		return -ENOMEM;
	while ((r = getgrnam_r(name, &gr, buf, size, &grp)) == ERANGE)
		if ((r = grow_entry_buf(&buf, &size)) < 0)
			return r;
	if (r != 0)
		return -r;
	if (!grp)
		return -ENOENT;
	*ret_gid = gr.gr_gid;
	return 0;
}
