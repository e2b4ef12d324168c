/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stdio relay of a confined session (module argument "pty").
 *
 * su, runuser (and login on a terminal) run the session on the standard fds
 * of whoever called them: root's terminal, root's files and pipes. Handed
 * to the box, such an fd outlives the session: a process of the user passes
 * it to another of her boxes and reads what root types after su returns,
 * reopens a pipe through /proc/self/fd for writing and feeds root's script,
 * truncates root's append-only log. And the terminal is the session's
 * controlling terminal, so /dev/tty in the box opens it.
 *
 * So before joining the box the module forks (before setns(CLONE_NEWPID):
 * the other order puts the login program inside the box, killed with it):
 *  - the PARENT keeps the pid the caller's shell waits on and becomes the
 *    relay: root, non-dumpable, in the host's namespaces (no process of the
 *    box can see, signal or ptrace it), holding the original fds 0-2 and
 *    nothing else of the application; it copies between them and the
 *    session's pty and pipes, forwards the window size and TERM/INT/QUIT/HUP,
 *    stops when the session stops, and exits with its status;
 *  - the CHILD starts a new session (no controlling terminal), joins the
 *    box, opens a pty of the box's devpts, makes it its controlling
 *    terminal, hands the master to the relay and puts the slave (or a pipe,
 *    for an fd that is not a terminal) on fds 0-2; then it goes on as the
 *    login program.
 * The original fds never enter the box, not even in the login program's
 * process (whose /proc the user cannot read anyway).
 *
 * util-linux lib/pty-session.c (su --pty, script) was read for the shape
 * of the loop: signalfd, the stop/continue dance, draining after the child. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <security/pam_ext.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#include "../common/fdpass.h"
#include "../common/syscalls.h"
#include "../common/userlookup.h"
#include "../common/util.h"
#include "relay.h"

#define RELAY_BUF   4096
#define DRAIN_READS 256 /* after the session: a writer that never stops cannot hold us */

/* Pipe ends: for fd 0 the session reads [0] and the relay writes [1]; for
 * fds 1 and 2 the session writes [1] and the relay reads [0]. */
#define SESSION_END(i) ((i) == 0 ? 0 : 1)
#define RELAY_END(i)   ((i) == 0 ? 1 : 0)

/* One direction of copying. */
struct channel {
	int in, out;
	char buf[RELAY_BUF];
	size_t len, off;
	bool done;
};

/* The channels: the terminal's input, the pty's output, stdout, stderr. */
enum { CH_INPUT, CH_TERM, CH_OUT, CH_ERR, N_CH };

struct relay_state {
	struct relay *r;
	pid_t child;
	int sigfd;
	int master;
	bool raw;
	bool child_gone;
	int status;
	struct channel ch[N_CH];
};

/* Close and forget: a closed fd number must not stay in a poll set. */
static void close_fd(int *fd)
{
	closep(fd);
	*fd = -1;
}

static void relay_init(struct relay *r)
{
	memset(r, 0, sizeof(*r));
	r->sock = r->term_fd = -1;
	for (int i = 0; i < 3; i++)
		r->pipes[i][0] = r->pipes[i][1] = -1;
}

static void close_pipe_ends(struct relay *r, bool session_ends, bool relay_ends)
{
	for (int i = 0; i < 3; i++) {
		if (session_ends)
			close_fd(&r->pipes[i][SESSION_END(i)]);
		if (relay_ends)
			close_fd(&r->pipes[i][RELAY_END(i)]);
	}
}

/* Whether fds A and B of this process are one open file (2>&1). */
static bool same_file(int a, int b)
{
	pid_t self = getpid();

	return syscall(SYS_kcmp, self, self, KCMP_FILE, a, b) == 0;
}

