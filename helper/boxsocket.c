/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The helper's side of a shared box's listening socket (boxsocket.h):
 * making it, joining the box through it, asking it how many sessions the
 * box has. */
#include "boxsocket.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/timeouts.h"
#include "../common/util.h"
#include "log.h"

/* Connections box init has not accepted yet that the kernel queues; one
 * more fails with EAGAIN (the sockets are non-blocking). */
#define LISTEN_BACKLOG 64

static int unix_address(const char *path, struct sockaddr_un *addr)
{
	*addr = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr->sun_path))
		return -ENAMETOOLONG;
	strcpy(addr->sun_path, path);
	return 0;
}

int make_box_listener(const char *path, int *ret_fd)
{
	struct sockaddr_un addr;
	_cleanup_close_ int fd = -1;

	if (unix_address(path, &addr) < 0)
		return log_errno(ENAMETOOLONG, "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return log_errno(errno, "socket(AF_UNIX)");
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, LISTEN_BACKLOG) < 0)
		return log_errno(errno, "bind(\"%s\")", path);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Non-blocking: a box init that is stopped or starved (by its own user)
 * has a full backlog, and root's commands must not hang on it. */
static int connect_and_say(const char *path, char hello, int *ret_fd)
{
	struct sockaddr_un addr;
	_cleanup_close_ int fd = -1;

	if (unix_address(path, &addr) < 0)
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    send(fd, &hello, 1, MSG_NOSIGNAL) != 1)
		return -errno;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int connect_box(const char *path, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct pollfd p;
	char answer = 0;
	int r = connect_and_say(path, HELLO_SESSION, &fd);

	if (r < 0)
		return r;
	/* Joined only once box init has counted us: until then it may be
	 * exiting (linger over, last session gone). */
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	r = RETRY_EINTR(poll(&p, 1, JOIN_TIMEOUT_MS));
	if (r == 0)
		return -ETIMEDOUT;
	if (r < 0 || recv(fd, &answer, 1, MSG_DONTWAIT) != 1 || answer != SESSION_COUNTED)
		return -ECONNRESET;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int query_box_sessions(const char *path, int *ret_n)
{
	_cleanup_close_ int fd = -1;
	struct pollfd p;
	char buf[16];
	ssize_t n;
	int r = connect_and_say(path, HELLO_QUERY, &fd);

	if (r < 0)
		return r;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&p, 1, QUERY_TIMEOUT_MS) <= 0)
		return -ETIMEDOUT;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*ret_n = atoi(buf);
	return 0;
}
