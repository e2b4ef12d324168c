/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hidegroups.so: LD_PRELOADed into a login program, a name service whose
 * group sources all answer "not found" for the user, as sssd does under
 * _SSS_LOOPS=NO and winbind under _NO_WINBINDD=1 in an environment the
 * caller of su or sudo chose: getgrouplist still succeeds, with the
 * primary group alone. The helper must not take that list for the user's
 * groups. */
#include <grp.h>

int getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups)
{
	(void)user;
	if (*ngroups < 1) {
		*ngroups = 1;
		return -1;
	}
	groups[0] = group;
	*ngroups = 1;
	return 1;
}
