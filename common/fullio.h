/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole reads and writes: short transfers continued, EINTR retried. For
 * the module (the policy index) and the helper (records, the index). */
#ifndef NSBOX_COMMON_FULLIO_H
#define NSBOX_COMMON_FULLIO_H

#include <stddef.h>

/* Read exactly SIZE bytes of FD into BUF: 0, -errno, or -EBADMSG when the
 * file ends first (shorter than it said). */
int read_full(int fd, void *buf, size_t size);

/* Write the SIZE bytes of BUF to FD: 0, -errno, or -EIO when the kernel
 * takes none (write returned 0). */
int write_full(int fd, const void *buf, size_t size);

#endif
