/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exit statuses of the nsbox commands, each written once here and
 * listed for users in nsbox(1), EXIT STATUS. */
#ifndef NSBOX_EXITCODES_H
#define NSBOX_EXITCODES_H

/* nsbox run, as env(1) and chroot(1) use them; nsbox enter's CMD the
 * same. EXIT_NSBOX_FAILED is also what nsbox ends with for no command,
 * an unknown one, or pam-helper run by hand. */
#define EXIT_NSBOX_FAILED 125
#define EXIT_CANNOT_EXEC  126
#define EXIT_NOT_FOUND	  127

/* nsbox check: the file is unreadable, unsafe or invalid, or a login
 * tried would fail. */
#define EXIT_CHECK_FAILED 1
/* nsbox list, enter, stop: no such box, or it could not be acted on. */
#define EXIT_NO_BOX 1
/* nsbox check, list, enter, stop: a bad option or argument (the admin
 * commands: or not run by root). */
#define EXIT_USAGE 2

#endif
