/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCM_RIGHTS, once: see fdpass.h. */
#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

/* Control data aligned for struct cmsghdr, room for FDPASS_MAX fds. */
union fd_control {
	char buf[CMSG_SPACE(FDPASS_MAX * sizeof(int))];
	struct cmsghdr align;
};

int send_with_fds(int sock, const void *data, size_t len, const int *fds, size_t n)
{
	union fd_control control = { 0 };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t sent;

	if (n > FDPASS_MAX)
		return -EINVAL;
	if (n > 0) {
		struct cmsghdr *c;
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	sent = RETRY_EINTR(sendmsg(sock, &msg, MSG_NOSIGNAL));
	if (sent < 0)
		return -errno;
	return sent == (ssize_t)len ? 0 : -EMSGSIZE;
}

/* Close the fds of an SCM_RIGHTS message C that is not taken. */
static void close_passed(struct cmsghdr *c)
{
	size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

	for (size_t i = 0; i < n; i++) {
		int fd;
		memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		closep(&fd);
	}
}

ssize_t recv_with_fds(int sock, void *data, size_t len, int *fds, size_t max)
{
	union fd_control control = { 0 };
	struct iovec iov = { .iov_base = data, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			      .msg_controllen = CMSG_SPACE(max * sizeof(int)) };
	bool bad = false, got = false;
	ssize_t n;

	for (size_t i = 0; i < max; i++)
		fds[i] = -1;
	if (max == 0 || max > FDPASS_MAX)
		return -EINVAL;
	n = RETRY_EINTR(recvmsg(sock, &msg, MSG_CMSG_CLOEXEC));
	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			bad = true;
			continue;
		}
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (got || k == 0 || k > max || c->cmsg_len != CMSG_LEN(k * sizeof(int))) {
			close_passed(c);
			bad = true;
			continue;
		}
		memcpy(fds, CMSG_DATA(c), k * sizeof(int));
		got = true;
	}
	if (bad || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		for (size_t i = 0; i < max; i++)
			closep(&fds[i]);
		return -EPROTO;
	}
	return n;
}
