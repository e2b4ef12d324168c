/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rootless face. Three processes:
 *   nsbox (host)  -- writes the id maps, forwards signals, returns CMD's status
 *   box init      -- PID 1 of the box: builds it, reaps zombies, forwards signals
 *   CMD           -- PID 2, exec'd with nothing more than the caller had
 * No step needs privileges outside the user namespace the caller creates. */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../common/landlock.h"
#include "../common/syscalls.h"
#include "box.h"
#include "exitcodes.h"
#include "log.h"
#include "mount.h"
#include "ns.h"
#include "privs.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const int forwarded_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2 };

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: nsbox run [OPTIONS] [--] [CMD [ARGS...]]\n"
		"Run CMD (default: your shell) in a new box, as yourself, no root needed.\n\n"
		"  --rootfs DIR      use DIR as the box's root (default: the host's, read-only)\n"
		"  --hostname NAME   hostname inside the box (default: %s)\n"
		"  --root            be uid/gid 0 inside the box (setgroups denied)\n"
		"  --verbose         print uid, gid, hostname, pid and cwd before and inside\n"
		"  -h, --help        show this help\n\n"
		"Exit status: CMD's status (128+N if killed by signal N), 125 if nsbox failed,\n"
		"126 if CMD cannot be run, 127 if CMD is not found in the box.\n",
		BOX_DEFAULT_HOSTNAME);
}

