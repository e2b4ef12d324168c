/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which rule confines a user, and what that rule means for that user:
 * %-templates expanded and every resulting path checked. Pure functions of
 * the config and the user, so the fuzzer and unit tests drive them. */
#ifndef NSBOX_POLICY_H
#define NSBOX_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../common/match.h"
#include "../common/policyindex.h"
#include "config.h"
#include "mountlist.h"

/* group_lookup_fn (common/match.h) resolves a group name: getgrnam in the
 * helper, getgrnam_r in the module, a stub in tests. */

/* The first rule that names U (in users, "*" for everyone, or through one
 * of U's groups), or NULL. Root matches nothing unless confine_root is set;
 * then *ret_root_exempt (if given) says so. */
const struct rule *policy_match(const struct config *c, const struct user_info *u,
				group_lookup_fn lookup, bool *ret_root_exempt);

/* The policy index of C (common/policyindex.h): C's text (the bytes it
 * was parsed from), root's exemption and the union of the rules' users
 * and groups, pointing into C, for the module to run names_match() on. Built here, next to policy_match(), so that
 * the two cannot drift apart: whatever policy_match() comes to depend on
 * must be in the index too, or NSBOX_INDEX_VERSION bumped and the index
 * made to say "ask the helper". Free with policy_index_free(). */
int policy_index_of(const struct config *c, struct policy_index *ret);

/* A rule made concrete for one user. */
struct box_plan {
	char *rootfs;	    /* or the overlay's lower */
	char *rootfs_upper; /* the overlay's per-user directory, or NULL */
	char *hostname;
	char *shell; /* NULL: keep the user's login shell */
	/* What box init mounts after /proc and /dev, in order (mountlist.h):
	 * /dev/shm and /tmp, accounting's /run, the rule's tmpfs, its binds,
	 * the login records (accounting). */
	struct mount_list mounts;
};

/* Expand every template of R for U. Errors are logged, naming the rule. */
int plan_box(const struct rule *r, const struct user_info *u, struct box_plan *ret);
void plan_free(struct box_plan *p);

/* The nice value whose scheduler weight is nearest to a cgroup v2
 * cpu.weight (1..10000, 100 = nice 0): how cpu_weight is applied. */
int cpu_weight_to_nice(long weight);

#endif
