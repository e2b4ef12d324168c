/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Box init of the PAM face.
 *
 *   helper (root, host)  prepare_box_mounts(); clone3(user+mnt+uts+pid+ipc+
 *                        cgroup [+net] ns, CLONE_PIDFD); writes the child's
 *                        id maps: the user's uid and gid only (root is not
 *                        mapped), then says "go"
 *   box init (PID 1)     setsid; becomes the user inside its namespace (and
 *                        keeps its capabilities there, see privs.c); builds
 *                        the tree; drops every capability; reports back;
 *                        then holds the box while sessions hold it
 *
 * Sessions hold a box through sockets: the module's end of the protocol
 * socket (fd 3 here) for the first, and for a shared box one accepted
 * connection per later session. A session that ends, however it ends
 * (close_session, kill -9 of sshd), closes its socket; when none is left
 * init waits "linger" seconds (shared boxes) and exits, and the kernel kills
 * everything left in the box. Signals from inside the box cannot reach
 * init: PID 1 ignores what it has no handler for, and it installs none.
 *
 * Privileged operations here, and why each is safe:
 *  - clone3 with CLONE_NEWUSER as root: the new user namespace is owned by
 *    root, so the user's processes have no capability in it;
 *  - writing uid_map/gid_map: maps exactly the user's own ids, nothing else.
 * Everything after that runs in box init without host privileges. */
#include "boxinit.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "../common/protocol.h"
#include "../common/syscalls.h"
#include "../common/testpause.h"
#include "../common/timeouts.h"
#include "box.h"
#include "boxsocket.h"
#include "log.h"
#include "mount.h"
#include "ns.h"
#include "path.h"
#include "privs.h"

/* Sessions one shared box holds at most. */
#define MAX_SESSIONS 1024

/* Box init's report to the helper: "OK", or the reason it gave up. */
static void report(int fd, const char *text)
{
	(void)send(fd, text, strlen(text), MSG_NOSIGNAL);
}

static _noreturn_ void init_failed(int report_fd, const struct log_reason *why)
{
	report(report_fd, log_reason_text(why) ?: "box init failed");
	_exit(1);
}

struct holder {
	struct pollfd fds[MAX_SESSIONS + 4];
	size_t n; /* fds[0] signalfd, [1] timerfd, [2] listener (or -1), then peers */
	int sessions;
	long linger;
	bool done; /* no session, linger over: exit once no one is joining */
};

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
		snprintf(answer, sizeof(answer), "%d\n", h->sessions);
		(void)send(h->fds[i].fd, answer, strlen(answer), MSG_NOSIGNAL);
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

static _noreturn_ void serve(int sigfd, int listen_fd, long linger)
{
	static struct holder h;
	int timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

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

static int prepare_serving(int report_fd, int listen_fd, int upper_lock, int *ret_sigfd)
{
	sigset_t set;
	int sigfd;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return log_errno(errno, "sigprocmask()");
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0)
		return log_errno(errno, "signalfd()");
	/* Nothing of the helper but the sockets (and stdio, which is
	 * /dev/null) stays open in the long-lived init, and the lock on an
	 * overlay's upper layer, held while the box lives (prepare.c). */
	close_all_except((int[]){ 0, 1, 2, NSBOX_PROTOCOL_FD, report_fd, sigfd, listen_fd,
				  upper_lock },
			 8);
	*ret_sigfd = sigfd;
	return 0;
}

static int check_login_shell(const struct user_info *u)
{
	if (access(u->shell, X_OK) < 0)
		return log_errno(errno, "login shell %s of %s is not executable in the box", u->shell,
				 u->name);
	return 0;
}

/* network = none: the box's own network namespace, with loopback up. */
static int bring_up_loopback(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return log_errno(errno, "socket(AF_INET)");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return log_errno(errno, "SIOCGIFFLAGS(lo)");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return log_errno(errno, "SIOCSIFFLAGS(lo, up)");
	return 0;
}

static _noreturn_ void box_init(const struct box_start *b, const struct box_mounts *mounts,
				int go_fd, int report_fd)
{
	const struct user_info *u = b->user;
	const struct box_plan *plan = b->plan;
	pid_t host_pid = 0; /* "go" from the helper: our pid as the host sees it */
	struct log_reason why;
	int sigfd = -1;

	/* Our reason for the helper: what this process logs, nothing of what
	 * the helper collected before it started us. */
	log_reason_begin(&why);
	/* Leave the application's session: no controlling terminal here. */
	if (setsid() < 0)
		log_errno(errno, "setsid()");
	if (read(go_fd, &host_pid, sizeof(host_pid)) != sizeof(host_pid))
		_exit(1);
	close(go_fd);
	test_pause_set_pid(host_pid);

	/* Inside the box's user namespace root shows as the overflow uid.
	 * (A boxed root, confine_root = true, has uid 0 mapped and is not
	 * confined against itself: see SECURITY.md.) */
	const struct path_trust trust = u->uid != 0 ? path_trust_not(u->uid) : PATH_TRUST_ROOT;
	if (become_user_keep_caps(u->uid, u->gid) < 0)
		init_failed(report_fd, &why);
	test_pause_at(b->pause_step, "init-user");
	if (set_box_hostname(plan->hostname) < 0 ||
	    (b->rule->network_none && bring_up_loopback() < 0) || build_box_root(mounts, trust) < 0 ||
	    (plan->shell && bind_login_shell(plan->shell, u->shell) < 0))
		init_failed(report_fd, &why);
	test_pause_at(b->pause_step, "init-mounted");
	if (drop_all_caps() < 0 || harden_process(true) < 0 || check_login_shell(u) < 0 ||
	    prepare_serving(report_fd, b->listen_fd, mounts->upper_lock, &sigfd) < 0)
		init_failed(report_fd, &why);

	test_pause_at(b->pause_step, "init-ready");
	/* Named before the helper records the box: a record is trusted only
	 * for a process of this name (registry.c). */
	set_process_title(BOX_INIT_NAME);
	report(report_fd, "OK");
	close(report_fd);
	serve(sigfd, b->listen_fd, b->rule->share == SHARE_USER ? b->rule->linger : 0);
}