int parse_run_args(int argc, char **argv, struct run_opts *ret)
{
	static const struct option longopts[] = {
		{ "rootfs", required_argument, NULL, 'r' },
		{ "hostname", required_argument, NULL, 'n' },
		{ "root", no_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct run_opts o = { .hostname = BOX_DEFAULT_HOSTNAME };
	int c;

	optind = 0; /* glibc: re-initialise, parse_run_args may run twice */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o.rootfs = optarg;
			break;
		case 'n':
			o.hostname = optarg;
			break;
		case 'R':
			o.map_root = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			o.help = true;
			break;
		case ':':
			log_error("run: option '%s' needs an argument", argv[optind - 1]);
			return -EINVAL;
		default:
			if (optopt)
				log_error("run: unknown option '-%c' (see nsbox run --help)",
					  optopt);
			else
				log_error("run: unknown option '%s' (see nsbox run --help)",
					  argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (o.rootfs && o.rootfs[0] == '\0') {
		log_error("run: --rootfs needs a directory");
		return -EINVAL;
	}
	if (!hostname_is_valid(o.hostname)) {
		log_error("run: invalid hostname '%s'", o.hostname);
		return -EINVAL;
	}
	o.cmd = optind < argc ? &argv[optind] : NULL;
	*ret = o;
	return 0;
}

static void block_signals(sigset_t *set, sigset_t *old)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(set, forwarded_signals[i]);
	sigaddset(set, SIGCHLD);
	sigprocmask(SIG_BLOCK, set, old);
}

/* execvp() that tells "not found" (127) from "cannot run" (126). */
static _noreturn_ void exec_cmd(char **cmd)
{
	const char *path = getenv("PATH");
	char full[PATH_MAX];
	int err = ENOENT;

	if (strchr(cmd[0], '/')) {
		execv(cmd[0], cmd);
		err = errno;
	} else {
		if (!path || !*path)
			path = DEFAULT_PATH;
		for (const char *p = path; *p;) {
			size_t len = strcspn(p, ":");
			if (len > 0 && snprintf(full, sizeof(full), "%.*s/%s", (int)len, p,
						cmd[0]) < (int)sizeof(full)) {
				execv(full, cmd);
				if (errno != ENOENT && errno != ENOTDIR)
					err = errno;
			}
			p += len + (p[len] == ':');
		}
	}
	if (err == ENOENT || err == ENOTDIR) {
		log_error("%s: command not found in the box", cmd[0]);
		_exit(EXIT_NOT_FOUND);
	}
	log_error("%s: %s", cmd[0], strerror(err));
	_exit(EXIT_CANNOT_EXEC);
}

/* Keep the caller's directory when the box has it (always without
 * --rootfs), else start at "/". */
static void enter_cwd(const char *cwd)
{
	if ((!cwd || chdir(cwd) < 0) && chdir("/") < 0)
		log_errno(errno, "chdir(\"/\")");
}

/* The box shares the host's network namespace, so the host's abstract unix
 * sockets are reachable, and a pidfd inherited or received over a socket
 * (or F_SETOWN) signals a host process whatever the PID namespace: scope
 * both to CMD's Landlock domain (box init, outside it, still signals CMD).
 * Kernels without Landlock ABI 6 (before 6.12): a warning, and CMD runs. */
static int scope_cmd(void)
{
	int abi, r = landlock_scope(NSBOX_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
					    NSBOX_LANDLOCK_SCOPE_SIGNAL,
				    &abi);

	if (r == -EOPNOTSUPP) {
		log_warning("Landlock scoping unavailable (ABI %d, needs 6: Linux 6.12): the "
			    "host's abstract unix sockets and processes reached by pidfd stay "
			    "reachable from the box",
			    abi);
		return 0;
	}
	if (r < 0)
		return log_errno(-r, "Landlock scoping of abstract sockets and signals");
	return 0;
}

static _noreturn_ void run_cmd(const struct run_opts *o, char **cmd, const sigset_t *mask)
{
	static char *shell_cmd[2];
	static char fallback_shell[] = "/bin/sh";

	sigprocmask(SIG_SETMASK, mask, NULL);
	if (!o->map_root && drop_all_caps() < 0)
		_exit(EXIT_NSBOX_FAILED);
	/* --root keeps the namespace-root capabilities, like unshare -r: they
	 * are worth nothing outside the box's user namespace. */
	if (harden_process(false) < 0 || scope_cmd() < 0)
		_exit(EXIT_NSBOX_FAILED);
	if (!cmd) {
		/* The login shell from the host's passwd, if the box has it. */
		shell_cmd[0] = o->shell;
		if (!shell_cmd[0] || access(shell_cmd[0], X_OK) < 0)
			shell_cmd[0] = fallback_shell;
		cmd = shell_cmd;
	}
	if (o->verbose)
		print_identity("inside");
	exec_cmd(cmd);
}

/* Deep copies of the strings run_cmd() uses, for a process that is about
 * to overwrite its argv. Never freed: box init keeps them until it exits. */
static int copy_cmd_strings(struct run_opts *o)
{
	size_t n = 0;
	char **v;

	if (o->shell && !(o->shell = strdup(o->shell)))
		return log_errno(ENOMEM, "strdup()");
	if (!o->cmd)
		return 0;
	while (o->cmd[n])
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return log_errno(ENOMEM, "strdup()");
	for (size_t i = 0; i < n; i++)
		if (!(v[i] = strdup(o->cmd[i])))
			return log_errno(ENOMEM, "strdup()");
	o->cmd = v;
	return 0;
}

/* PID 1 of the box. Builds it, starts CMD as PID 2, reaps everything and
 * exits with CMD's status; the kernel then kills what is left. */
static _noreturn_ void run_init(const struct run_opts *o, const char *cwd, const sigset_t *wait_set,
				const sigset_t *cmd_mask)
{
	struct box_mounts mounts = { .rootfs = o->rootfs };
	struct run_opts own = *o;
	int status = 0;
	pid_t cmd;

	/* /dev/shm and /tmp, made in box init as the caller: nothing else. */
	if (mount_list_add_scratch(&mounts.list, NULL) < 0) {
		log_errno(ENOMEM, "mounts");
		_exit(EXIT_NSBOX_FAILED);
	}

	if (set_box_hostname(o->hostname) < 0)
		_exit(EXIT_NSBOX_FAILED);
	if (prepare_own_mounts(&mounts) < 0 || build_box_root(&mounts, PATH_TRUST_ROOT) < 0) {
		if (!have_effective_cap(CAP_SYS_ADMIN))
			log_error("hint: %s", userns_failure_hint(EPERM));
		_exit(EXIT_NSBOX_FAILED);
	}
	box_mounts_release(&mounts);
	mount_list_free(&mounts.list);
	enter_cwd(cwd);

	/* The title overwrites argv, which O points into: copy what CMD's
	 * child still needs, then rename before CMD exists, so that CMD
	 * never sees a host path in /proc/1/cmdline. */
	if (copy_cmd_strings(&own) < 0)
		_exit(EXIT_NSBOX_FAILED);
	set_process_title(BOX_INIT_NAME);

	/* vfork: CMD's child shares our memory until it execs, and we wait
	 * meanwhile; a fork would copy the helper's page tables only for the
	 * exec to drop them (1.3 ms of a 10 ms run on the test VM). Safe
	 * because run_cmd() before its exec makes system calls only (signal
	 * mask, capabilities, no_new_privs, Landlock: each changes the
	 * child's own task, not our memory), allocates nothing, and ends in
	 * execv() or _exit(); what it prints goes to unbuffered stderr. It
	 * writes nothing of ours that we read afterwards: static shell_cmd,
	 * errno. Until it execs, box init (PID 1) cannot reap or pass on
	 * signals: CMD is the caller's own process, so the caller could only
	 * delay their own run. */
	cmd = vfork();
	if (cmd < 0) {
		log_errno(errno, "vfork()");
		_exit(EXIT_NSBOX_FAILED);
	}
	if (cmd == 0)
		run_cmd(&own, own.cmd, cmd_mask);

	if (drop_all_caps() < 0 || harden_process(true) < 0) {
		kill(cmd, SIGKILL);
		_exit(EXIT_NSBOX_FAILED);
	}
	for (;;) {
		int sig = sigwaitinfo(wait_set, NULL);
		pid_t pid;

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(cmd, sig);
			continue;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			if (pid == cmd)
				_exit(status_to_exit_code(status));
	}
}

/* The host side: wait for box init, passing signals on. */
static int wait_box(pid_t pid, int pidfd, const sigset_t *wait_set)
{
	for (;;) {
		int sig = sigwaitinfo(wait_set, NULL);
		siginfo_t info = { 0 };

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			(void)sys_pidfd_send_signal(pidfd, sig);
			continue;
		}
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG) < 0)
			return EXIT_NSBOX_FAILED;
		if (info.si_pid != pid)
			continue;
		if (info.si_code == CLD_EXITED)
			return info.si_status;
		return 128 + info.si_status;
	}
}

