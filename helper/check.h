/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NSBOX_CHECK_H
#define NSBOX_CHECK_H

int cmd_check(int argc, char **argv);

#endif
