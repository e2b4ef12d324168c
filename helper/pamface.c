/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nsbox pam-helper`: the PAM face. pam_nsbox.so spawns it as root with an
 * empty environment, fds 0-2 on /dev/null and the protocol socket on fd 3.
 * It reads the policy and decides; for a confined user it builds a box
 * (boxinit.c) or, for a shared box that exists, connects the session to it,
 * and hands the module a pidfd of box init (never a pid to look up later).
 *
 * Privileged operations here, and why each is safe:
 *  - reading the config as root: file and parents must be root's and not
 *    writable by others (config_load); the parser never runs in sshd;
 *  - getpwnam_r as root (common/userlookup.c) when the module could not
 *    send the user, getgrouplist/getgrgid_r when a rule names a group
 *    (never the module's list: see serve_request), and getgrnam_r of rule
 *    groups the user's group names do not match (a gid can have two
 *    names): on the host, before any box exists (sudo CVE-2025-32463 was
 *    NSS loaded from a user-controlled root); in the static helper
 *    (pammain.c), which has no name service, none of these: a request
 *    that needs one is handed on first;
 *  - executing the full helper as root (hand_off, static helper only):
 *    only the nsbox-full in the directory root executed us from, which
 *    only root may write, root's and writable by root alone, with an empty
 *    environment and nothing open but stdio and the request's socket;
 *  - /run/nsbox (registry.c): root-only; a record is trusted only once the
 *    process it names is verified through a pidfd; so is a box whose
 *    devpts instance a new box of the same user shares (prepare.c); the
 *    policy index is written there only from a config loaded with its
 *    owner checked, with a copy of the bytes parsed (common/policyindex.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "../common/paths.h"
#include "../common/procstate.h"
#include "../common/protocol.h"
#include "../common/syscalls.h"
#include "../common/testpause.h"
#include "../common/timeouts.h"
#include "../common/fdpass.h"
#include "../common/userlookup.h"
#include "box.h"
#include "boxinit.h"
#include "boxsocket.h"
#include "config.h"
#include "exitcodes.h"
#include "log.h"
#include "mount.h"
#include "pamface.h"
#include "path.h"
#include "policy.h"
#include "registry.h"

/* A rule name fits, whole, in a box record and in the reply. */
_Static_assert(sizeof(((struct box_record *)0)->rule) > CONFIG_RULE_NAME_MAX, "rule name");
_Static_assert(sizeof(((struct nsbox_reply *)0)->rule) > CONFIG_RULE_NAME_MAX, "rule name");

/* The step the fault tests want us to stop at (test builds only). */
static const char *pause_step;


struct user_info login_user_info(const struct user_record *u)
{
	return (struct user_info){ .name = u->name, .uid = u->uid, .gid = u->gid,
				   .home = u->home, .shell = u->shell, .groups = u->gids,
				   .n_groups = u->n_gids, .group_names = u->group_names,
				   .n_group_names = u->n_group_names };
}

int login_user_lookup(const struct config *cfg, const char *name, struct user_record *ret)
{
	int r = user_record_lookup(name, ret);

	if (r == 0)
		r = login_user_groups(cfg, ret);
	else if (r != -ENOENT)
		log_errno(-r, "user %s: name service", name);
	return r;
}

int login_user_groups(const struct config *cfg, struct user_record *u)
{
	int r;

	if (!config_names_groups(cfg))
		return 0;
	r = user_record_add_groups(u);
	if (r < 0)
		log_errno(-r, "user %s: groups", u->name);
	return r;
}

/* Whether REQ carries a passwd entry we can use: else resolve_user() asks
 * the name service. */
static bool request_has_user(const struct nsbox_request *req)
{
	return (req->flags & NSBOX_REQUEST_HAS_USER) && memchr(req->home, 0, sizeof(req->home)) &&
	       memchr(req->shell, 0, sizeof(req->shell));
}

/* The user's passwd entry as the module sent it: the application's name
 * service already answered, so the helper need not look it up itself.
 * Never the groups (serve_request() looks them up). */
static int user_from_request(const struct nsbox_request *req, struct user_record *ret)
{
	if (!request_has_user(req))
		return -EPROTO;
	ret->uid = req->uid;
	ret->gid = req->gid;
	ret->name = strdup(req->user);
	ret->home = strdup(req->home);
	ret->shell = strdup(req->shell[0] ? req->shell : "/bin/sh");
	if (!ret->name || !ret->home || !ret->shell)
		return -ENOMEM;
	return 0;
}

/* The passwd entry of REQ's user in *RET. */
static int resolve_user(const struct nsbox_request *req, struct user_record *ret)
{
	int r;

	if (req->flags & NSBOX_REQUEST_HAS_USER) {
		r = user_from_request(req, ret);
		if (r != -EPROTO) {
			if (r < 0)
				log_errno(-r, "user %s", req->user);
			return r;
		}
		/* Never deny (root least of all) over data we need not use. */
		log_warning("malformed user data from the module: asking the name service");
		user_record_free(ret);
	}
	r = user_record_lookup(req->user, ret);
	if (r == -ENOENT)
		log_error("user %s is unknown", req->user);
	else if (r < 0)
		log_errno(-r, "user %s: name service", req->user);
	return r;
}

static void set_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static void fail(struct nsbox_reply *rep, enum on_error policy, const struct log_reason *why)
{
	rep->verdict = policy == ON_ERROR_ALLOW ? NSBOX_VERDICT_UNCONFINED : NSBOX_VERDICT_DENY;
	set_text(rep->message, sizeof(rep->message), log_reason_text(why));
}

/* A failure before any rule is known: denied, but never root (IS_ROOT)
 * locked out while STATE (a broken config, unreadable user data). */
static void fail_unless_root(struct nsbox_reply *rep, bool is_root, const char *state,
			     const struct log_reason *why)
{
	if (!is_root) {
		fail(rep, ON_ERROR_DENY, why);
		return;
	}
	rep->verdict = NSBOX_VERDICT_IGNORE;
	snprintf(rep->message, sizeof(rep->message), "root is exempt while %s: %s", state,
		 log_reason_text(why) ?: "");
}

/* Into the reply, the limits the module sets on the session (module:
 * apply_session_limits; without cgroup v2 delegation,
 * setrlimit is what there is; see nsbox.conf(5)). */
static void reply_limits(const struct rule *rule, struct nsbox_reply *rep)
{
	rep->rlimit_nproc = (uint64_t)rule->pids_max;
	rep->rlimit_as = rule->memory_max;
	rep->rlimit_nofile = (uint64_t)rule->nofile;
	if (rule->cpu_weight) {
		rep->nice = cpu_weight_to_nice(rule->cpu_weight);
		rep->flags |= NSBOX_REPLY_NICE;
	}
	if (!rule->pids_max && !rule->memory_max && !rule->cpu_weight)
		return;
	/* Once per boot, not per login. */
	_cleanup_close_ int fd = open(NSBOX_RUN_DIR "/limits-warned", O_WRONLY | O_CREAT | O_EXCL |
					      O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0)
		log_warning("limits of rule %s are set with setrlimit: pids_max counts all processes "
			    "of the user (RLIMIT_NPROC), memory_max each process (RLIMIT_AS), "
			    "cpu_weight is a nice value; cgroup v2 limits are not implemented yet",
			    rule->name);
}

/* Limits the caller of the login program chose, which we could not raise
 * (root without CAP_SYS_RESOURCE, in some containers): a file size limit
 * would fail the box record half-written, a CPU limit would kill us or box
 * init halfway. Such a login is denied, whatever on_error says (the user
 * chose the limit). */
static int check_caller_limits(void)
{
	static const struct {
		int resource;
		const char *name;
	} fatal[] = { { RLIMIT_FSIZE, "file size (ulimit -f)" }, { RLIMIT_CPU, "CPU time (ulimit -t)" } };
	struct rlimit lim;

	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		if (getrlimit(fatal[i].resource, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
			log_error("the login program's caller limited %s to %llu and root cannot raise "
				  "it here (no CAP_SYS_RESOURCE): no box is built under it",
				  fatal[i].name, (unsigned long long)lim.rlim_cur);
			return -EPERM;
		}
	return 0;
}

/* A live box of the user's lends its devpts instance to the new box. */
static int lend_devpts(const struct box_record *r, int pidfd, void *ret_tree)
{
	_cleanup_(log_reason_end) struct log_reason why;
	int err;

	/* What clone_box_devpts logs is this login's reason only if it is
	 * not forgiven below (log_reason_pass). */
	log_reason_begin(&why);
	err = clone_box_devpts(pidfd, ret_tree);
	if (err == 0) {
		log_debug("box %s lends its terminals (devpts) to the new box", r->id);
		return 1;
	}
	/* A box that ended meanwhile is no box: the next one, or none. An
	 * init that has let go of its namespaces (setns: ESRCH) is exiting:
	 * it waits only for the box's killed processes to be reaped. Its
	 * record goes now, as a gone box's does (registry_each_box_of()):
	 * nothing can enter it any more, and left behind, the record would
	 * outlive the box until the user's next login looked again. */
	if (err == -ESRCH || pidfd_exits_within(pidfd, 0)) {
		registry_remove(r->id);
		return 0;
	}
	/* Fail closed: a new instance would double the user's cap. setns by
	 * pidfd needs ptrace access, which a Landlock domain denies outside
	 * itself: the one a login program keeps after a confined session. */
	if (err == -EPERM) {
		log_reason_end(&why);
		log_error("cannot enter box %s of the same user to share its terminals (setns: "
			  "permission denied); a login program that held a confined session "
			  "before keeps a Landlock domain that shuts it out of other boxes",
			  r->id);
		return err;
	}
	log_reason_pass(&why);
	return err;
}

/* The devpts instance of the user's live boxes in *RET_TREE, or -1 when
 * they have none (the new box makes one, of the rule's ptys_max): with one
 * instance for all of them its max= is a cap on the user's ptys that holds
 * however many boxes they open and wherever they pass the fds. Call with
 * registry_lock() held until the new box is recorded. */
static int user_devpts(const struct user_info *u, int *ret_tree)
{
	int tree = -1, r = registry_each_box_of(u->name, u->uid, lend_devpts, &tree);

	if (r < 0) {
		closep(&tree);
		return r;
	}
	*ret_tree = tree;
	return 0;
}

/* Start B's box and record it, with registry_lock() held: the record lets
 * admins list, enter and stop it and the user's next box find its devpts.
 * A SHARED box listens for later sessions on a socket named after its
 * record. Unrecorded, the box would be missed by the user's next one,
 * which would make a devpts instance of its own (the cap would not hold):
 * a box that cannot be recorded is killed and its record removed. */
static int start_recorded_box(struct box_start *b, bool shared, struct nsbox_reply *rep,
			      int fds[2])
{
	_cleanup_close_ int listener = -1, devpts = -1;
	char path[PATH_MAX], tmp[PATH_MAX];
	struct box_record rec;
	pid_t pid;
	int r;

	if ((r = user_devpts(b->user, &devpts)) < 0)
		return r;
	b->devpts_tree = devpts;
	snprintf(tmp, sizeof(tmp), "%s/.new-%d.sock", NSBOX_BOXES_DIR, (int)getpid());
	if (shared && (r = make_box_listener(tmp, &listener)) < 0)
		return r;
	b->listen_fd = listener;
	if ((r = start_box_init(b, &pid, &fds[0])) < 0) {
		if (shared)
			(void)unlink(tmp);
		return r;
	}
	rep->init_pid = pid;
	if (b->rule->network_none)
		rep->flags |= NSBOX_REPLY_JOIN_NET;
	r = record_init(&rec, b->user->name, b->user->uid, b->rule->name, shared, pid,
			b->plan->rootfs);
	box_socket_path(rec.id, path, sizeof(path));
	r = r ?: registry_write(&rec);
	if (r == 0 && shared && rename(tmp, path) < 0)
		r = log_errno(errno, "rename(\"%s\")", path);
	if (r < 0) {
		(void)sys_pidfd_send_signal(fds[0], SIGKILL);
		closep(&fds[0]);
		if (shared)
			(void)unlink(tmp);
		registry_remove(rec.id);
		return r;
	}
	set_text(rep->box_id, sizeof(rep->box_id), rec.id);
	return 0;
}

/* A box for this session alone; the module removes its record at close. */
static int start_unshared(struct box_start *b, struct nsbox_reply *rep, int fds[2])
{
	_cleanup_(registry_unlock) struct user_lock lock = USER_LOCK_NONE;
	int r = registry_lock(b->user->uid, &lock);

	return r < 0 ? r : start_recorded_box(b, false, rep, fds);
}

/* Join the user's shared box for this rule if it lives, else start it. The
 * lock keeps two first logins from starting two boxes. */
static int join_or_start_shared(struct box_start *b, struct nsbox_reply *rep, int fds[2])
{
	_cleanup_(registry_unlock) struct user_lock lock = USER_LOCK_NONE;
	char path[PATH_MAX];
	struct box_record rec;
	int r;

	rep->flags |= NSBOX_REPLY_SHARED;
	if ((r = registry_lock(b->user->uid, &lock)) < 0)
		return r;
	r = registry_find_shared(b->user->name, b->user->uid, b->rule->name, &rec, &fds[0]);
	if (r < 0 && r != -ENOENT)
		return r;
	if (r == 0) {
		bool own_net;
		box_socket_path(rec.id, path, sizeof(path));
		r = box_has_own_net(fds[0], rec.pid, &own_net);
		r = r ?: connect_box(path, &fds[1]);
		if (r == 0) {
			/* The session gets the box's network, whatever the rule
			 * says now: the rule applies to the next box. */
			if (own_net != b->rule->network_none)
				log_info("box %s keeps the network it was built with (network = \"%s\"); "
					 "nsbox stop applies the rule's", rec.id, own_net ? "none" : "host");
			if (own_net)
				rep->flags |= NSBOX_REPLY_JOIN_NET;
			rep->flags |= NSBOX_REPLY_CONNECTION;
			rep->init_pid = rec.pid;
			set_text(rep->box_id, sizeof(rep->box_id), rec.id);
			log_debug("user %s joins box %s", b->user->name, rec.id);
			return 0;
		}
		/* Not joined. A box whose init is exiting (its linger ran out
		 * as we came) is replaced; a live one that does not answer (its
		 * user stopped or starved it) is not, or it would lose its
		 * record while it runs. */
		if (fds[0] >= 0 && !pidfd_exits_within(fds[0], EXITING_BOX_WAIT_MS)) {
			closep(&fds[0]);
			return log_errno(-r, "box %s does not take sessions", rec.id);
		}
		closep(&fds[0]);
		registry_remove(rec.id);
	}
	return start_recorded_box(b, true, rep, fds);
}

int login_plan(const struct config *cfg, const struct user_info *u, const struct rule **ret_rule,
	       bool *ret_root_exempt, struct box_plan *ret_plan)
{
	const struct rule *rule = policy_match(cfg, u, group_gid_of, ret_root_exempt);

	*ret_rule = rule;
	if (!rule)
		return 0;
	log_debug("user %s matches rule %s", u->name, rule->name);
	return plan_box(rule, u, ret_plan);
}

int try_login(const struct config *cfg, const struct user_info *u, const struct rule **ret_rule,
	      bool *ret_root_exempt)
{
	struct box_plan plan = { 0 };
	int r = login_plan(cfg, u, ret_rule, ret_root_exempt, &plan);

	if (r == 0 && *ret_rule) {
		struct box_start b = { .user = u, .plan = &plan, .rule = *ret_rule,
				       .listen_fd = -1, .devpts_tree = -1 };
		r = try_box(&b);
	}
	plan_free(&plan);
	return r;
}

/* The static helper (pammain.c) has no name service (nonss.c): a request
 * that needs one, still unread (read_request() only peeked), goes to the
 * full helper FULL beside it (open_own_dir), which serves it from the
 * start. Executing it as root is safe for the reason executing us was: root
 * executed us from that directory, which only root may write, and the file
 * must be root's and writable by root alone. Returns only on failure,
 * logged. */
static int hand_off(const char *full, const char *reason)
{
	/* HANDED_OFF: a static helper there instead would refuse at once
	 * (pammain.c), not hand on to itself until the module's timeout. */
	char *const argv[] = { NSBOX_HELPER_ARGV0, NSBOX_HELPER_COMMAND, PAM_HELPER_HANDED_OFF, NULL };
	char *const envp[] = { NULL };

	/* Nothing of ours but stdio and the request's socket. */
	(void)sys_close_range(NSBOX_PROTOCOL_FD + 1, ~0U, CLOSE_RANGE_CLOEXEC);
	/* Only root's, in root's directory (owner 0): see exec_beside_us. */
	return exec_beside_us(full, 0, reason, argv, envp);
}

/* The static helper's side of a request (pammain.c; NULL in the full
 * helper): the full helper FULL beside it, and whether the request
 * read_request() only peeked at is still on the socket. */
struct static_helper {
	const char *full;
	bool peeked;
};

/* The request read_request() peeked at, taken off the socket once the
 * static helper serves it itself: box init inherits the socket and must
 * find no request there. And before any reply (cmd_pam_helper): a socket
 * closed with data unread resets its peer's, and the module could read
 * the reset (ECONNRESET) rather than the reply queued before it. */
static int take_request(struct static_helper *sh, const struct nsbox_request *req)
{
	struct nsbox_request again;
	ssize_t n = RETRY_EINTR(recv(NSBOX_PROTOCOL_FD, &again, sizeof(again), MSG_DONTWAIT));

	sh->peeked = false;
	if (n != (ssize_t)sizeof(again) || memcmp(&again, req, sizeof(again)) != 0) {
		log_error("pam-helper: the request changed while it was read");
		return -EPROTO;
	}
	return 0;
}

/* Decide for the user in REQ and build (or join) the box if a rule
 * confines them. FDS get the pidfd of box init and, for a shared box,
 * this session's connection to it. SH: the static helper's side, which
 * hands on what needs a name service (hand_off); NULL in the full one. */
static void serve_request(const struct nsbox_request *req, struct nsbox_reply *rep,
			  int fds[2], struct config **ret_cfg, struct static_helper *sh)
{
	_cleanup_(user_record_free) struct user_record user = { 0 };
	_cleanup_(log_reason_end) struct log_reason why;
	struct user_info info;
	struct config *cfg = NULL;
	struct box_plan plan = { 0 };
	const struct rule *rule;
	bool root_exempt;
	int r;

	/* The reason of a failure, for the reply: the module logs it. */
	log_reason_begin(&why);
	rep->verdict = NSBOX_VERDICT_DENY;
	if (sh && !request_has_user(req)) {
		(void)hand_off(sh->full, "the module sent no user data");
		fail_unless_root(rep, false, "the full helper cannot be run", &why);
		goto out;
	}
	if (resolve_user(req, &user) < 0) {
		/* The application's name service said uid 0. */
		fail_unless_root(rep, (req->flags & NSBOX_REQUEST_HAS_USER) && req->uid == 0,
				 "its user data cannot be read", &why);
		goto out;
	}
	if (config_load(req->config, true, &cfg) < 0) {
		fail_unless_root(rep, user.uid == 0, "the config is broken", &why);
		goto out;
	}
	if (sh && config_names_groups(cfg)) {
		(void)hand_off(sh->full, "a rule names a group");
		fail_unless_root(rep, user.uid == 0, "the full helper cannot be run", &why);
		goto out;
	}
	if (sh && take_request(sh, req) < 0) {
		fail_unless_root(rep, user.uid == 0, "its request cannot be read", &why);
		goto out;
	}
	/* The groups decide group rules, so they come from our own lookup,
	 * in our own empty environment, never from the module: the login
	 * program's environment is the caller's under su and sudo, where
	 * _SSS_LOOPS=NO (sssd) or _NO_WINBINDD=1 makes a source answer "not
	 * found" and glibc leaves its groups out of a list it calls whole. */
	if (login_user_groups(cfg, &user) < 0) {
		fail_unless_root(rep, user.uid == 0, "its groups cannot be read", &why);
		goto out;
	}
	info = login_user_info(&user);
	r = login_plan(cfg, &info, &rule, &root_exempt, &plan);
	if (!rule) {
		rep->verdict = NSBOX_VERDICT_IGNORE;
		set_text(rep->message, sizeof(rep->message),
			 root_exempt ? "root is exempt (confine_root = false)" : "no rule matches");
		goto out;
	}
	set_text(rep->rule, sizeof(rep->rule), rule->name);
	if (check_caller_limits() < 0) {
		fail(rep, ON_ERROR_DENY, &why);
		goto out;
	}
	if (r < 0) {
		fail(rep, rule->on_error, &why);
		goto out;
	}
	set_text(rep->rootfs, sizeof(rep->rootfs), plan.rootfs);
	struct box_start b = { .user = &info, .plan = &plan, .rule = rule,
			       .pause_step = pause_step, .listen_fd = -1, .devpts_tree = -1 };
	r = rule->share == SHARE_USER ? join_or_start_shared(&b, rep, fds)
				      : start_unshared(&b, rep, fds);
	if (r < 0) {
		fail(rep, rule->on_error, &why);
		goto out;
	}
	reply_limits(rule, rep);
	/* Without it the module filters user namespaces out of the session. */
	if (rule->user_namespaces)
		rep->flags |= NSBOX_REPLY_USERNS;
	rep->verdict = NSBOX_VERDICT_BOXED;
out:
	plan_free(&plan);
	/* For the policy index, written after the reply. */
	*ret_cfg = cfg;
}

/* FLAGS: MSG_PEEK in the static helper, which may hand the request on
 * (serve_request). */
static int read_request(int fd, struct nsbox_request *req, int flags)
{
	ssize_t n = RETRY_EINTR(recv(fd, req, sizeof(*req), flags));

	if (n != (ssize_t)sizeof(*req) || req->version != NSBOX_PROTOCOL_VERSION)
		return -EPROTO;
	if (!memchr(req->user, 0, sizeof(req->user)) ||
	    !memchr(req->service, 0, sizeof(req->service)) ||
	    !memchr(req->config, 0, sizeof(req->config)) || !req->user[0])
		return -EPROTO;
	return 0;
}

static int send_reply(int fd, const struct nsbox_reply *rep, const int fds[2])
{
	size_t n = fds[0] < 0 ? 0 : fds[1] < 0 ? 1 : 2;

	return send_with_fds(fd, rep, sizeof(*rep), fds, n);
}

int cmd_pam_helper(const char *full)
{
	struct nsbox_request req;
	struct nsbox_reply rep = { .version = NSBOX_PROTOCOL_VERSION };
	_cleanup_(config_freep) struct config *cfg = NULL;
	/* The static helper peeks at the request (read_request). */
	struct static_helper peeking = { .full = full, .peeked = true };
	struct static_helper *sh = full ? &peeking : NULL;
	struct stat st;
	int fds[2] = { -1, -1 }, reset;

	if (getuid() != 0 || geteuid() != 0 || fstat(NSBOX_PROTOCOL_FD, &st) < 0 ||
	    !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "nsbox: pam-helper is run by pam_nsbox.so only\n");
		return EXIT_NSBOX_FAILED;
	}
	/* Whoever ran the login program chose our rlimits, cwd, umask and nice
	 * value (su keeps them): start from a fixed state, and never leave a
	 * core of root's memory (the module resets them too, procstate.h). */
	(void)prctl(PR_SET_DUMPABLE, 0);
	reset = reset_process_state();
	/* A limit we could not raise fails a write (EFBIG), never kills us
	 * half-way; check_caller_limits() then denies the box. */
	signal(SIGXFSZ, SIG_IGN);
	/* We are in the login program's process group, which may be the
	 * terminal's foreground one (su): a ^Z must not stop us while the
	 * module waits for our exit. (Box init, a PID namespace's init,
	 * never stops on it anyway.) */
	signal(SIGTSTP, SIG_IGN);
	if (read_request(NSBOX_PROTOCOL_FD, &req, sh ? MSG_PEEK : 0) < 0) {
		log_setup(LOG_TO_SYSLOG, false);
		log_error("pam-helper: malformed request from the module");
		return EXIT_NSBOX_FAILED;
	}
	/* Errors travel to the module in the reply and are logged there, once;
	 * warnings and debug lines go to syslog from here. */
	log_setup(LOG_TO_SYSLOG | LOG_ERRORS_TO_CALLER, req.flags & NSBOX_REQUEST_DEBUG);
	if (reset < 0)
		log_warning("pam-helper: cannot reset every rlimit, cwd or nice value: %s",
			    strerror(-reset));
	if (memchr(req.test_pause, 0, sizeof(req.test_pause)) && req.test_pause[0])
		pause_step = req.test_pause;
	test_pause_at(pause_step, "helper");
	serve_request(&req, &rep, fds, &cfg, sh);
	/* Not handed on, and refused before serve_request() took it. */
	if (sh && sh->peeked)
		(void)take_request(sh, &req);
	test_pause_at(pause_step, "reply");
	if (send_reply(NSBOX_PROTOCOL_FD, &rep, fds) < 0) {
		/* The module is gone: take a box of its own down with us (a
		 * shared one lives on for its other sessions). */
		if (fds[0] >= 0 && !(rep.flags & NSBOX_REPLY_SHARED))
			(void)sys_pidfd_send_signal(fds[0], SIGKILL);
		return 1;
	}
	/* After the reply, off the login's path (the module may be joining
	 * the box meanwhile): the next login of a user no rule names need
	 * not start us. A failure is a warning and changes no verdict. Only
	 * from the config loaded with its owner checked. */
	if (cfg)
		(void)registry_write_index(cfg);
	return 0;
}