/* The user owns the new pty, as sshd's monitor would make it. */
static int lookup_ids(pam_handle_t *pamh, const char *user, struct relay *r)
{
	_cleanup_(user_record_free) struct user_record u = { 0 };

	if (user_record_lookup(user, &u) < 0) {
		pam_syslog(pamh, LOG_ERR, "relay: no passwd entry for %s", user);
		return -ENOENT;
	}
	r->uid = u.uid;
	r->gid = r->tty_gid = u.gid;
	if (group_gid_of("tty", &r->tty_gid) < 0)
		r->tty_gid = u.gid;
	return 0;
}

/* What each std fd is: a terminal (the pty replaces it), nothing (left
 * closed), or anything else (a pipe replaces it; stderr shares stdout's
 * when both were one file, so their order is kept). */
static int classify_fds(pam_handle_t *pamh, struct relay *r)
{
	for (int i = 0; i < 3; i++) {
		if (fcntl(i, F_GETFD) < 0)
			continue;
		if (isatty(i)) {
			r->is_tty[i] = true;
			if (r->term_fd < 0)
				r->term_fd = i;
			continue;
		}
		if (i == 2 && r->pipes[1][0] >= 0 && same_file(1, 2)) {
			r->stderr_joins_stdout = true;
			continue;
		}
		if (pipe2(r->pipes[i], O_CLOEXEC) < 0) {
			pam_syslog(pamh, LOG_ERR, "relay: pipe2: %m");
			return -errno;
		}
	}
	if (r->term_fd >= 0) {
		r->have_termios = tcgetattr(r->term_fd, &r->termios) == 0;
		r->have_winsize = ioctl(r->term_fd, TIOCGWINSZ, &r->winsize) == 0;
	}
	return 0;
}

/* --- the relay (the parent) ---------------------------------------------- */

/* Whether we may read (and set) the caller's terminal: `su -c cmd &`
 * would be stopped by SIGTTIN/SIGTTOU otherwise, as it was not before. */
static bool in_foreground(struct relay_state *S)
{
	return S->r->is_tty[0] && tcgetpgrp(0) == getpgrp();
}

static void term_raw(struct relay_state *S)
{
	struct termios t;

	/* Only when it reads the terminal: raw input passes ^C and ^Z to the
	 * pty, whose line discipline signals the box's foreground job. */
	if (S->raw || S->master < 0 || !S->r->have_termios || !in_foreground(S))
		return;
	t = S->r->termios;
	cfmakeraw(&t);
	if (tcsetattr(S->r->term_fd, TCSANOW, &t) == 0)
		S->raw = true;
}

static void term_restore(struct relay_state *S)
{
	if (S->raw)
		(void)tcsetattr(S->r->term_fd, TCSADRAIN, &S->r->termios);
	S->raw = false;
}

