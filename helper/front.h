/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsbox comes in two programs built from the same code (main.c):
 *  - nsbox, what users run: static, so that `nsbox run` pays for no
 *    dynamic loader, and without a name service (nonss.c: a static glibc
 *    can use only the name service modules of its own version);
 *  - nsbox-full beside it: dynamically linked, with the name service. It
 *    serves what needs a lookup: `nsbox check`, `nsbox run` without a
 *    command (the caller's login shell), and the login requests the static
 *    PAM helper hands on (pammain.c). */
#ifndef NSBOX_FRONT_H
#define NSBOX_FRONT_H

#include <stdbool.h>

/* The full program's name, beside the static ones; the test build's is
 * named for the test build. */
#ifdef NSBOX_TEST_BUILD
#define NSBOX_FULL_PROGRAM "nsbox-test"
#else
#define NSBOX_FULL_PROGRAM "nsbox-full"
#endif

/* What the static nsbox adds to the environment it hands to nsbox-full.
 * Both remove it from their own at once (main.c: nothing run in a box
 * inherits it); a static nsbox that found it (HANDED_ON: a copy of nsbox
 * installed as nsbox-full) refuses to hand the command on, rather than
 * hand it to itself forever. */
#define NSBOX_HANDED_ON_ENV "NSBOX_HANDED_ON"

/* The static nsbox: execute nsbox-full beside it with the same ARGV (main's)
 * and environment. Returns only on failure, an exit status, logged. */
int hand_to_full_program(char **argv, bool handed_on);

#endif
