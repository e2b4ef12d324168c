/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy index: what the module needs to know, without parsing
 * nsbox.conf, to tell that no rule can match a user. The helper writes it
 * (root's, 0600, in root's 0700 /run/nsbox/index) each time it has loaded
 * and validated a config; the module reads it at open_session and, when
 * it is sure, answers "not confined" without starting the helper. Any
 * doubt (no index, another config, another format, a lookup that failed)
 * goes to the helper, which decides as it always has.
 *
 * What an index holds: the config's path and a copy of the very bytes the
 * helper parsed, whether root is exempt, whether some rule names everyone,
 * and the union of every rule's users and groups. The module reads the
 * config's bytes now and uses the index only if they are the copy, byte
 * for byte: the same bytes parse to the same rules, so the index is the
 * summary of the config in force, whatever the file's times say (an edit
 * through a shared mapping changes no time after the first write fault).
 * The module runs the helper's own matcher (match.h) on the union: a user
 * whom no rule's lists name is not named by the union either. Group gids
 * are looked up at login, never stored: a group's gid can change without
 * the config changing. */
#ifndef NSBOX_COMMON_POLICYINDEX_H
#define NSBOX_COMMON_POLICYINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "match.h"
#include "paths.h" /* NSBOX_RUN_DIR, NSBOX_INDEX_DIR */

#define NSBOX_INDEX_MAGIC "nsbox-ix"
/* Bump whenever names_match() or policy_match() change what they accept:
 * an index written under the old meaning must not be read under the new.
 * The build identity below makes that so between builds in any case. */
#define NSBOX_INDEX_VERSION 2
/* An index carries NSBOX_BUILD_ID: the package version and a hash of the
 * sources that define parsing and matching (the Makefile's MATCH_SRCS),
 * generated at build time into build/build-id.h, which policyindex.c
 * alone includes: the module and the helper of one build get the same
 * string, and the module uses only an index that carries its own. */
#define NSBOX_INDEX_BUILD_ID_SIZE 64
/* The largest config the helper loads (helper/config.h's
 * CONFIG_MAX_BYTES is this): the module reads no more of one either. */
#define NSBOX_CONFIG_MAX_BYTES (1 << 20)
/* A header, a config's copy and its names: each name of the union stands
 * in the config's text, quoted or followed by a separator, apart from the
 * others, so the names take no more bytes than the config. */
#define NSBOX_INDEX_HEADER_MAX 4096
#define NSBOX_INDEX_MAX_BYTES (NSBOX_INDEX_HEADER_MAX + 2 * NSBOX_CONFIG_MAX_BYTES)
#define NSBOX_INDEX_PATH_SIZE 1024

enum nsbox_index_flags {
	NSBOX_INDEX_ROOT_EXEMPT = 1 << 0, /* confine_root = false */
	NSBOX_INDEX_ANYONE = 1 << 1,	  /* some rule has users = {"*"} */
};

/* The file's layout: this header, then the config's config_size bytes,
 * then n_users and n_groups names, each NUL-terminated and not empty,
 * filling names_size bytes exactly. */
struct nsbox_index_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size; /* sizeof(struct nsbox_index_header) */
	uint32_t flags;	      /* nsbox_index_flags */
	uint32_t n_users;
	uint32_t n_groups;
	uint32_t names_size;
	uint32_t config_size;
	uint32_t reserved; /* 0 */
	char build_id[NSBOX_INDEX_BUILD_ID_SIZE]; /* NSBOX_BUILD_ID, NUL-padded */
	char config_path[NSBOX_INDEX_PATH_SIZE];
};
_Static_assert(sizeof(struct nsbox_index_header) <= NSBOX_INDEX_HEADER_MAX, "index header");

/* An index in memory. Decoded, the names and the config's bytes point
 * into the buffer decoded. */
struct policy_index {
	uint32_t flags;
	const char *config_path;
	const char *config_text; /* the bytes the helper parsed */
	size_t config_size;
	char **users;
	size_t n_users;
	char **groups;
	size_t n_groups;
};

/* The index of CONFIG_PATH: NSBOX_INDEX_DIR/ and a hash of the path (the
 * path itself is in the file and compared). */
int policy_index_path(const char *config_path, char *buf, size_t size);

/* The bytes of IX (*RET_BUF: free()). */
int policy_index_encode(const struct policy_index *ix, char **ret_buf, size_t *ret_size);
/* Check and decode BUF; *RET points into BUF. -ESTALE for an index of
 * another build (NSBOX_BUILD_ID), -EBADMSG for anything else that is not
 * an index of this version, whole and well-formed. */
int policy_index_decode(const char *buf, size_t size, struct policy_index *ret);
void policy_index_free(struct policy_index *ix);

/* Open the regular file PATH (absolute, normalised), every directory from
 * / down root-owned and not writable by group or others (a root-owned
 * sticky one such as /tmp on the way, as the helper's walk_path() allows),
 * the file root's and not writable by group or others, no symlink
 * anywhere (O_NOFOLLOW at each step; each check is on the fd then used).
 * FOR_READING: O_RDONLY, else O_PATH. *RET_ST: the file's stat. -ELOOP
 * for a symlink, -EPERM for an owner or mode, else -errno. */
int open_root_owned(const char *path, bool for_reading, int *ret_fd, struct stat *ret_st);

/* Open the index file PATH for reading as open_root_owned() does, and
 * more: NSBOX_RUN_DIR and every directory below it root's and 0700, the
 * file root's, 0600 at most and with one link, as the helper makes them
 * (registry.c): the module uses no index the helper would not write or
 * keep. */
int policy_index_open(const char *path, int *ret_fd, struct stat *ret_st);

enum index_verdict {
	INDEX_ASK_HELPER = 0,
	INDEX_NO_RULE,	   /* no rule can match the user */
	INDEX_ROOT_EXEMPT, /* uid 0 and confine_root = false */
};

/* 0 if IX is the index of the config CONFIG_PATH whose bytes, read
 * through FD (of the size SIZE fstat gave), are now IX's copy, byte for
 * byte and to the end; -ESTALE with *WHY set if not, another -errno for a
 * read that failed. */
int policy_index_check_config(const struct policy_index *ix, const char *config_path, int fd,
			      off_t size, const char **why);

/* The index of the config at CONFIG_PATH, both files opened with
 * open_root_owned(), the index decoded and checked against the config's
 * bytes now (*RET points into *RET_BUF: free both). -errno with *WHY set. */
int policy_index_load(const char *config_path, struct policy_index *ret, char **ret_buf,
		      const char **why);

/* The verdict of the index IX (of the config in force) for a login of U,
 * uid UID: sure answers only; anything else is INDEX_ASK_HELPER with *WHY
 * saying why. GROUPS_KNOWN: U's gids and group names are all there (they
 * are needed only when IX->n_groups, so a caller may look them up then
 * only). */
enum index_verdict policy_index_decide(const struct policy_index *ix, uid_t uid,
				       const struct match_user *u, bool groups_known,
				       group_lookup_fn lookup, const char **why);

#endif