static void copy_winsize(struct relay_state *S)
{
	struct winsize ws;

	if (S->master >= 0 && S->r->term_fd >= 0 && ioctl(S->r->term_fd, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(S->master, TIOCSWINSZ, &ws);
}

/* A channel ends: close the relay's own end (a pipe end, so the session
 * sees EOF or EPIPE); the terminal's end is the caller's, kept. */
static void channel_stop(struct relay_state *S, int c)
{
	struct channel *ch = &S->ch[c];
	struct relay *r = S->r;

	if (ch->done)
		return;
	ch->done = true;
	ch->len = 0;
	if (c == CH_INPUT && !r->is_tty[0])
		close_fd(&r->pipes[0][1]);
	else if (c == CH_OUT)
		close_fd(&r->pipes[1][0]);
	else if (c == CH_ERR)
		close_fd(&r->pipes[2][0]);
	else if (c == CH_INPUT) {
		/* The caller's terminal hung up: hang up the session's. */
		S->ch[CH_TERM].done = true;
		close_fd(&S->master);
	}
}

static void channel_read(struct relay_state *S, int c)
{
	struct channel *ch = &S->ch[c];
	ssize_t n = read(ch->in, ch->buf, sizeof(ch->buf));

	if (n > 0) {
		ch->len = (size_t)n;
		ch->off = 0;
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		channel_stop(S, c); /* EOF, or EIO once no slave is open */
	}
}

static void channel_write(struct relay_state *S, int c)
{
	struct channel *ch = &S->ch[c];
	ssize_t n = write(ch->out, ch->buf + ch->off, ch->len - ch->off);

	if (n > 0) {
		ch->off += (size_t)n;
		if (ch->off == ch->len)
			ch->len = 0;
	} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
		channel_stop(S, c);
	}
}

/* The master arrives from the child once it has set the pty up (or the
 * socket closes without one: no terminal, or the child failed). */
static void receive_master(struct relay_state *S)
{
	char byte;
	/* Nothing (no terminal, or the child failed) or anything malformed:
	 * no master. */
	if (recv_with_fds(S->r->sock, &byte, sizeof(byte), &S->master, 1) <= 0)
		close_fd(&S->master);
	close_fd(&S->r->sock);
	if (S->master < 0) {
		S->ch[CH_TERM].done = true;
		if (S->r->is_tty[0])
			S->ch[CH_INPUT].done = true;
		return;
	}
	(void)fcntl(S->master, F_SETFL, O_NONBLOCK);
	S->ch[CH_TERM].in = S->master;
	if (S->r->is_tty[0])
		S->ch[CH_INPUT].out = S->master;
	term_raw(S);
	copy_winsize(S);
}

/* The session stopped (suspend, or su stopped by its shell): stop too, so
 * the caller's shell sees it, with its terminal as it was; on fg, go on. */
static void follow_stop(struct relay_state *S)
{
	term_restore(S);
	(void)kill(getpid(), SIGSTOP);
	term_raw(S);
	copy_winsize(S);
	(void)kill(S->child, SIGCONT);
}

static void reap_child(struct relay_state *S)
{
	int status;
	pid_t p;

	while ((p = waitpid(S->child, &status, WNOHANG | WUNTRACED)) == S->child) {
		if (WIFSTOPPED(status)) {
			follow_stop(S);
			continue;
		}
		S->status = status;
		S->child_gone = true;
		return;
	}
	if (p < 0 && errno == ECHILD) { /* reaped by someone else: unknown status */
		S->status = 1 << 8;
		S->child_gone = true;
	}
}

static void handle_signals(struct relay_state *S)
{
	struct signalfd_siginfo si;

	while (read(S->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap_child(S);
			break;
		case SIGWINCH:
			copy_winsize(S);
			break;
		case SIGCONT: /* fg of a job started with & */
			term_raw(S);
			copy_winsize(S);
			break;
		case SIGTERM:
		case SIGINT:
		case SIGQUIT:
		case SIGHUP:
			(void)kill(S->child, (int)si.ssi_signo);
			break;
		default:
			break;
		}
	}
}

static void poll_once(struct relay_state *S)
{
	struct pollfd pfd[2 + N_CH];
	int who[2 + N_CH];
	nfds_t n = 0;

	pfd[n] = (struct pollfd){ .fd = S->sigfd, .events = POLLIN };
	who[n++] = -1;
	if (S->r->sock >= 0) {
		pfd[n] = (struct pollfd){ .fd = S->r->sock, .events = POLLIN };
		who[n++] = -2;
	}
	for (int c = 0; c < N_CH; c++) {
		struct channel *ch = &S->ch[c];
		if (ch->done || ch->in < 0 || ch->out < 0)
			continue;
		if (c == CH_INPUT && S->r->is_tty[0] && !ch->len && !in_foreground(S))
			continue;
		pfd[n] = (struct pollfd){ .fd = ch->len ? ch->out : ch->in,
					  .events = ch->len ? POLLOUT : POLLIN };
		who[n++] = c;
	}
	if (poll(pfd, n, -1) < 0)
		return;
	for (nfds_t i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		if (who[i] == -1)
			handle_signals(S);
		else if (who[i] == -2)
			receive_master(S);
		else if (!S->ch[who[i]].done && S->ch[who[i]].len)
			channel_write(S, who[i]);
		else if (!S->ch[who[i]].done)
			channel_read(S, who[i]);
	}
}

/* The session is over: what it wrote before it ended still goes out. Our
 * ends are non-blocking; a process of a shared box that keeps writing is
 * cut off after DRAIN_READS reads. */
static void drain(struct relay_state *S)
{
	for (int c = CH_TERM; c < N_CH; c++) {
		struct channel *ch = &S->ch[c];
		for (int reads = 0; !ch->done && ch->in >= 0 && ch->out >= 0; reads++) {
			while (!ch->done && ch->len) {
				struct pollfd p = { .fd = ch->out, .events = POLLOUT };
				if (RETRY_EINTR(poll(&p, 1, -1)) < 0)
					break;
				channel_write(S, c);
			}
			if (ch->done || reads == DRAIN_READS)
				break;
			channel_read(S, c);
			if (!ch->len) /* EAGAIN, EOF or EIO */
				break;
		}
	}
}

/* Leave like the session did: its exit status, or its signal re-raised so
 * the caller's shell reports it. Never exit(): su registered atexit work
 * that belongs to the child. */
static _noreturn_ void relay_exit(struct relay_state *S)
{
	sigset_t set;

	drain(S);
	term_restore(S);
	close_fd(&S->master);
	if (WIFSIGNALED(S->status)) {
		int sig = WTERMSIG(S->status);
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sigaction(sig, &dfl, NULL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		(void)raise(sig);
		_exit(128 + sig);
	}
	_exit(WIFEXITED(S->status) ? WEXITSTATUS(S->status) : 1);
}

/* Shed what the parent holds of the application: signal handlers, ids of
 * the caller (a setuid su keeps the caller's real uid, who could signal
 * us), its fds (the helper socket, the box's pidfd, other modules' fds). */
static int become_relay(pam_handle_t *pamh, struct relay *r, const sigset_t *set)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, ign = { .sa_handler = SIG_IGN };
	int keep[3 + 1 + 1 + 3], n = 0, sigfd;

	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &dfl, NULL);
	(void)sigaction(SIGPIPE, &ign, NULL); /* a gone reader is an EPIPE */
	sigfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		pam_syslog(pamh, LOG_ERR, "relay: signalfd: %m");
		return -errno;
	}
	/* Root's ids only: the user (and the caller) cannot signal a root
	 * process; non-dumpable: no ptrace, no /proc of ours for them. */
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		pam_syslog(pamh, LOG_WARNING, "relay: cannot take root's ids: %m");
	(void)prctl(PR_SET_DUMPABLE, 0);
	if (chdir("/") < 0) /* do not pin the caller's directory's mount */
		pam_syslog(pamh, LOG_WARNING, "relay: chdir(\"/\"): %m");
	keep[n++] = 0;
	keep[n++] = 1;
	keep[n++] = 2;
	keep[n++] = r->sock;
	keep[n++] = sigfd;
	for (int i = 0; i < 3; i++)
		if (r->pipes[i][RELAY_END(i)] >= 0)
			keep[n++] = r->pipes[i][RELAY_END(i)];
	close_all_except(keep, (size_t)n);
	return sigfd;
}

