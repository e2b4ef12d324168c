/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc/nsbox.conf: libconfuse syntax, parsed here and only here (never in
 * the PAM module, so no parser runs in sshd's address space): config.c
 * loads it, configshape.c checks its text first, configkeys.c says what
 * each key is. After config_load() the policy is plain C structures:
 * nothing else in nsbox touches libconfuse. */
#ifndef NSBOX_CONFIG_H
#define NSBOX_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "rule.h" /* struct config, struct rule: what a config becomes */

/* Read and validate PATH. With CHECK_OWNER the file and every directory
 * above it must be root's and not writable by group or others (OpenSSH
 * safe_path). Errors are logged as "PATH:LINE: what" and -errno returned. */
int config_load(const char *path, bool check_owner, struct config **ret);

/* Parse a config held in memory (tests, fuzzing). NAME is used in messages. */
int config_parse_buffer(const char *name, const char *data, size_t size, struct config **ret);

/* Whether any rule of C names a group (matching needs the user's groups). */
bool config_names_groups(const struct config *c);
void config_free(struct config *c);
static inline void config_freep(struct config **c)
{
	config_free(*c);
	*c = NULL;
}

#endif
