/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether a list of user names and a list of group names name a user: the
 * one matcher nsbox has. The helper runs it on each rule (policy_match in
 * helper/policy.c); the module runs it on the policy index, the union of
 * every rule's lists (policyindex.h), so "the index names nobody of this
 * user" cannot mean anything but "no rule does". Pure: the only name
 * service call is the lookup the caller passes. */
#ifndef NSBOX_COMMON_MATCH_H
#define NSBOX_COMMON_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The user as the name service gave it. */
struct match_user {
	const char *name; /* the name service's spelling (sssd may fold case) */
	gid_t gid;	  /* the primary group */
	const gid_t *gids; /* every group of the user (getgrouplist) */
	size_t n_gids;
	/* The names the name service gave those gids (getgrgid), if known. */
	char *const *group_names;
	size_t n_group_names;
};

/* Resolve a group name: 0 with *RET_GID, -ENOENT when there is no such
 * group, another -errno when the name service failed. (The module's
 * lookup never says -ENOENT: where it runs, "not found" may be a failure;
 * see lookup_group_r in pam_nsbox.c.) */
typedef int (*group_lookup_fn)(const char *name, gid_t *ret_gid);

/* 1 when USERS names U (or holds "*", everyone) or U is a member of one of
 * GROUPS: one of U's group names is that group's name, or the group's gid
 * (LOOKUP, which may be NULL) is one of U's gids; two names may share a
 * gid and getgrgid gives only one of them. 0 when none does. -errno when
 * none does but a lookup failed otherwise than with -ENOENT: the answer
 * is then unsure (the helper counts it as no match, as it always has; the
 * module asks the helper). */
int names_match(char *const *users, size_t n_users, char *const *groups, size_t n_groups,
		const struct match_user *u, group_lookup_fn lookup);

#endif
