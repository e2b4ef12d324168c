/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File descriptors passed over a unix socket (SCM_RIGHTS), one way for the
 * helper's reply to the module (pamface.c, pam_nsbox.c) and the module's
 * pty for its relay (relay.c). Stateless and reentrant: the module runs
 * it in sshd. */
#ifndef NSBOX_COMMON_FDPASS_H
#define NSBOX_COMMON_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* The most fds one message carries (box init's pidfd and a connection). */
#define FDPASS_MAX 2

/* Send the LEN bytes of DATA (one message) with the N fds FDS attached
 * (none when N is 0). 0, or -errno (-EMSGSIZE: sent short). */
int send_with_fds(int sock, const void *data, size_t len, const int *fds, size_t n);

/* Receive one message of up to LEN bytes into DATA and the fds that came
 * with it, close-on-exec, into FDS (MAX of them; those not sent are -1).
 * Returns the message's length, or -errno: -EPROTO when the message or
 * its fds were cut short or the fds came in any other form than one
 * SCM_RIGHTS of at most MAX, and then every fd received is closed. */
ssize_t recv_with_fds(int sock, void *data, size_t len, int *fds, size_t max);

#endif
