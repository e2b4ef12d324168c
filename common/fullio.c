/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole reads and writes: see fullio.h. */
#include "fullio.h"

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

/* The loop of both: BUF is written from (never to) when WRITING. */
static int transfer_full(int fd, char *buf, size_t size, bool writing)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = writing ? write(fd, buf + done, size - done)
				    : read(fd, buf + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : writing ? -EIO : -EBADMSG;
		done += (size_t)n;
	}
	return 0;
}

int read_full(int fd, void *buf, size_t size)
{
	return transfer_full(fd, buf, size, false);
}

int write_full(int fd, const void *buf, size_t size)
{
	return transfer_full(fd, (char *)buf, size, true);
}
