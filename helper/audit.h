/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rootfs audit: nothing the user controls may stand where root code in
 * the box reads or loads by name once the login program has joined it
 * (sudo CVE-2025-32463 class). The system paths (/etc/passwd, /etc/pam.d,
 * the library directories themselves...) are checked at every login; the
 * entries of the directories root code loads from (libraries, NSS and PAM
 * modules, PAM's and ld.so's configuration) are audited once per state of
 * the rootfs and recorded, root-only, under /run/nsbox/audit: the record
 * holds what the kernel reports of every directory the audit relied on,
 * and is trusted only while all of it is unchanged. See SECURITY.md. */
#ifndef NSBOX_AUDIT_H
#define NSBOX_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/paths.h"
#include "path.h"

#define AUDIT_DIR NSBOX_RUN_DIR "/audit"
/* A record older than this is not trusted: changes only root can make
 * without touching a directory (chown, chmod, a mount over a file) are
 * seen by a full audit at the latest then (nsbox check: at once). */
#define AUDIT_MAX_AGE_S 600
/* Names looked up in the rootfs's top directory that an overlay's upper
 * layer must not hold for the lower's audit to stand for the merged tree. */
#define AUDIT_TOP_MAX	   32
#define AUDIT_TOP_NAME_MAX 64

/* What an audit of a lower layer tells the audit of its overlay. */
struct audit_summary {
	/* Every directory, entry and link target the audit looked at was on
	 * the rootfs's own mount: what overlayfs sees of the lower (it does
	 * not cross into mounts below it) is what was audited. */
	bool one_mount;
	/* The names looked up in the rootfs's top directory (lib, usr, etc,
	 * and where links point); n_top > AUDIT_TOP_MAX: too many to tell. */
	size_t n_top;
	char top[AUDIT_TOP_MAX][AUDIT_TOP_NAME_MAX];
};

/* The rootfs at ROOTFD (on the host, as root, owners judged as root's):
 * its system paths, and the entries of its code directories unless a
 * record of this very state says they passed. A full audit that passes
 * is recorded (when its state is old enough to be told from the next
 * one), one that fails removes the record. SUMMARY may be NULL. */
int audit_rootfs(int rootfd, const char *shown_root, struct audit_summary *ret_summary);

/* The merged tree MERGEDFD of an overlay whose lower passed audit_rootfs()
 * with LOWER and whose upper layer is UPPERFD: its system paths, and the
 * entries of its code directories unless the upper holds none of the names
 * the lower's audit looked up in the top directory (then every directory
 * the audit relied on is the lower's, as audited). Never recorded. */
int audit_merged(int mergedfd, int upperfd, const char *shown, const struct audit_summary *lower);

/* Check the files root code reads in a box (beneath ROOTFD), as names and
 * as what they resolve to, owned as TRUST says; with ENTRIES, audit every
 * entry of the code directories too (no record: box init after binds over
 * code directories). audit_rootfs and audit_merged run on the host and
 * trust root only. */
int check_system_paths(int rootfd, const char *shown_root, bool entries, struct path_trust trust);

/* Whether the box path TARGET ("/a/b") is, contains or lies in a code
 * directory (a bind or tmpfs there must have the entries audited again). */
bool path_overlaps_code_dir(const char *target);

/* nsbox check: audit in full whatever the records say, and refresh them. */
void audit_force_full(void);

#endif
