/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NSBOX_ADMIN_H
#define NSBOX_ADMIN_H

/* nsbox list [--json], nsbox stop BOX|USER, nsbox enter BOX|USER [-- CMD]:
 * ARGV[0] is the command name. Exit statuses: 0, 1 (no such box, or it
 * could not be acted on), 2 (usage, or not root); enter returns CMD's. */
int cmd_list(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_enter(int argc, char **argv);

#endif
