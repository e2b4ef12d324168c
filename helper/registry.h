/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /run/nsbox: the boxes nsbox made, so that a user's next session can join
 * a shared box and admins can list, enter and stop boxes. Root-only (0700)
 * and written only by the helper as root: a record is never trusted on its
 * own, only after the process it names is verified through a pidfd (same
 * start time, named nsbox-init, the record's uid). Never by scanning /proc
 * for something that looks like a box (firejail CVE-2022-31214). The
 * policy index of each config the helper loaded (common/policyindex.h)
 * lives here too, in index/, for the module to read. */
#ifndef NSBOX_REGISTRY_H
#define NSBOX_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/boxrecord.h"

/* Fill R for box init PID (reads its start time). */
int record_init(struct box_record *r, const char *user, uint32_t uid, const char *rule,
		bool shared, pid_t pid, const char *rootfs);

int registry_write(const struct box_record *r);
int registry_remove(const char *id);

/* registry_list, registry_find_shared and registry_each_box_of walk the
 * records one way: boxes that are gone have their records removed on the
 * way, and a record that should be read and cannot be, or a failed
 * readdir, is an error (-EIO, logged): it may be a live box the caller
 * would miss. */

/* Every record of a live box, in *RET (free()). */
int registry_list(struct box_record **ret, size_t *ret_n);

/* A live shared box of USER (UID) for RULE, if there is one (-ENOENT if
 * not), and a pidfd of its init, checked as box_pidfd() does. */
int registry_find_shared(const char *user, uint32_t uid, const char *rule, struct box_record *ret,
			 int *ret_pidfd);

/* Call FN for each live box of UID, whatever its user name (two names of
 * one uid are one user) and rule, with a pidfd of its init checked as
 * box_pidfd() does (closed after FN), until FN returns non-zero, which is
 * then returned; 0 if it never did. Finds them by name (registry_write
 * gives each record a second name, ID.uUID), reading no other record. */
int registry_each_box_of(const char *user, uint32_t uid,
			 int (*fn)(const struct box_record *r, int pidfd, void *userdata),
			 void *userdata);

/* Serialise box creation for UID, whatever the rule (flock on a file of
 * /run/nsbox/locks). Held from looking at the user's boxes until the new
 * box is recorded: two logins at once must not both find no box and each
 * make a devpts instance, nor start two shared boxes. registry_unlock()
 * (a cleanup function) removes the file and lets go. */
struct user_lock {
	int fd;
	uint32_t uid;
};
#define USER_LOCK_NONE ((struct user_lock){ .fd = -1 })
int registry_lock(uint32_t uid, struct user_lock *ret);
void registry_unlock(struct user_lock *l);

/* A pidfd of the box init R names, after checking it is that process: its
 * start time, its name and its uid. -ESRCH if the box is gone. */
int box_pidfd(const struct box_record *r, int *ret_pidfd);

/* Whether box init (PIDFD, from box_pidfd, and its PID) has a network
 * namespace other than ours. -ESRCH if it died meanwhile. */
int box_has_own_net(int pidfd, pid_t pid, bool *ret);

/* The path of a shared box's listening socket. */
void box_socket_path(const char *id, char *buf, size_t size);

struct config;
/* The policy index of C (common/policyindex.h) in NSBOX_INDEX_DIR, for
 * the module to decide the logins of users no rule names without us: only
 * as root, only for a config loaded with its owner checked (it carries
 * the bytes parsed), and only if the index there is not that already. A
 * failure is a warning (logins then ask the helper) and returned. */
int registry_write_index(const struct config *c);

#endif
