/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "match.h"

#include <errno.h>
#include <string.h>

static bool in_users(char *const *users, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(users[i], "*") == 0 || strcmp(users[i], name) == 0)
			return true;
	return false;
}

/* A group name "*" in the user's list is a name like any other. */
static bool in_group_names(char *const *groups, size_t n, const struct match_user *u)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < u->n_group_names; j++)
			if (strcmp(groups[i], u->group_names[j]) == 0)
				return true;
	return false;
}

static bool has_gid(const struct match_user *u, gid_t gid)
{
	if (u->gid == gid)
		return true;
	for (size_t j = 0; j < u->n_gids; j++)
		if (u->gids[j] == gid)
			return true;
	return false;
}

int names_match(char *const *users, size_t n_users, char *const *groups, size_t n_groups,
		const struct match_user *u, group_lookup_fn lookup)
{
	int unsure = 0;

	if (in_users(users, n_users, u->name) || in_group_names(groups, n_groups, u))
		return 1;
	for (size_t i = 0; lookup && i < n_groups; i++) {
		gid_t gid;
		int r = lookup(groups[i], &gid);

		if (r == 0 && has_gid(u, gid))
			return 1;
		if (r < 0 && r != -ENOENT)
			unsure = r;
	}
	return unsure;
}
