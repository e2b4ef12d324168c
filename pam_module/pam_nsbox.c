/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pam_nsbox: confine a PAM session in a box built by the nsbox helper.
 *
 * open_session: for a user the helper's policy index shows no rule can
 * name, PAM_IGNORE at once. Otherwise spawn the helper (fixed path, empty
 * environment, fds 0-2 on /dev/null, the protocol socket on fd 3), get its
 * verdict, and for a confined user join the box's mount, UTS, PID, IPC and
 * cgroup namespaces through the pidfd the helper hands over. The
 * application (sshd's monitor, login, su) keeps its real root and its own
 * user namespace; the shell it forks and execs next is born inside the box.
 * close_session: go back to the saved namespaces and kill box init (the
 * kernel then kills the whole box), without waiting.
 *
 * A second entry with the argument "leave", first in the session stack,
 * restores the namespaces at close before the other modules close (PAM
 * runs close_session in the same order as open_session), so none of them
 * runs its close as root inside the box.
 *
 * Everything privileged this module does, and why it is safe:
 *  - vfork+exec of the helper: a path fixed at build time, all ids reset to
 *    root (su keeps its caller's real uid, who must not be able to signal
 *    the helper or box init), no environment, no fds but the socket
 *    (pam_mkhomedir's pattern);
 *  - setns(pidfd): the pidfd comes from the helper's clone3(CLONE_PIDFD) of
 *    a box it just built, never from a pid that could be reused;
 *  - restoring namespaces: the fds were opened from /proc/self before
 *    joining;
 *  - after joining: every fd >= 3 of the application becomes close-on-exec
 *    (no host directory leaks into the shell, runc CVE-2024-21626), TIOCSTI
 *    and TIOCLINUX are filtered (bwrap CVE-2017-5226) and, where Landlock
 *    has scoping, host abstract unix sockets become unreachable;
 *  - with the argument pty (su, runuser): a fork before joining, whose
 *    parent becomes a root, non-dumpable relay outside the box for the
 *    caller's fds 0-2, and a pty of the box's devpts for the child, which
 *    goes on as the application (relay.c says why each step is safe).
 *  - the policy index (common/policyindex.h): read, never written, and
 *    trusted only on a root-owned path where only root can have put it,
 *    for a config whose bytes now are the copy it carries, byte for byte;
 *    it can only skip the helper for a user it shows no rule can name,
 *    with the helper's own matcher.
 * The policy parser never runs here: only the helper parses nsbox.conf
 * (the module only compares its bytes with the index's copy). */
#define PAM_SM_SESSION
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <poll.h>
#include <sched.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>

#include "../common/boxrecord.h"
#include "../common/fdpass.h"
#include "../common/landlock.h"
#include "../common/paths.h"
#include "../common/policyindex.h"
#include "../common/procstate.h"
#include "../common/protocol.h"
#include "../common/syscalls.h"
#include "../common/testpause.h"
#include "../common/timeouts.h"
#include "../common/ttyfilter.h"
#include "../common/userlookup.h"
#include "../common/util.h"
#include "relay.h"

#if !defined(NSBOX_HELPER_PATH) || !defined(NSBOX_FULL_HELPER_PATH)
#error "NSBOX_HELPER_PATH and NSBOX_FULL_HELPER_PATH must be set at build time"
#endif
#define DATA_KEY "pam_nsbox:box"
#define EXPORT __attribute__((visibility("default")))

struct args {
	bool debug;
	bool leave; /* the first-in-stack entry: only restores at close */
	bool pty;   /* the session's stdio goes through a relay (relay.c) */
	const char *pty_services; /* pty=a,b: only for these services */
	const char *config;
	const char *test_pause; /* test builds only */
	/* The static helper, what runs unless the policy index says a rule
	 * names a group: then the full one, which the static helper would
	 * hand the request to anyway (helper/pamface.c). */
	const char *helper;
	const char *full_helper;
};

/* The namespaces the application joins (BOX_JOIN_NS), in the order they
 * are restored: PID first, so a failure later cannot leave children in a
 * dead box. */
static const struct {
	const char *name;
	int flag;
} joined_ns[] = {
	{ "pid_for_children", CLONE_NEWPID }, { "mnt", CLONE_NEWNS },
	{ "uts", CLONE_NEWUTS },	      { "ipc", CLONE_NEWIPC },
	{ "cgroup", CLONE_NEWCGROUP },
};
#define N_NS ARRAY_SIZE(joined_ns)

struct box_session {
	int saved_ns[N_NS];
	int saved_net; /* network = none: the application's network namespace */
	/* A path, not an fd: sshd's unprivileged child inherits our fds, and
	 * an fd of the host's tree would be a way out of the box for it. */
	char *saved_cwd;
	bool restored;
	int pidfd; /* box init */
	/* Our hold on the box: the protocol socket, or for a later session of
	 * a shared box the connection the helper made; box init counts it. */
	int sock;
	pid_t init_pid;
	uint32_t flags; /* NSBOX_REPLY_* */
	char box_id[80];
	/* The application's limits before the box's were set. */
	struct rlimit saved_limits[3];
	bool limits_set;
	int saved_nice; /* with nice_set: the application's, put back at close */
	bool nice_set;
};

/* The limits a box may set (nsbox_reply.rlimit_*), in this order. */
static const int box_rlimits[] = { RLIMIT_NPROC, RLIMIT_AS, RLIMIT_NOFILE };

static int parse_args(pam_handle_t *pamh, int argc, const char **argv, struct args *ret)
{
	*ret = (struct args){ .config = NSBOX_DEFAULT_CONFIG, .helper = NSBOX_HELPER_PATH,
			      .full_helper = NSBOX_FULL_HELPER_PATH };

	for (int i = 0; i < argc; i++) {
		const char *v;

		if (streq(argv[i], "debug"))
			ret->debug = true;
		else if (streq(argv[i], "leave"))
			ret->leave = true;
		else if (streq(argv[i], "pty"))
			ret->pty = true;
		else if ((v = startswith(argv[i], "pty=")) && v[0])
			ret->pty_services = v;
		else if ((v = startswith(argv[i], "config=")) && v[0] == '/')
			ret->config = v;
#ifdef NSBOX_TEST_BUILD
		else if ((v = startswith(argv[i], "helper=")) && v[0] == '/')
			ret->helper = ret->full_helper = v;
		else if ((v = startswith(argv[i], "test_pause=")))
			ret->test_pause = v;
#endif
		else {
			pam_syslog(pamh, LOG_ERR, "unknown or invalid argument \"%s\"", argv[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* "pty", or "pty=su,su-l" naming this service (one line in common-session
 * serves su and sshd alike; sshd must not get a relay). */
static bool wants_relay(pam_handle_t *pamh, const struct args *a)
{
	const void *service = NULL;
	const char *list = a->pty_services;
	size_t n;

	if (a->pty)
		return true;
	if (!list || pam_get_item(pamh, PAM_SERVICE, &service) != PAM_SUCCESS || !service)
		return false;
	n = strlen(service);
	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, service, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* setns() of a PID or mount namespace needs a single-threaded caller, and
 * the kernel does not refuse a threaded one for every flag combination: a
 * second thread would be left behind and the restore would fail. */
static bool single_threaded(void)
{
	char line[128];
	struct stat st;
	FILE *f;
	bool one = false;

	/* /proc/PID/task has two links plus one per thread (the kernel's
	 * proc_task_getattr): one stat, where reading /proc/self/status has
	 * the kernel format all of it (the status file is the fallback). */
	if (stat("/proc/self/task", &st) == 0 && st.st_nlink >= 3)
		return st.st_nlink == 3;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (startswith(line, "Threads:")) {
			one = atoi(line + 8) == 1;
			break;
		}
	fclose(f);
	return one;
}

static void session_free(struct box_session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < N_NS; i++)
		closep(&s->saved_ns[i]);
	closep(&s->saved_net);
	free(s->saved_cwd);
	closep(&s->pidfd);
	closep(&s->sock);
	free(s);
}

/* The session whose box this process is in (joined and not restored), and
 * the process that joined: one at a time. A second open_session in the
 * same process, on another handle, would save the box's namespaces as the
 * application's and put it back into the box at its close. */
static struct box_session *joined_session;
static pid_t joined_pid;

static int restore_namespaces(pam_handle_t *pamh, struct box_session *s);
static void remove_record(const char *id);

/* pam_end() runs this in the application and in any child that calls it.
 * In the process that joined, a session never closed (pam_end without
 * close_session) is left here: the process must not stay in the box's
 * namespaces, where its next pam_start would read the box's /etc/pam.d.
 * A child (PAM_DATA_SILENT by convention, or another pid) only closes fds:
 * it may be the user's shell-to-be, which must stay in the box, and
 * cannot stop the box. */
static void session_cleanup(pam_handle_t *pamh, void *data, int error_status)
{
	struct box_session *s = data;

	if (s && s == joined_session && getpid() == joined_pid &&
	    !(error_status & (PAM_DATA_SILENT | PAM_DATA_REPLACE))) {
		restore_namespaces(pamh, s);
		if (!(s->flags & NSBOX_REPLY_SHARED)) {
			(void)sys_pidfd_send_signal(s->pidfd, SIGKILL);
			remove_record(s->box_id);
		}
	}
	if (s && s == joined_session)
		joined_session = NULL;
	session_free(s);
}

static struct box_session *session_new(void)
{
	struct box_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	for (size_t i = 0; i < N_NS; i++)
		s->saved_ns[i] = -1;
	s->pidfd = s->sock = s->saved_net = -1;
	return s;
}

/* The helper's side of the vfork: only system calls, no memory writes but
 * *ERR (the parent's, shared until execve). */
static _noreturn_ void exec_helper(const char *helper, int sock, volatile int *err)
{
	char *const argv[] = { NSBOX_HELPER_ARGV0, NSBOX_HELPER_COMMAND, NULL };
	char *const envp[] = { NULL };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int null;

	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Only root's ids: the invoking user of a setuid su must not be able
	 * to signal the helper or the box init it starts. */
	if (syscall(SYS_setgroups, 0, NULL) < 0 || syscall(SYS_setresgid, 0, 0, 0) < 0 ||
	    syscall(SYS_setresuid, 0, 0, 0) < 0)
		goto fail;
	if (sock == NSBOX_PROTOCOL_FD ? fcntl(sock, F_SETFD, 0) < 0
				      : dup2(sock, NSBOX_PROTOCOL_FD) < 0)
		goto fail;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		goto fail;
	sys_close_range(NSBOX_PROTOCOL_FD + 1, ~0U, 0);
	/* Not the caller's rlimits, cwd, umask, nice (procstate.h). */
	(void)reset_process_state();
	execve(helper, argv, envp);
fail:
	*err = errno;
	_exit(127); /* as posix_spawn's child: no exec (*ERR says why) */
}

/* Start the helper with vfork (no copy of the application's page tables).
 * Signals stay blocked in the parent until the child has exec'd: a handler
 * of the application must not run on the child's borrowed stack. */
static int spawn_helper(const struct args *a, int sock, pid_t *ret_pid)
{
	volatile int err = 0;
	sigset_t all, old;
	pid_t pid;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = vfork();
	if (pid == 0)
		exec_helper(a->helper, sock, &err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return -errno;
	if (err) {
		(void)RETRY_EINTR(waitpid(pid, NULL, 0));
		return -err;
	}
	*ret_pid = pid;
	return 0;
}

/* The user as this application's name service sees it, so the helper need
 * not load one (common/userlookup.h: the lookup the helper and `nsbox
 * check` make too). Anything missing, unsure or too large is left to the
 * helper's own lookup (the flags say what is there). The _r calls keep no
 * state in the PAM handle, so thousands of sessions in one process do not
 * grow it. First the passwd entry: */
static void describe_user(const char *user, struct nsbox_request *req)
{
	_cleanup_(user_record_free) struct user_record u = { 0 };

	if (user_record_lookup(user, &u) < 0 || strlen(u.home) >= sizeof(req->home) ||
	    strlen(u.shell) >= sizeof(req->shell))
		return;
	/* The name service's own spelling: a case-insensitive one (sssd,
	 * winbind) answers "ALICE" with alice, and the rules name alice. */
	if (strlen(u.name) >= sizeof(req->user))
		return;
	snprintf(req->user, sizeof(req->user), "%s", u.name);
	req->uid = u.uid;
	req->gid = u.gid;
	snprintf(req->home, sizeof(req->home), "%s", u.home);
	snprintf(req->shell, sizeof(req->shell), "%s", u.shell);
	req->flags |= NSBOX_REQUEST_HAS_USER;
}

/* Then every group of the user described, with its name, for the policy
 * index only, and only when it names a group: getgrouplist asks every
 * source of the name service (on Debian that loads libnss_systemd and its
 * libraries into a pamtester: 0.8 ms). The helper never takes them: it
 * looks the groups up in its own environment (pamface.c). */
static void describe_groups(struct nsbox_request *req)
{
	_cleanup_free_ gid_t *gids = NULL;
	_cleanup_strv_free_ char **names = NULL;
	size_t n = 0, n_names = 0, used = 0;

	if (!(req->flags & NSBOX_REQUEST_HAS_USER) || (req->flags & NSBOX_REQUEST_ALL_GROUPS) ||
	    req->n_gids > 0)
		return; /* no user, or done (or failed) already */
	if (user_group_list(req->user, req->gid, &gids, &n) < 0 || n > ARRAY_SIZE(req->gids))
		return; /* unsure: the helper decides */
	for (size_t i = 0; i < n; i++)
		req->gids[i] = gids[i];
	req->n_gids = (uint32_t)n;
	if (group_names_of(gids, n, &names, &n_names) < 0)
		return; /* unsure: the helper decides */
	for (size_t i = 0; i < n_names; i++) {
		size_t len = strlen(names[i]) + 1;

		if (used + len > sizeof(req->group_names))
			return; /* incomplete: the helper decides */
		memcpy(req->group_names + used, names[i], len);
		used += len;
		req->n_groups++;
	}
	req->flags |= NSBOX_REQUEST_ALL_GROUPS;
}

/* The request for the helper, with the user as the application sees it:
 * the policy index is consulted with the same data the helper would get. */
static int make_request(pam_handle_t *pamh, const struct args *a, const char *user,
			struct nsbox_request *req)
{
	const void *service = NULL;

	*req = (struct nsbox_request){ .version = NSBOX_PROTOCOL_VERSION };
	if (strlen(user) >= sizeof(req->user) || strlen(a->config) >= sizeof(req->config)) {
		pam_syslog(pamh, LOG_ERR, "user name or config path too long");
		return -ENAMETOOLONG;
	}
	(void)pam_get_item(pamh, PAM_SERVICE, &service);
	snprintf(req->user, sizeof(req->user), "%s", user);
	snprintf(req->service, sizeof(req->service), "%s", service ? (const char *)service : "");
	snprintf(req->config, sizeof(req->config), "%s", a->config);
	if (a->test_pause)
		snprintf(req->test_pause, sizeof(req->test_pause), "%s", a->test_pause);
	req->flags = a->debug ? NSBOX_REQUEST_DEBUG : 0;
	describe_user(user, req);
	return 0;
}

static int send_request(pam_handle_t *pamh, int sock, struct nsbox_request *req)
{
	if (send(sock, req, sizeof(*req), MSG_NOSIGNAL) != (ssize_t)sizeof(*req)) {
		pam_syslog(pamh, LOG_ERR, "send to helper: %m");
		return -EIO;
	}
	return 0;
}

/* getgrnam_r, for the matcher, in the application's environment, where
 * any failure and any "not found" is unsure: -EAGAIN, never -ENOENT
 * (which names_match() takes for "no such group"), and the login goes to
 * the helper, which looks the group up in its own, empty, environment.
 * The application's name service may not reach the sources the helper's
 * does: glibc answers ENOENT when sssd's socket is missing, and
 * _SSS_LOOPS=NO in the caller's environment makes sssd answer "not found".
 * So a rule naming a group that does not exist sends every login of a
 * user no name matches to the helper: a cost, never a wrong answer. */
static int lookup_group_r(const char *name, gid_t *ret_gid)
{
	int r = group_gid_of(name, ret_gid);

	return r == -ENOMEM ? r : r < 0 ? -EAGAIN : 0;
}

_Static_assert(sizeof(gid_t) == sizeof(((struct nsbox_request *)0)->gids[0]), "gid size");

/* The user's match data from REQ; NAMES holds REQ's group names. */
static struct match_user match_user_of(const struct nsbox_request *req, char **names)
{
	const char *p = req->group_names; /* describe_groups', NUL-separated */

	for (uint32_t i = 0; i < req->n_groups; p += strlen(p) + 1)
		names[i++] = (char *)p;
	return (struct match_user){ .name = req->user, .gid = req->gid,
				    .gids = (const gid_t *)req->gids, .n_gids = req->n_gids,
				    .group_names = names, .n_group_names = req->n_groups };
}

/* Why the groups this program's name service gives may be short, or NULL.
 * _SSS_LOOPS=NO (sssd) or _NO_WINBINDD=1 makes a source answer "not
 * found", and glibc leaves its groups out of a list it calls whole: in a
 * setuid program (su, sudo) run by a user the environment is the user's;
 * elsewhere (login -p, sudo's env_keep) those variables may be passed on. */
static const char *groups_in_doubt(void)
{
	if (getauxval(AT_SECURE))
		return "a rule names a group, and this program's environment is its caller's "
		       "(setuid)";
	if (getenv("_SSS_LOOPS") || getenv("_NO_WINBINDD"))
		return "a rule names a group, and _SSS_LOOPS or _NO_WINBINDD is set";
	return NULL;
}

/* A user no rule can name, or root while exempt, decided from the policy
 * index the helper wrote (common/policyindex.h) without starting it, with
 * the very user data the helper would get; the user's groups are looked up
 * only if a rule names groups. PAM_IGNORE when sure; anything else (no
 * index, a changed config, a rule that may match, a lookup that failed)
 * returns -1: the helper decides, the full one when the index says a rule
 * names a group (a->helper is then a->full_helper: a cost only, the
 * static helper would hand it the request). */
static int decide_without_helper(pam_handle_t *pamh, struct args *a, struct nsbox_request *req)
{
	const char *why = "the application could not resolve the user";
	enum index_verdict v = INDEX_ASK_HELPER;
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char **names = NULL;
	struct policy_index ix;

	if ((req->flags & NSBOX_REQUEST_HAS_USER) &&
	    policy_index_load(a->config, &ix, &buf, &why) == 0) {
		const char *doubt = NULL;

		if (ix.n_groups > 0) {
			a->helper = a->full_helper;
			/* (Root's exemption needs no groups: sudo keeps the
			 * index.) */
			doubt = req->uid != 0 ? groups_in_doubt() : NULL;
			if (!doubt)
				describe_groups(req);
		}
		if (doubt) {
			why = doubt;
		} else if (!(names = calloc(req->n_groups + 1, sizeof(char *)))) {
			why = "out of memory";
		} else {
			const struct match_user u = match_user_of(req, names);
			v = policy_index_decide(&ix, req->uid, &u,
						req->flags & NSBOX_REQUEST_ALL_GROUPS,
						lookup_group_r, &why);
		}
		policy_index_free(&ix);
	}
	if (v == INDEX_ASK_HELPER) {
		if (a->debug)
			pam_syslog(pamh, LOG_DEBUG, "user %s: policy index not used: %s; helper %s",
				   req->user, why, a->helper);
		return -1;
	}
	if (a->debug)
		pam_syslog(pamh, LOG_DEBUG, "user %s not boxed: %s (policy index)", req->user,
			   v == INDEX_ROOT_EXEMPT ? "root is exempt (confine_root = false)"
						  : "no rule matches");
	return PAM_IGNORE;
}

/* Wait for the helper's reply, or its death: box init holds the helper's
 * end of the socket too, so a helper that dies (killed, or of its caller's
 * rlimits) would otherwise leave us waiting for the timeout. A reply sent
 * before the helper exited is already queued, so the socket is read first. */
static int wait_for_helper(pam_handle_t *pamh, int sock, int helper_pidfd)
{
	struct pollfd pfd[2] = { { .fd = sock, .events = POLLIN },
				 { .fd = helper_pidfd, .events = POLLIN } };
	int n = RETRY_EINTR(poll(pfd, helper_pidfd >= 0 ? 2 : 1, HELPER_TIMEOUT_MS));

	if (n <= 0) {
		pam_syslog(pamh, LOG_ERR, "helper did not answer within %d s", HELPER_TIMEOUT_MS / 1000);
		return -ETIMEDOUT;
	}
	if (pfd[0].revents & POLLIN)
		return 0;
	if (pfd[1].revents) {
		pam_syslog(pamh, LOG_ERR, "helper died without an answer");
		return -ECHILD;
	}
	return 0; /* a hang-up: recvmsg says what it is */
}

/* The verdict, with box init's pidfd and, for a later session of a shared
 * box, its connection to it. Any fd of an invalid reply is closed. */
static int recv_reply(pam_handle_t *pamh, int sock, int helper_pidfd, struct nsbox_reply *rep,
		      int fds[2])
{
	int got[2] = { -1, -1 };
	ssize_t n;

	n = wait_for_helper(pamh, sock, helper_pidfd);
	if (n < 0)
		return (int)n;
	n = recv_with_fds(sock, rep, sizeof(*rep), got, ARRAY_SIZE(got));
	if (n < 0 && n != -EPROTO) {
		errno = (int)-n;
		pam_syslog(pamh, LOG_ERR, "no answer from helper: %m");
		return -EPROTO;
	}
	if (n != (ssize_t)sizeof(*rep) || rep->version != NSBOX_PROTOCOL_VERSION ||
	    ((rep->flags & NSBOX_REPLY_CONNECTION) && got[1] < 0)) {
		closep(&got[0]);
		closep(&got[1]);
		pam_syslog(pamh, LOG_ERR, "no valid answer from helper");
		return -EPROTO;
	}
	fds[0] = got[0];
	fds[1] = got[1];
	rep->rule[sizeof(rep->rule) - 1] = '\0';
	rep->rootfs[sizeof(rep->rootfs) - 1] = '\0';
	rep->message[sizeof(rep->message) - 1] = '\0';
	rep->box_id[sizeof(rep->box_id) - 1] = '\0';
	return 0;
}

/* The helper after its reply. It is still exiting (its exit drops the
 * mount trees it made, which waits for an RCU grace period), and the join
 * overlaps that: it is reaped right after setns(), before anything the
 * join does that cannot be undone (filters, Landlock, keyring,
 * close-on-exec), or before the relay's fork (the relay is the parent,
 * which never returns: the helper would be its zombie for the session).
 * Until then no one else may reap it: SIGCHLD is blocked (a handler of the
 * application's runs once we have reaped it, with whatever else it has to
 * reap), and an application that ignores SIGCHLD or sets SA_NOCLDWAIT,
 * which would have the kernel reap it, gets the default action meanwhile. */
struct helper_child {
	pid_t pid;	 /* 0 once reaped, or never started */
	int status;	 /* its wait status, once reaped */
	bool chld_saved; /* the application's action is in old_chld */
	bool mask_saved; /* the application's signal mask is in old_mask */
	struct sigaction old_chld;
	sigset_t old_mask;
};

/* Keep the helper to ourselves until reap_helper() (see above). */
static void hold_helper(struct helper_child *h)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t chld;

	*h = (struct helper_child){ 0 };
	if (sigaction(SIGCHLD, NULL, &h->old_chld) == 0 &&
	    (h->old_chld.sa_handler == SIG_IGN || (h->old_chld.sa_flags & SA_NOCLDWAIT)))
		h->chld_saved = sigaction(SIGCHLD, &dfl, NULL) == 0;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	h->mask_saved = sigprocmask(SIG_BLOCK, &chld, &h->old_mask) == 0;
}

/* Reap the helper, and put back the application's SIGCHLD action and
 * signal mask. -EIO when the helper did not exit 0 (or could not be
 * waited for): that fails the session, even after a valid reply. Once
 * reaped, 0. Logs nothing: the caller may be in the box's mount namespace,
 * where syslog() reaches the box's /dev/log (helper_failed() logs). */
static int reap_helper(struct helper_child *h)
{
	int r = 0;

	if (h->pid > 0) {
		h->status = 0;
		if (RETRY_EINTR(waitpid(h->pid, &h->status, 0)) != h->pid ||
		    !(WIFEXITED(h->status) && WEXITSTATUS(h->status) == 0))
			r = -EIO;
		h->pid = 0;
	}
	if (h->chld_saved) {
		sigaction(SIGCHLD, &h->old_chld, NULL);
		/* What the kernel would have reaped meanwhile: the
		 * application never waits for its children. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	if (h->mask_saved)
		sigprocmask(SIG_SETMASK, &h->old_mask, NULL);
	h->chld_saved = h->mask_saved = false;
	return r;
}

static void helper_failed(pam_handle_t *pamh, const struct args *a, const struct helper_child *h)
{
	pam_syslog(pamh, LOG_ERR, "helper %s failed (status 0x%x)", a->helper, h->status);
}

/* Run the helper for the user of REQ and collect its verdict (and, for BOXED, the
 * pidfd of box init and our end of the socket box init listens on). After a
 * valid reply the helper is left to reap_helper(); else it is reaped here. */
static int ask_helper(pam_handle_t *pamh, const struct args *a, struct nsbox_request *req,
		      struct nsbox_reply *rep, struct box_session *s, struct helper_child *h)
{
	_cleanup_close_ int sock = -1;
	int pair[2], r;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
		pam_syslog(pamh, LOG_ERR, "socketpair: %m");
		return -errno;
	}
	hold_helper(h);
	r = spawn_helper(a, pair[1], &pid);
	close(pair[1]);
	sock = pair[0];
	if (r < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot run helper %s: %s", a->helper, strerror(-r));
	} else {
		int fds[2] = { -1, -1 };
		/* Our child, not reaped yet: the pid cannot be reused. */
		_cleanup_close_ int helper_pidfd = (int)sys_pidfd_open(pid, 0);
		h->pid = pid;
		r = send_request(pamh, sock, req);
		if (r == 0)
			r = recv_reply(pamh, sock, helper_pidfd, rep, fds);
		s->pidfd = fds[0];
		if (fds[1] >= 0) { /* a later session of a shared box */
			closep(&sock);
			sock = fds[1];
		}
		if (r < 0)
			kill(pid, SIGKILL);
	}
	if (r < 0) {
		(void)reap_helper(h);
		return r;
	}
	s->sock = TAKE_FD(sock);
	return 0;
}

/* Once per process (forks inherit them): filters stack, and Landlock allows
 * only 16 layers. */
static bool tty_filtered, userns_filtered, sockets_scoped;

/* The Landlock ruleset of restrict_abstract_sockets(), made before the
 * session's limits: a low nofile would leave no fd for it, and the host's
 * abstract sockets open to the box (an outside review's repro). */
struct scoping {
	int fd; /* the ruleset, or -errno: why there is none */
	int abi;
};

static void scoping_done(struct scoping *sc)
{
	closep(&sc->fd);
}

static void prepare_scoping(struct scoping *sc)
{
	*sc = (struct scoping){ .fd = -1 };
	if (!sockets_scoped)
		sc->fd = landlock_scope_ruleset(NSBOX_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET, &sc->abi);
}

/* Host abstract unix sockets (containerd CVE-2020-15257 class) are not
 * behind any namespace the box has with network = host: Landlock ABI 6
 * scopes them to the box (landlock.h). Older kernels: warn, go on. */
static void restrict_abstract_sockets(pam_handle_t *pamh, const struct scoping *sc)
{
	int abi = sc->abi, r = sc->fd;

	if (r >= 0)
		r = sys_landlock_restrict_self(sc->fd, 0) < 0 ? -errno : 0;

	if (r == -EOPNOTSUPP)
		pam_syslog(pamh, LOG_WARNING,
			   "Landlock scoping unavailable (ABI %d): abstract unix sockets of the "
			   "host stay reachable from boxes",
			   abi);
	else if (r < 0)
		pam_syslog(pamh, LOG_WARNING, "Landlock scoping failed: %s", strerror(-r));
}

static int harden_after_join(pam_handle_t *pamh, uint32_t flags, const struct scoping *sc)
{
	int r;

	/* No fd of the application reaches the shell it execs. */
	if (sys_close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		pam_syslog(pamh, LOG_ERR, "close_range(3, CLOEXEC): %m");
		return -errno;
	}
	if (!tty_filtered) {
		r = install_tty_filter();
		if (r < 0) {
			pam_syslog(pamh, LOG_ERR, "seccomp filter for TIOCSTI: %s", strerror(-r));
			return r;
		}
		tty_filtered = true;
	}
	/* A user namespace of the session's own would give it mounts (devpts
	 * past ptys_max among them) that no limit of the box counts. The
	 * filter stays on the application too: after this session it cannot
	 * create a box for another (its helper's clone3 fails), only join one;
	 * a login program runs one session per process. */
	if (!userns_filtered && !(flags & NSBOX_REPLY_USERNS)) {
		r = install_userns_filter();
		if (r < 0) {
			pam_syslog(pamh, LOG_ERR, "seccomp filter for user namespaces: %s",
				   strerror(-r));
			return r;
		}
		userns_filtered = true;
	}
	if (!sockets_scoped) {
		restrict_abstract_sockets(pamh, sc);
		sockets_scoped = true;
	}
	/* The shell would inherit (and possess) the application's session
	 * keyring, root's keys included: start the session on a new, empty
	 * one, as pam_keyinit does. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
		pam_syslog(pamh, LOG_WARNING, "keyctl(JOIN_SESSION_KEYRING): %m");
	return 0;
}

static int save_namespaces(pam_handle_t *pamh, struct box_session *s)
{
	char path[64];

	for (size_t i = 0; i < N_NS; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", joined_ns[i].name);
		s->saved_ns[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (s->saved_ns[i] < 0) {
			pam_syslog(pamh, LOG_ERR, "open(\"%s\"): %m", path);
			return -errno;
		}
	}
	if (s->flags & NSBOX_REPLY_JOIN_NET) {
		s->saved_net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (s->saved_net < 0) {
			pam_syslog(pamh, LOG_ERR, "open(\"/proc/self/ns/net\"): %m");
			return -errno;
		}
	}
	/* setns() into a mount namespace moves root and cwd to its root;
	 * remember where the application was. (Chrooted applications are not
	 * supported: their root is not restored.) */
	s->saved_cwd = getcwd(NULL, 0);
	return 0;
}

/* The box's limits on the application, inherited by the shell it starts
 * (RLIMIT_NPROC is checked when that child becomes the user). */
static int apply_session_limits(pam_handle_t *pamh, struct box_session *s,
				const struct nsbox_reply *rep)
{
	const uint64_t values[] = { rep->rlimit_nproc, rep->rlimit_as, rep->rlimit_nofile };

	for (size_t i = 0; i < ARRAY_SIZE(box_rlimits); i++)
		if (getrlimit(box_rlimits[i], &s->saved_limits[i]) < 0)
			return -errno;
	s->limits_set = true;
	for (size_t i = 0; i < ARRAY_SIZE(box_rlimits); i++) {
		struct rlimit lim = { (rlim_t)values[i], (rlim_t)values[i] };
		if (values[i] && setrlimit(box_rlimits[i], &lim) < 0) {
			pam_syslog(pamh, LOG_ERR, "setrlimit(%d, %llu): %m", box_rlimits[i],
				   (unsigned long long)values[i]);
			return -errno;
		}
	}
	/* cpu_weight, as the nice value the shell inherits. Root may also
	 * raise the priority; the helper clamped it to -20..19. */
	if (rep->flags & NSBOX_REPLY_NICE) {
		errno = 0;
		s->saved_nice = getpriority(PRIO_PROCESS, 0);
		if (errno != 0)
			return -errno;
		if (rep->nice < -20 || rep->nice > 19 || setpriority(PRIO_PROCESS, 0, rep->nice) < 0) {
			pam_syslog(pamh, LOG_ERR, "setpriority(%d): %m", rep->nice);
			return -EINVAL;
		}
		s->nice_set = true;
	}
	return 0;
}

/* Raising a hard limit again needs CAP_SYS_RESOURCE, which root may lack
 * (some containers): the application then keeps the box's limits, and the
 * log says so. */
static int restore_limits(pam_handle_t *pamh, struct box_session *s)
{
	static const char *const names[] = { "RLIMIT_NPROC", "RLIMIT_AS", "RLIMIT_NOFILE" };
	int r = 0;

	if (s->nice_set && setpriority(PRIO_PROCESS, 0, s->saved_nice) < 0) {
		pam_syslog(pamh, LOG_WARNING, "cannot put the application's nice value back: %m");
		r = -errno;
	}
	s->nice_set = false;
	if (!s->limits_set)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(box_rlimits); i++)
		if (setrlimit(box_rlimits[i], &s->saved_limits[i]) < 0) {
			pam_syslog(pamh, LOG_WARNING, "cannot put the application's %s back: %m",
				   names[i]);
			r = -errno;
		}
	s->limits_set = false;
	return r;
}

/* Back to where the application was. Each step is tried and logged on its
 * own: one failure must not stop the rest. */
static int restore_namespaces(pam_handle_t *pamh, struct box_session *s)
{
	int r = 0;

	if (s->restored)
		return 0;
	for (size_t i = 0; i < N_NS; i++)
		if (setns(s->saved_ns[i], joined_ns[i].flag) < 0) {
			pam_syslog(pamh, LOG_ERR, "setns(%s) back to the application's: %m",
				   joined_ns[i].name);
			r = -errno;
		}
	if (s->saved_net >= 0 && setns(s->saved_net, CLONE_NEWNET) < 0) {
		pam_syslog(pamh, LOG_ERR, "setns(net) back to the application's: %m");
		r = -errno;
	}
	if (restore_limits(pamh, s) < 0)
		r = -EPERM;
	if ((!s->saved_cwd || chdir(s->saved_cwd) < 0) && chdir("/") < 0) {
		pam_syslog(pamh, LOG_ERR, "chdir after restoring namespaces: %m");
		r = -errno;
	}
	s->restored = true;
	if (s == joined_session)
		joined_session = NULL;
	return r;
}

/* -EIO: the helper failed after its reply (logged); -EBUSY: the
 * application is multi-threaded (nothing done); -1: another failure. */
static int join_box(pam_handle_t *pamh, const struct args *a, struct box_session *s,
		    const struct nsbox_reply *rep, struct helper_child *helper)
{
	int flags = BOX_JOIN_NS | ((s->flags & NSBOX_REPLY_JOIN_NET) ? CLONE_NEWNET : 0);
	_cleanup_(scoping_done) struct scoping sc = { .fd = -1 };

	/* setns() of a PID or mount namespace needs a single thread (see
	 * single_threaded()); checked here, where it is needed, and not
	 * before: a threaded application (a display manager) lets in a user
	 * no rule names, and only the session that joins needs it. With us
	 * the only thread, no other can be born before the setns(): any
	 * later thread is ours, born inside. (A relay's child is single-
	 * threaded whatever its parent: fork copies one thread.) */
	if (!single_threaded())
		return -EBUSY;
	if (save_namespaces(pamh, s) < 0)
		return -1;
	if (setns(s->pidfd, flags) < 0) {
		pam_syslog(pamh, LOG_ERR, "setns(box init pid %d): %m", (int)s->init_pid);
		return -1;
	}
	joined_session = s;
	joined_pid = getpid();
	/* Only namespaces so far, which restore_namespaces() undoes. */
	test_pause_at(a->test_pause, "reap");
	if (reap_helper(helper) < 0) {
		restore_namespaces(pamh, s);
		helper_failed(pamh, a, helper); /* to the host's /dev/log */
		return -EIO;
	}
	/* The limits first: restore_namespaces() puts them back; the
	 * hardening cannot be undone, so it comes last, with what it needs
	 * made before the limits. */
	prepare_scoping(&sc);
	if (apply_session_limits(pamh, s, rep) < 0 || harden_after_join(pamh, rep->flags, &sc) < 0) {
		restore_namespaces(pamh, s);
		return -1;
	}
	return 0;
}

/* With a relay, the fork comes before the PID namespace is joined (the
 * parent, the relay, never returns) and the pty after it (relay.c). */
static int join_box_relayed(pam_handle_t *pamh, const struct args *a, const char *user,
			    struct box_session *s, const struct nsbox_reply *rep,
			    struct helper_child *helper)
{
	bool relay = wants_relay(pamh, a);
	struct relay rl;
	int r;

	/* The relay is the parent and never returns: reap first. */
	if (relay && reap_helper(helper) < 0) {
		helper_failed(pamh, a, helper);
		return -EIO;
	}
	if (relay && relay_fork(pamh, user, &rl) < 0)
		return -1;
	if ((r = join_box(pamh, a, s, rep, helper)) < 0)
		return r;
	if (relay && relay_attach(pamh, &rl) < 0) {
		restore_namespaces(pamh, s);
		return -1;
	}
	return 0;
}

/* The record of a box of one session goes with it (boxrecord.h). */
static void remove_record(const char *id)
{
	unlink_box_record(id);
}

/* A box of this session alone, which no session got: stopped, and its
 * record with it (a shared box lives on for its other sessions). */
static void stop_own_box(struct box_session *s)
{
	if (!(s->flags & NSBOX_REPLY_SHARED)) {
		(void)sys_pidfd_send_signal(s->pidfd, SIGKILL);
		remove_record(s->box_id);
	}
}

static bool is_root(const char *user)
{
	_cleanup_(user_record_free) struct user_record u = { 0 };

	return user_record_lookup(user, &u) == 0 && u.uid == 0;
}

/* A session nsbox cannot box: refused, except root's (root is exempt unless
 * the config confines it, and then the config could not be read). */
static int refuse(pam_handle_t *pamh, const char *user, const char *why)
{
	if (is_root(user)) {
		pam_syslog(pamh, LOG_WARNING, "user %s not boxed: %s, root is exempt", user, why);
		return PAM_IGNORE;
	}
	pam_syslog(pamh, LOG_ERR, "user %s denied: %s", user, why);
	return PAM_SESSION_ERR;
}

static int verdict_to_pam(pam_handle_t *pamh, const struct args *a, const char *user,
			  const struct nsbox_reply *rep, struct box_session *s,
			  struct helper_child *helper)
{
	int r;

	switch (rep->verdict) {
	case NSBOX_VERDICT_IGNORE:
		if (startswith(rep->message, "root is exempt while"))
			pam_syslog(pamh, LOG_WARNING, "user %s not boxed: %s", user, rep->message);
		else if (a->debug)
			pam_syslog(pamh, LOG_DEBUG, "user %s not boxed: %s", user, rep->message);
		return PAM_IGNORE;
	case NSBOX_VERDICT_UNCONFINED:
		pam_syslog(pamh, LOG_WARNING, "user %s NOT boxed (rule=%s, on_error = allow): %s", user,
			   rep->rule, rep->message);
		return PAM_IGNORE;
	case NSBOX_VERDICT_BOXED:
		if (s->pidfd < 0 || sys_pidfd_send_signal(s->pidfd, 0) < 0) {
			pam_syslog(pamh, LOG_ERR, "user %s denied: no live box init from helper", user);
			return PAM_SESSION_ERR;
		}
		s->init_pid = rep->init_pid;
		s->flags = rep->flags;
		snprintf(s->box_id, sizeof(s->box_id), "%s", rep->box_id);
		/* Logged before joining: once inside, syslog() would reach
		 * the box's /dev/log, which is the host's only with
		 * syslog_socket = true. A failed join says so right after. */
		pam_syslog(pamh, LOG_INFO, "user %s boxed rule=%s rootfs=%s pid=%d", user, rep->rule,
			   rep->rootfs, (int)rep->init_pid);
		r = join_box_relayed(pamh, a, user, s, rep, helper);
		if (r < 0) {
			stop_own_box(s);
			if (r == -EIO) /* as when it fails before its reply */
				return refuse(pamh, user, "helper failed");
			if (r == -EBUSY)
				return refuse(pamh, user, "the application is multi-threaded");
			pam_syslog(pamh, LOG_ERR, "user %s denied: cannot join the box", user);
			return PAM_SESSION_ERR;
		}
		test_pause_at(a->test_pause, "joined");
		return PAM_SUCCESS;
	case NSBOX_VERDICT_DENY:
	default:
		pam_syslog(pamh, LOG_ERR, "user %s denied%s%s: %s", user, rep->rule[0] ? " rule=" : "",
			   rep->rule, rep->message[0] ? rep->message : "no reason given");
		return PAM_SESSION_ERR;
	}
}

/* Out of a box just joined, before the session exists: back to the
 * application's namespaces; a box of this session alone is stopped. */
static void abandon_box(pam_handle_t *pamh, struct box_session *s)
{
	restore_namespaces(pamh, s);
	stop_own_box(s);
}

static int open_session(pam_handle_t *pamh, int argc, const char **argv)
{
	struct helper_child helper = { 0 };
	struct nsbox_request req;
	struct nsbox_reply rep = { 0 };
	struct box_session *s = NULL;
	const void *data = NULL, *item = NULL;
	const char *user;
	struct args a;
	int r;
	bool args_ok = parse_args(pamh, argc, argv, &a) == 0;

	if (args_ok && a.leave)
		return PAM_IGNORE; /* the box is opened by the last entry */
	if (pam_get_item(pamh, PAM_USER, &item) != PAM_SUCCESS || !item || !*(const char *)item) {
		pam_syslog(pamh, LOG_ERR, "no user name");
		return PAM_SESSION_ERR;
	}
	user = item;
	if (!args_ok)
		return refuse(pamh, user, "invalid module arguments");
	if (pam_get_data(pamh, DATA_KEY, &data) == PAM_SUCCESS && data)
		return refuse(pamh, user, "a session is already open in this PAM handle");
	/* In a box (another handle's session, or a child of the process that
	 * joined): what we would save as the application's namespaces are the
	 * box's. Not even root: its session would run in the user's box. */
	if (joined_session) {
		pam_syslog(pamh, LOG_ERR, "user %s denied: this process is in the box of another "
					  "PAM session, which must close first", user);
		return PAM_SESSION_ERR;
	}
	if (make_request(pamh, &a, user, &req) < 0)
		return refuse(pamh, user, "invalid request");
	if ((r = decide_without_helper(pamh, &a, &req)) >= 0)
		return r;
	s = session_new();
	if (!s)
		return PAM_BUF_ERR;
	if (ask_helper(pamh, &a, &req, &rep, s, &helper) < 0) {
		session_free(s);
		return refuse(pamh, user, "helper failed");
	}
	/* Only a join is worth overlapping with the helper's exit. */
	if (rep.verdict != NSBOX_VERDICT_BOXED && reap_helper(&helper) < 0) {
		helper_failed(pamh, &a, &helper);
		session_free(s);
		return refuse(pamh, user, "helper failed");
	}
	r = verdict_to_pam(pamh, &a, user, &rep, s, &helper);
	/* A join reaps the helper (and refuses the session if it failed);
	 * one that failed first leaves it to us. */
	if (reap_helper(&helper) < 0) {
		helper_failed(pamh, &a, &helper);
		if (r == PAM_SUCCESS) /* cannot be: a join reaps */
			abandon_box(pamh, s);
		session_free(s);
		return r == PAM_SUCCESS ? refuse(pamh, user, "helper failed") : r;
	}
	if (r != PAM_SUCCESS) {
		session_free(s);
		return r;
	}
	if (pam_set_data(pamh, DATA_KEY, s, session_cleanup) != PAM_SUCCESS) {
		abandon_box(pamh, s);
		session_free(s);
		return PAM_BUF_ERR;
	}
	return PAM_SUCCESS;
}

/* A refused session says so to the user, in one line through the
 * application's conversation; the reason, which may name host paths, stays
 * in syslog for the administrator. Not for PAM_IGNORE (unconfined users,
 * root's fail-open): their session goes on. */
EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	int r = open_session(pamh, argc, argv);

	if (r != PAM_SUCCESS && r != PAM_IGNORE && !(flags & PAM_SILENT))
		(void)pam_error(pamh, "nsbox: your session could not be set up; "
				      "contact the administrator.");
	return r;
}

EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags _unused_, int argc, const char **argv)
{
	const void *data = NULL;
	struct box_session *s;
	struct args a;

	/* Bad arguments were logged at open; closing must still work. */
	if (parse_args(pamh, argc, argv, &a) < 0)
		a.leave = false;
	if (pam_get_data(pamh, DATA_KEY, &data) != PAM_SUCCESS || !data)
		return PAM_SUCCESS; /* no box: close without open, or twice */
	s = (struct box_session *)data;
	restore_namespaces(pamh, s);
	if (a.leave)
		return PAM_SUCCESS; /* the last entry stops the box */
	if (s->flags & NSBOX_REPLY_SHARED) {
		/* Other sessions may hold it: closing our connection (in the
		 * cleanup below) is all; box init counts the rest. */
		if (a.debug)
			pam_syslog(pamh, LOG_DEBUG, "left shared box of pid %d", (int)s->init_pid);
	} else {
		/* Killing PID 1 kills every process of its PID namespace; the
		 * kernel reaps them, we do not wait (sshd closes first). */
		if (sys_pidfd_send_signal(s->pidfd, SIGKILL) < 0 && errno != ESRCH)
			pam_syslog(pamh, LOG_ERR, "kill box init pid %d: %m", (int)s->init_pid);
		remove_record(s->box_id);
		if (a.debug)
			pam_syslog(pamh, LOG_DEBUG, "box of pid %d stopped", (int)s->init_pid);
	}
	/* Replacing the data runs session_cleanup, which closes our fds. */
	pam_set_data(pamh, DATA_KEY, NULL, NULL);
	return PAM_SUCCESS;
}