static void setup_channels(struct relay_state *S)
{
	struct relay *r = S->r;
	int term_out = r->is_tty[1] ? 1 : r->is_tty[2] ? 2 : 0;

	for (int c = 0; c < N_CH; c++)
		S->ch[c] = (struct channel){ .in = -1, .out = -1, .done = true };
	/* The pty's ends are filled in when the master arrives. */
	if (r->is_tty[0])
		S->ch[CH_INPUT] = (struct channel){ .in = 0, .out = -1 };
	else if (r->pipes[0][1] >= 0)
		S->ch[CH_INPUT] = (struct channel){ .in = 0, .out = r->pipes[0][1] };
	if (r->term_fd >= 0)
		S->ch[CH_TERM] = (struct channel){ .in = -1, .out = term_out };
	if (r->pipes[1][0] >= 0)
		S->ch[CH_OUT] = (struct channel){ .in = r->pipes[1][0], .out = 1 };
	if (r->pipes[2][0] >= 0)
		S->ch[CH_ERR] = (struct channel){ .in = r->pipes[2][0], .out = 2 };
	/* Our own ends never block; the caller's fds are left as they are
	 * (O_NONBLOCK on them would be the caller's shell's too). */
	if (r->pipes[0][1] >= 0)
		(void)fcntl(r->pipes[0][1], F_SETFL, O_NONBLOCK);
	for (int i = 1; i < 3; i++)
		if (r->pipes[i][0] >= 0)
			(void)fcntl(r->pipes[i][0], F_SETFL, O_NONBLOCK);
}