/* nsbox run's box: start box init in new namespaces and wait for it;
 * returns CMD's exit status, or EXIT_NSBOX_FAILED. */
static int run_box(const struct run_opts *o, const char *cwd)
{
	_cleanup_close_ int pidfd = -1;
	sigset_t wait_set, old_mask;
	int sync[2], r;
	char go = 0;
	pid_t pid;

	if (pipe2(sync, O_CLOEXEC) < 0)
		return log_errno(errno, "pipe2()"), EXIT_NSBOX_FAILED;
	block_signals(&wait_set, &old_mask);
	pid = clone_box(BOX_CLONE_FLAGS, true, &pidfd);
	if (pid < 0) {
		log_error("cannot create the box's namespaces: %s", userns_failure_hint(-pid));
		return EXIT_NSBOX_FAILED;
	}
	if (pid == 0) {
		close(sync[1]);
		/* EOF instead of 'g': the parent died or gave up. */
		if (read(sync[0], &go, 1) != 1 || go != 'g')
			_exit(EXIT_NSBOX_FAILED);
		close(sync[0]);
		run_init(o, cwd, &wait_set, &old_mask);
	}
	close(sync[0]);
	r = write_id_maps(pid, o->map_root ? 0 : getuid(), getuid(), o->map_root ? 0 : getgid(),
			  getgid(), true);
	if (r < 0) {
		log_error("hint: %s", userns_failure_hint(-r));
		close(sync[1]);
		(void)waitpid(pid, NULL, 0);
		return EXIT_NSBOX_FAILED;
	}
	if (write(sync[1], "g", 1) != 1)
		log_errno(errno, "write(sync)");
	close(sync[1]);
	return wait_box(pid, pidfd, &wait_set);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;

	if (parse_run_args(argc, argv, &o) < 0)
		return EXIT_NSBOX_FAILED;
	return run_parsed(o);
}

int run_parsed(struct run_opts o)
{
	static char rootfs_abs[PATH_MAX];
	char cwd[PATH_MAX];
	struct stat st;

	if (o.help) {
		usage(stdout);
		return 0;
	}
	/* Early, friendly checks; box init walks the path again for real. */
	if (o.rootfs && stat(o.rootfs, &st) < 0)
		return log_errno(errno, "rootfs %s", o.rootfs), EXIT_NSBOX_FAILED;
	if (o.rootfs && !S_ISDIR(st.st_mode))
		return log_error("rootfs %s: Not a directory", o.rootfs), EXIT_NSBOX_FAILED;
	/* The caller's own tree: a relative path is resolved here, once. */
	if (o.rootfs && o.rootfs[0] != '/') {
		if (!realpath(o.rootfs, rootfs_abs))
			return log_errno(errno, "rootfs %s", o.rootfs), EXIT_NSBOX_FAILED;
		o.rootfs = rootfs_abs;
	}
	if (!o.cmd) {
		struct passwd *pw = getpwuid(getuid());
		o.shell = pw && pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : NULL;
	}
	if (o.verbose)
		print_identity("outside");
	fflush(stderr);
	return run_box(&o, getcwd(cwd, sizeof(cwd)));
}
