/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy as plain C structures: what config_load() (config.h) makes of
 * /etc/nsbox.conf, by the key table (configkeys.h), and what policy.c and
 * the faces read. Data only: no parser here. */
#ifndef NSBOX_RULE_H
#define NSBOX_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/paths.h" /* NSBOX_DEFAULT_CONFIG */
#include "../common/policyindex.h"
#include "values.h"

/* Ceilings on everything a config can make nsbox hold or do. */
#define CONFIG_MAX_BYTES NSBOX_CONFIG_MAX_BYTES /* common/policyindex.h */
#define CONFIG_MAX_RULES 1024
/* A rule name's bytes at most (box records hold 128 with the NUL). */
#define CONFIG_RULE_NAME_MAX 127
#define CONFIG_MAX_NAMES 4096 /* users or groups of one rule */
#define CONFIG_MAX_MOUNTS 64  /* binds of one rule */
/* Entries of one tmpfs list. With /tmp and /dev/shm a box has at most
 * CONFIG_MAX_TMPFS + 2 tmpfs mounts that the user can fill; at the default
 * size each, that is at most 20% of the host's RAM per box. */
#define CONFIG_MAX_TMPFS 8
/* Each tmpfs of a box may hold at most this much (tmpfs(5) size=). */
#define CONFIG_DEFAULT_TMPFS_SIZE "2%"
/* Terminals all of one user's boxes hold at once (ptys_max): the max= of
 * the devpts instance they share. The ceiling is the kernel's
 * NR_UNIX98_PTY_MAX. */
#define CONFIG_DEFAULT_PTYS_MAX 128
#define CONFIG_PTYS_MAX_CEILING (1 << 20)

enum on_error {
	ON_ERROR_DENY = 0,
	ON_ERROR_ALLOW = 1,
};

enum share {
	SHARE_SESSION = 0, /* a fresh box per session, gone at close */
	SHARE_USER = 1,	   /* one box for all sessions of a user */
};

/* The fields below hold the values of the keys of configkeys.c's table
 * (a key's entry names its field); a new key is an entry there and a
 * field here. */
struct bind_template {
	char *source; /* templates: %u %U %h %% expanded per user */
	char *target;
	bool readonly;
	bool optional;
};

struct rule {
	char *name;
	int line; /* where the rule's section ends, for messages */
	char **users;
	size_t n_users;
	char **groups;
	size_t n_groups;
	char *rootfs;	/* template */
	char *hostname; /* template */
	char *shell;	/* NULL: the user's own login shell */
	char **tmpfs;
	size_t n_tmpfs;
	char *tmpfs_size; /* size= of /tmp, /dev/shm and the tmpfs list */
	struct bind_template *binds;
	size_t n_binds;
	char **readonly_paths; /* templates: host paths bound read-only, in place */
	size_t n_readonly_paths;
	bool syslog_socket;
	bool accounting; /* the host's utmp, wtmp and lastlog in the box */
	enum on_error on_error;
	enum share share;
	long linger; /* seconds a shared box outlives its last session */
	bool network_none;
	/* Sessions may create and join user namespaces (else the module
	 * filters them out, common/ttyfilter.h). */
	bool user_namespaces;
	/* Limits; 0 means none. */
	long pids_max;
	unsigned long long memory_max;
	long cpu_weight;
	long nofile;
	/* Terminals of all the user's boxes together (always set). */
	long ptys_max;
	/* An overlay rootfs instead of rootfs (templates). */
	char *rootfs_lower;
	char *rootfs_upper;
};

struct config {
	char *path;
	bool confine_root;
	enum on_error on_error; /* the top-level policy, for errors before a rule */
	struct rule *rules;
	size_t n_rules;
	/* config_load() with CHECK_OWNER: the very bytes parsed, from a
	 * root-owned file, which its policy index carries for the module to
	 * compare with the file (common/policyindex.h). NULL otherwise: such
	 * a config is not indexed. */
	char *text;
	size_t text_size;
};

#endif
