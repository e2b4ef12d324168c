/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every change of credentials or capabilities the helper makes is here. */
#ifndef NSBOX_PRIVS_H
#define NSBOX_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

/* Become UID/GID with no supplementary groups, inside the box's user
 * namespace, and verify the ids took. Capabilities in that namespace are
 * kept (uid 0 is not mapped there, so the kernel's root-to-user drop does
 * not fire); box_init needs them for its mounts and checks it. */
int become_user_keep_caps(uid_t uid, gid_t gid);

/* True when CAP is in the effective set of this process. */
bool have_effective_cap(int cap);

/* Drop every capability for good: bounding set, ambient, inheritable,
 * permitted, effective; then verify. */
int drop_all_caps(void);

/* Harden a process before user code can reach it: no new privileges on
 * execve, and (if NONDUMPABLE) no ptrace or /proc/PID access by the user. */
int harden_process(bool nondumpable);

#endif
