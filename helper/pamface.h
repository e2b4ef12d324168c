/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NSBOX_PAMFACE_H
#define NSBOX_PAMFACE_H

#include <stdbool.h>

#include "../common/userlookup.h"
#include "config.h"
#include "policy.h"

/* The user NAME as a login under CFG sees them (common/userlookup.h): the
 * passwd entry, and the groups when CFG names a group (login_user_groups).
 * -ENOENT, not logged, for a user the name service does not know; other
 * errors logged. */
int login_user_lookup(const struct config *cfg, const char *name, struct user_record *ret);

/* U's groups, looked up here, when a rule of CFG names a group (else left
 * as they are: nothing matches on them); -errno logged. A login never
 * takes them from the module (pamface.c). */
int login_user_groups(const struct config *cfg, struct user_record *u);

/* U as the policy sees it (pointing into U). */
struct user_info login_user_info(const struct user_record *u);

/* The rule a login of U meets under CFG (*RET_RULE, NULL if none, and then
 * *RET_ROOT_EXEMPT says whether root was exempt) and, if one does, that
 * rule made concrete for U. Returns 0 or -errno with the reason logged. The
 * PAM face decides with this, and so does nsbox check. */
int login_plan(const struct config *cfg, const struct user_info *u, const struct rule **ret_rule,
	       bool *ret_root_exempt, struct box_plan *ret_plan);

/* What a login of U would get, tried without a session (nsbox check):
 * login_plan(), then the box built by the very calls a login makes
 * (try_box) and stopped at once. 0: not confined (*RET_RULE NULL) or the
 * box works; -errno: refused, the reason logged. */
int try_login(const struct config *cfg, const struct user_info *u, const struct rule **ret_rule,
	      bool *ret_root_exempt);

/* `nsbox pam-helper`: serve one request of pam_nsbox.so on fd 3. FULL:
 * NULL in the full helper (nsbox-full); in the static one (nsbox-pam-helper,
 * pammain.c), which has no name service, the name of the full helper
 * beside it, to which it hands the requests that need one. */
int cmd_pam_helper(const char *full);
/* The static helper's third argument to the full one: the full helper
 * ignores it; a static helper refuses a request handed on to it. */
#define PAM_HELPER_HANDED_OFF "handed-off"

#endif
