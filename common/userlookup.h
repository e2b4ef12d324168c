/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user -> groups lookup, one for the module (describe_user in
 * pam_nsbox.c), the PAM face (pamface.c) and `nsbox check`, which
 * promises to match groups as the login does: the same calls, the same
 * retry rules. Reentrant (the _r calls, buffers on the heap): the module
 * runs it in sshd, which may have threads; nothing here logs, the callers
 * do (pam_syslog or the helper's log). */
#ifndef NSBOX_COMMON_USERLOOKUP_H
#define NSBOX_COMMON_USERLOOKUP_H

#include <stddef.h>
#include <sys/types.h>

/* A user as the name service gave it, copied out of its storage. */
struct user_record {
	char *name; /* the name service's spelling (sssd, winbind may fold case) */
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell; /* "/bin/sh" when the passwd entry names none, as login does */
	/* Every group, the primary one too (getgrouplist). */
	gid_t *gids;
	size_t n_gids;
	/* The name of each of those that has one (getgrgid), NULL-terminated. */
	char **group_names;
	size_t n_group_names;
};

void user_record_free(struct user_record *u);

/* The passwd entry of NAME in *RET (gids and group names left empty).
 * -ENOENT when the name service does not know NAME, another -errno when
 * it failed. */
int user_record_lookup(const char *name, struct user_record *ret);

/* Every group of U (whose passwd part is there) and their names, in
 * place of any U had; U is unchanged on failure (-errno). */
int user_record_add_groups(struct user_record *u);


/* Every group of USER, whose primary group is GID, in *RET_GIDS (to
 * free). Retried with a larger array until the list is whole, up to a
 * ceiling (-E2BIG): a list cut short would miss a rule's group. */
int user_group_list(const char *user, gid_t gid, gid_t **ret_gids, size_t *ret_n);

/* The names of the N GIDS that have one, NULL-terminated in *RET_NAMES.
 * A gid without a name has none (it is matched by gid only); a name
 * service that fails fails the whole (-errno): an incomplete list must
 * not pass for a complete one. */
int group_names_of(const gid_t *gids, size_t n, char ***ret_names, size_t *ret_n);

/* The gid of group NAME: 0, -ENOENT when there is no such group, another
 * -errno when the name service failed (common/match.h group_lookup_fn). */
int group_gid_of(const char *name, gid_t *ret_gid);

#endif
