/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rules of every path walk: see pathcheck.h. */
#include "pathcheck.h"

#include <limits.h>
#include <string.h>

bool path_owner_trusted(const struct stat *st, struct path_trust trust)
{
	return trust.not_user ? st->st_uid != trust.user : st->st_uid == 0;
}

bool path_mode_trusted(const struct stat *st, bool last)
{
	return !(st->st_mode & (S_IWGRP | S_IWOTH)) ||
	       (S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && !last);
}

bool path_is_normalized_absolute(const char *path)
{
	const char *p = path;

	if (!path || path[0] != '/' || strlen(path) >= PATH_MAX)
		return false;
	if (strcmp(path, "/") == 0)
		return true;
	while (*p == '/') {
		const char *comp = p + 1;
		size_t len = strcspn(comp, "/");

		if (len == 0) /* "//" or a trailing slash */
			return false;
		if ((len == 1 && comp[0] == '.') || (len == 2 && comp[0] == '.' && comp[1] == '.'))
			return false;
		p = comp + len;
	}
	return *p == '\0';
}

char *path_next_component(char *rest, char **ret_next, bool *ret_last)
{
	char *comp = rest + strspn(rest, "/"), *next;
	size_t len;

	if (*comp == '\0')
		return NULL;
	len = strcspn(comp, "/");
	next = comp + len + strspn(comp + len, "/");
	comp[len] = '\0';
	*ret_next = next;
	*ret_last = *next == '\0';
	return comp;
}

void path_drop_component(char *rest, const char *next)
{
	memmove(rest, next, strlen(next) + 1);
}
