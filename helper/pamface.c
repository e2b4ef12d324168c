/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nsbox pam-helper`: the PAM face. pam_nsbox.so spawns it as root with an
 * empty environment, fds 0-2 on /dev/null and the protocol socket on fd 3.
 * It reads the policy, decides, and for a confined user builds the box:
 *
 *   helper (root, host)  clone3(user+mnt+uts+pid+ipc+cgroup ns, CLONE_PIDFD)
 *                        writes the child's id maps: the user's uid and gid
 *                        only (root is not mapped), then says "go"
 *   box init (PID 1)     setsid; becomes the user inside its namespace (and
 *                        keeps its capabilities there, see privs.c); builds
 *                        the tree with the user's own file permissions;
 *                        drops every capability; reports back; then waits on
 *                        the protocol socket and reaps orphans until the
 *                        module closes its end
 *
 * and hands the module a pidfd of box init (never a pid to look up later).
 *
 * Privileged operations here, and why each is safe:
 *  - reading the config as root: file and parents must be root's and not
 *    writable by others (config_load); the parser never runs in sshd;
 *  - getpwnam/getgrouplist as root: on the host, before any box exists
 *    (sudo CVE-2025-32463 was NSS loaded from a user-controlled root);
 *  - clone3 with CLONE_NEWUSER as root: the new user namespace is owned by
 *    root, so the user's processes have no capability in it;
 *  - writing uid_map/gid_map: maps exactly the user's own ids, nothing else.
 * Everything after that runs in box init without host privileges. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "box.h"
#include "config.h"
#include "path.h"
#include "log.h"
#include "mount.h"
#include "ns.h"
#include "pamface.h"
#include "policy.h"
#include "privs.h"
#include "protocol.h"
#include "syscalls.h"
#include "testpause.h"

/* The step the fault tests want us to stop at (test builds only). */
static const char *pause_step;

/* How long box init may take to build the box. */
#define SETUP_TIMEOUT_MS (30 * 1000)

/* The user, copied out of getpwnam's static storage or the request. */
struct user {
	struct user_info info;
	char *name, *home, *shell;
	gid_t *groups;
	char **group_names;
	size_t n_group_names;
};

static void user_free(struct user *u)
{
	free(u->name);
	free(u->home);
	free(u->shell);
	free(u->groups);
	for (size_t i = 0; i < u->n_group_names; i++)
		free(u->group_names[i]);
	free(u->group_names);
}

static int user_lookup(const char *name, struct user *ret)
{
	struct passwd *pw;
	int n = 32;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		log_error("user %s is unknown%s%s", name, errno ? ": " : "", errno ? strerror(errno) : "");
		return -ENOENT;
	}
	ret->name = strdup(pw->pw_name);
	ret->home = strdup(pw->pw_dir ? pw->pw_dir : "");
	ret->shell = strdup(pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh");
	ret->info = (struct user_info){ .name = ret->name, .uid = pw->pw_uid, .gid = pw->pw_gid,
					.home = ret->home, .shell = ret->shell };
	for (int tries = 0; ret->name && ret->home && ret->shell && tries < 3; tries++) {
		gid_t *g = realloc(ret->groups, (size_t)n * sizeof(gid_t));
		if (!g)
			break;
		ret->groups = g;
		if (getgrouplist(ret->name, ret->info.gid, g, &n) >= 0) {
			ret->info.groups = g;
			ret->info.n_groups = (size_t)n;
			return 0;
		}
	}
	log_error("user %s: cannot list groups", name);
	return -ENOMEM;
}

/* The user as the module sent it: the application's name service already
 * answered, so the helper need not load one (and, as root, load no NSS
 * module at all). */
static int user_from_request(const struct nsbox_request *req, struct user *ret)
{
	const char *p = req->group_names, *end = req->group_names + sizeof(req->group_names);

	if (!memchr(req->home, 0, sizeof(req->home)) || !memchr(req->shell, 0, sizeof(req->shell)) ||
	    req->n_groups > NSBOX_REQUEST_GROUP_BYTES / 2)
		return -EPROTO;
	ret->name = strdup(req->user);
	ret->home = strdup(req->home);
	ret->shell = strdup(req->shell[0] ? req->shell : "/bin/sh");
	ret->group_names = calloc(req->n_groups + 1, sizeof(char *));
	if (!ret->name || !ret->home || !ret->shell || !ret->group_names)
		return -ENOMEM;
	for (uint32_t i = 0; i < req->n_groups; i++) {
		const char *nul = memchr(p, 0, (size_t)(end - p));
		if (!nul || nul == p)
			return -EPROTO;
		if (!(ret->group_names[i] = strdup(p)))
			return -ENOMEM;
		ret->n_group_names = i + 1;
		p = nul + 1;
	}
	ret->info = (struct user_info){ .name = ret->name, .uid = req->uid, .gid = req->gid,
					.home = ret->home, .shell = ret->shell,
					.group_names = ret->group_names,
					.n_group_names = ret->n_group_names };
	return 0;
}

static int resolve_user(const struct nsbox_request *req, struct user *ret)
{
	const unsigned all = NSBOX_REQUEST_HAS_USER | NSBOX_REQUEST_ALL_GROUPS;
	int r;

	if ((req->flags & all) == all) {
		r = user_from_request(req, ret);
		if (r == -EPROTO)
			log_error("malformed user data from the module");
		else if (r < 0)
			log_errno(-r, "user %s", req->user);
		return r;
	}
	return user_lookup(req->user, ret);
}

static int lookup_group(const char *name, gid_t *ret_gid)
{
	struct group *gr = getgrnam(name);

	if (!gr)
		return -ENOENT;
	*ret_gid = gr->gr_gid;
	return 0;
}

/* Box init's report to the helper: "OK", or the reason it gave up. */
static void report(int fd, const char *text)
{
	(void)send(fd, text, strlen(text), MSG_NOSIGNAL);
}

static _noreturn_ void init_failed(int report_fd)
{
	const char *why = log_first_error();
	report(report_fd, why ? why : "box init failed");
	_exit(1);
}

/* Wait for the module's end of the protocol socket to close (or for it to
 * say anything: only "stop" is ever sent), reaping every orphan meanwhile.
 * Signals from inside the box cannot reach us: PID 1 ignores what it has
 * no handler for, and we install none. */
static _noreturn_ void serve(int ctl, int sigfd)
{
	struct pollfd fds[2] = { { .fd = ctl, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };

	for (;;) {
		struct signalfd_siginfo si;
		char buf[16];

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (fds[1].revents & POLLIN) {
			while (read(sigfd, &si, sizeof(si)) == sizeof(si))
				;
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
			if (recv(ctl, buf, sizeof(buf), MSG_DONTWAIT) >= 0 || errno != EAGAIN)
				_exit(0);
	}
}

static int prepare_serving(int report_fd, int *ret_sigfd)
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
	/* Nothing of the helper but the protocol socket (and stdio, which is
	 * /dev/null) stays open in the long-lived init. */
	close_all_except((int[]){ 0, 1, 2, NSBOX_PROTOCOL_FD, report_fd, sigfd }, 6);
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

static _noreturn_ void box_init(const struct user_info *u, const struct box_plan *plan,
				const struct box_mounts *mounts, int go_fd, int report_fd)
{
	int sigfd = -1;
	pid_t host_pid = 0; /* "go" from the helper: our pid as the host sees it */

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
	if (u->uid != 0)
		path_trust_owner_not(u->uid);
	if (become_user_keep_caps(u->uid, u->gid) < 0)
		init_failed(report_fd);
	test_pause_at(pause_step, "init-user");
	if (set_box_hostname(plan->hostname) < 0 || build_box_root(mounts) < 0 ||
	    (plan->shell && bind_login_shell(plan->shell, u->shell) < 0))
		init_failed(report_fd);
	test_pause_at(pause_step, "init-mounted");
	if (drop_all_caps() < 0 || harden_process(true) < 0 || check_login_shell(u) < 0 ||
	    prepare_serving(report_fd, &sigfd) < 0)
		init_failed(report_fd);

	test_pause_at(pause_step, "init-ready");
	report(report_fd, "OK");
	close(report_fd);
	set_process_title(BOX_INIT_NAME);
	serve(NSBOX_PROTOCOL_FD, sigfd);
}

/* Box init's report, within SETUP_TIMEOUT_MS: during setup init already runs
 * as the user, who could stop it (SIGSTOP from another login) or hang it
 * on a bind source; a box stuck in setup must not live on. */
static int wait_report(int report_fd, char *msg, size_t size)
{
	struct pollfd p = { .fd = report_fd, .events = POLLIN };
	ssize_t n;

	if (RETRY_EINTR(poll(&p, 1, SETUP_TIMEOUT_MS)) <= 0) {
		log_error("box init did not finish its setup within %d s", SETUP_TIMEOUT_MS / 1000);
		return -ETIMEDOUT;
	}
	n = RETRY_EINTR(recv(report_fd, msg, size - 1, MSG_DONTWAIT));
	msg[n > 0 ? n : 0] = '\0';
	if (n > 0 && streq(msg, "OK"))
		return 0;
	log_error("%s", n > 0 ? msg : "box init died during setup");
	return -EIO;
}

/* Start box init and wait for its report. On success box init is left
 * running (it outlives us) and its pid and pidfd are returned. */
static int start_box(const struct user_info *u, const struct box_plan *plan,
		     const struct rule *rule, pid_t *ret_pid, int *ret_pidfd)
{
	struct box_mounts mounts = {
		.rootfs = plan->rootfs, .syslog_socket = rule->syslog_socket,
		.tmpfs_size = plan->tmpfs_size, .binds = plan->binds, .n_binds = plan->n_binds,
		.tmpfs = plan->tmpfs, .tmpfs_modes = plan->tmpfs_modes, .n_tmpfs = plan->n_tmpfs,
	};
	_cleanup_close_ int pidfd = -1, report_fd = -1, go_fd = -1;
	int rep[2], go[2], r;
	char msg[1024];
	pid_t pid;

	/* As root on the host, where ownership means what it says. */
	if ((r = prepare_box_mounts(&mounts)) < 0)
		return r;
	test_pause_at(pause_step, "prepared");
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
	pid = clone_box(BOX_CLONE_FLAGS, false, &pidfd);
	if (pid == 0) {
		close(rep[0]);
		close(go[1]);
		box_init(u, plan, &mounts, go[0], rep[1]);
	}
	/* Box init has its own copies of the prepared mounts. */
	box_mounts_release(&mounts);
	report_fd = rep[0];
	go_fd = go[1];
	close(rep[1]);
	close(go[0]);
	if (pid < 0)
		return log_errno(-pid, "clone3(namespaces)");

	/* Root writes the maps: only the user's own uid and gid exist inside,
	 * and setgroups stays allowed so init can clear its groups. */
	r = write_id_maps(pid, u->uid, u->uid, u->gid, u->gid, false);
	if (r == 0 && write(go_fd, &pid, sizeof(pid)) != sizeof(pid))
		r = log_errno(errno, "write(go)");
	closep(&go_fd);
	if (r == 0 && (r = wait_report(report_fd, msg, sizeof(msg))) == 0) {
		*ret_pid = pid;
		*ret_pidfd = TAKE_FD(pidfd);
		return 0;
	}
	(void)sys_pidfd_send_signal(pidfd, SIGKILL);
	(void)RETRY_EINTR(waitpid(pid, NULL, 0));
	return r;
}

static void set_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static void fail(struct nsbox_reply *rep, enum on_error policy)
{
	rep->verdict = policy == ON_ERROR_ALLOW ? NSBOX_VERDICT_UNCONFINED : NSBOX_VERDICT_DENY;
	set_text(rep->message, sizeof(rep->message), log_first_error());
}

/* Decide for the user in REQ and build the box if a rule confines them. */
static void handle(const struct nsbox_request *req, struct nsbox_reply *rep, int *ret_pidfd)
{
	struct user user = { 0 };
	struct config *cfg = NULL;
	struct box_plan plan = { 0 };
	const struct rule *rule;
	bool root_exempt;
	pid_t pid = 0;

	rep->verdict = NSBOX_VERDICT_DENY;
	if (resolve_user(req, &user) < 0) {
		fail(rep, ON_ERROR_DENY);
		goto out;
	}
	if (config_load(req->config, true, &cfg) < 0) {
		/* Never lock root out with a broken config. */
		if (user.info.uid == 0) {
			rep->verdict = NSBOX_VERDICT_IGNORE;
			snprintf(rep->message, sizeof(rep->message), "root is exempt while the config is broken: %s",
				 log_first_error());
		} else {
			fail(rep, ON_ERROR_DENY);
		}
		goto out;
	}
	rule = policy_match(cfg, &user.info, lookup_group, &root_exempt);
	if (!rule) {
		rep->verdict = NSBOX_VERDICT_IGNORE;
		set_text(rep->message, sizeof(rep->message),
			 root_exempt ? "root is exempt (confine_root = false)" : "no rule matches");
		goto out;
	}
	set_text(rep->rule, sizeof(rep->rule), rule->name);
	log_debug("user %s matches rule %s", user.name, rule->name);
	if (plan_box(rule, &user.info, &plan) < 0) {
		fail(rep, rule->on_error);
		goto out;
	}
	set_text(rep->rootfs, sizeof(rep->rootfs), plan.rootfs);
	if (start_box(&user.info, &plan, rule, &pid, ret_pidfd) < 0) {
		fail(rep, rule->on_error);
		goto out;
	}
	rep->verdict = NSBOX_VERDICT_BOXED;
	rep->init_pid = pid;
out:
	plan_free(&plan);
	config_free(cfg);
	user_free(&user);
}

static int read_request(int fd, struct nsbox_request *req)
{
	ssize_t n = RETRY_EINTR(recv(fd, req, sizeof(*req), 0));

	if (n != (ssize_t)sizeof(*req) || req->version != NSBOX_PROTOCOL_VERSION)
		return -EPROTO;
	if (!memchr(req->user, 0, sizeof(req->user)) ||
	    !memchr(req->service, 0, sizeof(req->service)) ||
	    !memchr(req->config, 0, sizeof(req->config)) || !req->user[0])
		return -EPROTO;
	return 0;
}

static int send_reply(int fd, const struct nsbox_reply *rep, int pidfd)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)rep, .iov_len = sizeof(*rep) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (pidfd >= 0) {
		struct cmsghdr *c;
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pidfd, sizeof(int));
	}
	if (RETRY_EINTR(sendmsg(fd, &msg, MSG_NOSIGNAL)) != (ssize_t)sizeof(*rep))
		return -errno;
	return 0;
}

int cmd_pam_helper(void)
{
	struct nsbox_request req;
	struct nsbox_reply rep = { .version = NSBOX_PROTOCOL_VERSION };
	struct stat st;
	int pidfd = -1;

	if (getuid() != 0 || geteuid() != 0 || fstat(NSBOX_PROTOCOL_FD, &st) < 0 ||
	    !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "nsbox: pam-helper is run by pam_nsbox.so only\n");
		return 125;
	}
	if (read_request(NSBOX_PROTOCOL_FD, &req) < 0) {
		log_setup(LOG_TO_SYSLOG, false);
		log_error("pam-helper: malformed request from the module");
		return 125;
	}
	/* Errors travel to the module in the reply and are logged there, once;
	 * warnings and debug lines go to syslog from here. */
	log_setup(LOG_TO_SYSLOG | LOG_ERRORS_TO_CALLER, req.flags & NSBOX_REQUEST_DEBUG);
	if (memchr(req.test_pause, 0, sizeof(req.test_pause)) && req.test_pause[0])
		pause_step = req.test_pause;
	test_pause_at(pause_step, "helper");
	handle(&req, &rep, &pidfd);
	test_pause_at(pause_step, "reply");
	if (send_reply(NSBOX_PROTOCOL_FD, &rep, pidfd) < 0) {
		/* The module is gone: take the box down with us. */
		if (pidfd >= 0)
			(void)sys_pidfd_send_signal(pidfd, SIGKILL);
		return 1;
	}
	return 0;
}
