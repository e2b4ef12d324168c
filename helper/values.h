/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the value of a config key means, apart from any config: %-templates
 * and their expansion for a user, tmpfs entries, sizes and durations.
 * config.c checks values with these while it loads a config, policy.c
 * expands them for a user; this file needs neither. Pure functions, so
 * the fuzzer and unit tests drive them. */
#ifndef NSBOX_VALUES_H
#define NSBOX_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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

/* Expand %u (user name), %U (uid), %h (home) and %% in TMPL for U. On
 * failure returns -EINVAL and points *WHY at a static reason. */
int expand_template(const char *tmpl, const struct user_info *u, enum template_kind kind,
		    char **ret, const char **why);

/* Check a template as the parser sees it (expanded for a sample user). */
int template_check(const char *tmpl, enum template_kind kind, const char **why);

/* A tmpfs entry of the config: "PATH" or "PATH:MODE" with MODE octal
 * (0755 by default; group/other-writable only with the sticky bit, as
 * 1777). *RET_PATH points into a copy the caller frees. */
int split_tmpfs_entry(const char *entry, char **ret_path, unsigned *ret_mode, const char **why);

#define LINGER_FOREVER (-1L)

/* "30s", "5m", "2h", "1d", "0" (seconds without a unit) or "forever"
 * (LINGER_FOREVER). */
int parse_duration(const char *s, long *ret_seconds);
/* "512m", "2g", "4096" (bytes), with k, m, g, t as powers of 1024. */
int parse_bytes(const char *s, unsigned long long *ret_bytes);
/* A tmpfs size as tmpfs(5) takes it: 1 to 15 digits, not all 0, then
 * nothing or one of k, m, g (either case) or %. -EINVAL if not. */
int check_tmpfs_size(const char *s);

#endif
