/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NSBOX_PAMFACE_H
#define NSBOX_PAMFACE_H

/* `nsbox pam-helper`: serve one request of pam_nsbox.so on fd 3. */
int cmd_pam_helper(void);

#endif
