/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Landlock scoping (ABI 6, Linux 6.12+), shared by the module (the PAM
 * face) and nsbox run (the rootless face). Host abstract unix sockets
 * (containerd CVE-2020-15257 class) are behind no namespace a box has
 * without its own network namespace, and a pidfd or F_SETOWN reaches a
 * host process whatever the PID namespace: scoping keeps connections and
 * signals from this process and its children inside its Landlock domain.
 * Header-only: the module links no helper object. */
#ifndef NSBOX_LANDLOCK_H
#define NSBOX_LANDLOCK_H

#include <errno.h>

#include "syscalls.h"
#include "util.h"

/* A ruleset for SCOPES, to restrict this process with later (a caller
 * about to lower RLIMIT_NOFILE makes it first): its fd (close-on-exec),
 * or -EOPNOTSUPP with *RET_ABI the kernel's Landlock ABI (below 6, or
 * negative without Landlock), or -errno. */
static inline int landlock_scope_ruleset(uint64_t scopes, int *ret_abi)
{
	struct nsbox_landlock_ruleset_attr attr = { .scoped = scopes };
	int abi = sys_landlock_create_ruleset(NULL, 0, NSBOX_LANDLOCK_CREATE_RULESET_VERSION);
	int fd;

	*ret_abi = abi;
	if (abi < 6)
		return -EOPNOTSUPP;
	fd = sys_landlock_create_ruleset(&attr, sizeof(attr), 0);
	return fd < 0 ? -errno : fd;
}

/* Restrict this process (and what it starts) to SCOPES. Returns 0, or
 * -EOPNOTSUPP with *RET_ABI the kernel's Landlock ABI (below 6, or
 * negative without Landlock) for the caller to warn and go on, or -errno
 * of a step that failed where the kernel has scoping. Needs no_new_privs
 * or CAP_SYS_ADMIN in the user namespace. */
static inline int landlock_scope(uint64_t scopes, int *ret_abi)
{
	_cleanup_close_ int fd = landlock_scope_ruleset(scopes, ret_abi);

	if (fd < 0)
		return fd;
	return sys_landlock_restrict_self(fd, 0) < 0 ? -errno : 0;
}

#endif