static _noreturn_ void relay_run(pam_handle_t *pamh, struct relay *r, pid_t child,
				 const sigset_t *set)
{
	static struct relay_state S; /* the buffers are not for the stack */

	S = (struct relay_state){ .r = r, .child = child, .master = -1, .status = 1 << 8 };
	S.sigfd = become_relay(pamh, r, set);
	if (S.sigfd < 0) {
		/* Without signals we cannot follow the child: wait for it. */
		close_pipe_ends(r, false, true);
		close_fd(&r->sock);
		while (RETRY_EINTR(waitpid(child, &S.status, 0)) == child && WIFSTOPPED(S.status))
			;
		relay_exit(&S);
	}
	setup_channels(&S);
	reap_child(&S); /* it may be gone already */
	while (!S.child_gone)
		poll_once(&S);
	relay_exit(&S);
}

/* --- the fork ------------------------------------------------------------- */

int relay_fork(pam_handle_t *pamh, const char *user, struct relay *r)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old_chld;
	sigset_t set, old_mask;
	int pair[2], r_err;
	pid_t pid;

	relay_init(r);
	if ((r_err = lookup_ids(pamh, user, r)) < 0 || (r_err = classify_fds(pamh, r)) < 0)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
		r_err = -errno;
		pam_syslog(pamh, LOG_ERR, "relay: socketpair: %m");
		goto fail;
	}
	/* Signals for the relay's signalfd stay pending from the fork on;
	 * SIGCHLD must not be ignored, or the child is reaped unseen. */
	sigemptyset(&set);
	for (int sig = 0, sigs[] = { SIGCHLD, SIGWINCH, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCONT };
	     sig < (int)ARRAY_SIZE(sigs); sig++)
		sigaddset(&set, sigs[sig]);
	sigaction(SIGCHLD, &dfl, &old_chld);
	sigprocmask(SIG_BLOCK, &set, &old_mask);
	pid = fork();
	if (pid > 0) {
		close(pair[1]);
		r->sock = pair[0];
		close_pipe_ends(r, true, false);
		relay_run(pamh, r, pid, &set);
	}
	r_err = pid < 0 ? -errno : 0;
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGCHLD, &old_chld, NULL);
	close(pair[0]);
	if (pid < 0) {
		close(pair[1]);
		pam_syslog(pamh, LOG_ERR, "relay: fork: %s", strerror(-r_err));
		goto fail;
	}
	r->sock = pair[1];
	close_pipe_ends(r, false, true);
	/* A session of our own: the caller's terminal stops being ours. */
	if (setsid() < 0) {
		r_err = -errno;
		pam_syslog(pamh, LOG_ERR, "relay: setsid: %m");
		goto fail;
	}
	return 0;
fail:
	close_pipe_ends(r, true, true);
	close_fd(&r->sock);
	return r_err;
}

/* --- the child, in the box -------------------------------------------------- */

/* A new pty of the box's devpts. Safe as root: after joining, /dev is the
 * box's read-only tmpfs that no process of the box can remount (none has a
 * capability), the node is checked to be the pty multiplexer, and the slave
 * comes from TIOCGPTPEER, never from a path. */
