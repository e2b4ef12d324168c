/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Box init of the PAM face.
 *
 *   helper (root, host)  prepare_box_mounts(); clone3(user+mnt+uts+pid+ipc+
 *                        cgroup [+net] ns, CLONE_PIDFD); writes the child's
 *                        id maps: the user's uid and gid only (root is not
 *                        mapped), then says "go"
 *   box init (PID 1)     setsid; becomes the user inside its namespace (and
 *                        keeps its capabilities there, see privs.c); builds
 *                        the tree; drops every capability; executes
 *                        nsbox-init (initprog.c), which reports back and
 *                        then holds the box while sessions hold it
 *                        (serve.c); without a trusted nsbox-init the
 *                        helper's image does both itself
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
 *  - writing uid_map/gid_map: maps exactly the user's own ids, nothing else;
 *  - opening nsbox-init and its directory, beside the helper, as root
 *    (open_init_program): O_PATH, nothing is read or run as root. Box init executes it later as
 *    the user, in the box, without a capability and with no_new_privs, so
 *    it can do no more than the user's own programs could, but it holds
 *    the sessions' sockets and is the box's PID 1: a program someone else
 *    put there could hand them to the user or keep the box alive. Hence
 *    only a file that root owns and alone may write, in a directory that
 *    root owns and alone may write: what root installed, as trusted as
 *    the helper executed from the same place.
 * Everything after that runs in box init without host privileges. */
#include "boxinit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../common/pathcheck.h"
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
#include "serve.h"

/* The program box init executes once the box is built, beside the
 * helper (initprog.c). */
#define INIT_PROGRAM "nsbox-init"

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

/* nsbox-init as the helper checked it (open_init_program): a detached,
 * read-only copy of its directory (or -1), and the file's stat then. */
struct init_program {
	int dir;
	struct stat st;
};

