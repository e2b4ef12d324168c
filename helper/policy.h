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

enum template_kind {
	TEMPLATE_PATH,	   /* a host path: normalised and absolute */
	TEMPLATE_BOX_PATH, /* a path inside the box: also not /, /proc, /dev */
	TEMPLATE_HOSTNAME, /* a valid hostname; %u is made hostname-safe */
};

struct user_info {
	const char *name;
	uid_t uid;
	gid_t gid;
	const char *home;
	const char *shell;
	const gid_t *groups; /* every group of the user, the primary one too */
	size_t n_groups;
	/* Or, when the application resolved them, their names. */
	char *const *group_names;
	size_t n_group_names;
};

/* group_lookup_fn (common/match.h) resolves a group name: getgrnam in the
 * helper, getgrnam_r in the module, a stub in tests. */

/* Expand %u (user name), %U (uid), %h (home) and %% in TMPL for U. On
 * failure returns -EINVAL and points *WHY at a static reason. */
int expand_template(const char *tmpl, const struct user_info *u, enum template_kind kind,
		    char **ret, const char **why);

/* A tmpfs entry of the config: "PATH" or "PATH:MODE" with MODE octal
 * (0755 by default; group/other-writable only with the sticky bit, as
 * 1777). *RET_PATH points into a copy the caller frees. */
int split_tmpfs_entry(const char *entry, char **ret_path, unsigned *ret_mode, const char **why);

/* "30s", "5m", "2h", "1d", "0" (seconds without a unit) or "forever"
 * (LINGER_FOREVER). */
int parse_duration(const char *s, long *ret_seconds);
/* "512m", "2g", "4096" (bytes), with k, m, g, t as powers of 1024. */
int parse_bytes(const char *s, unsigned long long *ret_bytes);

/* Check a template as the parser sees it (expanded for a sample user). */
int template_check(const char *tmpl, enum template_kind kind, const char **why);

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