static int open_box_pty(pam_handle_t *pamh, struct relay *r, int *ret_master, int *ret_slave,
			char *name, size_t size)
{
	_cleanup_close_ int master = -1, slave = -1;
	struct stat st;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 && errno == ENOSPC) {
		/* The devpts instance of the user's boxes is full (or the
		 * host's pool is used up). */
		const void *user = NULL;
		(void)pam_get_item(pamh, PAM_USER, &user);
		pam_syslog(pamh, LOG_ERR,
			   "relay: no pty left for %s: their boxes hold all the ptys their "
			   "rule's ptys_max allows, or the host has none left",
			   user ? (const char *)user : "the user");
		return -ENOSPC;
	}
	if (master < 0 || fstat(master, &st) < 0) {
		pam_syslog(pamh, LOG_ERR, "relay: open(\"/dev/ptmx\") in the box: %m");
		return -errno;
	}
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2) {
		pam_syslog(pamh, LOG_ERR, "relay: /dev/ptmx in the box is not the pty multiplexer");
		return -ENOTTY;
	}
	if (unlockpt(master) < 0 || ptsname_r(master, name, size) != 0 ||
	    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		pam_syslog(pamh, LOG_ERR, "relay: cannot open the new pty's slave: %m");
		return -errno;
	}
	if (r->have_termios)
		(void)tcsetattr(slave, TCSANOW, &r->termios);
	if (r->have_winsize)
		(void)ioctl(slave, TIOCSWINSZ, &r->winsize);
	/* The user's, as login programs make it; group tty only where the
	 * box maps it (devpts refuses ids its user namespace lacks). */
	if (fchown(slave, r->uid, r->tty_gid) == 0)
		(void)fchmod(slave, 0620);
	else if (fchown(slave, r->uid, r->gid) < 0 || fchmod(slave, 0600) < 0) {
		pam_syslog(pamh, LOG_ERR, "relay: fchown(\"%s\"): %m", name);
		return -errno;
	}
	*ret_master = TAKE_FD(master);
	*ret_slave = TAKE_FD(slave);
	return 0;
}

static int send_master(pam_handle_t *pamh, int sock, int master)
{
	char byte = 'M';
	int r = send_with_fds(sock, &byte, sizeof(byte), &master, master >= 0 ? 1 : 0);

	if (r < 0) {
		errno = -r;
		pam_syslog(pamh, LOG_ERR, "relay: cannot hand the pty to the relay: %m");
		return r;
	}
	return 0;
}

/* The pty (and pipes) on 0-2: the caller's fds leave this process. */
static int replace_std_fds(pam_handle_t *pamh, struct relay *r, int slave)
{
	for (int i = 0; i < 3; i++) {
		int fd = r->is_tty[i]			? slave
			 : r->pipes[i][SESSION_END(i)] >= 0 ? r->pipes[i][SESSION_END(i)]
			 : i == 2 && r->stderr_joins_stdout ? r->pipes[1][1]
							    : -1;
		if (fd >= 0 && dup2(fd, i) < 0) {
			pam_syslog(pamh, LOG_ERR, "relay: dup2 onto fd %d: %m", i);
			return -errno;
		}
	}
	return 0;
}

int relay_attach(pam_handle_t *pamh, struct relay *r)
{
	_cleanup_close_ int master = -1, slave = -1;
	char name[64];
	int err = 0;

	if (r->term_fd >= 0) {
		err = open_box_pty(pamh, r, &master, &slave, name, sizeof(name));
		/* We lead a session without a terminal (setsid after the
		 * fork): this one becomes it, so /dev/tty is the box's. */
		if (err == 0 && ioctl(slave, TIOCSCTTY, 0) < 0) {
			err = -errno;
			pam_syslog(pamh, LOG_ERR, "relay: TIOCSCTTY(\"%s\"): %m", name);
		}
		if (err == 0 && pam_set_item(pamh, PAM_TTY, name) != PAM_SUCCESS)
			err = -ENOMEM;
	}
	if (err == 0)
		err = send_master(pamh, r->sock, master);
	if (err == 0)
		err = replace_std_fds(pamh, r, slave);
	close_fd(&r->sock);
	close_pipe_ends(r, true, false);
	return err;
}