/* Box init's report, within SETUP_TIMEOUT_MS: during setup init already runs
 * as the user, who could stop it (SIGSTOP from another login) or hang it
 * on a bind source; a box stuck in setup must not live on. */
static int wait_report(int report_fd)
{
	struct pollfd p = { .fd = report_fd, .events = POLLIN };
	char msg[1024];
	ssize_t n;

	if (RETRY_EINTR(poll(&p, 1, SETUP_TIMEOUT_MS)) <= 0) {
		log_error("box init did not finish its setup within %d s", SETUP_TIMEOUT_MS / 1000);
		return -ETIMEDOUT;
	}
	n = RETRY_EINTR(recv(report_fd, msg, sizeof(msg) - 1, MSG_DONTWAIT));
	msg[n > 0 ? n : 0] = '\0';
	if (n > 0 && streq(msg, "OK"))
		return 0;
	log_error("%s", n > 0 ? msg : "box init died during setup");
	return -EIO;
}

static struct box_mounts mounts_of(const struct box_start *b)
{
	const struct box_plan *plan = b->plan;

	return (struct box_mounts){
		.rootfs = plan->rootfs, .rootfs_upper = plan->rootfs_upper,
		.syslog_socket = b->rule->syslog_socket,
		.user_devpts = b->devpts_tree, .ptys_max = b->rule->ptys_max,
		.list = plan->mounts,
	};
}

int check_box_host_side(const struct box_start *b)
{
	struct box_mounts mounts = mounts_of(b);
	int r = prepare_box_mounts(&mounts);

	if (r == 0)
		box_mounts_release(&mounts);
	return r;
}

int try_box(const struct box_start *b)
{
	_cleanup_close_ int pidfd = -1;
	pid_t pid;
	int r = start_box_init(b, &pid, &pidfd);

	if (r < 0)
		return r;
	/* Our own child, ready and serving no one: killing PID 1 ends the box. */
	(void)sys_pidfd_send_signal(pidfd, SIGKILL);
	(void)RETRY_EINTR(waitpid(pid, NULL, 0));
	return 0;
}

int start_box_init(const struct box_start *b, pid_t *ret_pid, int *ret_pidfd)
{
	struct box_mounts mounts = mounts_of(b);
	unsigned long flags = BOX_CLONE_FLAGS | (b->rule->network_none ? CLONE_NEWNET : 0);
	_cleanup_close_ int pidfd = -1, report_fd = -1, go_fd = -1;
	int rep[2], go[2], r;
	pid_t pid;

	/* As root on the host, where ownership means what it says. */
	if ((r = prepare_box_mounts(&mounts)) < 0)
		return r;
	test_pause_at(b->pause_step, "prepared");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, rep) < 0) {
		box_mounts_release(&mounts);
		return log_errno(errno, "socketpair()");
	}
	if (pipe2(go, O_CLOEXEC) < 0) {
		close(rep[0]);
		close(rep[1]);
		box_mounts_release(&mounts);
		return log_errno(errno, "pipe2()");
	}
	fflush(NULL);
	pid = clone_box(flags, false, &pidfd);
	if (pid == 0) {
		close(rep[0]);
		close(go[1]);
		box_init(b, &mounts, go[0], rep[1]);
	}
	/* Box init has its own copies of the prepared mounts. */
	box_mounts_release(&mounts);
	report_fd = rep[0];
	go_fd = go[1];
	close(rep[1]);
	close(go[0]);
	if (pid < 0)
		return log_error("clone3(namespaces): %s", userns_failure_hint(-pid)), pid;

	/* Root writes the maps: only the user's own uid and gid exist inside,
	 * and setgroups stays allowed so init can clear its groups. */
	r = write_id_maps(pid, b->user->uid, b->user->uid, b->user->gid, b->user->gid, false);
	if (r == 0 && write(go_fd, &pid, sizeof(pid)) != sizeof(pid))
		r = log_errno(errno, "write(go)");
	closep(&go_fd);
	if (r == 0 && (r = wait_report(report_fd)) == 0) {
		*ret_pid = pid;
		*ret_pidfd = TAKE_FD(pidfd);
		return 0;
	}
	(void)sys_pidfd_send_signal(pidfd, SIGKILL);
	(void)RETRY_EINTR(waitpid(pid, NULL, 0));
	return r;
}
