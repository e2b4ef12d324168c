/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rules every path walk of nsbox applies, whoever walks: the helper's
 * walk_path (helper/path.c), the audit of a rootfs (helper/audit.c) and
 * the module's open of the policy index (common/policyindex.c). Pure
 * functions of what stat said and of the path's text: no log, no state,
 * fit for the module in sshd. */
#ifndef NSBOX_COMMON_PATHCHECK_H
#define NSBOX_COMMON_PATHCHECK_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Who may own trusted paths, passed to every check that judges owners.
 * On the host that is root (PATH_TRUST_ROOT). Inside a box's user
 * namespace only the user's own ids are mapped and every other owner,
 * root included, shows as the overflow uid: there the rule becomes "not
 * the user" (path_trust_not(USER); the host-side check has already
 * demanded root). */
struct path_trust {
	bool not_user; /* judged by "not USER" rather than "root" */
	uid_t user;
};
#define PATH_TRUST_ROOT ((struct path_trust){ .not_user = false })
static inline struct path_trust path_trust_not(uid_t user)
{
	return (struct path_trust){ .not_user = true, .user = user };
}

/* Whether ST's owner is one TRUST trusts. */
bool path_owner_trusted(const struct stat *st, struct path_trust trust);

/* OpenSSH's rule for a ChrootDirectory component (safe_path) on ST's
 * mode, plus the sticky-bit case: not writable by group or others, except
 * a sticky directory that is not the end of the path (LAST): there others
 * may add entries but not replace its owner's, so it may stand on the way
 * but not be the target itself. The owner is judged apart. */
bool path_mode_trusted(const struct stat *st, bool last);

/* True for "/" and absolute paths without empty, "." or ".." components and
 * without a trailing slash: the only form nsbox accepts from a config. */
bool path_is_normalized_absolute(const char *path);

/* The first component of REST, the part of a path still to walk (any
 * number of slashes anywhere): NULL when none is left; else the component,
 * NUL-terminated in place, with *RET_NEXT at what follows it (past its
 * slashes) and *RET_LAST true when nothing does. path_drop_component()
 * then moves what follows to the front of REST. */
char *path_next_component(char *rest, char **ret_next, bool *ret_last);
void path_drop_component(char *rest, const char *next);

#endif
