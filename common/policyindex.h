/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy index: what the module needs to know, without parsing
 * nsbox.conf, to tell that no rule can match a user. The helper writes it
 * (root's, 0600, in root's 0700 /run/nsbox/index) each time it has loaded
 * and validated a config; the module reads it at open_session and, when
 * it is sure, answers "not confined" without starting the helper. Any
 * doubt (no index, another config, another format, a lookup that failed)
 * goes to the helper, which decides as it always has.
 *
 * What an index holds: the config's path and identity (device, inode,
 * size, mtime, ctime, mode, owner: an edit changes the ctime, which only
 * a root who sets the clock back can forge), whether root is exempt,
 * whether some rule names everyone, and the union of every rule's users
 * and groups. The module runs the helper's own matcher (match.h) on that
 * union: a user whom no rule's lists name is not named by the union
 * either. Group gids are looked up at login, never stored: a group's gid
 * can change without the config changing. */
#ifndef NSBOX_COMMON_POLICYINDEX_H
#define NSBOX_COMMON_POLICYINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "match.h"

/* Below /run/nsbox (NSBOX_RUN_DIR in helper/protocol.h), which the helper
 * makes root's and 0700. */
#define NSBOX_INDEX_DIR "/run/nsbox/index"
#define NSBOX_INDEX_MAGIC "nsbox-ix"
/* Bump whenever names_match() or policy_match() change what they accept:
 * an index written under the old meaning must not be read under the new. */
#define NSBOX_INDEX_VERSION 1
/* The names come from a config of at most 1 MiB; the header is small. */
#define NSBOX_INDEX_MAX_BYTES ((2 << 20))
#define NSBOX_INDEX_PATH_SIZE 1024
/* A config is indexed only once its ctime is this far behind the clock
 * at which it was read: a change within the same timestamp tick (1 s on
 * file systems with coarse timestamps) would otherwise leave the ctime
 * the index recorded, and a write(2) in progress while it was read must
 * have ended long before. */
#define NSBOX_INDEX_SETTLE_SEC 2

enum nsbox_index_flags {
	NSBOX_INDEX_ROOT_EXEMPT = 1 << 0, /* confine_root = false */
	NSBOX_INDEX_ANYONE = 1 << 1,	  /* some rule has users = {"*"} */
};

/* What identifies a version of a file; all-zero padding, so memcmp works. */
struct nsbox_file_id {
	uint64_t dev;
	uint64_t ino;
	uint64_t size;
	int64_t mtime_sec;
	int64_t mtime_nsec;
	int64_t ctime_sec;
	int64_t ctime_nsec;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint32_t reserved;
};

/* The file's layout: this header, then n_users and n_groups names, each
 * NUL-terminated and not empty, filling names_size bytes exactly. */
struct nsbox_index_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size; /* sizeof(struct nsbox_index_header) */
	uint32_t flags;	      /* nsbox_index_flags */
	uint32_t n_users;
	uint32_t n_groups;
	uint32_t names_size;
	struct nsbox_file_id config;
	char config_path[NSBOX_INDEX_PATH_SIZE];
};

/* An index in memory. Decoded, the names point into the buffer decoded. */
struct policy_index {
	uint32_t flags;
	struct nsbox_file_id config;
	const char *config_path;
	char **users;
	size_t n_users;
	char **groups;
	size_t n_groups;
};

void file_id_from_stat(const struct stat *st, struct nsbox_file_id *ret);
bool file_id_equal(const struct nsbox_file_id *a, const struct nsbox_file_id *b);
/* Whether a file of identity ID, read from READ_START on, may be indexed
 * (see NSBOX_INDEX_SETTLE_SEC). */
bool file_id_settled(const struct nsbox_file_id *id, const struct timespec *read_start);

/* The index of CONFIG_PATH: NSBOX_INDEX_DIR/ and a hash of the path (the
 * path itself is in the file and compared). */
int policy_index_path(const char *config_path, char *buf, size_t size);

/* The bytes of IX (*RET_BUF: free()). */
int policy_index_encode(const struct policy_index *ix, char **ret_buf, size_t *ret_size);
/* Check and decode BUF; *RET points into BUF. -EBADMSG for anything that
 * is not an index of this version, whole and well-formed. */
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

enum index_verdict {
	INDEX_ASK_HELPER = 0,
	INDEX_NO_RULE,	   /* no rule can match the user */
	INDEX_ROOT_EXEMPT, /* uid 0 and confine_root = false */
};

/* 0 if IX is the index of the config CONFIG_PATH whose identity now is
 * CONFIG; -ESTALE with *WHY set if not. */
int policy_index_check_config(const struct policy_index *ix, const char *config_path,
			      const struct nsbox_file_id *config, const char **why);

/* The index of the config at CONFIG_PATH, both files opened with
 * open_root_owned(), decoded and checked against the config's identity
 * now (*RET points into *RET_BUF: free both). -errno with *WHY set. */
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