static int prepare_serving(int report_fd, int listen_fd, int upper_lock, int program_dir,
			   int *ret_sigfd, int *ret_timer)
{
	int r = serve_prepare(ret_sigfd, ret_timer);

	if (r < 0)
		return log_errno(-r, "signalfd(SIGCHLD) or timerfd");
	/* Nothing of the helper but the sockets (and stdio, which is
	 * /dev/null) stays open in the long-lived init, and the lock on an
	 * overlay's upper layer, held while the box lives (prepare.c); and,
	 * until box init executes it, nsbox-init's directory (close-on-exec). */
	close_all_except((int[]){ 0, 1, 2, NSBOX_PROTOCOL_FD, report_fd, *ret_sigfd, *ret_timer,
				  listen_fd, upper_lock, program_dir },
			 10);
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

/* Hold the box from nsbox-init (initprog.c) rather than from the helper's
 * image: a live box then costs that small program's pages and page tables,
 * not a copy of the helper's address space. PROG is what
 * open_init_program() checked (dir -1: nothing to execute). Returns only
 * if the program cannot be executed, or is no longer the file checked;
 * box init then serves from here, as before.
 *
 * After "OK", and INIT_EXEC_DELAY_MS later, off the login's path: the exec
 * cost a login 1.4 ms on the test VM when it came before "OK", and 0.7 ms
 * right after it, competing with the login for the CPUs
 * (bench/login-cost.sh). "OK" still means the box serves: nothing the
 * sessions hold is closed across the exec, a session that ends meanwhile
 * leaves its socket hung up for the program to see, and what connects
 * waits in the listener's backlog; the signalfd and the timerfd serve()
 * needs were made before "OK" and are passed on, so nothing the program
 * does can fail for want of an fd. Executed by name from the directory,
 * so that the kernel names the process after the file, nsbox-init, from
 * the exec on (a box record is trusted only for that name, and the helper
 * records the box on "OK"; an fd exec is named after the fd's number on
 * kernels before 6.14). The name is resolved again here, in a copy of a
 * directory that is root's and only root may write (open_init_program),
 * and the file must be the one checked.
 *
 * Box init has dropped every capability and set no_new_privs (kept across
 * exec, with the empty bounding set: no file capability or setuid bit can
 * give it anything); exec makes it dumpable again, which nsbox-init undoes
 * first thing (initprog.c). What it must hold survives the exec; the rest
 * is close-on-exec. Its parameters go in the environment, not on its
 * command line, which the box's processes can read. */
static void exec_init_program(const struct init_program *prog, int sigfd, int timer,
			      int listen_fd, int upper_lock, long linger)
{
	char abi_env[32], sig_env[48], timer_env[48], listen_env[48], linger_env[48];
	char *const argv[] = { BOX_INIT_NAME, NULL };
	char *const envp[] = { abi_env, sig_env, timer_env, listen_env, linger_env, NULL };
	const int keep[] = { NSBOX_PROTOCOL_FD, sigfd, timer, listen_fd, upper_lock };
	struct stat now;

	if (prog->dir < 0)
		return;
	/* Still the file the helper checked, unchanged: an upgrade, a chmod
	 * or a chown since would show in its inode or its ctime (its owner
	 * itself shows as the overflow uid here, root being unmapped). Else
	 * serve from here. */
	if (fstatat(prog->dir, INIT_PROGRAM, &now, AT_SYMLINK_NOFOLLOW) < 0 ||
	    now.st_dev != prog->st.st_dev || now.st_ino != prog->st.st_ino ||
	    now.st_mode != prog->st.st_mode || now.st_ctim.tv_sec != prog->st.st_ctim.tv_sec ||
	    now.st_ctim.tv_nsec != prog->st.st_ctim.tv_nsec) {
		log_warning("box init: %s changed since the helper checked it; it serves from "
			    "the helper's image",
			    INIT_PROGRAM);
		return;
	}
	snprintf(abi_env, sizeof(abi_env), "%s=%s", SERVE_ENV_ABI, SERVE_ABI);
	snprintf(sig_env, sizeof(sig_env), "%s=%d", SERVE_ENV_SIGNAL_FD, sigfd);
	snprintf(timer_env, sizeof(timer_env), "%s=%d", SERVE_ENV_TIMER_FD, timer);
	snprintf(listen_env, sizeof(listen_env), "%s=%d", SERVE_ENV_LISTEN_FD, listen_fd);
	snprintf(linger_env, sizeof(linger_env), "%s=%ld", SERVE_ENV_LINGER, linger);
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (keep[i] >= 0 && fcntl(keep[i], F_SETFD, 0) < 0) {
			log_errno(errno, "fcntl(%d, F_SETFD)", keep[i]);
			return;
		}
	execveat(prog->dir, INIT_PROGRAM, argv, envp, AT_SYMLINK_NOFOLLOW);
	log_warning("box init: cannot execute %s (%s); it serves from the helper's image",
		    INIT_PROGRAM, strerror(errno));
}

static _noreturn_ void box_init(const struct box_start *b, const struct box_mounts *mounts,
				int go_fd, int report_fd, const struct init_program *prog)
{
	const struct user_info *u = b->user;
	const struct box_plan *plan = b->plan;
	long linger = b->rule->share == SHARE_USER ? b->rule->linger : 0;
	pid_t host_pid = 0; /* "go" from the helper: our pid as the host sees it */
	struct log_reason why;
	int sigfd = -1, timer = -1;

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
	    prepare_serving(report_fd, b->listen_fd, mounts->upper_lock, prog->dir, &sigfd,
			    &timer) < 0)
		init_failed(report_fd, &why);

	test_pause_at(b->pause_step, "init-ready");
	/* Named before the helper records the box: a record is trusted only
	 * for a process of this name (registry.c). */
	set_process_title(BOX_INIT_NAME);
	report(report_fd, "OK");
	close(report_fd);
	if (prog->dir >= 0)
		(void)poll(NULL, 0, INIT_EXEC_DELAY_MS);
	exec_init_program(prog, sigfd, timer, b->listen_fd, mounts->upper_lock, linger);
	serve(sigfd, timer, b->listen_fd, linger);
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

/* Whether ST, of nsbox-init, is a program box init may execute: see the
 * privileged operations above. Execute-only for others too, a second
 * layer against a ptrace of it between its exec and its first prctl
 * (initprog.c). Setuid or setgid would mean nothing under no_new_privs,
 * but no such file is ours. */
static bool init_program_trusted(const struct stat *st)
{
	return S_ISREG(st->st_mode) && path_owner_trusted(st, PATH_TRUST_ROOT) &&
	       !(st->st_mode & (S_ISUID | S_ISGID | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) &&
	       (st->st_mode & S_IXOTH);
}

/* nsbox-init beside the helper (LIBEXECDIR when installed; beside the
 * built helper in the build tree), checked as root on the host
 * (privileged operations, above): its directory (O_PATH), which box init
 * executes it from by name, or -1, and box init serves from the helper's
 * image (a debug line says why).
 * The directory is the one root executed the helper from (open_own_dir). */
static int open_init_program(struct init_program *ret)
{
	char self[PATH_MAX];
	_cleanup_close_ int dir_fd = -1, fd = -1;
	const char *why;

	if (open_own_dir(self, sizeof(self), 0, &dir_fd, &why) < 0) {
		log_debug("the helper's directory %s: %s: box init serves from the helper's image",
			  self, why);
		return -1;
	}
	fd = openat(dir_fd, INIT_PROGRAM, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		log_debug("no %s/%s (%s): box init serves from the helper's image", self,
			  INIT_PROGRAM, strerror(errno));
		return -1;
	}
	if (fstat(fd, &ret->st) < 0 || !init_program_trusted(&ret->st)) {
		log_debug("%s/%s is not root's and execute-only for others (0711): box init "
			  "serves from the helper's image",
			  self, INIT_PROGRAM);
		return -1;
	}
	/* Box init gets a detached, read-only copy of the directory, not the
	 * host's: ".." at the root of a detached mount leads nowhere, so the
	 * fd it holds during its setup reaches nothing of the host but this
	 * directory. */
	return clone_tree(dir_fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
			  "nsbox-init's directory", &ret->dir) < 0 ? -1 : 0;
}

int start_box_init(const struct box_start *b, pid_t *ret_pid, int *ret_pidfd)
{
	struct box_mounts mounts = mounts_of(b);
	unsigned long flags = BOX_CLONE_FLAGS | (b->rule->network_none ? CLONE_NEWNET : 0);
	_cleanup_close_ int pidfd = -1, report_fd = -1, go_fd = -1;
	struct init_program prog = { .dir = -1 };
	int rep[2], go[2], r;
	pid_t pid;

	/* As root on the host, where ownership means what it says. */
	if ((r = prepare_box_mounts(&mounts)) < 0)
		return r;
	(void)open_init_program(&prog);
	test_pause_at(b->pause_step, "prepared");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, rep) < 0) {
		closep(&prog.dir);
		box_mounts_release(&mounts);
		return log_errno(errno, "socketpair()");
	}
	if (pipe2(go, O_CLOEXEC) < 0) {
		close(rep[0]);
		close(rep[1]);
		closep(&prog.dir);
		box_mounts_release(&mounts);
		return log_errno(errno, "pipe2()");
	}
	fflush(NULL);
	pid = clone_box(flags, false, &pidfd);
	if (pid == 0) {
		close(rep[0]);
		close(go[1]);
		box_init(b, &mounts, go[0], rep[1], &prog);
	}
	/* Box init has its own copies of the prepared mounts and program. */
	closep(&prog.dir);
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
