/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Box init's serving loop, in nsbox-init and in the helper's image alike:
 * see serve.h. No privileged operation: it runs as the user, without a
 * capability, in the box. */
#include "serve.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "../common/protocol.h"
#include "../common/timeouts.h"
#include "boxsocket.h"

struct holder {
	struct pollfd fds[MAX_SESSIONS + 4];
	size_t n; /* fds[0] signalfd, [1] timerfd, [2] listener (or -1), then peers */
	int sessions;
	long linger;
	bool done; /* no session, linger over: exit once no one is joining */
};

int serve_prepare(int *ret_sigfd, int *ret_timer)
{
	sigset_t set;
	int sigfd, timer, err;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0)
		return -errno;
	timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (timer < 0) {
		err = errno;
		close(sigfd);
		return -err;
	}
	*ret_sigfd = sigfd;
	*ret_timer = timer;
	return 0;
}

static void reap(int sigfd)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si))
		;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* No session holds the box: go now, later, or never. */
static void last_session_gone(struct holder *h)
{
	struct itimerspec when = { .it_value.tv_sec = h->linger };

	if (h->linger == 0)
		h->done = true;
	else if (h->linger > 0)
		(void)timerfd_settime(h->fds[1].fd, 0, &when, NULL);
}

/* Whether someone is joining: a peer not greeted yet, or a connection
 * waiting in the listener's backlog. A session that connects after this
 * finds box init gone and gets no answer; the helper then starts a new box
 * (see connect_box). */
static bool joining(const struct holder *h)
{
	struct pollfd p = { .fd = h->fds[2].fd, .events = POLLIN };

	for (size_t i = 4; i < h->n; i++)
		if (h->fds[i].events & POLLPRI)
			return true;
	return p.fd >= 0 && poll(&p, 1, 0) > 0;
}

/* Peers are unordered: the last one takes the place of the one that goes
 * (serve() walks them from the end, so it has seen the last one). */
static void drop_peer(struct holder *h, size_t i)
{
	close(h->fds[i].fd);
	h->fds[i] = h->fds[--h->n];
}

/* "N\n" for a query, without stdio (nsbox-init has none). */
static size_t format_count(char *buf, size_t size, int n)
{
	char digits[16];
	size_t len = 0, i = 0;
	unsigned v = n > 0 ? (unsigned)n : 0;

	do
		digits[len++] = (char)('0' + v % 10);
	while ((v /= 10) && len < sizeof(digits));
	while (len && i + 2 < size)
		buf[i++] = digits[--len];
	buf[i++] = '\n';
	return i;
}

/* A peer said who it is: a session (held until it closes) or a query. */
static void greet(struct holder *h, size_t i)
{
	char hello = 0, answer[16];
	struct itimerspec off = { 0 };

	if (recv(h->fds[i].fd, &hello, 1, MSG_DONTWAIT) != 1 ||
	    (hello != HELLO_SESSION && hello != HELLO_QUERY)) {
		drop_peer(h, i);
		return;
	}
	if (hello == HELLO_QUERY) {
		size_t len = format_count(answer, sizeof(answer), h->sessions);
		(void)send(h->fds[i].fd, answer, len, MSG_NOSIGNAL);
		drop_peer(h, i);
		return;
	}
	h->fds[i].events = POLLIN | POLLRDHUP; /* from now on: a session */
	h->sessions++;
	h->done = false;
	(void)timerfd_settime(h->fds[1].fd, 0, &off, NULL);
	/* Counted: now the helper may tell the module it is in. */
	answer[0] = SESSION_COUNTED;
	(void)send(h->fds[i].fd, answer, 1, MSG_NOSIGNAL);
}

static void accept_peer(struct holder *h)
{
	int fd = accept4(h->fds[2].fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0) {
		/* Out of fds (the user may prlimit their own box init): the
		 * connection stays queued and the listener readable; wait a
		 * little rather than spin on it. */
		if (errno == EMFILE || errno == ENFILE)
			(void)poll(NULL, 0, ACCEPT_RETRY_MS);
		return;
	}
	if (h->n >= ARRAY_SIZE(h->fds)) {
		close(fd);
		return;
	}
	/* Not a session until it says so: POLLPRI marks "not greeted". */
	h->fds[h->n++] = (struct pollfd){ .fd = fd, .events = POLLIN | POLLPRI };
}

_noreturn_ void serve(int sigfd, int timer, int listen_fd, long linger)
{
	static struct holder h;

	if (sigfd < 0 || timer < 0)
		_exit(1);
	h.linger = linger;
	h.fds[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	h.fds[1] = (struct pollfd){ .fd = timer, .events = POLLIN };
	h.fds[2] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
	h.fds[3] = (struct pollfd){ .fd = NSBOX_PROTOCOL_FD, .events = POLLIN | POLLRDHUP };
	h.n = 4;
	h.sessions = 1;
	for (;;) {
		if (poll(h.fds, h.n, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (h.fds[0].revents)
			reap(sigfd);
		if (h.fds[1].revents) {
			uint64_t expirations;
			if (read(timer, &expirations, sizeof(expirations)) < 0)
				expirations = 0; /* nothing to clear */
			if (h.sessions == 0)
				h.done = true; /* lingered long enough */
		}
		if (listen_fd >= 0 && h.fds[2].revents)
			accept_peer(&h);
		for (size_t i = h.n; i-- > 3;) {
			struct pollfd *p = &h.fds[i];
			if (!p->revents)
				continue;
			if (p->events & POLLPRI) {
				greet(&h, i);
				continue;
			}
			/* A session's socket: any data, hang-up or error ends
			 * it (only "stop" is ever sent). */
			drop_peer(&h, i);
			if (--h.sessions == 0)
				last_session_gone(&h);
		}
		if (h.done && h.sessions == 0 && !joining(&h))
			_exit(0);
	}
}
