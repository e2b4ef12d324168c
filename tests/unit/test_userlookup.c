/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common/userlookup.c: the one user -> groups lookup of the module, the
 * PAM face and nsbox check, on the name service of the test host (root
 * and its group exist everywhere). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../../common/userlookup.h"
#include "tap.h"

static bool has_name(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

int main(void)
{
	struct user_record u = { 0 };
	gid_t gid = 12345;
	bool has_gid0 = false;

	is_int(user_record_lookup("root", &u), 0, "root is found");
	is_int(user_record_add_groups(&u), 0, "root's groups are found");
	is_int((int)u.uid, 0, "root's uid");
	ok(u.name && strcmp(u.name, "root") == 0, "the name service's spelling");
	ok(u.shell && u.shell[0] == '/', "a login shell (/bin/sh when passwd names none)");
	for (size_t i = 0; i < u.n_gids; i++)
		has_gid0 |= u.gids[i] == 0;
	ok(u.n_gids >= 1 && has_gid0, "the primary group is in the list");
	ok(has_name(u.group_names, u.n_group_names, "root"), "the primary group's name");
	ok(u.group_names && !u.group_names[u.n_group_names], "names NULL-terminated");
	user_record_free(&u);
	ok(!u.name && !u.gids && !u.group_names, "freed and cleared");

	is_int(user_record_lookup("nsbox-no-such-user", &u), -ENOENT, "an unknown user: -ENOENT");
	is_int(group_gid_of("root", &gid), 0, "group root is found");
	is_int((int)gid, 0, "group root's gid");
	gid = 12345;
	is_int(group_gid_of("nsbox-no-such-group", &gid), -ENOENT, "an unknown group: -ENOENT");
	is_int((int)gid, 12345, "and *ret_gid untouched");
	return done_testing();
}
